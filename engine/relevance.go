package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/selfcheck/selfcheck/knowledge"
)

// Relevance is how much a message seems to be about the checklist,
// judged without a model and without counting it as a question: the
// help channel's bot reads every message and answers only those that are.
type Relevance struct {
	// Item is the item the message is routed to ("" for none or the
	// review in general).
	Item string `json:"item,omitempty"`
	// Canned names the canned answer that matches it closely, if any.
	Canned string `json:"canned,omitempty"`
	// Topic says retrieval or the lexicon found it related to the
	// checklist at all.
	Topic bool `json:"topic"`
	// Strong says it is about the checklist even without the shape of a
	// question: a canned answer matches, it names an item the knowledge
	// base has, or it uses strongRouteScore concepts of one item.
	Strong bool `json:"strong"`
}

// strongRouteScore is how many concepts of one item (the lexicon's route
// score) make a message clearly about that item.
const strongRouteScore = 2

// Relevance judges text as the help channel needs: no model call, no
// statistics, no user named. An empty or overlong text is not relevant.
func (e *Engine) Relevance(ctx context.Context, text string) (Relevance, error) {
	q := strings.TrimSpace(knowledge.Normalize(text))
	if q == "" || len(q) > MaxQuestionBytes {
		return Relevance{}, nil
	}
	var r Relevance
	ref := knowledge.FindItemRef(q)
	hints := e.kb.Route(q)
	if ref == "" {
		ref = hints.LegalItem
	}
	if _, ok := e.kb.Item(ref); ok && ref != "" {
		r.Item, r.Topic, r.Strong = ref, true, true
	}
	if best, s := hints.Best(); s >= strongRouteScore {
		r.Item, r.Topic, r.Strong = best, true, true
	}
	if !r.Topic {
		hits, err := e.search(ctx, q, 12)
		if err != nil {
			return Relevance{}, fmt.Errorf("relevance: %w", err)
		}
		item, t := route(hits, "", e.minScore, hints)
		r.Item, r.Topic = item, t != topicNone
	}
	if e.canned != nil {
		if ref, ok := e.canned.match(ctx, q); ok {
			r.Canned, r.Topic, r.Strong = ref.Name, true, true
		}
	}
	return r, nil
}
