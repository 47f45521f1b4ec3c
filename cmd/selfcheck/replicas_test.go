package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/selfcheck/selfcheck/canned"
	"github.com/selfcheck/selfcheck/storage/storagetest"
)

// Two `selfcheck serve` processes on one PostgreSQL, as behind a load
// balancer in HTTP mode. The processes are this test binary re-run as the
// program (serveChildEnv), so they are the real wiring, killable with
// SIGKILL.

// serveChildEnv makes the test binary run `selfcheck serve` with its
// environment instead of the tests (see TestMain).
const serveChildEnv = "SELFCHECK_SERVE_CHILD"

// serveChild is `selfcheck serve` in a child process.
func serveChild() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, []string{"serve"}, os.Getenv, strings.NewReader(""), os.Stdout, os.Stderr)
	return exitCode(err, os.Stderr)
}

// slackAPI is a fake Slack Web API that records what the bots post.
type slackAPI struct {
	srv   *httptest.Server
	mu    sync.Mutex
	calls []apiCall
}

type apiCall struct {
	method string
	args   url.Values
	at     time.Time
}

func newSlackAPI(t *testing.T) *slackAPI {
	a := &slackAPI{}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		args, _ := url.ParseQuery(string(raw))
		if strings.Contains(r.Header.Get("Content-Type"), "json") {
			var m map[string]any
			_ = json.Unmarshal(raw, &m)
			args = url.Values{}
			for k, v := range m {
				if s, ok := v.(string); ok {
					args.Set(k, s)
				} else {
					b, _ := json.Marshal(v)
					args.Set(k, string(b))
				}
			}
		}
		method := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		a.mu.Lock()
		a.calls = append(a.calls, apiCall{method: method, args: args, at: time.Now()})
		a.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "user_id": "UBOT", "bot_id": "B1", "team_id": "T1",
			"ts": fmt.Sprintf("1700009999.%06d", time.Now().UnixMicro()%1e6), "channel": "C1"})
	}))
	t.Cleanup(a.srv.Close)
	return a
}

// replies returns the messages posted or updated in the thread.
func (a *slackAPI) replies(thread string) []apiCall {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []apiCall
	for _, c := range a.calls {
		if (c.method == "chat.postMessage" || c.method == "chat.update") && c.args.Get("thread_ts") == thread {
			out = append(out, c)
		}
	}
	return out
}

func (a *slackAPI) posts(thread string) int {
	n := 0
	for _, c := range a.replies(thread) {
		if c.method == "chat.postMessage" {
			n++
		}
	}
	return n
}

// replica is one `selfcheck serve` child process.
type replica struct {
	base    string
	cmd     *exec.Cmd
	done    chan struct{} // closed when the process has exited
	waitErr error         // how it exited, once done is closed
	logs    *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

func startReplica(t *testing.T, dbURL string, api *slackAPI) *replica {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	r := &replica{base: "http://" + addr, done: make(chan struct{}), logs: &lockedBuffer{}}
	r.cmd = exec.Command(os.Args[0], "-test.run=^$")
	r.cmd.Env = []string{
		serveChildEnv + "=1", "PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(),
		"DATA_DIR=" + t.TempDir(), "DATABASE_URL=" + dbURL,
		"SLACK_BOT_TOKEN=xoxb-1", "SLACK_SIGNING_SECRET=s", "SLACK_API_URL=" + api.srv.URL + "/api/",
		"LISTEN_ADDR=" + addr, "SUPPORT_STAFF_IDS=U0STAFF1", "LOG_LEVEL=warn",
	}
	r.cmd.Stdout, r.cmd.Stderr = r.logs, r.logs
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.waitErr = r.cmd.Wait(); close(r.done) }()
	t.Cleanup(func() {
		r.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-r.done:
		case <-time.After(20 * time.Second):
			r.cmd.Process.Kill()
			<-r.done
		}
		if t.Failed() {
			t.Logf("replica %s said:\n%s", addr, r.logs.String())
		}
	})
	exited := false
	if !eventually(t, 50*time.Millisecond, func() bool {
		select {
		case <-r.done:
			exited = true
			return true
		default:
		}
		resp, err := http.Get(r.base + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	}) {
		t.Fatalf("replica never served:\n%s", r.logs.String())
	}
	if exited {
		t.Fatalf("replica exited before serving: %v\n%s", r.waitErr, r.logs.String())
	}
	return r
}

