package stats

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/selfcheck/selfcheck/storage"
	"github.com/selfcheck/selfcheck/storage/storagetest"
)

// clock is a settable clock for retention tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func openTest(t *testing.T, cfg Config, c *clock, retention time.Duration) *Store {
	t.Helper()
	cfg.Now, cfg.Retention = c.now, retention
	s, err := Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var today = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// TestReportCountsScriptedEvents: a day of a bot's traffic, scripted,
// comes out as the counts staff read.
func TestReportCountsScriptedEvents(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := t.Context()
		c := &clock{t: today.AddDate(0, 0, -1)}
		s := openTest(t, place(), c, 0)
		// yesterday
		must(t, s.RecordAsk(ctx, Ask{Item: "1.3", Kind: "guidance", Outcome: OutcomeAnswered}))
		must(t, s.RecordReview(ctx, Review{Item: "1.2", Elements: map[string]string{"1.2-a": "present", "1.2-c": "missing", "1.2-f": "partial"}}))
		c.set(today)
		for range 3 {
			must(t, s.RecordAsk(ctx, Ask{Item: "1.3", Kind: "guidance", Outcome: OutcomeAnswered}))
		}
		must(t, s.RecordAsk(ctx, Ask{Item: "3.2", Kind: "canned", Outcome: OutcomeAnswered}))
		must(t, s.RecordAsk(ctx, Ask{Item: "1.3", Kind: "guidance", Outcome: OutcomeWeak, Masked: "환불 받을 수 있나요?"}))
		must(t, s.RecordAsk(ctx, Ask{Item: "", Kind: "no_match", Outcome: OutcomeUnanswered, Masked: "담당자 [전화번호]로 연락 주세요"}))
		must(t, s.RecordAsk(ctx, Ask{Item: "1.4", Kind: "no_guidance", Outcome: OutcomeUnanswered, Masked: "1.4는 뭘 쓰나요?"}))
		// An answered question never keeps its text, even if given one.
		must(t, s.RecordAsk(ctx, Ask{Item: "1.3", Kind: "guidance", Outcome: OutcomeAnswered, Masked: "should not be kept"}))
		must(t, s.RecordReview(ctx, Review{Item: "1.2", Elements: map[string]string{"1.2-a": "missing", "1.2-c": "missing", "1.2-f": "present"}}))
		must(t, s.RecordReview(ctx, Review{Item: "1.3", Elements: map[string]string{"1.3-d": "partial"}}))
		must(t, s.RecordFeedback(ctx, Feedback{Item: "1.3", Kind: "guidance", Helpful: true}))
		must(t, s.RecordFeedback(ctx, Feedback{Item: "1.3", Kind: "guidance", Helpful: false}))
		must(t, s.RecordFeedback(ctx, Feedback{Item: "1.3", Kind: "guidance", Helpful: true, Changed: true})) // the 👎 becomes 👍
		must(t, s.RecordFeedback(ctx, Feedback{Item: "3.2", Kind: "canned", Helpful: false}))
		must(t, s.RecordEscalation(ctx, Escalation{Item: "1.3"}))
		must(t, s.RecordEscalation(ctx, Escalation{Item: "1.3"}))
		must(t, s.RecordEscalation(ctx, Escalation{Item: "1.3", Resolved: true}))
		must(t, s.Flush(ctx))

		r, err := s.Report(ctx, 7)
		must(t, err)
		if q := r.Question; q.Total != 9 || q.Answered != 6 || q.Weak != 1 || q.Unanswered != 2 {
			t.Errorf("questions %+v; want 9 total, 6 answered, 1 weak, 2 unanswered", q)
		}
		if len(r.ByItem) == 0 || r.ByItem[0].Item != "1.3" || r.ByItem[0].Total != 6 || r.ByItem[0].Weak != 1 {
			t.Errorf("by item %+v; want 1.3 first with 6 questions, 1 weak", r.ByItem)
		}
		if len(r.ByDay) != 2 || r.ByDay[0].Questions != 1 || r.ByDay[1].Questions != 8 || r.ByDay[1].Day != "2026-12-01" {
			t.Errorf("by day %+v; want 1 yesterday, 8 on 2026-12-01", r.ByDay)
		}
		if r.ByKind["canned"] != 1 || r.ByKind["guidance"] != 6 || r.ByKind["no_match"] != 1 {
			t.Errorf("by kind %v", r.ByKind)
		}
		if len(r.Reviews) != 2 || r.Reviews[0].Item != "1.2" || r.Reviews[0].Reviews != 2 {
			t.Fatalf("reviews %+v; want 1.2 reviewed twice, then 1.3", r.Reviews)
		}
		els := r.Reviews[0].Elements
		if len(els) != 3 || els[0] != (ElementMisses{Element: "1.2-c", Missing: 2}) {
			t.Errorf("1.2 elements %+v; want 1.2-c missing twice first, then 1.2-a and 1.2-f", els)
		}
		want := []FeedbackCount{{Item: "1.3", Kind: "guidance", Up: 2, Down: 0}, {Item: "3.2", Kind: "canned", Up: 0, Down: 1}}
		if len(r.Feedback) != 2 || r.Feedback[0] != want[0] || r.Feedback[1] != want[1] {
			t.Errorf("feedback %+v; want %+v", r.Feedback, want)
		}
		if len(r.Escalations) != 1 || r.Escalations[0] != (EscalationCount{Item: "1.3", Opened: 2, Resolved: 1}) {
			t.Errorf("escalations %+v; want 1.3 opened 2, resolved 1", r.Escalations)
		}
		if r.KeptQuestions != 3 {
			t.Errorf("kept questions %d; want 3 (weak and unanswered only)", r.KeptQuestions)
		}
		qs, err := s.Unanswered(ctx, 7)
		must(t, err)
		if len(qs) != 3 || qs[0].Text != "1.4는 뭘 쓰나요?" || qs[2].Outcome != OutcomeWeak {
			t.Errorf("unanswered %+v; want the three kept questions, newest first", qs)
		}
		for _, q := range qs {
			if strings.Contains(q.Text, "should not") {
				t.Errorf("an answered question's text was kept: %q", q.Text)
			}
		}
		// --days 1 is today only.
		if r1, _ := s.Report(ctx, 1); r1.Question.Total != 8 || len(r1.Reviews) != 2 || r1.Reviews[0].Reviews != 1 {
			t.Errorf("today only: %d questions, reviews %+v; want 8 and 1.2 once", r1.Question.Total, r1.Reviews)
		}
	})
}

