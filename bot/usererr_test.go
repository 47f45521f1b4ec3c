package bot

import (
	"net/http"
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
)

// A 1,500-character question in /selfcheck is the user's to fix: a
// private reply that says what to do, and no ERROR in the log.
func TestSlashLongQuestion(t *testing.T) {
	kb, err := knowledge.Load(knowledge.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.New(engine.Config{Knowledge: kb})
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, func(c *Config) { c.Answerer = e })
	q := "심사 준비 중인데 궁금한 점이 많습니다 " + strings.Repeat("그리고 이것도 궁금합니다 ", 110)
	if n := len([]rune(q)); n < 1500 {
		t.Fatalf("question of %d characters; want 1,500 or more", n)
	}
	status, ack := h.slash(t, q, h.resp.url("long"))
	h.settle(t)
	if status != http.StatusOK || ack.ResponseType != "ephemeral" {
		t.Fatalf("status %d, response_type %q; want a private reply", status, ack.ResponseType)
	}
	all := ack.Text + "\n" + blockTexts(ack.Blocks)
	for _, r := range h.resp.all() {
		all += "\n" + r.Text + "\n" + blockTexts(r.Blocks)
	}
	for _, want := range []string{"질문이 너무 깁니다", "줄여 주세요", "/selfcheck 1.2", "question too long"} {
		if !strings.Contains(all, want) {
			t.Errorf("reply lacks %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "처리하지 못했어요") {
		t.Errorf("reply is the internal-failure line:\n%s", all)
	}
	if logs := h.logs.String(); strings.Contains(logs, `"level":"ERROR"`) {
		t.Errorf("a user's mistake logged as an error:\n%s", logs)
	}
}
