package stats

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/storage"
)

// TestReviewHistory: a user's latest review of an item is found again,
// by that user only, within the period asked and the retention; replicas
// sharing a database share the secret that hashes the users; STATS=off
// (ForgetReviews) deletes every kept review.
func TestReviewHistory(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := t.Context()
		cfg := place()
		c := &clock{t: today}
		a := openTest(t, cfg, c, 30*24*time.Hour)
		must(t, a.RememberReview(ctx, "U0AAA", "1.2", map[string]string{"1.2-a": "missing", "1.2-f": "partial"}))
		c.set(today.Add(time.Hour))
		must(t, a.RememberReview(ctx, "U0AAA", "1.2", map[string]string{"1.2-a": "present", "1.2-f": "partial"}))
		must(t, a.RememberReview(ctx, "U0BBB", "1.3", map[string]string{"1.3-a": "present"}))
		must(t, a.Flush(ctx))

		b := openTest(t, cfg, c, 30*24*time.Hour) // a replica, or the next start
		at, st, ok, err := b.LastReview(ctx, "U0AAA", "1.2", today.AddDate(0, 0, -30))
		must(t, err)
		if !ok || st["1.2-a"] != "present" || !at.Equal(today.Add(time.Hour)) {
			t.Errorf("latest review = %v %v ok=%v; want the second one", at, st, ok)
		}
		if _, _, ok, _ := b.LastReview(ctx, "U0BBB", "1.2", today.AddDate(0, 0, -30)); ok {
			t.Error("another user's review of the item was found")
		}
		if _, _, ok, _ := b.LastReview(ctx, "U0AAA", "1.2", today.Add(2*time.Hour)); ok {
			t.Error("a review before the period asked was found")
		}
		c.set(today.AddDate(0, 0, 31))
		if _, _, ok, _ := b.LastReview(ctx, "U0AAA", "1.2", time.Time{}); ok {
			t.Error("a review past the retention was found before the purge")
		}
		n, err := b.Purge(ctx)
		must(t, err)
		var left int
		must(t, b.db.SQL.QueryRowContext(ctx, `SELECT count(*) FROM review_history`).Scan(&left))
		if left != 0 {
			t.Errorf("%d reviews left after the retention's purge (purged %d)", left, n)
		}
		c.set(today)
		must(t, b.RememberReview(ctx, "U0AAA", "1.2", map[string]string{"1.2-a": "present"}))
		must(t, b.Flush(ctx))
		if n, err := b.ForgetReviews(ctx); err != nil || n != 1 {
			t.Errorf("ForgetReviews = %d, %v; want 1 deleted", n, err)
		}
	})
}

// TestReportProgress: staff see how many applicants reviewed again and,
// per element, how many had it missing first and last.
func TestReportProgress(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := t.Context()
		c := &clock{t: today.AddDate(0, 0, -2)}
		s := openTest(t, place(), c, 0)
		// U1 improves 1.2-a and 1.2-c over three reviews; U2 reviews 1.2
		// once (not counted); U3 improves nothing on 1.3.
		must(t, s.RememberReview(ctx, "U1", "1.2", map[string]string{"1.2-a": "missing", "1.2-c": "missing"}))
		must(t, s.RememberReview(ctx, "U2", "1.2", map[string]string{"1.2-a": "missing", "1.2-c": "missing"}))
		must(t, s.RememberReview(ctx, "U3", "1.3", map[string]string{"1.3-d": "missing"}))
		c.set(today.AddDate(0, 0, -1))
		must(t, s.RememberReview(ctx, "U1", "1.2", map[string]string{"1.2-a": "present", "1.2-c": "missing"}))
		c.set(today)
		must(t, s.RememberReview(ctx, "U1", "1.2", map[string]string{"1.2-a": "present", "1.2-c": "partial"}))
		must(t, s.RememberReview(ctx, "U3", "1.3", map[string]string{"1.3-d": "missing"}))
		must(t, s.Flush(ctx))
		r, err := s.Report(ctx, 7)
		must(t, err)
		if r.ReviewedAgain != 2 {
			t.Errorf("reviewed again: %d applicants, want 2", r.ReviewedAgain)
		}
		want := []ItemProgress{
			{Item: "1.2", Applicants: 1, Elements: []ElementProgress{{"1.2-a", 1, 0}, {"1.2-c", 1, 0}}},
			{Item: "1.3", Applicants: 1, Elements: []ElementProgress{{"1.3-d", 1, 1}}},
		}
		if len(r.Progress) != len(want) {
			t.Fatalf("progress %+v, want %+v", r.Progress, want)
		}
		for i := range want {
			if r.Progress[i].Item != want[i].Item || r.Progress[i].Applicants != want[i].Applicants ||
				len(r.Progress[i].Elements) != len(want[i].Elements) {
				t.Errorf("progress[%d] = %+v, want %+v", i, r.Progress[i], want[i])
				continue
			}
			for j, e := range want[i].Elements {
				if r.Progress[i].Elements[j] != e {
					t.Errorf("%s: %+v, want %+v", want[i].Item, r.Progress[i].Elements[j], e)
				}
			}
		}
		// A shorter period that holds only the last day: nobody reviewed
		// twice in it.
		r, err = s.Report(ctx, 1)
		must(t, err)
		if r.ReviewedAgain != 0 || len(r.Progress) != 0 {
			t.Errorf("one day: reviewed again %d, progress %+v; want none", r.ReviewedAgain, r.Progress)
		}
	})
}

