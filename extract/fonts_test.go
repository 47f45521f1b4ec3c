package extract_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/text/encoding/korean"

	"github.com/selfcheck/selfcheck/extract"
	"github.com/selfcheck/selfcheck/extract/extracttest"
)

// TestFontsWithoutToUnicode: text drawn in fonts that carry no ToUnicode
// map is read from what the font says instead: a Korean CID font by its
// predefined CMap (Unicode, EUC-KR / UHC) or, with Identity-H, by the
// Adobe-Korea1 collection's CIDs; a simple font by its encoding and its
// Differences (and its codes are single bytes whatever a ToUnicode map
// claims); and a font that says nothing is refused with the reason.
func TestFontsWithoutToUnicode(t *testing.T) {
	lines := []string{"검토 항목 1.3 개인정보 관리", "비밀번호는 bcrypt로 암호화합니다."}
	want := strings.Join(lines, "\n") + "\n"
	be16 := func(r rune) []byte {
		var b []byte
		for _, u := range utf16.Encode([]rune{r}) {
			b = append(b, byte(u>>8), byte(u))
		}
		return b
	}
	cp949 := func(r rune) []byte {
		b, err := korean.EUCKR.NewEncoder().Bytes([]byte(string(r)))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	korea1 := func(r rune) []byte {
		cid, ok := extract.Korea1CID(r)
		if !ok {
			t.Fatalf("%q has no Adobe-Korea1 CID", r)
		}
		return []byte{byte(cid >> 8), byte(cid)}
	}
	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"Identity-H, Adobe-Korea1", extracttest.CIDFontPDF("Identity-H", "Korea1", lines, korea1), want},
		{"UniKS-UCS2-H", extracttest.CIDFontPDF("UniKS-UCS2-H", "Korea1", lines, be16), want},
		{"UniKS-UTF16-H", extracttest.CIDFontPDF("UniKS-UTF16-H", "Korea1", lines, be16), want},
		{"KSCms-UHC-H", extracttest.CIDFontPDF("KSCms-UHC-H", "Korea1", lines, cp949), want},
		{"KSC-EUC-H", extracttest.CIDFontPDF("KSC-EUC-H", "Korea1", lines, cp949), want},
		{"WinAnsiEncoding", extracttest.SimpleFontPDF("/WinAnsiEncoding", []string{"Passwords are hashed \x96 never stored."}), "Passwords are hashed – never stored.\n"},
		// A simple font's codes are single bytes whatever its ToUnicode
		// map's codespace says.
		{"ToUnicode with a two-byte codespace", extracttest.SimpleFontPDFWithMap("/WinAnsiEncoding",
			"begincmap\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n2 beginbfchar\n<41> <AC80>\n<42> <D1A0>\nendbfchar\nendcmap\n",
			[]string{"AB 1.3"}), "검토 1.3\n"},
		{"Differences", extracttest.SimpleFontPDF("<< /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [1 /fi /fl 65 /eacute] >>", []string{"\x01le A \x02ow"}), "file é flow\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := extract.Bytes(context.Background(), tt.data, extract.Config{})
			if err != nil {
				t.Fatal(err)
			}
			if doc.Text != tt.want {
				t.Errorf("got %q; want %q", doc.Text, tt.want)
			}
		})
	}
	ident := extracttest.CIDFontPDF("Identity-H", "Identity", lines, be16)
	_, err := extract.Bytes(context.Background(), ident, extract.Config{})
	if !isUserError(err) || !strings.Contains(err.Error(), "no ToUnicode map") {
		t.Errorf("Identity-H with no ToUnicode and no collection: got %v; want the reason", err)
	}
}
