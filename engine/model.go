package engine

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/prompts"
)

// Model is what the engine needs from a language model: an answer to a
// question from numbered sources, and a review of a draft whose findings
// are claims for knowledge.MergeModel to check. *prompts.Client implements
// it.
type Model interface {
	Answer(ctx context.Context, req prompts.AnswerRequest) (prompts.AnswerResult, error)
	Review(ctx context.Context, req prompts.ReviewRequest) (prompts.ReviewResult, error)
}

// The codes of the notices (messages.yaml, labels) shown when the model
// could not help. They say what the user gets instead and never carry the
// error itself, which may echo a server's answer.
const (
	noticeAnswerBusy    = "answer_model_busy"
	noticeAnswerFailed  = "answer_model_failed"
	noticeReviewBusy    = "review_model_busy"
	noticeReviewFailed  = "review_model_failed"
	noticeReviewTrimmed = "review_model_trimmed"
)

// WithUser returns a context whose model calls count for user (a Slack
// member ID): the model client serves waiting users in turn and gives each
// at most a share of its queue, so one user's burst cannot starve the
// others. Without it, calls share one turn.
func WithUser(ctx context.Context, user string) context.Context {
	return prompts.WithUser(ctx, user)
}

// WithQueueWait returns a context whose model calls know that the request
// already waited d for a worker: the model's timeout counts from when it
// entered that queue, and past it the review or answer goes out without
// the model, with a notice, at once.
func WithQueueWait(ctx context.Context, d time.Duration) context.Context {
	return prompts.WithQueueWait(ctx, d)
}

// modelOff reports whether m is no model at all: nil, or a nil
// *prompts.Client, which prompts.New returns when no model is configured
// and which, stored in the interface, would not compare equal to nil.
func modelOff(m Model) bool {
	if m == nil {
		return true
	}
	c, ok := m.(*prompts.Client)
	return ok && c == nil
}

// answerWithModel lets the model write a grounded answer from the sources
// the engine retrieved. Only answers the engine could ground are sent:
// "no guidance yet" and "no match" answers stay as they are, so the model
// never invents guidance for an item the knowledge base lacks. When the
// model fails, the deterministic answer stands with a notice; only the
// caller's cancellation is an error.
func (e *Engine) answerWithModel(ctx context.Context, q string, ans Answer, l lang) (Answer, error) {
	if e.model == nil || !ans.Known || len(ans.Sources) == 0 {
		return ans, nil
	}
	req := prompts.AnswerRequest{Question: q, Sources: make([]prompts.Source, 0, len(ans.Sources))}
	for _, s := range ans.Sources {
		req.Sources = append(req.Sources, prompts.Source{Kind: s.Kind, Title: s.Title, Item: s.Item, Text: s.Text})
	}
	res, err := e.modelAnswer(ctx, req)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return ans, cerr
		}
		if e.fallback(ctx, "answer", ans.Item, err) {
			ans.Notices = append(ans.Notices, e.answerNotice(err, l))
		}
		return ans, nil
	}
	// The model's text is one paragraph, as it wrote it. It may leave out
	// elements; "what must ITEM include?" has to name them all, so the
	// deterministic list follows its text.
	ans.Parts = []Part{paragraph(res.Text)}
	if it, ok := e.kb.Item(ans.Item); ok && len(it.Elements) > 0 {
		ans.Parts = append(ans.Parts, e.elementSummary(it, l)...)
	}
	ans.LLM, ans.Model.Used = true, true
	return ans, nil
}

// elementSummary lists an item's required elements and evidence
// documents in a few lines.
func (e *Engine) elementSummary(it *knowledge.Item, l lang) []Part {
	var elements []Entry
	for _, el := range it.Elements {
		label := el.Label
		if l == langEnglish && el.LabelEN != "" {
			label = el.LabelEN
		}
		elements = append(elements, Entry{Term: el.ID + " " + label})
	}
	parts := []Part{heading(e.label("required_elements", l, "item", it.ID)), list(elements...)}
	if len(it.EvidenceDocuments) > 0 {
		parts = append(parts, labelled(e.label("evidence_documents", l), strings.Join(it.EvidenceDocuments, ", ")))
	}
	return parts
}

