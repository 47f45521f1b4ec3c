package bot

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/botstate"
)

// Tests that no reply is doubled: retries after a restart, edits, the
// certificate check.

// A Slack retry that reaches a restarted bot is answered once: the
// dedupe is in the state under DATA_DIR, not in the process.
func TestRetryAfterRestartAnsweredOnce(t *testing.T) {
	dir := t.TempDir()
	body := eventBody("EvRestart", mention("<@UBOT> 1.3에는 무엇이 포함되어야 하나요?", "1700000100.000100", ""))

	st1, err := botstate.Open(context.Background(), botstate.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	h1 := newHarness(t, func(c *Config) { c.State = st1 })
	h1.event(t, body, "")
	h1.settle(t)
	st1.Close()

	st2, err := botstate.Open(context.Background(), botstate.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	h2 := newHarness(t, func(c *Config) { c.State = st2 })
	if got := h2.event(t, body, "1"); got != http.StatusOK {
		t.Fatalf("retry status = %d; want 200", got)
	}
	h2.settle(t)
	if n := len(h1.slack.accepted("chat.postMessage")) + len(h2.slack.accepted("chat.postMessage")); n != 1 {
		t.Errorf("answers posted across the restart = %d; want 1", n)
	}
	if got := h2.eng.called(); len(got) != 0 {
		t.Errorf("restarted bot did the work again: %q", got)
	}
}

// An edited mention keeps its ts; the corrected question is answered
// once more, in the same thread, saying so. Its retries are not.
func TestEditedMentionAnsweredOnceMore(t *testing.T) {
	h := newHarness(t)
	ts := "1700000200.000100"
	h.event(t, eventBody("EvE1", mention("<@UBOT> 1.2에는 뭐가 필요해?", ts, "")), "")
	h.slack.waitCalls(t, 1)
	edited := mention("<@UBOT> 1.3에는 무엇이 포함되어야 하나요?", ts, "")
	edited["edited"] = map[string]any{"user": "U1", "ts": "1700000260.000000"}
	for _, retry := range []string{"", "1"} {
		h.event(t, eventBody("EvE2", edited), retry)
	}
	h.settle(t)
	posts := h.slack.accepted("chat.postMessage")
	if len(posts) != 2 {
		t.Fatalf("posts = %d; want the first answer and one for the edit", len(posts))
	}
	if posts[1].ThreadTS != ts {
		t.Errorf("edit answered in thread %q; want %q", posts[1].ThreadTS, ts)
	}
	if got := blockTexts(posts[1].Blocks); !strings.Contains(got, "수정된 질문") {
		t.Errorf("edit answer does not say it answers the edit:\n%s", got)
	}
	if got := h.eng.called(); len(got) != 2 || got[1] != "ask:1.3에는 무엇이 포함되어야 하나요?" {
		t.Errorf("engine calls = %q; want the edited question asked", got)
	}
}

// In a DM an edit arrives as message_changed; a change that is not an
// edit of the text (a link preview) is ignored.
func TestEditedDMAnswered(t *testing.T) {
	h := newHarness(t)
	ts := "1700000300.000100"
	changed := func(text, prev string, edited bool) map[string]any {
		msg := map[string]any{"type": "message", "user": "U1", "text": text, "ts": ts}
		if edited {
			msg["edited"] = map[string]any{"user": "U1", "ts": "1700000333.000000"}
		}
		return map[string]any{"type": "message", "subtype": "message_changed", "channel": "D1", "channel_type": "im",
			"ts": "1700000333.000001", "message": msg, "previous_message": map[string]any{"type": "message", "user": "U1", "text": prev, "ts": ts}}
	}
	h.event(t, eventBody("EvD1", changed("1.2 링크 https://example.com", "1.2 링크 https://example.com", false)), "")
	h.event(t, eventBody("EvD2", changed("1.3", "1.2", true)), "")
	h.settle(t)
	posts := h.slack.accepted("chat.postMessage")
	if len(posts) != 1 || !strings.Contains(blockTexts(posts[0].Blocks), "수정된 질문") {
		t.Fatalf("posts = %+v; want one answer to the edit", posts)
	}
	if got := h.eng.called(); len(got) != 1 || got[0] != "guide:1.3" {
		t.Errorf("engine calls = %q; want guide:1.3", got)
	}
}

// Slack checks the certificate of slash command URLs with ssl_check=1
// and expects 200, signed or not.
func TestSSLCheck(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		name string
		req  func() *http.Request
		want int
	}{
		{"GET with query", func() *http.Request {
			r, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/slack/commands?ssl_check=1&token=x", nil)
			return r
		}, http.StatusOK},
		{"POST unsigned form", func() *http.Request {
			r, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/slack/commands", strings.NewReader("ssl_check=1&token=x"))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}, http.StatusOK},
		{"POST signed form", func() *http.Request {
			return h.signedRequest(t, "/slack/commands", "application/x-www-form-urlencoded", []byte("ssl_check=1&token=x"))
		}, http.StatusOK},
		{"POST query on events", func() *http.Request {
			r, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/slack/events?ssl_check=1", nil)
			return r
		}, http.StatusOK},
		{"POST unsigned command still refused", func() *http.Request {
			r, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/slack/commands", bytes.NewReader(slashForm("1.3", "")))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}, http.StatusUnauthorized},
		{"GET without ssl_check", func() *http.Request {
			r, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/slack/commands", nil)
			return r
		}, http.StatusMethodNotAllowed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, _ := h.do(t, c.req())
			if resp.StatusCode != c.want {
				t.Errorf("status = %d; want %d", resp.StatusCode, c.want)
			}
		})
	}
	if got := h.eng.called(); len(got) != 0 {
		t.Errorf("ssl_check reached the engine: %q", got)
	}
}
