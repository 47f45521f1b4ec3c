package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/usererr"
)

func TestSlashRouting(t *testing.T) {
	draft := "개인정보 처리방침\n제1조 수집 항목: 이름, 이메일\n제2조 보유 기간: 탈퇴 시까지"
	cases := []struct {
		name      string
		text      string
		engine    func(*fakeEngine)
		commands  map[string]CommandFunc
		wantCalls []string
		wantText  []string // substrings of the ack's text and blocks
		notText   []string
	}{
		{name: "empty is help", text: "", wantText: []string{"사용법", "1.2", "이용자 보호 및 피해 구제"}},
		{name: "help word", text: "도움말", wantText: []string{"사용법"}},
		{name: "item alone is a guide", text: "1.3", wantCalls: []string{"guide:1.3"}, wantText: []string{"1.3 이용자 보호 및 피해 구제 작성 안내", "출처"}},
		{name: "item with 항 and dash", text: "1-3항", wantCalls: []string{"guide:1.3"}},
		{name: "item and draft is a review", text: "1.2 " + draft, wantCalls: []string{"review:1.2:" + draft}, wantText: []string{"1.2 개인정보의 처리 및 보호 검토 결과", "✅", "*1.2-a*"}},
		{name: "review word then draft on next line", text: "1.2 검토\n" + draft, wantCalls: []string{"review:1.2:" + draft}},
		{name: "slack escaping undone before review", text: "1.2 제3조 &lt;수탁자&gt; &amp; 위탁", wantCalls: []string{"review:1.2:제3조 <수탁자> & 위탁"}},
		{name: "question about an item", text: "1.3에는 무엇이 포함되어야 하나요?", wantCalls: []string{"ask:1.3에는 무엇이 포함되어야 하나요?"}, wantText: []string{"피해 구제 절차"}},
		{name: "item then a short question", text: "1.3 무엇이 필요한가요?", wantCalls: []string{"ask:1.3 무엇이 필요한가요?"}},
		{name: "free question", text: "심사는 얼마나 걸리나요", wantCalls: []string{"ask:심사는 얼마나 걸리나요"}},
		{name: "unknown item", text: "4.4 초안입니다", wantText: []string{"4.4", "안내할 수 있는 내용이 없어요", "1.2", "1.3"}},
		{name: "unknown item from the engine", text: "1.3",
			engine: func(e *fakeEngine) {
				e.guide = func(string) (engine.Answer, error) {
					return engine.Answer{}, &knowledge.UnknownItemError{ID: "1.3", Known: []string{"1.2"}, Numbered: true}
				}
			},
			wantCalls: []string{"guide:1.3"}, wantText: []string{"1.3", "안내할 수 있는 내용이 없어요", "1.2"}},
		{name: "review word without draft", text: "1.2 검토", wantText: []string{"초안을 함께 보내 주세요"}},
		{name: "draft error shown", text: "1.2 짧은 초안",
			engine: func(e *fakeEngine) {
				e.review = func(string, string) (knowledge.Report, error) {
					return knowledge.Report{}, usererr.New(usererr.EmptyDraft, "초안이 너무 짧아요.", "draft too short")
				}
			},
			wantCalls: []string{"review:1.2:짧은 초안"}, wantText: []string{"초안이 너무 짧아요."}},
		{name: "internal error hidden", text: "질문",
			engine: func(e *fakeEngine) {
				e.ask = func(string) (engine.Answer, error) {
					return engine.Answer{}, errors.New("dial tcp 10.0.0.1:443: connection refused")
				}
			},
			wantCalls: []string{"ask:질문"}, wantText: []string{"처리하지 못했어요"}, notText: []string{"10.0.0.1", "dial"}},
		{name: "canned is reserved", text: "canned 1.3", wantText: []string{"`canned` 기능은 아직 준비 중"}},
		{name: "canned when provided", text: "canned 1.3",
			commands: map[string]CommandFunc{"canned": func(_ context.Context, r CommandRequest) (engine.Answer, error) {
				return engine.Answer{Item: "1.3", Answer: "준비된 답변: " + r.Args + " by " + r.UserID}, nil
			}},
			wantText: []string{"준비된 답변: 1.3 by U1"}},
		{name: "mrkdwn injection neutralised", text: "질문",
			engine: func(e *fakeEngine) {
				e.ask = func(string) (engine.Answer, error) {
					return engine.Answer{Answer: "<!channel> 참고: <https://www.example.go.kr/guide|안내서>"}, nil
				}
			},
			wantCalls: []string{"ask:질문"}, wantText: []string{"&lt;!channel&gt;", "안내서 (`https://www.example.go.kr/guide`)"}, notText: []string{"<!channel>", "<https://www.example.go.kr/guide|"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, func(cfg *Config) { cfg.Commands = c.commands })
			if c.engine != nil {
				c.engine(h.eng)
			}
			status, ack := h.slash(t, c.text, h.resp.url("r"))
			if status != http.StatusOK {
				t.Fatalf("status = %d; want 200", status)
			}
			if got, want := ack.ResponseType, "ephemeral"; got != want {
				t.Errorf("response_type = %q; want %q", got, want)
			}
			all := ack.Text + "\n" + blockTexts(ack.Blocks)
			for _, w := range c.wantText {
				if !strings.Contains(all, w) {
					t.Errorf("reply lacks %q:\n%s", w, all)
				}
			}
			for _, w := range c.notText {
				if strings.Contains(all, w) {
					t.Errorf("reply contains %q:\n%s", w, all)
				}
			}
			h.settle(t)
			if got := h.eng.called(); fmt.Sprint(got) != fmt.Sprint(c.wantCalls) {
				t.Errorf("engine calls = %q; want %q", got, c.wantCalls)
			}
			if got := h.resp.all(); len(got) != 0 {
				t.Errorf("response_url posts = %d; want none for a quick answer", len(got))
			}
		})
	}
}

