package engine

import (
	"context"
	"testing"
)

// Relevance tells the help channel's questions about the checklist from
// small talk, without a model and without counting anything.
func TestRelevance(t *testing.T) {
	e := newTestEngine(t)
	for _, tc := range []struct {
		text          string
		topic, strong bool
	}{
		{"비밀번호는 어떤 방식으로 암호화해서 저장해야 하나요?", true, false},
		{"1.3 항목에 뭘 써야 해요?", true, true},
		{"침해사고 나면 이용자한테 언제까지 알려야 됨?", true, false},
		{"How should we store user passwords?", true, false},
		{"오늘 점심 메뉴 정하신 분 계신가요?", false, false},
		{"", false, false},
	} {
		r, err := e.Relevance(context.Background(), tc.text)
		if err != nil {
			t.Fatalf("Relevance(%q): %v", tc.text, err)
		}
		if r.Topic != tc.topic || (tc.strong && !r.Strong) {
			t.Errorf("Relevance(%q) = %+v; want topic %v strong %v", tc.text, r, tc.topic, tc.strong)
		}
	}
}

// A message matching a canned answer closely is strong whatever its
// shape.
func TestRelevanceCanned(t *testing.T) {
	e := newCannedEngine(t, newFakeCanned(staffAnswers...))
	r, err := e.Relevance(context.Background(), "고객의견 수렴채널은 몇 개?")
	if err != nil || r.Canned != "feedback-channel-count" || !r.Strong {
		t.Errorf("Relevance = %+v, %v; want the canned answer, strong", r, err)
	}
}
