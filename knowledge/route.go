package knowledge

import (
	"regexp"
	"sort"
	"strings"
)

// routeEntry is one thing a question about an item may speak of: a
// concept or a term of the route_<item> concepts, counted once.
type routeEntry struct {
	terms  []term
	weight float64
}

// router scores questions against items by the concepts they use, the
// same concepts the review reads drafts with.
type router struct {
	entries map[string][]routeEntry // item ID ("1.3", "I") → entries
	// articles maps an article of law ("48조의3", "17조") to the items
	// whose legal references name it.
	articles map[string][]string
}

// reArticle finds an article of law: "제48조의3", "48조의 4", "17조".
var reArticle = regexp.MustCompile(`제?\s?(\d+)\s?조(?:\s?의\s?(\d+))?`)

func articleKey(m []string) string {
	if m[2] != "" {
		return m[1] + "조의" + m[2]
	}
	return m[1] + "조"
}

func newRouter(lex *lexicon, items []*Item) (*router, error) {
	r := &router{entries: map[string][]routeEntry{}, articles: map[string][]string{}}
	for _, name := range lex.names() {
		item, ok := strings.CutPrefix(name, "route_")
		if !ok {
			continue
		}
		for _, raw := range lex.raw[name] {
			w := 1.0
			if rest, half := strings.CutPrefix(raw, "~"); half {
				raw, w = rest, 0.5
			}
			ts, cerr := compileTerms(name, []string{raw}, lex)
			if cerr != nil {
				return nil, cerr.err
			}
			r.entries[item] = append(r.entries[item], routeEntry{terms: ts, weight: w})
		}
	}
	for _, it := range items {
		for _, ref := range it.LegalReferences {
			for _, m := range reArticle.FindAllStringSubmatch(ref, -1) {
				k := articleKey(m)
				r.articles[k] = append(r.articles[k], it.ID)
			}
		}
	}
	return r, nil
}

// RouteHints is what the knowledge base reads in a question before any
// retrieval: the item whose legal references name an article the question
// cites (LegalItem), and for every item how much of what it is about the
// question speaks of (Scores, 1 for each concept used).
type RouteHints struct {
	LegalItem string
	Scores    map[string]float64
}

// Best returns the item with the highest score and that score; ties
// go to the item listed first in checklist order.
func (h RouteHints) Best() (string, float64) {
	keys := make([]string, 0, len(h.Scores))
	for k := range h.Scores {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return compareItemIDs(keys[i], keys[j]) < 0 })
	best, score := "", 0.0
	for _, k := range keys {
		if h.Scores[k] > score {
			best, score = k, h.Scores[k]
		}
	}
	return best, score
}

// Route reads a question's concepts and cited articles.
func (c *Checklist) Route(question string) RouteHints {
	h := RouteHints{Scores: map[string]float64{}}
	text := Normalize(question)
	for _, m := range reArticle.FindAllStringSubmatch(text, -1) {
		if items := c.router.articles[articleKey(m)]; len(items) > 0 && h.LegalItem == "" {
			h.LegalItem = items[0]
		}
	}
	d := newDocument(text)
	for item, entries := range c.router.entries {
		for _, e := range entries {
			if len(d.findAny(e.terms)) > 0 {
				h.Scores[item] += e.weight
			}
		}
	}
	return h
}

// Focus returns what of an item a question is about, by the topics of
// its rules and elements: the rule or the element whose topic the
// question uses most, or "" for either when none or several tie.
func (c *Checklist) Focus(itemID, question string) (ruleID, elementID string) {
	it, ok := c.Item(itemID)
	if !ok {
		return "", ""
	}
	d := newDocument(Normalize(question))
	count := func(ts []term) int {
		n := 0
		for _, t := range ts {
			if len(d.find(t)) > 0 {
				n++
			}
		}
		return n
	}
	for _, r := range it.Rules {
		if count(r.topic) > 0 {
			return r.ID, ""
		}
	}
	best, bestN, tie := "", 0, false
	for _, e := range it.Elements {
		switch n := count(e.matcher.topic); {
		case n > bestN:
			best, bestN, tie = e.ID, n, false
		case n == bestN && n > 0:
			tie = true
		}
	}
	if tie {
		return "", ""
	}
	return "", best
}

// CitedReferences returns the legal references of an item whose articles
// the question cites ("48조의3" → "정보통신망법 제48조의3(침해사고의 신고)").
func (c *Checklist) CitedReferences(itemID, question string) []string {
	it, ok := c.Item(itemID)
	if !ok {
		return nil
	}
	cited := map[string]bool{}
	for _, m := range reArticle.FindAllStringSubmatch(Normalize(question), -1) {
		cited[articleKey(m)] = true
	}
	var out []string
	for _, ref := range it.LegalReferences {
		for _, m := range reArticle.FindAllStringSubmatch(ref, -1) {
			if cited[articleKey(m)] {
				out = append(out, ref)
				break
			}
		}
	}
	return out
}
