package bot

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
	"unicode/utf8"

	"github.com/selfcheck/selfcheck/engine"
)

// streamEngine is a fakeEngine whose model streams: each delta after
// pause, then the answer as the engine composes it (the model's text,
// the deterministic element list, sources). final, when set, changes the
// answer (a canned answer first, the model failing midway).
type streamEngine struct {
	*fakeEngine
	deltas []string
	first  time.Duration // before the first delta (the model thinking)
	pause  time.Duration // before each later one
	final  func(a engine.Answer) engine.Answer

	mu   sync.Mutex
	sent []time.Time // when each delta was handed on
}

const streamedSummary = "*1.3의 필수 요소* (모두 제시해야 합니다):\n• 1.3-a 처리 목적"

func (e *streamEngine) answer(ctx context.Context, q string, onDelta func(string)) (engine.Answer, error) {
	e.note("stream:" + q)
	for i, d := range e.deltas {
		wait := e.pause
		if i == 0 {
			wait = e.first
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return engine.Answer{}, ctx.Err()
		}
		e.mu.Lock()
		e.sent = append(e.sent, time.Now())
		e.mu.Unlock()
		onDelta(d)
	}
	a := sampleAnswer()
	if len(e.deltas) > 0 {
		a.Answer = strings.Join(e.deltas, "") + "\n\n" + streamedSummary
		a.LLM, a.Model.Used = true, true
	}
	if e.final != nil {
		a = e.final(a)
	}
	return a, nil
}

func (e *streamEngine) AskStream(ctx context.Context, q string, onDelta func(string)) (engine.Answer, error) {
	return e.answer(ctx, q, onDelta)
}

func (e *streamEngine) AskInThreadStream(ctx context.Context, q string, _ engine.Thread, onDelta func(string)) (engine.Answer, error) {
	return e.answer(ctx, q, onDelta)
}

var modelDeltas = []string{"1.3에는 ", "개인정보의 ", "처리 목적과 ", "보유 기간, ", "파기 절차를 ", "적어야 합니다 [1]. ", "자세한 내용은 ", "<https://evil.example/x|심사 안내> ", "를 보세요 [2]."}

func newStreamHarness(t *testing.T, se *streamEngine) *harness {
	t.Helper()
	se.fakeEngine = &fakeEngine{}
	return newHarness(t, func(c *Config) { c.Answerer = se })
}

// streamedText joins what the stream showed: the start and every append.
func streamedText(h *harness) string {
	var b strings.Builder
	for _, c := range h.slack.allCalls() {
		if c.Err == "" && (c.Method == "chat.startStream" || c.Method == "chat.appendStream") {
			b.WriteString(c.Markdown)
		}
	}
	return b.String()
}

// A question in a channel thread with the model on streams: the status
// shows until the first text, the model's text arrives in order in
// batches, and the final message adds the element list, the sources and
// the feedback buttons without repeating the text. Nothing is posted
// besides.
func TestAnswerStreams(t *testing.T) { synctest.Test(t, testAnswerStreams) }

