package extracttest

import (
	"fmt"
	"strings"
)

// CIDFontPDF returns a one-page PDF drawing lines in a Type0 font with the
// given Encoding (a CMap name) and CIDSystemInfo Ordering, without a
// ToUnicode map: encode gives each character's code bytes.
func CIDFontPDF(encoding, ordering string, lines []string, encode func(rune) []byte) []byte {
	w := newPDFWriter()
	catalog := w.reserve()
	pagesID := w.reserve()
	font := w.reserve()
	cidFont := w.reserve()
	var content strings.Builder
	y := 800
	for _, l := range lines {
		var h strings.Builder
		for _, r := range l {
			for _, c := range encode(r) {
				fmt.Fprintf(&h, "%02X", c)
			}
		}
		fmt.Fprintf(&content, "BT /F1 10 Tf 40 %d Td <%s> Tj ET\n", y, h.String())
		y -= 14
	}
	c := w.stream("", compress([]byte(content.String())), true)
	page := w.object(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>", pagesID, font, c))
	w.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesID))
	w.set(pagesID, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page))
	w.set(font, fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /HYSMyeongJo-Medium /Encoding /%s /DescendantFonts [%d 0 R] >>", encoding, cidFont))
	w.set(cidFont, fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType0 /BaseFont /HYSMyeongJo-Medium /CIDSystemInfo << /Registry (Adobe) /Ordering (%s) /Supplement 1 >> /DW 1000 >>", ordering))
	return w.finish(catalog)
}

// SimpleFontPDF returns a one-page PDF drawing lines in a Type1 font with
// the given Encoding dictionary or name and no ToUnicode map, its codes
// the bytes of each line (Latin-1).
func SimpleFontPDF(encoding string, lines []string) []byte {
	return SimpleFontPDFWithMap(encoding, "", lines)
}

// SimpleFontPDFWithMap is SimpleFontPDF with toUnicode, when not "", as
// the font's ToUnicode CMap.
func SimpleFontPDFWithMap(encoding, toUnicode string, lines []string) []byte {
	w := newPDFWriter()
	catalog := w.reserve()
	pagesID := w.reserve()
	font := w.reserve()
	var content strings.Builder
	y := 800
	for _, l := range lines {
		var h strings.Builder
		for i := 0; i < len(l); i++ {
			fmt.Fprintf(&h, "%02X", l[i])
		}
		fmt.Fprintf(&content, "BT /F1 10 Tf 40 %d Td <%s> Tj ET\n", y, h.String())
		y -= 14
	}
	c := w.stream("", []byte(content.String()), false)
	page := w.object(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>", pagesID, font, c))
	w.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesID))
	w.set(pagesID, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page))
	extra := ""
	if toUnicode != "" {
		extra = fmt.Sprintf(" /ToUnicode %d 0 R", w.stream("", []byte(toUnicode), false))
	}
	w.set(font, fmt.Sprintf("<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding %s%s >>", encoding, extra))
	return w.finish(catalog)
}
