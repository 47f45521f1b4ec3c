package knowledge

import (
	"sort"
	"strings"
	"unicode"
)

// Expander adds to a text the canonical word of every synonym group the
// text uses another word of, so that paraphrases and English questions
// meet the Korean guidance in retrieval. Build it with Checklist.Expander.
//
// Every variant of every group is a key of one of two Aho–Corasick
// automata (Korean variants over the compact text, English ones over the
// spaced words), so expanding costs one pass over each form of the text
// whatever the number of synonyms: embedding thousands of canned answers
// used to spend most of its time in one strings.Contains per variant.
type Expander struct {
	canonical []string
	always    []bool       // a group with an empty variant, which every text contains
	hangul    *acAutomaton // compact variants, matched anywhere
	ascii     *acAutomaton // " word word " variants, matched on word boundaries
}

// Expander returns the synonym expander of the knowledge base.
func (c *Checklist) Expander() *Expander {
	x := &Expander{}
	hangul, ascii := newACBuilder(), newACBuilder()
	for gi, g := range c.Synonyms {
		x.canonical = append(x.canonical, g[0])
		x.always = append(x.always, false)
		for _, w := range g {
			w = strings.ToLower(Normalize(w))
			if isASCIIText(w) {
				v := " " + strings.Join(words(w), " ") + " "
				ascii.add(v, gi)
				// plural or third person: "drills", "passwords"
				ascii.add(strings.TrimSuffix(v, " ")+"s ", gi)
			} else if v := Compact(w); v == "" {
				x.always[gi] = true
			} else {
				hangul.add(v, gi)
			}
		}
	}
	x.hangul, x.ascii = hangul.build(), ascii.build()
	return x
}

// Expand returns text followed by the canonical words of the synonym
// groups it uses.
func (x *Expander) Expand(text string) string {
	text = Normalize(text)
	compact := Compact(text)
	spaced := " " + strings.Join(words(strings.ToLower(text)), " ") + " "
	found := make([]bool, len(x.canonical))
	copy(found, x.always)
	x.hangul.scan(compact, found)
	x.ascii.scan(spaced, found)
	var extra []string
	for gi, ok := range found {
		if ok {
			extra = append(extra, x.canonical[gi])
		}
	}
	if len(extra) == 0 {
		return text
	}
	return text + "\n" + strings.Join(extra, " ")
}

// words splits text into runs of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != ':' && r != '&' })
}

func isASCIIText(s string) bool {
	for _, r := range s {
		if r >= unicode.MaxASCII {
			return false
		}
	}
	return true
}

// acAutomaton is a byte-level Aho–Corasick automaton whose keys map to
// synonym groups. Edges are kept sorted per state (a few thousand states
// for the synonym list) rather than in a 256-wide table per state, which
// would take megabytes for no measurable gain.
type acAutomaton struct {
	states []acState
	root   [256]int32 // the root's edges as a table: most bytes of a text restart there
}

type acState struct {
	bytes []byte  // sorted edge labels
	next  []int32 // edge targets, parallel to bytes
	fail  int32
	out   []int32 // groups of every key ending here, suffixes included
}

func (a *acAutomaton) child(s int32, b byte) int32 {
	st := &a.states[s]
	for i, c := range st.bytes { // one or two edges for all but a few states
		if c == b {
			return st.next[i]
		}
		if c > b {
			break
		}
	}
	return -1
}

// scan marks found[g] for every group g with a key occurring in text.
func (a *acAutomaton) scan(text string, found []bool) {
	var s int32
	for i := 0; i < len(text); i++ {
		b := text[i]
		for s != 0 {
			if n := a.child(s, b); n >= 0 {
				s = n
				break
			}
			s = a.states[s].fail
		}
		if s == 0 {
			s = a.root[b]
		}
		for _, g := range a.states[s].out {
			found[g] = true
		}
	}
}

type acBuilder struct{ a *acAutomaton }

func newACBuilder() *acBuilder {
	return &acBuilder{a: &acAutomaton{states: []acState{{}}}}
}

func (bl *acBuilder) add(key string, group int) {
	a := bl.a
	var s int32
	for i := 0; i < len(key); i++ {
		n := a.child(s, key[i])
		if n < 0 {
			n = int32(len(a.states))
			a.states = append(a.states, acState{})
			st := &a.states[s]
			j := sort.Search(len(st.bytes), func(j int) bool { return st.bytes[j] >= key[i] })
			st.bytes = append(st.bytes, 0)
			copy(st.bytes[j+1:], st.bytes[j:])
			st.bytes[j] = key[i]
			st.next = append(st.next, 0)
			copy(st.next[j+1:], st.next[j:])
			st.next[j] = n
		}
		s = n
	}
	a.states[s].out = appendGroup(a.states[s].out, int32(group))
}

// build computes the failure links breadth first and merges the outputs
// of each state's failure chain into it, so a scan never walks the chain
// to report matches.
func (bl *acBuilder) build() *acAutomaton {
	a := bl.a
	for i, b := range a.states[0].bytes {
		a.root[b] = a.states[0].next[i]
	}
	queue := []int32{}
	for _, n := range a.states[0].next {
		a.states[n].fail = 0
		queue = append(queue, n)
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for i, b := range a.states[s].bytes {
			n := a.states[s].next[i]
			f := a.states[s].fail
			for {
				if c := a.child(f, b); c >= 0 {
					a.states[n].fail = c
					break
				}
				if f == 0 {
					a.states[n].fail = 0
					break
				}
				f = a.states[f].fail
			}
			for _, g := range a.states[a.states[n].fail].out {
				a.states[n].out = appendGroup(a.states[n].out, g)
			}
			queue = append(queue, n)
		}
	}
	return a
}

func appendGroup(out []int32, g int32) []int32 {
	for _, o := range out {
		if o == g {
			return out
		}
	}
	return append(out, g)
}
