package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/canned"
	"github.com/selfcheck/selfcheck/usererr"
)

// runCannedTest runs the canned CLI with stdin and returns its output.
func runCannedTest(t *testing.T, dataDir, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = runCanned(t.Context(), args, canned.Config{Dir: dataDir}, nil, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

// mustRun runs the CLI and fails the test on error.
func mustRun(t *testing.T, dataDir, stdin string, args ...string) string {
	t.Helper()
	out, errOut, err := runCannedTest(t, dataDir, stdin, args...)
	if err != nil {
		t.Fatalf("canned %s: %v\nstderr: %s", strings.Join(args, " "), err, errOut)
	}
	return out
}

func TestCannedAddShowListRm(t *testing.T) {
	dir := t.TempDir()

	// Flags after the name, text given as a flag.
	out := mustRun(t, dir, "", "add", "cloud-cert", "--item", "1.3", "--tags", "Cloud, csap", "--text", "CSAP 인증은 필수가 아닙니다.", "--by", "U1")
	if !strings.Contains(out, `saved canned answer "cloud-cert"`) {
		t.Errorf("add: got %q; want a confirmation", out)
	}
	// Flags before the name, text from stdin.
	mustRun(t, dir, "First line\nsecond line\n", "add", "--by", "U2", "data-flow")

	out = mustRun(t, dir, "", "show", "cloud-cert")
	for _, want := range []string{"name:    cloud-cert", "item:    1.3", "tags:    cloud, csap", "by U1", "CSAP 인증은 필수가 아닙니다."} {
		if !strings.Contains(out, want) {
			t.Errorf("show: missing %q in\n%s", want, out)
		}
	}
	if out := mustRun(t, dir, "", "show", "data-flow", "--raw"); out != "First line\nsecond line\n" {
		t.Errorf("show --raw: got %q; want the text alone", out)
	}

	out = mustRun(t, dir, "", "list")
	if !strings.Contains(out, "cloud-cert") || !strings.Contains(out, "First line …") ||
		strings.Index(out, "cloud-cert") > strings.Index(out, "data-flow") {
		t.Errorf("list: got\n%s\nwant both answers sorted by name", out)
	}

	var list []canned.Answer
	out = mustRun(t, dir, "", "list", "--json")
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("list --json: %v\n%s", err, out)
	}
	if len(list) != 2 || list[0].Name != "cloud-cert" || list[1].Text != "First line\nsecond line" {
		t.Errorf("list --json: got %+v", list)
	}

	mustRun(t, dir, "", "rm", "cloud-cert")
	_, _, err := runCannedTest(t, dir, "", "show", "cloud-cert")
	if ue, ok := usererr.As(err); !ok || ue.Code != usererr.NotFound || ue.English != `canned answer "cloud-cert" not found` {
		t.Errorf("show after rm: got %v; want not found", err)
	}
	_, _, err = runCannedTest(t, dir, "", "rm", "cloud-cert")
	if ue, ok := usererr.As(err); !ok || ue.Code != usererr.NotFound || ue.English != `canned answer "cloud-cert" not found` {
		t.Errorf("second rm: got %v; want not found", err)
	}

	emptyDir := t.TempDir()
	if out := mustRun(t, emptyDir, "", "list", "--json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("list --json on an empty store: got %q; want []", out)
	}
}

func TestCannedRefuseOverwrite(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, dir, "", "add", "faq", "--text", "one", "--by", "alice")

	_, _, err := runCannedTest(t, dir, "", "add", "faq", "--text", "two")
	if err == nil || !strings.Contains(err.Error(), "already exists") || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("add existing: got %v; want an error suggesting --force", err)
	}
	if out := mustRun(t, dir, "", "show", "faq", "--raw"); out != "one\n" {
		t.Errorf("after refused add: got %q; want %q", out, "one\n")
	}

	mustRun(t, dir, "", "add", "faq", "--force", "--text", "two", "--by", "bob")
	out := mustRun(t, dir, "", "show", "faq")
	for _, want := range []string{"by alice", "by bob", "\ntwo\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("after --force: missing %q in\n%s", want, out)
		}
	}

	_, _, err = runCannedTest(t, dir, "", "add", "Bad_Name", "--text", "x")
	if err == nil || !strings.Contains(err.Error(), "name:") {
		t.Errorf("add with a bad name: got %v; want a name error", err)
	}
	_, _, err = runCannedTest(t, dir, "  \n", "add", "empty")
	if err == nil || !strings.Contains(err.Error(), "text: must not be empty") {
		t.Errorf("add with empty stdin: got %v; want an empty-text error", err)
	}
}

