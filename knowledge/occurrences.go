package knowledge

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// occurrences returns the start offsets of lit in the compact text, in
// order. Literals of two runes or more are looked up in an index of every
// rune bigram of the text, built once per draft: Hangul syllables share
// their UTF-8 lead bytes, so a plain strings.Index over Korean text checks
// almost every position, for every one of hundreds of terms.
func (d *document) occurrences(lit string) []int {
	r1, n1 := utf8.DecodeRuneInString(lit)
	if n1 == len(lit) {
		var out []int
		for off := 0; ; {
			i := strings.Index(d.compact[off:], lit)
			if i < 0 {
				return out
			}
			out = append(out, off+i)
			off += i + len(lit)
		}
	}
	r2, _ := utf8.DecodeRuneInString(lit[n1:])
	if d.bigrams == nil {
		d.indexBigrams()
	}
	var out []int
	for _, p := range d.bigrams[bigramKey(r1, r2)] {
		if strings.HasPrefix(d.compact[p:], lit) {
			out = append(out, int(p))
		}
	}
	return out
}

func bigramKey(a, b rune) uint64 { return uint64(a)<<32 | uint64(uint32(b)) }

func (d *document) indexBigrams() {
	d.bigrams = make(map[uint64][]int32, len(d.compact)/4)
	prev, prevAt := rune(-1), 0
	for i, r := range d.compact {
		if prev >= 0 {
			k := bigramKey(prev, r)
			d.bigrams[k] = append(d.bigrams[k], int32(prevAt))
		}
		prev, prevAt = r, i
	}
}

// near is a term that matches one of As followed, within Window runes on
// the same line, by one of Bs ("비밀번호 … 해시"). Written in data files as
// "near:A1|A2>60>B1|B2". It does with literal lookups what a regular
// expression with .{0,60} does with a slow NFA scan.
type near struct {
	as, bs []term
	window int
}

func parseNear(spec string) (*near, error) {
	parts := strings.Split(spec, ">")
	if len(parts) != 3 {
		return nil, fmt.Errorf("near term %q: want A1|A2>window>B1|B2", spec)
	}
	w, err := strconv.Atoi(strings.TrimSpace(parts[1]))
	if err != nil || w <= 0 {
		return nil, fmt.Errorf("near term %q: window %q is not a positive number", spec, parts[1])
	}
	as, cerr := compileTerms("", strings.Split(parts[0], "|"))
	if cerr != nil {
		return nil, fmt.Errorf("near term %q: %w", spec, cerr.err)
	}
	bs, cerr := compileTerms("", strings.Split(parts[2], "|"))
	if cerr != nil {
		return nil, fmt.Errorf("near term %q: %w", spec, cerr.err)
	}
	return &near{as: as, bs: bs, window: w}, nil
}

func mustNear(spec string) *near {
	n, err := parseNear(spec)
	if err != nil {
		panic(err)
	}
	return n
}

// findNear returns spans from the start of an A to the end of the first B
// that follows it within the window.
func (d *document) findNear(n *near) []span {
	as := d.findAny(n.as)
	if len(as) == 0 {
		return nil
	}
	bs := d.findAny(n.bs)
	if len(bs) == 0 {
		return nil
	}
	var out []span
	for _, a := range as {
		limit := a.end
		for k := 0; k < n.window && limit < len(d.compact) && d.compact[limit] != '\n'; k++ {
			_, sz := utf8.DecodeRuneInString(d.compact[limit:])
			limit += sz
		}
		i := sort.Search(len(bs), func(i int) bool { return bs[i].start >= a.end })
		if i < len(bs) && bs[i].end <= limit {
			out = append(out, span{a.start, bs[i].end})
		}
	}
	return out
}