func testAnswerStreams(t *testing.T) {
	// The first text comes after statusDelay: the status shows meanwhile.
	se := &streamEngine{deltas: modelDeltas, first: 500 * time.Millisecond, pause: 120 * time.Millisecond}
	h := newStreamHarness(t, se)
	ts := "1700002000.000100"
	start := time.Now()
	h.event(t, eventBody("EvAS1", mention("<@UBOT> 1.3에는 무엇이 포함되어야 하나요?", ts, "")), "")
	started := h.slack.waitMethod(t, "chat.startStream", 1)
	firstText := time.Since(start)
	h.settle(t)

	se.mu.Lock()
	firstDelta, lastDelta := se.sent[0].Sub(start), se.sent[len(se.sent)-1].Sub(start)
	se.mu.Unlock()
	t.Logf("first model text handed on after %v, in Slack after %v (%v later)", firstDelta, firstText, firstText-firstDelta)
	if firstText >= lastDelta {
		t.Errorf("first text reached Slack after %v, the model's last text after %v; want it at once", firstText, lastDelta)
	}
	if s := started[0]; s.ThreadTS != ts || s.User != "U1" || s.Markdown == "" {
		t.Errorf("stream start = %+v; want the first text in the thread, to the asker", s)
	}
	if got := h.slack.callsOf("assistant.threads.setStatus"); len(got) != 1 {
		t.Errorf("status calls = %d; want the status once, while waiting for the first text", len(got))
	}
	model := strings.Join(modelDeltas, "")
	want := streamMarkdown(model)
	if got := streamedText(h); got != want {
		t.Errorf("streamed %q;\nwant the model's text in order %q", got, want)
	}
	if strings.Contains(streamedText(h), "<https://evil") || strings.Contains(streamedText(h), "|심사 안내>") {
		t.Errorf("a link the model wrote was streamed as a link: %q", streamedText(h))
	}
	appends := h.slack.callsOf("chat.appendStream")
	if len(appends) == 0 || len(appends) >= len(modelDeltas)-1 {
		t.Errorf("appends = %d for %d deltas; want them batched", len(appends), len(modelDeltas))
	}
	stops := h.slack.accepted("chat.stopStream")
	if len(stops) != 1 || stops[0].TS != started[0].TS {
		t.Fatalf("stops = %+v; want the stream ended once", stops)
	}
	final := blockTexts(stops[0].Blocks)
	for _, w := range []string{"1.3의 필수 요소", "출처", "이용자 보호 작성 지침", "언어 모델"} {
		if !strings.Contains(final, w) {
			t.Errorf("final message lacks %q:\n%s", w, final)
		}
	}
	if strings.Contains(final, "처리 목적과") || strings.Contains(final, "답변을 찾지 못했어요") {
		t.Errorf("final message repeats the streamed text (or says none):\n%s", final)
	}
	if raw, _ := json.Marshal(stops[0].Blocks); !strings.Contains(string(raw), "feedback_buttons") {
		t.Error("final message has no feedback buttons")
	}
	if got := h.slack.accepted("chat.postMessage"); len(got) != 0 {
		t.Errorf("also posted %d messages; want the stream alone", len(got))
	}
}

// In an assistant thread (a DM's thread) the answer streams too, with no
// recipient: Slack needs one only outside DMs.
func TestAnswerStreamsInAssistantThread(t *testing.T) {
	synctest.Test(t, testAnswerStreamsInAssistantThread)
}

func testAnswerStreamsInAssistantThread(t *testing.T) {
	h := newStreamHarness(t, &streamEngine{deltas: modelDeltas[:4]})
	ev := dm("1.3에는 무엇이 포함되어야 하나요?", "1700002010.000200")
	ev["thread_ts"] = "1700002010.000100"
	h.slack.greetedThread("D1", "1700002010.000100")
	h.event(t, eventBody("EvAS8", ev), "")
	h.settle(t)
	started := h.slack.accepted("chat.startStream")
	if len(started) != 1 || started[0].Channel != "D1" || started[0].ThreadTS != "1700002010.000100" || started[0].User != "" {
		t.Fatalf("stream start = %+v; want one in the DM's thread, without a recipient", started)
	}
	if got := streamedText(h); got != streamMarkdown(strings.Join(modelDeltas[:4], "")) {
		t.Errorf("streamed %q", got)
	}
	if len(h.slack.accepted("chat.stopStream")) != 1 || len(h.slack.accepted("chat.postMessage")) != 0 {
		t.Error("want the stream ended once and nothing posted besides")
	}
}

