package bot

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/selfcheck/selfcheck/knowledge"
)

// With every worker busy and the queue full, a request gets a polite
// "busy, retry in a minute" at once rather than waiting into a timeout
// (on a synctest clock: at once means no time at all).
func TestBusyWhenPoolFull(t *testing.T) {
	synctest.Test(t, testBusyWhenPoolFull)
}

func testBusyWhenPoolFull(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.MaxWorkers, c.MaxQueue = 1, 1
		c.AckTimeout = 100 * time.Millisecond
	})
	h.eng.reviewDelay = 500 * time.Millisecond
	var wg sync.WaitGroup
	acks := make([]responsePost, 3)
	took := make([]time.Duration, 3)
	for i := range 3 {
		wg.Go(func() {
			// Staggered so the first holds the worker and the second the
			// queue's one place when the third arrives.
			time.Sleep(time.Duration(i) * 30 * time.Millisecond)
			start := time.Now()
			_, acks[i] = h.slash(t, fmt.Sprintf("1.2 제%d조 수집 항목: 이름\n보유 기간", i), h.resp.url(fmt.Sprintf("busy-%d", i)))
			took[i] = time.Since(start)
		})
	}
	wg.Wait()
	h.settle(t)
	if !strings.Contains(acks[2].Text, "다시 시도") || acks[2].ResponseType != "ephemeral" {
		t.Errorf("third ack = %+v; want the busy notice", acks[2])
	}
	if took[2] != 0 {
		t.Errorf("busy notice after %v; want it at once", took[2])
	}
	reviews := 0
	for _, p := range h.resp.all() {
		if strings.Contains(blockTexts(p.Blocks), "검토 결과") {
			reviews++
		}
	}
	if reviews != 2 {
		t.Errorf("reviews delivered = %d; want the two that got a worker or a place", reviews)
	}
}

// A review that waited for a worker tells the model's client how long, so
// that the model's timeout counts from the request's arrival.
func TestQueueWaitReachesTheModel(t *testing.T) {
	synctest.Test(t, testQueueWaitReachesTheModel)
}

func testQueueWaitReachesTheModel(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MaxWorkers = 1 })
	hold := make(chan struct{})
	h.eng.review = func(id, draft string) (knowledge.Report, error) {
		if strings.Contains(draft, "첫째") {
			<-hold
		}
		return sampleReport(id, 4), nil
	}
	h.slash(t, "1.2 첫째 초안: 72시간 이내에 통지한다", h.resp.url("first"))
	for len(h.eng.called()) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	h.slash(t, "1.2 둘째 초안: 72시간 이내에 통지한다", h.resp.url("second"))
	for !h.bot.pool.backlog() {
		time.Sleep(5 * time.Millisecond)
	}
	close(hold)
	h.settle(t)
	h.eng.mu.Lock()
	defer h.eng.mu.Unlock()
	if len(h.eng.waits) != 2 || h.eng.waits[1] <= h.eng.waits[0] {
		t.Fatalf("queue waits = %v; want the second review's wait for the worker passed on", h.eng.waits)
	}
}
