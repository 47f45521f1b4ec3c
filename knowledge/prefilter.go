package knowledge

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// pattern is a regular expression with a prefilter: literals of which any
// match must contain one. Go's regexp scans every byte with an NFA when a
// pattern has no literal prefix, which for a 20 KB draft and dozens of
// patterns costs milliseconds; finding the literals with strings.Index and
// running the pattern only on the lines that hold them costs microseconds.
type pattern struct {
	re   *lazyRegexp
	lits []string // nil: no usable literals, scan everything
	// before and after are how far (in bytes) a match may run on either
	// side of its literal, at most windowReach (a pattern with + or *
	// has no bound of its own).
	before, after int
}

// windowReach bounds how far from its literal a match of a pattern with
// no longest match is looked for: patterns in data files and rules reach
// at most about 20 runes from their literal (an e-mail address, a phone
// number); proximity over longer spans is what near: terms are for.
const windowReach = 96 // bytes, about 32 Hangul syllables

func mustPattern(expr string) pattern {
	p, err := compilePattern(expr)
	if err != nil {
		panic(err)
	}
	return p
}

func compilePattern(expr string) (pattern, error) {
	// Parsed now, which reports any syntax error at load and yields the
	// literals; compiled on first use (lazyRegexp).
	tree, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return pattern{}, err
	}
	p := pattern{re: &lazyRegexp{expr: expr}, before: windowReach, after: windowReach}
	if a, ok := requiredLiterals(tree.Simplify()); ok && minLen(a.lits) >= 1 {
		p.lits = dedupe(a.lits)
		if a.before >= 0 && a.before < windowReach {
			p.before = a.before
		}
		if a.after >= 0 && a.after < windowReach {
			p.after = a.after
		}
	}
	return p, nil
}

// lazyRegexp is a regular expression compiled on its first use. Loading
// the knowledge validates hundreds of patterns, and a command uses a few
// of them (an ask, none of the review's): compiling them all took a fifth
// of an ask's CPU. compilePattern has parsed the expression, so that a
// syntax error is still found at load.
type lazyRegexp struct {
	expr string
	once sync.Once
	re   *regexp.Regexp
}

// neverMatches stands in for an expression that parsed but did not
// compile. regexp.Compile parses with the same flags and finds its size
// limits in the parser, so this is a guard, not a case that happens.
var neverMatches = regexp.MustCompile(`[^\x00-\x{10FFFF}]`)

func (l *lazyRegexp) get() *regexp.Regexp {
	l.once.Do(func() {
		re, err := regexp.Compile(l.expr)
		if err != nil {
			re = neverMatches
		}
		l.re = re
	})
	return l.re
}

// MatchString is regexp.Regexp's, compiling on first use.
func (l *lazyRegexp) MatchString(s string) bool { return l.get().MatchString(s) }

// ReplaceAllString is regexp.Regexp's, compiling on first use.
func (l *lazyRegexp) ReplaceAllString(src, repl string) string {
	return l.get().ReplaceAllString(src, repl)
}

// FindAllStringIndex is regexp.Regexp's, compiling on first use.
func (l *lazyRegexp) FindAllStringIndex(s string, n int) [][]int {
	return l.get().FindAllStringIndex(s, n)
}

// maxBytes returns the length in bytes of the longest text re can match,
// or false when it is unbounded. A dense draft (a literal every few
// words) is scanned only that far around each literal, not all along.
func maxBytes(re *syntax.Regexp) (int, bool) {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return 0, true
	case syntax.OpLiteral:
		n := 0
		for _, r := range re.Rune {
			n += utf8.RuneLen(r)
		}
		if re.Flags&syntax.FoldCase != 0 {
			n = len(re.Rune) * utf8.UTFMax
		}
		return n, true
	case syntax.OpCharClass, syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		return utf8.UTFMax, true
	case syntax.OpCapture, syntax.OpQuest:
		return maxBytes(re.Sub[0])
	case syntax.OpRepeat:
		n, ok := maxBytes(re.Sub[0])
		if !ok || re.Max < 0 {
			return 0, false
		}
		return n * re.Max, true
	case syntax.OpConcat, syntax.OpAlternate:
		total := 0
		for _, sub := range re.Sub {
			n, ok := maxBytes(sub)
			if !ok {
				return 0, false
			}
			if re.Op == syntax.OpConcat {
				total += n
			} else {
				total = max(total, n)
			}
		}
		return total, true
	}
	return 0, false
}

// anchor is what a pattern's matches are found by: literals of which
// every match contains one, and how far (in bytes) a match may reach
// before and after its literal; -1 when there is no bound.
type anchor struct {
	lits          []string
	before, after int
}

