package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
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
			var ue usageError
			if !errors.As(err, &ue) {
				t.Errorf("error is %T; want a usageError (exit status 2)", err)
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
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := loadServeConfig(envOf(c.env))
			if err != nil {
				t.Fatalf("loadServeConfig: %v", err)
			}
			if got != c.want {
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

// runServe in HTTP mode against a fake Web API: it starts, serves, and
// returns nil when its context ends.
func TestServeRunsAndStops(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "user_id": "UBOT", "team_id": "T1"})
	}))
	defer api.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	env := envOf(map[string]string{
		"SLACK_BOT_TOKEN":      "xoxb-1",
		"SLACK_SIGNING_SECRET": "s",
		"SLACK_API_URL":        api.URL + "/api/",
		"LISTEN_ADDR":          addr,
	})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stderr bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, env, serveDeps{Answerer: stubEngine{}, Reviewer: stubEngine{}}, &stderr) }()

	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("bot not serving: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("runServe = %v; want nil after cancel", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("runServe did not return")
	}
}
