package storage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// openTestFile opens a SQLite store file in a temporary directory.
func openTestFile(t *testing.T, name string) (*DB, string) {
	t.Helper()
	dir := t.TempDir()
	db, err := OpenPlace(t.Context(), Place{What: "test store", Dir: dir, File: name,
		DSN: func(p string) string { return FileDSN(p, "_pragma=busy_timeout(5000)") }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, filepath.Join(dir, name)
}

// fullError fills a SQLite database capped at a few pages and returns the
// error SQLite gives, as on a full disk.
func fullError(t *testing.T) error {
	t.Helper()
	db, _ := openTestFile(t, "full.db")
	ctx := t.Context()
	db.SQL.SetMaxOpenConns(1)
	for _, q := range []string{`CREATE TABLE t (v TEXT)`, `PRAGMA max_page_count = 8`} {
		if _, err := db.SQL.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for range 100 {
		if _, err := db.SQL.ExecContext(ctx, `INSERT INTO t VALUES (?)`, strings.Repeat("x", 4000)); err != nil {
			return fmt.Errorf("save canned answer: %w", err)
		}
	}
	t.Fatal("a database capped at 8 pages took 400 KB")
	return nil
}

// Storage errors are told apart for users and /readyz: a full disk, an
// unreachable database, a damaged file, anything else.
func TestKindOf(t *testing.T) {
	_, unreachable := Open(context.Background(), Target{URL: "postgres://selfcheck@127.0.0.1:1/selfcheck?connect_timeout=2", Schema: "canned"})
	if unreachable == nil {
		t.Fatal("PostgreSQL on port 1 answered")
	}
	db, _ := openTestFile(t, "other.db")
	_, constraint := db.SQL.Exec(`CREATE TABLE t (v TEXT NOT NULL); INSERT INTO t VALUES (NULL)`)
	if constraint == nil {
		t.Fatal("a NULL went into a NOT NULL column")
	}
	tests := []struct {
		name string
		err  error
		want Kind
	}{
		{"SQLite full (max_page_count)", fullError(t), Full},
		{"ENOSPC from a write", fmt.Errorf("write index: %w", &os.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}), Full},
		{"PostgreSQL disk_full", fmt.Errorf("save: %w", &pgconn.PgError{Code: "53100", Message: "could not extend file"}), Full},
		{"PostgreSQL unreachable", unreachable, Unavailable},
		{"PostgreSQL shutting down", &pgconn.PgError{Code: "57P01"}, Unavailable},
		{"PostgreSQL connection lost", &pgconn.PgError{Code: "08006"}, Unavailable},
		{"damaged file", &DamagedError{Path: "canned.db", Reason: "it is empty (0 bytes)"}, Damaged},
		{"a constraint", constraint, Other},
		{"PostgreSQL unique violation", &pgconn.PgError{Code: "23505"}, Other},
		{"plain error", errors.New("boom"), Other},
		{"nil", nil, Other},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := KindOf(tt.err); got != tt.want {
				t.Errorf("KindOf(%v) = %v; want %v", tt.err, got, tt.want)
			}
		})
	}
}

// A store file that exists but is no database is refused with the reason,
// never opened as a new empty store; a missing file is created.
func TestOpenRefusesNonDatabaseFiles(t *testing.T) {
	tests := []struct {
		name    string
		content []byte // nil: no file
		want    string // "" opens
	}{
		{"missing", nil, ""},
		{"zero bytes", []byte{}, "it is empty (0 bytes)"},
		{"text", []byte("canned answers exported as text\n"), "not a SQLite database"},
		{"short", []byte("SQLite"), "not a SQLite database"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.content != nil {
				if err := os.WriteFile(filepath.Join(dir, "canned.db"), tt.content, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			db, err := OpenPlace(t.Context(), Place{What: "canned answers", Dir: dir, File: "canned.db",
				DSN: func(p string) string { return FileDSN(p, "") }})
			if tt.want == "" {
				if err != nil {
					t.Fatalf("open: %v", err)
				}
				db.Close()
				return
			}
			if err == nil {
				db.Close()
				t.Fatal("opened; want a refusal")
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "canned.db") || KindOf(err) != Damaged {
				t.Errorf("err = %v; want it to name the file and say %q", err, tt.want)
			}
		})
	}
}

// A backup is a consistent copy that reads back; it never overwrites a
// file, and a source that is no database is refused.
func TestBackupSQLite(t *testing.T) {
	db, src := openTestFile(t, "canned.db")
	if _, err := db.SQL.Exec(`CREATE TABLE answers (name TEXT); INSERT INTO answers VALUES ('cloud-cert')`); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "canned.db")
	if err := BackupSQLite(t.Context(), src, dst); err != nil {
		t.Fatalf("backup: %v", err)
	}
	copyDB, err := Open(t.Context(), Target{SQLiteDSN: FileDSN(dst, ""), SQLitePath: dst})
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	var name string
	if err := copyDB.SQL.QueryRow(`SELECT name FROM answers`).Scan(&name); err != nil || name != "cloud-cert" {
		t.Fatalf("backup holds %q, %v; want the answer", name, err)
	}
	if err := BackupSQLite(t.Context(), src, dst); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second backup to the same file: %v; want a refusal", err)
	}
	empty := filepath.Join(t.TempDir(), "stats.db")
	os.WriteFile(empty, nil, 0o600)
	if err := BackupSQLite(t.Context(), empty, filepath.Join(t.TempDir(), "stats.db")); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("backup of a 0-byte file: %v; want a refusal", err)
	}
}
