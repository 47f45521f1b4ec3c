package bot

import (
	"strings"
	"testing"
)

func threadStarted(channel, threadTS string) map[string]any {
	return map[string]any{"type": "assistant_thread_started", "event_ts": threadTS,
		"assistant_thread": map[string]any{"user_id": "U1", "channel_id": channel, "thread_ts": threadTS,
			"context": map[string]any{"channel_id": "C9", "team_id": "T1"}}}
}

// Opening the assistant view greets the user in one line and offers at
// most four suggested prompts; a retry of the event does not repeat it.
func TestAssistantThreadStartedGreetsWithPrompts(t *testing.T) {
	h := newHarness(t)
	body := eventBody("EvAT1", threadStarted("D1", "1700000800.000100"))
	h.event(t, body, "")
	h.event(t, body, "1")
	h.settle(t)
	posts := h.slack.accepted("chat.postMessage")
	if len(posts) != 1 || posts[0].Channel != "D1" || posts[0].ThreadTS != "1700000800.000100" {
		t.Fatalf("greetings = %+v; want one in the assistant thread", posts)
	}
	if strings.Contains(posts[0].Text, "\n") {
		t.Errorf("greeting is not one line: %q", posts[0].Text)
	}
	sp := h.slack.callsOf("assistant.threads.setSuggestedPrompts")
	if len(sp) != 1 || sp[0].ThreadTS != "1700000800.000100" {
		t.Fatalf("suggested prompts calls = %+v; want one for the thread", sp)
	}
	if n := len(sp[0].Prompts); n == 0 || n > 4 {
		t.Errorf("prompts = %d; want 1 to 4", n)
	}
	var messages []string
	for _, p := range sp[0].Prompts {
		messages = append(messages, p["message"].(string))
		if p["title"] == "" {
			t.Errorf("prompt without title: %v", p)
		}
	}
	if !strings.Contains(strings.Join(messages, "|"), "1.3에는 무엇이 포함되어야 하나요?") {
		t.Errorf("prompts = %q; want the 1.3 question among them", messages)
	}
}

// The first request in an assistant thread names it; later ones do not
// rename it, and a review is named by its item, not by the draft.
func TestAssistantThreadTitle(t *testing.T) {
	h := newHarness(t)
	inThread := func(text, ts string) map[string]any {
		ev := dm(text, ts)
		ev["thread_ts"] = "1700000900.000100"
		return ev
	}
	h.event(t, eventBody("EvTi1", inThread("1.2 검토\n제1조 비밀 초안 내용", "1700000900.000200")), "")
	h.slack.waitMethod(t, "assistant.threads.setTitle", 1)
	h.slack.waitCalls(t, 1) // the first answer, after which the thread has a topic
	h.event(t, eventBody("EvTi2", inThread("1.3에는 무엇이 포함되어야 하나요?", "1700000900.000300")), "")
	h.settle(t)
	titles := h.slack.callsOf("assistant.threads.setTitle")
	if len(titles) != 1 || titles[0].Title != "1.2 초안 검토" || titles[0].ThreadTS != "1700000900.000100" {
		t.Errorf("titles = %+v; want one, 1.2 초안 검토", titles)
	}
}
