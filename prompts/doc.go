// Package prompts holds the prompts selfcheck sends to a model and the
// client that sends them to any OpenAI-compatible chat completion API
// (OpenAI, Ollama, vLLM).
//
// The prompts are Korean text/template files embedded from templates/,
// each with a version header ({{/* version: review-v1 */}}); golden files
// under testdata/ show every change as a diff (go test -update rewrites
// them). The Client masks personal data with knowledge.Redact in every text
// it sends, trims long drafts to their most relevant paragraphs, bounds
// concurrency fairly between users (ErrBusy beyond the queue, WithUser
// names the user), bounds each call by Config.Timeout, retries 429 and 5xx
// with backoff, refuses redirects (ErrRedirect), turns thinking off as the
// server's Profile allows and strips whatever reasoning still comes back,
// steps down from json_schema to json_object to text when a server refuses
// a format, and logs each call's prompt version, model, duration, sizes
// and attempts but never the text.
//
// The model is optional: New returns a nil *Client when neither an API key
// nor a base URL is configured, and the nil client's methods return
// ErrDisabled, so callers run fully offline. What a model says is a claim:
// knowledge.MergeModel decides what of it counts.
package prompts
