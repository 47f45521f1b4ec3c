package bot

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// Run in HTTP mode returns after cancellation only once the replies in
// flight are delivered.
func TestRunHTTPGracefulShutdown(t *testing.T) {
	addr := freeAddr(t)
	h := newHarness(t, func(c *Config) {
		c.ListenAddr = addr
		c.BotUserID = "" // asked of auth.test
		c.AckTimeout = 50 * time.Millisecond
	})
	h.eng.reviewDelay = 500 * time.Millisecond
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	runErr := make(chan error, 1)
	go func() { runErr <- h.bot.Run(ctx) }()

	base := "http://" + addr
	waitUntil(t, "the server up", func() bool {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	})

	req := h.signedRequest(t, "/slack/commands", "application/x-www-form-urlencoded", slashForm("1.2 제1조 수집 항목: 이름\n제2조 보유 기간", h.resp.url("inflight")))
	req.URL.Host = addr
	resp, body := h.do(t, req)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "검토 중") {
		t.Fatalf("ack = %d %s; want the placeholder", resp.StatusCode, body)
	}
	cancel()
	select {
	case err := <-runErr:
		if err != nil {
			t.Errorf("Run = %v; want nil", err)
		}
	case <-time.After(patience):
		t.Fatal("Run did not return")
	}
	if got := h.resp.all(); len(got) != 1 || got[0].Path != "/resp/inflight" {
		t.Errorf("response_url posts at Run's return = %+v; want the in-flight review delivered", got)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Errorf("server still listening after Run returned")
	}
}

func TestRunAuthFails(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.ListenAddr = freeAddr(t)
		c.BotUserID = ""
	})
	h.slack.set(func(f *fakeSlack) { f.authErr = "invalid_auth" })
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := h.bot.Run(ctx); err == nil || !strings.Contains(err.Error(), "auth.test") {
		t.Errorf("Run = %v; want an auth.test error", err)
	}
}
