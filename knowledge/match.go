package knowledge

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// term is one way of saying something in a draft: a literal compared on
// compact text (spaces removed, lower case), or a regular expression over
// that same compact text.
type term struct {
	literal string
	re      *pattern
	near    *near
	suffix  *suffix
	// ascii marks literals that begin or end with an ASCII letter or digit:
	// in compact text their word boundaries are checked against the
	// original text, so that "des" does not match inside "design".
	asciiStart, asciiEnd bool
	// wordStart (a term written "^메일") must begin a word in the
	// original text: "메일" alone or "메일로", not the 메일 of 의심메일.
	wordStart bool
}

type elementMatcher struct {
	all     [][]term
	partial []term
	weak    []term
	cover   []term
	topic   []term
}

type compileError struct {
	field string
	err   error
}

// compileTerms compiles the terms of a data file. A term "@name" stands
// for every term of the concept name of the lexicon.
func compileTerms(field string, raw []string, lex *lexicon) ([]term, *compileError) {
	out := make([]term, 0, len(raw))
	for i, r := range raw {
		if name, ok := strings.CutPrefix(strings.TrimSpace(r), "@"); ok {
			ts, err := lex.concept(name)
			if err != nil {
				return nil, &compileError{field: fmt.Sprintf("%s[%d]", field, i), err: err}
			}
			out = append(out, ts...)
			continue
		}
		if spec, ok := strings.CutPrefix(r, "suffix:"); ok {
			x := &suffix{}
			for _, e := range strings.Split(spec, "|") {
				word, except := strings.CutPrefix(strings.TrimSpace(e), "!")
				if word = Compact(Normalize(word)); word == "" {
					continue
				}
				if except {
					x.except = append(x.except, word)
				} else {
					x.endings = append(x.endings, word)
				}
			}
			if len(x.endings) == 0 {
				return nil, &compileError{field: fmt.Sprintf("%s[%d]", field, i), err: fmt.Errorf("suffix term %q has no endings", r)}
			}
			out = append(out, term{suffix: x})
			continue
		}
		for _, kind := range []string{"near:", "around:"} {
			if spec, ok := strings.CutPrefix(r, kind); ok {
				n, err := parseNear(spec, lex)
				if err != nil {
					return nil, &compileError{field: fmt.Sprintf("%s[%d]", field, i), err: err}
				}
				n.unordered = kind == "around:"
				out = append(out, term{near: n})
				r = ""
				break
			}
		}
		if r == "" {
			continue
		}
		if rx, ok := strings.CutPrefix(r, "re:"); ok {
			p, err := compilePattern(rx)
			if err != nil {
				return nil, &compileError{field: fmt.Sprintf("%s[%d]", field, i), err: fmt.Errorf("bad pattern %q: %w", rx, err)}
			}
			out = append(out, term{re: &p})
			continue
		}
		wordStart := false
		if rest, ok := strings.CutPrefix(r, "^"); ok {
			r, wordStart = rest, true
		}
		stem := false
		if rest, ok := strings.CutSuffix(r, "~"); ok {
			r, stem = rest, true
		}
		lit := Compact(Normalize(r))
		if lit == "" {
			return nil, &compileError{field: fmt.Sprintf("%s[%d]", field, i), err: fmt.Errorf("empty term")}
		}
		lits := []string{lit}
		if stem {
			var err error
			if lits, err = verbForms(lit); err != nil {
				return nil, &compileError{field: fmt.Sprintf("%s[%d]", field, i), err: err}
			}
		}
		for _, lit := range lits {
			first, _ := utf8.DecodeRuneInString(lit)
			last, _ := utf8.DecodeLastRuneInString(lit)
			out = append(out, term{literal: lit, asciiStart: isASCIIAlnum(first), asciiEnd: isASCIIAlnum(last), wordStart: wordStart})
		}
	}
	return out, nil
}

// verbForms expands a verb stem written "알리~" to the forms its endings
// fuse into the last syllable: 알리 (알리고), 알린 (알린다), 알릴 (알릴
// 때), 알립 (알립니다). Korean writes ㄴ, ㄹ and ㅂ of an ending inside the
// stem's open last syllable, so a literal 알리 alone misses 알립니다.
func verbForms(stem string) ([]string, error) {
	last, size := utf8.DecodeLastRuneInString(stem)
	const base, finals = 0xAC00, 28
	if last < base || last > 0xD7A3 || (last-base)%finals != 0 {
		return nil, fmt.Errorf("verb stem %q must end in a Hangul syllable without a final consonant", stem+"~")
	}
	head := stem[:len(stem)-size]
	out := []string{stem}
	for _, f := range []rune{4, 8, 17} { // ㄴ, ㄹ, ㅂ
		out = append(out, head+string(last+f))
	}
	return out, nil
}

