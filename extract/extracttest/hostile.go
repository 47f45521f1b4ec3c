package extracttest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// Hostile files: small files built to make a reader loop or take memory
// without end. Each is a few hundred bytes (PDF) or kilobytes (DOCX).

// SelfKidsPDF returns a PDF whose page tree node lists itself among its
// /Kids, before the one real page.
func SelfKidsPDF() []byte {
	w := newPDFWriter()
	catalog := w.reserve()
	pagesID := w.reserve()
	font := w.reserve()
	c := w.stream("", []byte("BT /F1 10 Tf 40 800 Td (loop) Tj ET\n"), false)
	page := w.object(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>", pagesID, font, c))
	w.set(font, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	w.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesID))
	w.set(pagesID, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R %d 0 R] /Count 2 >>", pagesID, page))
	return w.finish(catalog)
}

// SelfParentPDF returns a PDF whose page names itself as its /Parent and
// has no resources of its own, so that looking up inherited resources by
// climbing /Parent never ends.
func SelfParentPDF() []byte {
	w := newPDFWriter()
	catalog := w.reserve()
	pagesID := w.reserve()
	page := w.reserve()
	c := w.stream("", []byte("BT /F1 10 Tf 40 800 Td (loop) Tj ET\n"), false)
	w.set(page, fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>", page, c))
	w.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesID))
	w.set(pagesID, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page))
	return w.finish(catalog)
}

// PrevLoopPDF returns a PDF whose cross-reference section's /Prev names
// the section itself.
func PrevLoopPDF() []byte {
	w := newPDFWriter()
	catalog := w.reserve()
	pagesID := w.reserve()
	c := w.stream("", []byte("BT 40 800 Td (loop) Tj ET\n"), false)
	page := w.object(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>", pagesID, c))
	w.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesID))
	w.set(pagesID, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page))
	w.prevSelf = true
	return w.finish(catalog)
}

// DeepDOCX returns a DOCX whose body opens a paragraph n times without
// closing it: 24 million make 120 MB of XML in a 177 KB file.
func DeepDOCX(n int) []byte {
	return streamedDOCX(func(w io.Writer) {
		chunk := []byte(strings.Repeat("<w:p>", 1<<14))
		for left := n; left > 0; left -= 1 << 14 {
			w.Write(chunk[:5*min(left, 1<<14)])
		}
	})
}

// LongAttributeDOCX returns a DOCX with a paragraph whose attribute holds n
// bytes.
func LongAttributeDOCX(n int) []byte {
	return streamedDOCX(func(w io.Writer) {
		io.WriteString(w, `<w:p w:rsidR="`)
		chunk := []byte(strings.Repeat("A", 1<<16))
		for left := n; left > 0; left -= 1 << 16 {
			w.Write(chunk[:min(left, 1<<16)])
		}
		io.WriteString(w, `"><w:r><w:t>x</w:t></w:r></w:p>`)
	})
}

// streamedDOCX writes a DOCX whose document body is written by body,
// straight into the compressor: the hostile parts are too large to hold.
func streamedDOCX(body func(io.Writer)) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range DOCXParts() {
		w, _ := zw.Create(e.Name)
		io.WriteString(w, e.Data)
	}
	w, _ := zw.Create("word/document.xml")
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	body(w)
	io.WriteString(w, `</w:body></w:document>`)
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// ContentPDF returns a one-page PDF whose content stream is content
// (compressed), with a font F1 that maps every byte to itself: for
// content built to make an interpreter recurse or go quadratic.
func ContentPDF(content []byte) []byte {
	w := newPDFWriter()
	catalog := w.reserve()
	pagesID := w.reserve()
	font := w.object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	c := w.stream("", compress(content), true)
	page := w.object(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>", pagesID, font, c))
	w.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesID))
	w.set(pagesID, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page))
	return w.finish(catalog)
}
