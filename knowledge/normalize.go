package knowledge

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// slackUnescaper undoes the three HTML escapes Slack applies to message and
// command text. &amp; goes last so that "&amp;lt;" stays "&lt;".
var slackUnescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// Normalize prepares user text for matching and display: it undoes Slack's
// HTML escaping, converts to NFC (macOS pastes NFD, which splits every
// Hangul syllable into jamo), turns CRLF and CR into LF, and maps the
// non-breaking and full-width spaces word processors paste into plain
// spaces. Line structure is kept so that line numbers stay meaningful.
func Normalize(s string) string {
	s = slackUnescaper.Replace(s)
	s = norm.NFC.String(s)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		switch r {
		case '\u00a0', '\u3000', '\u2007', '\u202f', '\t':
			return ' '
		case '\u200b', '\ufeff':
			return -1
		}
		return r
	}, s)
}

// Compact returns s lower-cased with spaces removed, so that spacing
// variants (담당부서 / 담당 부서) compare equal. Between two ASCII letters
// one space stays, so that English words keep their boundaries ("use
// DES" must not read as "usedes"). It expects normalised text.
func Compact(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	compactInto(&b, s, nil)
	return b.String()
}

// compactInto writes the compact form of s to b. When at is not nil it is
// called with the byte offset in s of every rune written (for every byte
// of it), so that callers can map compact offsets back to the text.
func compactInto(b *strings.Builder, s string, at func(off, n int)) {
	var prev rune
	space := false
	for i, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		r = unicode.ToLower(r)
		if space && isASCIILetter(prev) && isASCIILetter(r) {
			b.WriteByte(' ')
			if at != nil {
				at(i-1, 1)
			}
		}
		space = false
		n, _ := b.WriteRune(r)
		if at != nil {
			at(i, n)
		}
		prev = r
	}
}

func isASCIILetter(r rune) bool { return r < 0x80 && unicode.IsLetter(r) }
