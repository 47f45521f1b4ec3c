package extract

import (
	"reflect"
	"slices"
	"strings"
	"unicode/utf16"

	"github.com/ledongthuc/pdf"
)

// fontDecoder turns a font's codes into text and widths. It is built once
// per font per document (pdfFonts): the ToUnicode map is parsed into a
// map and sorted ranges, so that a character costs a lookup, not a scan.
type fontDecoder struct {
	// space holds the codespace ranges by code length (1–4 bytes); with
	// none, codes have fixed bytes each.
	space [4][]codeRange
	fixed int
	chars map[uint32]string // ToUnicode bfchar, and simple fonts' encodings
	rng   []uniRange        // ToUnicode bfrange, sorted by lo
	// Widths in thousandths of an em: simple fonts by code from
	// firstChar, CID fonts by CID (the code, for Identity-H) with dw for
	// the rest.
	firstChar int
	widths    []float64
	cidW      map[uint32]float64
	dw        float64
	// special decodes a Korean font without ToUnicode (korea1.go).
	special func(code uint32, n int) string
	memo    map[uint32]string
}

type codeRange struct{ lo, hi uint32 }

// uniRange maps lo…hi to consecutive text from dst (UTF-16), or to the
// strings of arr.
type uniRange struct {
	lo, hi uint32
	dst    []uint16
	arr    []string
}

// next splits the first code off raw: its value and length.
func (f *fontDecoder) next(raw []byte) (uint32, int) {
	for n := 1; n <= 4 && n <= len(raw); n++ {
		if len(f.space[n-1]) == 0 {
			continue
		}
		c := codeOf(raw[:n])
		for _, r := range f.space[n-1] {
			if c >= r.lo && c <= r.hi {
				return c, n
			}
		}
	}
	n := min(f.fixed, len(raw))
	if n < 1 {
		n = 1
	}
	return codeOf(raw[:n]), n
}

func codeOf(b []byte) uint32 {
	var c uint32
	for _, x := range b {
		c = c<<8 | uint32(x)
	}
	return c
}

// text is the text of one code, "\uFFFD" when the font does not say.
func (f *fontDecoder) text(c uint32, n int) string {
	if s, ok := f.chars[c]; ok {
		return s
	}
	if f.special != nil {
		s, ok := f.memo[c]
		if !ok {
			s = f.special(c, n)
			f.memo[c] = s
		}
		return s
	}
	i, _ := slices.BinarySearchFunc(f.rng, c, func(r uniRange, c uint32) int {
		switch {
		case r.hi < c:
			return -1
		case r.lo > c:
			return 1
		}
		return 0
	})
	if i < len(f.rng) && f.rng[i].lo <= c && c <= f.rng[i].hi {
		return rangeText(f.rng[i], c)
	}
	return "\uFFFD"
}

// width is the advance of one code in thousandths of an em.
func (f *fontDecoder) width(c uint32) float64 {
	if f.cidW != nil || f.widths == nil {
		if w, ok := f.cidW[c]; ok {
			return w
		}
		return f.dw
	}
	if k := int(c) - f.firstChar; k >= 0 && k < len(f.widths) {
		return f.widths[k]
	}
	return f.dw
}

// pdfFonts builds each font's decoder once for the whole document.
type pdfFonts struct {
	x     *extraction
	cache map[objKey]*fontDecoder
}

// objKey names a PDF object: its number, and for a dictionary written
// inside another object, the name it was found under.
type objKey struct {
	id   uint64
	name string
}

// keyOf reads the object number the library keeps unexported in a
// Value (the reference it was resolved from). ok is false if it cannot,
// and the caller then does without the cache.
func keyOf(v pdf.Value) (uint64, bool) {
	f := reflect.ValueOf(v).FieldByName("ptr")
	if !f.IsValid() || f.Kind() != reflect.Struct {
		return 0, false
	}
	id := f.FieldByName("id")
	gen := f.FieldByName("gen")
	if !id.IsValid() || !gen.IsValid() || !id.CanUint() || !gen.CanUint() {
		return 0, false
	}
	return id.Uint()<<16 | gen.Uint(), true
}

// font returns the decoder of the font named name in the font resource
// dictionary dict.
func (p *pdfFonts) font(dict pdf.Value, name string) *fontDecoder {
	v := dict.Key(name)
	if v.Kind() != pdf.Dict {
		return nil
	}
	id, ok := keyOf(v)
	key := objKey{id: id}
	if pid, _ := keyOf(dict); ok && id == pid {
		key.name = name // written inline: its container's number
	}
	if f, hit := p.cache[key]; ok && hit {
		return f
	}
	f := p.build(v)
	if ok {
		p.cache[key] = f
	}
	return f
}

