package bot

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"
)

// textBusy is the reply when every worker is busy and the queue is full.
const textBusy = "🙏 지금 요청이 많아 바로 처리하지 못했어요. 1분쯤 뒤에 다시 시도해 주세요."

// defaultWorkers sizes the pool to the machine: reviews are CPU-bound,
// but answers may wait on a model, so a few more than the CPUs.
func defaultWorkers() int { return max(4, 4*runtime.GOMAXPROCS(0)) }

// DefaultMaxQueue is how many requests may wait for a worker.
const DefaultMaxQueue = 1000

// pool bounds the reviews and answers running at once. Requests past the
// queue are refused at once, so that a burst gets a polite "busy" rather
// than acks and answers that slow down for everyone.
type pool struct {
	slots   chan struct{}
	maxWait int64
	waiting atomic.Int64
}

func newPool(workers, queue int) *pool {
	return &pool{slots: make(chan struct{}, workers), maxWait: int64(queue)}
}

// acquire waits for a worker. It reports false at once when the queue is
// full, and when ctx ends while waiting.
func (p *pool) acquire(ctx context.Context) (release func(), ok bool) {
	select {
	case p.slots <- struct{}{}:
		return func() { <-p.slots }, true
	default:
	}
	if p.waiting.Add(1) > p.maxWait {
		p.waiting.Add(-1)
		return nil, false
	}
	defer p.waiting.Add(-1)
	select {
	case p.slots <- struct{}{}:
		return func() { <-p.slots }, true
	case <-ctx.Done():
		return nil, false
	}
}

// busyAckWait is how long a slash command waits for its result when
// work is already queued.
const busyAckWait = 100 * time.Millisecond

// backlog reports whether requests are waiting for a worker.
func (p *pool) backlog() bool { return p.waiting.Load() > 0 }

// pooled reports whether an intent's work runs in the pool: the engine's
// work does, replies the bot writes itself do not.
func pooled(k intentKind) bool {
	return k == intentReview || k == intentAsk || k == intentGuide || k == intentCommand
}