func TestRetentionDeletesOldQuestions(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := t.Context()
		cfg := place()
		c := &clock{t: today.AddDate(0, 0, -40)}
		s := openTest(t, cfg, c, 30*24*time.Hour)
		must(t, s.RecordAsk(ctx, Ask{Kind: "no_match", Outcome: OutcomeUnanswered, Masked: "forty days ago"}))
		must(t, s.Flush(ctx))
		c.set(today.AddDate(0, 0, -10))
		must(t, s.RecordAsk(ctx, Ask{Kind: "no_match", Outcome: OutcomeUnanswered, Masked: "ten days ago"}))
		must(t, s.Flush(ctx))
		c.set(today)
		// Not shown even before the purge has run ...
		qs, err := s.Unanswered(ctx, 365)
		must(t, err)
		if len(qs) != 1 || qs[0].Text != "ten days ago" {
			t.Errorf("before the purge: %+v; want only the question within 30 days", qs)
		}
		// ... and deleted from the file by it (on open, and hourly after).
		n, err := s.Purge(ctx)
		must(t, err)
		if n != 1 {
			t.Errorf("purge deleted %d; want 1", n)
		}
		var left int
		must(t, s.db.SQL.QueryRowContext(ctx, `SELECT count(*) FROM questions WHERE text = 'forty days ago'`).Scan(&left))
		if left != 0 {
			t.Errorf("an expired question is still in the table")
		}
		// The counts stay: only the texts expire.
		r, err := s.Report(ctx, 60)
		must(t, err)
		if r.Question.Unanswered != 2 {
			t.Errorf("unanswered count %d after the purge; want 2", r.Question.Unanswered)
		}
		// Reopening purges as well.
		c.set(today.AddDate(0, 0, 25))
		s.Close()
		// Overwritten, not just unlinked (secure_delete). PostgreSQL keeps a
		// dead row until VACUUM: docs/replicas.md says so.
		if raw, _ := os.ReadFile(filepath.Join(cfg.Dir, FileName)); bytes.Contains(raw, []byte("forty days ago")) {
			t.Errorf("an expired question's text is still in the file's bytes")
		}
		s2 := openTest(t, cfg, c, 30*24*time.Hour)
		if qs, _ := s2.Unanswered(ctx, 365); len(qs) != 0 {
			t.Errorf("after 35 days: %+v; want none", qs)
		}
	})
}

