package extract

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ledongthuc/pdf"
)

// pdf reads a PDF's text layer page by page with ledongthuc/pdf, which
// decodes Type0/Identity-H fonts (how Korean is usually embedded) through
// their ToUnicode maps; pageText lays the text out in lines. The library reports malformed input by panicking;
// the panic is recovered into an error here. Every page's content streams
// and ToUnicode maps are measured against the decompression budget before
// the library reads them, and the pages are read in a goroutine so that a
// page that takes too long still ends the extraction at the deadline.
func (x *extraction) pdf(data []byte) (Document, error) {
	type result struct {
		doc Document
		err error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if p := recover(); p != nil {
				r = result{err: damaged("PDF", fmt.Errorf("%v", p))}
			}
			done <- r
		}()
		r.doc, r.err = x.pdfPages(data)
	}()
	select {
	case r := <-done:
		return r.doc, r.err
	case <-x.ctx.Done():
		return Document{}, x.ctx.Err()
	}
}

func (x *extraction) pdfPages(data []byte) (Document, error) {
	// Text after the last %%EOF (some writers append a signature or
	// padding) hides the trailer from the library.
	size := len(data)
	if i := bytes.LastIndex(data, []byte("%%EOF")); i >= 0 {
		size = i + len("%%EOF")
	}
	if err := checkXrefChain(data[:size]); err != nil {
		return Document{}, err
	}
	var ra io.ReaderAt = newReadBudget(x.ctx, bytes.NewReader(data[:size]), int64(size))
	if bytes.HasPrefix(data, []byte("%PDF-2.")) {
		// The library only accepts 1.x headers; 2.0 changes nothing it
		// reads.
		ra = patchedHeader{ra: ra, head: []byte("%PDF-1.7")}
	}
	rd, err := pdf.NewReader(ra, int64(size))
	if err != nil {
		if errors.Is(err, pdf.ErrInvalidPassword) || bytes.Contains(data, []byte("/Encrypt")) {
			return Document{}, protected("PDF")
		}
		return Document{}, damaged("PDF", err)
	}
	pages, err := x.pdfPageList(rd)
	if err != nil {
		return Document{}, err
	}
	n := len(pages)
	if n == 0 {
		return Document{}, damaged("PDF", errors.New("no pages"))
	}
	w := &textWriter{limit: x.cfg.MaxTextBytes}
	doc := newPDFDoc(x)
	for i, p := range pages {
		if err := x.ctx.Err(); err != nil {
			return Document{}, err
		}
		s, err := doc.pageTextOf(p)
		if err != nil {
			if errors.Is(err, errBudget) || x.ctx.Err() != nil {
				return Document{}, x.fail("PDF", err)
			}
			return Document{}, damaged("PDF", fmt.Errorf("page %d: %w", i+1, err))
		}
		s = strings.Trim(s, "\n")
		if strings.TrimSpace(s) == "" {
			continue
		}
		w.writeString(s)
		w.newline()
		if w.err != nil {
			return Document{}, w.err
		}
	}
	if strings.TrimSpace(w.String()) == "" && doc.unmapped > 0 {
		return Document{}, userError("PDF의 글꼴에 문자 정보(ToUnicode)가 없어 글자를 읽을 수 없습니다. 원본 문서(HWP, DOCX)나, 글꼴을 포함해 다시 저장한 PDF로 보내 주세요.",
			"the PDF's fonts do not say which characters they draw (no ToUnicode map); send the original document, or a PDF saved again with its fonts")
	}
	if strings.TrimSpace(w.String()) == "" {
		return Document{}, userError("PDF에서 텍스트를 찾지 못했습니다. 스캔한 이미지로 보입니다. 원본 문서(HWP, DOCX)나 텍스트가 있는 PDF로 보내 주세요.",
			"no text found; this looks like a scanned image")
	}
	return Document{Format: FormatPDF, Text: w.String(), Pages: n}, nil
}

// pageTextOf is pageText with the library's panics (its way of
// reporting malformed objects) as errors.
func (d *pdfDoc) pageTextOf(p pdfPage) (s string, err error) {
	defer func() {
		if r := recover(); r != nil {
			s, err = "", fmt.Errorf("%v", r)
		}
	}()
	return d.pageText(p)
}

// patchedHeader shows a different header over the first bytes of a file.
type patchedHeader struct {
	ra   io.ReaderAt
	head []byte
}

func (p patchedHeader) ReadAt(b []byte, off int64) (int, error) {
	n, err := p.ra.ReadAt(b, off)
	for i := 0; i < n; i++ {
		if j := off + int64(i); j < int64(len(p.head)) {
			b[i] = p.head[j]
		}
	}
	return n, err
}
