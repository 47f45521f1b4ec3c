// Package botstate keeps what the Slack bot must remember across restarts:
// the events it has already taken on (so that Slack's retries after a
// restart are not answered twice), the feedback votes on its answers (one
// per user per message) and what each thread it answered is about (the
// item and element of its last answer there, so follow-ups can be read in
// context).
//
// It stores IDs, item references and counts only, never what a user
// wrote. The data lives in one SQLite file, botstate.db, in the data
// directory; Open with an empty directory keeps it in memory (tests, or a
// bot that runs without DATA_DIR). The bot uses it through small
// interfaces, so a shared database can take its place when several
// replicas serve one app.
package botstate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// FileName is the name of the database file inside the data directory.
const FileName = "botstate.db"

// purgeEvery is how many recorded events pass between purges of expired
// ones, so that the table stays small without a purge on every insert.
const purgeEvery = 512

// Store is the bot's state in SQLite. It is safe for concurrent use.
type Store struct {
	db      *sql.DB
	now     func() time.Time
	inserts atomic.Int64
}

// Open opens (creating if needed) botstate.db in dir, or an in-memory
// database when dir is empty.
func Open(ctx context.Context, dir string) (*Store, error) {
	dsn := "file::memory:"
	if dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("open bot state: %w", err)
		}
		path, err := filepath.Abs(filepath.Join(dir, FileName))
		if err != nil {
			return nil, fmt.Errorf("open bot state: %w", err)
		}
		// WAL with synchronous(NORMAL): a commit survives a crash of the
		// process; only a power cut may lose the last few, which costs at
		// worst one doubled reply, not data a user saved.
		u := url.URL{Scheme: "file", Path: filepath.ToSlash(path),
			RawQuery: "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"}
		dsn = u.String()
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open bot state: %w", err)
	}
	// One connection: an in-memory database lives and dies with its
	// connection, and every statement here is a short single write, so
	// serialising them in the process costs less than SQLite's busy waits.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	s := &Store{db: db, now: time.Now}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open bot state in %q: %w", dir, err)
	}
	return s, nil
}

// Close releases the database.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close bot state: %w", err)
	}
	return nil
}

// schema is applied on every open; each statement is idempotent. A later
// change appends statements rather than editing these.
var schema = []string{
	`CREATE TABLE IF NOT EXISTS seen (
		key TEXT PRIMARY KEY NOT NULL,
		at  INTEGER NOT NULL
	) STRICT`,
	`CREATE INDEX IF NOT EXISTS seen_at ON seen (at)`,
	`CREATE TABLE IF NOT EXISTS votes (
		message TEXT NOT NULL,
		user    TEXT NOT NULL,
		item    TEXT NOT NULL,
		vote    TEXT NOT NULL,
		at      INTEGER NOT NULL,
		PRIMARY KEY (message, user)
	) STRICT`,
	`CREATE TABLE IF NOT EXISTS threads (
		channel TEXT NOT NULL,
		thread  TEXT NOT NULL,
		item    TEXT NOT NULL,
		element TEXT NOT NULL,
		at      INTEGER NOT NULL,
		PRIMARY KEY (channel, thread)
	) STRICT`,
	`CREATE INDEX IF NOT EXISTS threads_at ON threads (at)`,
}

func (s *Store) migrate(ctx context.Context) error {
	for _, stmt := range schema {
		if _, err := s.db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("create schema: %w", err)
		}
	}
	return nil
}

// FirstSeen records key and reports whether it had not been recorded
// within ttl. Keys are opaque (the bot uses Slack event IDs and message
// timestamps).
func (s *Store) FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	if key == "" {
		return true, nil
	}
	now := s.now()
	res, err := s.db.ExecContext(ctx,
		`INSERT INTO seen (key, at) VALUES (?, ?)
		 ON CONFLICT (key) DO UPDATE SET at = excluded.at WHERE seen.at < ?`,
		key, now.UnixMilli(), now.Add(-ttl).UnixMilli())
	if err != nil {
		return false, fmt.Errorf("record event: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record event: %w", err)
	}
	if s.inserts.Add(1)%purgeEvery == 0 {
		if _, err := s.db.ExecContext(ctx, `DELETE FROM seen WHERE at < ?`, now.Add(-ttl).UnixMilli()); err != nil {
			return n == 1, fmt.Errorf("purge events: %w", err)
		}
	}
	return n == 1, nil
}

