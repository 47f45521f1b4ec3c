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
	// reach is how far (in bytes) a match may run on either side of its
	// literal: the pattern's longest match, or windowReach when it has
	// none (a pattern with + or *).
	reach int
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
	re, err := regexp.Compile(expr)
	if err != nil {
		return pattern{}, err
	}
	p := pattern{re: re, reach: windowReach}
	if tree, err := syntax.Parse(expr, syntax.Perl); err == nil {
		tree = tree.Simplify()
		if lits, ok := requiredLiterals(tree); ok && minLen(lits) >= 1 {
			p.lits = dedupe(lits)
		}
		if n, ok := maxBytes(tree); ok && n < windowReach {
			p.reach = n
		}
	}
	return p, nil
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
	// merged where they overlap; the pattern runs on those only. A window
	// starts one rune further back than the pattern reaches, so that a
	// match never starts at a window's first byte unless that is where
	// its line starts: there ^ and (^|[^a-z]) would mistake a cut for a
	// word boundary.
	reach := p.reach + utf8.UTFMax
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
