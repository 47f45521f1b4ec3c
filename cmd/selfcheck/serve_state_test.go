package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/selfcheck/selfcheck/botstate"
)

// 'selfcheck serve' keeps its dedupe in DATA_DIR: a Slack retry that
// reaches the restarted server is not answered again.
func TestServeRetryAfterRestartAnsweredOnce(t *testing.T) {
	var posts atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/chat.postMessage") {
			posts.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "user_id": "UBOT", "team_id": "T1", "ts": "1700000000.000001", "channel": "C1"})
	}))
	defer api.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dataDir := t.TempDir()
	env := map[string]string{
		"DATA_DIR": dataDir, "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s",
		"SLACK_API_URL": api.URL + "/api/", "LISTEN_ADDR": addr, "SHUTDOWN_GRACE": "5s", "LOG_LEVEL": "error",
	}
	body, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": "T1", "event_id": "EvServe1",
		"event": map[string]any{"type": "app_mention", "user": "U1", "text": "<@UBOT> 1.3", "ts": "1700000001.000100", "channel": "C1"}})

	serveOnce := func(retry string) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int, 1)
		go func() {
			var out, errb bytes.Buffer
			err := run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
			done <- exitCode(err, &errb)
		}()
		var err error
		if !eventually(t, 50*time.Millisecond, func() bool {
			var resp *http.Response
			if resp, err = http.Get("http://" + addr + "/healthz"); err == nil {
				resp.Body.Close()
			}
			return err == nil
		}) {
			t.Fatalf("serve did not come up: %v", err)
		}
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/slack/events", bytes.NewReader(body))
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		mac := hmac.New(sha256.New, []byte("s"))
		mac.Write([]byte("v0:" + ts + ":" + string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
		if retry != "" {
			req.Header.Set("X-Slack-Retry-Num", retry)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("event: %v %v", resp, err)
		}
		resp.Body.Close()
		if retry == "" {
			eventually(t, 20*time.Millisecond, func() bool { return posts.Load() > 0 })
		} else {
			time.Sleep(300 * time.Millisecond) // room for a second answer to show
		}
		cancel()
		if code := <-done; code != 0 {
			t.Fatalf("serve exited %d", code)
		}
	}
	serveOnce("")
	if posts.Load() != 1 {
		t.Fatalf("first delivery answered %d times; want 1", posts.Load())
	}
	serveOnce("1")
	if posts.Load() != 1 {
		t.Errorf("the retry after a restart was answered again: %d answers", posts.Load())
	}
	if _, err := os.Stat(filepath.Join(dataDir, botstate.FileName)); err != nil {
		t.Errorf("no %s in DATA_DIR: %v", botstate.FileName, err)
	}
}
