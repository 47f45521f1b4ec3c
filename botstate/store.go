// Package botstate keeps what the Slack bot must remember across restarts:
// the events it has already taken on (so that Slack's retries after a
// restart are not answered twice), the feedback votes on its answers (one
// per user per message) and what each thread it answered is about (the
// item and element of its last answer there, so follow-ups can be read in
// context), the things done once per thread or message (a canned answer
// offered, an escalation opened or resolved), and for a short while the
// bot's own full answer behind a "전체 답변 보기" button.
//
// It stores IDs, item references and counts only, never what a user
// wrote; the one text it keeps is a support staff member's reply that
// resolved an escalation, masked by the bot, offered to them as a canned
// answer (candidate.go). Per-channel settings (auto, mention, off) and the
// escalations with their first staff reply live here too. The data lives in one SQLite file, botstate.db, in the data
// directory; Open with no directory keeps it in memory (tests, or a bot
// that runs without DATA_DIR). With DATABASE_URL it lives in PostgreSQL
// (schema botstate), shared by the replicas that serve one app: each
// method is one statement, so the replica whose claim of an event
// succeeds answers it and a vote counts once wherever it is clicked.
package botstate

import (
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/selfcheck/selfcheck/storage"
)

// FileName is the name of the database file inside the data directory.
const FileName = "botstate.db"

// purgeEvery is how many recorded events pass between purges of expired
// ones, so that the table stays small without a purge on every insert.
const purgeEvery = 512

// Schema is the PostgreSQL schema of the bot's state.
const Schema = "botstate"

// Config says where the state lives.
type Config struct {
	// Dir is the data directory (created if missing); empty with no
	// DatabaseURL keeps the state in memory.
	Dir string
	// DatabaseURL, when set, is the PostgreSQL database to use instead of
	// SQLite (postgres://…).
	DatabaseURL string
	// PGSchema overrides Schema (tests use one schema each).
	PGSchema string
}

// Store is the bot's state in SQLite or PostgreSQL. It is safe for
// concurrent use.
type Store struct {
	db      *storage.DB
	now     func() time.Time
	inserts atomic.Int64
	// onceInserts counts Once and Keep calls between their purges.
	onceInserts atomic.Int64
	// claims writes SQLite's event claims in groups (claim.go); nil with
	// PostgreSQL.
	claims *claimer
}

// Open opens (creating if needed) the state cfg names and brings its
// schema up to date.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	db, err := openDB(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, now: time.Now}
	if _, _, err := db.Migrate(ctx, migrations().For(db.Backend)); err != nil {
		db.Close()
		return nil, fmt.Errorf("open bot state %s: %w", db.Where, err)
	}
	if db.Backend == storage.SQLite {
		s.claims = newClaimer(s)
	}
	return s, nil
}

// openDB opens the database without touching its schema.
func openDB(ctx context.Context, cfg Config) (*storage.DB, error) {
	var db *storage.DB
	var err error
	if cfg.DatabaseURL == "" && cfg.Dir == "" {
		db, err = storage.Open(ctx, storage.Target{SQLiteDSN: "file::memory:", SQLitePath: "memory"})
		if err != nil {
			return nil, fmt.Errorf("open bot state: %w", err)
		}
	} else {
		// The ack path claims events here: enough connections that a burst
		// does not queue behind one.
		db, err = storage.OpenPlace(ctx, storage.Place{What: "bot state",
			URL: cfg.DatabaseURL, Schema: cmp.Or(cfg.PGSchema, Schema), MaxConns: 8,
			Dir: cfg.Dir, File: FileName, DSN: dsn})
		if err != nil {
			return nil, err
		}
	}
	if db.Backend == storage.SQLite {
		// A file in WAL mode takes readers alongside its one writer: a
		// small pool, so that reading a thread's topic or a vote does not
		// queue behind a group of claims. An in-memory database lives and
		// dies with its connection: one, kept forever.
		conns := sqliteConns
		if cfg.Dir == "" {
			conns = 1
		}
		db.SQL.SetMaxOpenConns(conns)
		db.SQL.SetMaxIdleConns(conns)
		db.SQL.SetConnMaxLifetime(0)
		db.SQL.SetConnMaxIdleTime(0)
	}
	return db, nil
}

