package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/selfcheck/selfcheck/canned"
	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/usererr"
)

// stubEngine answers everything with nothing; serve tests exercise the
// wiring, not the answers.
type stubEngine struct{}

func (stubEngine) Ask(context.Context, string) (engine.Answer, error)   { return engine.Answer{}, nil }
func (stubEngine) Guide(context.Context, string) (engine.Answer, error) { return engine.Answer{}, nil }
func (stubEngine) Review(context.Context, string, string) (knowledge.Report, error) {
	return knowledge.Report{}, nil
}

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestServeConfigErrors(t *testing.T) {
	const secret = "xoxp-1234-super-secret"
	cases := []struct {
		name    string
		env     map[string]string
		wantVar string // the variable the error must name
	}{
		{"nothing set", map[string]string{}, "SLACK_BOT_TOKEN"},
		{"blank bot token", map[string]string{"SLACK_BOT_TOKEN": "  ", "SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"},
		{"user token as bot token", map[string]string{"SLACK_BOT_TOKEN": secret, "SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"},
		{"app token as bot token", map[string]string{"SLACK_BOT_TOKEN": "xapp-1", "SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"},
		{"bot token as app token", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-2"}, "SLACK_APP_TOKEN"},
		{"http mode without signing secret", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"},
		{"api url without scheme", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "slack.com/api/"}, "SLACK_API_URL"},
		{"api url with other scheme", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "ftp://slack.com/api/"}, "SLACK_API_URL"},
		{"api url unparsable", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "http://[::1"}, "SLACK_API_URL"},
		{"listen addr without port", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "LISTEN_ADDR": "3000"}, "LISTEN_ADDR"},
		{"listen addr with empty port", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "LISTEN_ADDR": "localhost:"}, "LISTEN_ADDR"},
		{"staff as names", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SUPPORT_STAFF_IDS": "alice,bob"}, "SUPPORT_STAFF_IDS"},
		{"staff as mention", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SUPPORT_STAFF_IDS": "<@U0123ABCD>"}, "SUPPORT_STAFF_IDS"},
		{"staff lowercase", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SUPPORT_STAFF_IDS": "u0123abcd"}, "SUPPORT_STAFF_IDS"},
		{"staff with semicolons", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SUPPORT_STAFF_IDS": "U0123ABCD;U0456EFGH"}, "SUPPORT_STAFF_IDS"},
		{"staff separated by spaces", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SUPPORT_STAFF_IDS": "U0123ABCD U0456EFGH"}, "SUPPORT_STAFF_IDS"},
		{"staff channel ID", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SUPPORT_STAFF_IDS": "C0123ABCD"}, "SUPPORT_STAFF_IDS"},
		{"shutdown grace without unit", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SHUTDOWN_GRACE": "20"}, "SHUTDOWN_GRACE"},
		{"shutdown grace zero", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SHUTDOWN_GRACE": "0s"}, "SHUTDOWN_GRACE"},
		{"staff one bad among good", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SUPPORT_STAFF_IDS": "U0123ABCD, @carol ,U0456EFGH"}, "SUPPORT_STAFF_IDS"},
		{"support channel as name", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SUPPORT_CHANNEL": "#support"}, "SUPPORT_CHANNEL"},
		{"support channel as user", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SUPPORT_CHANNEL": "U0123ABCD"}, "SUPPORT_CHANNEL"},
		{"support group as handle", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SUPPORT_GROUP_ID": "@support-team"}, "SUPPORT_GROUP_ID"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stderr bytes.Buffer
			err := runServe(t.Context(), envOf(c.env), serveDeps{Answerer: stubEngine{}, Reviewer: stubEngine{}}, &stderr)
			if err == nil {
				t.Fatalf("runServe = nil; want an error naming %s", c.wantVar)
			}
			if got := err.Error(); !strings.Contains(got, c.wantVar) {
				t.Errorf("error = %q; want it to name %s", got, c.wantVar)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error echoes the token: %q", err)
			}
			if !usererr.Is(err) {
				t.Errorf("error is %T; want a user error (exit status 2)", err)
			}
		})
	}
}

func TestServeConfigValid(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want serveConfig
	}{
		{"http mode defaults", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"},
			serveConfig{BotToken: "xoxb-1", SigningSecret: "s", ListenAddr: ":3000"}},
		{"socket mode needs no secret", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"},
			serveConfig{BotToken: "xoxb-1", AppToken: "xapp-1", ListenAddr: ":3000"}},
		{"everything set, spaces trimmed", map[string]string{"SLACK_BOT_TOKEN": " xoxb-1\n", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "http://127.0.0.1:9/api/", "LISTEN_ADDR": "127.0.0.1:8080"},
			serveConfig{BotToken: "xoxb-1", SigningSecret: "s", APIURL: "http://127.0.0.1:9/api/", ListenAddr: "127.0.0.1:8080"}},
		{"one staff member", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SUPPORT_STAFF_IDS": "U0123ABCD"},
			serveConfig{BotToken: "xoxb-1", SigningSecret: "s", ListenAddr: ":3000", SupportStaff: []string{"U0123ABCD"}}},
		{"staff trimmed, blanks and duplicates dropped", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SUPPORT_STAFF_IDS": " U0123ABCD ,\tW0456EFGH,, U0123ABCD ,\n"},
			serveConfig{BotToken: "xoxb-1", SigningSecret: "s", ListenAddr: ":3000", SupportStaff: []string{"U0123ABCD", "W0456EFGH"}}},
		{"support channel and group", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SUPPORT_CHANNEL": " C0SUPPORT ", "SUPPORT_GROUP_ID": "S0TEAM1"},
			serveConfig{BotToken: "xoxb-1", SigningSecret: "s", ListenAddr: ":3000", SupportChannel: "C0SUPPORT", SupportGroup: "S0TEAM1"}},
		{"shutdown grace", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SHUTDOWN_GRACE": "45s"},
			serveConfig{BotToken: "xoxb-1", SigningSecret: "s", ListenAddr: ":3000", ShutdownGrace: 45 * time.Second}},
		{"staff blank", map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SUPPORT_STAFF_IDS": " , "},
			serveConfig{BotToken: "xoxb-1", SigningSecret: "s", ListenAddr: ":3000"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := loadServeConfig(envOf(c.env))
			if err != nil {
				t.Fatalf("loadServeConfig: %v", err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("config = %+v; want %+v", got, c.want)
			}
		})
	}
}

func TestServeNeedsEngine(t *testing.T) {
	env := envOf(map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"})
	if err := runServe(t.Context(), env, serveDeps{}, &bytes.Buffer{}); err == nil {
		t.Errorf("runServe without an engine = nil; want an error")
	}
}

// startServe runs runServe in HTTP mode against a fake Web API on a free
// port and waits until it serves. stop cancels it and returns its error.
func startServe(t *testing.T, extraEnv map[string]string, deps serveDeps) (base string, stop func() error) {
	t.Helper()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "user_id": "UBOT", "team_id": "T1"})
	}))
	t.Cleanup(api.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	env := map[string]string{
		"SLACK_BOT_TOKEN":      "xoxb-1",
		"SLACK_SIGNING_SECRET": "s",
		"SLACK_API_URL":        api.URL + "/api/",
		"LISTEN_ADDR":          addr,
	}
	for k, v := range extraEnv {
		env[k] = v
	}
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	var stderr bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, envOf(env), deps, &stderr) }()

	base = "http://" + addr
	if !eventually(t, 20*time.Millisecond, func() bool {
		var resp *http.Response
		if resp, err = http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
		}
		return err == nil
	}) {
		t.Fatalf("bot not serving: %v", err)
	}
	return base, func() error {
		cancel()
		return <-done // a runServe that never returns fails at go test's -timeout
	}
}

// runServe in HTTP mode against a fake Web API: it starts, serves, and
// returns nil when its context ends.
func TestServeRunsAndStops(t *testing.T) {
	_, stop := startServe(t, nil, serveDeps{Answerer: stubEngine{}, Reviewer: stubEngine{}})
	if err := stop(); err != nil {
		t.Errorf("runServe = %v; want nil after cancel", err)
	}
}

// SUPPORT_STAFF_IDS, the store and the refresh reach the bot: staff can
// save through a signed slash command, others cannot.
func TestServeCannedWired(t *testing.T) {
	store, err := canned.Open(t.Context(), canned.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	var refreshed atomic.Int64
	deps := serveDeps{
		Answerer: stubEngine{}, Reviewer: stubEngine{},
		Canned: store, CannedWriter: store,
		RefreshCanned: func(context.Context) error { refreshed.Add(1); return nil },
	}
	base, stop := startServe(t, map[string]string{"SUPPORT_STAFF_IDS": "U0STAFF1, U0STAFF2"}, deps)

	slash := func(user, text string) string {
		t.Helper()
		body := url.Values{"command": {"/selfcheck"}, "text": {text}, "user_id": {user}, "channel_id": {"C1"}, "response_url": {"http://127.0.0.1:9/unused"}}.Encode()
		req, _ := http.NewRequest(http.MethodPost, base+"/slack/commands", strings.NewReader(body))
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		mac := hmac.New(sha256.New, []byte("s"))
		mac.Write([]byte("v0:" + ts + ":" + body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return string(raw)
	}
	if got := slash("U0OTHER", "canned save faq-1 내용"); !strings.Contains(got, "지원 담당자만") {
		t.Errorf("non-staff save: %s; want a refusal", got)
	}
	if got := slash("U0STAFF2", "canned save faq-1 내용"); !strings.Contains(got, "저장했어요") {
		t.Errorf("staff save: %s; want it saved", got)
	}
	if err := stop(); err != nil {
		t.Errorf("runServe = %v", err)
	}
	a, err := store.Get(context.Background(), "faq-1")
	if err != nil || a.UpdatedBy != "U0STAFF2" {
		t.Errorf("stored %+v, %v; want faq-1 by U0STAFF2", a, err)
	}
	if got := refreshed.Load(); got != 1 {
		t.Errorf("RefreshCanned calls = %d; want 1", got)
	}
}

// A token Slack rejects is a setting to fix: exit status 2, with a
// message naming the variable.
func TestServeRejectedToken(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "invalid_auth"})
	}))
	defer api.Close()
	env := envOf(map[string]string{
		"SLACK_BOT_TOKEN": "xoxb-revoked", "SLACK_SIGNING_SECRET": "s",
		"SLACK_API_URL": api.URL + "/api/", "LISTEN_ADDR": "127.0.0.1:0",
	})
	err := runServe(t.Context(), env, serveDeps{Answerer: stubEngine{}, Reviewer: stubEngine{}}, &bytes.Buffer{})
	var stderr bytes.Buffer
	if code := exitCode(err, &stderr); code != 2 || !strings.Contains(stderr.String(), "SLACK_BOT_TOKEN") || !strings.Contains(stderr.String(), "invalid_auth") {
		t.Errorf("exit %d, stderr %q; want 2 naming SLACK_BOT_TOKEN and Slack's reason", code, stderr.String())
	}
}
