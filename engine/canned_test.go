package engine

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/selfcheck/selfcheck/retrieval"

	"github.com/selfcheck/selfcheck/canned"
)

// fakeCanned is an in-memory CannedSource with a change counter like the
// store's; the real store is tested in package canned.
type fakeCanned struct {
	mu      sync.Mutex
	id      string
	seq     int64
	answers map[string]canned.Answer
	changed map[string]int64 // name → seq of its last change
	err     error
	gate    chan struct{} // when set, Changes waits on it after reading
	calls   atomic.Int32  // Changes calls
	reads   atomic.Int32  // answers read back by Changes
}

func newFakeCanned(answers ...canned.Answer) *fakeCanned {
	f := &fakeCanned{id: "store-1", answers: map[string]canned.Answer{}, changed: map[string]int64{}}
	for _, a := range answers {
		f.put(a)
	}
	return f
}

func (f *fakeCanned) put(a canned.Answer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	f.answers[a.Name], f.changed[a.Name] = a, f.seq
}

func (f *fakeCanned) remove(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	delete(f.answers, name)
	f.changed[name] = f.seq
}

func (f *fakeCanned) Changes(_ context.Context, since int64) (canned.ChangeSet, error) {
	f.calls.Add(1)
	f.mu.Lock()
	gate := f.gate
	defer func() {
		if gate != nil {
			<-gate
		}
	}()
	defer f.mu.Unlock()
	if f.err != nil {
		return canned.ChangeSet{}, f.err
	}
	ch := canned.ChangeSet{StoreID: f.id, Seq: f.seq, Full: since == 0}
	for name, seq := range f.changed {
		if seq <= since {
			continue
		}
		if a, ok := f.answers[name]; ok {
			ch.Changed = append(ch.Changed, a)
			f.reads.Add(1)
		} else if !ch.Full {
			ch.Deleted = append(ch.Deleted, name)
		}
	}
	return ch, nil
}

func (f *fakeCanned) Get(_ context.Context, name string) (canned.Answer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return canned.Answer{}, f.err
	}
	a, ok := f.answers[name]
	if !ok {
		return canned.Answer{}, canned.ErrNotFound
	}
	return a, nil
}

var staffAnswers = []canned.Answer{
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
	e := newCannedEngine(t, newFakeCanned(staffAnswers...))
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
	src := newFakeCanned()
	e := newCannedEngine(t, src)
	ctx := context.Background()
	if a, _ := e.Ask(ctx, "고객의견 수렴채널은 몇 개?"); a.Canned != nil {
		t.Fatalf("offered %q with no canned answers", a.Canned.Name)
	}
	for _, a := range staffAnswers {
		src.put(a)
	}
	if a, _ := e.Ask(ctx, "고객의견 수렴채널은 몇 개?"); a.Canned != nil {
		t.Fatalf("an ask read the store again: offered %q before any refresh", a.Canned.Name)
	}
	if err := e.RefreshCanned(ctx); err != nil {
		t.Fatal(err)
	}
	if a, _ := e.Ask(ctx, "고객의견 수렴채널은 몇 개?"); a.Canned == nil {
		t.Errorf("a new canned answer is not offered after RefreshCanned")
	}
	calls := src.calls.Load()
	for range 5 {
		e.Ask(ctx, "고객의견 수렴채널은 몇 개?")
	}
	if src.calls.Load() != calls {
		t.Errorf("asks read the store's changes %d times; want none once loaded", src.calls.Load()-calls)
	}

	// An edit re-reads only the edited answer; a deleted one is no
	// longer offered, even before the next refresh.
	reads := src.reads.Load()
	edited := staffAnswers[1]
	edited.Text += " 추가 안내."
	src.put(edited)
	if err := e.RefreshCanned(ctx); err != nil {
		t.Fatal(err)
	}
	if got := src.reads.Load() - reads; got != 1 {
		t.Errorf("an edit of one answer read %d answers; want 1", got)
	}
	if a, _ := e.Ask(ctx, "보안인증을 받았으면 1.2를 안 써도 되나요?"); a.Canned == nil || !strings.Contains(a.Canned.Text, "추가 안내") {
		t.Errorf("the edited answer is not offered with its new text: %+v", a.Canned)
	}
	src.remove("feedback-channel-count")
	if a, _ := e.Ask(ctx, "고객의견 수렴채널은 몇 개?"); a.Canned != nil {
		t.Errorf("a deleted answer is still offered: %q", a.Canned.Name)
	}
	if err := e.RefreshCanned(ctx); err != nil {
		t.Fatal(err)
	}
	if a, _ := e.Ask(ctx, "고객의견 수렴채널은 몇 개?"); a.Canned != nil {
		t.Errorf("a deleted answer is offered after a refresh: %q", a.Canned.Name)
	}

	broken := newFakeCanned(staffAnswers...)
	broken.err = errors.New("database is locked")
	e2 := newCannedEngine(t, broken)
	a, err := e2.Ask(ctx, "고객의견 수렴채널은 몇 개?")
	if err != nil || a.Item != "3.2" || a.Canned != nil {
		t.Errorf("with an unreadable store: item %q canned %v err %v; want the usual answer", a.Item, a.Canned, err)
	}
}

