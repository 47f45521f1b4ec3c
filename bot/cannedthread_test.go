package bot

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/selfcheck/selfcheck/engine"
)

const (
	testCannedText = "클라우드 보안인증(CSAP)은 심사 전에 받아 두어야 해요."
	testOwnText    = "봇의 답변: 1.5 항목의 증빙으로 인증서 사본을 붙여 주세요."
)

// cannedLed is an answer led by a canned answer, composed the way the
// engine composes it.
func cannedLed() engine.Answer {
	return engine.Answer{
		Item:   "1.5",
		Answer: "✅ *담당자 확인 답변* (`cloud-cert`)\n" + testCannedText + "\n\n" + testOwnText,
		Canned: &engine.CannedRef{Name: "cloud-cert", Item: "1.5", Text: testCannedText, Score: 0.4, Why: "보안인증"},
		Known:  true,
	}
}

// In a thread, a canned answer comes first and alone, says why it
// matched, and carries 전체 답변 보기, which posts the bot's own answer in
// the thread once. Asked again in that thread, the canned answer is not
// offered again; in another thread it is.
func TestCannedFirstInThread(t *testing.T) {
	h := newHarness(t)
	h.eng.ask = func(string) (engine.Answer, error) { return cannedLed(), nil }
	const thread = "1700005000.000100"
	h.event(t, eventBody("EvC1", mention("<@UBOT> 보안인증 필요한가요?", thread, "")), "")
	h.settle(t)
	first := h.slack.waitMethod(t, "chat.postMessage", 1)[0]
	body := blockTexts(first.Blocks)
	if !strings.Contains(body, testCannedText) || strings.Contains(body, testOwnText) {
		t.Fatalf("canned answer shown first = %s; want the canned text alone", body)
	}
	if !strings.Contains(body, "“보안인증”") {
		t.Errorf("canned answer does not say why it matched: %s", body)
	}
	full := findButton(first.Blocks, actionCannedFull)
	if full == nil {
		t.Fatalf("no 전체 답변 보기 button: %s", body)
	}
	if findButton(first.Blocks, actionEscalate) == nil {
		t.Errorf("canned answer has no escalation button")
	}

	click := buttonClick("U2", "C1", first.TS, thread, actionCannedFull, full["value"].(string), h.resp.url("f"), first.Blocks)
	h.clickButton(t, click)
	posts := h.slack.callsOf("chat.postMessage")
	if len(posts) != 2 {
		t.Fatalf("posts = %d; want the canned answer and the full answer", len(posts))
	}
	if p := posts[1]; p.ThreadTS != thread || !strings.Contains(blockTexts(p.Blocks), testOwnText) || strings.Contains(blockTexts(p.Blocks), testCannedText) {
		t.Errorf("full answer posted to %s: %s", p.ThreadTS, blockTexts(p.Blocks))
	}
	if ups := h.slack.callsOf("chat.update"); len(ups) != 1 || findButton(ups[0].Blocks, actionCannedFull) != nil {
		t.Errorf("canned message not updated without its button: %+v", ups)
	}
	h.clickButton(t, click)
	if n := len(h.slack.callsOf("chat.postMessage")); n != 2 {
		t.Errorf("posts after a second click = %d; want still 2", n)
	}
	if got := h.resp.all(); len(got) != 1 || got[0].ResponseType != "ephemeral" {
		t.Errorf("second click told %+v; want one private note", got)
	}

	h.event(t, eventBody("EvC2", mention("<@UBOT> 보안인증 다시 질문", "1700005000.000200", thread)), "")
	h.settle(t)
	again := h.slack.callsOf("chat.postMessage")[2]
	if b := blockTexts(again.Blocks); strings.Contains(b, testCannedText) || !strings.Contains(b, testOwnText) || findButton(again.Blocks, actionCannedFull) != nil {
		t.Errorf("same thread, asked again = %s; want the bot's own answer without the canned one", b)
	}

	h.event(t, eventBody("EvC3", mention("<@UBOT> 보안인증?", "1700005100.000100", "")), "")
	h.settle(t)
	other := h.slack.callsOf("chat.postMessage")[3]
	if b := blockTexts(other.Blocks); !strings.Contains(b, testCannedText) || findButton(other.Blocks, actionCannedFull) == nil {
		t.Errorf("another thread = %s; want the canned answer offered", b)
	}
}

// A /selfcheck reply has no thread: the answer comes whole, as before.
func TestCannedInSlashWhole(t *testing.T) {
	h := newHarness(t)
	h.eng.ask = func(string) (engine.Answer, error) { return cannedLed(), nil }
	_, ack := h.slash(t, "보안인증 필요한가요?", h.resp.url("s"))
	h.settle(t)
	got := append([]responsePost{ack}, h.resp.all()...)
	var body string
	for _, p := range got {
		body += blockTexts(p.Blocks)
	}
	if !strings.Contains(body, testCannedText) || !strings.Contains(body, testOwnText) {
		t.Errorf("slash answer = %s; want canned and own answer together", body)
	}
}

type recordedFeedback struct {
	mu  sync.Mutex
	evs []engine.FeedbackEvent
}

func (r *recordedFeedback) RecordFeedback(_ context.Context, ev engine.FeedbackEvent) {
	r.mu.Lock()
	r.evs = append(r.evs, ev)
	r.mu.Unlock()
}

// Feedback clicks reach the recorder with the item and the kind of
// answer: a vote once, a changed vote marked so, a repeated click not
// at all.
func TestFeedbackReachesRecorder(t *testing.T) {
	rec := &recordedFeedback{}
	h := newHarness(t, func(c *Config) { c.Feedback = rec })
	h.eng.ask = func(string) (engine.Answer, error) { return cannedLed(), nil }
	h.event(t, eventBody("EvFR", mention("<@UBOT> 보안인증?", "1700006000.000100", "")), "")
	h.settle(t)
	answer := h.slack.waitMethod(t, "chat.postMessage", 1)[0]
	var up, down string
	for _, b := range answer.Blocks {
		if b["type"] == "context_actions" {
			el := b["elements"].([]any)[0].(map[string]any)
			up = el["positive_button"].(map[string]any)["value"].(string)
			down = el["negative_button"].(map[string]any)["value"].(string)
		}
	}
	for _, v := range []string{up, down, down} {
		h.click(t, clickPayload("U1", actionFeedback, v, answer.TS, answer.Blocks))
	}
	want := []engine.FeedbackEvent{
		{Item: "1.5", Kind: engine.KindCanned, Helpful: true},
		{Item: "1.5", Kind: engine.KindCanned, Helpful: false, Changed: true},
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.evs) != len(want) {
		t.Fatalf("recorded %+v; want %+v", rec.evs, want)
	}
	for i := range want {
		if rec.evs[i] != want[i] {
			t.Errorf("event %d = %+v; want %+v", i, rec.evs[i], want[i])
		}
	}
}
