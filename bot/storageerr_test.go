package bot

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/canned"
	"github.com/selfcheck/selfcheck/storage"
)

// brokenWriter is a canned store whose saves fail with err, as its
// database would.
type brokenWriter struct {
	*canned.Store
	err error
}

func (w brokenWriter) Save(context.Context, canned.Answer, canned.SaveOptions) (canned.Answer, error) {
	return canned.Answer{}, fmt.Errorf("save canned answer: %w", w.err)
}

// realFullError is the error SQLite gives when its file can grow no more.
func realFullError(t *testing.T) error {
	t.Helper()
	db, err := storage.Open(t.Context(), storage.Target{SQLiteDSN: storage.FileDSN(filepath.Join(t.TempDir(), "full.db"), ""), SQLitePath: "full.db"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SQL.SetMaxOpenConns(1)
	db.SQL.Exec(`CREATE TABLE t (v TEXT)`)
	db.SQL.Exec(`PRAGMA max_page_count = 8`)
	for range 100 {
		if _, err := db.SQL.Exec(`INSERT INTO t VALUES (?)`, strings.Repeat("x", 4000)); err != nil {
			return err
		}
	}
	t.Fatal("no full error")
	return nil
}

// Staff whose save hits a full disk or an unreachable database are told
// so, not "could not process"; the failure is logged at error level with
// its kind.
func TestStorageFailuresToldToStaff(t *testing.T) {
	_, down := storage.Open(t.Context(), storage.Target{URL: "postgres://selfcheck@127.0.0.1:1/selfcheck?connect_timeout=2", Schema: "canned"})
	tests := []struct {
		name, want, kind string
		err              error
	}{
		{"disk full", textStorageFull, "full", realFullError(t)},
		{"PostgreSQL unreachable", textStorageUnavailable, "unavailable", down},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch := newCannedHarness(t, func(c *Config) { c.CannedWriter = brokenWriter{c.Canned.(*canned.Store), tt.err} })
			status, ack := ch.slashAs(t, staffID, "canned save faq-9 클라우드 인증서 제출 안내", ch.resp.url("r"))
			if status != http.StatusOK {
				t.Fatalf("status %d", status)
			}
			ch.settle(t)
			all := ack.Text + blockTexts(ack.Blocks)
			for _, p := range ch.resp.all() {
				all += blockTexts(p.Blocks)
			}
			if !strings.Contains(all, tt.want) || strings.Contains(all, "요청을 처리하지 못했어요") {
				t.Errorf("reply %q; want %q", all, tt.want)
			}
			if logs := ch.logs.String(); !strings.Contains(logs, `"level":"ERROR"`) || !strings.Contains(logs, `"storage":"`+tt.kind+`"`) {
				t.Errorf("logs lack an error with storage=%s:\n%s", tt.kind, logs)
			}
		})
	}
}
