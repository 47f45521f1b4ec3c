package prompts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Defaults of Config.
const (
	DefaultTimeout       = 30 * time.Second
	DefaultMaxRetries    = 2
	DefaultMaxConcurrent = 4
	DefaultQueueSize     = 16
	DefaultContextChars  = 12000
	// DefaultModel is used with OpenAI itself (no BaseURL) when Model is
	// empty. A custom BaseURL requires Model: local servers have no
	// common default.
	DefaultModel = "gpt-4o-mini"
)

var (
	// ErrDisabled is returned by the methods of a nil *Client, which is
	// what New returns when no model is configured. Callers run offline.
	ErrDisabled = errors.New("model disabled")
	// ErrBusy is returned at once when MaxConcurrent calls are in flight
	// and QueueSize more are waiting; the caller should say "busy, try
	// again".
	ErrBusy = errors.New("model busy")
	// ErrTimeout is returned (wrapped) when a call exceeded Config.Timeout.
	// Timed-out calls are not retried: a slow server stays slow, and the
	// user is waiting.
	ErrTimeout = errors.New("timed out")
	// ErrRedirect is returned (wrapped) when the server answers with a
	// redirect. Redirects are never followed: the prompt and the API key
	// go to OPENAI_BASE_URL's host only.
	ErrRedirect = errors.New("the model server answered with a redirect, which is not followed so that prompts and the API key go only to OPENAI_BASE_URL: set OPENAI_BASE_URL to the address the server redirects to")
)

// Config configures the model client. The zero value of every field but
// the connection means its default.
type Config struct {
	// APIKey is sent as a bearer token; it may be empty for local servers
	// (Ollama, vLLM) given with BaseURL.
	APIKey string
	// BaseURL is the OpenAI-compatible endpoint, including /v1
	// (http://localhost:11434/v1 for Ollama); empty means OpenAI.
	BaseURL string
	// Model is the model name; empty means DefaultModel, which only works
	// with OpenAI.
	Model string
	// Profile is the kind of server (how to turn thinking off); empty
	// means GuessProfile(BaseURL).
	Profile Profile
	// Timeout bounds a whole call: its wait for a slot, its attempts and
	// the waits between them (DefaultTimeout).
	Timeout time.Duration
	// MaxRetries is the number of retries after a 429, a 5xx or a network
	// error (DefaultMaxRetries); negative means none.
	MaxRetries int
	// MaxConcurrent is the number of calls in flight at once
	// (DefaultMaxConcurrent).
	MaxConcurrent int
	// QueueSize is the number of calls that may wait for a slot
	// (DefaultQueueSize); negative means none may wait.
	QueueSize int
	// ContextChars is the budget, in runes, for the draft in a review
	// prompt (DefaultContextChars); longer drafts are trimmed.
	ContextChars int
	// Logger receives one record per call; nil discards them.
	Logger *slog.Logger
	// Transport carries the requests; nil means http.DefaultTransport.
	// Tests pass an in-memory one (internal/memnet) to run in a synctest
	// bubble, where a 5 s model takes no real time.
	Transport http.RoundTripper
}

// Enabled reports whether cfg configures a model at all: the model is off
// when both APIKey and BaseURL are empty.
func Enabled(cfg Config) bool {
	return strings.TrimSpace(cfg.APIKey) != "" || strings.TrimSpace(cfg.BaseURL) != ""
}

