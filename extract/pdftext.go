package extract

import (
	"fmt"
	"math"
	"strings"

	"github.com/ledongthuc/pdf"
)

// A page's text is read in two passes: the content stream is interpreted
// (this file) into spans, runs of text with where they start and end on
// the page, and the spans are laid out (pdflayout.go) in reading order,
// lines by position, with a tab between the cells of a table row. Text
// in form XObjects (page content wrapped by some writers and stampers)
// is read where it is drawn.

// maxFormDepth bounds form XObjects drawn inside one another, and
// maxForms the forms drawn on one page: a file may make them cycle, or
// draw one form many times from many others.
const (
	maxFormDepth = 8
	maxForms     = 256
	maxSpans     = 1 << 18 // per page
	maxRules     = 1 << 12 // vertical rules per page: a table's borders
)

// pdfDoc holds what is read once per document: fonts and streams.
type pdfDoc struct {
	x        *extraction
	fonts    pdfFonts
	streams  map[objKey][]byte
	unmapped int // glyphs drawn whose font says no text for them
}

func newPDFDoc(x *extraction) *pdfDoc {
	return &pdfDoc{x: x, fonts: pdfFonts{x: x, cache: map[objKey]*fontDecoder{}}, streams: map[objKey][]byte{}}
}

// streamBytes decompresses a stream within the budget.
func (x *extraction) streamBytes(v pdf.Value) (b []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			b, err = nil, fmt.Errorf("stream: %v", r)
		}
	}()
	rc := v.Reader()
	defer rc.Close()
	return x.unpack(rc)
}

// stream is streamBytes, once per stream of the document.
func (d *pdfDoc) stream(v pdf.Value) ([]byte, error) {
	id, ok := keyOf(v)
	if b, hit := d.streams[objKey{id: id}]; ok && hit {
		return b, nil
	}
	b, err := d.x.streamBytes(v)
	if err == nil && ok {
		d.streams[objKey{id: id}] = b
	}
	return b, err
}

// span is a run of text as drawn: from x0 to x1 on the baseline y, in a
// font size high.
type span struct {
	x0, x1, y, size float64
	text            string
}

// rule is a vertical line drawn on the page (a table's cell border),
// from y0 to y1 at x.
type rule struct{ x, y0, y1 float64 }

// pageWalker interprets one page's content.
type pageWalker struct {
	d     *pdfDoc
	spans []span
	rules []rule
	forms int
	err   error
}

// pageText returns the text of one PDF page.
func (d *pdfDoc) pageText(p pdfPage) (string, error) {
	contents := p.v.Key("Contents")
	var data []byte
	switch contents.Kind() {
	case pdf.Stream:
		b, err := d.stream(contents)
		if err != nil {
			return "", err
		}
		data = b
	case pdf.Array:
		for i := 0; i < contents.Len(); i++ {
			b, err := d.stream(contents.Index(i))
			if err != nil {
				return "", err
			}
			data = append(append(data, b...), '\n')
		}
	default:
		return "", nil
	}
	w := &pageWalker{d: d}
	w.run(data, p.res, identity, 0)
	if w.err != nil {
		return "", w.err
	}
	return layout(w.spans, w.rules), nil
}

// gstate is the part of the graphics state text depends on.
type gstate struct {
	ctm              affine
	font             *fontDecoder
	size, tc, tw, th float64
	lead, rise       float64
}

