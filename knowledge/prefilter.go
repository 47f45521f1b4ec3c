package knowledge

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// pattern is a regular expression with a prefilter: literals of which any
// match must contain one. Go's regexp scans every byte with an NFA when a
// pattern has no literal prefix, which for a 20 KB draft and dozens of
// patterns costs milliseconds; finding the literals with strings.Index and
// running the pattern only on the lines that hold them costs microseconds.
type pattern struct {
	re   *regexp.Regexp
	lits []string // nil: no usable literals, scan everything
}

func mustPattern(expr string) pattern {
	p, err := compilePattern(expr)
	if err != nil {
		panic(err)
	}
	return p
}

func compilePattern(expr string) (pattern, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return pattern{}, err
	}
	p := pattern{re: re}
	if tree, err := syntax.Parse(expr, syntax.Perl); err == nil {
		if lits, ok := requiredLiterals(tree.Simplify()); ok && minLen(lits) >= 1 {
			p.lits = dedupe(lits)
		}
	}
	return p, nil
}

// requiredLiterals returns literals of which every match of re contains at
// least one, or false when it cannot tell.
func requiredLiterals(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil, false
		}
		return []string{string(re.Rune)}, true
	case syntax.OpCapture:
		return requiredLiterals(re.Sub[0])
	case syntax.OpPlus:
		return requiredLiterals(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return requiredLiterals(re.Sub[0])
		}
		return nil, false
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			lits, ok := requiredLiterals(sub)
			if !ok {
				return nil, false
			}
			all = append(all, lits...)
		}
		return all, true
	case syntax.OpConcat:
		// Adjacent literals concatenate into longer, more selective ones;
		// then the child with the most selective set is required.
		var best []string
		var run strings.Builder
		consider := func(lits []string) {
			if best == nil || minLen(lits) > minLen(best) {
				best = lits
			}
		}
		for _, sub := range re.Sub {
			if sub.Op == syntax.OpLiteral && sub.Flags&syntax.FoldCase == 0 {
				run.WriteString(string(sub.Rune))
				continue
			}
			if run.Len() > 0 {
				consider([]string{run.String()})
				run.Reset()
			}
			if lits, ok := requiredLiterals(sub); ok {
				consider(lits)
			}
		}
		if run.Len() > 0 {
			consider([]string{run.String()})
		}
		return best, best != nil
	}
	return nil, false
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
	// merged where they overlap; the pattern runs on those only. Patterns
	// in data files and rules reach at most about 20 runes from their
	// literal (an e-mail address, a phone number), well inside the window;
	// proximity over longer spans is what near: terms are for.
	const reach = 96 // bytes on each side, about 32 Hangul syllables
	var wins []span
	for _, lit := range p.lits {
		for _, at := range d.occurrences(lit) {
			ln := d.compactLine(at)
			lo, hi := max(d.cline[ln], at-reach), min(d.compactLineEnd(ln), at+len(lit)+reach)
			for lo > d.cline[ln] && !utf8.RuneStart(d.compact[lo]) {
				lo--
			}
			for hi < d.compactLineEnd(ln) && !utf8.RuneStart(d.compact[hi]) {
				hi++
			}
			wins = append(wins, span{lo, hi})
		}
	}
	sort.Slice(wins, func(i, j int) bool { return wins[i].start < wins[j].start })
	var out []span
	for i := 0; i < len(wins); {
		w := wins[i]
		for i++; i < len(wins) && wins[i].start <= w.end; i++ {
			w.end = max(w.end, wins[i].end)
		}
		for _, loc := range p.re.FindAllStringIndex(d.compact[w.start:w.end], -1) {
			out = append(out, span{w.start + loc[0], w.start + loc[1]})
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
