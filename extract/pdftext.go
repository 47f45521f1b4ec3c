package extract

import (
	"math"
	"strings"

	"github.com/ledongthuc/pdf"
)

// pageText returns the text of one PDF page, a line per baseline.
//
// It walks the content stream as the library's Page.GetPlainText does,
// with the same font decoding (ToUnicode maps, Identity-H), but follows
// where text is placed: GetPlainText breaks a line at every text object
// and nowhere else, so the runs of one line that Word writes as separate
// objects become separate lines, and the lines of one object that other
// writers move between with Td run together. Here a line ends when the
// baseline moves (text matrix and CTM), and a large gap in a TJ array (a
// word space written as positioning) becomes a space. Text in form
// XObjects (page content wrapped by some writers and stampers) is read
// where it is drawn.
func pageText(p pdfPage) string {
	contents := p.v.Key("Contents")
	if contents.Kind() == pdf.Null {
		return ""
	}
	w := &textWalker{}
	w.run(contents, p.res, identity, 0)
	// Codes a font does not map decode to U+FFFD: no text to review.
	return strings.ReplaceAll(strings.ToValidUTF8(w.b.String(), ""), "\uFFFD", "")
}

// maxFormDepth bounds form XObjects drawn inside one another, and
// maxForms the forms drawn on one page: a file may make them cycle, or
// draw one form many times from many others.
const (
	maxFormDepth = 8
	maxForms     = 256
)

// textWalker collects the text of a page across its content stream and
// the forms it draws.
type textWalker struct {
	b      strings.Builder
	forms  int // form XObjects drawn so far
	lastY  float64
	shown  bool
	spaced bool // the text so far ends with a space
}

// run interprets one content stream with its resources; ctm is the
// transformation in force where it is drawn.
func (w *textWalker) run(strm, res pdf.Value, ctm affine, depth int) {
	fonts := map[string]*pdf.Font{}
	fontDict := res.Key("Font")
	for _, name := range fontDict.Keys() {
		fonts[name] = &pdf.Font{V: fontDict.Key(name)}
	}
	var (
		enc    pdf.TextEncoding
		tlm    affine // text line matrix
		tm     affine // text matrix
		lead   float64
		gstack []affine
	)
	write := func(s string) {
		if s == "" {
			return
		}
		y := tm.then(ctm).f
		if w.shown && math.Abs(y-w.lastY) > 1 {
			w.b.WriteByte('\n')
		}
		w.b.WriteString(s)
		w.shown, w.lastY = true, y
		w.spaced = strings.HasSuffix(s, " ")
	}
	show := func(raw string) {
		if enc == nil {
			write(raw)
			return
		}
		write(enc.Decode(raw))
	}
	move := func(tx, ty float64) {
		tlm = affine{a: 1, d: 1, e: tx, f: ty}.then(tlm)
		tm = tlm
	}
	pdf.Interpret(strm, func(stk *pdf.Stack, op string) {
		args := make([]pdf.Value, stk.Len())
		for i := len(args) - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		num := func(i int) float64 {
			if i < len(args) {
				return args[i].Float64()
			}
			return 0
		}
		switch op {
		case "q":
			gstack = append(gstack, ctm)
		case "Q":
			if n := len(gstack); n > 0 {
				ctm, gstack = gstack[n-1], gstack[:n-1]
			}
		case "cm":
			if len(args) == 6 {
				ctm = affine{num(0), num(1), num(2), num(3), num(4), num(5)}.then(ctm)
			}
		case "Do":
			if len(args) == 1 {
				w.runForm(res, args[0].Name(), ctm, depth)
			}
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
			lead = -num(1)
			move(num(0), num(1))
		case "TL":
			lead = num(0)
		case "T*":
			move(0, -lead)
		case "Tf":
			enc = nil
			if len(args) > 0 {
				if f := fonts[args[0].Name()]; f != nil {
					enc = f.Encoder()
				}
			}
		case "'", "\"":
			move(0, -lead)
			if len(args) > 0 {
				show(args[len(args)-1].RawString())
			}
		case "Tj":
			if len(args) == 1 {
				show(args[0].RawString())
			}
		case "TJ":
			if len(args) != 1 {
				return
			}
			v := args[0]
			for i := 0; i < v.Len(); i++ {
				switch x := v.Index(i); x.Kind() {
				case pdf.String:
					show(x.RawString())
				case pdf.Integer, pdf.Real:
					// Positioning in thousandths of an em; a third of an
					// em or more to the right is a word space.
					if x.Float64() <= -300 && w.shown && !w.spaced {
						w.b.WriteByte(' ')
						w.spaced = true
					}
				}
			}
		}
	})
}

// runForm draws the form XObject name of res as run draws a page, within
// maxFormDepth and maxForms. An XObject that is not a form (an image)
// holds no text.
func (w *textWalker) runForm(res pdf.Value, name string, ctm affine, depth int) {
	if depth >= maxFormDepth || w.forms >= maxForms {
		return
	}
	x := res.Key("XObject").Key(name)
	if x.Kind() != pdf.Stream || x.Key("Subtype").Name() != "Form" {
		return
	}
	w.forms++
	m := ctm
	if mx := x.Key("Matrix"); mx.Len() == 6 {
		m = affine{mx.Index(0).Float64(), mx.Index(1).Float64(), mx.Index(2).Float64(), mx.Index(3).Float64(), mx.Index(4).Float64(), mx.Index(5).Float64()}.then(ctm)
	}
	// A form without resources uses its page's.
	fres := x.Key("Resources")
	if fres.Kind() == pdf.Null {
		fres = res
	}
	w.run(x, fres, m, depth+1)
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