func (p *pdfFonts) build(v pdf.Value) *fontDecoder {
	f := &fontDecoder{chars: map[uint32]string{}, fixed: 1, dw: 500}
	composite := v.Key("Subtype").Name() == "Type0"
	if composite {
		f.fixed, f.dw = 2, 1000
		desc := v.Key("DescendantFonts").Index(0)
		if dw := desc.Key("DW"); dw.Kind() == pdf.Integer || dw.Kind() == pdf.Real {
			f.dw = dw.Float64()
		}
		f.cidW = cidWidths(desc.Key("W"))
	} else {
		f.firstChar = int(v.Key("FirstChar").Int64())
		ws := v.Key("Widths")
		for i := 0; i < ws.Len() && i < 256; i++ {
			f.widths = append(f.widths, ws.Index(i).Float64())
		}
		if mw := v.Key("FontDescriptor").Key("MissingWidth"); mw.Kind() == pdf.Integer || mw.Kind() == pdf.Real {
			f.dw = mw.Float64()
		}
		// The library's encodings (WinAnsi, MacRoman, PDFDoc, and
		// Differences by glyph name), read once per code.
		enc := (&pdf.Font{V: v}).Encoder()
		for c := range 256 {
			if s := enc.Decode(string([]byte{byte(c)})); s != "" && s != "\uFFFD" {
				f.chars[uint32(c)] = unligature(s)
			}
		}
	}
	if tu := v.Key("ToUnicode"); tu.Kind() == pdf.Stream {
		if b, err := p.x.streamBytes(tu); err == nil {
			f.readCMap(b, !composite)
		}
	}
	// How codes split is the font's encoding's to say, not the ToUnicode
	// map's (some writers give a simple font's map a two-byte
	// codespace): one byte in a simple font, two with Identity-H/V.
	if enc := v.Key("Encoding").Name(); !composite || enc == "Identity-H" || enc == "Identity-V" {
		f.space = [4][]codeRange{}
		f.fixed = 1
		if composite {
			f.fixed = 2
		}
	}
	if composite && len(f.chars) == 0 && len(f.rng) == 0 {
		ordering := v.Key("DescendantFonts").Index(0).Key("CIDSystemInfo").Key("Ordering").Text()
		f.memo = map[uint32]string{}
		f.predefinedKorean(v.Key("Encoding").Name(), ordering)
	}
	return f
}

// cidWidths reads a CID font's W array: c [w1 w2 …] and c1 c2 w.
func cidWidths(w pdf.Value) map[uint32]float64 {
	out := map[uint32]float64{}
	for i := 0; i < w.Len(); {
		c := uint32(w.Index(i).Int64())
		if next := w.Index(i + 1); next.Kind() == pdf.Array {
			for k := 0; k < next.Len() && len(out) < 1<<17; k++ {
				out[c+uint32(k)] = next.Index(k).Float64()
			}
			i += 2
			continue
		}
		hi := uint32(w.Index(i + 1).Int64())
		wd := w.Index(i + 2).Float64()
		for k := c; k <= hi && k-c < 1<<16 && len(out) < 1<<17; k++ {
			out[k] = wd
		}
		i += 3
	}
	return out
}

// readCMap reads a ToUnicode CMap: codespace ranges, bfchar and bfrange.
// In a simple font the map's entries override the encoding's.
func (f *fontDecoder) readCMap(b []byte, simple bool) {
	l := &psLexer{b: b}
	var ops []psObj
	for {
		o := l.next(0)
		if o.kind == psEOF {
			break
		}
		if o.kind != psOp {
			if len(ops) < 1<<16 {
				ops = append(ops, o)
			}
			continue
		}
		switch string(o.s) {
		case "endcodespacerange":
			for i := 0; i+1 < len(ops); i += 2 {
				lo, hi := ops[i].s, ops[i+1].s
				if n := len(lo); n >= 1 && n <= 4 && len(hi) == n {
					f.space[n-1] = append(f.space[n-1], codeRange{codeOf(lo), codeOf(hi)})
				}
			}
		case "endbfchar":
			for i := 0; i+1 < len(ops); i += 2 {
				if ops[i].kind == psStr && len(ops[i].s) <= 4 {
					f.chars[codeOf(ops[i].s)] = unligature(utf16Text(ops[i+1].s))
				}
			}
		case "endbfrange":
			for i := 0; i+2 < len(ops); i += 3 {
				lo, hi, dst := ops[i], ops[i+1], ops[i+2]
				if len(lo.s) > 4 || len(hi.s) > 4 {
					continue
				}
				r := uniRange{lo: codeOf(lo.s), hi: codeOf(hi.s)}
				if r.hi < r.lo {
					continue
				}
				if dst.kind == psArray {
					for _, a := range dst.arr {
						r.arr = append(r.arr, utf16Text(a.s))
					}
				} else {
					r.dst = utf16Units(dst.s)
				}
				if simple {
					// Small ranges of a simple font go in the map, over the encoding.
					for c := r.lo; c <= r.hi && c-r.lo < 256; c++ {
						f.chars[c] = rangeText(r, c)
					}
					continue
				}
				f.rng = append(f.rng, r)
			}
		}
		ops = ops[:0]
	}
	slices.SortFunc(f.rng, func(a, b uniRange) int { return int(int64(a.lo) - int64(b.lo)) })
	if f.space[0] == nil && f.space[1] == nil && f.space[2] == nil && f.space[3] == nil {
		return
	}
	f.fixed = 0
}

func rangeText(r uniRange, c uint32) string {
	if r.arr != nil {
		if k := int(c - r.lo); k < len(r.arr) {
			return r.arr[k]
		}
		return "\uFFFD"
	}
	if len(r.dst) == 0 {
		return "\uFFFD"
	}
	d := slices.Clone(r.dst)
	d[len(d)-1] += uint16(c - r.lo)
	return unligature(string(utf16.Decode(d)))
}

// ligatures are the Latin ligatures fonts map their ligature glyphs to:
// a review reads "file", not "ﬁle".
var ligatures = strings.NewReplacer("\uFB00", "ff", "\uFB01", "fi", "\uFB02", "fl", "\uFB03", "ffi", "\uFB04", "ffl", "\uFB05", "st", "\uFB06", "st")

func unligature(s string) string {
	for _, r := range s {
		if r >= 0xFB00 && r <= 0xFB06 {
			return ligatures.Replace(s)
		}
	}
	return s
}

func utf16Units(b []byte) []uint16 {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
	}
	return u
}

func utf16Text(b []byte) string {
	if len(b) == 1 {
		return string(rune(b[0]))
	}
	return strings.ToValidUTF8(string(utf16.Decode(utf16Units(b))), "\uFFFD")
}
