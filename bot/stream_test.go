package bot

import (
	"context"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/selfcheck/selfcheck/knowledge"
)

func quickReviewConfig(c *Config) {
	c.QuickReview = func(_ context.Context, item, _ string) (knowledge.Report, error) {
		r := sampleReport(item, 4)
		r.Title = "빠른 결과"
		return r, nil
	}
}

func reviewInThread(ts string) map[string]any {
	ev := dm("1.2 검토\n제1조 수집 항목: 이름", ts)
	ev["thread_ts"] = "1700001300.000100"
	return ev
}

// A review in an assistant thread streams: the deterministic result at
// once, the full review (model included) when it is ready, in the same
// message.
func TestReviewStreamsDeterministicFirst(t *testing.T) {
	synctest.Test(t, testReviewStreamsDeterministicFirst)
}

func testReviewStreamsDeterministicFirst(t *testing.T) {
	const model = 400 * time.Millisecond
	h := newHarness(t, quickReviewConfig)
	h.eng.reviewDelay = model
	start := time.Now()
	h.slack.greetedThread("D1", "1700001300.000100")
	h.event(t, eventBody("EvStr1", reviewInThread("1700001300.000200")), "")
	started := h.slack.waitMethod(t, "chat.startStream", 1)
	if took := time.Since(start); took >= model { // the bubble's clock
		t.Errorf("deterministic part after %v; want it before the model answers (%v)", took, model)
	}
	if s := started[0]; s.ThreadTS != "1700001300.000100" || !strings.Contains(s.Markdown, "기본 검토 결과") || !strings.Contains(s.Markdown, "1.2-c") {
		t.Errorf("stream start = %+v; want the deterministic summary in the thread", s)
	}
	h.settle(t)
	stops := h.slack.accepted("chat.stopStream")
	if len(stops) != 1 || stops[0].TS != started[0].TS || !strings.Contains(blockTexts(stops[0].Blocks), "검토 결과") {
		t.Fatalf("stream stop = %+v; want the full review in the streamed message", stops)
	}
	if got := h.slack.accepted("chat.postMessage"); len(got) != 0 {
		t.Errorf("also posted %d messages; want the stream alone", len(got))
	}
}

// Where Slack refuses the stream the review arrives as one message.
func TestReviewStreamRefusedFallsBack(t *testing.T) {
	h := newHarness(t, quickReviewConfig)
	h.slack.set(func(f *fakeSlack) { f.failWith["chat.startStream"] = "not_allowed_token_type" })
	h.slack.greetedThread("D1", "1700001300.000100")
	h.event(t, eventBody("EvStr2", reviewInThread("1700001300.000300")), "")
	h.settle(t)
	posts := h.slack.accepted("chat.postMessage")
	if len(posts) != 1 || !strings.Contains(blockTexts(posts[0].Blocks), "검토 결과") || posts[0].ThreadTS != "1700001300.000100" {
		t.Fatalf("posts = %+v; want the review as one message in the thread", posts)
	}
	if got := h.slack.accepted("chat.stopStream"); len(got) != 0 {
		t.Errorf("stream calls accepted after a refusal: %+v", got)
	}
}