func compileMatcher(e *Element, lex *lexicon) (*elementMatcher, *compileError) {
	m := &elementMatcher{}
	for g, group := range e.All {
		if len(group) == 0 {
			return nil, &compileError{field: fmt.Sprintf("all[%d]", g), err: fmt.Errorf("empty group")}
		}
		ts, err := compileTerms(fmt.Sprintf("all[%d]", g), group, lex)
		if err != nil {
			return nil, err
		}
		m.all = append(m.all, ts)
	}
	var err *compileError
	if m.partial, err = compileTerms("partial", e.Partial, lex); err != nil {
		return nil, err
	}
	if m.weak, err = compileTerms("weak", e.Weak, lex); err != nil {
		return nil, err
	}
	if m.cover, err = compileTerms("cover", e.Cover, lex); err != nil {
		return nil, err
	}
	if m.topic, err = compileTerms("topic", e.Topic, lex); err != nil {
		return nil, err
	}
	return m, nil
}

func isASCIIAlnum(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// document is a draft prepared for matching: its lines as the user wrote
// them (normalised), and one compact string of all of them with a map back
// from every compact byte to the original text.
type document struct {
	text    string // normalised draft
	lines   []int  // byte offset in text where each line starts
	compact string
	orig    []int32 // orig[i] is the byte offset in text of compact byte i
	// cline[i] is the offset in compact where line i+1 begins.
	cline []int
	// bigrams indexes the positions of every rune bigram of compact,
	// built on first use (see occurrences). Hiding text (blank, keepOnly)
	// only turns bytes into NUL, so after it the index may name positions
	// that no longer match, which occurrences rejects, and never misses
	// one: it stays valid.
	bigrams [][]int32
	// wanted numbers the bigrams literals of the knowledge base start
	// with: the index records only those, bigrams[n] for bigram number n;
	// other lookups scan.
	wanted map[uint64]int32
	// found caches the matches of each term: elements and rules share
	// concepts, so one review looks up the same term many times. Hiding
	// text clears it.
	found map[termKey][]span
	// titles are the headings kept readable as titles of an asserting
	// body (see reading.evidence).
	titles []titleRef
	// stances caches the stance of each distinct statement while the
	// document is read into statements.
	stances map[stanceKey]statement
}

// termKey identifies a term: compiled patterns, proximity and suffix
// terms by their shared compiled value, literals by their text and flags.
type termKey struct {
	re                              *pattern
	near                            *near
	suffix                          *suffix
	literal                         string
	asciiStart, asciiEnd, wordStart bool
}

// setCompact replaces the compact text after hiding parts of it.
func (d *document) setCompact(b []byte) {
	d.compact = string(b)
	d.found = nil
}

func newDocument(text string) *document {
	d := &document{text: text, lines: []int{0}, cline: []int{0}}
	var b strings.Builder
	b.Grow(len(text))
	d.orig = make([]int32, 0, len(text))
	// Lines are compacted one by one and joined with a newline, which no
	// term matches: a match never runs from one line into the next, so its
	// evidence is the line it stands on.
	start := 0
	for {
		end := strings.IndexByte(text[start:], '\n')
		line := text[start:]
		if end >= 0 {
			line = text[start : start+end]
		}
		base := start
		compactInto(&b, line, func(off, n int) {
			for k := 0; k < n; k++ {
				d.orig = append(d.orig, int32(base+off))
			}
		})
		if end < 0 {
			break
		}
		b.WriteByte('\n')
		d.orig = append(d.orig, int32(start+end))
		start += end + 1
		d.lines = append(d.lines, start)
		d.cline = append(d.cline, b.Len())
	}
	d.compact = b.String()
	return d
}

// span is a match: byte offsets in the compact text.
type span struct{ start, end int }

// find returns every occurrence of t in the compact text.
// The result is shared: callers must not change it.
func (d *document) find(t term) []span {
	key := termKey{t.re, t.near, t.suffix, t.literal, t.asciiStart, t.asciiEnd, t.wordStart}
	if ss, ok := d.found[key]; ok {
		return ss
	}
	var out []span
	switch {
	case t.re != nil:
		out = d.findPattern(*t.re)
	case t.near != nil:
		out = d.findNear(t.near)
	case t.suffix != nil:
		out = d.findSuffix(t.suffix)
	default:
		for _, at := range d.occurrences(t.literal) {
			s := span{at, at + len(t.literal)}
			if d.boundaryOK(t, s) {
				out = append(out, s)
			}
		}
	}
	if d.found == nil {
		d.found = map[termKey][]span{}
	}
	d.found[key] = out
	return out
}

// boundaryOK checks, in the original text, that an ASCII literal is not
// glued to other ASCII letters or digits, and that a word-start term
// begins a word.
func (d *document) boundaryOK(t term, s span) bool {
	if t.wordStart {
		o := int(d.orig[s.start])
		if r, _ := utf8.DecodeLastRuneInString(d.text[:o]); o > 0 && unicode.IsLetter(r) {
			return false
		}
	}
	if t.asciiStart {
		o := int(d.orig[s.start])
		if r, _ := utf8.DecodeLastRuneInString(d.text[:o]); o > 0 && isASCIIAlnum(r) {
			return false
		}
	}
	if t.asciiEnd {
		o := int(d.orig[s.end-1])
		_, n := utf8.DecodeRuneInString(d.text[o:])
		rest := d.text[o+n:]
		// English inflections still count: "passwords", "encrypted".
		for _, suffix := range []string{"s", "es", "ed", "d"} {
			if len(rest) > len(suffix) && strings.HasPrefix(rest, suffix) && !isASCIIAlnum(rune(rest[len(suffix)])) {
				return true
			}
			if rest == suffix {
				return true
			}
		}
		if r, _ := utf8.DecodeRuneInString(rest); rest != "" && isASCIIAlnum(r) {
			return false
		}
	}
	return true
}

// findAny returns the occurrences of any of the terms, in text order.
func (d *document) findAny(ts []term) []span {
	var out []span
	for _, t := range ts {
		out = append(out, d.find(t)...)
	}
	sortSpans(out)
	return out
}

// sortSpans orders spans by where they start (stable: a pattern's own
// order is kept for spans that start together).
func sortSpans(ss []span) {
	slices.SortStableFunc(ss, func(a, b span) int { return cmp.Compare(a.start, b.start) })
}

// line returns the 1-based line number of a compact offset.
func (d *document) line(compactOff int) int {
	o := int(d.orig[compactOff])
	return sort.Search(len(d.lines), func(i int) bool { return d.lines[i] > o })
}

// quote returns the original text around a match: the line it is on,
// shortened around the match when the line is long.
func (d *document) quote(s span) string {
	ln := d.line(s.start)
	start := d.lines[ln-1]
	end := len(d.text)
	if ln < len(d.lines) {
		end = d.lines[ln] - 1
	}
	line := d.text[start:end]
	mStart := int(d.orig[s.start]) - start
	mEnd := len(line) // a match may run on past the end of its line
	if o := int(d.orig[s.end-1]) - start; o < len(line) {
		_, n := utf8.DecodeRuneInString(line[o:])
		mEnd = o + n
	}
	return strings.TrimSpace(window(line, mStart, mEnd, 60, 100))
}

// window cuts s to at most before runes ahead of [from,to) and after runes
// behind it, marking cuts with an ellipsis.
func window(s string, from, to, before, after int) string {
	lo := from
	for k := 0; k < before && lo > 0; k++ {
		_, n := utf8.DecodeLastRuneInString(s[:lo])
		lo -= n
	}
	hi := to
	for k := 0; k < after && hi < len(s); k++ {
		_, n := utf8.DecodeRuneInString(s[hi:])
		hi += n
	}
	out := s[lo:hi]
	if lo > 0 {
		out = "…" + strings.TrimLeft(out, " ")
	}
	if hi < len(s) {
		out = strings.TrimRight(out, " ") + "…"
	}
	return out
}

// blank hides the parts of the compact text that repeat the checklist's
// own wording (a pasted form carries 검토 기준 next to the answer), so that
// the criteria do not count as the applicant's evidence. Offsets stay
// valid: hidden bytes become NUL, which no term matches.
func (d *document) blank(phrases []string) {
	var b []byte
	for _, p := range phrases {
		for _, at := range d.occurrences(p) {
			if b == nil {
				b = []byte(d.compact)
			}
			hide(b, at, at+len(p))
		}
	}
	if b != nil {
		d.setCompact(b)
	}
}

// blankSentencesWith hides every sentence that holds one of the terms.
func (d *document) blankSentencesWith(ts []term) {
	hits := d.findAny(ts)
	if len(hits) == 0 {
		return
	}
	b := []byte(d.compact)
	for _, s := range hits {
		lo, hi := d.sentenceBounds(s)
		hide(b, lo, hi)
	}
	d.setCompact(b)
}

// blankQuestions hides every sentence that ends in a question mark.
func (d *document) blankQuestions() {
	marks := append(indexAll(d.compact, "?"), indexAll(d.compact, "？")...)
	if len(marks) == 0 {
		return
	}
	slices.Sort(marks)
	b := []byte(d.compact)
	for _, at := range marks {
		lo, _ := d.sentenceBounds(span{at, at})
		hide(b, lo, at)
	}
	d.setCompact(b)
}

// blankLinesWith hides every line that contains one of the markers: lines
// of the form itself (검토 기준, 증빙 문서명 …) rather than the answer.
func (d *document) blankLinesWith(markers []string) {
	var b []byte
	for _, m := range markers {
		for _, at := range d.occurrences(m) {
			if b == nil {
				b = []byte(d.compact)
			}
			ln := d.compactLine(at)
			hide(b, d.cline[ln], d.compactLineEnd(ln))
		}
	}
	if b != nil {
		d.setCompact(b)
	}
}

// keepOnly hides everything of the compact text outside [lo, hi).
func (d *document) keepOnly(lo, hi int) {
	b := []byte(d.compact)
	hide(b, 0, lo)
	hide(b, hi, len(b))
	d.setCompact(b)
}

// hide blanks b[lo:hi] with NUL bytes, keeping line breaks so that line
// boundaries stay where they were.
func hide(b []byte, lo, hi int) {
	for k := lo; k < hi; k++ {
		if b[k] != '\n' {
			b[k] = 0
		}
	}
}