// Where Slack refuses the stream, the answer comes as one message, whole;
// nothing is streamed or doubled.
func TestAnswerStreamRefused(t *testing.T) {
	for _, code := range []string{"not_allowed_token_type", "unknown_method", "missing_recipient_user_id"} {
		t.Run(code, func(t *testing.T) {
			se := &streamEngine{deltas: modelDeltas}
			h := newStreamHarness(t, se)
			h.slack.set(func(f *fakeSlack) { f.failWith["chat.startStream"] = code })
			h.event(t, eventBody("EvAS2", mention("<@UBOT> 1.3에는 무엇이 포함되어야 하나요?", "1700002001.000100", "")), "")
			h.settle(t)
			posts := h.slack.accepted("chat.postMessage")
			if len(posts) != 1 {
				t.Fatalf("posts = %d; want one message", len(posts))
			}
			text := blockTexts(posts[0].Blocks)
			if !strings.Contains(text, "처리 목적과") || !strings.Contains(text, "1.3의 필수 요소") || !strings.Contains(text, "출처") {
				t.Errorf("message lacks part of the answer:\n%s", text)
			}
			if got := len(h.slack.accepted("chat.appendStream")) + len(h.slack.accepted("chat.stopStream")); got != 0 {
				t.Errorf("stream calls after the refusal: %d", got)
			}
			if n := len(h.slack.allCalls()); n > 4 {
				t.Errorf("%d Slack calls; want the refused start and one post (no call per delta)", n)
			}
		})
	}
}

// With the model off (no deltas) or for an edited question, the answer is
// posted as today: one message.
func TestAnswerNotStreamed(t *testing.T) {
	tests := []struct {
		name   string
		deltas []string
		ev     map[string]any
	}{
		{"model off", nil, mention("<@UBOT> 1.3에는 무엇이 포함되어야 하나요?", "1700002002.000100", "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newStreamHarness(t, &streamEngine{deltas: tt.deltas})
			h.event(t, eventBody("EvAS3", tt.ev), "")
			h.settle(t)
			if got := h.slack.accepted("chat.startStream"); len(got) != 0 {
				t.Errorf("stream started: %+v", got)
			}
			if posts := h.slack.accepted("chat.postMessage"); len(posts) != 1 || !strings.Contains(blockTexts(posts[0].Blocks), "출처") {
				t.Errorf("posts = %+v; want the answer as one message", posts)
			}
		})
	}
}

