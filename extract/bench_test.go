package extract_test

import (
	"context"
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/extract"
	"github.com/selfcheck/selfcheck/extract/extracttest"
)

// fiftyPages is the whole form 50 times over: about 50 pages of a
// document (the form is some 40 lines, a page's worth), 170 KB of text.
func fiftyPages() (blocks []extracttest.Block, pages [][]string) {
	page := strings.Split(strings.TrimSuffix(strings.ReplaceAll(extracttest.Form, "\t", " "), "\n"), "\n")
	for range 50 {
		blocks = append(blocks, extracttest.Blocks(extracttest.Form)...)
		pages = append(pages, page)
	}
	return blocks, pages
}

// BenchmarkExtract50Pages: each format's 50-page document must extract in
// well under a second (the bound).
func BenchmarkExtract50Pages(b *testing.B) {
	blocks, pages := fiftyPages()
	for _, f := range []struct {
		name string
		data []byte
	}{
		{"docx", extracttest.DOCX(blocks)},
		{"hwpx", extracttest.HWPX(extracttest.Split(blocks, 5)...)},
		{"hwp", extracttest.HWP(extracttest.HWPOptions{}, extracttest.Split(blocks, 5)...)},
		{"pdf", extracttest.PDF(pages...)},
	} {
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(int64(len(f.data)))
			b.ReportAllocs()
			for b.Loop() {
				doc, err := extract.Bytes(context.Background(), f.data, extract.Config{})
				if err != nil {
					b.Fatal(err)
				}
				if n := strings.Count(doc.Text, "검토 항목"); n != 4*50 {
					b.Fatalf("%d item headings; want 200", n)
				}
			}
		})
	}
}
