package bot

import (
	"container/list"
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/selfcheck/selfcheck/botstate"
)

// The event claim. Slack delivers an event again when its ack is late,
// and with several replicas the retry may reach another one; each event
// must be answered exactly once. The claim has two layers:
//
//   - memory (claimMemory), on the ack path: an event this replica has
//     already taken on is dropped at once, without touching the database;
//   - the State, after the ack: the durable claim decides between
//     replicas and across restarts. It is retried until its outcome is
//     known (the same token makes a retry of a claim that did commit read
//     as its own); an event whose claim stays unknown is not answered and
//     is forgotten by the memory, so that a later retry of Slack's may
//     take it on. A lost answer can be asked again; a doubled one cannot
//     be taken back.

// Bounds of the memory layer: enough for an hour of a busy workspace's
// events; an event pushed out still meets the durable claim.
const claimMemorySize = 100_000

// Retries of the durable claim: each try is bounded by claimTryTimeout,
// the waits between tries grow to claimMaxBackoff, and after claimPatience
// the claim is given up (the event is not answered).
const (
	claimTryTimeout = 5 * time.Second
	claimMaxBackoff = 2 * time.Second
	claimPatience   = 2 * time.Minute
)

// claimMemory is a bounded LRU of the keys this replica has taken on,
// each for the dedupe window.
type claimMemory struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	now   func() time.Time
	order *list.List // of *claimEntry, most recent first
	keys  map[string]*list.Element
}

type claimEntry struct {
	key string
	at  time.Time
}

func newClaimMemory(size int, ttl time.Duration) *claimMemory {
	return &claimMemory{max: size, ttl: ttl, now: time.Now, order: list.New(), keys: map[string]*list.Element{}}
}

// take records keys and reports whether none of them was taken within
// the window. Empty keys are ignored. Every key is recorded either way:
// as in the durable claim, a message's second key counts even when its
// event was a duplicate.
func (m *claimMemory) take(keys ...string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	fresh := true
	for _, k := range keys {
		if k == "" {
			continue
		}
		if el, ok := m.keys[k]; ok {
			e := el.Value.(*claimEntry)
			m.order.MoveToFront(el)
			if now.Sub(e.at) < m.ttl {
				fresh = false
				continue
			}
			e.at = now
			continue
		}
		m.keys[k] = m.order.PushFront(&claimEntry{key: k, at: now})
		for m.order.Len() > m.max {
			old := m.order.Remove(m.order.Back()).(*claimEntry)
			delete(m.keys, old.key)
		}
	}
	return fresh
}

// forget drops keys whose claim could not be decided.
func (m *claimMemory) forget(keys ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		if el, ok := m.keys[k]; ok {
			m.order.Remove(el)
			delete(m.keys, k)
		}
	}
}

// claimOutcome is what the durable claim decided.
type claimOutcome int

const (
	claimWon       claimOutcome = iota // this replica answers
	claimDuplicate                     // another claim (a retry, a replica, before a restart) has it
	claimUnknown                       // the State did not answer in time: not answered
)

// claim decides the durable claim of an event's keys, in order: the
// first key already claimed elsewhere makes a duplicate. It runs after
// the ack, in the event's background work.
func (b *Bot) claim(ctx context.Context, log *slog.Logger, keys ...string) claimOutcome {
	var pending []string
	for _, k := range keys {
		if k != "" {
			pending = append(pending, k)
		}
	}
	for i, k := range pending {
		won, ok := b.claimKey(ctx, log, k)
		switch {
		case !ok:
			// This key and the ones after it are unknown; the ones before
			// were won and stay claimed: the event is not answered.
			b.claims.forget(pending[i:]...)
			log.Error("event not answered: its claim could not be recorded", "key_kind", keyKind(k))
			return claimUnknown
		case !won:
			return claimDuplicate
		}
	}
	return claimWon
}

// claimKey claims one key, retrying with the same token until the State
// answers, the patience runs out or the bot is aborted.
func (b *Bot) claimKey(ctx context.Context, log *slog.Logger, key string) (won, known bool) {
	token := botstate.NewClaimToken()
	ctx, cancel := b.detach(ctx, b.claimPatience)
	defer cancel()
	wait := 20 * time.Millisecond
	for attempt := 1; ; attempt++ {
		tctx, tcancel := context.WithTimeout(ctx, claimTryTimeout)
		won, err := b.state.Claim(tctx, key, token, b.cfg.DedupTTL)
		tcancel()
		if err == nil {
			if attempt > 1 {
				log.Info("event claim recorded after retries", "attempts", attempt)
			}
			return won, true
		}
		log.Warn("event claim not recorded, retrying", "attempt", attempt, "error", err)
		select {
		case <-ctx.Done():
			return false, false
		case <-time.After(wait):
		}
		wait = min(2*wait, claimMaxBackoff)
	}
}

// keyKind names a claim key's kind for logs ("event", "msg"), not the key.
func keyKind(k string) string {
	for i := range len(k) {
		if k[i] == ':' {
			return k[:i]
		}
	}
	return "key"
}
