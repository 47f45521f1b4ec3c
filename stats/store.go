// Package stats keeps the counts support staff read to decide what to
// write next: questions per item and per day, the questions the bot could
// not answer or only guessed at, how often each element of a reviewed
// draft came out missing or partial, and the feedback on answers.
//
// Escalations to the support team (opened, resolved) are counted here
// too, for the Slack bot to record.
//
// It is private by design. It stores counts, never a draft or a reviewed
// text; the only text it keeps is the masked wording of unanswered and
// weakly routed questions (masked by the caller with knowledge.Redact
// before it gets here), and only for the retention period, after which
// it is deleted. Recording never blocks the caller: events go through a
// bounded queue to one writer, and when the queue is full they are
// dropped and counted rather than slowing an answer.
//
// The counts live in SQLite (stats.db in the data directory, WAL mode,
// modernc.org/sqlite), or with DATABASE_URL in PostgreSQL (schema stats),
// where the replicas add to the same counts; the server records while
// `selfcheck stats` reads.
package stats

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/selfcheck/selfcheck/storage"
)

// FileName is the name of the database file inside Config.Dir.
const FileName = "stats.db"

// DefaultRetention is how long masked question texts are kept.
const DefaultRetention = 30 * 24 * time.Hour

// queueSize bounds the events waiting for the writer: at a few hundred
// microseconds per batch it is minutes of a busy bot's traffic, and at
// most a few megabytes of masked questions.
const queueSize = 4096

// purgeEvery is how often a long-running store deletes expired texts.
const purgeEvery = time.Hour

// Schema is the PostgreSQL schema of the statistics.
const Schema = "stats"

// writeLock is the PostgreSQL advisory lock a batch holds while it adds
// to the counts: replicas' batches touch the same rows in any order and
// would otherwise deadlock now and then (losing a batch). Batches take
// milliseconds, so taking turns costs nothing. It spells "stats".
const writeLock = 0x7374617473

// Config says where the counts live and how long question texts stay.
type Config struct {
	// Dir is the data directory; it is created if missing. Unused with
	// DatabaseURL.
	Dir string
	// DatabaseURL, when set, is the PostgreSQL database to use instead of
	// SQLite (postgres://…).
	DatabaseURL string
	// PGSchema overrides Schema (tests use one schema each).
	PGSchema string
	// Retention is how long masked question texts are kept; zero means
	// DefaultRetention.
	Retention time.Duration
	// Logger receives write failures (by count and kind, never text);
	// nil discards them.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now. Tests set it.
	Now func() time.Time
}

// Store records and reports the statistics. It is safe for concurrent
// use; Close flushes what is queued.
type Store struct {
	db        *storage.DB
	log       *slog.Logger
	now       func() time.Time
	retention time.Duration

	secret []byte // hashes user IDs (history.go)

	mu      sync.RWMutex // guards closed against sends on a closed queue
	closed  bool
	queue   chan event
	done    chan struct{}
	dropped atomic.Int64
}

// Open opens (creating if needed) the statistics in cfg.Dir, deletes
// question texts past their retention, and starts the writer.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	db, err := openDB(ctx, cfg)
	if err != nil {
		return nil, err
	}
	path := db.Where
	s := &Store{db: db, log: cfg.Logger, now: cfg.Now, retention: cfg.Retention,
		queue: make(chan event, queueSize), done: make(chan struct{})}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.retention <= 0 {
		s.retention = DefaultRetention
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open statistics %s: %w", path, err)
	}
	if err := s.loadSecret(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open statistics %s: %w", path, err)
	}
	if _, err := s.Purge(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open statistics %s: %w", path, err)
	}
	go s.loop()
	return s, nil
}

// openDB opens the database without touching its schema.
func openDB(ctx context.Context, cfg Config) (*storage.DB, error) {
	return storage.OpenPlace(ctx, storage.Place{What: "statistics",
		URL: cfg.DatabaseURL, Schema: cmp.Or(cfg.PGSchema, Schema),
		Dir: cfg.Dir, File: FileName, DSN: dsn})
}

// Status reports the backend, where the statistics are and their schema
// version (0: not created yet) without creating or migrating anything.
func Status(ctx context.Context, cfg Config) (storage.Status, error) {
	return storage.StatusOf(ctx, filepath.Join(cfg.Dir, FileName), cfg.DatabaseURL != "", migrations().Latest, func(ctx context.Context) (*storage.DB, error) { return openDB(ctx, cfg) })
}

// migrations are the store's schema steps for both backends.
func migrations() storage.Migrations {
	return storage.Migrations{SQLite: sqliteMigrations(), Postgres: pgMigrations()}
}

// Backend says where the statistics are kept.
func (s *Store) Backend() storage.Backend { return s.db.Backend }

// Ping checks that the store's database answers, for readiness (/readyz).
func (s *Store) Ping(ctx context.Context) error { return s.db.Ping(ctx) }

// dsn: the same settings as the canned-answer store (see canned's dsn),
// except synchronous(NORMAL): a count lost to a power cut is not worth
// an fsync per batch; and secure_delete, so that an expired question's
// text is overwritten in the file, not merely unlinked from its page.
func dsn(path string) string {
	return storage.FileDSN(path, "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=secure_delete(ON)&_txlock=immediate")
}

// Close writes what is queued and releases the database.
func (s *Store) Close() error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.queue)
	}
	s.mu.Unlock()
	<-s.done
	if n := s.dropped.Load(); n > 0 {
		s.log.Warn("statistics dropped: queue full", "events", n)
	}
	if err := s.db.SQL.Close(); err != nil {
		return fmt.Errorf("close statistics: %w", err)
	}
	return nil
}