// sqliteConns is the pool of a SQLite file: one writer at a time, the
// rest read.
const sqliteConns = 4

// dsn: WAL with synchronous(NORMAL): a commit survives a crash of the
// process; only a power cut may lose the last few, which costs at worst
// one doubled reply, not data a user saved. _txlock=immediate keeps two
// processes migrating a new file from failing with BUSY.
func dsn(path string) string {
	return storage.FileDSN(path, "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate")
}

// Status reports the backend, where the state is and its schema version
// (0: not created yet) without creating or migrating anything.
func Status(ctx context.Context, cfg Config) (storage.Status, error) {
	file := ""
	if cfg.Dir != "" {
		file = filepath.Join(cfg.Dir, FileName)
	}
	return storage.StatusOf(ctx, file, cfg.DatabaseURL != "", migrations().Latest, func(ctx context.Context) (*storage.DB, error) { return openDB(ctx, cfg) })
}

// migrations are the store's schema steps for both backends.
func migrations() storage.Migrations {
	return storage.Migrations{SQLite: sqliteMigrations(), Postgres: pgMigrations()}
}

// Backend says where the state is kept.
func (s *Store) Backend() storage.Backend { return s.db.Backend }

// Ping checks that the store's database answers, for readiness (/readyz).
func (s *Store) Ping(ctx context.Context) error { return s.db.Ping(ctx) }

// Close releases the database. Claims still waiting for their group
// fail; they were not recorded.
func (s *Store) Close() error {
	if s.claims != nil {
		s.claims.close()
	}
	if err := s.db.SQL.Close(); err != nil {
		return fmt.Errorf("close bot state: %w", err)
	}
	return nil
}

// sqliteMigrations lists the schema changes of the SQLite file (see
// storage.DB.Migrate); append, never edit a shipped step. Step 1's
// statements are idempotent: files made before versioning (at version 0,
// with the tables) pass through it unchanged.
func sqliteMigrations() [][]string {
	return [][]string{{
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
	}, {
		// once and kept: see once.go.
		`CREATE TABLE IF NOT EXISTS once (
		key TEXT PRIMARY KEY NOT NULL,
		at  INTEGER NOT NULL
	) STRICT`,
		`CREATE INDEX IF NOT EXISTS once_at ON once (at)`,
		`CREATE TABLE IF NOT EXISTS kept (
		key   TEXT PRIMARY KEY NOT NULL,
		value TEXT NOT NULL,
		at    INTEGER NOT NULL
	) STRICT`,
		`CREATE INDEX IF NOT EXISTS kept_at ON kept (at)`,
	}, sqliteChannelStep, {
		// The claim that recorded an event (see Claim).
		`ALTER TABLE seen ADD COLUMN owner TEXT NOT NULL DEFAULT ''`,
	}}
}

// sqliteChannelStep adds the help channel's state: channel modes, staff
// replies per thread, escalations and canned-answer candidates (see
// channel.go, escalation.go, candidate.go).
var sqliteChannelStep = []string{
	`CREATE TABLE channels (
		channel TEXT PRIMARY KEY NOT NULL,
		mode    TEXT NOT NULL,
		by_user TEXT NOT NULL,
		at      INTEGER NOT NULL
	) STRICT`,
	`CREATE TABLE staff_replies (
		channel TEXT NOT NULL,
		thread  TEXT NOT NULL,
		user_id TEXT NOT NULL,
		ts      TEXT NOT NULL,
		at      INTEGER NOT NULL,
		PRIMARY KEY (channel, thread)
	) STRICT`,
	`CREATE TABLE escalations (
		id             TEXT PRIMARY KEY NOT NULL,
		channel        TEXT NOT NULL,
		thread         TEXT NOT NULL,
		item           TEXT NOT NULL,
		urgency        TEXT NOT NULL,
		user_id        TEXT NOT NULL,
		link           TEXT NOT NULL,
		opened_at      INTEGER NOT NULL,
		first_reply_at INTEGER,
		replier        TEXT NOT NULL DEFAULT '',
		reply_ts       TEXT NOT NULL DEFAULT '',
		resolved_at    INTEGER,
		resolved_by    TEXT NOT NULL DEFAULT ''
	) STRICT`,
	`CREATE INDEX escalations_open ON escalations (resolved_at, opened_at)`,
	`CREATE INDEX escalations_thread ON escalations (channel, thread)`,
	`CREATE TABLE candidates (
		id      TEXT PRIMARY KEY NOT NULL,
		channel TEXT NOT NULL,
		thread  TEXT NOT NULL,
		staff   TEXT NOT NULL,
		item    TEXT NOT NULL,
		text    TEXT NOT NULL,
		at      INTEGER NOT NULL,
		saved   TEXT NOT NULL
	) STRICT`,
	`CREATE INDEX candidates_saved ON candidates (saved, at)`,
}

