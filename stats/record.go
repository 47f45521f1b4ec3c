package stats

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/selfcheck/selfcheck/storage"
)

// Outcomes of a question.
const (
	OutcomeAnswered   = "answered"   // routed with confidence, or a canned answer offered
	OutcomeWeak       = "weak"       // answered, but the route was more guess than match
	OutcomeUnanswered = "unanswered" // nothing in the guidance matched, or the item has none
)

// Ask is one answered question.
type Ask struct {
	// Item is the item it was routed to ("1.3", "I", "" for none).
	Item string
	// Kind is the kind of answer (engine's Answer.Kind: canned, model,
	// guidance, no_match, no_guidance).
	Kind string
	// Outcome is OutcomeAnswered, OutcomeWeak or OutcomeUnanswered.
	Outcome string
	// Masked is the question masked with knowledge.Redact, kept for
	// weak and unanswered questions only; empty keeps nothing.
	Masked string
}

// Review is one reviewed draft: the item and, per element, its status.
// Nothing of the draft itself.
type Review struct {
	Item     string
	Elements map[string]string // element ID → status (missing, partial, present, not_applicable)
}

// Feedback is one vote on an answer. Changed says the same person's
// opposite vote on the same answer is withdrawn, so the counts move
// rather than both going up.
type Feedback struct {
	Item    string
	Kind    string
	Helpful bool
	Changed bool
}

// Escalation is a question handed to the support team (Resolved false),
// or one marked handled by staff (Resolved true). Counts only: no
// question, thread or user.
type Escalation struct {
	Item     string
	Resolved bool
}

// ErrQueueFull is returned when the writer is too far behind; the event
// is dropped.
var ErrQueueFull = errors.New("statistics queue full, event dropped")

// ErrClosed is returned for events recorded after Close.
var ErrClosed = errors.New("statistics closed")

type event struct {
	at       time.Time
	ask      *Ask
	review   *Review
	feedback *Feedback
	escalate *Escalation
	history  *history
	downvote *DownVote
	flushed  chan struct{} // a Flush marker
}

// RecordAsk queues a question's counts (and its masked text when given).
// It never blocks.
func (s *Store) RecordAsk(_ context.Context, a Ask) error {
	return s.enqueue(event{ask: &a})
}

// RecordReview queues a review's counts. It never blocks.
func (s *Store) RecordReview(_ context.Context, r Review) error {
	return s.enqueue(event{review: &r})
}

// RecordFeedback queues a vote. It never blocks.
func (s *Store) RecordFeedback(_ context.Context, f Feedback) error {
	return s.enqueue(event{feedback: &f})
}

// RecordEscalation queues an escalation opened or resolved. It never
// blocks.
func (s *Store) RecordEscalation(_ context.Context, e Escalation) error {
	return s.enqueue(event{escalate: &e})
}

// Flush waits until everything queued before it is written.
func (s *Store) Flush(ctx context.Context) error {
	ch := make(chan struct{})
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrClosed
	}
	select {
	case s.queue <- event{flushed: ch}:
	case <-ctx.Done():
		s.mu.RUnlock()
		return ctx.Err()
	}
	s.mu.RUnlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Store) enqueue(ev event) error {
	ev.at = s.now()
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	select {
	case s.queue <- ev:
		return nil
	default:
		s.dropped.Add(1)
		return ErrQueueFull
	}
}

// loop is the one writer: it takes whatever is queued, writes it in one
// transaction, and deletes expired texts now and then.
func (s *Store) loop() {
	defer close(s.done)
	purge := time.NewTicker(purgeEvery)
	defer purge.Stop()
	for {
		select {
		case ev, ok := <-s.queue:
			if !ok {
				return
			}
			batch := []event{ev}
			for more := true; more && len(batch) < 512; {
				select {
				case ev, ok := <-s.queue:
					if !ok {
						more = false
						break
					}
					batch = append(batch, ev)
				default:
					more = false
				}
			}
			s.writeBatch(batch)
		case <-purge.C:
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			if _, err := s.Purge(ctx); err != nil {
				s.log.Warn("statistics: expired questions not deleted", "err", err)
			}
			cancel()
		}
	}
}

