package main

import (
	"bytes"
	"maps"
	"os"
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/storage/storagetest"
)

// 'selfcheck db status' shows the backend and each store's version as it
// is, without creating anything; a store appears once something made it.
func TestDBStatus(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			env := map[string]string{"DATA_DIR": t.TempDir()}
			if backend == "postgres" {
				env["DATABASE_URL"] = storagetest.Database(t, storagetest.URL(t))
			}
			status := func() string {
				t.Helper()
				var out, errb bytes.Buffer
				if err := run(t.Context(), []string{"db", "status"}, envOf(env), strings.NewReader(""), &out, &errb); err != nil {
					t.Fatalf("db status: %v", err)
				}
				return out.String()
			}
			before := status()
			if backend == "postgres" {
				docSampleMatches(t, before)
			}
			if !strings.Contains(before, "backend: "+backend) || strings.Count(before, "not created yet") != 3 {
				t.Errorf("before anything ran:\n%s\nwant backend %s and three stores not created", before, backend)
			}
			if strings.Count(status(), "not created yet") != 3 {
				t.Error("db status created a store")
			}
			var out, errb bytes.Buffer
			if err := run(t.Context(), []string{"canned", "add", "faq-1", "--text", "x"}, envOf(env), strings.NewReader(""), &out, &errb); err != nil {
				t.Fatal(err)
			}
			after := status()
			line := ""
			for l := range strings.Lines(after) {
				if strings.HasPrefix(l, "canned ") {
					line = l
				}
			}
			if !strings.Contains(line, "current") || strings.Count(after, "not created yet") != 2 {
				t.Errorf("after a canned add:\n%s\nwant canned current, the others not created", after)
			}
		})
	}
}

// docSampleMatches checks the sample output of db status in
// docs/replicas.md against the real one: the latest version of each store
// is the one this program migrates to.
func docSampleMatches(t *testing.T, real string) {
	t.Helper()
	doc, err := os.ReadFile("../../docs/replicas.md")
	if err != nil {
		t.Fatal(err)
	}
	_, sample, _ := strings.Cut(string(doc), "$ selfcheck db status\n")
	sample, _, _ = strings.Cut(sample, "```")
	latest := func(out string) map[string]string {
		m := map[string]string{}
		for l := range strings.Lines(out) {
			if f := strings.Fields(l); len(f) >= 3 && f[0] != "STORE" && f[0] != "backend:" {
				m[f[0]] = f[2]
			}
		}
		return m
	}
	want, got := latest(real), latest(sample)
	if len(got) != 3 || !maps.Equal(got, want) {
		t.Errorf("docs/replicas.md shows latest versions %v; db status says %v", got, want)
	}
}

// A DATABASE_URL that is not PostgreSQL's is a usage error naming the
// variable, never echoing the URL (it may carry a password).
func TestDatabaseURLChecked(t *testing.T) {
	for _, u := range []string{"mysql://u:hunter2pw@db/x", "db.internal:5432/selfcheck?password=hunter2pw"} {
		var out, errb bytes.Buffer
		err := run(t.Context(), []string{"db", "status"}, envOf(map[string]string{"DATA_DIR": t.TempDir(), "DATABASE_URL": u}), strings.NewReader(""), &out, &errb)
		if err == nil || exitCode(err, &errb) != 2 || !strings.Contains(err.Error(), "DATABASE_URL") {
			t.Errorf("DATABASE_URL=%q: %v; want a usage error naming DATABASE_URL", u, err)
			continue
		}
		if strings.Contains(err.Error(), "hunter2pw") {
			t.Errorf("the error echoes the password: %v", err)
		}
	}
}
