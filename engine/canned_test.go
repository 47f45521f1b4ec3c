package engine

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/selfcheck/selfcheck/retrieval"
)

// fakeCanned is an in-memory CannedSource; the real store is tested in
// package canned, and main adapts it.
type fakeCanned struct {
	answers []CannedAnswer
	err     error
	calls   atomic.Int32
}

func (f *fakeCanned) CannedAnswers(context.Context) ([]CannedAnswer, error) {
	f.calls.Add(1)
	return f.answers, f.err
}

var staffAnswers = []CannedAnswer{
	{Name: "feedback-channel-count", Item: "3.2", Tags: []string{"수렴채널", "채널 수"},
		Text: "고객의견 수렴채널은 1개 이상이면 됩니다. FAQ, 1:1 문의, 고객센터 대표전화 중 운영하는 채널을 모두 적으세요."},
	{Name: "security-certificate-exemption", Item: "1.2", Tags: []string{"보안인증", "면제", "CSAP"},
		Text: "클라우드 보안인증(CSAP)을 받아 보안인증서를 제출하면 1.2~1.5 항목은 작성하지 않아도 됩니다. 인증서 사본을 증빙으로 제출하세요."},
}

func newCannedEngine(t testing.TB, src CannedSource) *Engine {
	t.Helper()
	return newEngineWith(t, Config{Canned: src})
}

func TestCannedSuggestions(t *testing.T) {
	e := newCannedEngine(t, &fakeCanned{answers: staffAnswers})
	tests := []struct {
		q    string
		want string // canned answer offered, "" for none
	}{
		{"고객의견 수렴채널은 몇 개?", "feedback-channel-count"},
		{"고객 문의 채널이 몇 개 있어야 하나요?", "feedback-channel-count"},
		{"How many customer feedback channels do we need?", "feedback-channel-count"},
		{"보안인증을 받았으면 1.2를 안 써도 되나요?", "security-certificate-exemption"},
		{"CSAP 인증이 있으면 침해사고 항목은 빼도 되나요?", "security-certificate-exemption"},
		{"비밀번호는 어떻게 저장해야 하나요?", ""},
		{"조직도를 꼭 내야 하나요?", ""},
		{"심사위원회는 누가 하나요?", ""},
		{"모의훈련은 얼마나 자주 해야 하나요?", ""},
		{"고객 피드백 처리 절차는 어떻게 쓰나요?", ""},
		{"점심 메뉴 추천해줘", ""},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			a, err := e.Ask(context.Background(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if a.Canned != nil {
				got = a.Canned.Name
			}
			if got != tt.want {
				score := 0.0
				if a.Canned != nil {
					score = a.Canned.Score
				}
				t.Errorf("offered %q (score %.3f); want %q", got, score, tt.want)
			}
			if tt.want == "" {
				return
			}
			if !strings.HasPrefix(a.Answer, "✅") || !strings.Contains(a.Answer, tt.want) {
				t.Errorf("answer does not lead with the staff-verified answer:\n%s", a.Answer)
			}
			// The canned answer leads the text but is not a numbered
			// source: [n] keeps meaning the n-th source the model saw.
			if len(a.Sources) == 0 {
				t.Errorf("no sources; want the usual sources after the canned answer")
			}
			for i, src := range a.Sources {
				if src.Kind == retrieval.KindCanned || src.N != i+1 {
					t.Errorf("source %d is %s numbered %d; want the usual sources numbered from 1", i, src.Kind, src.N)
				}
			}
		})
	}
}

func TestCannedRefreshAndFailures(t *testing.T) {
	src := &fakeCanned{}
	e := newCannedEngine(t, src)
	ctx := context.Background()
	if a, _ := e.Ask(ctx, "고객의견 수렴채널은 몇 개?"); a.Canned != nil {
		t.Fatalf("offered %q with no canned answers", a.Canned.Name)
	}
	src.answers = staffAnswers
	if err := e.RefreshCanned(ctx); err != nil {
		t.Fatal(err)
	}
	if a, _ := e.Ask(ctx, "고객의견 수렴채널은 몇 개?"); a.Canned == nil {
		t.Errorf("a new canned answer is not offered after RefreshCanned")
	}
	calls := src.calls.Load()
	e.Ask(ctx, "고객의견 수렴채널은 몇 개?")
	if src.calls.Load() != calls {
		t.Errorf("the store was read again within the refresh interval")
	}

	broken := &fakeCanned{err: errors.New("database is locked")}
	e2 := newCannedEngine(t, broken)
	a, err := e2.Ask(ctx, "고객의견 수렴채널은 몇 개?")
	if err != nil || a.Item != "3.2" || a.Canned != nil {
		t.Errorf("with an unreadable store: item %q canned %v err %v; want the usual answer", a.Item, a.Canned, err)
	}
}