func (s *Store) writeBatch(batch []event) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var flushed []chan struct{}
	n := 0
	err := s.inTx(ctx, func(tx *sql.Tx) (err error) {
		// Events come from the network: a panic on one batch drops that
		// batch, not the server (and the flushes still wait no longer).
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("statistics write panicked: %v", r)
			}
		}()
		if s.db.Backend == storage.Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(writeLock)); err != nil {
				return err
			}
		}
		for _, ev := range batch {
			if ev.flushed != nil {
				flushed = append(flushed, ev.flushed)
				continue
			}
			n++
			if err := s.write(ctx, tx, ev); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		// Counts, kinds and sizes only: the error is SQLite's and names
		// no bound value.
		s.log.Warn("statistics not written", "events", n, "err", err)
	}
	for _, ch := range flushed {
		close(ch)
	}
}

func (s *Store) inTx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *Store) write(ctx context.Context, tx *sql.Tx, ev event) error {
	d := day(ev.at)
	switch {
	case ev.ask != nil:
		a := ev.ask
		if _, err := tx.ExecContext(ctx, s.db.Q(`INSERT INTO asks (day, item, kind, outcome, n) VALUES (?, ?, ?, ?, 1)
			ON CONFLICT (day, item, kind, outcome) DO UPDATE SET n = asks.n + 1`), d, a.Item, a.Kind, a.Outcome); err != nil {
			return fmt.Errorf("count question: %w", err)
		}
		if a.Masked != "" && a.Outcome != OutcomeAnswered {
			if _, err := tx.ExecContext(ctx, s.db.Q(`INSERT INTO questions (at, item, outcome, text) VALUES (?, ?, ?, ?)`),
				s.db.Time(ev.at), a.Item, a.Outcome, a.Masked); err != nil {
				return fmt.Errorf("keep question: %w", err)
			}
		}
	case ev.review != nil:
		r := ev.review
		if _, err := tx.ExecContext(ctx, s.db.Q(`INSERT INTO reviews (day, item, n) VALUES (?, ?, 1)
			ON CONFLICT (day, item) DO UPDATE SET n = reviews.n + 1`), d, r.Item); err != nil {
			return fmt.Errorf("count review: %w", err)
		}
		for el, status := range r.Elements {
			if _, err := tx.ExecContext(ctx, s.db.Q(`INSERT INTO review_elements (day, item, element, status, n) VALUES (?, ?, ?, ?, 1)
				ON CONFLICT (day, item, element, status) DO UPDATE SET n = review_elements.n + 1`), d, r.Item, el, status); err != nil {
				return fmt.Errorf("count review element: %w", err)
			}
		}
	case ev.feedback != nil:
		f := ev.feedback
		up, down := 0, 1
		if f.Helpful {
			up, down = 1, 0
		}
		if f.Changed { // the opposite vote is withdrawn
			up, down = up-down, down-up
		}
		if _, err := tx.ExecContext(ctx, s.db.Q(`INSERT INTO feedback (day, item, kind, up, down) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (day, item, kind) DO UPDATE SET up = feedback.up + excluded.up, down = feedback.down + excluded.down`), d, f.Item, f.Kind, up, down); err != nil {
			return fmt.Errorf("count feedback: %w", err)
		}
	case ev.history != nil:
		return s.writeHistory(ctx, tx, ev.at, ev.history)
	case ev.downvote != nil:
		return s.writeDownVote(ctx, tx, ev.at, ev.downvote)
	case ev.escalate != nil:
		opened, resolved := 1, 0
		if ev.escalate.Resolved {
			opened, resolved = 0, 1
		}
		if _, err := tx.ExecContext(ctx, s.db.Q(`INSERT INTO escalations (day, item, opened, resolved) VALUES (?, ?, ?, ?)
			ON CONFLICT (day, item) DO UPDATE SET opened = escalations.opened + excluded.opened, resolved = escalations.resolved + excluded.resolved`),
			d, ev.escalate.Item, opened, resolved); err != nil {
			return fmt.Errorf("count escalation: %w", err)
		}
	}
	return nil
}
