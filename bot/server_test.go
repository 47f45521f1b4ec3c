package bot

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSignatureRejected(t *testing.T) {
	routes := []struct {
		path, contentType string
		body              []byte
	}{
		{"/slack/commands", "application/x-www-form-urlencoded", slashForm("1.2 초안 본문입니다", "")},
		{"/slack/events", "application/json", eventBody("Ev1", map[string]any{"type": "app_mention", "user": "U1", "text": "<@UBOT> 질문", "ts": "1.1", "channel": "C1"})},
		{"/slack/interactions", "application/x-www-form-urlencoded", []byte(url.Values{"payload": {`{"type":"block_actions","user":{"id":"U1"},"actions":[{"action_id":"feedback_up","value":"ask|1.3"}]}`}}.Encode())},
	}
	now := time.Now().Unix()
	cases := []struct {
		name   string
		modify func(r *http.Request, body []byte)
	}{
		{"missing signature", func(r *http.Request, _ []byte) { r.Header.Del("X-Slack-Signature") }},
		{"missing timestamp", func(r *http.Request, _ []byte) { r.Header.Del("X-Slack-Request-Timestamp") }},
		{"no headers", func(r *http.Request, _ []byte) {
			r.Header.Del("X-Slack-Signature")
			r.Header.Del("X-Slack-Request-Timestamp")
		}},
		{"wrong secret", func(r *http.Request, body []byte) {
			r.Header.Set("X-Slack-Signature", sign("another-secret", r.Header.Get("X-Slack-Request-Timestamp"), body))
		}},
		{"garbage signature", func(r *http.Request, _ []byte) { r.Header.Set("X-Slack-Signature", "v0=zz") }},
		{"v1 scheme", func(r *http.Request, _ []byte) {
			r.Header.Set("X-Slack-Signature", strings.Replace(r.Header.Get("X-Slack-Signature"), "v0=", "v1=", 1))
		}},
		{"stale timestamp", func(r *http.Request, body []byte) {
			ts := strconv.FormatInt(now-6*60, 10)
			r.Header.Set("X-Slack-Request-Timestamp", ts)
			r.Header.Set("X-Slack-Signature", sign(testSecret, ts, body))
		}},
		{"future timestamp", func(r *http.Request, body []byte) {
			ts := strconv.FormatInt(now+6*60, 10)
			r.Header.Set("X-Slack-Request-Timestamp", ts)
			r.Header.Set("X-Slack-Signature", sign(testSecret, ts, body))
		}},
		{"timestamp changed after signing", func(r *http.Request, _ []byte) {
			r.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(now-1, 10))
		}},
	}
	h := newHarness(t)
	for _, rt := range routes {
		for _, c := range cases {
			t.Run(rt.path+"/"+c.name, func(t *testing.T) {
				req := h.signedRequest(t, rt.path, rt.contentType, rt.body)
				c.modify(req, rt.body)
				resp, _ := h.do(t, req)
				if got, want := resp.StatusCode, http.StatusUnauthorized; got != want {
					t.Errorf("status = %d; want %d", got, want)
				}
			})
		}
		t.Run(rt.path+"/tampered body", func(t *testing.T) {
			req := h.signedRequest(t, rt.path, rt.contentType, rt.body)
			tampered := append(bytes.Clone(rt.body), 'x')
			req.Body = httpBody(tampered)
			req.ContentLength = int64(len(tampered))
			resp, _ := h.do(t, req)
			if got, want := resp.StatusCode, http.StatusUnauthorized; got != want {
				t.Errorf("status = %d; want %d", got, want)
			}
		})
	}
	h.settle(t)
	if got := h.eng.called(); len(got) != 0 {
		t.Errorf("engine calls = %q; want none", got)
	}
	if got := h.slack.allCalls(); len(got) != 0 {
		t.Errorf("Slack API calls = %d; want none", len(got))
	}
	if got := h.resp.all(); len(got) != 0 {
		t.Errorf("response_url posts = %d; want none", len(got))
	}
	if got := h.bot.FeedbackCounts(); got.Up+got.Down != 0 {
		t.Errorf("feedback = %+v; want none counted", got)
	}
}

func TestBodyLimits(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		name string
		size int
		want int
	}{
		{"slash text of 4k", 4000, http.StatusOK},
		{"just under 1 MiB", DefaultMaxBodyBytes - 200, http.StatusOK},
		{"over 1 MiB", DefaultMaxBodyBytes + 1, http.StatusRequestEntityTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := slashForm("", "")
			pad := c.size - len(body)
			form, _ := url.ParseQuery(string(body))
			form.Set("pad", strings.Repeat("a", max(pad-5, 0)))
			body = []byte(form.Encode())
			resp, _ := h.do(t, h.signedRequest(t, "/slack/commands", "application/x-www-form-urlencoded", body))
			if got := resp.StatusCode; got != c.want {
				t.Errorf("status for %d bytes = %d; want %d", len(body), got, c.want)
			}
		})
	}
}

