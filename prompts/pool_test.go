package prompts

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// The tests of waits run in a synctest bubble over an in-memory server
// (fakeOpenAI): the bubble's clock moves only when every goroutine waits, so
// a duration measured in it is the one the code asked for, on any machine.

func TestTimeout(t *testing.T) {
	synctest.Test(t, testTimeout)
}

func testTimeout(t *testing.T) {
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
	if d := time.Since(start); d != 150*time.Millisecond {
		t.Errorf("call took %s of the bubble's clock; want it to end at the 150ms timeout", d)
	}
	if got := len(f.requests()); got != 1 {
		t.Errorf("requests = %d; want 1 (timeouts are not retried)", got)
	}
}

func TestCancelStopsRetries(t *testing.T) {
	synctest.Test(t, testCancelStopsRetries)
}

func testCancelStopsRetries(t *testing.T) {
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
	if d := time.Since(start); d != 100*time.Millisecond {
		t.Errorf("call took %s of the bubble's clock; want it to stop when the context ends, at 100ms", d)
	}
}

func TestBusy(t *testing.T) {
	synctest.Test(t, testBusy)
}

func testBusy(t *testing.T) {
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
	synctest.Wait()
	if c.pool.queued() != 1 {
		t.Fatal("second call never queued")
	}

	start := time.Now()
	_, err := c.Answer(context.Background(), AnswerRequest{Question: "셋째"})
	if !errors.Is(err, ErrBusy) {
		t.Errorf("third call err = %v; want ErrBusy", err)
	}
	if d := time.Since(start); d != 0 {
		t.Errorf("ErrBusy took %s of the bubble's clock; want it at once", d)
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
	synctest.Test(t, testQueuedCallCancelled)
}

func testQueuedCallCancelled(t *testing.T) {
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

// TestFairness: one user's burst fills only its share of the queue, and a
// freed slot goes to the users in turn, so another user's call is served
// after one of the burst's, not after all of them.
func TestFairness(t *testing.T) {
	synctest.Test(t, testFairness)
}

func testFairness(t *testing.T) {
	var mu sync.Mutex
	var order []string
	next := make(chan struct{})
	f := newFakeOpenAI(t, func(_ int, rec recorded, w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		for _, q := range []string{"A1", "A2", "A3", "A4", "A5", "A6", "B1"} {
			if strings.Contains(rec.User(), "질문 "+q+"?") {
				order = append(order, q)
			}
		}
		mu.Unlock()
		<-next
		writeChat(w, "ok")
	})
	c := newTestClient(t, f, func(cfg *Config) { cfg.MaxConcurrent, cfg.QueueSize, cfg.Timeout = 1, 8, 5*time.Second })
	ask := func(user, q string) error {
		_, err := c.Answer(WithUser(context.Background(), user), AnswerRequest{Question: "질문 " + q + "?"})
		return err
	}
	waitQueued := func(n int) {
		t.Helper()
		synctest.Wait()
		if c.pool.queued() != n {
			t.Fatalf("queued = %d; want %d", c.pool.queued(), n)
		}
	}
	var wg sync.WaitGroup
	errs := map[string]error{}
	var emu sync.Mutex
	start := func(user, q string) {
		wg.Go(func() {
			err := ask(user, q)
			emu.Lock()
			errs[q] = err
			emu.Unlock()
		})
	}
	start("UA", "A1")
	synctest.Wait()
	if len(f.requests()) == 0 {
		t.Fatal("the first call never reached the server")
	}
	start("UA", "A2")
	waitQueued(1)
	start("UA", "A3")
	waitQueued(2)
	// A's share of the queue (8/4 = 2) is full: the rest of its burst is
	// refused at once, not queued ahead of everyone.
	for _, q := range []string{"A4", "A5", "A6"} {
		began := time.Now()
		if err := ask("UA", q); !errors.Is(err, ErrBusy) {
			t.Errorf("%s: err = %v; want ErrBusy past the user's share", q, err)
		}
		if d := time.Since(began); d != 0 {
			t.Errorf("%s: ErrBusy after %s of the bubble's clock; want it at once", q, d)
		}
	}
	start("UB", "B1")
	waitQueued(3)
	for range 4 {
		next <- struct{}{}
	}
	wg.Wait()
	for q, err := range errs {
		if err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
	if got := strings.Join(order, " "); got != "A1 A2 B1 A3" {
		t.Errorf("served %q; want A1 A2 B1 A3 (B's turn before A's third call)", got)
	}
}

// TestTimeoutCoversQueueAndRetries: Timeout bounds a whole call; a call
// waiting for a slot, or facing a backoff longer than the time left, ends
// within it with ErrTimeout or the server's error, never later.
func TestTimeoutCoversQueueAndRetries(t *testing.T) {
	t.Run("queue wait", func(t *testing.T) { synctest.Test(t, testTimeoutCoversQueue) })
	t.Run("backoff longer than the time left", func(t *testing.T) { synctest.Test(t, testTimeoutCoversBackoff) })
}

func testTimeoutCoversQueue(t *testing.T) {
	unblock := make(chan struct{})
	arrived := make(chan struct{}, 1)
	f := newFakeOpenAI(t, func(_ int, _ recorded, w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-unblock:
		case <-r.Context().Done():
		}
		writeChat(w, "ok")
	})
	c := newTestClient(t, f, func(cfg *Config) { cfg.MaxConcurrent, cfg.Timeout = 1, 300*time.Millisecond })
	var wg sync.WaitGroup
	wg.Go(func() { _, _ = c.Answer(context.Background(), AnswerRequest{Question: "첫째"}) })
	<-arrived
	start := time.Now()
	_, err := c.Answer(context.Background(), AnswerRequest{Question: "둘째"})
	if !errors.Is(err, ErrTimeout) {
		t.Errorf("queued call: err = %v; want ErrTimeout", err)
	}
	if d := time.Since(start); d != 300*time.Millisecond {
		t.Errorf("queued call ended after %s of the bubble's clock; want it at the 300ms timeout", d)
	}
	close(unblock)
	wg.Wait()
}

func testTimeoutCoversBackoff(t *testing.T) {
	f := newFakeOpenAI(t, func(_ int, _ recorded, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusServiceUnavailable, "down")
	})
	c := newTestClient(t, f, func(cfg *Config) { cfg.Timeout = time.Second })
	start := time.Now()
	_, err := c.Answer(context.Background(), AnswerRequest{Question: "질문"})
	if httpStatus(err) != http.StatusServiceUnavailable {
		t.Errorf("err = %v; want the 503", err)
	}
	if d := time.Since(start); d != 0 {
		t.Errorf("call took %s of the bubble's clock; want no wait for a retry that cannot happen in time", d)
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("requests = %d; want 1", n)
	}
}
