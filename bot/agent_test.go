package bot

import (
	"context"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/selfcheck/selfcheck/botstate"
)

// Acceptance tests of the agent messaging experience (features.agent_view)
// and of apps that still use the split view, against the fake Slack.

func messagesOpened(user, channel string) map[string]any {
	return map[string]any{"type": "app_home_opened", "user": user, "channel": channel, "tab": "messages", "event_ts": "1700003000.000100"}
}

// clock is an injected clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Opening the DM greets the user at most once a day, across a restart or
// another replica sharing the state, and sets the suggested prompts for
// the DM with channel_id only (Slack ignores a thread_ts from an agent
// app) on every opening. The next day greets again.
func TestDMOpenedGreetsOnceADay(t *testing.T) {
	st, err := botstate.Open(context.Background(), botstate.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clk := &clock{t: time.Date(2026, 12, 8, 9, 0, 0, 0, greetZone)}
	opts := func(c *Config) { c.State, c.Now = st, clk.now }
	a, b := newHarness(t, opts), newHarness(t, opts) // two replicas

	a.event(t, eventBody("EvOpen1", messagesOpened("U1", "D1")), "")
	a.settle(t)
	b.event(t, eventBody("EvOpen2", messagesOpened("U1", "D1")), "")
	clk.add(14 * time.Hour) // 23:00 KST, the same day
	a.event(t, eventBody("EvOpen3", messagesOpened("U1", "D1")), "")
	a.settle(t)
	b.settle(t)

	posts := append(a.slack.accepted("chat.postMessage"), b.slack.accepted("chat.postMessage")...)
	if len(posts) != 1 || posts[0].Channel != "D1" || posts[0].ThreadTS != "" || !strings.Contains(posts[0].Text, "안녕하세요") {
		t.Fatalf("greetings = %+v; want one at the top of the DM", posts)
	}
	prompts := append(a.slack.callsOf("assistant.threads.setSuggestedPrompts"), b.slack.callsOf("assistant.threads.setSuggestedPrompts")...)
	if len(prompts) != 3 {
		t.Fatalf("suggested prompts = %d calls; want one per opening", len(prompts))
	}
	for _, p := range prompts {
		if p.Channel != "D1" || p.ThreadTS != "" || len(p.Prompts) != 4 {
			t.Errorf("suggested prompts = %+v; want four, for the DM's channel only, no thread_ts", p)
		}
	}

	clk.add(2 * time.Hour) // 01:00 KST the next day
	b.event(t, eventBody("EvOpen4", messagesOpened("U1", "D1")), "")
	b.settle(t)
	if got := b.slack.accepted("chat.postMessage"); len(got) != 1 {
		t.Errorf("next day: greetings = %d; want one", len(got))
	}
}

// The Home tab still publishes the Home view, and greets nobody.
func TestHomeTabStillPublished(t *testing.T) {
	h := newHarness(t)
	h.event(t, eventBody("EvHome1", map[string]any{"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}), "")
	h.settle(t)
	if got := h.slack.callsOf("views.publish"); len(got) != 1 || got[0].User != "U1" {
		t.Errorf("views.publish = %+v; want the Home tab for U1", got)
	}
	if got := h.slack.accepted("chat.postMessage"); len(got) != 0 {
		t.Errorf("posted %+v; want no greeting on the Home tab", got)
	}
}

// A top-level DM question is the root of its own thread: status, stream
// and answer all go in that message's thread, and a follow-up there
// continues it.
func TestTopLevelDMQuestionAnsweredInItsThread(t *testing.T) {
	synctest.Test(t, testTopLevelDMQuestionAnsweredInItsThread)
}

func testTopLevelDMQuestionAnsweredInItsThread(t *testing.T) {
	// The first text comes well after statusDelay: the status shows meanwhile.
	se := &streamEngine{deltas: modelDeltas[:4], first: time.Second}
	h := newStreamHarness(t, se)
	const root = "1700003100.000100"
	h.event(t, eventBody("EvTop1", dm("1.3에는 무엇이 포함되어야 하나요?", root)), "")
	h.settle(t)
	status := h.slack.callsOf("assistant.threads.setStatus")
	if len(status) == 0 || status[0].Channel != "D1" || status[0].ThreadTS != root {
		t.Errorf("status = %+v; want it in the message's own thread", status)
	}
	started := h.slack.accepted("chat.startStream")
	if len(started) != 1 || started[0].ThreadTS != root || started[0].User != "" {
		t.Fatalf("stream start = %+v; want one in the message's thread", started)
	}
	if stops := h.slack.accepted("chat.stopStream"); len(stops) != 1 {
		t.Errorf("stream stops = %d; want one", len(stops))
	}

	h.event(t, eventBody("EvTop2", map[string]any{"type": "message", "channel_type": "im", "user": "U1", "channel": "D1",
		"text": "그럼 예시도 보여줘", "ts": "1700003100.000300", "thread_ts": root}), "")
	h.settle(t)
	started = h.slack.accepted("chat.startStream")
	if len(started) != 2 || started[1].ThreadTS != root {
		t.Errorf("follow-up stream = %+v; want it in the same thread", started)
	}
	for _, p := range h.slack.accepted("chat.postMessage") {
		if strings.Contains(p.Text, "안녕하세요") {
			t.Errorf("follow-up greeted: %+v", p)
		}
	}
}

// A follow-up in a thread the bot has no state for (here: a new bot, as
// after a restart with the state lost) reads the thread to find the item:
// "그럼 예시도 보여줘" answers with 1.3's examples.
func TestFollowUpAfterRestartReadsTheThread(t *testing.T) {
	eng, _ := realEngine(t, nil)
	h := newHarness(t, func(c *Config) { c.Answerer = eng })
	const root = "1700003200.000100"
	h.slack.addHistory("D1", root, "", "U1", "1.3에는 무엇이 포함되어야 하나요?")
	h.slack.addHistory("D1", "1700003200.000200", root, testBotUser, "1.3 개인정보·데이터 관리정책에 들어가야 할 내용이에요.")
	h.event(t, eventBody("EvRe1", map[string]any{"type": "message", "channel_type": "im", "user": "U1", "channel": "D1",
		"text": "그럼 예시도 보여줘", "ts": "1700003200.000300", "thread_ts": root}), "")
	h.settle(t)
	posts := h.slack.accepted("chat.postMessage")
	if len(posts) != 1 || posts[0].ThreadTS != root {
		t.Fatalf("posts = %+v; want the answer in the thread", posts)
	}
	text := blockTexts(posts[0].Blocks)
	if !strings.Contains(text, "1.3") || !strings.Contains(text, "예시") || strings.Contains(text, "찾지 못했") || strings.Contains(text, "안녕하세요") {
		t.Errorf("answer:\n%s\nwant 1.3's examples, no greeting", text)
	}
	if got := h.slack.callsOf("conversations.replies"); len(got) == 0 || got[0].TS != root {
		t.Errorf("thread not read: %+v", got)
	}
}

// An app still on the split view: assistant_thread_started greets in the
// thread with the prompts for that thread; the first message there is
// answered in the thread without a second greeting.
func TestLegacyAssistantThreadFlow(t *testing.T) {
	h := newHarness(t)
	const thread = "1700003300.000100"
	h.event(t, eventBody("EvLeg1", threadStarted("D1", thread)), "")
	h.settle(t)
	h.event(t, eventBody("EvLeg2", map[string]any{"type": "message", "channel_type": "im", "user": "U1", "channel": "D1",
		"text": "1.3", "ts": "1700003300.000200", "thread_ts": thread}), "")
	h.settle(t)
	posts := h.slack.accepted("chat.postMessage")
	if len(posts) != 2 {
		t.Fatalf("posts = %+v; want the greeting and the answer", posts)
	}
	for _, p := range posts {
		if p.ThreadTS != thread {
			t.Errorf("post outside the thread: %+v", p)
		}
	}
	if !strings.Contains(posts[0].Text, "안녕하세요") || strings.Contains(posts[1].Text, "안녕하세요") {
		t.Errorf("greeting %q, answer %q; want the greeting once, first", posts[0].Text, posts[1].Text)
	}
	if sp := h.slack.callsOf("assistant.threads.setSuggestedPrompts"); len(sp) != 1 || sp[0].ThreadTS != thread {
		t.Errorf("prompts = %+v; want them for the thread", sp)
	}
}

// A "+" thread of the split view whose assistant_thread_started never
// came gets the greeting with the answer to its first message, and only
// there.
func TestPlusThreadWithoutStartEventGreetsOnFirstMessage(t *testing.T) {
	h := newHarness(t)
	const thread = "1700003400.000100"
	msg := func(id, ts, text string) []byte {
		return eventBody(id, map[string]any{"type": "message", "channel_type": "im", "user": "U1", "channel": "D1",
			"text": text, "ts": ts, "thread_ts": thread})
	}
	h.event(t, msg("EvPlus1", "1700003400.000200", "1.3"), "")
	h.settle(t)
	h.event(t, msg("EvPlus2", "1700003400.000300", "1.2"), "")
	h.settle(t)
	posts := h.slack.accepted("chat.postMessage")
	if len(posts) != 2 {
		t.Fatalf("posts = %d; want one answer per message", len(posts))
	}
	if first := blockTexts(posts[0].Blocks); !strings.Contains(first, "안녕하세요") || !strings.Contains(first, "1.3") {
		t.Errorf("first answer:\n%s\nwant the greeting above the answer", first)
	}
	if second := blockTexts(posts[1].Blocks); strings.Contains(second, "안녕하세요") {
		t.Errorf("second answer greeted again:\n%s", second)
	}
}

// app_context_changed is acknowledged and the channel the user looks at
// is named in the answer to their next question about "this channel",
// only that one; it never reaches the logs.
func TestAppContextChangedThenQuestion(t *testing.T) {
	h := newHarness(t)
	ctxEv := map[string]any{"type": "app_context_changed", "user": "U1", "channel": "D1", "event_ts": "1700003500.000050",
		"context": map[string]any{"entities": []any{map[string]any{"type": "slack#/types/channel_id", "value": "C0NOTICE9", "team_id": "T1"}}}}
	if got := h.event(t, eventBody("EvCtx1", ctxEv), ""); got != 200 {
		t.Fatalf("status = %d; want 200", got)
	}
	h.event(t, eventBody("EvCtx2", dm("이 채널 공지에 맞게 알려줘", "1700003500.000100")), "")
	h.settle(t)
	h.event(t, eventBody("EvCtx3", dm("이 채널에도 해당하나요?", "1700003500.000200")), "")
	h.settle(t)
	posts := h.slack.accepted("chat.postMessage")
	if len(posts) != 2 {
		t.Fatalf("posts = %d; want two answers", len(posts))
	}
	if text := blockTexts(posts[0].Blocks); !strings.Contains(text, "<#C0NOTICE9>") {
		t.Errorf("first answer:\n%s\nwant the channel the user looks at named", text)
	}
	if text := blockTexts(posts[1].Blocks); strings.Contains(text, "C0NOTICE9") {
		t.Errorf("second answer still names the channel:\n%s", text)
	}
	if strings.Contains(h.logs.String(), "C0NOTICE9") {
		t.Error("the viewed channel was logged")
	}
}