// pgMigrations lists the schema changes of the PostgreSQL state. Times
// stay Unix milliseconds, as in the file. "user" is quoted: in PostgreSQL
// the bare word is CURRENT_USER.
func pgMigrations() [][]string {
	return [][]string{{
		`CREATE TABLE seen (
		key text PRIMARY KEY,
		at  bigint NOT NULL
	)`,
		`CREATE INDEX seen_at ON seen (at)`,
		`CREATE TABLE votes (
		message text NOT NULL,
		"user"  text NOT NULL,
		item    text NOT NULL,
		vote    text NOT NULL,
		at      bigint NOT NULL,
		PRIMARY KEY (message, "user")
	)`,
		`CREATE TABLE threads (
		channel text NOT NULL,
		thread  text NOT NULL,
		item    text NOT NULL,
		element text NOT NULL,
		at      bigint NOT NULL,
		PRIMARY KEY (channel, thread)
	)`,
		`CREATE INDEX threads_at ON threads (at)`,
	}, {
		// once and kept: see once.go.
		`CREATE TABLE once (
		key text PRIMARY KEY,
		at  bigint NOT NULL
	)`,
		`CREATE INDEX once_at ON once (at)`,
		`CREATE TABLE kept (
		key   text PRIMARY KEY,
		value text NOT NULL,
		at    bigint NOT NULL
	)`,
		`CREATE INDEX kept_at ON kept (at)`,
	}, pgChannelStep, {
		`ALTER TABLE seen ADD COLUMN owner text NOT NULL DEFAULT ''`,
	}}
}

// pgChannelStep is sqliteChannelStep for PostgreSQL.
var pgChannelStep = []string{
	`CREATE TABLE channels (
		channel text PRIMARY KEY,
		mode    text NOT NULL,
		by_user text NOT NULL,
		at      bigint NOT NULL
	)`,
	`CREATE TABLE staff_replies (
		channel text NOT NULL,
		thread  text NOT NULL,
		user_id text NOT NULL,
		ts      text NOT NULL,
		at      bigint NOT NULL,
		PRIMARY KEY (channel, thread)
	)`,
	`CREATE TABLE escalations (
		id             text PRIMARY KEY,
		channel        text NOT NULL,
		thread         text NOT NULL,
		item           text NOT NULL,
		urgency        text NOT NULL,
		user_id        text NOT NULL,
		link           text NOT NULL,
		opened_at      bigint NOT NULL,
		first_reply_at bigint,
		replier        text NOT NULL DEFAULT '',
		reply_ts       text NOT NULL DEFAULT '',
		resolved_at    bigint,
		resolved_by    text NOT NULL DEFAULT ''
	)`,
	`CREATE INDEX escalations_open ON escalations (resolved_at, opened_at)`,
	`CREATE INDEX escalations_thread ON escalations (channel, thread)`,
	`CREATE TABLE candidates (
		id      text PRIMARY KEY,
		channel text NOT NULL,
		thread  text NOT NULL,
		staff   text NOT NULL,
		item    text NOT NULL,
		text    text NOT NULL,
		at      bigint NOT NULL,
		saved   text NOT NULL
	)`,
	`CREATE INDEX candidates_saved ON candidates (saved, at)`,
}

