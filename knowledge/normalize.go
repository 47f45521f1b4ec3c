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

// Compact returns s lower-cased with every space removed, so that spacing
// variants (담당부서 / 담당 부서) compare equal. It expects normalised text.
func Compact(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