// requiredLiterals returns the anchor of re, or false when it cannot
// tell which literals every match contains.
func requiredLiterals(re *syntax.Regexp) (anchor, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return anchor{}, false
		}
		return anchor{lits: []string{string(re.Rune)}}, true
	case syntax.OpCharClass:
		// A small class is an alternation the parser folded ((명|인) is
		// [명인]): each of its runes is a literal.
		const maxRunes = 8
		var lits []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i+1]-re.Rune[i] >= maxRunes || len(lits) > maxRunes {
				return anchor{}, false
			}
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				lits = append(lits, string(r))
			}
		}
		if len(lits) == 0 || len(lits) > maxRunes {
			return anchor{}, false
		}
		return anchor{lits: lits}, true
	case syntax.OpCapture:
		return requiredLiterals(re.Sub[0])
	case syntax.OpPlus:
		a, ok := requiredLiterals(re.Sub[0])
		a.before, a.after = -1, -1
		return a, ok
	case syntax.OpRepeat:
		if re.Min < 1 {
			return anchor{}, false
		}
		a, ok := requiredLiterals(re.Sub[0])
		if n, bounded := maxBytes(re.Sub[0]); !bounded || re.Max < 0 {
			a.before, a.after = -1, -1
		} else {
			a.before, a.after = addReach(a.before, n*(re.Max-1)), addReach(a.after, n*(re.Max-1))
		}
		return a, ok
	case syntax.OpAlternate:
		var all anchor
		for _, sub := range re.Sub {
			a, ok := requiredLiterals(sub)
			if !ok {
				return anchor{}, false
			}
			all.lits = append(all.lits, a.lits...)
			all.before, all.after = maxReach(all.before, a.before), maxReach(all.after, a.after)
		}
		return all, true
	case syntax.OpConcat:
		// Adjacent literals concatenate into longer, more selective ones;
		// then the child with the most selective set is required, and the
		// match reaches as far as the children before and after it.
		var best anchor
		bestFrom, bestTo := -1, -1
		consider := func(a anchor, from, to int) {
			if bestFrom < 0 || minLen(a.lits) > minLen(best.lits) {
				best, bestFrom, bestTo = a, from, to
			}
		}
		var run strings.Builder
		runFrom := -1
		flush := func(to int) {
			if run.Len() > 0 {
				consider(anchor{lits: []string{run.String()}}, runFrom, to)
				run.Reset()
			}
		}
		for k, sub := range re.Sub {
			if sub.Op == syntax.OpLiteral && sub.Flags&syntax.FoldCase == 0 {
				if run.Len() == 0 {
					runFrom = k
				}
				run.WriteString(string(sub.Rune))
				continue
			}
			flush(k)
			if a, ok := requiredLiterals(sub); ok {
				consider(a, k, k+1)
			}
		}
		flush(len(re.Sub))
		if bestFrom < 0 {
			return anchor{}, false
		}
		for _, sub := range re.Sub[:bestFrom] {
			n, ok := maxBytes(sub)
			best.before = addReach(best.before, n)
			if !ok {
				best.before = -1
			}
		}
		for _, sub := range re.Sub[bestTo:] {
			n, ok := maxBytes(sub)
			best.after = addReach(best.after, n)
			if !ok {
				best.after = -1
			}
		}
		return best, true
	}
	return anchor{}, false
}

// addReach and maxReach combine reaches, -1 meaning unbounded.
func addReach(a, b int) int {
	if a < 0 || b < 0 {
		return -1
	}
	return a + b
}

func maxReach(a, b int) int {
	if a < 0 || b < 0 {
		return -1
	}
	return max(a, b)
}

func minLen(lits []string) int {
	m := -1
	for _, l := range lits {
		if n := utf8.RuneCountInString(l); m < 0 || n < m {
			m = n
		}
	}
	return m
}

func dedupe(lits []string) []string {
	slices.Sort(lits)
	return slices.Compact(lits)
}

// findPattern returns the matches of p in the compact text, in order.
func (d *document) findPattern(p pattern) []span {
	if p.lits == nil {
		var out []span
		for _, loc := range p.re.FindAllStringIndex(d.compact, -1) {
			out = append(out, span{loc[0], loc[1]})
		}
		return out
	}
	// Windows around every literal hit, clipped to the hit's line and
	// merged where they overlap; the pattern runs on those only. A window
	// starts one rune further back than the pattern reaches, so that a
	// match never starts at a window's first byte unless that is where
	// its line starts: there ^ and (^|[^a-z]) would mistake a cut for a
	// word boundary.
	before := p.before + utf8.UTFMax
	var wins []span
	for _, lit := range p.lits {
		for _, at := range d.occurrences(lit) {
			ln := d.compactLine(at)
			lo, hi := max(d.cline[ln], at-before), min(d.compactLineEnd(ln), at+len(lit)+p.after)
			for lo > d.cline[ln] && !utf8.RuneStart(d.compact[lo]) {
				lo--
			}
			for hi < d.compactLineEnd(ln) && !utf8.RuneStart(d.compact[hi]) {
				hi++
			}
			wins = append(wins, span{lo, hi})
		}
	}
	sortSpans(wins)
	// Merged windows are capped at maxChunk bytes: on a short input Go's
	// regexp runs its backtracker, several times faster than the NFA it
	// uses on long ones, and a dense draft (one 200 KB line full of
	// literals) would otherwise merge into one window the size of the
	// draft. A chunk ends only after a whole window, so every literal
	// hit keeps its reach; matches found again where chunks overlap are
	// dropped.
	const maxChunk = 1024
	var out []span
	lastEnd := -1
	for i := 0; i < len(wins); {
		w := wins[i]
		for i++; i < len(wins) && wins[i].start <= w.end && w.end-w.start < maxChunk; i++ {
			w.end = max(w.end, wins[i].end)
		}
		cut := w.start > 0 && d.compact[w.start-1] != '\n'
		// Most windows hold no match: asking whether one does costs a
		// fraction of collecting matches.
		if !p.re.MatchString(d.compact[w.start:w.end]) {
			continue
		}
		for _, loc := range p.re.FindAllStringIndex(d.compact[w.start:w.end], -1) {
			if cut && loc[0] == 0 {
				continue
			}
			if s := (span{w.start + loc[0], w.start + loc[1]}); s.start >= lastEnd {
				out = append(out, s)
				lastEnd = s.end
			}
		}
	}
	return out
}

// compactLine returns the 0-based line of a compact offset.
func (d *document) compactLine(off int) int {
	return sort.Search(len(d.cline), func(i int) bool { return d.cline[i] > off }) - 1
}

// compactLineEnd returns the compact offset where line ln ends (its
// newline, or the end of the text).
func (d *document) compactLineEnd(ln int) int {
	if ln+1 < len(d.cline) {
		return d.cline[ln+1] - 1
	}
	return len(d.compact)
}
