package bot

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func mention(text, ts, threadTS string) map[string]any {
	ev := map[string]any{"type": "app_mention", "user": "U1", "text": text, "ts": ts, "channel": "C1", "event_ts": ts}
	if threadTS != "" {
		ev["thread_ts"] = threadTS
	}
	return ev
}

func dm(text, ts string) map[string]any {
	return map[string]any{"type": "message", "channel_type": "im", "user": "U1", "text": text, "ts": ts, "channel": "D1", "event_ts": ts}
}

// Slack retries an event it thinks was not acked; each retry carries the
// same event_id and must not produce another answer.
func TestEventRetriesAnsweredOnce(t *testing.T) {
	h := newHarness(t)
	body := eventBody("Ev100", mention("<@UBOT> 1.3에는 무엇이 포함되어야 하나요?", "1700000001.000100", ""))
	for i, retry := range []string{"", "1", "2", "3"} {
		if got := h.event(t, body, retry); got != http.StatusOK {
			t.Errorf("delivery %d: status = %d; want 200", i, got)
		}
	}
	h.settle(t)
	if got := h.slack.accepted("chat.postMessage"); len(got) != 1 {
		t.Errorf("answers posted = %d; want exactly 1", len(got))
	}
	if got := h.eng.called(); len(got) != 1 {
		t.Errorf("engine calls = %q; want 1", got)
	}
}

func TestEventRepliesInThread(t *testing.T) {
	cases := []struct {
		name       string
		ev         map[string]any
		wantThread string
		wantCall   string
	}{
		{"mention at top level", mention("<@UBOT> 심사는 어떻게 진행되나요?", "1700000002.000200", ""), "1700000002.000200", "ask:심사는 어떻게 진행되나요?"},
		{"mention inside a thread", mention("<@UBOT|selfcheck> 1.3", "1700000003.000300", "1700000000.000001"), "1700000000.000001", "guide:1.3"},
		// Every top-level DM message is the root of its own thread (the
		// agent messaging experience); a message in a thread stays there.
		{"dm question", dm("1.3에는 무엇이 포함되어야 하나요?", "1700000004.000400"), "1700000004.000400", "ask:1.3에는 무엇이 포함되어야 하나요?"},
		{"dm item alone", dm("1.2", "1700000005.000500"), "1700000005.000500", "guide:1.2"},
		{"dm in a thread", map[string]any{"type": "message", "channel_type": "im", "user": "U1", "text": "1.2", "ts": "1700000005.000600", "thread_ts": "1700000005.000001", "channel": "D1"}, "1700000005.000001", "guide:1.2"},
		{"dm review", dm("1.2 검토\n제1조 수집 항목: 이름, 이메일", "1700000006.000600"), "1700000006.000600", "review:1.2:제1조 수집 항목: 이름, 이메일"},
		{"dm draft without review word", dm("1.2 "+strings.Repeat("제1조 개인정보 수집 항목은 이름과 이메일입니다. ", 8), "1700000007.000700"), "1700000007.000700", "review:1.2:" + strings.TrimSpace(strings.Repeat("제1조 개인정보 수집 항목은 이름과 이메일입니다. ", 8))},
		{"mention of someone else kept", mention("<@UBOT> <@U2>님 질문 대신 드려요", "1700000008.000800", ""), "1700000008.000800", "ask:<@U2>님 질문 대신 드려요"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			if got := h.event(t, eventBody(fmt.Sprintf("EvT%d", i), c.ev), ""); got != http.StatusOK {
				t.Fatalf("status = %d", got)
			}
			calls := h.slack.waitCalls(t, 1)
			h.settle(t)
			if len(calls) != 1 {
				t.Fatalf("chat calls = %d; want 1", len(calls))
			}
			if got := calls[0].ThreadTS; got != c.wantThread {
				t.Errorf("thread_ts = %q; want %q", got, c.wantThread)
			}
			if got, want := calls[0].Channel, c.ev["channel"]; got != want {
				t.Errorf("channel = %q; want %q", got, want)
			}
			if got := h.eng.called(); len(got) != 1 || got[0] != c.wantCall {
				t.Errorf("engine calls = %q; want [%q]", got, c.wantCall)
			}
		})
	}
}

