package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// sqliteHeader starts every SQLite database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// checkSQLiteFile refuses a file that exists but is no SQLite database:
// SQLite would take a 0-byte file for a new, empty database, and a store
// would start silently without its data (a truncated copy, a full disk
// while restoring); another file fails later with a less clear message.
// A missing file is fine: it is created.
func checkSQLiteFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, len(sqliteHeader))
	n, err := io.ReadFull(f, head)
	switch {
	case n == 0:
		return &DamagedError{Path: path, Reason: "it is empty (0 bytes)"}
	case err != nil || !bytes.Equal(head, sqliteHeader):
		return &DamagedError{Path: path, Reason: "it is not a SQLite database"}
	}
	return nil
}

// DamagedError is a store file that cannot be a database. The store
// refuses to start on it rather than start empty.
type DamagedError struct {
	Path, Reason string
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("%s cannot be used: %s; restore it from a backup (selfcheck db backup), or move it away to start with an empty store", e.Path, e.Reason)
}

// Ping checks that the database answers, for readiness (/readyz): a
// query, not only a connection from the pool.
func (d *DB) Ping(ctx context.Context) error {
	var one int
	if err := d.SQL.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("%s: %w", d.Where, err)
	}
	return nil
}
