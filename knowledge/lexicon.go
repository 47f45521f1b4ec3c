package knowledge

import (
	"fmt"
	"slices"
	"strings"
)

// lexicon holds the concepts of concepts.yaml: named lists of the ways
// applicants say one thing (notifying, a unit of an organisation, a
// contact, a weak algorithm …), in Korean and English. Elements, rules and
// routing refer to a concept as @name, so that a new wording is added once,
// in one data file, and every element built on the concept reads it.
type lexicon struct {
	raw      map[string][]string
	compiled map[string][]term
	// active guards against a concept that refers to itself.
	active map[string]bool
}

func newLexicon(raw map[string][]string) *lexicon {
	return &lexicon{raw: raw, compiled: map[string][]term{}, active: map[string]bool{}}
}

// concept returns the compiled terms of a concept.
func (l *lexicon) concept(name string) ([]term, error) {
	if l == nil {
		return nil, fmt.Errorf("@%s: no concepts are loaded here", name)
	}
	if ts, ok := l.compiled[name]; ok {
		return ts, nil
	}
	raw, ok := l.raw[name]
	if !ok {
		return nil, fmt.Errorf("unknown concept @%s (concepts.yaml has %s)", name, strings.Join(l.names(), ", "))
	}
	if l.active[name] {
		return nil, fmt.Errorf("concept @%s refers to itself", name)
	}
	l.active[name] = true
	defer delete(l.active, name)
	ts, cerr := compileTerms("", raw, l)
	if cerr != nil {
		return nil, fmt.Errorf("concept @%s: %w", name, cerr.err)
	}
	l.compiled[name] = ts
	return ts, nil
}

func (l *lexicon) names() []string {
	out := make([]string, 0, len(l.raw))
	for k := range l.raw {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// mustConcept returns a concept the review's own rules need; loading
// checks them all first (see ruleConcepts), so a miss is a programming
// error.
func (l *lexicon) mustConcept(name string) []term {
	ts, err := l.concept(name)
	if err != nil {
		panic(err)
	}
	return ts
}

// Uses reports whether text uses the concept (any of its terms): how the
// engine reads what a follow-up asks for ("예시도 보여줘" uses
// @examples_request). An unknown concept is never used.
func (c *Checklist) Uses(concept, text string) bool {
	ts, err := c.lex.concept(concept)
	if err != nil {
		return false
	}
	d := newDocument(Normalize(text))
	return len(d.findAny(ts)) > 0
}
