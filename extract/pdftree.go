package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"

	"github.com/ledongthuc/pdf"
)

// ledongthuc/pdf follows a file's references wherever they lead: a page
// tree whose /Kids hold the node itself sends Reader.Page round forever,
// a page whose /Parent is itself does the same to Page.Resources, and an
// xref section whose /Prev names itself keeps NewReader reading it. This
// file keeps the library off those paths: the pages are found by a walk
// of our own that never follows /Parent (inherited attributes come down
// the walk), the /Prev chain is checked before the library sees the file,
// and every read the library makes goes through a budget that ends any
// loop left (and stops it at the deadline).

// maxPageTreeDepth bounds the nesting of page tree nodes: a balanced tree
// of 1,000 pages is three or four deep.
const maxPageTreeDepth = 32

func pageTreeLoops() error {
	return userError("PDF의 쪽 구조가 순환하거나 비정상적으로 깊습니다. 원본 프로그램에서 PDF로 다시 저장해 보내 주세요.",
		"malformed PDF: the page tree loops or is nested too deep")
}

func xrefLoops() error {
	return userError("PDF의 상호 참조 표가 순환합니다(손상된 파일). 원본 프로그램에서 PDF로 다시 저장해 보내 주세요.",
		"malformed PDF: the cross-reference chain (/Prev) loops")
}

// pdfPage is a page and the resources it has, its own or inherited.
type pdfPage struct {
	v, res pdf.Value
}

// pdfPageList walks the page tree from the catalog in document order.
// Each node is entered at most maxPageTreeDepth deep and the walk visits
// at most a few nodes per page allowed, so that a tree that loops ends
// the walk with an error instead of a hang.
func (x *extraction) pdfPageList(rd *pdf.Reader) ([]pdfPage, error) {
	root := rd.Trailer().Key("Root").Key("Pages")
	if root.IsNull() {
		return nil, damaged("PDF", errors.New("no page tree"))
	}
	var pages []pdfPage
	visits := 0
	var walk func(node, res pdf.Value, depth int) error
	walk = func(node, res pdf.Value, depth int) error {
		if depth > maxPageTreeDepth {
			return pageTreeLoops()
		}
		if visits++; visits > 4*x.cfg.MaxPages+64 {
			return pageTreeLoops()
		}
		if r := node.Key("Resources"); !r.IsNull() {
			res = r
		}
		kids := node.Key("Kids")
		if node.Key("Type").Name() == "Page" || kids.Kind() != pdf.Array {
			if node.Kind() != pdf.Dict {
				return nil // a broken leaf: nothing to read
			}
			if len(pages) >= x.cfg.MaxPages {
				return tooManyPages(x.cfg.MaxPages)
			}
			pages = append(pages, pdfPage{v: node, res: res})
			return nil
		}
		for i := 0; i < kids.Len(); i++ {
			if err := walk(kids.Index(i), res, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(root, pdf.Value{}, 0); err != nil {
		return nil, err
	}
	return pages, nil
}

func tooManyPages(limit int) error {
	return userError(fmt.Sprintf("PDF가 너무 깁니다(최대 %d쪽). 검토할 부분만 나누어 보내 주세요.", limit),
		fmt.Sprintf("the PDF has more than %d pages; the limit is %d", limit, limit))
}

// prevEntry finds a /Prev entry and its offset in a trailer or an xref
// stream's dictionary.
var prevEntry = regexp.MustCompile(`/Prev[\s\x00]*(\d{1,12})`)

// checkXrefChain follows the file's cross-reference sections from the
// last startxref along their /Prev offsets, as the library will, and
// fails when an offset comes round again. What it cannot make sense of is
// left for the library to report.
func checkXrefChain(data []byte) error {
	i := bytes.LastIndex(data, []byte("startxref"))
	if i < 0 {
		return nil
	}
	off, ok := leadingInt(data[i+len("startxref"):])
	seen := map[int64]bool{}
	for steps := 0; ok && off >= 0 && off < int64(len(data)); steps++ {
		if seen[off] || steps > 1000 {
			return xrefLoops()
		}
		seen[off] = true
		sec := data[off:]
		sec = sec[:min(len(sec), 1<<20)]
		var dict []byte
		if bytes.HasPrefix(bytes.TrimLeft(sec, " \t\r\n\x00"), []byte("xref")) {
			t := bytes.Index(sec, []byte("trailer"))
			if t < 0 {
				return nil
			}
			dict = sec[t:]
			if e := bytes.Index(dict, []byte("startxref")); e >= 0 {
				dict = dict[:e]
			}
		} else {
			dict = sec
			if e := bytes.Index(dict, []byte("stream")); e >= 0 {
				dict = dict[:e]
			}
		}
		m := prevEntry.FindSubmatch(dict)
		if m == nil {
			return nil
		}
		off, ok = leadingInt(m[1])
	}
	return nil
}

func leadingInt(b []byte) (int64, bool) {
	b = bytes.TrimLeft(b, " \t\r\n\x00")
	j := 0
	for j < len(b) && j < 12 && b[j] >= '0' && b[j] <= '9' {
		j++
	}
	n, err := strconv.ParseInt(string(b[:j]), 10, 64)
	return n, err == nil
}

// readBudget is the file as the library reads it: every read is counted,
// and once the library has read the file many times over (it rereads an
// object each time it follows a reference to it, but a loop reads without
// end) or the extraction's time is up, reads fail, which the library
// turns into an error or a panic that pdf() recovers.
type readBudget struct {
	ra   io.ReaderAt
	ctx  context.Context
	left int64
}

func newReadBudget(ctx context.Context, ra io.ReaderAt, size int64) *readBudget {
	return &readBudget{ra: ra, ctx: ctx, left: 256<<20 + 64*size}
}

var errReadBudget = errors.New("the file was read too many times over (a loop in its structure)")

func (r *readBudget) ReadAt(p []byte, off int64) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	if r.left -= int64(len(p)); r.left < 0 {
		return 0, errReadBudget
	}
	return r.ra.ReadAt(p, off)
}
