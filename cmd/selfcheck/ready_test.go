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
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/selfcheck/selfcheck/canned"
)

// readyAnswers is how many canned answers the readiness test starts with:
// 1,000, enough for /readyz to be seen 503 while they are embedded; the
// 10,000 of the scale target with SELFCHECK_LOAD=1 (.ci/run's load step),
// where embedding them takes 15-30 s, too long for every go test run.
func readyAnswers() int {
	if os.Getenv("SELFCHECK_LOAD") == "1" && !raceOn {
		return 10000
	}
	return 1000
}

// postsAPI is a Slack Web API that answers every call and keeps the
// texts posted in each thread.
type postsAPI struct {
	srv   *httptest.Server
	mu    sync.Mutex
	posts map[string][]string // thread ts → texts, in order
	at    map[string]time.Time
}

func newPostsAPI(t *testing.T) *postsAPI {
	a := &postsAPI{posts: map[string][]string{}, at: map[string]time.Time{}}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/chat.postMessage") {
			_ = r.ParseForm()
			thread := r.PostForm.Get("thread_ts")
			text := r.PostForm.Get("text") + "\n" + r.PostForm.Get("blocks")
			a.mu.Lock()
			a.posts[thread] = append(a.posts[thread], text)
			a.at[thread] = time.Now()
			a.mu.Unlock()
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "user_id": "UBOT", "team_id": "T1", "ts": "1700000000.000001", "channel": "C1"})
	}))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *postsAPI) answer(thread string) (string, time.Time, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	p := a.posts[thread]
	if len(p) == 0 {
		return "", time.Time{}, false
	}
	return strings.Join(p, "\n"), a.at[thread], true
}

// signedEvent posts an Events API callback signed with secret "s".
func signedEvent(t *testing.T, base string, body []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/slack/events", bytes.NewReader(body))
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte("s"))
	mac.Write([]byte("v0:" + ts + ":" + string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("event: %v %v", resp, err)
	}
	resp.Body.Close()
}

// A server started with 10,000 canned answers and no canned.vec (a first
// start, or canned.db copied without it) says it is rebuilding the index,
// answers /readyz 503 until the answers are embedded, then 200; the first
// mention after that is answered without waiting for the index, like the
// tenth, and every answer offers the canned one.
func TestServeReadyOnlyOnceCannedIndexLoaded(t *testing.T) {
	n := readyAnswers()
	dir := coldScaleDir(t, n)
	if _, err := os.Stat(filepath.Join(dir, "index", "canned.vec")); err == nil {
		t.Fatal("canned.vec present before the first start")
	}
	api := newPostsAPI(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	base := "http://" + addr
	env := map[string]string{
		"DATA_DIR": dir, "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "STATS": "off",
		"SLACK_API_URL": api.srv.URL + "/api/", "LISTEN_ADDR": addr, "SHUTDOWN_GRACE": "5s", "LOG_LEVEL": "info",
	}
	logs := &lockedBuffer{}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, logs)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		if t.Failed() {
			t.Logf("serve logs:\n%s", logs.String())
		}
	}()

	var notReady []string
	var readyAt time.Time
	if !eventually(t, 20*time.Millisecond, func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var r struct {
			Status string            `json:"status"`
			Checks map[string]string `json:"checks"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&r)
		if resp.StatusCode == http.StatusOK {
			readyAt = time.Now()
			return true
		}
		if resp.StatusCode != http.StatusServiceUnavailable || r.Status != "not_ready" {
			t.Fatalf("/readyz = %d %+v; want 503 not_ready or 200", resp.StatusCode, r)
		}
		notReady = append(notReady, r.Checks["canned_index"])
		return false
	}) {
		t.Fatal("/readyz never became 200")
	}
	if len(notReady) == 0 {
		t.Fatalf("/readyz was 200 at once with %d answers to embed; want 503 while they are", n)
	}
	if !strings.Contains(logs.String(), "embedding answers missing from canned.vec") {
		t.Error("the rebuild of the canned index is not logged")
	}
	t.Logf("%d canned answers, no canned.vec: ready after %s; /readyz said %q … %q", n,
		readyAt.Sub(start).Round(time.Millisecond), notReady[0], notReady[len(notReady)-1])

	var took []time.Duration
	for i := range 10 {
		ts := fmt.Sprintf("1700009000.%06d", i)
		body, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": "T1", "event_id": fmt.Sprintf("EvReady%d", i),
			"event": map[string]any{"type": "app_mention", "user": "U1", "text": "<@UBOT> " + scaleQuestion, "ts": ts, "channel": "C1"}})
		sent := time.Now()
		signedEvent(t, base, body)
		var text string
		var at time.Time
		if !eventually(t, 5*time.Millisecond, func() bool {
			var ok bool
			text, at, ok = api.answer(ts)
			return ok
		}) {
			t.Fatalf("mention %d not answered", i+1)
		}
		took = append(took, at.Sub(sent))
		if !strings.Contains(text, "canned") && !strings.Contains(text, "담당자 확인 답변") {
			t.Errorf("mention %d: no canned answer offered:\n%s", i+1, text)
		}
	}
	if strings.Contains(logs.String(), "ask waits for the canned answers' index") {
		t.Error("a mention after /readyz said ready waited for the canned index")
	}
	t.Logf("first mention after ready answered in %s, tenth in %s", took[0].Round(time.Millisecond), took[9].Round(time.Millisecond))
}

// "canned import" and "canned add" update canned.vec before they return:
// the server's next start embeds none of the answers again.
func TestCannedImportUpdatesTheIndex(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(t.TempDir(), "answers.json")
	raw, _ := json.Marshal(syntheticAnswers(300))
	if err := os.WriteFile(file, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DATA_DIR": dir}
	var out, errb bytes.Buffer
	if err := run(t.Context(), []string{"canned", "import", file}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb); err != nil {
		t.Fatalf("import: %v: %s", err, errb.String())
	}
	if !strings.Contains(errb.String(), "search index of canned answers updated (300 answers)") {
		t.Errorf("import did not say it updated the index: %q", errb.String())
	}
	errb.Reset()
	if err := run(t.Context(), []string{"canned", "add", "faq-new", "--item", "1.3", "--text", "개인정보 파기 절차는 보유 기간이 끝난 뒤 5일 이내에 진행합니다."},
		func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb); err != nil {
		t.Fatalf("add: %v: %s", err, errb.String())
	}
	if !strings.Contains(errb.String(), "(301 answers)") {
		t.Errorf("add did not update the index: %q", errb.String())
	}

	// A server's start over this DATA_DIR: the canned index loads from
	// disk and embeds nothing.
	var logs lockedBuffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	store, err := canned.Open(t.Context(), canned.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	e, _, err := newEngine(t.Context(), config{DataDir: dir}, log, true, store, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.RefreshCanned(t.Context()); err != nil {
		t.Fatal(err)
	}
	if st := e.CannedStatus(); !st.Ready || st.Answers != 301 {
		t.Errorf("canned status after a start = %+v; want ready with 301 answers", st)
	}
	if strings.Contains(logs.String(), "embedding answers missing") {
		t.Errorf("the start embedded the answers again:\n%s", logs.String())
	}
}
