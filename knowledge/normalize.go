package knowledge

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize prepares user text for matching and display: it converts to
// NFC (macOS pastes NFD, which splits every Hangul syllable into jamo),
// turns CRLF and CR into LF, and maps the non-breaking and full-width
// spaces word processors paste into plain spaces. Line structure is kept
// so that line numbers stay meaningful. It is idempotent: text is
// normalised wherever it enters, and again costs nothing. Slack's HTML
// escapes are undone once, by the bot, where Slack's text comes in.
func Normalize(s string) string {
	if !nfcStable(s) {
		s = norm.NFC.String(s)
	}
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

// nfcStable reports whether s consists only of characters NFC leaves as
// they are in any context: below U+0300 (no combining marks there),
// precomposed Hangul syllables, and symbol blocks without canonical
// decompositions. Most drafts pass, and skip the normaliser's per-rune
// table lookups; anything else (jamo from a macOS paste, combining marks)
// goes through norm.NFC.
func nfcStable(s string) bool {
	for _, r := range s {
		switch {
		case r < 0x300,
			r >= 0xAC00 && r <= 0xD7A3, // Hangul syllables
			r >= 0x2010 && r <= 0x2027, // dashes, quotes, bullets, ellipsis
			r >= 0x2030 && r <= 0x205E, // per mille, primes, ※ …
			r >= 0x2190 && r <= 0x21FF, // arrows
			r >= 0x2460 && r <= 0x27BF, // enclosed numbers, box drawing, shapes, symbols
			r >= 0x3000 && r <= 0x3029, // CJK punctuation (without the tone marks after it)
			r >= 0x3200 && r <= 0x32FF, // enclosed CJK (㈜)
			r >= 0xFF01 && r <= 0xFFEF: // full-width forms
		default:
			return false
		}
	}
	return true
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
		// ASCII and Hangul syllables, most of any draft, skip the
		// Unicode tables.
		switch {
		case r < utf8.RuneSelf:
			if r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '\v' || r == '\f' {
				space = true
				continue
			}
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
		case r >= 0xAC00 && r <= 0xD7A3:
		case unicode.IsSpace(r):
			space = true
			continue
		default:
			r = unicode.ToLower(r)
		}
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
