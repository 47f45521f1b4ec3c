package main

import (
	"archive/zip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/progress"
)

// TestReviewReportFiles: --report writes the review as a file in the
// format its name says, besides the usual output; a name of another kind
// is a usage error before anything is reviewed.
func TestReviewReportFiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"r.docx", "r.md", "r.html"} {
		path := filepath.Join(dir, name)
		out, stderr, code := cli(t, nil, "", "review", "--report", path, "1.2", "../../testdata/drafts/1.2-draft.txt")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, stderr)
		}
		if !strings.Contains(out, "1.2-a") || !strings.Contains(stderr, path) {
			t.Errorf("%s: usual output or the report's path missing:\n%s\n%s", name, out, stderr)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		switch filepath.Ext(name) {
		case ".docx":
			if _, err := zip.NewReader(strings.NewReader(string(data)), int64(len(data))); err != nil {
				t.Errorf("docx is not a zip: %v", err)
			}
		default:
			if !strings.Contains(string(data), "1.2-draft.txt") || !strings.Contains(string(data), "1.2-i") {
				t.Errorf("%s does not name the file and every element", name)
			}
		}
	}
	_, stderr, code := cli(t, nil, "", "review", "--report", filepath.Join(dir, "r.pdf"), "1.2", "../../testdata/drafts/1.2-draft.txt")
	if code != 2 || !strings.Contains(stderr, ".docx, .md or .html") {
		t.Errorf("--report r.pdf: exit %d, %q; want 2 naming the formats", code, stderr)
	}
	_, stderr, code = cli(t, nil, "", "review", "--report", filepath.Join(dir, "no", "such", "r.md"), "1.2", "../../testdata/drafts/1.2-draft.txt")
	if code != 2 {
		t.Errorf("--report into a missing directory: exit %d, %q; want 2", code, stderr)
	}
}

// TestReviewProgress: a second review of an improved draft leads with
// what changed, in text and in JSON (previous), the history holds only
// statuses, and --no-history neither compares nor keeps anything.
func TestReviewProgress(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{"DATA_DIR": data}
	full, err := os.ReadFile("../../testdata/drafts/1.2-draft.txt")
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, l := range strings.Split(string(full), "\n") {
		if !strings.Contains(l, "담당부서") {
			kept = append(kept, l)
		}
	}
	first := filepath.Join(t.TempDir(), "v1.txt")
	if err := os.WriteFile(first, []byte(strings.Join(kept, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := cli(t, env, "", "review", "1.2", first)
	if code != 0 || strings.Contains(out, "지난 검토") {
		t.Fatalf("first review: exit %d, leads with a comparison:\n%s%s", code, out, stderr)
	}
	if !strings.Contains(stderr, "--no-history") {
		t.Errorf("the CLI does not say it keeps the statuses: %q", stderr)
	}
	out, _, _ = cli(t, env, "", "review", "1.2", "../../testdata/drafts/1.2-draft.txt")
	if !strings.HasPrefix(out, "📈 지난 검토보다 1개 좋아졌어요: 1.2-f") {
		t.Errorf("second review does not lead with the change:\n%s", out)
	}
	out, _, _ = cli(t, env, "", "review", "--json", "1.2", "../../testdata/drafts/1.2-draft.txt")
	var got struct {
		Previous *struct {
			At      string `json:"at"`
			Changes []struct{ ID, From, To string }
		} `json:"previous"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || got.Previous == nil || got.Previous.At == "" {
		t.Fatalf("review --json has no previous: %v\n%s", err, out)
	}
	if len(got.Previous.Changes) != 0 {
		t.Errorf("the same draft twice: changes %+v", got.Previous.Changes)
	}
	hist, err := os.ReadFile(filepath.Join(data, progress.FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(full), "\n") {
		if l = strings.TrimSpace(l); len(l) > 3 && strings.Contains(string(hist), l) {
			t.Errorf("the history holds draft text %q", l)
		}
	}
	fresh := map[string]string{"DATA_DIR": t.TempDir()}
	cli(t, fresh, "", "review", "--no-history", "1.2", first)
	out, _, _ = cli(t, fresh, "", "review", "--no-history", "1.2", "../../testdata/drafts/1.2-draft.txt")
	if strings.Contains(out, "지난 검토") {
		t.Errorf("--no-history compared:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(fresh["DATA_DIR"], progress.FileName)); err == nil {
		t.Error("--no-history kept a history file")
	}
}
