package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
)

// sqliteHeader starts every SQLite database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// checkSQLiteFile refuses a file that exists but is no SQLite database:
// SQLite would take a 0-byte file for a new, empty database, and a store
// would start silently without its data (a truncated copy, a full disk
// while restoring); another file fails later with a less clear message.
// A missing file is fine: it is created. A 0-byte file is looked at again
// for up to emptyGrace, since another process opening the same new store
// at the same moment has created it and is about to write its header.
func checkSQLiteFile(path string) error {
	deadline := time.Now().Add(emptyGrace)
	for {
		n, ok, err := readHeader(path)
		switch {
		case err != nil:
			return err
		case !ok:
			return &DamagedError{Path: path, Reason: "it is not a SQLite database"}
		case n > 0 || n < 0:
			return nil
		case time.Now().After(deadline):
			return &DamagedError{Path: path, Reason: "it is empty (0 bytes)"}
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// emptyGrace is how long a 0-byte store file may take to become a
// database (see checkSQLiteFile).
const emptyGrace = 1500 * time.Millisecond

// readHeader reads the start of the file at path: n is how many bytes it
// read (-1 for no file), ok whether they are SQLite's header (or none).
func readHeader(path string) (n int, ok bool, err error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return -1, true, nil
	}
	if err != nil {
		return 0, false, err
	}
	defer f.Close()
	head := make([]byte, len(sqliteHeader))
	n, err = io.ReadFull(f, head)
	if n == 0 {
		return 0, true, nil
	}
	return n, err == nil && bytes.Equal(head, sqliteHeader), nil
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