func TestMalformedBodies(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		name, path, contentType, body string
	}{
		{"slash not a form", "/slack/commands", "application/x-www-form-urlencoded", "%zz%"},
		{"slash without command", "/slack/commands", "application/x-www-form-urlencoded", "text=1.2"},
		{"event not JSON", "/slack/events", "application/json", "{not json"},
		{"event without inner event", "/slack/events", "application/json", `{"type":"event_callback","event_id":"Ev9"}`},
		{"event with wrong field types", "/slack/events", "application/json", `{"type":"event_callback","event_id":"Ev9","event":{"type":"app_mention","text":5}}`},
		{"interaction without payload", "/slack/interactions", "application/x-www-form-urlencoded", "foo=bar"},
		{"interaction payload not JSON", "/slack/interactions", "application/x-www-form-urlencoded", "payload=%7Bnope"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, _ := h.do(t, h.signedRequest(t, c.path, c.contentType, []byte(c.body)))
			if got, want := resp.StatusCode, http.StatusBadRequest; got != want {
				t.Errorf("status = %d; want %d", got, want)
			}
		})
	}
	h.settle(t)
	if got := h.eng.called(); len(got) != 0 {
		t.Errorf("engine calls = %q; want none", got)
	}
}

func TestURLVerification(t *testing.T) {
	h := newHarness(t)
	body := []byte(`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)
	resp, raw := h.do(t, h.signedRequest(t, "/slack/events", "application/json", body))
	var got struct{ Challenge string }
	_ = json.Unmarshal(raw, &got)
	if resp.StatusCode != http.StatusOK || got.Challenge != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("got %d %q; want 200 with the challenge", resp.StatusCode, raw)
	}
}

func TestRoutes(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/healthz", http.StatusOK},
		{http.MethodGet, "/slack/commands", http.StatusMethodNotAllowed},
		{http.MethodPost, "/healthz", http.StatusMethodNotAllowed},
		{http.MethodGet, "/nope", http.StatusNotFound},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, h.srv.URL+c.path, nil)
			resp, _ := h.do(t, req)
			if got := resp.StatusCode; got != c.want {
				t.Errorf("status = %d; want %d", got, c.want)
			}
		})
	}
}

func TestHealthz(t *testing.T) {
	h := newHarness(t)
	if _, err := h.bot.state.Vote(t.Context(), "C1/1.1", "U1", "1.3", "up"); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/healthz", nil)
	resp, raw := h.do(t, req)
	var got health
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("decode %q: %v", raw, err)
	}
	if resp.StatusCode != http.StatusOK || got.Status != "ok" || got.Mode != "http" || got.Feedback.Up != 1 || got.Feedback.ByItem["1.3"].Up != 1 {
		t.Errorf("healthz = %d %s; want ok, http mode, one 👍 on 1.3", resp.StatusCode, raw)
	}
}

func TestPanicRecovered(t *testing.T) {
	var logs syncBuffer
	h := newHarness(t, func(c *Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	})
	t.Run("handler panic is a 500", func(t *testing.T) {
		srv := httptest.NewServer(h.bot.wrap("boom", func(http.ResponseWriter, *http.Request, *slog.Logger) { panic("boom") }))
		defer srv.Close()
		resp, err := http.Get(srv.URL)
		if err != nil {
			t.Fatalf("server down after panic: %v", err)
		}
		resp.Body.Close()
		if got, want := resp.StatusCode, http.StatusInternalServerError; got != want {
			t.Errorf("status = %d; want %d", got, want)
		}
		if !strings.Contains(logs.String(), "panic recovered") {
			t.Errorf("panic not logged")
		}
	})
	t.Run("engine panic is a polite error", func(t *testing.T) {
		h.eng.ask = func(string) (engineAnswer, error) { panic("nil map") }
		status, ack := h.slash(t, "질문이 있어요", h.resp.url("p"))
		if status != http.StatusOK || !strings.Contains(ack.Text, "처리하지 못했어요") || strings.Contains(ack.Text, "nil map") {
			t.Errorf("ack = %d %q; want 200 with a generic error", status, ack.Text)
		}
		req, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/healthz", nil)
		if resp, _ := h.do(t, req); resp.StatusCode != http.StatusOK {
			t.Errorf("server unhealthy after panic")
		}
	})
}

func TestNewValidates(t *testing.T) {
	ok := Config{BotToken: testBotToken, SigningSecret: "s", Answerer: &fakeEngine{}, Reviewer: &fakeEngine{}}
	cases := []struct {
		name   string
		modify func(*Config)
		want   string // substring of the error; "" for success
	}{
		{"valid http", func(*Config) {}, ""},
		{"valid socket without secret", func(c *Config) { c.AppToken, c.SigningSecret = testAppToken, "" }, ""},
		{"no bot token", func(c *Config) { c.BotToken = "" }, "BotToken"},
		{"user token", func(c *Config) { c.BotToken = "xoxp-1" }, "BotToken"},
		{"bad app token", func(c *Config) { c.AppToken = "xoxb-1" }, "AppToken"},
		{"http without secret", func(c *Config) { c.SigningSecret = "" }, "SigningSecret"},
		{"no answerer", func(c *Config) { c.Answerer = nil }, "Answerer"},
		{"no reviewer", func(c *Config) { c.Reviewer = nil }, "Reviewer"},
		{"ack timeout beyond Slack's limit", func(c *Config) { c.AckTimeout = 3 * time.Second }, "AckTimeout"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := ok
			c.modify(&cfg)
			_, err := New(cfg)
			switch {
			case c.want == "" && err != nil:
				t.Errorf("New: %v; want success", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("New error = %v; want one naming %s", err, c.want)
			}
		})
	}
}