// TestNoDraftTextInDatabase reviews the sample drafts as the bot does,
// counts them and keeps their statuses for the comparison, then searches
// the whole database (the SQLite file and its WAL, or every row of every
// PostgreSQL table of the schema) for every line of every draft, and for
// the user's ID: none may be there.
func TestNoDraftTextInDatabase(t *testing.T) {
	kb, err := knowledge.Load(knowledge.Embedded())
	must(t, err)
	e, err := engine.New(engine.Config{Knowledge: kb})
	must(t, err)
	paths, _ := filepath.Glob("../testdata/drafts/*.txt")
	if len(paths) == 0 {
		t.Fatal("no sample drafts")
	}
	const user = "U0SECRETUSER"
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := t.Context()
		cfg := place()
		s := openTest(t, cfg, &clock{t: today}, 0)
		var lines []string
		for _, p := range paths {
			data, err := os.ReadFile(p)
			must(t, err)
			item, _, _ := strings.Cut(filepath.Base(p), "-")
			rep, err := e.Review(ctx, item, string(data))
			must(t, err)
			st := map[string]string{}
			for _, el := range rep.Elements {
				st[el.ID] = string(el.Status)
			}
			must(t, s.RecordReview(ctx, Review{Item: rep.Item, Elements: st}))
			must(t, s.RememberReview(ctx, user, rep.Item, st))
			for _, l := range strings.Split(knowledge.Normalize(string(data)), "\n") {
				if l = strings.TrimSpace(l); l != "" {
					lines = append(lines, l)
				}
			}
		}
		must(t, s.Flush(ctx))
		var content []byte
		if cfg.DatabaseURL == "" {
			must(t, s.Close())
			for _, suffix := range []string{"", "-wal", "-journal"} {
				b, _ := os.ReadFile(filepath.Join(cfg.Dir, FileName+suffix))
				content = append(content, b...)
			}
		} else {
			content = allRows(t, ctx, s.db)
		}
		if len(content) == 0 {
			t.Fatal("nothing read from the database")
		}
		for _, l := range append(lines, user) {
			if bytes.Contains(content, []byte(l)) {
				t.Errorf("the database holds %q", l)
			}
		}
	})
}

// allRows is every row of every table in the store's schema, as text.
func allRows(t *testing.T, ctx context.Context, db *storage.DB) []byte {
	rows, err := db.SQL.QueryContext(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`)
	must(t, err)
	var tables []string
	for rows.Next() {
		var n string
		must(t, rows.Scan(&n))
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) < 5 {
		t.Fatalf("only %d tables in the schema", len(tables))
	}
	var out []byte
	for _, tb := range tables {
		rs, err := db.SQL.QueryContext(ctx, `SELECT t::text FROM "`+tb+`" t`)
		must(t, err)
		for rs.Next() {
			var v sql.NullString
			must(t, rs.Scan(&v))
			out = append(append(out, v.String...), '\n')
		}
		rs.Close()
	}
	return out
}