// Recording never blocks: with the writer stuck, a full queue drops.
func TestRecordNeverBlocks(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := t.Context()
		c := &clock{t: today}
		s := openTest(t, place(), c, 0)
		// Hold the write lock (SQLite's, or the advisory lock replicas take
		// turns on) on another connection so the writer waits.
		conn, err := s.db.SQL.Conn(ctx)
		must(t, err)
		tx, err := conn.BeginTx(ctx, nil)
		must(t, err)
		if s.Backend() == storage.Postgres {
			_, err = tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(writeLock))
			must(t, err)
		}
		// The loop must finish while the lock is held: a RecordAsk that
		// waited for the writer would never return (and go test's
		// -timeout would say where it hangs).
		dropped := 0
		for range queueSize + 1000 {
			if err := s.RecordAsk(ctx, Ask{Kind: "guidance", Outcome: OutcomeAnswered}); err == ErrQueueFull {
				dropped++
			}
		}
		if dropped == 0 {
			t.Errorf("no event dropped with the writer stuck and %d queued", queueSize+100)
		}
		tx.Rollback()
		conn.Close()
		must(t, s.Flush(ctx))
		s.Close()
		if err := s.RecordAsk(ctx, Ask{}); err != ErrClosed {
			t.Errorf("record after Close: %v; want ErrClosed", err)
		}
	})
}

// eachBackend runs a contract test once per backend; place returns a new,
// empty place for the statistics each time (see canned's eachBackend).
func eachBackend(t *testing.T, f func(t *testing.T, place func() Config)) {
	t.Run("sqlite", func(t *testing.T) {
		f(t, func() Config { return Config{Dir: t.TempDir()} })
	})
	t.Run("postgres", func(t *testing.T) {
		url := storagetest.URL(t)
		f(t, func() Config {
			return Config{Dir: t.TempDir(), DatabaseURL: url, PGSchema: storagetest.Schema(t, url)}
		})
	})
}

// Two replicas counting into one database: the report adds up both, no
// count lost to their batches meeting on the same rows.
func TestReplicasAddUp(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := t.Context()
		cfg := place()
		c := &clock{t: today}
		a, b := openTest(t, cfg, c, 0), openTest(t, cfg, c, 0)
		const each = 300
		var wg sync.WaitGroup
		for _, s := range []*Store{a, b} {
			wg.Go(func() {
				// t.Fatal belongs to the test's goroutine: report and stop.
				for i := range each {
					if err := errors.Join(
						s.RecordAsk(ctx, Ask{Item: "1.3", Kind: "guidance", Outcome: OutcomeAnswered}),
						s.RecordReview(ctx, Review{Item: "1.2", Elements: map[string]string{"1.2-a": "missing", "1.2-c": "partial", "1.2-f": "missing"}}),
					); err != nil {
						t.Error(err)
						return
					}
					if i%50 == 0 {
						if err := s.Flush(ctx); err != nil {
							t.Error(err)
							return
						}
					}
				}
				if err := s.Flush(ctx); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		r, err := a.Report(ctx, 1)
		must(t, err)
		if r.Question.Total != 2*each || len(r.Reviews) != 1 || r.Reviews[0].Reviews != 2*each {
			t.Fatalf("%d questions, reviews %+v; want %d of each", r.Question.Total, r.Reviews, 2*each)
		}
		for _, el := range r.Reviews[0].Elements {
			if el.Missing+el.Partial != 2*each {
				t.Errorf("element %+v; want %d misses", el, 2*each)
			}
		}
	})
}