// A reviewer that takes 5 s must not delay the ack: Slack gives up on a
// slash command after 3 s. On the bubble's clock the ack comes exactly at
// the AckTimeout.
func TestSlashSlowReviewer(t *testing.T) {
	synctest.Test(t, testSlashSlowReviewer)
}

func testSlashSlowReviewer(t *testing.T) {
	h := newHarness(t) // default AckTimeout, as in production
	h.eng.delay = 5 * time.Second

	start := time.Now()
	status, ack := h.slash(t, "1.2 제1조 수집 항목: 이름\n제2조 보유 기간: 1년", h.resp.url("slow"))
	ackAfter := time.Since(start)

	if status != http.StatusOK {
		t.Fatalf("status = %d; want 200", status)
	}
	if ackAfter != DefaultAckTimeout {
		t.Errorf("ack after %v; want it at the %v AckTimeout, well under Slack's 3 s", ackAfter, DefaultAckTimeout)
	}
	if got, want := ack.ResponseType, "ephemeral"; got != want {
		t.Errorf("ack response_type = %q; want %q", got, want)
	}
	if !strings.Contains(ack.Text, "검토 중…") {
		t.Errorf("ack text = %q; want it to say 검토 중…", ack.Text)
	}

	posts := h.resp.wait(t, 1)
	h.settle(t)
	posts = h.resp.all()
	if len(posts) != 1 {
		t.Fatalf("response_url posts = %d; want exactly 1", len(posts))
	}
	p := posts[0]
	if p.Path != "/resp/slow" || p.ResponseType != "ephemeral" || !p.ReplaceOriginal {
		t.Errorf("post = path %s, type %q, replace %v; want /resp/slow, ephemeral, replacing the placeholder", p.Path, p.ResponseType, p.ReplaceOriginal)
	}
	if !strings.Contains(blockTexts(p.Blocks), "검토 결과") {
		t.Errorf("delivered result lacks the review:\n%s", blockTexts(p.Blocks))
	}
}

func TestSlashWorkTimeout(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.AckTimeout = 20 * time.Millisecond
		c.WorkTimeout = 100 * time.Millisecond
	})
	h.eng.delay = 5 * time.Second
	_, ack := h.slash(t, "질문", h.resp.url("t"))
	if !strings.Contains(ack.Text, "준비하는 중") {
		t.Errorf("ack = %q; want the placeholder", ack.Text)
	}
	posts := h.resp.wait(t, 1)
	if got := posts[0].Text; !strings.Contains(got, "너무 오래") {
		t.Errorf("delivered %q; want the timeout notice", got)
	}
}

// Long reviews are split within Slack's limits; the fakes reject any
// message over them, so every part must be accepted.
func TestSlashLongReviewSplit(t *testing.T) {
	cases := []struct {
		name      string
		elements  int
		noteLen   int
		wantParts int // minimum number of messages
		wantCut   bool
	}{
		{"fits in one message", 10, 50, 1, false},
		{"needs two messages", 60, 50, 2, false},
		{"long notes", 30, 2500, 2, false},
		{"too long for five messages", 400, 300, 5, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			h.eng.review = func(id, _ string) (knowledge.Report, error) {
				r := sampleReport(id, c.elements)
				for i := range r.Elements {
					r.Elements[i].Note = strings.Repeat("보완", c.noteLen/2)
					r.Elements[i].Evidence = strings.Repeat("근거 ", 200)
				}
				return r, nil
			}
			status, ack := h.slash(t, "1.2 제1조 수집 항목: 이름\n제2조 보유 기간: 1년", h.resp.url("long"))
			if status != http.StatusOK {
				t.Fatalf("status = %d", status)
			}
			if code := slackLimitError(ack.Text, ack.Blocks, 50); code != "" {
				t.Errorf("inline ack over Slack's limits: %s", code)
			}
			h.settle(t)
			parts := []responsePost{ack}
			for _, p := range h.resp.all() {
				if p.Err != "" {
					t.Errorf("response_url rejected a part: %s", p.Err)
				}
				if p.ReplaceOriginal {
					t.Errorf("a continuation replaced the first part")
				}
				parts = append(parts, p)
			}
			if len(parts) < c.wantParts || len(parts) > maxMessages {
				t.Errorf("parts = %d; want between %d and %d", len(parts), c.wantParts, maxMessages)
			}
			all := ""
			for _, p := range parts {
				all += blockTexts(p.Blocks)
			}
			if got := strings.Contains(all, "뒷부분을 생략했어요"); got != c.wantCut {
				t.Errorf("omission note shown = %v; want %v", got, c.wantCut)
			}
			if !strings.Contains(blockTexts(parts[len(parts)-1].Blocks), "👍") {
				t.Errorf("feedback buttons missing from the last part")
			}
		})
	}
}

// TestReviewCountsForTheUser: a review runs in the name of the Slack user
// who asked, so that the model's queue serves users in turn.
func TestReviewCountsForTheUser(t *testing.T) {
	h := newHarness(t)
	h.slash(t, "1.2 제1조 수집 항목: 이름\n제2조 보유 기간: 1년", h.resp.url("u"))
	h.settle(t)
	h.eng.mu.Lock()
	defer h.eng.mu.Unlock()
	if len(h.eng.users) != 1 || h.eng.users[0] != "U1" {
		t.Errorf("reviews counted for %q; want [U1]", h.eng.users)
	}
}
