package storage

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// BackupSQLite copies the SQLite database at src into a new file dst with
// VACUUM INTO: a consistent copy taken while servers keep writing (it is
// one read transaction), compacted. dst must not exist. The copy is then
// opened and checked (PRAGMA quick_check), so that a backup that cannot be
// read back is an error now rather than at the restore.
func BackupSQLite(ctx context.Context, src, dst string) error {
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("back up %s: %s already exists", src, dst)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("back up %s: %w", src, err)
	}
	if err := checkSQLiteFile(src); err != nil {
		return fmt.Errorf("back up: %w", err)
	}
	db, err := Open(ctx, Target{SQLiteDSN: FileDSN(src, "_pragma=busy_timeout(10000)"), SQLitePath: src})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.SQL.ExecContext(ctx, "VACUUM INTO ?", dst); err != nil {
		return fmt.Errorf("back up %s to %s: %w", src, dst, err)
	}
	copyDB, err := Open(ctx, Target{SQLiteDSN: FileDSN(dst, "_pragma=busy_timeout(10000)"), SQLitePath: dst})
	if err != nil {
		return err
	}
	defer copyDB.Close()
	var check string
	if err := copyDB.SQL.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&check); err != nil {
		return fmt.Errorf("backup %s does not read back: %w", dst, err)
	}
	if check != "ok" {
		return fmt.Errorf("backup %s does not read back: %s", dst, check)
	}
	return nil
}