// The final message adds what the streamed text does not carry: a canned
// answer that leads the answer; and when the model failed midway, the
// built-in answer whole with its notice.
func TestAnswerStreamFinal(t *testing.T) {
	tests := []struct {
		name  string
		final func(engine.Answer) engine.Answer
		want  []string
		not   []string
	}{
		{"canned first", func(a engine.Answer) engine.Answer {
			a.Answer = "✅ *담당자 확인 답변* (`cert`)\n보안인증서가 있으면 1.2~1.5는 생략합니다.\n\n" + a.Answer
			a.Canned = &engine.CannedRef{Name: "cert"}
			return a
		}, []string{"담당자 확인 답변", "보안인증서가 있으면", "1.3의 필수 요소", "출처"}, []string{"처리 목적과"}},
		{"model failed midway", func(a engine.Answer) engine.Answer {
			a = sampleAnswer()
			a.Notices = []string{"모델 응답을 받지 못해 기본 답변을 보여 드립니다."}
			return a
		}, []string{"피해 구제 절차", "모델 응답을 받지 못해", "출처"}, []string{"언어 모델이 답변"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newStreamHarness(t, &streamEngine{deltas: modelDeltas[:3], final: tt.final})
			h.event(t, eventBody("EvAS4", mention("<@UBOT> 1.3에는 무엇이 포함되어야 하나요?", "1700002004.000100", "")), "")
			h.settle(t)
			stops := h.slack.accepted("chat.stopStream")
			if len(stops) != 1 {
				t.Fatalf("stops = %d; want 1", len(stops))
			}
			final := blockTexts(stops[0].Blocks)
			for _, w := range tt.want {
				if !strings.Contains(final, w) {
					t.Errorf("final message lacks %q:\n%s", w, final)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(final, w) {
					t.Errorf("final message has %q:\n%s", w, final)
				}
			}
			if got := h.slack.accepted("chat.postMessage"); len(got) != 0 {
				t.Errorf("also posted %d messages", len(got))
			}
		})
	}
}

// Slack asking the appends to slow down delays the text; none is lost or
// doubled.
func TestAnswerStreamRateLimited(t *testing.T) { synctest.Test(t, testAnswerStreamRateLimited) }

func testAnswerStreamRateLimited(t *testing.T) {
	h := newStreamHarness(t, &streamEngine{deltas: modelDeltas, pause: 150 * time.Millisecond})
	h.slack.set(func(f *fakeSlack) { f.rateLimit["chat.appendStream"] = 1 })
	h.event(t, eventBody("EvAS6", mention("<@UBOT> 1.3에는 무엇이 포함되어야 하나요?", "1700002006.000100", "")), "")
	h.settle(t)
	if got, want := streamedText(h), streamMarkdown(strings.Join(modelDeltas, "")); got != want {
		t.Errorf("streamed %q; want %q", got, want)
	}
	limited := 0
	for _, c := range h.slack.allCalls() {
		if c.Err == "ratelimited" {
			limited++
		}
	}
	if limited != 1 || len(h.slack.accepted("chat.stopStream")) != 1 {
		t.Errorf("rate limited %d times, stops %d; want one 429 and the stream ended", limited, len(h.slack.accepted("chat.stopStream")))
	}
}

// A streamed text that turns out not to be the model's answer (reasoning
// a template opened in the prompt, told apart only by a later </think>)
// is deleted, and the answer posted whole, once.
func TestAnswerStreamRetracted(t *testing.T) { synctest.Test(t, testAnswerStreamRetracted) }

func testAnswerStreamRetracted(t *testing.T) {
	se := &streamEngine{deltas: []string{"사용자가 ", "1.3을 ", "묻는다 "}, final: func(a engine.Answer) engine.Answer {
		a.Answer = "1.3에는 처리 목적이 들어가야 합니다 [1].\n\n" + streamedSummary
		return a
	}}
	h := newStreamHarness(t, se)
	h.event(t, eventBody("EvAS7", mention("<@UBOT> 1.3에는 무엇이 포함되어야 하나요?", "1700002007.000100", "")), "")
	h.settle(t)
	started := h.slack.accepted("chat.startStream")
	deleted := h.slack.accepted("chat.delete")
	if len(started) != 1 || len(deleted) != 1 || deleted[0].TS != started[0].TS {
		t.Fatalf("started %+v, deleted %+v; want the streamed message deleted", started, deleted)
	}
	posts := h.slack.accepted("chat.postMessage")
	if len(posts) != 1 || !strings.Contains(blockTexts(posts[0].Blocks), "처리 목적이") || strings.Contains(blockTexts(posts[0].Blocks), "묻는다") {
		t.Errorf("posts = %+v; want the answer alone, once", posts)
	}
}

// A long text arriving at once (an answer held back until complete) is
// streamed in calls within Slack's 12,000 characters, all of it.
func TestAnswerStreamLongText(t *testing.T) { synctest.Test(t, testAnswerStreamLongText) }

func testAnswerStreamLongText(t *testing.T) {
	long := strings.Repeat("개인정보 처리 목적과 보유 기간을 적어야 합니다 [1]. ", 300) // about 14 KB: three calls
	// The model then pauses: the backlog goes out meanwhile, call after call.
	h := newStreamHarness(t, &streamEngine{deltas: []string{long, "끝."}, pause: 2 * time.Second})
	h.event(t, eventBody("EvAS9", mention("<@UBOT> 1.3에는 무엇이 포함되어야 하나요?", "1700002011.000100", "")), "")
	time.Sleep(1500 * time.Millisecond) // the bubble's clock: the model is still pausing
	synctest.Wait()
	if streamedText(h) != streamMarkdown(long) {
		t.Fatalf("streamed %d of %d bytes before the model went on; want the backlog sent", len(streamedText(h)), len(streamMarkdown(long)))
	}
	h.settle(t)
	if got := streamedText(h); got != streamMarkdown(long+"끝.") {
		t.Errorf("streamed %d bytes; want all %d", len(got), len(streamMarkdown(long+"끝.")))
	}
	for _, c := range h.slack.allCalls() {
		if n := utf8.RuneCountInString(c.Markdown); n > 12000 {
			t.Errorf("%s with %d characters; Slack takes 12,000", c.Method, n)
		}
	}
	if calls := len(h.slack.accepted("chat.appendStream")); calls < 2 {
		t.Errorf("appends = %d; want the text split", calls)
	}
}

// When Slack will not end the stream, the whole answer is posted, so that
// the user has its sources.
func TestAnswerStreamStopFails(t *testing.T) { synctest.Test(t, testAnswerStreamStopFails) }

func testAnswerStreamStopFails(t *testing.T) {
	h := newStreamHarness(t, &streamEngine{deltas: modelDeltas[:3]})
	h.slack.set(func(f *fakeSlack) { f.failWith["chat.stopStream"] = "message_not_in_streaming_state" })
	h.event(t, eventBody("EvAS5", mention("<@UBOT> 1.3에는 무엇이 포함되어야 하나요?", "1700002005.000100", "")), "")
	h.settle(t)
	posts := h.slack.accepted("chat.postMessage")
	if len(posts) != 1 || !strings.Contains(blockTexts(posts[0].Blocks), "출처") || !strings.Contains(blockTexts(posts[0].Blocks), "처리 목적과") {
		t.Fatalf("posts = %+v; want the whole answer once", posts)
	}
}

func TestSafeCut(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"", ""},
		{"단어", ""},
		{"단어 ", "단어 "},
		{"첫 둘", "첫 "},
		{"링크 <https://a.example/x|라벨", "링크 "},
		{"[라벨](https://a.example", ""},
		{"줄\n다음", "줄\n"},
		{strings.Repeat("가", streamMaxRun), strings.Repeat("가", streamMaxRun)},
	}
	if got := streamMarkdown("*굵게* 쓴 **이미 굵은** 글"); got != "**굵게** 쓴 **이미 굵은** 글" {
		t.Errorf("streamMarkdown bold = %q; want markdown bold", got)
	}
	for _, tt := range tests {
		if got := tt.in[:safeCut(tt.in)]; got != tt.want {
			t.Errorf("safeCut(%q) keeps %q; want %q", tt.in, got, tt.want)
		}
	}
	if got := streamMarkdown("[심사 안내](https://evil.example) <!channel> https://evil.example/a"); strings.Contains(got, "](") || strings.Contains(got, "<!channel>") || strings.Contains(got, " https://") {
		t.Errorf("streamMarkdown = %q; want links and mentions inert", got)
	}
}

