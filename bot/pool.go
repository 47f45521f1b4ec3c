package bot

import (
	"context"
	"runtime"
	"sync"
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

// ackYield bounds how long an event's background work waits for the acks
// in flight: during a burst the acks go first (Slack retries an event
// whose ack is late, and shows the user an error), the answers right
// after; under a steady load no answer waits longer than this.
const ackYield = time.Second

// ackQuiet is how long no request must have arrived for a burst to
// count as over.
const ackQuiet = 2 * time.Millisecond

// ackGate lets background work wait for a burst of requests to be
// acknowledged: it is quiet once no request is being handled and none
// arrived for ackQuiet. One watcher goroutine per burst decides.
type ackGate struct {
	mu    sync.Mutex
	n     int
	last  time.Time
	quiet chan struct{} // closed when the burst is over; nil while quiet
}

// enter and leave bracket one request's handling until its ack.
func (g *ackGate) enter() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n++
	g.last = time.Now()
	if g.quiet == nil {
		g.quiet = make(chan struct{})
		go g.watch(g.quiet)
	}
}

func (g *ackGate) leave() {
	g.mu.Lock()
	g.n--
	g.mu.Unlock()
}

func (g *ackGate) watch(quiet chan struct{}) {
	for {
		time.Sleep(ackQuiet)
		g.mu.Lock()
		if g.n == 0 && time.Since(g.last) >= ackQuiet {
			close(quiet)
			g.quiet = nil
			g.mu.Unlock()
			return
		}
		g.mu.Unlock()
	}
}

// yield waits until the burst in flight is acknowledged, at most ackYield.
func (g *ackGate) yield() {
	g.mu.Lock()
	quiet := g.quiet
	g.mu.Unlock()
	if quiet == nil {
		return
	}
	t := time.NewTimer(ackYield)
	defer t.Stop()
	select {
	case <-quiet:
	case <-t.C:
	}
}
