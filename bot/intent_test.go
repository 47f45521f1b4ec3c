package bot

import (
	"strings"
	"testing"
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