func TestCannedExportImport(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	mustRun(t, src, "", "add", "a", "--text", "alpha\nbeta", "--tags", "x,y", "--item", "1.2")
	mustRun(t, src, "", "add", "b", "--text", "bravo")

	file := filepath.Join(t.TempDir(), "canned.yaml")
	mustRun(t, src, "", "export", file)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if stdout := mustRun(t, src, "", "export", "-"); stdout != string(data) {
		t.Errorf("export -: got\n%s\nwant the same as the file\n%s", stdout, data)
	}

	out := mustRun(t, dst, "", "import", file)
	if !strings.Contains(out, "2 added") {
		t.Errorf("import: got %q; want 2 added", out)
	}
	if a, b := mustRun(t, src, "", "export", "-"), mustRun(t, dst, "", "export", "-"); a != b {
		t.Errorf("export after import differs:\n%s\nwant\n%s", b, a)
	}

	// Change one answer in the file: refused without --force, nothing written.
	changed := strings.Replace(string(data), "bravo", "bravo two", 1)
	changed = strings.Replace(changed, "- name: a\n", "- name: c\n  text: new\n- name: a\n", 1)
	_, _, err = runCannedTest(t, dst, changed, "import", "-")
	if err == nil || !strings.Contains(err.Error(), "(b)") {
		t.Fatalf("import changed without --force: got %v; want an error naming b", err)
	}
	if _, _, err := runCannedTest(t, dst, "", "show", "c"); err == nil {
		t.Errorf("refused import still added c")
	}
	out = mustRun(t, dst, changed, "import", "-", "--force")
	if !strings.Contains(out, "1 added, 1 updated, 1 unchanged") {
		t.Errorf("import --force: got %q", out)
	}
	if out := mustRun(t, dst, "", "show", "b", "--raw"); out != "bravo two\n" {
		t.Errorf("after import --force: got %q; want %q", out, "bravo two\n")
	}

	// JSON from list --json imports too.
	listed := mustRun(t, src, "", "list", "--json")
	if out := mustRun(t, t.TempDir(), listed, "import", "-"); !strings.Contains(out, "2 added") {
		t.Errorf("import of list --json: got %q", out)
	}

	_, _, err = runCannedTest(t, dst, "- name: Bad\n  text: x\n", "import", "-")
	if err == nil || !strings.Contains(err.Error(), `entry 1 "Bad"`) {
		t.Errorf("import invalid: got %v; want the entry named", err)
	}
	_, _, err = runCannedTest(t, dst, "", "import", filepath.Join(t.TempDir(), "missing.yaml"))
	if err == nil {
		t.Errorf("import missing file: got nil error")
	}
}

func TestCannedUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "missing command"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"add without name", []string{"add", "--text", "x"}, "want 1 argument"},
		{"add two names", []string{"add", "a", "b", "--text", "x"}, "got 2"},
		{"unknown flag", []string{"add", "a", "--bogus"}, "flag provided but not defined"},
		{"flag without value", []string{"add", "a", "--text"}, "needs an argument"},
		{"show without name", []string{"show"}, "usage: selfcheck canned show"},
		{"list with argument", []string{"list", "extra"}, "usage: selfcheck canned list"},
		{"export without file", []string{"export"}, "usage: selfcheck canned export"},
		{"import without file", []string{"import"}, "usage: selfcheck canned import"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			_, _, err := runCannedTest(t, dir, "", tt.args...)
			if !usererr.Is(err) {
				t.Fatalf("got %v (%T); want a user error", err, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %q; want it to contain %q", err, tt.want)
			}
			if _, err := os.Stat(filepath.Join(dir, canned.FileName)); !os.IsNotExist(err) {
				t.Errorf("a usage error created the database (stat: %v)", err)
			}
		})
	}

	// Input the user can fix also exits with the usage status.
	dir := t.TempDir()
	mustRun(t, dir, "", "add", "taken", "--text", "x")
	for _, args := range [][]string{
		{"show", "missing"}, {"rm", "missing"}, {"add", "Bad", "--text", "x"},
		{"add", "taken", "--text", "y"}, {"add", "empty", "--text", " "},
	} {
		_, _, err := runCannedTest(t, dir, "", args...)
		if !usererr.Is(err) {
			t.Errorf("canned %v: got %v (%T); want a user error", args, err, err)
		}
	}
	for _, stdin := range []string{"", "not: [a list", "- name: Bad\n  text: x\n", "- name: taken\n  text: changed\n"} {
		_, _, err := runCannedTest(t, dir, stdin, "import", "-")
		if !usererr.Is(err) {
			t.Errorf("canned import of %q: got %v (%T); want a user error", stdin, err, err)
		}
	}

	for _, args := range [][]string{{"help"}, {"add", "-h"}} {
		out, _, err := runCannedTest(t, t.TempDir(), "", args...)
		if err != nil || !strings.Contains(out, "usage: selfcheck canned") {
			t.Errorf("canned %v: got %q, %v; want usage on stdout and no error", args, out, err)
		}
	}
}
