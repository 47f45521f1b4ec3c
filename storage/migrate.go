package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// Migrations are a store's schema steps for each backend, in the form
// Migrate applies.
type Migrations struct{ SQLite, Postgres [][]string }

// For returns the steps of backend b.
func (m Migrations) For(b Backend) [][]string {
	if b == Postgres {
		return m.Postgres
	}
	return m.SQLite
}

// Latest is the newest schema version of backend b.
func (m Migrations) Latest(b Backend) int { return len(m.For(b)) }

// Migrate applies the steps the database has not run yet, in order, in one
// transaction, and returns the version it found and the one it left.
// Each step is a list of statements; a step that has shipped is never
// edited or reordered, only followed by new ones, since existing databases
// already ran it.
//
// SQLite counts the steps in PRAGMA user_version; the store's DSN makes
// the transaction take the write lock at BEGIN, so a second process waits
// and then finds nothing left to do. PostgreSQL keeps the count in the
// schema's schema_version table, under an advisory lock held to the
// commit, so replicas starting together never run a step twice.
func (d *DB) Migrate(ctx context.Context, steps [][]string) (from, to int, err error) {
	// Processes opening a new SQLite file together can find it busy
	// while the first one switches it to WAL, before the busy handler
	// applies: try again, briefly, rather than fail a start.
	wait := 10 * time.Millisecond
	for attempt := 0; ; attempt++ {
		from, to, err = d.migrate(ctx, steps)
		if err == nil || d.Backend != SQLite || attempt == 12 || !busy(err) {
			return from, to, err
		}
		select {
		case <-ctx.Done():
			return from, to, err
		case <-time.After(wait):
		}
		wait = min(2*wait, 500*time.Millisecond)
	}
}

// busy reports a SQLite "database is locked" error.
func busy(err error) bool {
	s := err.Error()
	return strings.Contains(s, "SQLITE_BUSY") || strings.Contains(s, "database is locked")
}

func (d *DB) migrate(ctx context.Context, steps [][]string) (from, to int, err error) {
	tx, err := d.SQL.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, fmt.Errorf("migrate schema: %w", err)
	}
	defer tx.Rollback()
	if d.Backend == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrateLock)); err != nil {
			return 0, 0, fmt.Errorf("migrate schema: take the migration lock: %w", err)
		}
		// search_path is the store's schema (see Open): create it first.
		var schema string
		if err := tx.QueryRowContext(ctx, `SHOW search_path`).Scan(&schema); err != nil {
			return 0, 0, fmt.Errorf("migrate schema: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS `+quoteIdent(schema)); err != nil {
			return 0, 0, fmt.Errorf("migrate schema: create schema %s: %w", schema, err)
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
			one     boolean PRIMARY KEY DEFAULT true CHECK (one),
			version integer NOT NULL)`); err != nil {
			return 0, 0, fmt.Errorf("migrate schema: %w", err)
		}
	}
	from, err = version(ctx, d.Backend, tx)
	if err != nil {
		return 0, 0, fmt.Errorf("migrate schema: read version: %w", err)
	}
	if from > len(steps) {
		return from, from, fmt.Errorf("migrate schema: database has schema version %d, this program knows only up to %d; upgrade selfcheck", from, len(steps))
	}
	if from == len(steps) {
		return from, from, nil
	}
	for i := from; i < len(steps); i++ {
		for _, stmt := range steps[i] {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return from, from, fmt.Errorf("migrate schema to version %d: %w", i+1, err)
			}
		}
	}
	if d.Backend == Postgres {
		_, err = tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES ($1)
			ON CONFLICT (one) DO UPDATE SET version = excluded.version`, len(steps))
	} else {
		// PRAGMA takes no bound parameters; the value is a trusted integer.
		_, err = tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, len(steps)))
	}
	if err != nil {
		return from, from, fmt.Errorf("migrate schema: write version: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return from, from, fmt.Errorf("migrate schema: %w", err)
	}
	return from, len(steps), nil
}

// Version returns the schema version the database is at, without
// changing anything (0: nothing created yet).
func (d *DB) Version(ctx context.Context) (int, error) {
	tx, err := d.SQL.BeginTx(ctx, &sql.TxOptions{ReadOnly: d.Backend == Postgres})
	if err != nil {
		return 0, fmt.Errorf("read schema version of %s: %w", d.Where, err)
	}
	defer tx.Rollback()
	v, err := version(ctx, d.Backend, tx)
	if err != nil {
		return 0, fmt.Errorf("read schema version of %s: %w", d.Where, err)
	}
	return v, nil
}

func version(ctx context.Context, b Backend, tx *sql.Tx) (int, error) {
	var v int
	if b != Postgres {
		err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v)
		return v, err
	}
	var exists bool
	if err := tx.QueryRowContext(ctx, `SELECT to_regclass('schema_version') IS NOT NULL`).Scan(&exists); err != nil || !exists {
		return 0, err
	}
	err := tx.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

// quoteIdent quotes a PostgreSQL identifier.
func quoteIdent(s string) string {
	out := []byte{'"'}
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			out = append(out, '"')
		}
		out = append(out, s[i])
	}
	return string(append(out, '"'))
}

// Status is what "selfcheck db status" prints for one store.
type Status struct {
	// Backend and Where say where the store is.
	Backend Backend
	Where   string
	// Version is the schema version the database is at (0: nothing
	// created yet); Latest is the one this program migrates to.
	Version, Latest int
}

// StatusOf reports a store's backend, where it is and its schema version
// without creating or migrating anything. file is the SQLite file the
// store would use ("" for one kept in memory); a file not created yet is
// version 0. With postgres, open is asked for the database; latest gives
// the newest version of the backend's migrations.
func StatusOf(ctx context.Context, file string, postgres bool, latest func(Backend) int, open func(context.Context) (*DB, error)) (Status, error) {
	st := Status{Backend: SQLite, Where: file, Latest: latest(SQLite)}
	if postgres {
		st.Backend, st.Latest = Postgres, latest(Postgres)
	} else if _, err := os.Stat(file); file == "" || errors.Is(err, os.ErrNotExist) {
		return st, nil
	}
	db, err := open(ctx)
	if err != nil {
		return st, err
	}
	defer db.Close()
	st.Backend, st.Where = db.Backend, db.Where
	st.Version, err = db.Version(ctx)
	return st, err
}
