package bot

// Fakes of Slack: the Web API and response_url, both enforcing Slack's
// message limits (slacklimits_test.go) so that a reply over them fails the test.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/selfcheck/selfcheck/internal/memnet"
)

// apiCall is one call the fake Web API received.
type apiCall struct {
	Method   string
	Channel  string
	ThreadTS string
	TS       string // chat.update target, or the ts assigned to a post
	Text     string
	Blocks   []map[string]any
	Err      string // error code answered, "" when accepted

	User      string         // chat.postEphemeral recipient, views.publish user
	TriggerID string         // views.open
	View      map[string]any // views.open

	Metadata map[string]any // message metadata of a post
	Status   string         // assistant.threads.setStatus
	Loading  string         // assistant.threads.setStatus loading_messages
	Prompts  []map[string]any
	Title    string           // assistant.threads.setTitle
	Markdown string           // chat.*Stream markdown_text
	Chunks   []map[string]any // chat.*Stream chunks
	Mode     string           // chat.startStream task_display_mode
}

// fakeSlack is an httptest Web API: chat.postMessage, chat.update,
// chat.postEphemeral, chat.getPermalink, views.open, views.publish,
// auth.test and apps.connections.open. It
// enforces Slack's message limits.
type fakeSlack struct {
	srv *httptest.Server

	mu        sync.Mutex
	calls     []apiCall
	seq       int
	rateLimit map[string]int    // method → 429s still to answer
	failWith  map[string]string // method → error code answered always
	maxBlocks int
	wsURL     string
	authErr   string
	notify    chan apiCall
	// delayOnce delays the answer to the next call of a method after the
	// call has been accepted, as when Slack posts a message but the
	// response is lost to a timeout.
	delayOnce map[string]time.Duration
	streams   map[string]bool // open streams by ts
	// history holds the posted messages (and any the test adds) that
	// conversations.replies and conversations.history return.
	history []map[string]any
	// failOnce answers the next calls of a method with an error code,
	// one per entry.
	failOnce map[string][]string
	// raw answers every call of a method with this body, as it is (a
	// reply missing fields or with the wrong types), after recording the
	// call with Err "raw".
	raw map[string]string
	// chunks makes the streams take chunks (task_update, plan_update …)
	// as a workspace with the agent features does; without it, a stream
	// call carrying chunks is refused, as where Slack refuses them.
	chunks bool
	// uploads are the files received through files.uploadV2
	// (uploadfake_test.go), by file ID.
	uploads map[string]*uploadedFile
}