func TestEventIgnored(t *testing.T) {
	cases := []struct {
		name string
		ev   map[string]any
	}{
		{"bot message", map[string]any{"type": "message", "channel_type": "im", "subtype": "bot_message", "bot_id": "B9", "text": "hi", "ts": "1.1", "channel": "D1"}},
		{"other bot mentions us", map[string]any{"type": "app_mention", "user": "U9", "bot_id": "B9", "text": "<@UBOT> hi", "ts": "1.2", "channel": "C1"}},
		{"our own message", map[string]any{"type": "message", "channel_type": "im", "user": testBotUser, "text": "답변", "ts": "1.3", "channel": "D1"}},
		{"channel message without mention", map[string]any{"type": "message", "channel_type": "channel", "user": "U1", "text": "1.3 질문", "ts": "1.4", "channel": "C1"}},
		{"edit", map[string]any{"type": "message", "channel_type": "im", "subtype": "message_changed", "ts": "1.5", "channel": "D1"}},
		{"other event type", map[string]any{"type": "reaction_added", "user": "U1", "ts": "1.6"}},
	}
	h := newHarness(t)
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := h.event(t, eventBody(fmt.Sprintf("EvI%d", i), c.ev), ""); got != http.StatusOK {
				t.Errorf("status = %d; want 200", got)
			}
		})
	}
	h.settle(t)
	if got := h.slack.allCalls(); len(got) != 0 {
		t.Errorf("Slack calls = %d; want none", len(got))
	}
	if got := h.eng.called(); len(got) != 0 {
		t.Errorf("engine calls = %q; want none", got)
	}
}

// A draft pasted into a channel mention is neither reviewed nor quoted
// back: the reply points to the private ways of asking.
func TestDraftInPublicMention(t *testing.T) {
	const secret = "SECRET-PLAN-7781"
	long := "개인정보 처리방침 " + secret + "\n" + strings.Repeat("제1조 수집 항목은 이름, 이메일, 전화번호입니다.\n", 12)
	cases := []struct {
		name string
		text string
	}{
		{"item and long draft", "<@UBOT> 1.2 " + long},
		{"review word", "<@UBOT> 1.2 검토 " + secret},
		{"long multi-line without item", "<@UBOT> " + long + strings.Repeat("제2조 보유 기간은 탈퇴 시까지입니다.\n", 6)},
		// Short drafts a question-sized bar would miss.
		{"item and 140 characters", "<@UBOT> 1.2 " + secret + " " + strings.Repeat("수집 항목은 이름과 연락처이며 보관한다 ", 7)[:0] + strings.Repeat("가", 140-len([]rune(secret))-1) + " 수집 항목은"},
		{"one line of 1150 characters", "<@UBOT> " + secret + " 수집 항목은 " + strings.Repeat("개인정보를 안전하게 처리합니다 ", 70)},
		{"several lines naming an item", "<@UBOT> " + secret + " 3.2 고객대응\n상담 채널: 전화, 이메일, 채팅\n응대 시간: 평일 09시~18시, 수집 항목은 이름\n처리 기한: 접수 후 3일 이내 답변하며 결과를 통지함\n에스컬레이션: 2일 초과 시 팀장 보고 및 대표 보고"},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			h.event(t, eventBody(fmt.Sprintf("EvD%d", i), mention(c.text, "1700000009.000900", "")), "")
			calls := h.slack.waitCalls(t, 1)
			h.settle(t)
			if len(calls) != 1 || calls[0].Method != "chat.postEphemeral" || calls[0].User != "U1" {
				t.Fatalf("calls = %+v; want one chat.postEphemeral to U1, nothing public", calls)
			}
			all := calls[0].Text + blockTexts(calls[0].Blocks)
			if strings.Contains(all, secret) || strings.Contains(all, "수집 항목은") {
				t.Errorf("reply echoes the draft:\n%s", all)
			}
			if !strings.Contains(all, "/selfcheck") || !strings.Contains(all, "DM") {
				t.Errorf("reply does not point to /selfcheck or DM:\n%s", all)
			}
			if got := h.eng.called(); len(got) != 0 {
				t.Errorf("engine calls = %d; want none", len(got))
			}
			if strings.Contains(h.logs.String(), secret) {
				t.Errorf("draft text reached the logs")
			}
		})
	}
}

// Drafts and questions never reach the logs; sizes do.
func TestUserTextNotLogged(t *testing.T) {
	const draftMark, questionMark = "DRAFT-MARK-5521", "QUESTION-MARK-9932"
	h := newHarness(t)
	h.slash(t, "1.2 제1조 "+draftMark+" 수집 항목", h.resp.url("x"))
	h.slash(t, "심사 기간은? "+questionMark, h.resp.url("y"))
	h.event(t, eventBody("EvL1", dm("1.2 검토\n"+draftMark, "1700000011.001100")), "")
	h.event(t, eventBody("EvL2", mention("<@UBOT> "+questionMark, "1700000012.001200", "")), "")
	h.slack.waitCalls(t, 2)
	h.settle(t)
	logs := h.logs.String()
	for _, mark := range []string{draftMark, questionMark} {
		if strings.Contains(logs, mark) {
			t.Errorf("logs contain user text %q", mark)
		}
	}
	for _, want := range []string{`"text_len"`, `"request_id"`, `"duration_ms"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s", want)
		}
	}
}
