package knowledge

import (
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// TestNFCStableAgreesWithNorm: whenever the fast path says a text is
// already NFC, norm.NFC agrees, for every character of the ranges it
// accepts, alone and followed by a combining mark or a jamo.
func TestNFCStableAgreesWithNorm(t *testing.T) {
	ranges := [][2]rune{{0x20, 0x2ff}, {0xAC00, 0xD7A3}, {0x2010, 0x2027}, {0x2030, 0x205E}, {0x2190, 0x21FF},
		{0x2460, 0x27BF}, {0x3000, 0x3029}, {0x3200, 0x32FF}, {0xFF01, 0xFFEF}}
	for _, rg := range ranges {
		for r := rg[0]; r <= rg[1]; r++ {
			if !utf8.ValidRune(r) {
				continue
			}
			s := string(r)
			if nfcStable(s) && !norm.NFC.IsNormalString(s) {
				t.Errorf("U+%04X: fast path says NFC, norm disagrees", r)
			}
			for _, next := range []string{"\u0301", "\u11a8", "\u1161"} {
				if nfcStable(s+next) && !norm.NFC.IsNormalString(s+next) {
					t.Errorf("U+%04X followed by %q: fast path says NFC, norm disagrees", r, next)
				}
			}
		}
	}
	for _, s := range []string{"한글 ㈜ ① → ※ ☎ “인용” …", "\u1112\u1161\u11ab"} {
		if Normalize(s) != norm.NFC.String(s) {
			t.Errorf("Normalize(%q) = %q; want %q", s, Normalize(s), norm.NFC.String(s))
		}
	}
}
