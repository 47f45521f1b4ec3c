package engine

import (
	"context"

	"github.com/selfcheck/selfcheck/prompts"
)

// StreamModel is a Model that can also hand out an answer's text as it is
// written. *prompts.Client implements it; a Model without it answers
// whole, and AskStream then passes nothing on.
type StreamModel interface {
	AnswerStream(ctx context.Context, req prompts.AnswerRequest, onDelta func(string)) (prompts.AnswerResult, error)
}

// deltaKey is the context key of the function that receives a streamed
// answer's text. It lives in the context only for the length of one
// AskStream, so that Ask and AskInThread need no second signature.
type deltaKey struct{}

// AskStream is Ask with the model's text passed to onDelta as the model
// writes it: only when the model is on and the question is grounded (the
// answers the model writes at all), never its reasoning, and the pieces
// join up to the model's part of the answer. Otherwise onDelta gets
// nothing. The Answer returned is exactly what Ask returns for the same
// completion: the deterministic list of elements after the model's text,
// a canned answer first, sources, notices and model flags. When the model
// fails after some text was passed on, the Answer is the deterministic
// one with a notice; the caller tells the two apart by its LLM flag.
// onDelta is called on the goroutine of AskStream, never after it returns.
func (e *Engine) AskStream(ctx context.Context, question string, onDelta func(string)) (Answer, error) {
	return e.Ask(withDeltas(ctx, onDelta), question)
}

// AskInThreadStream is AskInThread with the model's text streamed, as
// AskStream.
func (e *Engine) AskInThreadStream(ctx context.Context, question string, th Thread, onDelta func(string)) (Answer, error) {
	return e.AskInThread(withDeltas(ctx, onDelta), question, th)
}

func withDeltas(ctx context.Context, onDelta func(string)) context.Context {
	if onDelta == nil {
		return ctx
	}
	return context.WithValue(ctx, deltaKey{}, onDelta)
}

// modelAnswer asks the model for an answer, streamed when the caller of
// AskStream wants the text and the model can stream it.
func (e *Engine) modelAnswer(ctx context.Context, req prompts.AnswerRequest) (prompts.AnswerResult, error) {
	onDelta, _ := ctx.Value(deltaKey{}).(func(string))
	if sm, ok := e.model.(StreamModel); ok && onDelta != nil {
		return sm.AnswerStream(ctx, req, onDelta)
	}
	return e.model.Answer(ctx, req)
}
