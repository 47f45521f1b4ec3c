package prompts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// call is one prompt to send.
type call struct {
	op           string // "answer", "review"
	version      string // prompt version, for the log
	system, user string
	// schema, when set, asks for a JSON answer of that schema.
	schema      json.RawMessage
	temperature float32
	// onDelta, when set, asks for a streamed answer and receives its
	// visible text as it arrives (see AnswerStream).
	onDelta func(string)
}

// The response formats a call can ask for, as logged.
const (
	formatText       = "text"
	formatJSONSchema = "json_schema"
	formatJSONObject = "json_object"
)

// complete sends c's prompt and returns the model's text, its reasoning
// removed. The whole call (the wait for a pool slot, every attempt and the
// waits between them) is bounded by Timeout, less what the request waited
// before (WithQueueWait): nobody waits longer. It fails
// at once with ErrBusy past the queue (or past the user's share of it);
// retries 429, 5xx and network errors with exponential backoff and jitter
// (honouring Retry-After, capped, and only while time is left); never
// follows a redirect; steps down from json_schema to json_object to plain
// text when the server refuses a response format, and leaves out the
// profile's thinking parameter when the server refuses it, remembering
// both; and stops as soon as ctx is done. It logs one record per call,
// without any prompt text.
func (c *Client) complete(ctx context.Context, cl call) (string, error) {
	start := time.Now()
	// The timeout counts from when the request entered the first queue it
	// waited in (WithQueueWait), not from this call.
	budget := c.cfg.Timeout - QueueWaitOf(ctx)
	if budget <= 0 {
		err := c.callError(ctx, context.DeadlineExceeded)
		c.logCall(ctx, cl, "", start, QueueWaitOf(ctx), 0, 0, err)
		return "", err
	}
	dctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	release, err := c.pool.acquire(dctx, UserOf(ctx))
	if err != nil {
		err = c.callError(ctx, err)
		c.logCall(ctx, cl, "", start, time.Since(start), 0, 0, err)
		return "", err
	}
	defer release()
	waited := time.Since(start)

	format := formatText
	if cl.schema != nil {
		format = []string{formatJSONSchema, formatJSONObject, formatText}[c.formatLevel.Load()]
	}
	attempts, retries := 0, 0
	for {
		attempts++
		text, resp, err := c.attempt(dctx, cl, format)
		if err == nil {
			c.logCall(ctx, cl, format, start, waited, attempts, len(text), nil)
			return text, nil
		}
		status := httpStatus(err)
		switch {
		case ctx.Err() != nil || dctx.Err() != nil || errors.Is(err, ErrRedirect):
			err = c.callError(ctx, err)
		case errors.Is(err, errNoStream) || (badRequest(status) && c.streams(cl) && refusesStream(err)):
			// Asked again without streaming; later calls do not stream.
			c.noStream.Store(true)
			continue
		case errors.Is(err, errStreamBroken):
			// Part of the answer was shown: a retry would show it twice.
		case badRequest(status) && format != formatText && refusesFormat(err):
			format = c.stepDownFormat(format)
			continue
		case badRequest(status) && !c.noThinkingParam.Load() && c.refusesThinking(err):
			c.noThinkingParam.Store(true)
			continue
		case retryable(status, err) && retries < c.cfg.MaxRetries:
			retries++
			wait := c.backoff(retries, resp.Header())
			if deadline, ok := dctx.Deadline(); ok && time.Until(deadline) < wait {
				break // no time left for another attempt: fail now
			}
			if werr := sleep(dctx, wait); werr != nil {
				err = c.callError(ctx, werr)
				break
			}
			continue
		}
		c.logCall(ctx, cl, format, start, waited, attempts, 0, err)
		return "", fmt.Errorf("model call: %w", err)
	}
}

// callError tells the caller's cancellation from the call's own deadline
// (ErrTimeout) and keeps a refused redirect recognisable.
func (c *Client) callError(ctx context.Context, err error) error {
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, ErrRedirect):
		return ErrRedirect
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("no answer within %s: %w", c.cfg.Timeout, ErrTimeout)
	}
	return err
}

// stepDownFormat records that the server refused format and returns the
// next one to try.
func (c *Client) stepDownFormat(format string) string {
	level := int32(1)
	if format == formatJSONObject {
		level = 2
	}
	for {
		cur := c.formatLevel.Load()
		if cur >= level || c.formatLevel.CompareAndSwap(cur, level) {
			break
		}
	}
	return []string{formatJSONSchema, formatJSONObject, formatText}[level]
}

// attempt makes one request, bounded by ctx, and returns the content of
// the answer without the model's reasoning.
func (c *Client) attempt(ctx context.Context, cl call, format string) (string, openai.ChatCompletionResponse, error) {
	req := openai.ChatCompletionRequest{
		Model: c.cfg.Model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: cl.system},
			{Role: openai.ChatMessageRoleUser, Content: cl.user},
		},
		Temperature: cl.temperature,
	}
	switch format {
	case formatJSONSchema:
		req.ResponseFormat = &openai.ChatCompletionResponseFormat{
			Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
				Name:   cl.op,
				Schema: cl.schema,
				Strict: true,
			},
		}
	case formatJSONObject:
		req.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
	}
	if !c.noThinkingParam.Load() {
		switch c.cfg.Profile {
		case ProfileVLLM:
			req.ChatTemplateKwargs = map[string]any{"enable_thinking": false}
		case ProfileOllama:
			req.ReasoningEffort = "none"
		}
	}
	// Reasoning models (o1, o3, gpt-5 …) accept no temperature.
	if openai.NewReasoningValidator().Validate(req) != nil {
		req.Temperature = 0
	}
	if c.streams(cl) {
		text, err := c.streamAttempt(ctx, req, cl.onDelta)
		return text, openai.ChatCompletionResponse{}, err
	}
	resp, err := c.api.CreateChatCompletion(ctx, req)
	if err != nil {
		return "", resp, err
	}
	if len(resp.Choices) == 0 {
		return "", resp, errors.New("no choices in the answer")
	}
	return stripReasoning(resp.Choices[0].Message.Content), resp, nil
}