// Concurrent first asks share one load of the canned answers.
func TestCannedFirstAsksShareOneLoad(t *testing.T) {
	src := newFakeCanned(staffAnswers...)
	e := newCannedEngine(t, src)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if a, err := e.Ask(context.Background(), "고객의견 수렴채널은 몇 개?"); err != nil || a.Canned == nil {
				t.Errorf("first ask: canned %v, err %v; want the canned answer", a.Canned, err)
			}
		})
	}
	wg.Wait()
	if n := src.calls.Load(); n != 1 {
		t.Errorf("20 concurrent first asks read the store %d times; want 1", n)
	}
}

// WatchCanned loads at once and picks up changes in the background, at
// its next tick (on a synctest clock: no real wait, no deadline).
func TestWatchCanned(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const every = 15 * time.Second
		const q = "고객의견 수렴채널은 몇 개?"
		src := newFakeCanned()
		e := newCannedEngine(t, src)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { e.WatchCanned(ctx, every); close(done) }()
		synctest.Wait()
		src.put(staffAnswers[0])
		if a, _ := e.Ask(context.Background(), q); a.Canned != nil {
			t.Errorf("canned answer %q offered before the watch read the store again", a.Canned.Name)
		}
		time.Sleep(every)
		synctest.Wait()
		if a, _ := e.Ask(context.Background(), q); a.Canned == nil {
			t.Error("WatchCanned did not pick up a new answer at its next tick")
		}
		cancel()
		<-done
	})
}

// RefreshCanned after a change does not settle for an update that read
// the store before the change. In a synctest bubble, Wait puts each
// goroutine exactly where the test needs it, instead of a sleep that a
// slow machine could make too short.
func TestRefreshCannedAfterAChangeDuringAnUpdate(t *testing.T) {
	synctest.Test(t, testRefreshCannedAfterAChangeDuringAnUpdate)
}

func testRefreshCannedAfterAChangeDuringAnUpdate(t *testing.T) {
	src := newFakeCanned()
	e := newCannedEngine(t, src)
	ctx := context.Background()
	if err := e.RefreshCanned(ctx); err != nil {
		t.Fatal(err)
	}
	gate := make(chan struct{})
	src.mu.Lock()
	src.gate = gate
	src.mu.Unlock()
	background := make(chan error)
	go func() { background <- e.canned.sync(ctx, false) }() // a WatchCanned tick
	synctest.Wait()                                         // it has read the store and waits at the gate
	if src.calls.Load() < 2 {
		t.Fatal("the tick did not read the store")
	}
	src.put(staffAnswers[0]) // a save through the bot, after that read
	refreshed := make(chan error)
	go func() { refreshed <- e.RefreshCanned(ctx) }()
	// The refresh reaches the update under way: a refresh that joined it
	// would end with it.
	synctest.Wait()
	gate <- struct{}{} // the tick ends, without the new answer
	if err := <-background; err != nil {
		t.Fatal(err)
	}
	src.mu.Lock()
	src.gate = nil
	src.mu.Unlock()
	close(gate)
	if err := <-refreshed; err != nil {
		t.Fatal(err)
	}
	if a, _ := e.Ask(ctx, "고객의견 수렴채널은 몇 개?"); a.Canned == nil {
		t.Errorf("the answer saved during an update is not offered after RefreshCanned")
	}
}
