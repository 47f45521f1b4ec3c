// Package storage opens the SQL databases that hold selfcheck's state and
// keeps their schemas current. One instance keeps each store in a SQLite
// file under DATA_DIR; several replicas share one PostgreSQL database
// (DATABASE_URL), each store in its own schema, through pgx. The stores
// (canned, stats, botstate) write their SQL once with '?' placeholders and
// ask DB.Q for the backend's form; what differs between the backends
// (types, triggers, locks) they keep in their own migrations.
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// Backend names where a store keeps its data.
type Backend string

// The backends.
const (
	SQLite   Backend = "sqlite"
	Postgres Backend = "postgres"
)

// migrateLock is the PostgreSQL advisory lock every selfcheck process
// takes while it migrates, so that replicas starting together apply each
// step once and in order. Its value spells "selfchk".
const migrateLock = 0x73656c6663686b

// Target says which database to open.
type Target struct {
	// URL is a postgres:// URL; empty opens the SQLite file instead.
	URL string
	// Schema is the PostgreSQL schema holding this store's tables; it is
	// created if missing.
	Schema string
	// SQLiteDSN is the modernc.org/sqlite data source, pragmas included;
	// SQLitePath is the file it names, for messages.
	SQLiteDSN, SQLitePath string
	// MaxConns bounds the connections this store holds (0: 4). Replicas
	// multiply it, against PostgreSQL's max_connections (100 by default).
	MaxConns int
}

// DB is an open store database.
type DB struct {
	// SQL is the connection pool.
	SQL *sql.DB
	// Backend is where the data lives.
	Backend Backend
	// Where names the database for messages: a file path, or
	// host/database/schema without credentials.
	Where string
}

// Open opens the database t names. A PostgreSQL server that cannot be
// reached is an error now, not at the first query.
func Open(ctx context.Context, t Target) (*DB, error) {
	if t.URL == "" {
		db, err := sql.Open("sqlite", t.SQLiteDSN)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", t.SQLitePath, err)
		}
		return &DB{SQL: db, Backend: SQLite, Where: t.SQLitePath}, nil
	}
	if err := CheckURL(t.URL); err != nil {
		return nil, err
	}
	if t.Schema == "" || !validIdent(t.Schema) {
		return nil, fmt.Errorf("open PostgreSQL: schema %q must be lowercase letters, digits and _", t.Schema)
	}
	cfg, err := pgx.ParseConfig(t.URL)
	if err != nil {
		// pgx's message leaves the password out.
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	cfg.RuntimeParams["search_path"] = t.Schema
	cfg.RuntimeParams["application_name"] = "selfcheck"
	where := fmt.Sprintf("postgres://%s:%d/%s (schema %s)", cfg.Host, cfg.Port, cfg.Database, t.Schema)
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	db := stdlib.OpenDB(*cfg)
	n := t.MaxConns
	if n <= 0 {
		n = 4
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s: %w", where, err)
	}
	return &DB{SQL: db, Backend: Postgres, Where: where}, nil
}

// Place says where one store lives: in PostgreSQL when URL is set, else
// in the SQLite file File under Dir. The stores differ only in these
// values, so the choice of backend, the data directory and the messages
// are written once, here.
type Place struct {
	// What names the store in messages ("canned answers").
	What string
	// URL and Schema are the PostgreSQL database and schema (see Target).
	URL, Schema string
	// MaxConns bounds the PostgreSQL connections (see Target).
	MaxConns int
	// Dir is the data directory, created if missing; File is the SQLite
	// file's name in it.
	Dir, File string
	// DSN returns the SQLite data source, pragmas included, of the file
	// at an absolute path (see FileDSN).
	DSN func(path string) string
}

// OpenPlace opens the database p names without touching its schema.
// Its errors begin "open <What>:", whichever backend failed.
func OpenPlace(ctx context.Context, p Place) (*DB, error) {
	if p.URL != "" {
		db, err := Open(ctx, Target{URL: p.URL, Schema: p.Schema, MaxConns: p.MaxConns})
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", p.What, err)
		}
		return db, nil
	}
	if p.Dir == "" {
		return nil, fmt.Errorf("open %s: no data directory configured", p.What)
	}
	if err := os.MkdirAll(p.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("open %s: %w", p.What, err)
	}
	path, err := filepath.Abs(filepath.Join(p.Dir, p.File))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", p.What, err)
	}
	if err := checkSQLiteFile(path); err != nil {
		return nil, fmt.Errorf("open %s: %w", p.What, err)
	}
	db, err := Open(ctx, Target{SQLiteDSN: p.DSN(path), SQLitePath: path})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", p.What, err)
	}
	return db, nil
}

// FileDSN is the modernc.org/sqlite data source of the file at path with
// pragmas as its query ("_pragma=busy_timeout(5000)&…").
func FileDSN(path, pragmas string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: pragmas}
	return u.String()
}

// CheckURL reports whether u is a PostgreSQL URL, naming DATABASE_URL and
// never echoing the URL (it may hold a password).
func CheckURL(u string) error {
	p, err := url.Parse(u)
	// No host is libpq's default (the local socket), so only the scheme is
	// checked here; the connection says the rest.
	if err != nil || (p.Scheme != "postgres" && p.Scheme != "postgresql") {
		return errors.New("DATABASE_URL must be a PostgreSQL URL such as postgres://selfcheck:PASSWORD@db.example:5432/selfcheck (unset: SQLite under DATA_DIR)")
	}
	return nil
}

func validIdent(s string) bool {
	for i, r := range s {
		if !(r >= 'a' && r <= 'z' || r == '_' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return len(s) > 0 && len(s) <= 63
}

// Close releases the pool.
func (d *DB) Close() error { return d.SQL.Close() }

// Q returns query in the backend's placeholder syntax: '?' for SQLite,
// $1, $2 … for PostgreSQL. Queries here never hold a '?' in a literal.
func (d *DB) Q(query string) string {
	if d.Backend != Postgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Time is how the backend stores a time: fixed-width UTC text in SQLite
// (it sorts, and the sqlite3 shell shows it), timestamptz in PostgreSQL.
func (d *DB) Time(t time.Time) any {
	if d.Backend == Postgres {
		return t.UTC()
	}
	return t.UTC().Format(TimeLayout)
}

// TimeLayout is the fixed-width layout of times stored as text.
const TimeLayout = "2006-01-02T15:04:05.000000Z07:00"

// ScanTime reads a time column of either backend into *t.
type ScanTime struct{ T *time.Time }

// Scan implements sql.Scanner.
func (s ScanTime) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*s.T = v.UTC()
	case string:
		return s.parse(v)
	case []byte:
		return s.parse(string(v))
	default:
		return fmt.Errorf("a time, not %T", src)
	}
	return nil
}

func (s ScanTime) parse(v string) error {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return err
	}
	*s.T = t.UTC()
	return nil
}