// send posts a signed Slack request and returns the status and body.
func (r *replica) send(path, contentType, body string, header map[string]string) (int, string, error) {
	req, _ := http.NewRequest(http.MethodPost, r.base+path, strings.NewReader(body))
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte("s"))
	mac.Write([]byte("v0:" + ts + ":" + body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw), nil
}

// mention delivers an app_mention event (retry "" for the first
// delivery, "1", "2" … for Slack's retries).
func (r *replica) mention(t *testing.T, eventID, ts, text, retry string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": "T1", "event_id": eventID,
		"event": map[string]any{"type": "app_mention", "user": "U1", "text": "<@UBOT> " + text, "ts": ts, "channel": "C1"}})
	h := map[string]string{}
	if retry != "" {
		h["X-Slack-Retry-Num"], h["X-Slack-Retry-Reason"] = retry, "http_timeout"
	}
	if code, _, err := r.send("/slack/events", "application/json", string(body), h); err != nil || code != http.StatusOK {
		t.Errorf("event %s (retry %q): %d, %v; want 200", eventID, retry, code, err)
	}
}

func (r *replica) slash(user, text, responseURL string) (string, error) {
	body := url.Values{"command": {"/selfcheck"}, "text": {text}, "user_id": {user}, "channel_id": {"C1"},
		"response_url": {responseURL}, "trigger_id": {"1.2.3"}}.Encode()
	code, out, err := r.send("/slack/commands", "application/x-www-form-urlencoded", body, nil)
	if err == nil && code != http.StatusOK {
		err = fmt.Errorf("status %d", code)
	}
	return out, err
}

func (r *replica) click(t *testing.T, user, value, msgTS string, responseURL string) {
	t.Helper()
	p, _ := json.Marshal(map[string]any{
		"type": "block_actions", "user": map[string]any{"id": user}, "channel": map[string]any{"id": "C1"},
		"container":    map[string]any{"type": "message", "message_ts": msgTS, "channel_id": "C1", "is_ephemeral": true},
		"response_url": responseURL,
		"actions": []map[string]any{{"action_id": "feedback", "block_id": "feedback", "value": value,
			"type": "feedback_buttons", "action_ts": "1700000100.000001"}},
	})
	body := url.Values{"payload": {string(p)}}.Encode()
	if code, _, err := r.send("/slack/interactions", "application/x-www-form-urlencoded", body, nil); err != nil || code != http.StatusOK {
		t.Errorf("click: %d, %v; want 200", code, err)
	}
}

