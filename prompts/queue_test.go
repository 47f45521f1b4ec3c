package prompts

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// serialModel is a model server that answers one request at a time, each
// after `each`, as a small local server does. It runs in memory, so that
// a synctest bubble's clock drives it.
type serialModel struct {
	turn   chan struct{}
	each   time.Duration
	asked  atomic.Int64 // requests received
	served atomic.Int64 // requests answered
}

func newSerialModel(each time.Duration) *serialModel {
	return &serialModel{turn: make(chan struct{}, 1), each: each}
}

func (m *serialModel) RoundTrip(r *http.Request) (*http.Response, error) {
	m.asked.Add(1)
	_, _ = io.Copy(io.Discard, r.Body)
	r.Body.Close()
	select {
	case m.turn <- struct{}{}:
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
	defer func() { <-m.turn }()
	select {
	case <-time.After(m.each):
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
	m.served.Add(1)
	rec := httptest.NewRecorder()
	writeChat(rec, reviewJSON)
	return rec.Result(), nil
}

func serialClient(t *testing.T, m *serialModel, timeout time.Duration) *Client {
	t.Helper()
	c, err := New(Config{BaseURL: "http://model.test/v1", Model: "test-model", Timeout: timeout, Transport: m})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A request that already waited in the bot's queue has only what is left
// of the timeout: the call ends at the timeout counted from the queue,
// and one that waited the whole timeout fails at once, asking nothing.
func TestTimeoutCountsTheQueue(t *testing.T) {
	tests := []struct {
		name     string
		waited   time.Duration
		wantEnd  time.Duration // after the call starts
		wantSent bool
	}{
		{"no wait: the whole timeout", 0, 10 * time.Second, true},
		{"waited 7 s: 3 s left", 7 * time.Second, 3 * time.Second, true},
		{"waited the whole timeout: at once", 10 * time.Second, 0, false},
		{"waited longer: at once", 25 * time.Second, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				m := newSerialModel(time.Minute) // never in time
				c := serialClient(t, m, 10*time.Second)
				start := time.Now()
				_, err := c.Review(WithQueueWait(t.Context(), tt.waited), fixedReview())
				if !errors.Is(err, ErrTimeout) {
					t.Fatalf("err = %v; want ErrTimeout", err)
				}
				if got := time.Since(start); got != tt.wantEnd {
					t.Errorf("call ended after %v (bubble time); want %v", got, tt.wantEnd)
				}
				if sent := m.asked.Load() > 0; sent != tt.wantSent {
					t.Errorf("model asked: %v; want %v", sent, tt.wantSent)
				}
			})
		})
	}
}

// Twenty reviews arrive at once at a bot with eight workers, whose model
// server answers one request at a time in 2 s, with OPENAI_TIMEOUT=10s:
// every one ends (the model's review or the deterministic one with a
// notice) within the timeout of its arrival, however long the queues.
func TestQueuedReviewsEndWithinTheTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const timeout = 10 * time.Second
		m := newSerialModel(2 * time.Second)
		c := serialClient(t, m, timeout)
		workers := make(chan struct{}, 8) // the bot's pool
		var wg sync.WaitGroup
		var mu sync.Mutex
		var latest time.Duration
		timedOut := 0
		start := time.Now()
		for i := range 20 {
			wg.Go(func() {
				arrived := time.Now()
				workers <- struct{}{}
				defer func() { <-workers }()
				ctx := WithQueueWait(WithUser(context.Background(), "U"+string(rune('A'+i))), time.Since(arrived))
				_, err := c.Review(ctx, fixedReview())
				mu.Lock()
				defer mu.Unlock()
				latest = max(latest, time.Since(start))
				if errors.Is(err, ErrTimeout) {
					timedOut++
				} else if err != nil {
					t.Errorf("review %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		t.Logf("20 reviews: %d by the model, %d timed out; the last ended %v after they arrived (bubble time)", m.served.Load(), timedOut, latest)
		if latest > timeout {
			t.Errorf("the last review ended %v after arriving; want within OPENAI_TIMEOUT (%v)", latest, timeout)
		}
		if m.served.Load() == 0 || timedOut == 0 {
			t.Errorf("served %d, timed out %d; want the server busy and the rest given up", m.served.Load(), timedOut)
		}
	})
}