func newFakeSlack(t *testing.T, n *memnet.Network) *fakeSlack {
	t.Helper()
	f := &fakeSlack{rateLimit: map[string]int{}, failWith: map[string]string{}, maxBlocks: 50, notify: make(chan apiCall, 1000),
		delayOnce: map[string]time.Duration{}, failOnce: map[string][]string{}, raw: map[string]string{}}
	f.srv = n.Server(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// set changes the fake's behaviour under its lock.
func (f *fakeSlack) set(change func(f *fakeSlack)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(f)
}

// rawReply returns the body set with raw for method, if any.
func (f *fakeSlack) rawReply(method string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	body, ok := f.raw[method]
	return body, ok
}

func (f *fakeSlack) apiURL() string { return f.srv.URL + "/api/" }

func (f *fakeSlack) serve(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	reply := func(v map[string]any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}

	f.mu.Lock()
	if n := f.rateLimit[method]; n > 0 {
		f.rateLimit[method] = n - 1
		f.calls = append(f.calls, apiCall{Method: method, Err: "ratelimited"})
		f.mu.Unlock()
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	code, fail := f.failWith[method]
	if once := f.failOnce[method]; len(once) > 0 {
		code, fail = once[0], true
		f.failOnce[method] = once[1:]
	}
	rawBody, isRaw := f.raw[method]
	authErr, wsURL, maxBlocks := f.authErr, f.wsURL, f.maxBlocks
	delay := f.delayOnce[method]
	delete(f.delayOnce, method)
	f.mu.Unlock()
	if delay > 0 {
		defer time.Sleep(delay)
	}
	if fail && strings.HasPrefix(code, "http") {
		status, _ := strconv.Atoi(strings.TrimPrefix(code, "http"))
		f.record(apiCall{Method: method, Err: code})
		w.WriteHeader(status)
		return
	}

	if f.serveUpload(w, r, method, form, body) {
		return
	}
	if isRaw {
		f.record(apiCall{Method: method, Channel: form.Get("channel"), Err: "raw"})
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, rawBody)
		return
	}

	switch method {
	case "auth.test":
		if authErr != "" {
			reply(map[string]any{"ok": false, "error": authErr})
			return
		}
		reply(map[string]any{"ok": true, "user_id": testBotUser, "team_id": "T1", "user": "selfcheck", "bot_id": "B1"})
	case "apps.connections.open":
		if r.Header.Get("Authorization") != "Bearer "+testAppToken {
			reply(map[string]any{"ok": false, "error": "invalid_auth"})
			return
		}
		reply(map[string]any{"ok": true, "url": wsURL})
	case "views.open":
		// slack-go sends views.* as JSON with a bearer token.
		if r.Header.Get("Authorization") != "Bearer "+testBotToken {
			reply(map[string]any{"ok": false, "error": "invalid_auth"})
			return
		}
		var req struct {
			TriggerID string         `json:"trigger_id"`
			View      map[string]any `json:"view"`
		}
		c := apiCall{Method: method}
		if err := json.Unmarshal(body, &req); err != nil || req.TriggerID == "" {
			c.Err = "invalid_arguments"
		}
		c.TriggerID, c.View = req.TriggerID, req.View
		if c.Err == "" && fail {
			c.Err = code
		}
		f.record(c)
		if c.Err != "" {
			reply(map[string]any{"ok": false, "error": c.Err})
			return
		}
		reply(map[string]any{"ok": true, "view": map[string]any{"id": "V1", "type": "modal"}})
	case "views.publish":
		// The App Home tab: JSON with a bearer token, a user and a home
		// view of at most 100 blocks.
		if r.Header.Get("Authorization") != "Bearer "+testBotToken {
			reply(map[string]any{"ok": false, "error": "invalid_auth"})
			return
		}
		var req struct {
			UserID string         `json:"user_id"`
			View   map[string]any `json:"view"`
		}
		c := apiCall{Method: method}
		if err := json.Unmarshal(body, &req); err != nil || req.UserID == "" || req.View["type"] != "home" {
			c.Err = "invalid_arguments"
		}
		c.User, c.View = req.UserID, req.View
		if blocks, _ := req.View["blocks"].([]any); c.Err == "" {
			var bs []map[string]any
			for _, b := range blocks {
				m, _ := b.(map[string]any)
				bs = append(bs, m)
			}
			c.Blocks = bs
			if len(bs) == 0 || len(bs) > 100 {
				c.Err = "invalid_blocks"
			} else if e := slackLimitError("x", bs, 100); e != "" {
				c.Err = e
			}
		}
		if c.Err == "" && fail {
			c.Err = code
		}
		f.record(c)
		if c.Err != "" {
			reply(map[string]any{"ok": false, "error": c.Err})
			return
		}
		reply(map[string]any{"ok": true, "view": map[string]any{"id": "VH1", "type": "home"}})
	case "chat.getPermalink":
		// slack-go sends this one as a GET: the query, a bearer token.
		q := r.URL.Query()
		if r.Header.Get("Authorization") != "Bearer "+testBotToken {
			reply(map[string]any{"ok": false, "error": "invalid_auth"})
			return
		}
		c := apiCall{Method: method, Channel: q.Get("channel"), TS: q.Get("message_ts")}
		switch {
		case c.Channel == "" || c.TS == "":
			c.Err = "invalid_arguments"
		case fail:
			c.Err = code
		}
		f.record(c)
		if c.Err != "" {
			reply(map[string]any{"ok": false, "error": c.Err})
			return
		}
		reply(map[string]any{"ok": true, "channel": c.Channel,
			"permalink": "https://example.slack.com/archives/" + c.Channel + "/p" + strings.ReplaceAll(c.TS, ".", "")})
	case "assistant.threads.setStatus", "assistant.threads.setSuggestedPrompts", "assistant.threads.setTitle":
		if form.Get("token") != testBotToken {
			reply(map[string]any{"ok": false, "error": "invalid_auth"})
			return
		}
		c := apiCall{Method: method, Channel: form.Get("channel_id"), ThreadTS: form.Get("thread_ts"),
			Status: form.Get("status"), Loading: form.Get("loading_messages"), Title: form.Get("title")}
		if raw := form.Get("prompts"); raw != "" {
			if err := json.Unmarshal([]byte(raw), &c.Prompts); err != nil {
				c.Err = "invalid_arguments"
			}
		}
		switch {
		// Suggested prompts take a channel alone (the DM of an agent
		// app) or a channel and a thread (the split view); status and
		// title need the thread.
		case c.Channel == "" || (c.ThreadTS == "" && method != "assistant.threads.setSuggestedPrompts"):
			c.Err = "invalid_arguments"
		case method == "assistant.threads.setSuggestedPrompts" && (len(c.Prompts) == 0 || len(c.Prompts) > 4):
			c.Err = "invalid_arguments"
		case fail:
			c.Err = code
		}
		f.record(c)
		if c.Err != "" {
			reply(map[string]any{"ok": false, "error": c.Err})
			return
		}
		reply(map[string]any{"ok": true})
	case "conversations.replies", "conversations.history":
		if form.Get("token") != testBotToken {
			reply(map[string]any{"ok": false, "error": "invalid_auth"})
			return
		}
		if fail {
			f.record(apiCall{Method: method, Channel: form.Get("channel"), Err: code})
			reply(map[string]any{"ok": false, "error": code})
			return
		}
		channel, ts := form.Get("channel"), form.Get("ts")
		withMeta := form.Get("include_all_metadata") == "1"
		f.mu.Lock()
		var msgs []map[string]any
		for _, m := range f.history {
			if m["channel"] != channel || (method == "conversations.replies" && m["ts"] != ts && m["thread_ts"] != ts) {
				continue
			}
			out := map[string]any{}
			for k, v := range m {
				if k != "metadata" || withMeta {
					out[k] = v
				}
			}
			msgs = append(msgs, out)
		}
		f.mu.Unlock()
		f.record(apiCall{Method: method, Channel: channel, TS: ts})
		reply(map[string]any{"ok": true, "messages": msgs, "has_more": false})
	case "chat.startStream", "chat.appendStream", "chat.stopStream":
		// Streams: startStream needs a thread, and outside DMs a
		// recipient user and team; append and stop need an open stream.
		if form.Get("token") != testBotToken {
			reply(map[string]any{"ok": false, "error": "invalid_auth"})
			return
		}
		c := apiCall{Method: method, Channel: form.Get("channel"), ThreadTS: form.Get("thread_ts"), TS: form.Get("ts"),
			Markdown: form.Get("markdown_text"), User: form.Get("recipient_user_id"), Mode: form.Get("task_display_mode")}
		if raw := form.Get("blocks"); raw != "" {
			if err := json.Unmarshal([]byte(raw), &c.Blocks); err != nil {
				c.Err = "invalid_blocks"
			}
		}
		if raw := form.Get("chunks"); raw != "" {
			if err := json.Unmarshal([]byte(raw), &c.Chunks); err != nil {
				c.Err = "invalid_chunks"
			}
			for _, ch := range c.Chunks {
				switch ch["type"] {
				case "task_update":
					if ch["id"] == "" || ch["title"] == "" {
						c.Err = "invalid_chunks"
					}
				case "plan_update", "markdown_text", "blocks":
				default:
					c.Err = "invalid_chunks"
				}
			}
		}
		if c.Mode != "" && c.Mode != "plan" && c.Mode != "timeline" {
			c.Err = "invalid_arguments"
		}
		f.mu.Lock()
		switch {
		case c.Err != "":
		case fail:
			c.Err = code
		case len(c.Chunks) > 0 && !f.chunks:
			c.Err = "invalid_chunks"
		case method == "chat.startStream" && c.ThreadTS == "":
			c.Err = "invalid_arguments"
		case method == "chat.startStream" && !strings.HasPrefix(c.Channel, "D") && (c.User == "" || form.Get("recipient_team_id") == ""):
			c.Err = "missing_recipient_user_id"
		case method == "chat.startStream":
			f.seq++
			c.TS = fmt.Sprintf("1700000000.%06d", f.seq)
			if f.streams == nil {
				f.streams = map[string]bool{}
			}
			f.streams[c.TS] = true
		case !f.streams[c.TS]:
			c.Err = "message_not_in_streaming_state"
		case method == "chat.stopStream":
			if len(c.Blocks) > 0 {
				c.Err = slackLimitError("x", c.Blocks, maxBlocks)
			}
			delete(f.streams, c.TS)
		}
		f.mu.Unlock()
		f.record(c)
		if c.Err != "" {
			reply(map[string]any{"ok": false, "error": c.Err})
			return
		}
		reply(map[string]any{"ok": true, "channel": c.Channel, "ts": c.TS})
	case "chat.postMessage", "chat.update", "chat.postEphemeral", "chat.delete":
		if form.Get("token") != testBotToken {
			reply(map[string]any{"ok": false, "error": "invalid_auth"})
			return
		}
		c := apiCall{Method: method, Channel: form.Get("channel"), ThreadTS: form.Get("thread_ts"), TS: form.Get("ts"), Text: form.Get("text"), User: form.Get("user")}
		if raw := form.Get("metadata"); raw != "" {
			_ = json.Unmarshal([]byte(raw), &c.Metadata)
		}
		if raw := form.Get("blocks"); raw != "" {
			if err := json.Unmarshal([]byte(raw), &c.Blocks); err != nil {
				c.Err = "invalid_blocks"
			}
		}
		if c.Err == "" && method != "chat.delete" {
			c.Err = slackLimitError(c.Text, c.Blocks, maxBlocks)
		}
		if c.Err == "" && fail {
			c.Err = code
		}
		if c.Err != "" {
			f.record(c)
			reply(map[string]any{"ok": false, "error": c.Err})
			return
		}
		if method == "chat.postMessage" {
			f.mu.Lock()
			f.seq++
			c.TS = fmt.Sprintf("1700000000.%06d", f.seq)
			m := map[string]any{"type": "message", "channel": c.Channel, "ts": c.TS, "text": c.Text, "bot_id": "B1", "user": testBotUser}
			if c.ThreadTS != "" {
				m["thread_ts"] = c.ThreadTS
			}
			if c.Metadata != nil {
				m["metadata"] = c.Metadata
			}
			f.history = append(f.history, m)
			f.mu.Unlock()
		}
		f.record(c)
		reply(map[string]any{"ok": true, "channel": c.Channel, "ts": c.TS, "message_ts": c.TS, "text": c.Text})
	default:
		reply(map[string]any{"ok": false, "error": "unknown_method"})
	}
}

func (f *fakeSlack) record(c apiCall) {
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
	f.notify <- c
}

// addHistory adds a user's message to what conversations.replies returns.
func (f *fakeSlack) addHistory(channel, ts, threadTS, user, text string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := map[string]any{"type": "message", "channel": channel, "ts": ts, "user": user, "text": text}
	if threadTS != "" {
		m["thread_ts"] = threadTS
	}
	f.history = append(f.history, m)
}

// greetedThread adds the bot's greeting at the start of a DM thread, as
// in a split-view thread that began with assistant_thread_started.
func (f *fakeSlack) greetedThread(channel, threadTS string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.history = append(f.history, map[string]any{"type": "message", "channel": channel, "ts": threadTS, "thread_ts": threadTS,
		"user": testBotUser, "bot_id": "B1", "text": "안녕하세요!"})
}

// accepted returns the accepted calls of a method ("" for all chat calls).
func (f *fakeSlack) accepted(method string) []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []apiCall
	for _, c := range f.calls {
		if c.Err == "" && (method == "" || c.Method == method) && strings.HasPrefix(c.Method, "chat.") {
			out = append(out, c)
		}
	}
	return out
}

// callsOf returns the accepted calls of any one method.
func (f *fakeSlack) callsOf(method string) []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []apiCall
	for _, c := range f.calls {
		if c.Err == "" && c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// waitMethod waits until n accepted calls of method have arrived.
func (f *fakeSlack) waitMethod(t *testing.T, method string, n int) []apiCall {
	t.Helper()
	deadline := time.After(patience)
	for {
		if got := f.callsOf(method); len(got) >= n {
			return got
		}
		select {
		case <-f.notify:
		case <-deadline:
			t.Fatalf("got %d %s calls; want %d", len(f.callsOf(method)), method, n)
		}
	}
}

func (f *fakeSlack) allCalls() []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]apiCall(nil), f.calls...)
}

// waitCalls waits until n accepted chat calls have arrived.
func (f *fakeSlack) waitCalls(t *testing.T, n int) []apiCall {
	t.Helper()
	deadline := time.After(patience)
	for {
		if got := f.accepted(""); len(got) >= n {
			return got
		}
		select {
		case <-f.notify:
		case <-deadline:
			t.Fatalf("got %d chat calls; want %d", len(f.accepted("")), n)
		}
	}
}
