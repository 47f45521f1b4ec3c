package bot

import (
	"strings"
	"testing"
	"time"
)

func TestParseCommandText(t *testing.T) {
	draft := "제1조 수집 항목: 이름\n제2조 보유 기간: 1년"
	cmds := map[string]CommandFunc{"canned": nil}
	cases := []struct {
		text string
		want intent
	}{
		{"", intent{kind: intentHelp}},
		{"help", intent{kind: intentHelp}},
		{"1.3", intent{kind: intentGuide, item: "1.3"}},
		{"I", intent{kind: intentGuide, item: "I"}},
		{"1.2 " + draft, intent{kind: intentReview, item: "1.2", text: draft}},
		{"1.2\n" + draft, intent{kind: intentReview, item: "1.2", text: draft}},
		{"1.2 검토: " + draft, intent{kind: intentReview, item: "1.2", text: draft}},
		{"1.2 검토", intent{kind: intentNeedDraft, item: "1.2"}},
		{"1.2 검토 무엇이 필요한가요?", intent{kind: intentReview, item: "1.2", text: "무엇이 필요한가요?"}},
		{"1.3 무엇이 필요한가요?", intent{kind: intentAsk, item: "1.3", text: "1.3 무엇이 필요한가요?"}},
		{"1.3에는 무엇이 포함되어야 하나요?", intent{kind: intentAsk, text: "1.3에는 무엇이 포함되어야 하나요?"}},
		{"canned 1.3", intent{kind: intentCommand, command: "canned", text: "1.3"}},
		{"Canned", intent{kind: intentCommand, command: "canned"}},
		{"cannedx 1.3", intent{kind: intentAsk, text: "cannedx 1.3"}},
	}
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			if got := parseCommandText(c.text, cmds); got != c.want {
				t.Errorf("parseCommandText(%q) = %+v; want %+v", c.text, got, c.want)
			}
		})
	}
}

func TestParseMessageText(t *testing.T) {
	longDraft := strings.Repeat("제1조 개인정보 수집 항목은 이름과 이메일입니다.\n", 15)
	cases := []struct {
		name    string
		text    string
		private bool
		want    intentKind
	}{
		{"public question", "1.3에는 무엇이 포함되어야 하나요?", false, intentAsk},
		{"public item", "1.3", false, intentGuide},
		{"public item and short question", "1.3 뭐가 필요해?", false, intentAsk},
		{"public item and draft", "1.2 " + longDraft, false, intentDraftInPublic},
		{"public review word", "1.2 검토", false, intentDraftInPublic},
		{"public long text", longDraft, false, intentDraftInPublic},
		{"public empty", "", false, intentHelp},
		{"dm question", "1.3에는 무엇이 포함되어야 하나요?", true, intentAsk},
		{"dm item", "1.3", true, intentGuide},
		{"dm review word without draft", "1.3 검토", true, intentNeedDraft},
		{"dm review", "1.3 검토\n짧은 초안", true, intentReview},
		{"dm item and draft", "1.2 " + longDraft, true, intentReview},
		{"dm item and short question", "1.3 뭐가 필요해?", true, intentAsk},
		{"dm draft without item", longDraft, true, intentNeedItem},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := parseMessageText(c.text, c.private); got.kind != c.want {
				t.Errorf("parseMessageText(%q, %v) = %v; want %v", c.text, c.private, got.kind, c.want)
			}
		})
	}
}

func TestStripMentions(t *testing.T) {
	cases := []struct {
		text, botID, want string
	}{
		{"<@UBOT> 질문", "UBOT", "질문"},
		{"<@UBOT|selfcheck> 질문", "UBOT", "질문"},
		{"질문 <@UBOT>", "UBOT", "질문"},
		{"<@UBOT> <@U2> 질문", "UBOT", "<@U2> 질문"},
		{"<@UBOT> 질문", "", "질문"},
		{"<@U2> 질문", "", "질문"},
		{"질문 <@U2>", "", "질문 <@U2>"},
	}
	for _, c := range cases {
		if got := stripMentions(c.text, c.botID); got != c.want {
			t.Errorf("stripMentions(%q, %q) = %q; want %q", c.text, c.botID, got, c.want)
		}
	}
}

func TestSeenCache(t *testing.T) {
	now := time.Unix(0, 0)
	c := newSeenCache(time.Minute, 3)
	c.now = func() time.Time { return now }
	steps := []struct {
		advance time.Duration
		key     string
		want    bool
	}{
		{0, "a", true},
		{0, "a", false},
		{30 * time.Second, "a", false},
		{0, "b", true},
		{0, "c", true},
		{0, "d", true}, // evicts a (size 3)
		{0, "a", true},
		{2 * time.Minute, "b", true}, // expired
		{0, "", true},
		{0, "", true},
	}
	for i, s := range steps {
		now = now.Add(s.advance)
		if got := c.firstTime(s.key); got != s.want {
			t.Errorf("step %d: firstTime(%q) = %v; want %v", i, s.key, got, s.want)
		}
	}
	if got := c.len(); got > 3 {
		t.Errorf("cache holds %d keys; want ≤ 3", got)
	}
}
