// Package extracttest writes small documents in the formats package
// extract reads (DOCX, HWPX, HWP 5.0, PDF) for tests, so that no test
// depends on third-party sample files. The files follow the published
// formats closely enough for the real programs to open them: an OLE
// compound file with a mini stream, raw-deflate HWP sections, a PDF with a
// Type0/Identity-H font and a ToUnicode map.
package extracttest

import (
	_ "embed"
	"strings"
)

// Form is a filled-in self-check form with several items (1.2, 1.3, 3.2,
// and 1.4, which the checklist only numbers; 3.1 is absent), as plain
// text: a line per paragraph, a table row per line with tabs between the
// cells.
//
//go:embed form.txt
var Form string

// Block is a paragraph, or a table when Rows is not nil.
type Block struct {
	Text string
	Rows [][]string
	// ParaPr is an HWPX paragraph's shape (paraPrIDRef), for
	// HWPXWithHeader's paragraph heads; "" is shape 0.
	ParaPr string
}

// Blocks reads text as Form is written: a line with a tab is a table row,
// and consecutive rows make one table.
func Blocks(text string) []Block {
	var out []Block
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if !strings.Contains(line, "\t") {
			out = append(out, Block{Text: line})
			continue
		}
		cells := strings.Split(line, "\t")
		if n := len(out); n > 0 && out[n-1].Rows != nil {
			out[n-1].Rows = append(out[n-1].Rows, cells)
			continue
		}
		out = append(out, Block{Rows: [][]string{cells}})
	}
	return out
}

// Split cuts blocks into n parts of about the same length, for documents
// with several sections.
func Split(blocks []Block, n int) [][]Block {
	var out [][]Block
	size := (len(blocks) + n - 1) / n
	for len(blocks) > 0 {
		k := min(size, len(blocks))
		out = append(out, blocks[:k])
		blocks = blocks[k:]
	}
	return out
}

// Repeat returns text repeated until it is at least n bytes long, each
// copy on its own lines: a long document for benchmarks.
func Repeat(text string, n int) string {
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(text)
		if !strings.HasSuffix(text, "\n") {
			b.WriteByte('\n')
		}
	}
	return b.String()
}
