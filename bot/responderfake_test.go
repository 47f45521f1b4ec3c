package bot

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/selfcheck/selfcheck/internal/memnet"
)

// responsePost is one POST to a response_url.
type responsePost struct {
	Path            string
	ResponseType    string           `json:"response_type"`
	ReplaceOriginal bool             `json:"replace_original"`
	DeleteOriginal  bool             `json:"delete_original"`
	Text            string           `json:"text"`
	Blocks          []map[string]any `json:"blocks"`
	Err             string
	At              time.Time `json:"-"` // when it arrived
}

// fakeResponder serves response_urls (/resp/<id>) and enforces the same
// limits as the Web API. URLs under /expired/ answer as Slack does once a
// response_url has expired: 404 expired_url.
type fakeResponder struct {
	srv    *httptest.Server
	mu     sync.Mutex
	posts  []responsePost
	notify chan responsePost
}

func newFakeResponder(t *testing.T, n *memnet.Network) *fakeResponder {
	t.Helper()
	f := &fakeResponder{notify: make(chan responsePost, 1000)}
	f.srv = n.Server(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p responsePost
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			p.Err = "invalid_payload"
		}
		p.Path, p.At = r.URL.Path, time.Now()
		if strings.HasPrefix(p.Path, "/expired/") {
			f.mu.Lock()
			f.posts = append(f.posts, responsePost{Path: p.Path, Err: "expired_url"})
			f.mu.Unlock()
			http.Error(w, "expired_url", http.StatusNotFound)
			return
		}
		if p.Err == "" && !p.DeleteOriginal {
			p.Err = slackLimitError(p.Text, p.Blocks, 50)
		}
		f.mu.Lock()
		f.posts = append(f.posts, p)
		f.mu.Unlock()
		f.notify <- p
		if p.Err != "" {
			http.Error(w, p.Err, http.StatusBadRequest)
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeResponder) url(id string) string { return f.srv.URL + "/resp/" + id }

func (f *fakeResponder) all() []responsePost {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]responsePost(nil), f.posts...)
}

// wait waits until n accepted posts have arrived (for at most patience).
func (f *fakeResponder) wait(t *testing.T, n int) []responsePost {
	t.Helper()
	deadline := time.After(patience)
	for {
		var ok []responsePost
		for _, p := range f.all() {
			if p.Err == "" {
				ok = append(ok, p)
			}
		}
		if len(ok) >= n {
			return ok
		}
		select {
		case <-f.notify:
		case <-deadline:
			t.Fatalf("got %d response_url posts; want %d", len(ok), n)
		}
	}
}
