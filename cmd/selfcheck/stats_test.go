package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/stats"
)

// serveEngine builds the engine the way serve does, statistics included,
// from the environment env.
func serveEngine(t *testing.T, env map[string]string) (*engine.Engine, func()) {
	t.Helper()
	cfg, err := loadConfig(envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	st, closeStats, err := openStats(context.Background(), cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	e, _, err := newEngine(context.Background(), cfg, log, true, nil, recorder(st))
	if err != nil {
		t.Fatal(err)
	}
	return e, closeStats
}

func TestStatsAfterScriptedTraffic(t *testing.T) {
	env := map[string]string{"DATA_DIR": t.TempDir()}
	e, closeStats := serveEngine(t, env)
	ctx := context.Background()
	for _, q := range []string{
		"1.3에는 무엇이 포함되어야 하나요?",
		"비밀번호는 어떻게 저장해야 하나요?",
		"How should we store passwords?",
		"1.4에는 무엇을 써야 하나요?",
		"점심 메뉴 추천해줘, 연락처는 010-1234-5678",
	} {
		if _, err := e.Ask(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	draft, err := os.ReadFile("../../testdata/drafts/1.2-draft.txt")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := e.Review(ctx, "1.2", string(draft))
	if err != nil {
		t.Fatal(err)
	}
	e.RecordFeedback(ctx, engine.FeedbackEvent{Item: "1.3", Kind: engine.KindGuidance, Helpful: true})
	e.RecordFeedback(ctx, engine.FeedbackEvent{Item: "1.3", Kind: engine.KindGuidance, Helpful: false})
	closeStats() // serve flushes on the way out

	out, stderr, code := cli(t, env, "", "stats", "--json", "--days", "7")
	if code != 0 {
		t.Fatalf("stats: exit %d: %s", code, stderr)
	}
	var r stats.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	// 1.4 has no guidance; lunch has nothing to do with the checklist
	// (and may only be guessed at, through "연락처").
	if r.Question.Total != 5 || r.Question.Unanswered+r.Question.Weak != 2 || r.Days != 7 {
		t.Errorf("questions %+v over %d days; want 5, 2 unanswered or weak, over 7", r.Question, r.Days)
	}
	if len(r.ByItem) == 0 || r.ByItem[0].Item != "1.3" || r.ByItem[0].Total != 3 {
		t.Errorf("by item %+v; want 1.3 first with 3", r.ByItem)
	}
	missing := 0
	for _, el := range rep.Elements {
		if el.Status == "missing" {
			missing++
		}
	}
	if len(r.Reviews) != 1 || r.Reviews[0].Item != "1.2" || r.Reviews[0].Reviews != 1 {
		t.Fatalf("reviews %+v; want one of 1.2", r.Reviews)
	}
	got := 0
	for _, el := range r.Reviews[0].Elements {
		got += el.Missing
	}
	if got != missing {
		t.Errorf("missing elements counted %d; the review had %d", got, missing)
	}
	if len(r.Feedback) != 1 || r.Feedback[0].Up != 1 || r.Feedback[0].Down != 1 {
		t.Errorf("feedback %+v; want 1.3 guidance 👍 1 👎 1", r.Feedback)
	}
	raw, _ := os.ReadFile(filepath.Join(env["DATA_DIR"], stats.FileName))
	if strings.Contains(string(raw), "침해사고") || strings.Contains(string(raw), "비밀번호는") {
		t.Errorf("stats.db holds a draft or an answered question's text")
	}

	text, _, code := cli(t, env, "", "stats")
	if code != 0 || !strings.Contains(text, "질문 5개") || !strings.Contains(text, "1.2") {
		t.Errorf("stats (text): exit %d\n%s", code, text)
	}
	text, _, code = cli(t, env, "", "stats", "unanswered")
	if code != 0 || !strings.Contains(text, "점심 메뉴") || !strings.Contains(text, "1.4에는") || strings.Contains(text, "010-1234-5678") {
		t.Errorf("stats unanswered: exit %d; want the two unanswered questions, masked:\n%s", code, text)
	}
	for _, args := range [][]string{{"stats", "--days", "0"}, {"stats", "bogus"}, {"stats", "unanswered", "extra"}} {
		if _, stderr, code := cli(t, env, "", args...); code != 2 {
			t.Errorf("%v: exit %d (%s); want 2", args, code, stderr)
		}
	}
}

func TestStatsOffKeepsNoQuestionText(t *testing.T) {
	ctx := context.Background()
	t.Run("new data dir", func(t *testing.T) {
		env := map[string]string{"DATA_DIR": t.TempDir(), "STATS": "off"}
		e, closeStats := serveEngine(t, env)
		e.Ask(ctx, "점심 메뉴 추천해줘")
		closeStats()
		if _, err := os.Stat(filepath.Join(env["DATA_DIR"], stats.FileName)); !os.IsNotExist(err) {
			t.Errorf("STATS=off created %s (%v)", stats.FileName, err)
		}
	})
	t.Run("texts kept before", func(t *testing.T) {
		dir := t.TempDir()
		e, closeStats := serveEngine(t, map[string]string{"DATA_DIR": dir})
		e.Ask(ctx, "점심 메뉴 추천해줘")
		closeStats()
		e, closeStats = serveEngine(t, map[string]string{"DATA_DIR": dir, "STATS": "off"})
		e.Ask(ctx, "주차장은 어디인가요?")
		closeStats()
		out, _, _ := cli(t, map[string]string{"DATA_DIR": dir}, "", "stats", "unanswered", "--json")
		if strings.TrimSpace(out) != "[]" {
			t.Errorf("after STATS=off: %s; want no question texts", out)
		}
		raw, _ := os.ReadFile(filepath.Join(dir, stats.FileName))
		if strings.Contains(string(raw), "점심") || strings.Contains(string(raw), "주차장") {
			t.Errorf("a question's text is still in %s", stats.FileName)
		}
		out, _, _ = cli(t, map[string]string{"DATA_DIR": dir}, "", "stats", "--json")
		var r stats.Report
		json.Unmarshal([]byte(out), &r)
		if r.Question.Total != 1 {
			t.Errorf("counts after STATS=off: %d questions; want the 1 counted before (counts stay, off counts nothing new)", r.Question.Total)
		}
	})
	for _, env := range []map[string]string{{"STATS": "maybe"}, {"STATS_RETENTION_DAYS": "abc"}, {"STATS_RETENTION_DAYS": "0"}} {
		if _, stderr, code := cli(t, env, "", "stats"); code != 2 {
			t.Errorf("%v: exit %d (%s); want 2", env, code, stderr)
		}
	}
}
