package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// 'selfcheck db backup DIR' copies every store that exists into DIR, the
// copy reads back (the answers are there), and it refuses what would make
// a backup that looks fine but holds nothing.
func TestDBBackup(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{"DATA_DIR": data}
	cli := func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := run(t.Context(), args, envOf(env), strings.NewReader(""), &out, &errb)
		return out.String() + errb.String(), err
	}
	if out, err := cli("db", "backup", filepath.Join(t.TempDir(), "b0")); err == nil || exitCode(err, &bytes.Buffer{}) != 2 || !strings.Contains(err.Error(), "no store") {
		t.Errorf("backup of an empty DATA_DIR: %v %s; want exit 2, no store", err, out)
	}
	if _, err := cli("canned", "add", "cloud-cert", "--text", "보안인증서를 제출하면 1.2~1.5는 작성하지 않아도 됩니다."); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "backup-1")
	out, err := cli("db", "backup", dir)
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	if !strings.Contains(out, "canned.db") {
		t.Errorf("backup said:\n%s\nwant the canned answers named", out)
	}
	// The backup is a DATA_DIR of its own.
	env["DATA_DIR"] = dir
	if got, err := cli("canned", "show", "cloud-cert"); err != nil || !strings.Contains(got, "보안인증서를 제출하면") {
		t.Errorf("canned show from the backup: %v\n%s", err, got)
	}
	env["DATA_DIR"] = data
	if _, err := cli("db", "backup", dir); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("backup into a used directory: %v; want a refusal", err)
	}
	env["DATABASE_URL"] = "postgres://selfcheck@db.internal:5432/selfcheck"
	if out, err := cli("db", "backup", filepath.Join(t.TempDir(), "b2")); err == nil || exitCode(err, &bytes.Buffer{}) != 2 || !strings.Contains(err.Error(), "pg_dump") {
		t.Errorf("backup with DATABASE_URL: %v %s; want pg_dump guidance, exit 2", err, out)
	}
}

// A canned.db that is empty or no database refuses to start, saying why,
// rather than start with no answers.
func TestDamagedStoreRefused(t *testing.T) {
	for name, content := range map[string][]byte{"empty": {}, "not a database": []byte("name,text\ncloud-cert,…\n")} {
		t.Run(name, func(t *testing.T) {
			data := t.TempDir()
			if err := os.WriteFile(filepath.Join(data, "canned.db"), content, 0o600); err != nil {
				t.Fatal(err)
			}
			var out, errb bytes.Buffer
			err := run(t.Context(), []string{"canned", "list"}, envOf(map[string]string{"DATA_DIR": data}), strings.NewReader(""), &out, &errb)
			if err == nil || !strings.Contains(err.Error(), "canned.db cannot be used") {
				t.Errorf("canned list on a %s canned.db: %v; want a refusal with the reason", name, err)
			}
		})
	}
}
