package bot

import (
	"strings"
	"testing"
)

// A follow-up in a channel thread the bot answered in is read with the
// thread's context: "그럼 예시도 보여줘" shows that item's examples, and
// "3.2는요?" asks the previous question again about 3.2 (found with
// conversations.replies).
func TestThreadFollowUps(t *testing.T) {
	eng, _ := realEngine(t, nil)
	h := newHarness(t, func(c *Config) { c.Answerer = eng })
	const parent = "1700001000.000100"
	first := "<@UBOT> 1.3에는 무엇이 포함되어야 하나요?"
	h.slack.addHistory("C1", parent, "", "U1", first)
	h.event(t, eventBody("EvFU1", mention(first, parent, "")), "")
	h.slack.waitCalls(t, 1)

	h.slack.addHistory("C1", "1700001000.000300", parent, "U1", "<@UBOT> 그럼 예시도 보여줘")
	h.event(t, eventBody("EvFU2", mention("<@UBOT> 그럼 예시도 보여줘", "1700001000.000300", parent)), "")
	h.slack.waitCalls(t, 2)

	h.slack.addHistory("C1", "1700001000.000500", parent, "U1", "<@UBOT> 3.2는요?")
	h.event(t, eventBody("EvFU3", mention("<@UBOT> 3.2는요?", "1700001000.000500", parent)), "")
	h.slack.waitCalls(t, 3)
	h.settle(t)

	posts := h.slack.accepted("chat.postMessage")
	if len(posts) != 3 {
		t.Fatalf("posts = %d; want 3", len(posts))
	}
	for i, p := range posts {
		if p.ThreadTS != parent {
			t.Errorf("post %d in thread %q; want %q", i, p.ThreadTS, parent)
		}
	}
	examples := blockTexts(posts[1].Blocks)
	if !strings.Contains(examples, "1.3") || !strings.Contains(examples, "예시") || strings.Contains(examples, "찾지 못했") {
		t.Errorf("examples follow-up:\n%s\nwant 1.3's examples", examples)
	}
	same := blockTexts(posts[2].Blocks)
	if !strings.Contains(same, "3.2") || strings.Contains(same, "찾지 못했") {
		t.Errorf("3.2 follow-up:\n%s\nwant the same question about 3.2", same)
	}
	if got := h.slack.callsOf("conversations.replies"); len(got) == 0 || got[0].TS != parent {
		t.Errorf("thread not read with conversations.replies: %+v", got)
	}
}

// In a thread the bot never answered in and where nothing names an item,
// a question is read on its own; the thread is read to find out.
func TestNoFollowUpContextInOtherThreads(t *testing.T) {
	h := newHarness(t)
	h.slack.addHistory("C1", "1700001100.000100", "", "U2", "점심 뭐 먹을까요?")
	h.event(t, eventBody("EvFU4", mention("<@UBOT> 그럼 예시도 보여줘", "1700001100.000300", "1700001100.000100")), "")
	h.settle(t)
	if got := h.eng.called(); len(got) != 1 || got[0] != "ask:그럼 예시도 보여줘" {
		t.Errorf("engine calls = %q; want a plain ask", got)
	}
}
