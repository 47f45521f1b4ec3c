package extract_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
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

// BenchmarkExtractSideBySide reads the same 50-page files as poppler's
// pdftotext and pandoc do, in the same run, each a process started per
// file as a user runs it (selfcheck's child included), and selfcheck
// in the process as well. The tools' benchmarks skip where they are not
// installed. The targets: PDF no slower than pdftotext, DOCX at
// least 5× faster than pandoc.
func BenchmarkExtractSideBySide(b *testing.B) {
	pdfData, _ := fiftyPagePDF()
	blocks, _ := fiftyPages()
	docxData := extracttest.DOCX(blocks)
	dir := b.TempDir()
	for _, f := range []struct {
		name string
		data []byte
		tool []string // the other tool's command line, the file last
	}{
		{"pdf", pdfData, []string{"pdftotext", "-enc", "UTF-8"}},
		{"docx", docxData, []string{"pandoc", "-t", "plain"}},
	} {
		path := filepath.Join(dir, "50pages."+f.name)
		if err := os.WriteFile(path, f.data, 0o600); err != nil {
			b.Fatal(err)
		}
		b.Run(f.name+"/selfcheck", func(b *testing.B) {
			for b.Loop() {
				if _, err := extract.Bytes(context.Background(), f.data, extract.Config{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(f.name+"/selfcheck-child", func(b *testing.B) {
			var runs []extract.ChildRun
			sb := sandbox("", &runs)
			for b.Loop() {
				if _, err := sb.Bytes(context.Background(), f.data, extract.Config{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(f.name+"/"+f.tool[0], func(b *testing.B) {
			if _, err := exec.LookPath(f.tool[0]); err != nil {
				b.Skipf("%s is not installed", f.tool[0])
			}
			args := append(slices.Clone(f.tool[1:]), path)
			if f.tool[0] == "pdftotext" {
				args = append(args, "-")
			}
			for b.Loop() {
				if out, err := exec.Command(f.tool[0], args...).Output(); err != nil || len(out) == 0 {
					b.Fatalf("%s: %v", f.tool[0], err)
				}
			}
		})
	}
}
