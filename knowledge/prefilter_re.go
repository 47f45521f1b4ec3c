package knowledge

import (
	"regexp/syntax"
	"strings"
)

// grammarRE is one list of stance.yaml compiled: each pattern with the
// literals one of which any match must contain. Most statements contain
// none of them, so a statement costs a few substring checks, not a run of
// every pattern: the review stays linear and fast on any draft.
type grammarRE struct {
	alts []filteredRE
}

type filteredRE struct {
	re *lazyRegexp // compiled on first use: an ask never runs the review's grammar
	// need lists literals of which every match contains one; nil when
	// the pattern has no such literal (it is always run).
	need []string
	// gid numbers the pattern among all of a grammar's patterns that
	// have literals: its group in the grammar's automaton (see litSet).
	gid int32
}

func newGrammarRE(pats []string) (*grammarRE, error) {
	g := &grammarRE{}
	for _, p := range pats {
		// Parsed now (a syntax error is found at load), compiled on first use.
		tree, err := syntax.Parse(p, syntax.Perl)
		if err != nil {
			return nil, err
		}
		f := filteredRE{re: &lazyRegexp{expr: p}}
		if lits, ok := required(tree.Simplify()); ok && len(lits) > 0 {
			f.need = lits
		}
		g.alts = append(g.alts, f)
	}
	return g, nil
}

// MatchString reports whether any pattern of the list matches s.
func (g *grammarRE) MatchString(s string) bool {
	for _, a := range g.alts {
		if a.need != nil && !containsOne(s, a.need) {
			continue
		}
		if a.re.MatchString(s) {
			return true
		}
	}
	return false
}

// in is MatchString for s a part of a statement whose literals were
// found once, in one pass, by the grammar's automaton (fs).
func (g *grammarRE) in(s string, fs *litSet) bool {
	if fs == nil {
		return g.MatchString(s)
	}
	for _, a := range g.alts {
		if a.need != nil && !fs.found[a.gid] {
			continue
		}
		if a.re.MatchString(s) {
			return true
		}
	}
	return false
}

// litSet is which patterns' literals a statement holds, found in one
// Aho–Corasick pass over it instead of a substring search per literal.
type litSet struct{ found []bool }

// literalIndex numbers the patterns of the lists that have literals and
// builds one automaton over all their literals.
type literalIndex struct {
	ac *acAutomaton
	n  int
}

func newLiteralIndex(lists ...*grammarRE) *literalIndex {
	b := newACBuilder()
	n := 0
	for _, l := range lists {
		for i := range l.alts {
			if l.alts[i].need == nil {
				continue
			}
			l.alts[i].gid = int32(n)
			for _, lit := range l.alts[i].need {
				b.add(lit, n)
			}
			n++
		}
	}
	return &literalIndex{ac: b.build(), n: n}
}

// scan returns the literal set of s.
func (x *literalIndex) scan(s string) *litSet {
	fs := &litSet{found: make([]bool, x.n)}
	x.ac.scan(s, fs.found)
	return fs
}

// ReplaceAllString replaces, pattern by pattern, every match in s.
func (g *grammarRE) ReplaceAllString(s, repl string) string {
	for _, a := range g.alts {
		if a.need != nil && !containsOne(s, a.need) {
			continue
		}
		s = a.re.ReplaceAllString(s, repl)
	}
	return s
}

// lastEnd returns the end of the last match of any pattern in s, or -1.
func (g *grammarRE) lastEnd(s string) int {
	end := -1
	for _, a := range g.alts {
		if a.need != nil && !containsOne(s, a.need) {
			continue
		}
		if locs := a.re.FindAllStringIndex(s, -1); len(locs) > 0 {
			end = max(end, locs[len(locs)-1][1])
		}
	}
	return end
}

func containsOne(s string, lits []string) bool {
	for _, l := range lits {
		if strings.Contains(s, l) {
			return true
		}
	}
	return false
}

// maxNeed bounds how many literals a requirement may list before it is
// not worth checking.
const maxNeed = 48

// required returns literals of which every match of re contains at least
// one, and whether there are such literals: a concatenation requires what
// its most selective part requires, an alternation what each of its
// branches does, a literal itself.
func required(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil, false
		}
		return []string{string(re.Rune)}, true
	case syntax.OpCapture:
		return required(re.Sub[0])
	case syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
		return nil, false
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			lits, ok := required(sub)
			if !ok {
				return nil, false
			}
			out = append(out, lits...)
		}
		if len(out) > maxNeed {
			return nil, false
		}
		return out, true
	case syntax.OpConcat:
		// Adjacent literals join into longer, more selective ones.
		var best []string
		score := func(ls []string) int {
			m := 1 << 30
			for _, l := range ls {
				m = min(m, len(l))
			}
			return m*4 - len(ls)
		}
		for _, sub := range re.Sub {
			lits, ok := required(sub)
			if !ok {
				continue
			}
			if best == nil || score(lits) > score(best) {
				best = lits
			}
		}
		return best, best != nil
	}
	return nil, false
}