// streams reports whether cl is made as a stream: it asks for one and the
// server has not refused streaming.
func (c *Client) streams(cl call) bool { return cl.onDelta != nil && !c.noStream.Load() }

// httpStatus returns the HTTP status of an API error, or 0.
func httpStatus(err error) int {
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) {
		return apiErr.HTTPStatusCode
	}
	var reqErr *openai.RequestError
	if errors.As(err, &reqErr) {
		return reqErr.HTTPStatusCode
	}
	return 0
}

// retryable reports whether an attempt that failed with err (HTTP status
// status, 0 when there was no response) is worth another try: 429, 5xx,
// and network errors. Other 4xx and local errors are not.
func retryable(status int, err error) bool {
	switch {
	case status == http.StatusTooManyRequests || status >= 500:
		return true
	case status != 0:
		return false
	}
	var reqErr *openai.RequestError
	var apiErr *openai.APIError
	if errors.As(err, &reqErr) || errors.As(err, &apiErr) {
		return false
	}
	// No HTTP answer: a refused or reset connection, which the HTTP
	// client reports as a *url.Error. Errors of the request itself
	// (validation) are not retried.
	var urlErr *url.Error
	return errors.As(err, &urlErr)
}

// badRequest reports whether status says the request itself was refused
// (400, or 422 as some servers answer a parameter they do not know).
func badRequest(status int) bool {
	return status == http.StatusBadRequest || status == http.StatusUnprocessableEntity
}

// errorText is an API error's message and body, in lower case, to
// recognise what the server refused.
func errorText(err error) string {
	msg := strings.ToLower(err.Error())
	var reqErr *openai.RequestError
	if errors.As(err, &reqErr) {
		msg += strings.ToLower(string(reqErr.Body))
	}
	return msg
}

// refusesFormat reports whether a refused request is about the response
// format, as servers without structured output answer.
func refusesFormat(err error) bool {
	msg := errorText(err)
	return strings.Contains(msg, "response_format") || strings.Contains(msg, "json_schema") ||
		strings.Contains(msg, "json_object") || strings.Contains(msg, "response format")
}

// refusesThinking reports whether a refused request is about the
// profile's thinking parameter.
func (c *Client) refusesThinking(err error) bool {
	msg := errorText(err)
	for _, p := range thinkingParams[c.cfg.Profile] {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// backoff returns the wait before retry number n (1-based): the server's
// Retry-After (or retry-after-ms) when given, capped at retryAfterMax,
// else an exponential delay from backoffBase, capped at backoffMax, with
// jitter of up to half of it.
func (c *Client) backoff(n int, h http.Header) time.Duration {
	if d, ok := retryAfter(h, time.Now()); ok {
		return min(d, c.retryAfterMax)
	}
	d := c.backoffBase << (n - 1)
	if d <= 0 || d > c.backoffMax {
		d = c.backoffMax
	}
	half := d / 2
	return half + rand.N(half+1)
}

// retryAfter reads retry-after-ms or Retry-After (seconds or an HTTP
// date) from h.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if h == nil {
		return 0, false
	}
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 {
			return time.Duration(ms * float64(time.Millisecond)), true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// logCall writes the record of one call: prompt version, model, format,
// durations, sizes in bytes, attempts and the outcome. It never logs the
// text of a question, a draft or an answer.
func (c *Client) logCall(ctx context.Context, cl call, format string, start time.Time, waited time.Duration, attempts, respBytes int, err error) {
	attrs := []slog.Attr{
		slog.String("op", cl.op),
		slog.String("prompt_version", cl.version),
		slog.String("model", c.cfg.Model),
		slog.String("profile", string(c.cfg.Profile)),
		slog.String("format", format),
		slog.Duration("duration", time.Since(start)),
		slog.Duration("queue_wait", waited),
		slog.Int("request_bytes", len(cl.system)+len(cl.user)),
		slog.Int("response_bytes", respBytes),
		slog.Int("attempts", attempts),
		slog.Bool("stream", c.streams(cl)),
	}
	level := slog.LevelInfo
	if err != nil {
		level = slog.LevelWarn
		attrs = append(attrs, slog.String("error", errorKind(err)))
	}
	c.log.LogAttrs(ctx, level, "model call", attrs...)
}

// errorKind names an error for the log without its message, which may
// echo what was sent.
func errorKind(err error) string {
	switch {
	case errors.Is(err, ErrBusy):
		return "busy"
	case errors.Is(err, ErrTimeout):
		return "timeout"
	case errors.Is(err, ErrRedirect):
		return "redirect"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline"
	}
	if s := httpStatus(err); s != 0 {
		return "http_" + strconv.Itoa(s)
	}
	return "error"
}
