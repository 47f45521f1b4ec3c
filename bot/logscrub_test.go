package bot

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
)

// Over the failure paths (expired and unreachable response_urls, model
// errors, Slack errors) no log line carries a response_url, a token, a
// key or the user's text.
func TestFailureLogsCarryNoSecrets(t *testing.T) {
	const (
		hookSecret = "HOOKSECRET9931"
		apiKey     = "sk-live-abcdef123456"
		draftMark  = "DRAFTMARK4471"
	)
	h := newHarness(t, func(c *Config) {
		c.AckTimeout = 30 * time.Millisecond
		c.MaxRetries = 1
	})
	modelErr := errors.New("chat completion: POST https://api.example.com/v1/chat/completions?api_key=" + apiKey +
		": 401 Unauthorized (Authorization: Bearer " + apiKey + ")")
	h.eng.review = func(string, string) (knowledge.Report, error) { return knowledge.Report{}, modelErr }
	h.eng.ask = func(string) (engine.Answer, error) { return engine.Answer{}, modelErr }
	h.eng.delay = 100 * time.Millisecond

	// Expired response_url; the fallback then fails as well.
	h.slack.set(func(f *fakeSlack) {
		f.failWith["chat.postEphemeral"] = "channel_not_found"
		f.failWith["chat.postMessage"] = "invalid_auth"
	})
	h.slash(t, "1.2 제1조 "+draftMark+" 수집 항목\n제2조 보유 기간", h.resp.srv.URL+"/expired/T1/1234/"+hookSecret)
	// A response_url nobody answers.
	h.slash(t, "질문 "+draftMark, "http://127.0.0.1:1/commands/T1/5678/"+hookSecret)
	// A mention whose answer Slack refuses.
	h.event(t, eventBody("EvLog1", mention("<@UBOT> "+draftMark+" 질문", "1700000700.000100", "")), "")
	h.event(t, eventBody("EvLog2", dm("1.2 검토\n"+draftMark, "1700000701.000100")), "")
	h.settle(t)

	logs := h.logs.String()
	if !strings.Contains(logs, "delivery failed") || !strings.Contains(logs, "work failed") {
		t.Fatalf("the failure paths did not run; logs:\n%s", logs)
	}
	for _, secret := range []string{hookSecret, "/expired/", "/commands/T1", apiKey, "api_key=", testBotToken, draftMark} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q", secret)
		}
	}
}

func TestScrub(t *testing.T) {
	cases := []struct{ in, want string }{
		{`Post "https://hooks.slack.com/commands/T1/2/abc": timeout`, `Post "https://hooks.slack.com/[redacted]": timeout`},
		{`Post "https://slack.com/api/chat.postMessage": EOF`, `Post "https://slack.com/api/chat.postMessage": EOF`},
		{"token xoxb-123-456-abc used", "token [redacted] used"},
		{"app xapp-1-A1-2-ff", "app [redacted]"},
		{"Authorization: Bearer abc.def", "Authorization: [redacted]"},
		{"https://user:pass@proxy.example:8080/api/x", "https://proxy.example:8080/api/x"},
		{"https://slack.com/api/x?token=xoxb-1", "https://slack.com/[redacted]"},
		{"no secrets here", "no secrets here"},
	}
	for _, c := range cases {
		if got := scrub(c.in); got != c.want {
			t.Errorf("scrub(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}
