package extract_test

import (
	"context"
	"strings"
	"testing"
	"time"

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

// BenchmarkHostileChild reports what each hostile file costs the child
// that refuses it: wall time per file (ns/op), and the child's CPU time
// and peak memory.
func BenchmarkHostileChild(b *testing.B) {
	for _, f := range []struct {
		name string
		data []byte
	}{
		{"self-kids", extracttest.SelfKidsPDF()},
		{"prev-loop", extracttest.PrevLoopPDF()},
		{"nested-24M", extracttest.DeepDOCX(24 << 20)},
		{"attribute-100MB", extracttest.LongAttributeDOCX(100 << 20)},
	} {
		b.Run(f.name, func(b *testing.B) {
			var runs []extract.ChildRun
			sb := sandbox("", &runs)
			for b.Loop() {
				if _, err := sb.Bytes(context.Background(), f.data, extract.Config{}); err == nil {
					b.Fatal("hostile file read")
				}
			}
			var cpu time.Duration
			var rss int64
			for _, r := range runs {
				cpu += r.CPU
				rss = max(rss, r.MaxRSS)
			}
			b.ReportMetric(float64(cpu.Milliseconds())/float64(len(runs)), "child-cpu-ms/op")
			b.ReportMetric(float64(rss>>20), "child-max-rss-MB")
		})
	}
}