// Tally counts 👍 (Up) and 👎 (Down) votes.
type Tally struct {
	Up   int `json:"up"`
	Down int `json:"down"`
}

// Vote values.
const (
	VoteUp   = "up"
	VoteDown = "down"
)

// ErrBadVote is returned for a vote other than VoteUp or VoteDown.
var ErrBadVote = errors.New("vote must be up or down")

// Vote records user's vote on message (about item) and reports whether it
// changed anything: a second click on the same button does not count
// again, the other button moves the vote.
func (s *Store) Vote(ctx context.Context, message, user, item, vote string) (bool, error) {
	if vote != VoteUp && vote != VoteDown {
		return false, ErrBadVote
	}
	res, err := s.db.ExecContext(ctx,
		`INSERT INTO votes (message, user, item, vote, at) VALUES (?, ?, ?, ?, ?)
		 ON CONFLICT (message, user) DO UPDATE SET vote = excluded.vote, at = excluded.at
		 WHERE votes.vote <> excluded.vote`,
		message, user, item, vote, s.now().UnixMilli())
	if err != nil {
		return false, fmt.Errorf("record vote: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record vote: %w", err)
	}
	return n == 1, nil
}

// MessageVotes counts the votes on one message.
func (s *Store) MessageVotes(ctx context.Context, message string) (Tally, error) {
	var t Tally
	err := s.db.QueryRowContext(ctx,
		`SELECT COALESCE(SUM(vote = 'up'), 0), COALESCE(SUM(vote = 'down'), 0) FROM votes WHERE message = ?`,
		message).Scan(&t.Up, &t.Down)
	if err != nil {
		return t, fmt.Errorf("count votes: %w", err)
	}
	return t, nil
}

// UserVote returns user's vote on message, or "".
func (s *Store) UserVote(ctx context.Context, message, user string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT vote FROM votes WHERE message = ? AND user = ?`, message, user).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read vote: %w", err)
	}
	return v, nil
}

// ItemVotes counts all votes per item ("" for answers tied to none).
func (s *Store) ItemVotes(ctx context.Context) (map[string]Tally, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT item, SUM(vote = 'up'), SUM(vote = 'down') FROM votes GROUP BY item ORDER BY item`)
	if err != nil {
		return nil, fmt.Errorf("count votes: %w", err)
	}
	defer rows.Close()
	out := map[string]Tally{}
	for rows.Next() {
		var item string
		var t Tally
		if err := rows.Scan(&item, &t.Up, &t.Down); err != nil {
			return nil, fmt.Errorf("count votes: %w", err)
		}
		out[item] = t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count votes: %w", err)
	}
	return out, nil
}

// Topic is what a thread is about: the item and element of the bot's last
// answer in it.
type Topic struct {
	Item    string
	Element string
}

// SetTopic remembers the topic of a thread, replacing the previous one.
func (s *Store) SetTopic(ctx context.Context, channel, thread string, t Topic) error {
	_, err := s.db.ExecContext(ctx,
		`INSERT INTO threads (channel, thread, item, element, at) VALUES (?, ?, ?, ?, ?)
		 ON CONFLICT (channel, thread) DO UPDATE SET item = excluded.item, element = excluded.element, at = excluded.at`,
		channel, thread, t.Item, t.Element, s.now().UnixMilli())
	if err != nil {
		return fmt.Errorf("remember thread topic: %w", err)
	}
	return nil
}

// Topic returns the topic of a thread; ok is false when none is known.
func (s *Store) Topic(ctx context.Context, channel, thread string) (t Topic, ok bool, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT item, element FROM threads WHERE channel = ? AND thread = ?`,
		channel, thread).Scan(&t.Item, &t.Element)
	if errors.Is(err, sql.ErrNoRows) {
		return Topic{}, false, nil
	}
	if err != nil {
		return Topic{}, false, fmt.Errorf("read thread topic: %w", err)
	}
	return t, true, nil
}
