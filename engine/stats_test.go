package engine

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
)

// fakeStats records the events the engine sends.
type fakeStats struct {
	mu       sync.Mutex
	asks     []AskEvent
	reviews  []ReviewEvent
	feedback []FeedbackEvent
	err      error
}

func (f *fakeStats) RecordAsk(_ context.Context, ev AskEvent) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asks = append(f.asks, ev)
	return f.err
}

func (f *fakeStats) RecordReview(_ context.Context, ev ReviewEvent) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reviews = append(f.reviews, ev)
	return f.err
}

func (f *fakeStats) RecordFeedback(_ context.Context, ev FeedbackEvent) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.feedback = append(f.feedback, ev)
	return f.err
}

func TestStatsRecordsAsksReviewsFeedback(t *testing.T) {
	rec := &fakeStats{}
	e := newEngineWith(t, Config{Stats: rec, Canned: newFakeCanned(staffAnswers...)})
	ctx := context.Background()
	tests := []struct {
		q       string
		item    string
		kind    string
		outcome string
	}{
		{"1.3에는 무엇이 포함되어야 하나요?", "1.3", KindGuidance, OutcomeAnswered},
		{"비밀번호는 어떻게 저장해야 하나요?", "1.3", KindGuidance, OutcomeAnswered},
		{"고객의견 수렴채널은 몇 개?", "3.2", KindCanned, OutcomeAnswered},
		{"1.4에는 무엇을 써야 하나요?", "1.4", KindNoGuidance, OutcomeUnanswered},
		{"점심 메뉴 추천해줘 010-1234-5678 김민수 과장", "", KindNoMatch, OutcomeUnanswered},
		{"우리 회사 대표 이름을 써야 하나요?", "1.3", KindGuidance, OutcomeWeak},
	}
	for _, tt := range tests {
		a, err := e.Ask(ctx, tt.q)
		if err != nil {
			t.Fatal(err)
		}
		ev := rec.asks[len(rec.asks)-1]
		if ev.Item != tt.item || ev.Kind != tt.kind || ev.Outcome != tt.outcome || ev.Kind != a.Kind() {
			t.Errorf("%q: recorded %+v; want item %q kind %q outcome %q", tt.q, ev, tt.item, tt.kind, tt.outcome)
		}
		if (ev.Masked != "") != (tt.outcome != OutcomeAnswered) {
			t.Errorf("%q (%s): masked text %q; want text only for weak and unanswered questions", tt.q, tt.outcome, ev.Masked)
		}
	}
	if m := rec.asks[4].Masked; strings.Contains(m, "010-1234-5678") || strings.Contains(m, "김민수") || !strings.Contains(m, "점심 메뉴") {
		t.Errorf("kept question %q; want it masked (no phone number, no name) but readable", m)
	}
	if _, err := e.Ask(ctx, "  "); err == nil || len(rec.asks) != len(tests) {
		t.Errorf("an empty question (an error) was counted: %d events", len(rec.asks))
	}

	draft := "침해사고 발생 시 이용자에게 전자우편으로 통지합니다. 통지 내용: 유출 항목, 시점."
	rep, err := e.Review(ctx, "1.2", draft)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.reviews) != 1 || rec.reviews[0].Item != "1.2" || len(rec.reviews[0].Elements) != len(rep.Elements) {
		t.Fatalf("reviews recorded %+v; want one for 1.2 with every element", rec.reviews)
	}
	for _, el := range rep.Elements {
		if rec.reviews[0].Elements[el.ID] != string(el.Status) {
			t.Errorf("element %s recorded %q; report says %q", el.ID, rec.reviews[0].Elements[el.ID], el.Status)
		}
	}
	for _, s := range rec.reviews[0].Elements {
		if strings.Contains(s, "통지") {
			t.Errorf("draft text in a review event: %q", s)
		}
	}
	e.RecordFeedback(ctx, FeedbackEvent{Item: "1.3", Kind: KindGuidance, Helpful: true})
	if len(rec.feedback) != 1 || !rec.feedback[0].Helpful {
		t.Errorf("feedback recorded %+v", rec.feedback)
	}
}

// A failing recorder is logged; the answer goes out as usual. No recorder
// is statistics off.
func TestStatsErrorsNeverFailAnAnswer(t *testing.T) {
	ctx := context.Background()
	broken := newEngineWith(t, Config{Stats: &fakeStats{err: errors.New("disk full")}})
	if a, err := broken.Ask(ctx, "비밀번호는 어떻게 저장해야 하나요?"); err != nil || a.Item != "1.3" {
		t.Errorf("with a failing recorder: item %q, err %v; want the usual answer", a.Item, err)
	}
	if _, err := broken.Review(ctx, "1.2", "침해사고 대응 절차"); err != nil {
		t.Errorf("review with a failing recorder: %v", err)
	}
	broken.RecordFeedback(ctx, FeedbackEvent{Item: "1.3"})
	off := newEngineWith(t, Config{})
	if _, err := off.Ask(ctx, "비밀번호는 어떻게 저장해야 하나요?"); err != nil {
		t.Error(err)
	}
	off.RecordFeedback(ctx, FeedbackEvent{Item: "1.3"})
}

func TestAnswerKind(t *testing.T) {
	tests := []struct {
		a    Answer
		want string
	}{
		{Answer{Known: true, Item: "1.3"}, KindGuidance},
		{Answer{Known: true, Item: "1.3", LLM: true}, KindModel},
		{Answer{Known: true, Item: "3.2", LLM: true, Canned: &CannedRef{Name: "x"}}, KindCanned},
		{Answer{Known: false, Item: "1.4"}, KindNoGuidance},
		{Answer{Known: false}, KindNoMatch},
	}
	for _, tt := range tests {
		if got := tt.a.Kind(); got != tt.want {
			t.Errorf("%+v: Kind %q; want %q", tt.a, got, tt.want)
		}
	}
}
