package extracttest

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"slices"
	"strings"
	"unicode/utf16"
)

// PDFLayout says how PDFWith lays out text objects, as different
// programs do.
type PDFLayout int

// The layouts.
const (
	// PDFObjectPerLine writes one text object (BT … ET) per line.
	PDFObjectPerLine PDFLayout = iota
	// PDFObjectPerPage writes a page as one text object, moving from
	// line to line with Td.
	PDFObjectPerPage
	// PDFObjectPerRun writes each line as two text objects (runs, as
	// Word does for a change of style) placed with Tm on one baseline.
	PDFObjectPerRun
	// PDFPlacedByCTM places each line with the transformation matrix
	// (q … cm BT … ET Q), the text matrix left as it is.
	PDFPlacedByCTM
	// PDFInForm draws each page's text from a form XObject, as
	// stampers and some print drivers do.
	PDFInForm
)

// PDF is PDFWith(PDFObjectPerLine, pages...).
func PDF(pages ...[]string) []byte { return PDFWith(PDFObjectPerLine, pages...) }

// PDFWith returns a PDF whose pages hold the given lines in a Type0 font
// with Identity-H encoding: every character is a two-byte glyph ID with
// no meaning of its own, and only the font's ToUnicode map says which
// character it is, as in the PDFs that 한글 and Word export for Korean
// text. Empty lines are left blank, as on paper. Content streams are
// Flate-compressed. The font program itself is not embedded (a viewer
// substitutes one); readers of the text layer never use it.
func PDFWith(layout PDFLayout, pages ...[]string) []byte {
	// Glyph IDs in order of first use.
	cid := map[rune]uint16{}
	var runes []rune
	for _, p := range pages {
		for _, l := range p {
			for _, r := range l {
				if _, ok := cid[r]; !ok {
					runes = append(runes, r)
					cid[r] = uint16(len(runes))
				}
			}
		}
	}
	w := newPDFWriter()
	catalog := w.reserve()
	pagesID := w.reserve()
	font := w.reserve()
	cidFont := w.reserve()
	desc := w.reserve()
	toUnicode := w.reserve()

	var kids []string
	for _, p := range pages {
		var content strings.Builder
		hex := func(s string) string {
			var h strings.Builder
			for _, r := range s {
				fmt.Fprintf(&h, "%04X", cid[r])
			}
			return h.String()
		}
		y := 800
		if layout == PDFObjectPerPage {
			content.WriteString("BT /F1 10 Tf 14 TL 40 800 Td\n")
		}
		for i, l := range p {
			switch {
			case layout == PDFObjectPerPage && i > 0:
				content.WriteString("T*\n")
			case layout == PDFObjectPerPage:
			case l == "":
			case layout == PDFPlacedByCTM:
				fmt.Fprintf(&content, "q 1 0 0 1 40 %d cm BT /F1 10 Tf <%s> Tj ET Q\n", y, hex(l))
			case layout == PDFObjectPerRun:
				a, b := splitHalf(l)
				fmt.Fprintf(&content, "BT /F1 10 Tf 1 0 0 1 40 %d Tm <%s> Tj ET\nBT /F1 10 Tf 1 0 0 1 %d %d Tm <%s> Tj ET\n", y, hex(a), 40+10*len([]rune(a)), y, hex(b))
			default:
				fmt.Fprintf(&content, "BT /F1 10 Tf 40 %d Td <%s> Tj ET\n", y, hex(l))
			}
			if layout == PDFObjectPerPage && l != "" {
				fmt.Fprintf(&content, "[<%s>] TJ\n", hex(l))
			}
			y -= 14
		}
		if layout == PDFObjectPerPage {
			content.WriteString("ET\n")
		}
		var page int
		if layout == PDFInForm {
			form := w.stream(fmt.Sprintf("/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >>", font), compress([]byte(content.String())), true)
			c := w.stream("", []byte("q 1 0 0 1 0 0 cm /Fm1 Do Q\n"), false)
			page = w.object(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Fm1 %d 0 R >> >> /Contents %d 0 R >>", pagesID, form, c))
		} else {
			c := w.stream("", compress([]byte(content.String())), true)
			page = w.object(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>", pagesID, font, c))
		}
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
	}
	w.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesID))
	w.set(pagesID, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages)))
	w.set(font, fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /AAAAAA+NanumGothic /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>", cidFont, toUnicode))
	w.set(cidFont, fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /AAAAAA+NanumGothic /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /DW 1000 /CIDToGIDMap /Identity >>", desc))
	w.set(desc, "<< /Type /FontDescriptor /FontName /AAAAAA+NanumGothic /Flags 4 /FontBBox [-100 -250 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>")
	w.setStream(toUnicode, "", toUnicodeCMap(runes), false)
	return w.finish(catalog)
}

// toUnicodeCMap maps glyph IDs 1… to runes, 100 to a bfchar block as the
// CMap specification allows.
func toUnicodeCMap(runes []rune) []byte {
	var b strings.Builder
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for chunk := range slices.Chunk(runes, 100) {
		fmt.Fprintf(&b, "%d beginbfchar\n", len(chunk))
		for _, r := range chunk {
			var dst strings.Builder
			for _, u := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&dst, "%04X", u)
			}
			start := slices.Index(runes, r) + 1
			fmt.Fprintf(&b, "<%04X> <%s>\n", start, dst.String())
		}
		b.WriteString("endbfchar\n")
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return []byte(b.String())
}

