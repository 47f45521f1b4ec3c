// Package canned keeps the canned answers of selfcheck: vetted replies that
// support staff write once, find in seconds and post in a Slack thread, and
// that the bot offers when a question matches.
//
// Answers live in one SQLite file, canned.db, in the data directory, or,
// with DATABASE_URL, in PostgreSQL (schema canned) shared by every
// replica. The store is built to be shared and to survive crashes: the
// server and the selfcheck CLI may have it open at the same time, and an
// answer whose Save has returned is on disk even if the process is killed
// right after. Only staff tools write here; nothing an applicant sends
// reaches Save.
package canned

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/selfcheck/selfcheck/storage"
)

// FileName is the name of the database file inside Config.Dir.
const FileName = "canned.db"

// busyTimeout bounds how long a writer waits for another process holding
// the write lock. Writes are single small transactions, so waiting this
// long means something is stuck, and failing is better than hanging.
const busyTimeout = 5 * time.Second

// Schema is the PostgreSQL schema of the canned answers.
const Schema = "canned"

// writeLock is the PostgreSQL advisory lock held by every transaction
// that changes answers (taken by the store, and by the change trigger for
// edits made with psql). It does across replicas what SQLite's write lock
// does in one file: a Save's check that the name is free and its insert
// cannot interleave with another's, and change numbers are committed in
// the order they were handed out, so a reader never skips one. Its value
// spells "canned".
const writeLock = 0x63616e6e6564

// Config says where the store lives and where it reports changes.
type Config struct {
	// Dir is the data directory; it is created if missing. Unused with
	// DatabaseURL.
	Dir string
	// DatabaseURL, when set, is the PostgreSQL database to use instead of
	// SQLite (postgres://…).
	DatabaseURL string
	// PGSchema overrides Schema (tests use one schema each).
	PGSchema string
	// Logger receives one record per change; nil discards them.
	Logger *slog.Logger
}

// Store is the canned-answer database. It is safe for concurrent use by
// many goroutines, and several processes may open the same directory.
type Store struct {
	db  *storage.DB
	log *slog.Logger
	// now is the clock; tests replace it to get predictable times.
	now func() time.Time
	// writeSlot admits one writer of this process at a time. SQLite
	// serialises writers anyway, but its busy handler polls with growing
	// sleeps; queueing here instead keeps goroutines of one process in
	// order and leaves the busy timeout to contention between processes.
	writeSlot chan struct{}
}

// Open opens (creating if needed) the store cfg names and brings its
// schema up to date.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	db, err := openDB(ctx, cfg)
	if err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Store{db: db, log: log, now: time.Now, writeSlot: make(chan struct{}, 1)}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open canned answers %s: %w", db.Where, err)
	}
	return s, nil
}

// openDB opens the database without touching its schema.
func openDB(ctx context.Context, cfg Config) (*storage.DB, error) {
	return storage.OpenPlace(ctx, storage.Place{What: "canned answers",
		URL: cfg.DatabaseURL, Schema: cmp.Or(cfg.PGSchema, Schema),
		Dir: cfg.Dir, File: FileName, DSN: dsn})
}

// Status reports the backend, where the store is and its schema version
// (0: not created yet) without creating or migrating anything, and the
// latest version this program knows.
func Status(ctx context.Context, cfg Config) (storage.Status, error) {
	return storage.StatusOf(ctx, filepath.Join(cfg.Dir, FileName), cfg.DatabaseURL != "", migrations().Latest, func(ctx context.Context) (*storage.DB, error) { return openDB(ctx, cfg) })
}

// migrations are the store's schema steps for both backends.
func migrations() storage.Migrations {
	return storage.Migrations{SQLite: sqliteMigrations(), Postgres: pgMigrations()}
}

// Backend says where the answers are kept.
func (s *Store) Backend() storage.Backend { return s.db.Backend }

// Ping checks that the store's database answers, for readiness (/readyz).
func (s *Store) Ping(ctx context.Context) error { return s.db.Ping(ctx) }

// beginWrite starts a transaction that changes answers: one writer of
// this process at a time, and in PostgreSQL one of all replicas (see
// writeLock). The caller must call release after the transaction ends.
func (s *Store) beginWrite(ctx context.Context) (tx *sql.Tx, release func(), err error) {
	release, err = s.acquireWrite(ctx)
	if err != nil {
		return nil, nil, err
	}
	tx, err = s.db.SQL.BeginTx(ctx, nil)
	if err != nil {
		release()
		return nil, nil, err
	}
	if s.db.Backend == storage.Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(writeLock)); err != nil {
			tx.Rollback()
			release()
			return nil, nil, err
		}
	}
	return tx, release, nil
}

// dsn builds the connection string. The pragmas go in the DSN rather than
// being executed once because database/sql pools connections, and every
// new connection must wait on locks, write through the WAL and fsync.
//
//   - journal_mode(WAL) lets the CLI read and write while the server reads.
//   - synchronous(FULL) fsyncs the WAL on every commit, so an acknowledged
//     save survives a kill -9 or a power cut (NORMAL could lose the last
//     transactions on power loss).
//   - busy_timeout makes a writer wait for another process instead of
//     failing at once with "database is locked".
//   - _txlock=immediate takes the write lock at BEGIN: a deferred
//     transaction that reads first and then writes can fail with
//     SQLITE_BUSY when another process committed in between, and the busy
//     timeout does not help in that case.
//
// The file: URI form keeps a directory name containing '?' or '#' from
// being mistaken for the start of the parameters.
func dsn(path string) string {
	return storage.FileDSN(path, fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate",
		busyTimeout.Milliseconds()))
}

// acquireWrite waits for this process's write slot, or for ctx to end.
// The caller must call the returned release function.
func (s *Store) acquireWrite(ctx context.Context) (release func(), err error) {
	select {
	case s.writeSlot <- struct{}{}:
		return func() { <-s.writeSlot }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Close releases the database. Everything acknowledged is already on disk.
func (s *Store) Close() error {
	if err := s.db.SQL.Close(); err != nil {
		return fmt.Errorf("close canned answers: %w", err)
	}
	return nil
}

// sqliteMigrations lists the schema changes of the SQLite file in order,
// each a list of statements (see storage.DB.Migrate). Never edit or
// reorder an entry that has shipped: append a new one instead, since
// existing files already ran the old ones.
func sqliteMigrations() [][]string {
	return [][]string{
		// 1: the answers table. Tags are a JSON array: they are only ever
		// read and written as a whole, and a side table would make every read
		// a join. Times are UTC RFC 3339 text so the file is readable with
		// the sqlite3 shell and sorts correctly.
		{
			`CREATE TABLE answers (
			name       TEXT PRIMARY KEY NOT NULL,
			item       TEXT NOT NULL DEFAULT '',
			text       TEXT NOT NULL,
			tags       TEXT NOT NULL DEFAULT '[]',
			created_by TEXT NOT NULL,
			created_at TEXT NOT NULL,
			updated_by TEXT NOT NULL,
			updated_at TEXT NOT NULL,
			uses       INTEGER NOT NULL DEFAULT 0
		) STRICT`,
			`CREATE INDEX answers_item ON answers (item) WHERE item <> ''`,
		},
		// 2: the change counter (see changes.go). Triggers keep it, so a
		// change made with the sqlite3 shell counts too. Posting an
		// answer (uses) is not a change of what it says.
		{
			`CREATE TABLE changes (
			name TEXT PRIMARY KEY NOT NULL,
			seq  INTEGER NOT NULL
		) STRICT`,
			`CREATE INDEX changes_seq ON changes (seq)`,
			`CREATE TABLE store_meta (
			key   TEXT PRIMARY KEY NOT NULL,
			value TEXT NOT NULL
		) STRICT`,
			`INSERT INTO store_meta (key, value) VALUES ('store_id', lower(hex(randomblob(16))))`,
			`INSERT INTO changes (name, seq) SELECT name, row_number() OVER (ORDER BY name) FROM answers`,
			`CREATE TRIGGER answers_changed_insert AFTER INSERT ON answers BEGIN
			INSERT INTO changes (name, seq) VALUES (NEW.name, (SELECT coalesce(max(seq), 0) + 1 FROM changes))
				ON CONFLICT (name) DO UPDATE SET seq = excluded.seq;
		END`,
			`CREATE TRIGGER answers_changed_update AFTER UPDATE OF name, item, text, tags ON answers BEGIN
			INSERT INTO changes (name, seq) VALUES (OLD.name, (SELECT coalesce(max(seq), 0) + 1 FROM changes))
				ON CONFLICT (name) DO UPDATE SET seq = excluded.seq;
			INSERT INTO changes (name, seq) VALUES (NEW.name, (SELECT coalesce(max(seq), 0) + 1 FROM changes))
				ON CONFLICT (name) DO UPDATE SET seq = excluded.seq;
		END`,
			`CREATE TRIGGER answers_changed_delete AFTER DELETE ON answers BEGIN
			INSERT INTO changes (name, seq) VALUES (OLD.name, (SELECT coalesce(max(seq), 0) + 1 FROM changes))
				ON CONFLICT (name) DO UPDATE SET seq = excluded.seq;
		END`,
		},
	}
}

// migrate brings the schema to the latest version (see storage.DB.Migrate
// for how two processes starting together are kept apart).
func (s *Store) migrate(ctx context.Context) error {
	from, to, err := s.db.Migrate(ctx, migrations().For(s.db.Backend))
	if err != nil {
		return err
	}
	if from != to {
		s.log.Info("canned answers schema migrated", "where", s.db.Where, "from", from, "to", to)
	}
	return nil
}
