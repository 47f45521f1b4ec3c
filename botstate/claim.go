package botstate

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Group commit of event claims in SQLite. A burst of events makes a
// burst of claims; one transaction per claim would make every one wait
// for the file's single writer and a sync of the WAL in turn. The
// claimer collects the claims that arrive within groupWindow (or until
// groupMax) and writes them in one transaction, answering each with its
// own row count. PostgreSQL has no single writer: its claims stay one
// statement each, on the pool.
const (
	groupWindow = 2 * time.Millisecond
	groupMax    = 512
	// claimQueue bounds the claims waiting for a group; past it a caller
	// waits for room (bounded by its ctx).
	claimQueue = 4096
)

// errClosed is the answer to a claim made after Close.
var errClosed = errors.New("record event: bot state closed")

// claim is one Claim waiting for its group.
type claim struct {
	key, token string
	ttl        time.Duration
	done       chan claimResult // buffered: the writer never blocks on it
}

type claimResult struct {
	first bool
	err   error
}

// claimer is the one goroutine that writes SQLite claims.
type claimer struct {
	s    *Store
	in   chan claim
	stop chan struct{}
	wg   sync.WaitGroup
	// mu orders queueing before Close: once closed is set nothing more is
	// queued, and run answers what was.
	mu     sync.RWMutex
	closed bool
}

func newClaimer(s *Store) *claimer {
	c := &claimer{s: s, in: make(chan claim, claimQueue), stop: make(chan struct{})}
	c.wg.Go(c.run)
	return c
}

// claim queues key and waits for its group to commit. ctx bounds the
// wait; a claim given up on may still commit, and a retry with the same
// token then reads it as its own.
func (c *claimer) claim(ctx context.Context, key, token string, ttl time.Duration) (bool, error) {
	cl := claim{key: key, token: token, ttl: ttl, done: make(chan claimResult, 1)}
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return false, errClosed
	}
	select {
	case c.in <- cl:
		c.mu.RUnlock()
	case <-ctx.Done():
		c.mu.RUnlock()
		return false, fmt.Errorf("record event: %w", ctx.Err())
	}
	select {
	case r := <-cl.done:
		return r.first, r.err
	case <-ctx.Done():
		return false, fmt.Errorf("record event: %w", ctx.Err())
	}
}

func (c *claimer) close() {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		close(c.stop)
	}
	c.mu.Unlock()
	c.wg.Wait()
}

func (c *claimer) run() {
	for {
		var group []claim
		select {
		case cl := <-c.in:
			group = append(group, cl)
		case <-c.stop:
			c.failPending()
			return
		}
		t := time.NewTimer(groupWindow)
	gather:
		for len(group) < groupMax {
			select {
			case cl := <-c.in:
				group = append(group, cl)
			case <-t.C:
				break gather
			}
		}
		t.Stop()
		c.commit(group)
	}
}

// failPending answers the claims still queued at Close.
func (c *claimer) failPending() {
	for {
		select {
		case cl := <-c.in:
			cl.done <- claimResult{err: errClosed}
		default:
			return
		}
	}
}

// commitTimeout bounds one group's transaction.
const commitTimeout = 10 * time.Second

// commit writes one group in one transaction. A failure fails the whole
// group: nothing of it was committed, so each caller may retry.
func (c *claimer) commit(group []claim) {
	ctx, cancel := context.WithTimeout(context.Background(), commitTimeout)
	defer cancel()
	results, err := c.claimAllSafely(ctx, group)
	for i, cl := range group {
		if err != nil {
			cl.done <- claimResult{err: err}
			continue
		}
		cl.done <- claimResult{first: results[i]}
	}
}

// claimAllSafely is claimAll with a panic (a driver's) turned into the
// group's error: the claimer is the one writer of every claim, fed by the
// network, and must outlive a bad group.
func (c *claimer) claimAllSafely(ctx context.Context, group []claim) (out []bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("record events: panic: %v", r)
		}
	}()
	return c.s.claimAll(ctx, group)
}

// claimAll runs the claims of one group in a transaction and reports,
// for each, whether it was new.
func (s *Store) claimAll(ctx context.Context, group []claim) ([]bool, error) {
	tx, err := s.db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("record events: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	stmt, err := tx.PrepareContext(ctx, s.db.Q(upsertSeen))
	if err != nil {
		return nil, fmt.Errorf("record events: %w", err)
	}
	defer stmt.Close()
	now := s.now()
	out := make([]bool, len(group))
	var oldest time.Time
	for i, cl := range group {
		res, err := stmt.ExecContext(ctx, cl.key, now.UnixMilli(), cl.token, now.Add(-cl.ttl).UnixMilli())
		if err != nil {
			return nil, fmt.Errorf("record events: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, fmt.Errorf("record events: %w", err)
		}
		out[i] = n == 1
		if cut := now.Add(-cl.ttl); oldest.IsZero() || cut.Before(oldest) {
			oldest = cut
		}
	}
	if n := s.inserts.Add(int64(len(group))); n/purgeEvery != (n-int64(len(group)))/purgeEvery {
		// A failed purge loses nothing: the next one takes it.
		_, _ = tx.ExecContext(ctx, s.db.Q(`DELETE FROM seen WHERE at < ?`), oldest.UnixMilli())
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("record events: %w", err)
	}
	return out, nil
}

// upsertSeen records a key (key, now, token, cut-off) unless another
// claim recorded it after the cut-off: one row affected means the claim
// is this token's, whether it is new or this token's own earlier try.
const upsertSeen = `INSERT INTO seen (key, at, owner) VALUES (?, ?, ?)
	 ON CONFLICT (key) DO UPDATE SET at = excluded.at, owner = excluded.owner
	 WHERE seen.at < ? OR seen.owner = excluded.owner`