// run interprets one content stream with its resources; ctm is the
// transformation in force where it is drawn.
func (w *pageWalker) run(data []byte, res pdf.Value, ctm affine, depth int) {
	fontDict := res.Key("Font")
	fonts := map[string]*fontDecoder{} // by resource name, in this stream
	gs := gstate{ctm: ctm, th: 1}
	var (
		stack   []gstate
		tm, tlm affine
		args    []psObj
		pathX   float64 // the current point of a path, for rules
		pathY   float64
	)
	l := &psLexer{b: data}
	num := func(i int) float64 {
		if i < len(args) && args[i].kind == psNum {
			return args[i].num
		}
		return 0
	}
	show := func(raw []byte) {
		if len(w.spans) >= maxSpans {
			return
		}
		trm := tm.then(gs.ctm)
		x0, y0 := trm.apply(0, gs.rise)
		var sb strings.Builder
		tx := 0.0
		for len(raw) > 0 {
			var c uint32
			n := 1
			if gs.font != nil {
				c, n = gs.font.next(raw)
				if t := gs.font.text(c, n); t != "\uFFFD" {
					sb.WriteString(t)
				} else {
					w.d.unmapped++ // a code the font does not map: no text to review
				}
				adv := gs.font.width(c)/1000*gs.size + gs.tc
				if n == 1 && c == 32 {
					adv += gs.tw
				}
				tx += adv * gs.th
			} else {
				sb.WriteRune(rune(raw[0])) // no font: Latin-1
				tx += 0.5 * gs.size * gs.th
			}
			raw = raw[n:]
		}
		tm = affine{a: 1, d: 1, e: tx}.then(tm)
		x1, _ := tm.then(gs.ctm).apply(0, gs.rise)
		size := gs.size * math.Hypot(trm.c, trm.d)
		if size <= 0 {
			size = 1
		}
		w.spans = append(w.spans, span{x0: x0, x1: x1, y: y0, size: size, text: strings.ToValidUTF8(sb.String(), "")})
	}
	move := func(tx, ty float64) {
		tlm = affine{a: 1, d: 1, e: tx, f: ty}.then(tlm)
		tm = tlm
	}
	vrule := func(x0, y0, x1, y1 float64) {
		ax, ay := gs.ctm.apply(x0, y0)
		bx, by := gs.ctm.apply(x1, y1)
		if math.Abs(ax-bx) < 2 && math.Abs(ay-by) > 2 && len(w.rules) < maxRules {
			w.rules = append(w.rules, rule{x: (ax + bx) / 2, y0: min(ay, by), y1: max(ay, by)})
		}
	}
	for {
		if err := w.d.x.ctx.Err(); err != nil && len(args) == 0 {
			w.err = err
			return
		}
		o := l.next(0)
		if o.kind == psEOF {
			return
		}
		if o.kind != psOp {
			if len(args) < 64 {
				args = append(args, o)
			}
			continue
		}
		switch op := string(o.s); op {
		case "q":
			if len(stack) < 256 {
				stack = append(stack, gs)
			}
		case "Q":
			if n := len(stack); n > 0 {
				gs, stack = stack[n-1], stack[:n-1]
			}
		case "cm":
			if len(args) == 6 {
				gs.ctm = affine{num(0), num(1), num(2), num(3), num(4), num(5)}.then(gs.ctm)
			}
		case "m":
			pathX, pathY = num(0), num(1)
		case "l":
			vrule(pathX, pathY, num(0), num(1))
			pathX, pathY = num(0), num(1)
		case "re":
			x, y, wd, ht := num(0), num(1), num(2), num(3)
			vrule(x, y, x, y+ht)
			vrule(x+wd, y, x+wd, y+ht)
		case "Do":
			if len(args) == 1 && args[0].kind == psName {
				w.runForm(res, string(args[0].s), gs.ctm, depth)
			}
		case "BI":
			for {
				t := l.next(0)
				if t.kind == psEOF || t.kind == psOp && string(t.s) == "ID" {
					break
				}
			}
			l.skipInlineImage()
		case "BT":
			tlm, tm = identity, identity
		case "Tm":
			if len(args) == 6 {
				tlm = affine{num(0), num(1), num(2), num(3), num(4), num(5)}
				tm = tlm
			}
		case "Td":
			move(num(0), num(1))
		case "TD":
			gs.lead = -num(1)
			move(num(0), num(1))
		case "TL":
			gs.lead = num(0)
		case "T*":
			move(0, -gs.lead)
		case "Tc":
			gs.tc = num(0)
		case "Tw":
			gs.tw = num(0)
		case "Tz":
			gs.th = num(0) / 100
		case "Ts":
			gs.rise = num(0)
		case "Tf":
			gs.font = nil
			if len(args) == 2 && args[0].kind == psName {
				name := string(args[0].s)
				f, ok := fonts[name]
				if !ok {
					f = w.d.fonts.font(fontDict, name)
					fonts[name] = f
				}
				gs.font = f
				gs.size = num(1)
			}
		case "'":
			move(0, -gs.lead)
			if len(args) == 1 {
				show(args[0].s)
			}
		case "\"":
			move(0, -gs.lead)
			if len(args) == 3 {
				gs.tw, gs.tc = num(0), num(1)
				show(args[2].s)
			}
		case "Tj":
			if len(args) == 1 && args[0].kind == psStr {
				show(args[0].s)
			}
		case "TJ":
			if len(args) != 1 || args[0].kind != psArray {
				break
			}
			for _, e := range args[0].arr {
				switch e.kind {
				case psStr:
					show(e.s)
				case psNum:
					tm = affine{a: 1, d: 1, e: -e.num / 1000 * gs.size * gs.th}.then(tm)
				}
			}
		}
		args = args[:0]
	}
}

// runForm draws the form XObject name of res as run draws a page, within
// maxFormDepth and maxForms. An XObject that is not a form (an image)
// holds no text.
func (w *pageWalker) runForm(res pdf.Value, name string, ctm affine, depth int) {
	if depth >= maxFormDepth || w.forms >= maxForms || w.err != nil {
		return
	}
	x := res.Key("XObject").Key(name)
	if x.Kind() != pdf.Stream || x.Key("Subtype").Name() != "Form" {
		return
	}
	w.forms++
	data, err := w.d.stream(x)
	if err != nil {
		w.err = err
		return
	}
	m := ctm
	if mx := x.Key("Matrix"); mx.Len() == 6 {
		m = affine{mx.Index(0).Float64(), mx.Index(1).Float64(), mx.Index(2).Float64(), mx.Index(3).Float64(), mx.Index(4).Float64(), mx.Index(5).Float64()}.then(ctm)
	}
	// A form without resources uses its page's.
	fres := x.Key("Resources")
	if fres.Kind() == pdf.Null {
		fres = res
	}
	w.run(data, fres, m, depth+1)
}

// affine is a PDF matrix [a b c d e f].
type affine struct{ a, b, c, d, e, f float64 }

var identity = affine{a: 1, d: 1}

// then returns m × n: m applied first, then n.
func (m affine) then(n affine) affine {
	return affine{
		a: m.a*n.a + m.b*n.c, b: m.a*n.b + m.b*n.d,
		c: m.c*n.a + m.d*n.c, d: m.c*n.b + m.d*n.d,
		e: m.e*n.a + m.f*n.c + n.e, f: m.e*n.b + m.f*n.d + n.f,
	}
}

// apply maps the point (x, y).
func (m affine) apply(x, y float64) (float64, float64) {
	return x*m.a + y*m.c + m.e, x*m.b + y*m.d + m.f
}
