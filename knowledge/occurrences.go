package knowledge

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
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
		return indexAll(d.compact, lit)
	}
	r2, _ := utf8.DecodeRuneInString(lit[n1:])
	id, ok := d.wanted[bigramKey(r1, r2)]
	if !ok {
		return indexAll(d.compact, lit) // not a bigram any known literal starts with
	}
	if d.bigrams == nil {
		d.indexBigrams()
	}
	var out []int
	for _, p := range d.bigrams[id] {
		if strings.HasPrefix(d.compact[p:], lit) {
			out = append(out, int(p))
		}
	}
	return out
}

// leadBigrams numbers the first two runes of every literal the review
// looks up, so that a draft's index records only those bigrams, in a
// slice rather than a map.
func leadBigrams(set map[uint64]int32, lits ...string) {
	for _, lit := range lits {
		r1, n1 := utf8.DecodeRuneInString(lit)
		if n1 == len(lit) {
			continue
		}
		r2, _ := utf8.DecodeRuneInString(lit[n1:])
		if k := bigramKey(r1, r2); !hasKey(set, k) {
			set[k] = int32(len(set))
		}
	}
}

func hasKey(m map[uint64]int32, k uint64) bool {
	_, ok := m[k]
	return ok
}

func (t term) literals() []string {
	switch {
	case t.re != nil:
		return t.re.lits
	case t.suffix != nil:
		return t.suffix.endings
	case t.near != nil:
		var out []string
		for _, x := range append(append([]term{}, t.near.as...), t.near.bs...) {
			out = append(out, x.literals()...)
		}
		return out
	}
	return []string{t.literal}
}

// indexAll returns the start offsets of every occurrence of lit in s.
func indexAll(s, lit string) []int {
	var out []int
	for off := 0; ; {
		i := strings.Index(s[off:], lit)
		if i < 0 {
			return out
		}
		out = append(out, off+i)
		off += i + len(lit)
	}
}

func bigramKey(a, b rune) uint64 { return uint64(a)<<32 | uint64(uint32(b)) }

func (d *document) indexBigrams() {
	d.bigrams = make([][]int32, len(d.wanted))
	prev, prevAt := rune(-1), 0
	for i, r := range d.compact {
		if prev >= 0 {
			if id, ok := d.wanted[bigramKey(prev, r)]; ok {
				d.bigrams[id] = append(d.bigrams[id], int32(prevAt))
			}
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
	// unordered ("around:A>N>B") lets B come before A as well.
	unordered bool
}

func parseNear(spec string, lex *lexicon) (*near, error) {
	parts := strings.Split(spec, ">")
	if len(parts) != 3 {
		return nil, fmt.Errorf("near term %q: want A1|A2>window>B1|B2", spec)
	}
	w, err := strconv.Atoi(strings.TrimSpace(parts[1]))
	if err != nil || w <= 0 {
		return nil, fmt.Errorf("near term %q: window %q is not a positive number", spec, parts[1])
	}
	as, cerr := compileTerms("", strings.Split(parts[0], "|"), lex)
	if cerr != nil {
		return nil, fmt.Errorf("near term %q: %w", spec, cerr.err)
	}
	bs, cerr := compileTerms("", strings.Split(parts[2], "|"), lex)
	if cerr != nil {
		return nil, fmt.Errorf("near term %q: %w", spec, cerr.err)
	}
	return &near{as: as, bs: bs, window: w}, nil
}

func mustNear(spec string) *near {
	n, err := parseNear(spec, nil)
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
		if !n.unordered {
			i := sort.Search(len(bs), func(i int) bool { return bs[i].start >= a.end })
			if i < len(bs) && bs[i].end <= limit {
				out = append(out, span{a.start, bs[i].end})
			}
			continue
		}
		from := a.start
		for k := 0; k < n.window && from > 0 && d.compact[from-1] != '\n'; k++ {
			_, sz := utf8.DecodeLastRuneInString(d.compact[:from])
			from -= sz
		}
		// The first B inside the window on either side of A, or on A
		// itself: "users should" is both a user and a user's step.
		j := sort.Search(len(bs), func(j int) bool { return bs[j].start >= from })
		if j < len(bs) && bs[j].start < limit && bs[j].end <= limit {
			out = append(out, span{min(a.start, bs[j].start), max(a.end, bs[j].end)})
		}
	}
	sortSpans(out)
	return out
}

// suffix is a term that matches a word ending in one of its endings, such
// as an organisation name ending in 팀, 실, 센터 or 부서 ("정보보호팀",
// "보안팀이"). Written in data files as "suffix:팀|실|센터". The word is
// read in the original text, where spaces still separate words: the
// ending must follow a letter and be followed by the end of the word or a
// particle, so "실시" and "팀장" are not organisations.
//
// An ending written "!엑셀" is a word that ends like a unit but is not
// one (엑셀 ends in 셀, 구조 in 조): a match that ends such a word does
// not count.
type suffix struct {
	endings []string // compact form
	except  []string
}

// particles may follow a noun within the same word.
const particles = "이가은는을를의에와과도로으께만"

func (d *document) findSuffix(x *suffix) []span {
	var out []span
	for _, end := range x.endings {
		for _, at := range d.occurrences(end) {
			s := span{at, at + len(end)}
			if d.wordEnding(s) && !x.excepted(d.compact[:s.end]) {
				out = append(out, s)
			}
		}
	}
	sortSpans(out)
	return out
}

func (x *suffix) excepted(upToMatch string) bool {
	for _, w := range x.except {
		if strings.HasSuffix(upToMatch, w) {
			return true
		}
	}
	return false
}

func (d *document) wordEnding(s span) bool {
	o := int(d.orig[s.start])
	prev, _ := utf8.DecodeLastRuneInString(d.text[:o])
	// 운영1팀 and 마이그레이션2팀 are units too.
	if o == 0 || !(unicode.IsLetter(prev) || unicode.IsDigit(prev)) {
		return false
	}
	last := int(d.orig[s.end-1])
	_, n := utf8.DecodeRuneInString(d.text[last:])
	next, _ := utf8.DecodeRuneInString(d.text[last+n:])
	return last+n == len(d.text) || !unicode.Is(unicode.Hangul, next) || strings.ContainsRune(particles, next)
}