// ScannedPDF returns a one-page PDF holding only an image, as a scanner
// makes: no text layer at all.
func ScannedPDF() []byte {
	w := newPDFWriter()
	catalog := w.reserve()
	pagesID := w.reserve()
	img := w.stream("/Type /XObject /Subtype /Image /Width 16 /Height 16 /ColorSpace /DeviceGray /BitsPerComponent 8", bytes.Repeat([]byte{0x80}, 256), false)
	c := w.stream("", []byte("q 595 0 0 842 0 0 cm /Im1 Do Q\n"), false)
	page := w.object(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 %d 0 R >> >> /Contents %d 0 R >>", pagesID, img, c))
	w.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesID))
	w.set(pagesID, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page))
	return w.finish(catalog)
}

// CyclicFormPDF returns a one-page PDF whose form XObject draws itself
// ten times over: a file that never ends for a reader that follows it.
func CyclicFormPDF() []byte {
	w := newPDFWriter()
	catalog := w.reserve()
	pagesID := w.reserve()
	form := w.reserve()
	var names, draws strings.Builder
	for i := range 10 {
		fmt.Fprintf(&names, "/X%d %d 0 R ", i, form)
		fmt.Fprintf(&draws, "/X%d Do ", i)
	}
	w.setStream(form, fmt.Sprintf("/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << %s>> >>", names.String()), []byte(draws.String()), false)
	c := w.stream("", []byte("/X0 Do\n"), false)
	page := w.object(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /X0 %d 0 R >> >> /Contents %d 0 R >>", pagesID, form, c))
	w.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesID))
	w.set(pagesID, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page))
	return w.finish(catalog)
}

// EncryptedPDF returns a PDF encrypted with AES-256 (a password is needed
// to open it).
func EncryptedPDF() []byte {
	w := newPDFWriter()
	catalog := w.reserve()
	pagesID := w.reserve()
	c := w.stream("", bytes.Repeat([]byte{0x33}, 64), false)
	page := w.object(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>", pagesID, c))
	w.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesID))
	w.set(pagesID, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page))
	o := strings.Repeat("A1", 48)
	enc := w.object(fmt.Sprintf("<< /Filter /Standard /V 5 /R 6 /Length 256 /P -1028 /O <%s> /U <%s> /OE <%s> /UE <%s> /Perms <%s> >>", o, o, o[:64], o[:64], o[:32]))
	w.trailerExtra = fmt.Sprintf(" /Encrypt %d 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>]", enc)
	return w.finish(catalog)
}

func compress(b []byte) []byte {
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// pdfWriter lays out numbered objects and writes the cross-reference
// table with their offsets.
type pdfWriter struct {
	objs         []string
	trailerExtra string
	prevSelf     bool // the trailer's /Prev names its own xref section
}

func newPDFWriter() *pdfWriter { return &pdfWriter{} }

func (w *pdfWriter) reserve() int {
	w.objs = append(w.objs, "")
	return len(w.objs)
}

func (w *pdfWriter) set(id int, body string) { w.objs[id-1] = body }

func (w *pdfWriter) object(body string) int {
	id := w.reserve()
	w.set(id, body)
	return id
}

func (w *pdfWriter) stream(dict string, data []byte, flate bool) int {
	id := w.reserve()
	w.setStream(id, dict, data, flate)
	return id
}

func (w *pdfWriter) setStream(id int, dict string, data []byte, flate bool) {
	filter := ""
	if flate {
		filter = " /Filter /FlateDecode"
	}
	w.set(id, fmt.Sprintf("<< %s /Length %d%s >>\nstream\n%s\nendstream", dict, len(data), filter, data))
}

func (w *pdfWriter) finish(root int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")
	offsets := make([]int, len(w.objs))
	for i, o := range w.objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(w.objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	extra := w.trailerExtra
	if w.prevSelf {
		extra += fmt.Sprintf(" /Prev %d", xref)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n", len(w.objs)+1, root, extra, xref)
	return b.Bytes()
}
