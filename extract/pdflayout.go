package extract

import (
	"bytes"
	"cmp"
	"math"
	"slices"
	"strings"
)

// layout puts a page's spans in reading order: lines from the top of the
// page down (spans on one baseline make a line, ordered by position);
// within a line, a space where the text jumps a little to the right, a
// tab where it jumps to another cell (across a vertical rule, or over a
// gap of more than cellGap ems); a line break wherever it goes down. Two
// columns of running text (a gap down the page that no rule marks, with
// lines that fill both sides) are read left column first.
func layout(spans []span, rules []rule) string {
	lines := groupLines(spans)
	if len(lines) == 0 {
		return ""
	}
	slices.SortFunc(rules, func(a, b rule) int { return cmp.Compare(a.x, b.x) })
	lt := &layouter{rules: rules}
	lines = lt.columns(lines)
	var b strings.Builder
	for _, ln := range lines {
		s := strings.TrimRight(lt.render(ln), " \t")
		if strings.TrimSpace(s) == "" {
			continue
		}
		b.WriteString(strings.TrimLeft(s, " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// Gaps, in ems of the text's size.
const (
	wordGap = 0.2 // a space
	cellGap = 1.5 // a cell boundary (or a column's gutter)
)

type line struct {
	y, size float64
	spans   []span // by x0
}

// groupLines gathers spans on one baseline (within 0.4 em) into lines,
// top to bottom.
func groupLines(spans []span) []line {
	s := slices.Clone(spans)
	slices.SortStableFunc(s, func(a, b span) int { return cmp.Compare(b.y, a.y) })
	var lines []line
	for _, sp := range s {
		if sp.text == "" {
			continue
		}
		if n := len(lines); n > 0 && math.Abs(lines[n-1].y-sp.y) <= 0.4*max(sp.size, lines[n-1].size) {
			lines[n-1].spans = append(lines[n-1].spans, sp)
			lines[n-1].size = max(lines[n-1].size, sp.size)
			continue
		}
		lines = append(lines, line{y: sp.y, size: sp.size, spans: []span{sp}})
	}
	for i := range lines {
		slices.SortStableFunc(lines[i].spans, func(a, b span) int { return cmp.Compare(a.x0, b.x0) })
	}
	return lines
}

type layouter struct {
	rules []rule // by x
}

// ruled reports whether a vertical rule runs between x0 and x1 at the
// height y.
func (lt *layouter) ruled(x0, x1, y, size float64) bool {
	i, _ := slices.BinarySearchFunc(lt.rules, x0-0.5, func(r rule, x float64) int { return cmp.Compare(r.x, x) })
	for ; i < len(lt.rules) && lt.rules[i].x <= x1+0.5; i++ {
		if r := lt.rules[i]; r.y0-size <= y && y <= r.y1+size {
			return true
		}
	}
	return false
}

// render writes one line.
func (lt *layouter) render(ln line) string {
	var out []byte
	var prev *span
	for i := range ln.spans {
		s := &ln.spans[i]
		if prev != nil {
			h := max(prev.size, s.size)
			gap := s.x0 - prev.x1
			if s.text == prev.text && math.Abs(s.x0-prev.x0) < 0.3*h {
				continue // drawn twice, slightly offset: fake bold
			}
			switch {
			case gap >= cellGap*h || gap > 0 && lt.ruled(prev.x1, s.x0, ln.y, h):
				out = bytes.TrimRight(out, " ")
				if len(out) > 0 && out[len(out)-1] != '\t' {
					out = append(out, '\t')
				}
				out = append(out, strings.TrimLeft(s.text, " ")...)
				prev = s
				continue
			case gap >= wordGap*h && len(out) > 0 && out[len(out)-1] != ' ' && out[len(out)-1] != '\t' && !strings.HasPrefix(s.text, " "):
				out = append(out, ' ')
			}
		}
		out = append(out, s.text...)
		prev = s
	}
	return string(out)
}

// gutters are the gaps of a line wide enough for a cell boundary that no
// rule marks.
func (lt *layouter) gutters(ln line) [][2]float64 {
	var out [][2]float64
	for i := 1; i < len(ln.spans); i++ {
		a, b := ln.spans[i-1].x1, ln.spans[i].x0
		if b-a >= cellGap*ln.size && !lt.ruled(a, b, ln.y, ln.size) {
			out = append(out, [2]float64{a, b})
		}
	}
	return out
}

// columns finds runs of lines set in two columns and puts each run's left
// column before its right one. A run is lines that share a gutter (an
// unruled gap, the same across them) or lie on one side of it; at least
// three must have text on both sides, and most lines of each side must
// run up to the side's edge, as wrapped text does (a table without rules
// has ragged, short cells, and stays a table).
func (lt *layouter) columns(lines []line) []line {
	var out []line
	for i := 0; i < len(lines); {
		gs := lt.gutters(lines[i])
		if len(gs) == 0 {
			out = append(out, lines[i])
			i++
			continue
		}
		g := gs[0]
		both, j := 1, i+1
		for ; j < len(lines); j++ {
			ln := lines[j]
			if k, ok := overlapping(lt.gutters(ln), g, ln.size); ok {
				g = [2]float64{max(g[0], k[0]), min(g[1], k[1])}
				both++
				continue
			}
			if crosses(ln, g) {
				break
			}
		}
		j = lt.regionEnd(lines, i, j, g)
		if both < 3 || !filled(lines[i:j], g) {
			// Not columns: the lines sharing the gap are rows (a table
			// without rules), and none of them starts columns either.
			out = append(out, lines[i:j]...)
			i = j
			continue
		}
		var left, right []line
		for _, ln := range lines[i:j] {
			l, r := split(ln, (g[0]+g[1])/2)
			if len(l.spans) > 0 {
				left = append(left, l)
			}
			if len(r.spans) > 0 {
				right = append(right, r)
			}
		}
		out = append(append(out, left...), right...)
		i = j
	}
	return out
}

// regionEnd trims a run of two-column lines lines[i:j] after its last
// line with text on both sides. Columns are balanced: the left one may
// run one line longer (wrapped text reaching within two ems of its edge),
// the right one any number of lines at the same spacing; anything else
// is the text after the columns.
func (lt *layouter) regionEnd(lines []line, i, j int, g [2]float64) int {
	mid := (g[0] + g[1]) / 2
	last := i
	edge := math.Inf(-1)
	for k := i; k < j; k++ {
		l, r := split(lines[k], mid)
		if len(l.spans) > 0 {
			edge = max(edge, l.spans[len(l.spans)-1].x1)
		}
		if len(l.spans) > 0 && len(r.spans) > 0 {
			last = k
		}
	}
	step := 2 * lines[i].size
	if last > i {
		step = (lines[i].y - lines[last].y) / float64(last-i)
	}
	k := last + 1
	for ; k < j; k++ {
		if lines[k-1].y-lines[k].y > 1.5*step {
			break
		}
		l, r := split(lines[k], mid)
		if len(l.spans) > 0 {
			if k == last+1 && len(r.spans) == 0 && l.spans[len(l.spans)-1].x1 >= edge-2*lines[k].size {
				k++
			}
			break
		}
	}
	return min(k, j)
}

func overlapping(gs [][2]float64, g [2]float64, size float64) ([2]float64, bool) {
	for _, k := range gs {
		if min(g[1], k[1])-max(g[0], k[0]) >= 0.5*size {
			return k, true
		}
	}
	return [2]float64{}, false
}

// crosses reports whether text of ln runs over the gutter g.
func crosses(ln line, g [2]float64) bool {
	for _, s := range ln.spans {
		if s.x0 < g[1] && s.x1 > g[0] {
			return true
		}
	}
	return false
}

func split(ln line, x float64) (line, line) {
	l, r := line{y: ln.y, size: ln.size}, line{y: ln.y, size: ln.size}
	for _, s := range ln.spans {
		if s.x1 <= x {
			l.spans = append(l.spans, s)
		} else {
			r.spans = append(r.spans, s)
		}
	}
	return l, r
}

// filled reports whether most lines on each side of the gutter reach
// within three ems of that side's right edge.
func filled(lines []line, g [2]float64) bool {
	mid := (g[0] + g[1]) / 2
	for side := range 2 {
		var ends []float64
		edge := math.Inf(-1)
		size := 0.0
		for _, ln := range lines {
			l, r := split(ln, mid)
			part := l
			if side == 1 {
				part = r
			}
			if len(part.spans) == 0 {
				continue
			}
			end := part.spans[len(part.spans)-1].x1
			ends = append(ends, end)
			edge = max(edge, end)
			size = max(size, ln.size)
		}
		full := 0
		for _, e := range ends {
			if e >= edge-3*size {
				full++
			}
		}
		if len(ends) == 0 || full*2 < len(ends) {
			return false
		}
	}
	return true
}
