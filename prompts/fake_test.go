package prompts

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/selfcheck/selfcheck/internal/memnet"
)

// recorded is one request the fake server received.
type recorded struct {
	Path string
	Auth string
	Req  openai.ChatCompletionRequest
	Raw  map[string]any
}

// System and User return the texts of the two messages sent.
func (r recorded) System() string { return r.Req.Messages[0].Content }
func (r recorded) User() string   { return r.Req.Messages[1].Content }

// fakeOpenAI is an HTTP server speaking the chat completion protocol, on
// an in-memory network (internal/memnet) so that a test may run in a
// synctest bubble. handle answers the n-th request (0-based); nil answers
// every request with "ok".
type fakeOpenAI struct {
	*httptest.Server
	net    *memnet.Network
	mu     sync.Mutex
	reqs   []recorded
	handle func(n int, rec recorded, w http.ResponseWriter, r *http.Request)
}

func newFakeOpenAI(t *testing.T, handle func(n int, rec recorded, w http.ResponseWriter, r *http.Request)) *fakeOpenAI {
	t.Helper()
	f := &fakeOpenAI{handle: handle, net: memnet.New()}
	t.Cleanup(f.net.Close)
	f.Server = f.net.Server(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		rec := recorded{Path: r.Method + " " + r.URL.Path, Auth: r.Header.Get("Authorization")}
		if err := json.Unmarshal(body, &rec.Req); err != nil {
			http.Error(w, "bad request body: "+err.Error(), http.StatusBadRequest)
			return
		}
		_ = json.Unmarshal(body, &rec.Raw)
		f.mu.Lock()
		n := len(f.reqs)
		f.reqs = append(f.reqs, rec)
		f.mu.Unlock()
		if f.handle == nil {
			writeChat(w, "ok")
			return
		}
		f.handle(n, rec, w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

// requests returns a copy of what the server received so far.
func (f *fakeOpenAI) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

// writeChat answers with a chat completion whose message is content.
func writeChat(w http.ResponseWriter, content string) {
	writeJSON(w, map[string]any{
		"id":      "chatcmpl-test",
		"object":  "chat.completion",
		"created": time.Now().Unix(),
		"model":   "test-model",
		"choices": []map[string]any{{
			"index":         0,
			"message":       map[string]any{"role": "assistant", "content": content},
			"finish_reason": "stop",
		}},
		"usage": map[string]any{"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
	})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers with an OpenAI-style error.
func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":{"message":%q,"type":"invalid_request_error","param":null,"code":null}}`, msg)
}

// newTestClient returns a client for the fake server with short waits;
// mod adjusts the config before New.
func newTestClient(t *testing.T, f *fakeOpenAI, mod func(*Config)) *Client {
	t.Helper()
	cfg := Config{BaseURL: f.URL + "/v1", Model: "test-model", Timeout: 2 * time.Second, Transport: f.net.Transport()}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	c.backoffBase = time.Millisecond
	c.backoffMax = 5 * time.Millisecond
	return c
}

// reviewJSON is a well-formed review answer.
const reviewJSON = `{"elements":[{"id":"1.2-a","status":"present","quote":"72시간 이내에 통지한다","suggestion":""},{"id":"1.2-b","status":"missing","quote":"","suggestion":"통지 방법을 적으세요."}],"summary":"대체로 충족"}`
