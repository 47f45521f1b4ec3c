package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/progress"
)

// TestServeReviewHistory: serve's review history (the statistics store)
// finds a user's previous review of an item, staff see the user as
// having reviewed again, and STATS=off turns the history off and deletes
// what was kept.
func TestServeReviewHistory(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	open := func(env map[string]string) (func(), any) {
		cfg, err := loadConfig(envOf(env))
		if err != nil {
			t.Fatal(err)
		}
		st, closeStats, err := openStats(ctx, cfg, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		return closeStats, reviewHistoryOf(st)
	}
	first := knowledge.Report{Item: "1.2", Elements: []knowledge.ElementResult{{ID: "1.2-c", Status: knowledge.StatusMissing}, {ID: "1.2-f", Status: knowledge.StatusPartial}}}
	second := knowledge.Report{Item: "1.2", Elements: []knowledge.ElementResult{{ID: "1.2-c", Status: knowledge.StatusMissing}, {ID: "1.2-f", Status: knowledge.StatusPresent}}}

	closeStats, h := open(map[string]string{"DATA_DIR": dir})
	hist := h.(reviewHistory)
	if err := hist.Remember(ctx, "U1", progress.Of(first, time.Now())); err != nil {
		t.Fatal(err)
	}
	closeStats() // flushes
	closeStats, h = open(map[string]string{"DATA_DIR": dir})
	hist = h.(reviewHistory)
	prev, ok, err := hist.Previous(ctx, "U1", "1.2")
	if err != nil || !ok {
		t.Fatalf("previous review not found: %v", err)
	}
	if got := progress.Compare(prev, second).Lead(); !strings.HasPrefix(got, "지난 검토보다 1개 좋아졌어요: 1.2-f 일부 → 충족") {
		t.Errorf("lead %q", got)
	}
	if _, ok, _ := hist.Previous(ctx, "U2", "1.2"); ok {
		t.Error("another user's review was found")
	}
	if err := hist.Remember(ctx, "U1", progress.Of(second, time.Now())); err != nil {
		t.Fatal(err)
	}
	closeStats()
	out, stderr, code := cli(t, map[string]string{"DATA_DIR": dir}, "", "stats")
	if code != 0 || !strings.Contains(out, "다시 검토한 신청자 1명") || !strings.Contains(out, "1.2-c   누락 1 → 1") {
		t.Errorf("stats: exit %d %s\n%s", code, stderr, out)
	}

	closeStats, h = open(map[string]string{"DATA_DIR": dir, "STATS": "off"})
	closeStats()
	if h != nil {
		t.Error("STATS=off still has a review history")
	}
	closeStats, h = open(map[string]string{"DATA_DIR": dir})
	defer closeStats()
	if _, ok, _ := h.(reviewHistory).Previous(ctx, "U1", "1.2"); ok {
		t.Error("STATS=off did not delete the kept reviews")
	}
}
