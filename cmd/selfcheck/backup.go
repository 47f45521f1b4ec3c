package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/selfcheck/selfcheck/botstate"
	"github.com/selfcheck/selfcheck/canned"
	"github.com/selfcheck/selfcheck/stats"
	"github.com/selfcheck/selfcheck/storage"
)

// pgDumpGuide is what "db backup" says with DATABASE_URL: the shared
// database is backed up with PostgreSQL's own tools, one schema per store.
const pgDumpGuide = `db backup: the stores are in PostgreSQL (DATABASE_URL); back them up with pg_dump, e.g.
  pg_dump --format=custom --schema=canned --schema=stats --schema=botstate --file=selfcheck.dump "$DATABASE_URL"
and restore with pg_restore. The search index in each replica's DATA_DIR is rebuilt by 'selfcheck index'.`

// runBackup copies every SQLite store under DATA_DIR into the new
// directory dir (storage.BackupSQLite: consistent while servers write,
// read back before it counts). A DATA_DIR with no store at all is an
// error, not an empty backup that exits 0.
func runBackup(ctx context.Context, cfg config, dir string, stdout io.Writer) error {
	if cfg.DatabaseURL != "" {
		return usageErr("저장소가 PostgreSQL(DATABASE_URL)에 있어 pg_dump로 백업합니다.", pgDumpGuide)
	}
	if dir == "" {
		return usageErr("백업을 쓸 디렉터리를 적어 주세요.", "db backup: name the directory to write the backup into")
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return usageErr(fmt.Sprintf("%s 디렉터리가 비어 있지 않습니다. 새 디렉터리에 백업해 주세요.", dir), fmt.Sprintf("db backup: %s is not empty; back up into a new directory", dir))
	}
	var found []string
	for _, name := range []string{canned.FileName, stats.FileName, botstate.FileName} {
		if _, err := os.Stat(filepath.Join(cfg.DataDir, name)); err == nil {
			found = append(found, name)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("db backup: %w", err)
		}
	}
	if len(found) == 0 {
		return settingErr(fmt.Sprintf("DATA_DIR=%s 에 저장소가 없습니다. 서버의 DATA_DIR을 지정해 주세요.", cfg.DataDir),
			fmt.Sprintf("db backup: no store in DATA_DIR=%s (canned.db, stats.db, botstate.db): set DATA_DIR to the server's", cfg.DataDir))
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("db backup: %w", err)
	}
	for _, name := range found {
		dst := filepath.Join(dir, name)
		if err := storage.BackupSQLite(ctx, filepath.Join(cfg.DataDir, name), dst); err != nil {
			return fmt.Errorf("db backup: %w", err)
		}
		info, err := os.Stat(dst)
		if err != nil {
			return fmt.Errorf("db backup: %w", err)
		}
		fmt.Fprintf(stdout, "%s → %s (%d bytes)\n", filepath.Join(cfg.DataDir, name), dst, info.Size())
	}
	fmt.Fprintf(stdout, "저장소 3개 중 %d개를 백업했습니다. 되돌리려면 서버를 멈추고 파일을 DATA_DIR에 다시 복사하세요. (backed up %d of 3 stores; to restore, stop the server and copy the files back into DATA_DIR)\n", len(found), len(found))
	return nil
}
