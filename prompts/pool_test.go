package prompts

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"
)

func TestTimeout(t *testing.T) {
	f := newFakeOpenAI(t, func(_ int, _ recorded, w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
		writeChat(w, "too late")
	})
	c := newTestClient(t, f, func(cfg *Config) { cfg.Timeout = 150 * time.Millisecond })
	start := time.Now()
	_, err := c.Review(context.Background(), fixedReview())
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v; want ErrTimeout", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("call took %s; want it to end soon after the 150ms timeout", d)
	}
	if got := len(f.requests()); got != 1 {
		t.Errorf("requests = %d; want 1 (timeouts are not retried)", got)
	}
}

func TestCancelStopsRetries(t *testing.T) {
	f := newFakeOpenAI(t, func(_ int, _ recorded, w http.ResponseWriter, _ *http.Request) {
		writeError(w, http.StatusServiceUnavailable, "down")
	})
	c := newTestClient(t, f, nil)
	c.backoffBase, c.backoffMax = time.Second, time.Second
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.Answer(ctx, AnswerRequest{Question: "질문"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v; want the cancellation", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("call took %s; want it to stop when the context ends", d)
	}
}

func TestBusy(t *testing.T) {
	arrived := make(chan struct{}, 4)
	unblock := make(chan struct{})
	f := newFakeOpenAI(t, func(_ int, _ recorded, w http.ResponseWriter, _ *http.Request) {
		arrived <- struct{}{}
		<-unblock
		writeChat(w, "ok")
	})
	c := newTestClient(t, f, func(cfg *Config) { cfg.MaxConcurrent, cfg.QueueSize = 1, 1 })

	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Go(func() { _, errs[0] = c.Answer(context.Background(), AnswerRequest{Question: "첫째"}) })
	<-arrived // the first call is in flight
	wg.Go(func() { _, errs[1] = c.Answer(context.Background(), AnswerRequest{Question: "둘째"}) })
	deadline := time.Now().Add(2 * time.Second)
	for c.pool.queued() != 1 {
		if time.Now().After(deadline) {
			t.Fatal("second call never queued")
		}
		time.Sleep(time.Millisecond)
	}

	start := time.Now()
	_, err := c.Answer(context.Background(), AnswerRequest{Question: "셋째"})
	if !errors.Is(err, ErrBusy) {
		t.Errorf("third call err = %v; want ErrBusy", err)
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("ErrBusy took %s; want it at once", d)
	}
	close(unblock)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("call %d: %v; want success once the pool frees up", i+1, err)
		}
	}
	if got := len(f.requests()); got != 2 {
		t.Errorf("requests = %d; want 2", got)
	}
}

func TestQueuedCallCancelled(t *testing.T) {
	unblock := make(chan struct{})
	arrived := make(chan struct{}, 1)
	f := newFakeOpenAI(t, func(_ int, _ recorded, w http.ResponseWriter, _ *http.Request) {
		arrived <- struct{}{}
		<-unblock
		writeChat(w, "ok")
	})
	c := newTestClient(t, f, func(cfg *Config) { cfg.MaxConcurrent = 1 })
	var wg sync.WaitGroup
	wg.Go(func() { _, _ = c.Answer(context.Background(), AnswerRequest{Question: "첫째"}) })
	<-arrived
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.Answer(ctx, AnswerRequest{Question: "둘째"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("queued call err = %v; want the context's deadline", err)
	}
	close(unblock)
	wg.Wait()
	if got := c.pool.queued(); got != 0 {
		t.Errorf("waiting = %d after all calls; want 0", got)
	}
}
