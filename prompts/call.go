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
}

// The response formats a call can ask for, as logged.
const (
	formatText       = "text"
	formatJSONSchema = "json_schema"
	formatJSONObject = "json_object"
)

// complete sends c's prompt and returns the model's text. It waits for a
// pool slot (or fails with ErrBusy), bounds each attempt by Timeout,
// retries 429, 5xx and network errors with exponential backoff and jitter
// (honouring Retry-After, capped), falls back from json_schema to
// json_object once when the server refuses the former, and stops as soon
// as ctx is done. It logs one record per call, without any prompt text.
func (c *Client) complete(ctx context.Context, cl call) (string, error) {
	start := time.Now()
	release, err := c.acquire(ctx)
	if err != nil {
		c.logCall(ctx, cl, "", start, time.Since(start), 0, 0, err)
		return "", err
	}
	defer release()
	waited := time.Since(start)

	format := formatText
	if cl.schema != nil {
		format = formatJSONSchema
		if c.noSchema.Load() {
			format = formatJSONObject
		}
	}
	attempts, retries := 0, 0
	for {
		attempts++
		text, resp, err := c.attempt(ctx, cl, format)
		if err == nil {
			c.logCall(ctx, cl, format, start, waited, attempts, len(text), nil)
			return text, nil
		}
		status := httpStatus(err)
		switch {
		case ctx.Err() != nil:
			err = ctx.Err()
		case errors.Is(err, context.DeadlineExceeded):
			err = fmt.Errorf("no answer within %s: %w", c.cfg.Timeout, ErrTimeout)
		case status == http.StatusBadRequest && format == formatJSONSchema && refusesSchema(err):
			c.noSchema.Store(true)
			format = formatJSONObject
			continue
		case retryable(status, err) && retries < c.cfg.MaxRetries:
			retries++
			if werr := sleep(ctx, c.backoff(retries, resp.Header())); werr != nil {
				err = werr
				break
			}
			continue
		}
		c.logCall(ctx, cl, format, start, waited, attempts, 0, err)
		return "", fmt.Errorf("model call: %w", err)
	}
}

// attempt makes one request, bounded by Timeout.
func (c *Client) attempt(ctx context.Context, cl call, format string) (string, openai.ChatCompletionResponse, error) {
	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
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
	// Reasoning models (o1, o3, gpt-5 …) accept no temperature.
	if openai.NewReasoningValidator().Validate(req) != nil {
		req.Temperature = 0
	}
	resp, err := c.api.CreateChatCompletion(actx, req)
	if err != nil {
		if actx.Err() != nil && ctx.Err() == nil {
			// The attempt's deadline, whatever the transport made of it.
			return "", resp, context.DeadlineExceeded
		}
		return "", resp, err
	}
	if len(resp.Choices) == 0 {
		return "", resp, errors.New("no choices in the answer")
	}
	return resp.Choices[0].Message.Content, resp, nil
}

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

// refusesSchema reports whether a 400 is about the response format, as
// servers without structured output answer.
func refusesSchema(err error) bool {
	msg := strings.ToLower(err.Error())
	var reqErr *openai.RequestError
	if errors.As(err, &reqErr) {
		msg += strings.ToLower(string(reqErr.Body))
	}
	return strings.Contains(msg, "response_format") || strings.Contains(msg, "json_schema") ||
		strings.Contains(msg, "response format")
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
		slog.String("format", format),
		slog.Duration("duration", time.Since(start)),
		slog.Duration("queue_wait", waited),
		slog.Int("request_bytes", len(cl.system)+len(cl.user)),
		slog.Int("response_bytes", respBytes),
		slog.Int("attempts", attempts),
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
