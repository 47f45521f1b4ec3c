package bot

import (
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// A slow answer shows the bot's status in the thread instead of a
// placeholder message: the one message posted is the answer, and nothing
// is edited afterwards.
func TestSlowAnswerShowsStatusNotPlaceholder(t *testing.T) {
	synctest.Test(t, testSlowAnswerShowsStatusNotPlaceholder)
}

func testSlowAnswerShowsStatusNotPlaceholder(t *testing.T) {
	h := newHarness(t)
	h.eng.delay = 600 * time.Millisecond
	ts := "1700000400.000100"
	h.event(t, eventBody("EvSt1", mention("<@UBOT> 1.3에는 무엇이 포함되어야 하나요?", ts, "")), "")
	st := h.slack.waitMethod(t, "assistant.threads.setStatus", 1)
	if st[0].Channel != "C1" || st[0].ThreadTS != ts || st[0].Status == "" || st[0].Loading == "" {
		t.Errorf("status = %+v; want one in C1's thread %s with loading messages", st[0], ts)
	}
	if got := h.slack.accepted("chat.postMessage"); len(got) != 0 {
		t.Errorf("something was posted before the answer: %+v", got)
	}
	h.settle(t)
	posts := h.slack.accepted("chat.postMessage")
	if len(posts) != 1 || !strings.Contains(blockTexts(posts[0].Blocks), "피해 구제") {
		t.Fatalf("posts = %+v; want the answer alone", posts)
	}
	if got := h.slack.accepted("chat.update"); len(got) != 0 {
		t.Errorf("chat.update called %d times; want none", len(got))
	}
	if len(h.slack.callsOf("assistant.threads.setStatus")) != 1 {
		t.Errorf("status set again after the reply (a reply clears it)")
	}
}

// A quick answer needs no status.
func TestQuickAnswerNoStatus(t *testing.T) {
	h := newHarness(t)
	h.event(t, eventBody("EvSt2", mention("<@UBOT> 1.3", "1700000401.000100", "")), "")
	h.settle(t)
	if got := h.slack.callsOf("assistant.threads.setStatus"); len(got) != 0 {
		t.Errorf("status calls = %d; want none", len(got))
	}
}

// Slack took the post but its answer was lost to a timeout: the bot
// finds its post in the thread by its metadata and does not post again.
func TestTimedOutPostNotDoubled(t *testing.T) { synctest.Test(t, testTimedOutPostNotDoubled) }

func testTimedOutPostNotDoubled(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.HTTPClient = &http.Client{Timeout: 300 * time.Millisecond} })
	h.slack.set(func(f *fakeSlack) { f.delayOnce["chat.postMessage"] = time.Second })
	ts := "1700000500.000100"
	h.event(t, eventBody("EvTO", mention("<@UBOT> 1.3", ts, "")), "")
	h.settle(t)
	time.Sleep(time.Second) // the delayed response of the first post
	if got := h.slack.accepted("chat.postMessage"); len(got) != 1 {
		t.Errorf("posts = %d; want 1", len(got))
	}
	if got := h.slack.callsOf("conversations.replies"); len(got) != 1 || got[0].TS != ts {
		t.Errorf("thread checks = %+v; want one of thread %s", got, ts)
	}
	if !strings.Contains(h.logs.String(), "earlier post found") {
		t.Errorf("logs do not say the earlier post was found")
	}
}

// A post that really failed (the check finds nothing) is retried.
func TestFailedPostRetriedAfterCheck(t *testing.T) {
	h := newHarness(t)
	h.slack.set(func(f *fakeSlack) { f.failOnce["chat.postMessage"] = []string{"http503"} })
	h.event(t, eventBody("EvF", mention("<@UBOT> 1.3", "1700000501.000100", "")), "")
	h.settle(t)
	if got := h.slack.accepted("chat.postMessage"); len(got) != 1 {
		t.Errorf("posts = %d; want 1 after the retry", len(got))
	}
	if got := h.slack.callsOf("conversations.replies"); len(got) != 1 {
		t.Errorf("thread checks = %d; want 1", len(got))
	}
}

// A mention in a channel the bot cannot post to is answered in a DM that
// says why.
func TestNotInChannelToldPrivately(t *testing.T) {
	h := newHarness(t)
	h.slack.set(func(f *fakeSlack) { f.failOnce["chat.postMessage"] = []string{"not_in_channel"} })
	h.event(t, eventBody("EvNIC", mention("<@UBOT> 1.3", "1700000502.000100", "")), "")
	h.settle(t)
	posts := h.slack.accepted("chat.postMessage")
	if len(posts) < 1 || posts[0].Channel != "U1" || !strings.Contains(posts[0].Text+blockTexts(posts[0].Blocks), "/invite") {
		t.Fatalf("posts = %+v; want a DM to U1 saying to invite the bot", posts)
	}
}
