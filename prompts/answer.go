package prompts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/selfcheck/selfcheck/knowledge"
)

// Limits on what an answer prompt carries besides the question.
const (
	// MaxSources is the number of sources sent with a question; the rest
	// are dropped, so the numbers [1]…[MaxSources] keep matching the
	// caller's list.
	MaxSources = 8
	// maxSourceRunes bounds the text of one source.
	maxSourceRunes = 2000
	// maxQuestionRunes bounds the question.
	maxQuestionRunes = 2000
)

// Source is one knowledge entry given to the model with a question. The
// caller numbers nothing: the n-th source is cited as [n].
type Source struct {
	Kind  string // guidance, element, example, classification, usage, about
	Title string
	Item  string // checklist item ("1.2"), empty for general entries
	Text  string
}

// AnswerRequest is a question with the sources to answer it from.
type AnswerRequest struct {
	Question string
	Sources  []Source
}

// AnswerResult is the model's answer. Text cites sources as [n].
type AnswerResult struct {
	Text string
	// PromptVersion names the system and user templates used
	// ("answer-system-v1/answer-v1").
	PromptVersion string
}

// Answer asks the model to answer req.Question from req.Sources only. The
// question and sources are masked with knowledge.Redact before they are
// sent. On a nil Client it returns ErrDisabled; when the pool is full,
// ErrBusy.
func (c *Client) Answer(ctx context.Context, req AnswerRequest) (AnswerResult, error) {
	return c.answer(ctx, req, nil)
}

// answer is Answer, streamed to onDelta when it is not nil.
func (c *Client) answer(ctx context.Context, req AnswerRequest, onDelta func(string)) (AnswerResult, error) {
	if c == nil {
		return AnswerResult{}, ErrDisabled
	}
	version := promptVersion(c.tmpl.AnswerSystem, c.tmpl.AnswerUser)
	res := AnswerResult{PromptVersion: version}
	if strings.TrimSpace(req.Question) == "" {
		return res, errors.New("answer: empty question")
	}
	sys, usr, err := renderPair(c.tmpl.AnswerSystem, c.tmpl.AnswerUser, prepareAnswer(req))
	if err != nil {
		return res, fmt.Errorf("answer: %w", err)
	}
	text, err := c.complete(ctx, call{
		op:          "answer",
		version:     version,
		system:      sys,
		user:        usr,
		temperature: 0.2,
		onDelta:     onDelta,
	})
	if err != nil {
		return res, fmt.Errorf("answer: %w", err)
	}
	res.Text = strings.TrimSpace(text)
	if res.Text == "" {
		return res, errors.New("answer: model returned an empty answer")
	}
	return res, nil
}

// prepareAnswer masks and bounds everything the answer prompt carries.
func prepareAnswer(req AnswerRequest) answerData {
	d := answerData{Question: mask(req.Question, maxQuestionRunes)}
	for i, s := range req.Sources {
		if i == MaxSources {
			break
		}
		d.Sources = append(d.Sources, answerSource{
			N:     i + 1,
			Kind:  mask(s.Kind, 40),
			Title: mask(s.Title, 200),
			Item:  mask(s.Item, 20),
			Text:  mask(s.Text, maxSourceRunes),
		})
	}
	return d
}

// mask normalises s, masks personal data in it with knowledge.Redact and
// cuts it to at most limit runes (0: no limit). Every text that leaves
// the process goes through it.
func mask(s string, limit int) string {
	s = strings.TrimSpace(knowledge.Redact(knowledge.Normalize(s)))
	return truncateRunes(s, limit)
}

// truncateRunes cuts s to at most limit runes, marking the cut with "…".
func truncateRunes(s string, limit int) string {
	if limit <= 0 || utf8.RuneCountInString(s) <= limit {
		return s
	}
	r := []rune(s)
	return string(r[:limit-1]) + "…"
}
