package extract

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"io"
	"slices"
	"sync"
	"unicode/utf16"

	"golang.org/x/text/encoding/korean"
)

// Korean CID fonts without a ToUnicode map still say what their codes
// are: the predefined CMap named by the font's Encoding (UniKS-UCS2 and
// UniKS-UTF16 are Unicode already, KSC-EUC and KSCms-UHC are EUC-KR and
// its Windows extension), or, for Identity-H with the Adobe-Korea1
// character collection, the CID itself, which Adobe's Adobe-Korea1-UCS2
// table maps to Unicode.

//go:generate go run ./internal/korea1gen -src $ADOBE_MAPPING/pdf2unicode/Adobe-Korea1-UCS2 -out data/korea1-ucs2.bin.gz

// korea1Data is the Adobe-Korea1 table (format in internal/korea1gen),
// from Adobe's mapping-resources-pdf, BSD-3 (data/LICENSE-adobe-cmap.txt).
//
//go:embed data/korea1-ucs2.bin.gz
var korea1Data []byte

type korea1Run struct{ cid, n, uni uint16 }

var korea1 = sync.OnceValue(func() *korea1Table {
	t := &korea1Table{multi: map[uint16]string{}}
	zr, err := gzip.NewReader(bytes.NewReader(korea1Data))
	if err != nil {
		return t
	}
	b, err := io.ReadAll(zr)
	if err != nil || len(b) < 8 || string(b[:4]) != "K1U1" {
		return t
	}
	r := bytes.NewReader(b[4:])
	var n uint32
	binary.Read(r, binary.BigEndian, &n)
	raw := make([]uint16, 3*int(min(n, 1<<16)))
	binary.Read(r, binary.BigEndian, raw)
	t.runs = make([]korea1Run, len(raw)/3)
	for i := range t.runs {
		t.runs[i] = korea1Run{cid: raw[3*i], n: raw[3*i+1], uni: raw[3*i+2]}
	}
	var m uint32
	binary.Read(r, binary.BigEndian, &m)
	for range min(m, 1<<16) {
		var cid uint16
		binary.Read(r, binary.BigEndian, &cid)
		k, _ := r.ReadByte()
		u := make([]uint16, k)
		binary.Read(r, binary.BigEndian, u)
		t.multi[cid] = string(utf16.Decode(u))
	}
	return t
})

// korea1Table maps Adobe-Korea1 CIDs to text.
type korea1Table struct {
	runs  []korea1Run // by cid
	multi map[uint16]string
}

func (t *korea1Table) text(cid uint32) string {
	if cid > 0xFFFF {
		return "\uFFFD"
	}
	c := uint16(cid)
	if s, ok := t.multi[c]; ok {
		return s
	}
	i, found := slices.BinarySearchFunc(t.runs, c, func(r korea1Run, c uint16) int {
		switch {
		case r.cid+r.n <= c:
			return -1
		case r.cid > c:
			return 1
		}
		return 0
	})
	if !found || c == 0 {
		return "\uFFFD"
	}
	r := t.runs[i]
	return string(rune(r.uni + (c - r.cid)))
}

// predefinedKorean sets f to decode codes by a Korean predefined CMap or
// the Adobe-Korea1 collection; false when the font is neither.
func (f *fontDecoder) predefinedKorean(encoding, ordering string) bool {
	switch encoding {
	case "UniKS-UCS2-H", "UniKS-UCS2-V":
		f.special = func(c uint32, _ int) string { return string(rune(c)) }
		f.fixed = 2
	case "UniKS-UTF16-H", "UniKS-UTF16-V":
		f.space[1] = []codeRange{{0, 0xD7FF}, {0xE000, 0xFFFF}}
		f.space[3] = []codeRange{{0xD800DC00, 0xDBFFDFFF}}
		f.special = func(c uint32, n int) string {
			if n == 4 {
				return string(utf16.DecodeRune(rune(c>>16), rune(c&0xFFFF)))
			}
			return string(rune(c))
		}
	case "KSC-EUC-H", "KSC-EUC-V", "KSCpc-EUC-H", "KSCpc-EUC-V", "KSCms-UHC-H", "KSCms-UHC-V", "KSCms-UHC-HW-H", "KSCms-UHC-HW-V":
		f.space[0] = []codeRange{{0, 0x80}}
		f.space[1] = []codeRange{{0x8141, 0xFEFE}}
		dec := korean.EUCKR.NewDecoder()
		f.special = func(c uint32, n int) string {
			if n == 1 {
				return string(rune(c))
			}
			out, err := dec.Bytes([]byte{byte(c >> 8), byte(c)})
			if err != nil {
				return "\uFFFD"
			}
			return string(out)
		}
	case "Identity-H", "Identity-V":
		if ordering != "Korea1" {
			return false
		}
		t := korea1()
		f.special = func(c uint32, _ int) string { return t.text(c) }
		f.fixed = 2
	default:
		return false
	}
	return true
}
