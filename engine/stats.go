package engine

import (
	"context"

	"github.com/selfcheck/selfcheck/knowledge"
)

// StatsRecorder keeps counts of what the engine answered and reviewed,
// for support staff (package stats, adapted in main). Its methods must
// return at once; an error is logged and never fails an answer.
type StatsRecorder interface {
	RecordAsk(ctx context.Context, ev AskEvent) error
	RecordReview(ctx context.Context, ev ReviewEvent) error
	RecordFeedback(ctx context.Context, ev FeedbackEvent) error
}

// Outcomes of a question in an AskEvent.
const (
	OutcomeAnswered   = "answered"
	OutcomeWeak       = "weak"
	OutcomeUnanswered = "unanswered"
)

// Kinds of answer (Answer.Kind).
const (
	KindCanned     = "canned"      // led by a staff-verified canned answer
	KindModel      = "model"       // written (in part) by the model
	KindGuidance   = "guidance"    // composed from the guidance
	KindNoMatch    = "no_match"    // nothing in the checklist matched
	KindNoGuidance = "no_guidance" // the item is numbered but has no guidance yet
)

// WeakScore is the retrieval score under which a question routed without
// an item number counts as weakly routed. Measured on the routing tests'
// questions: those routed to the right item scored 0.082 to 0.36 for
// their best source, questions about something else that still got an
// item (prices, refunds, the CEO's name) 0.078 to 0.133. Under 0.10 the
// route is more guess than match, and staff should see the question.
const WeakScore = 0.10

// AskEvent is what the statistics keep of a question: where it went, and
// its masked text only when it went nowhere or only weakly.
type AskEvent struct {
	Item    string
	Kind    string
	Outcome string
	// Masked is the question masked with knowledge.Redact, set only for
	// weak and unanswered questions.
	Masked string
}

// ReviewEvent is what the statistics keep of a review: the item and each
// element's status, never the draft.
type ReviewEvent struct {
	Item     string
	Elements map[string]string // element ID → status
}

// FeedbackEvent is one 👍 or 👎 on an answer. Changed says the same
// person's opposite vote on that answer is withdrawn.
type FeedbackEvent struct {
	Item    string // the answer's Item
	Kind    string // the answer's Kind()
	Helpful bool
	Changed bool
}

// Kind says what kind of answer a is (KindCanned, KindModel …), for
// feedback per kind of answer.
func (a Answer) Kind() string {
	switch {
	case a.Canned != nil:
		return KindCanned
	case !a.Known && a.Item == "":
		return KindNoMatch
	case !a.Known:
		return KindNoGuidance
	case a.LLM:
		return KindModel
	}
	return KindGuidance
}

// RecordFeedback counts a vote on an answer (the bot calls it on a 👍/👎
// click). It never fails: statistics off or broken are logged, by IDs.
func (e *Engine) RecordFeedback(ctx context.Context, ev FeedbackEvent) {
	if e.stats == nil {
		return
	}
	if err := e.stats.RecordFeedback(ctx, ev); err != nil {
		e.log.Warn("feedback not counted", "item", ev.Item, "kind", ev.Kind, "err", err)
	}
}

// recordAsk counts an answered question. Only weak and unanswered
// questions carry their text, masked: they are what staff turn into
// canned answers.
func (e *Engine) recordAsk(ctx context.Context, question string, a Answer) {
	if e.stats == nil {
		return
	}
	ev := AskEvent{Item: a.Item, Kind: a.Kind(), Outcome: OutcomeAnswered}
	switch {
	case !a.Known:
		ev.Outcome = OutcomeUnanswered
	case a.Canned == nil && a.Item != "" && knowledge.FindItemRef(question) == "" && topScore(a.Sources) < WeakScore:
		ev.Outcome = OutcomeWeak
	}
	if ev.Outcome != OutcomeAnswered {
		ev.Masked = knowledge.Redact(knowledge.Normalize(question))
	}
	if err := e.stats.RecordAsk(ctx, ev); err != nil {
		e.log.Warn("question not counted", "item", ev.Item, "outcome", ev.Outcome, "bytes", len(question), "err", err)
	}
}

func topScore(srcs []Source) float64 {
	best := 0.0
	for _, s := range srcs {
		best = max(best, s.Score)
	}
	return best
}

// recordReview counts a review's element statuses.
func (e *Engine) recordReview(ctx context.Context, rep knowledge.Report) {
	if e.stats == nil {
		return
	}
	ev := ReviewEvent{Item: rep.Item, Elements: make(map[string]string, len(rep.Elements))}
	for _, el := range rep.Elements {
		ev.Elements[el.ID] = string(el.Status)
	}
	if err := e.stats.RecordReview(ctx, ev); err != nil {
		e.log.Warn("review not counted", "item", rep.Item, "elements", len(rep.Elements), "err", err)
	}
}