// A stream start that Slack answers {"ok": true} without the message's ts
// is refused for that answer: the answer comes as one message, nothing is
// streamed into a stream the bot cannot name, and the server goes on
// (the next question is answered too).
func TestAnswerStreamStartWithoutTS(t *testing.T) { synctest.Test(t, testAnswerStreamStartWithoutTS) }

func testAnswerStreamStartWithoutTS(t *testing.T) {
	h := newStreamHarness(t, &streamEngine{deltas: modelDeltas})
	h.slack.set(func(f *fakeSlack) { f.raw["chat.startStream"] = `{"ok": true}` })
	h.event(t, eventBody("EvAS10", mention("<@UBOT> 1.3에는 무엇이 포함되어야 하나요?", "1700002012.000100", "")), "")
	h.event(t, eventBody("EvAS11", mention("<@UBOT> 1.2에는 무엇이 포함되어야 하나요?", "1700002013.000100", "")), "")
	h.settle(t)
	if strings.Contains(h.logs.String(), "panic recovered") {
		t.Fatalf("a reply without ts panicked:\n%s", h.logs.String())
	}
	posts := h.slack.accepted("chat.postMessage")
	if len(posts) != 2 {
		t.Fatalf("posts = %d; want each answer as one message", len(posts))
	}
	for _, p := range posts {
		if text := blockTexts(p.Blocks); !strings.Contains(text, "처리 목적과") || !strings.Contains(text, "출처") {
			t.Errorf("message lacks part of the answer:\n%s", text)
		}
	}
	if got := len(h.slack.accepted("chat.appendStream")) + len(h.slack.accepted("chat.stopStream")); got != 0 {
		t.Errorf("%d stream calls after a start without ts; want none", got)
	}
	if !strings.Contains(h.logs.String(), `"method":"chat.startStream"`) {
		t.Errorf("the refused start is not logged with its method:\n%s", h.logs.String())
	}
}
