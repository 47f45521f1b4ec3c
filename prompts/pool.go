package prompts

import (
	"context"
	"slices"
	"sync"
	"time"
)

// userKey is the context key of the user a call is made for.
type userKey struct{}

// WithUser returns a context that makes the calls under it count for user
// (a Slack member ID, say). The pool serves waiting users in turn, so that
// one user's burst cannot starve the others; calls without a user share
// one turn.
func WithUser(ctx context.Context, user string) context.Context {
	return context.WithValue(ctx, userKey{}, user)
}

// queueWaitKey carries how long the request waited before its work began.
type queueWaitKey struct{}

// WithQueueWait returns a context whose model calls know that their
// request already waited d in a queue before its work began (a worker of
// the bot): the call's Timeout counts from when the request entered that
// queue, so that a long queue cannot make the user wait past it. Past the
// timeout a call fails at once with ErrTimeout, and the caller shows what
// it has without the model.
func WithQueueWait(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, queueWaitKey{}, d)
}

// QueueWaitOf returns what WithQueueWait set, or 0.
func QueueWaitOf(ctx context.Context) time.Duration {
	d, _ := ctx.Value(queueWaitKey{}).(time.Duration)
	return max(d, 0)
}

// UserOf returns the user the calls under ctx count for, or "".
func UserOf(ctx context.Context) string {
	u, _ := ctx.Value(userKey{}).(string)
	return u
}

// pool bounds the calls in flight (slots) and the calls waiting for one
// (queue), and hands a freed slot to the next waiting user in turn
// (round-robin over users, first come first served within a user). A user
// may hold at most perUser places in the queue, so a burst fills its own
// share and the others still get in; past the queue, or past its share, a
// call fails at once with ErrBusy.
type pool struct {
	mu      sync.Mutex
	free    int
	queue   map[string][]chan struct{} // per user, the waiters in order
	turns   []string                   // users with waiters, next first
	waiting int
	maxWait int
	perUser int
}

func newPool(slots, queue int) *pool {
	return &pool{free: slots, queue: map[string][]chan struct{}{}, maxWait: queue, perUser: max(1, queue/4)}
}

// acquire takes a slot for user, waiting in the queue when all slots are
// taken, until ctx is done. The returned release gives the slot back.
func (p *pool) acquire(ctx context.Context, user string) (release func(), err error) {
	p.mu.Lock()
	if p.free > 0 && p.waiting == 0 {
		p.free--
		p.mu.Unlock()
		return p.release, nil
	}
	if p.waiting >= p.maxWait || len(p.queue[user]) >= p.perUser {
		p.mu.Unlock()
		return nil, ErrBusy
	}
	ready := make(chan struct{})
	if len(p.queue[user]) == 0 {
		p.turns = append(p.turns, user)
	}
	p.queue[user] = append(p.queue[user], ready)
	p.waiting++
	p.mu.Unlock()

	select {
	case <-ready:
		return p.release, nil
	case <-ctx.Done():
	}
	p.mu.Lock()
	select {
	case <-ready:
		// Granted while giving up: pass the slot on.
		p.mu.Unlock()
		p.release()
		return nil, ctx.Err()
	default:
	}
	p.remove(user, ready)
	p.mu.Unlock()
	return nil, ctx.Err()
}

// release hands the slot to the first waiter of the user whose turn it is,
// or frees it.
func (p *pool) release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.turns) == 0 {
		p.free++
		return
	}
	user := p.turns[0]
	p.turns = p.turns[1:]
	q := p.queue[user]
	ready := q[0]
	if q = q[1:]; len(q) == 0 {
		delete(p.queue, user)
	} else {
		p.queue[user] = q
		p.turns = append(p.turns, user) // to the back: the others go first
	}
	p.waiting--
	close(ready)
}

// remove takes a waiter that gave up out of the queue; p.mu is held.
func (p *pool) remove(user string, ready chan struct{}) {
	q := p.queue[user]
	i := slices.Index(q, ready)
	if i < 0 {
		return
	}
	p.waiting--
	if q = slices.Delete(q, i, i+1); len(q) > 0 {
		p.queue[user] = q
		return
	}
	delete(p.queue, user)
	if j := slices.Index(p.turns, user); j >= 0 {
		p.turns = slices.Delete(p.turns, j, j+1)
	}
}

// queued returns the number of calls waiting for a slot.
func (p *pool) queued() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.waiting
}
