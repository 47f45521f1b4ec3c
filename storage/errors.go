package storage

import (
	"database/sql/driver"
	"errors"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// SQLite's result codes that say the disk is the problem (sqlite3.h).
const (
	sqliteFull     = 13 // SQLITE_FULL: database or disk is full
	sqliteIOErr    = 10 // SQLITE_IOERR, of which SQLITE_IOERR_WRITE …
	sqliteCantOpen = 14 // SQLITE_CANTOPEN
	sqliteReadOnly = 8  // SQLITE_READONLY
	sqliteNotADB   = 26 // SQLITE_NOTADB
	sqliteCorrupt  = 11 // SQLITE_CORRUPT
)

// Kind says what kind of storage failure an error is, for what users and
// /readyz are told: the details stay in the logs.
type Kind int

// The kinds of storage failure.
const (
	// Other is any other error (a bug, a constraint).
	Other Kind = iota
	// Full: the disk or the database is full; nothing could be written.
	Full
	// Unavailable: the database cannot be reached or opened (PostgreSQL
	// down, a network error, a read-only or missing data directory).
	Unavailable
	// Damaged: the file is not a database, or a damaged one.
	Damaged
)

func (k Kind) String() string {
	return [...]string{"other", "full", "unavailable", "damaged"}[k]
}

// KindOf classifies err, looking through its wrapping: SQLite's result
// codes, PostgreSQL's SQLSTATE classes (53: insufficient resources; 08:
// connection; 57P: the server shutting down), connection and network
// errors, and ENOSPC.
func KindOf(err error) Kind {
	if err == nil {
		return Other
	}
	var de *DamagedError
	if errors.As(err, &de) {
		return Damaged
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqliteFull:
			return Full
		case sqliteCantOpen, sqliteReadOnly, sqliteIOErr:
			if errors.Is(err, syscall.ENOSPC) {
				return Full
			}
			return Unavailable
		case sqliteNotADB, sqliteCorrupt:
			return Damaged
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "53100": // disk_full
			return Full
		case strings.HasPrefix(pe.Code, "08"), strings.HasPrefix(pe.Code, "57P"), pe.Code == "53300": // too_many_connections
			return Unavailable
		}
		return Other
	}
	if errors.Is(err, syscall.ENOSPC) {
		return Full
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	var oe *net.OpError
	if errors.As(err, &ce) || errors.As(err, &oe) || errors.As(err, &ne) || errors.Is(err, syscall.ECONNREFUSED) ||
		pgconn.SafeToRetry(err) || errors.Is(err, driver.ErrBadConn) {
		return Unavailable
	}
	if strings.Contains(err.Error(), "database or disk is full") {
		return Full
	}
	return Other
}