// Purge deletes the question texts, the kept reviews (history.go) and
// the 👎 with their texts (downvotes.go) older than the retention period
// and reports how many questions and 👎 it deleted.
func (s *Store) Purge(ctx context.Context) (int64, error) {
	cutoff := s.db.Time(s.now().Add(-s.retention))
	res, err := s.db.SQL.ExecContext(ctx, s.db.Q(`DELETE FROM questions WHERE at < ?`), cutoff)
	if err != nil {
		return 0, fmt.Errorf("delete expired questions: %w", err)
	}
	n, _ := res.RowsAffected()
	res, err = s.db.SQL.ExecContext(ctx, s.db.Q(`DELETE FROM review_history WHERE at < ?`), cutoff)
	if err != nil {
		return 0, fmt.Errorf("delete expired reviews: %w", err)
	}
	m, _ := res.RowsAffected()
	if m > 0 {
		s.log.Info("expired reviews deleted", "count", m)
	}
	if n > 0 {
		s.log.Info("expired questions deleted", "count", n)
	}
	res, err = s.db.SQL.ExecContext(ctx, s.db.Q(`DELETE FROM downvotes WHERE at < ?`), cutoff)
	if err != nil {
		return n, fmt.Errorf("delete expired 👎: %w", err)
	}
	d, _ := res.RowsAffected()
	if d > 0 {
		s.log.Info("expired 👎 deleted", "count", d)
	}
	return n + d, nil
}

// ForgetQuestions deletes every question text, expired or not, and every
// 👎 with its reason and texts (statistics were turned off); the counts
// stay.
func (s *Store) ForgetQuestions(ctx context.Context) (int64, error) {
	res, err := s.db.SQL.ExecContext(ctx, `DELETE FROM questions`)
	if err != nil {
		return 0, fmt.Errorf("delete questions: %w", err)
	}
	n, _ := res.RowsAffected()
	res, err = s.db.SQL.ExecContext(ctx, `DELETE FROM downvotes`)
	if err != nil {
		return n, fmt.Errorf("delete 👎: %w", err)
	}
	d, _ := res.RowsAffected()
	return n + d, nil
}

// sqliteMigrations lists the schema changes of the SQLite file in order
// (see storage.DB.Migrate). Append, never edit a shipped entry.
func sqliteMigrations() [][]string {
	return [][]string{
		// 1: counts per UTC day; texts of unanswered questions with their
		// time, for the retention.
		{
			`CREATE TABLE asks (
			day     TEXT NOT NULL,
			item    TEXT NOT NULL,
			kind    TEXT NOT NULL,
			outcome TEXT NOT NULL,
			n       INTEGER NOT NULL,
			PRIMARY KEY (day, item, kind, outcome)
		) STRICT, WITHOUT ROWID`,
			`CREATE TABLE questions (
			id      INTEGER PRIMARY KEY,
			at      TEXT NOT NULL,
			item    TEXT NOT NULL,
			outcome TEXT NOT NULL,
			text    TEXT NOT NULL
		) STRICT`,
			`CREATE INDEX questions_at ON questions (at)`,
			`CREATE TABLE reviews (
			day  TEXT NOT NULL,
			item TEXT NOT NULL,
			n    INTEGER NOT NULL,
			PRIMARY KEY (day, item)
		) STRICT, WITHOUT ROWID`,
			`CREATE TABLE review_elements (
			day     TEXT NOT NULL,
			item    TEXT NOT NULL,
			element TEXT NOT NULL,
			status  TEXT NOT NULL,
			n       INTEGER NOT NULL,
			PRIMARY KEY (day, item, element, status)
		) STRICT, WITHOUT ROWID`,
			`CREATE TABLE feedback (
			day  TEXT NOT NULL,
			item TEXT NOT NULL,
			kind TEXT NOT NULL,
			up   INTEGER NOT NULL,
			down INTEGER NOT NULL,
			PRIMARY KEY (day, item, kind)
		) STRICT, WITHOUT ROWID`,
			`CREATE TABLE escalations (
			day      TEXT NOT NULL,
			item     TEXT NOT NULL,
			opened   INTEGER NOT NULL,
			resolved INTEGER NOT NULL,
			PRIMARY KEY (day, item)
		) STRICT, WITHOUT ROWID`,
		},
		// 2: element statuses of each review by a hashed user, for the
		// comparison with the previous review (history.go), and the
		// installation's secret that hashes the user IDs.
		{
			`CREATE TABLE install (
			one    INTEGER PRIMARY KEY CHECK (one = 1),
			secret BLOB NOT NULL
		) STRICT`,
			`CREATE TABLE review_history (
			id       INTEGER PRIMARY KEY,
			at       TEXT NOT NULL,
			user_key TEXT NOT NULL,
			item     TEXT NOT NULL,
			statuses TEXT NOT NULL
		) STRICT`,
			`CREATE INDEX review_history_user ON review_history (user_key, item, at)`,
			`CREATE INDEX review_history_at ON review_history (at)`,
		},
		// 3: the 👎 with their reason, masked comment and question, and
		// a link to the thread, for the retention period (downvotes.go).
		{
			`CREATE TABLE downvotes (
			key      TEXT PRIMARY KEY,
			at       TEXT NOT NULL,
			item     TEXT NOT NULL,
			kind     TEXT NOT NULL,
			reason   TEXT NOT NULL,
			comment  TEXT NOT NULL,
			question TEXT NOT NULL,
			link     TEXT NOT NULL
		) STRICT`,
			`CREATE INDEX downvotes_at ON downvotes (at)`,
		},
	}
}

func (s *Store) migrate(ctx context.Context) error {
	_, _, err := s.db.Migrate(ctx, migrations().For(s.db.Backend))
	return err
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }
