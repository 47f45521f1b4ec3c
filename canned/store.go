// Package canned keeps the canned answers of selfcheck: vetted replies that
// support staff write once, find in seconds and post in a Slack thread, and
// that the bot offers when a question matches.
//
// Answers live in one SQLite file, canned.db, in the data directory. The
// store is built to be shared and to survive crashes: the server and the
// selfcheck CLI may have the file open at the same time, and an answer whose
// Save has returned is on disk even if the process is killed right after.
// Only staff tools write here; nothing an applicant sends reaches Save.
package canned

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// FileName is the name of the database file inside Config.Dir.
const FileName = "canned.db"

// busyTimeout bounds how long a writer waits for another process holding
// the write lock. Writes are single small transactions, so waiting this
// long means something is stuck, and failing is better than hanging.
const busyTimeout = 5 * time.Second

// Config says where the store lives and where it reports changes.
type Config struct {
	// Dir is the data directory; it is created if missing.
	Dir string
	// Logger receives one record per change; nil discards them.
	Logger *slog.Logger
}

// Store is the canned-answer database. It is safe for concurrent use by
// many goroutines, and several processes may open the same directory.
type Store struct {
	db   *sql.DB
	log  *slog.Logger
	path string
	// now is the clock; tests replace it to get predictable times.
	now func() time.Time
	// writeSlot admits one writer of this process at a time. SQLite
	// serialises writers anyway, but its busy handler polls with growing
	// sleeps; queueing here instead keeps goroutines of one process in
	// order and leaves the busy timeout to contention between processes.
	writeSlot chan struct{}
}

// Open opens (creating if needed) the store in cfg.Dir and brings its
// schema up to date.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Dir == "" {
		return nil, errors.New("open canned answers: no data directory configured")
	}
	if err := os.MkdirAll(cfg.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("open canned answers: %w", err)
	}
	path, err := filepath.Abs(filepath.Join(cfg.Dir, FileName))
	if err != nil {
		return nil, fmt.Errorf("open canned answers: %w", err)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}

	db, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		return nil, fmt.Errorf("open canned answers %s: %w", path, err)
	}
	s := &Store{db: db, log: log, path: path, now: time.Now, writeSlot: make(chan struct{}, 1)}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open canned answers %s: %w", path, err)
	}
	return s, nil
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
	u := url.URL{
		Scheme: "file",
		Path:   filepath.ToSlash(path),
		RawQuery: fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate",
			busyTimeout.Milliseconds()),
	}
	return u.String()
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
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close canned answers: %w", err)
	}
	return nil
}

// migrations lists the schema changes in order, each a list of statements;
// PRAGMA user_version records how many have run. Never edit or reorder an
// entry that has shipped: append a new one instead, since existing files
// already ran the old ones.
func migrations() [][]string {
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

// migrate brings the schema to the latest version. The transaction is
// IMMEDIATE (see dsn), so two processes opening a new file at once are
// serialised: the second one waits, then sees the version the first one
// wrote and has nothing left to do.
func (s *Store) migrate(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate schema: %w", err)
	}
	defer tx.Rollback()

	steps := migrations()
	var version int
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return fmt.Errorf("migrate schema: read version: %w", err)
	}
	if version > len(steps) {
		return fmt.Errorf("migrate schema: database has schema version %d, this program knows only up to %d; upgrade selfcheck", version, len(steps))
	}
	if version == len(steps) {
		return nil
	}
	for i := version; i < len(steps); i++ {
		for _, stmt := range steps[i] {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("migrate schema to version %d: %w", i+1, err)
			}
		}
	}
	// PRAGMA takes no bound parameters; the value is a trusted integer.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, len(steps))); err != nil {
		return fmt.Errorf("migrate schema: write version: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate schema: %w", err)
	}
	s.log.Info("canned answers schema migrated", "path", s.path, "from", version, "to", len(steps))
	return nil
}