// FirstSeen records key and reports whether it had not been recorded
// within ttl: Claim with a token of its own.
func (s *Store) FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	return s.Claim(ctx, key, NewClaimToken(), ttl)
}

// NewClaimToken returns a token for Claim, unique to one claim.
func NewClaimToken() string { return rand.Text() }

// Claim records key for token and reports whether the claim is token's:
// true when key was not recorded within ttl, or was recorded by this
// same token. Keys are opaque (the bot uses Slack event IDs and message
// timestamps). An error leaves the claim unknown: it may or may not have
// been recorded, and a retry with the same token says which, so that an
// event is neither lost nor answered twice. In SQLite the claims of a
// burst commit together (see claim.go).
func (s *Store) Claim(ctx context.Context, key, token string, ttl time.Duration) (bool, error) {
	if key == "" {
		return true, nil
	}
	if token == "" {
		return false, errors.New("record event: empty claim token")
	}
	if s.claims != nil {
		return s.claims.claim(ctx, key, token, ttl)
	}
	now := s.now()
	res, err := s.db.SQL.ExecContext(ctx, s.db.Q(upsertSeen), key, now.UnixMilli(), token, now.Add(-ttl).UnixMilli())
	if err != nil {
		return false, fmt.Errorf("record event: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record event: %w", err)
	}
	if s.inserts.Add(1)%purgeEvery == 0 {
		// A failed purge loses nothing: the next one takes it.
		_, _ = s.db.SQL.ExecContext(ctx, s.db.Q(`DELETE FROM seen WHERE at < ?`), now.Add(-ttl).UnixMilli())
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
	res, err := s.db.SQL.ExecContext(ctx, s.db.Q(`INSERT INTO votes (message, "user", item, vote, at) VALUES (?, ?, ?, ?, ?)
		 ON CONFLICT (message, "user") DO UPDATE SET vote = excluded.vote, at = excluded.at
		 WHERE votes.vote <> excluded.vote`),
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
	err := s.db.SQL.QueryRowContext(ctx, s.db.Q(`SELECT COALESCE(SUM(CASE WHEN vote = 'up' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN vote = 'down' THEN 1 ELSE 0 END), 0) FROM votes WHERE message = ?`),
		message).Scan(&t.Up, &t.Down)
	if err != nil {
		return t, fmt.Errorf("count votes: %w", err)
	}
	return t, nil
}

// UserVote returns user's vote on message, or "".
func (s *Store) UserVote(ctx context.Context, message, user string) (string, error) {
	var v string
	err := s.db.SQL.QueryRowContext(ctx, s.db.Q(`SELECT vote FROM votes WHERE message = ? AND "user" = ?`), message, user).Scan(&v)
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
	rows, err := s.db.SQL.QueryContext(ctx, s.db.Q(`SELECT item, SUM(CASE WHEN vote = 'up' THEN 1 ELSE 0 END), SUM(CASE WHEN vote = 'down' THEN 1 ELSE 0 END) FROM votes GROUP BY item ORDER BY item`))
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
	_, err := s.db.SQL.ExecContext(ctx, s.db.Q(`INSERT INTO threads (channel, thread, item, element, at) VALUES (?, ?, ?, ?, ?)
		 ON CONFLICT (channel, thread) DO UPDATE SET item = excluded.item, element = excluded.element, at = excluded.at`),
		channel, thread, t.Item, t.Element, s.now().UnixMilli())
	if err != nil {
		return fmt.Errorf("remember thread topic: %w", err)
	}
	return nil
}

// Topic returns the topic of a thread; ok is false when none is known.
func (s *Store) Topic(ctx context.Context, channel, thread string) (t Topic, ok bool, err error) {
	err = s.db.SQL.QueryRowContext(ctx, s.db.Q(`SELECT item, element FROM threads WHERE channel = ? AND thread = ?`),
		channel, thread).Scan(&t.Item, &t.Element)
	if errors.Is(err, sql.ErrNoRows) {
		return Topic{}, false, nil
	}
	if err != nil {
		return Topic{}, false, fmt.Errorf("read thread topic: %w", err)
	}
	return t, true, nil
}