// reviewWithModel asks the model for its view of a draft and folds it into
// the deterministic report det, which stays authoritative: the model can
// only upgrade an element with a quote that is really in the draft. A
// draft carrying instructions for the model is not sent at all. When the
// model fails, det stands with a notice; only the caller's cancellation is
// an error.
func (e *Engine) reviewWithModel(ctx context.Context, dr *knowledge.Draft, det knowledge.Report) (knowledge.Report, error) {
	it, ok := e.kb.Item(det.Item)
	if !ok {
		return det, nil
	}
	// Only the item's own section of a pasted form goes to the model and
	// backs its quotes.
	part := e.kb.Part(it.ID, dr)
	injections := knowledge.DetectInjection(part.Text())
	if det.Instructed && len(injections) == 0 {
		// A statement tells whoever reviews the draft how to judge it
		// (in any language the review reads): the model is not asked.
		injections = []string{"검토 방법을 지시하는 문장 (an instruction to the reviewer)"}
	}
	if len(injections) > 0 {
		// MergeModel would discard the findings anyway; not asking spares
		// the call and keeps planted instructions away from the model.
		// Given the injections and no findings, MergeModel writes the one
		// notice that says so.
		e.log.LogAttrs(ctx, slog.LevelInfo, "model review skipped",
			slog.String("item", it.ID), slog.String("reason", "injection"), slog.Int("kinds", len(injections)))
		return knowledge.MergeModelDraft(det, part, nil, injections), nil
	}
	if err := ctx.Err(); err != nil {
		return det, err
	}
	res, err := e.model.Review(ctx, reviewRequest(it, det, e.kb.ExamplesFor(it.ID), part.Body()))
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return det, cerr
		}
		if e.fallback(ctx, "review", it.ID, err) {
			det.Notices = append(det.Notices, e.reviewNotice(err))
		}
		return det, nil
	}
	rep := knowledge.MergeModelDraft(det, part, res.Elements, nil)
	if res.Trimmed {
		rep.Notices = append(rep.Notices, e.label(noticeReviewTrimmed, langKorean))
	}
	return rep, nil
}

// reviewRequest describes the item, the deterministic verdicts and a few
// example passages for the model. The prompts package masks and bounds
// every field before it is sent.
func reviewRequest(it *knowledge.Item, det knowledge.Report, examples []knowledge.Example, draft string) prompts.ReviewRequest {
	req := prompts.ReviewRequest{
		ItemID:   it.ID,
		Title:    it.Title,
		Criteria: strings.TrimSpace(it.Criteria),
		Elements: make([]prompts.ReviewElement, 0, len(it.Elements)),
		Draft:    draft,
	}
	for _, el := range it.Elements {
		re := prompts.ReviewElement{ID: el.ID, Label: el.Label, Description: el.Description}
		if r, ok := det.Element(el.ID); ok {
			re.Status, re.Evidence = string(r.Status), r.Evidence
		}
		req.Elements = append(req.Elements, re)
	}
	for _, ex := range examples {
		if len(req.Examples) == prompts.MaxExamples {
			break
		}
		if t := strings.TrimSpace(ex.Text); t != "" {
			req.Examples = append(req.Examples, t)
		}
	}
	return req
}

// fallback logs why the model's answer is not used, once per request and
// without any user text, and reports whether the user should be told: a
// disabled model is simply off.
func (e *Engine) fallback(ctx context.Context, op, item string, err error) bool {
	if errors.Is(err, prompts.ErrDisabled) {
		return false
	}
	e.log.LogAttrs(ctx, slog.LevelWarn, "model fallback",
		slog.String("op", op), slog.String("item", item), slog.String("reason", fallbackReason(err)))
	return true
}

// fallbackReason names a model error for the log without its message.
func fallbackReason(err error) string {
	switch {
	case errors.Is(err, prompts.ErrBusy):
		return "busy"
	case errors.Is(err, prompts.ErrTimeout):
		return "timeout"
	case errors.Is(err, prompts.ErrRedirect):
		return "redirect" // OPENAI_BASE_URL must name the final address
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline"
	}
	return "error"
}

// answerNotice says, in the question's language, that the built-in answer
// is shown.
func (e *Engine) answerNotice(err error, l lang) string {
	if errors.Is(err, prompts.ErrBusy) {
		return e.label(noticeAnswerBusy, l)
	}
	return e.label(noticeAnswerFailed, l)
}

// reviewNotice says that only the deterministic review is shown.
// Reviews are in Korean, as their notes are.
func (e *Engine) reviewNotice(err error) string {
	if errors.Is(err, prompts.ErrBusy) {
		return e.label(noticeReviewBusy, langKorean)
	}
	return e.label(noticeReviewFailed, langKorean)
}