// withDefaults fills in the zero fields and rejects impossible values.
func (cfg Config) withDefaults() (Config, error) {
	cfg.APIKey = strings.TrimSpace(cfg.APIKey)
	cfg.BaseURL = strings.TrimRight(strings.TrimSpace(cfg.BaseURL), "/")
	cfg.Model = strings.TrimSpace(cfg.Model)
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return cfg, fmt.Errorf("model config: base URL %q is not an http(s) URL", cfg.BaseURL)
		}
	}
	p, err := ParseProfile(string(cfg.Profile))
	if err != nil {
		return cfg, fmt.Errorf("model config: %w", err)
	}
	if cfg.Profile = p; p == "" {
		cfg.Profile = GuessProfile(cfg.BaseURL)
	}
	if cfg.Model == "" {
		if cfg.BaseURL != "" {
			return cfg, errors.New("model config: a model name is required with a base URL")
		}
		cfg.Model = DefaultModel
	}
	if cfg.Timeout < 0 || cfg.MaxConcurrent < 0 || cfg.ContextChars < 0 {
		return cfg, errors.New("model config: timeout, concurrency and context size must not be negative")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = DefaultMaxRetries
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	if cfg.MaxConcurrent == 0 {
		cfg.MaxConcurrent = DefaultMaxConcurrent
	}
	switch {
	case cfg.QueueSize == 0:
		cfg.QueueSize = DefaultQueueSize
	case cfg.QueueSize < 0:
		cfg.QueueSize = 0
	}
	if cfg.ContextChars == 0 {
		cfg.ContextChars = DefaultContextChars
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return cfg, nil
}

// completer is the part of the OpenAI client the Client uses.
type completer interface {
	CreateChatCompletion(context.Context, openai.ChatCompletionRequest) (openai.ChatCompletionResponse, error)
	CreateChatCompletionStream(context.Context, openai.ChatCompletionRequest) (*openai.ChatCompletionStream, error)
}

// Client calls an OpenAI-compatible chat completion API with the prompts
// of this package, masking, bounded concurrency and retries. A nil *Client
// is valid: its methods return ErrDisabled. It is safe for concurrent use.
type Client struct {
	cfg  Config
	api  completer
	tmpl *Templates
	log  *slog.Logger

	pool *pool
	// formatLevel is how far down formats the server made the client go:
	// 0 json_schema, 1 json_object (json_schema refused), 2 plain text
	// (json_object refused too). Later calls start there.
	formatLevel atomic.Int32
	// noThinkingParam is set once the server refused the profile's
	// parameter that turns thinking off; later calls leave it out.
	noThinkingParam atomic.Bool
	// noStream is set once the server refused to stream; later answers
	// are asked for whole.
	noStream atomic.Bool
	// streamLive is set once a streamed answer came without a lone closing
	// reasoning tag (the server does not open reasoning in the prompt):
	// later answers are passed on as they arrive rather than held back
	// until the reasoning or the answer ends (thinkFilter).
	streamLive atomic.Bool

	// Waits between retries; fields so that tests can shorten them.
	backoffBase   time.Duration
	backoffMax    time.Duration
	retryAfterMax time.Duration
}

// New returns a client for cfg. When Enabled(cfg) is false it returns a
// nil *Client and a nil error: the model is off and callers run fully
// offline (the nil client's methods return ErrDisabled). It makes no
// network call.
func New(cfg Config) (*Client, error) {
	if !Enabled(cfg) {
		return nil, nil
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	tmpl, err := LoadTemplates()
	if err != nil {
		return nil, err
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		oc.BaseURL = cfg.BaseURL
	}
	oc.HTTPClient = newHTTPClient(oc.BaseURL, cfg.Transport)
	return &Client{
		cfg:           cfg,
		api:           openai.NewClientWithConfig(oc),
		tmpl:          tmpl,
		log:           cfg.Logger,
		pool:          newPool(cfg.MaxConcurrent, cfg.QueueSize),
		backoffBase:   500 * time.Millisecond,
		backoffMax:    8 * time.Second,
		retryAfterMax: 20 * time.Second,
	}, nil
}

// Model returns the model name the client sends, or "" for a nil client.
func (c *Client) Model() string {
	if c == nil {
		return ""
	}
	return c.cfg.Model
}

// newHTTPClient returns the HTTP client of the model API: no client-wide
// timeout (each call carries its deadline), no redirect followed, and no
// request to any host but base's.
func newHTTPClient(base string, next http.RoundTripper) *http.Client {
	host := ""
	if u, err := url.Parse(base); err == nil {
		host = u.Host
	}
	if next == nil {
		next = http.DefaultTransport
	}
	return &http.Client{
		Transport: hostGuard{host: host, next: next},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return ErrRedirect
		},
	}
}

// hostGuard refuses requests to any host but the configured one, so the
// API key cannot be sent elsewhere whatever asks for it.
type hostGuard struct {
	host string
	next http.RoundTripper
}

func (g hostGuard) RoundTrip(r *http.Request) (*http.Response, error) {
	if !strings.EqualFold(r.URL.Host, g.host) {
		return nil, ErrRedirect
	}
	return g.next.RoundTrip(r)
}
