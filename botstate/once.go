package botstate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Retention of the once and kept tables. A thing done once is remembered
// for OnceTTL (a thread older than that may see a canned answer offered
// again); a kept answer waits KeptTTL for its button to be clicked.
const (
	OnceTTL = 90 * 24 * time.Hour
	KeptTTL = 7 * 24 * time.Hour
)

// Once records key and reports whether it is the first time, within
// OnceTTL. Unlike FirstSeen, whose keys expire with the event dedupe
// window, these are meant for what must not happen twice in a thread.
func (s *Store) Once(ctx context.Context, key string) (bool, error) {
	now := s.now()
	res, err := s.db.SQL.ExecContext(ctx, s.db.Q(`INSERT INTO once (key, at) VALUES (?, ?)
		 ON CONFLICT (key) DO UPDATE SET at = excluded.at WHERE once.at < ?`),
		key, now.UnixMilli(), now.Add(-OnceTTL).UnixMilli())
	if err != nil {
		return false, fmt.Errorf("record once: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record once: %w", err)
	}
	s.purgeOnce(ctx, now)
	return n == 1, nil
}

// Keep stores value under key until Take or KeptTTL, replacing any
// earlier value. The bot keeps its own answers here (never a user's
// text), to post them when asked.
func (s *Store) Keep(ctx context.Context, key, value string) error {
	now := s.now()
	_, err := s.db.SQL.ExecContext(ctx, s.db.Q(`INSERT INTO kept (key, value, at) VALUES (?, ?, ?)
		 ON CONFLICT (key) DO UPDATE SET value = excluded.value, at = excluded.at`),
		key, value, now.UnixMilli())
	if err != nil {
		return fmt.Errorf("keep value: %w", err)
	}
	s.purgeOnce(ctx, now)
	return nil
}

// Take returns the value kept under key and deletes it, in one step: of
// two concurrent takers only one gets it. ok is false when there is none
// (never kept, taken already, or expired).
func (s *Store) Take(ctx context.Context, key string) (value string, ok bool, err error) {
	err = s.db.SQL.QueryRowContext(ctx, s.db.Q(`DELETE FROM kept WHERE key = ? AND at >= ? RETURNING value`),
		key, s.now().Add(-KeptTTL).UnixMilli()).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("take value: %w", err)
	}
	return value, true, nil
}

// purgeOnce deletes expired rows of once and kept every purgeEvery
// writes. A failure is left for the next purge: it loses nothing.
func (s *Store) purgeOnce(ctx context.Context, now time.Time) {
	if s.onceInserts.Add(1)%purgeEvery != 0 {
		return
	}
	_, _ = s.db.SQL.ExecContext(ctx, s.db.Q(`DELETE FROM once WHERE at < ?`), now.Add(-OnceTTL).UnixMilli())
	_, _ = s.db.SQL.ExecContext(ctx, s.db.Q(`DELETE FROM kept WHERE at < ?`), now.Add(-KeptTTL).UnixMilli())
}