func (r *replica) feedback(t *testing.T) (up, down int) {
	t.Helper()
	resp, err := http.Get(r.base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h struct {
		Feedback struct{ Up, Down int } `json:"feedback"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	return h.Feedback.Up, h.Feedback.Down
}

const (
	cannedQuestion = "고객의견 수렴채널은 몇 개?"
	cannedText     = "고객의견 수렴채널은 1개 이상이면 됩니다. FAQ, 1:1 문의, 고객센터 대표전화 중 운영하는 채널을 모두 적으세요."
)

// offered reports whether the reply in thread carries the canned text.
func (a *slackAPI) offered(thread string) bool {
	for _, c := range a.replies(thread) {
		if strings.Contains(c.args.Get("text")+c.args.Get("blocks"), "1개 이상이면 됩니다") {
			return true
		}
	}
	return false
}

func TestReplicasShareState(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two serve processes")
	}
	dbURL := storagetest.Database(t, storagetest.URL(t))
	api := newSlackAPI(t)
	a, b := startReplica(t, dbURL, api), startReplica(t, dbURL, api)

	t.Run("an event delivered to both and retried is answered once", func(t *testing.T) {
		for i := range 5 {
			ts := fmt.Sprintf("1700000100.%06d", i)
			id := fmt.Sprintf("EvBoth%d", i)
			var wg sync.WaitGroup
			for _, d := range []struct {
				r     *replica
				retry string
			}{{a, ""}, {b, ""}, {a, "1"}, {b, "1"}, {b, "2"}} {
				wg.Go(func() { d.r.mention(t, id, ts, "1.3", d.retry) })
			}
			wg.Wait()
			if !eventually(t, 20*time.Millisecond, func() bool { return api.posts(ts) > 0 }) {
				t.Fatalf("event %s: no answer", id)
			}
			time.Sleep(300 * time.Millisecond) // room for a second answer to show
			if n := api.posts(ts); n != 1 {
				t.Errorf("event %s delivered 5 times across the replicas: %d answers; want 1", id, n)
			}
		}
	})

	t.Run("a canned answer saved through one is offered by the other", func(t *testing.T) {
		ask := func(i int) string {
			ts := fmt.Sprintf("1700000200.%06d", i)
			b.mention(t, fmt.Sprintf("EvAsk%d", i), ts, cannedQuestion, "")
			if !eventually(t, 20*time.Millisecond, func() bool { return api.posts(ts) > 0 }) {
				t.Fatalf("question %d: no answer", i)
			}
			return ts
		}
		if api.offered(ask(0)) {
			t.Fatal("the canned answer was offered before it was saved")
		}
		out, err := a.slash("U0STAFF1", "canned save --item 3.2 channels "+cannedText, api.srv.URL+"/resp")
		if err != nil || !strings.Contains(out, "저장했어요") {
			t.Fatalf("save through A: %s, %v", out, err)
		}
		// B reads the store every cannedRefreshShared; how long the change
		// took is reported, not bounded (a busy machine stretches it).
		saved, i := time.Now(), 0
		if !eventually(t, 100*time.Millisecond, func() bool { i++; return api.offered(ask(i)) }) {
			t.Fatal("B never offered the answer saved through A")
		}
		t.Logf("saved through A, offered by B %s later (B polls every %s)", time.Since(saved).Round(time.Millisecond), cannedRefreshShared)
	})

	t.Run("a feedback click is counted once", func(t *testing.T) {
		resp := api.srv.URL + "/resp"
		for _, r := range []*replica{a, b, a, b} { // the same click, and Slack's repeats, on both
			r.click(t, "U7", "up|guidance|1.3", "1700000300.000001", resp)
		}
		b.click(t, "U8", "down|guidance|1.3", "1700000300.000001", resp)
		for name, r := range map[string]*replica{"A": a, "B": b} {
			if up, down := r.feedback(t); up != 1 || down != 1 {
				t.Errorf("replica %s counts 👍%d 👎%d; want 👍1 👎1", name, up, down)
			}
		}
	})
}

// Killing one replica with SIGKILL while staff save answers through it
// loses none that it acknowledged, and the other keeps serving them.
func TestReplicaKilledMidWork(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two serve processes")
	}
	dbURL := storagetest.Database(t, storagetest.URL(t))
	api := newSlackAPI(t)
	a, b := startReplica(t, dbURL, api), startReplica(t, dbURL, api)

	var (
		mu    sync.Mutex
		acked []string
	)
	const workers = 4
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range workers {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				name := fmt.Sprintf("kill-%d-%d", w, i)
				out, err := a.slash("U0STAFF1", "canned save "+name+" 답변 "+name, api.srv.URL+"/resp")
				if err != nil {
					return // A is gone
				}
				if strings.Contains(out, "저장했어요") {
					mu.Lock()
					acked = append(acked, name)
					mu.Unlock()
				}
			}
		})
	}
	if !eventually(t, 20*time.Millisecond, func() bool { mu.Lock(); defer mu.Unlock(); return len(acked) >= 40 }) {
		t.Fatal("A never acknowledged 40 saves")
	}
	if err := a.cmd.Process.Kill(); err != nil { // SIGKILL, mid-save
		t.Fatal(err)
	}
	<-a.done
	close(stop)
	wg.Wait()
	mu.Lock()
	names := append([]string(nil), acked...)
	mu.Unlock()

	store, err := canned.Open(t.Context(), canned.Config{DatabaseURL: dbURL})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for _, n := range names {
		if got, err := store.Get(t.Context(), n); err != nil || got.Text != "답변 "+n {
			t.Errorf("acknowledged %s: %+v, %v; want it stored", n, got, err)
		}
	}
	t.Logf("A acknowledged %d saves before SIGKILL; all stored", len(names))

	// B keeps serving: it answers, and shows an answer A saved.
	last := names[len(names)-1]
	out, err := b.slash("U1", "canned show "+last, api.srv.URL+"/resp")
	if err != nil || !strings.Contains(out, "답변 "+last) {
		t.Errorf("B showing %s after A died: %s, %v", last, out, err)
	}
	b.mention(t, "EvAfterKill", "1700000400.000001", "1.3", "")
	if !eventually(t, 20*time.Millisecond, func() bool { return api.posts("1700000400.000001") == 1 }) {
		t.Error("B did not answer after A was killed")
	}
}
