package engine

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/selfcheck/selfcheck/prompts"
)

// TestOneAtATimeModelUnderLoad: 50 users ask for a review at once from a
// model that serves one request at a time, as a small local server does.
// Nobody waits longer than the timeout; those past the queue get the
// deterministic review at once with a "busy" notice; the others get the
// model's review, or, if their turn does not come in time, the
// deterministic one with a notice. It runs in a synctest bubble: the
// durations are the bubble's, so they are what the pool and the timeout
// make them, however busy the machine.
func TestOneAtATimeModelUnderLoad(t *testing.T) {
	synctest.Test(t, testOneAtATimeModelUnderLoad)
}

func testOneAtATimeModelUnderLoad(t *testing.T) {
	const (
		users   = 50
		service = 200 * time.Millisecond
		timeout = 2 * time.Second
		slots   = 4
		queue   = 16
	)
	serving := make(chan struct{}, 1) // one request at a time
	var inFlight, maxInFlight atomic.Int64
	f := newFakeChat(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		// A request counts until its client gives up (the server notices
		// a little later: the log shows the count, the pool tests assert
		// the bound).
		n := inFlight.Add(1)
		stop := context.AfterFunc(r.Context(), func() { inFlight.Add(-1) })
		defer func() {
			if stop() {
				inFlight.Add(-1)
			}
		}()
		for m := maxInFlight.Load(); n > m && !maxInFlight.CompareAndSwap(m, n); m = maxInFlight.Load() {
		}
		select {
		case serving <- struct{}{}:
		case <-r.Context().Done():
			return
		}
		defer func() { <-serving }()
		select {
		case <-time.After(service):
		case <-r.Context().Done():
			return
		}
		chatReply(w, reviewReply("1.3-f", "present", quoteAbroad))
	})
	e := newModelEngine(t, f, func(c *prompts.Config) {
		c.MaxConcurrent, c.QueueSize, c.Timeout = slots, queue, timeout
	})

	type outcome struct {
		took time.Duration
		kind string // model, busy, failed
	}
	results := make([]outcome, users)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range users {
		wg.Go(func() {
			ctx := WithUser(t.Context(), fmt.Sprintf("U%03d", i))
			<-start
			began := time.Now()
			rep, err := e.Review(ctx, "1.3", draftAbroad)
			took := time.Since(began)
			switch {
			case err != nil:
				t.Errorf("user %d: %v", i, err)
			case rep.LLM:
				results[i] = outcome{took, "model"}
			case slices.Contains(rep.Notices, e.label(noticeReviewBusy, langKorean)):
				results[i] = outcome{took, "busy"}
			case slices.Contains(rep.Notices, e.label(noticeReviewFailed, langKorean)):
				results[i] = outcome{took, "failed"}
			default:
				t.Errorf("user %d: no model result and no notice: %q", i, rep.Notices)
			}
		})
	}
	close(start)
	wg.Wait()

	count := map[string]int{}
	worst := map[string]time.Duration{}
	for _, r := range results {
		count[r.kind]++
		worst[r.kind] = max(worst[r.kind], r.took)
	}
	t.Logf("50 reviews, model serving one at a time (%s each), %d slots, queue %d, timeout %s: "+
		"model %d (slowest %s), busy %d (slowest %s), timed out %d (slowest %s); at most %d requests at the server",
		service, slots, queue, timeout, count["model"], worst["model"], count["busy"], worst["busy"],
		count["failed"], worst["failed"], maxInFlight.Load())
	// On the bubble's clock the deterministic reviews take no time: a
	// call ends by its timeout, and a busy one at once.
	for kind, d := range worst {
		if d > timeout {
			t.Errorf("a %s review took %s; want none over the %s timeout", kind, d, timeout)
		}
	}
	if worst["busy"] != 0 {
		t.Errorf("a busy review took %s; want the deterministic result at once, not after a wait", worst["busy"])
	}
	if count["busy"] < users-slots-queue-5 || count["model"] < 3 || count["failed"] < 1 {
		t.Errorf("got %v; want about %d busy, several model reviews and the rest timed out", count, users-slots-queue)
	}
}
