package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/stats"
)

// `selfcheck stats feedback` shows the 👎 serve kept with their reason,
// item, masked question and link, as text and as JSON; with STATS=off
// serve deletes them on start and there is nothing to show.
func TestStatsFeedback(t *testing.T) {
	env := map[string]string{"DATA_DIR": t.TempDir()}
	cfg, err := loadConfig(envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	st, closeStats, err := openStats(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.RecordDownVote(context.Background(), downVoteFixture()); err != nil {
		t.Fatal(err)
	}
	closeStats()

	out, stderr, code := cli(t, env, "", "stats", "feedback", "--json")
	if code != 0 {
		t.Fatalf("stats feedback --json: exit %d: %s", code, stderr)
	}
	var got []struct {
		Item, Reason, Question, Comment, Link string
		ReasonLabel                           string `json:"reason_label"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(got) != 1 || got[0].Item != "1.3" || got[0].ReasonLabel != "부족해요" || got[0].Link == "" || got[0].Question == "" {
		t.Errorf("stats feedback --json = %+v; want the 👎 with its reason, question and link", got)
	}
	text, _, code := cli(t, env, "", "stats", "feedback")
	if code != 0 || !strings.Contains(text, "부족해요") || !strings.Contains(text, "스레드: https://") || !strings.Contains(text, "[전화번호]") {
		t.Errorf("stats feedback: exit %d\n%s", code, text)
	}

	if text, _, _ := cli(t, env, "", "stats"); !strings.Contains(text, "selfcheck stats feedback") {
		t.Errorf("stats overview does not point to the kept 👎:\n%s", text)
	}

	env["STATS"] = "off"
	cfg, _ = loadConfig(envOf(env))
	if _, closeOff, err := openStats(context.Background(), cfg, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	} else {
		closeOff()
	}
	out, _, _ = cli(t, env, "", "stats", "feedback", "--json")
	if strings.TrimSpace(out) != "[]" {
		t.Errorf("after STATS=off: %s; want nothing kept", out)
	}
}

func downVoteFixture() stats.DownVote {
	return stats.DownVote{Key: "k1", Item: "1.3", Kind: "guidance", Reason: "incomplete",
		Question: "1.3에 연락처 [전화번호]도 써야 하나요?", Comment: "예시가 없어요", Link: "https://example.slack.com/archives/D1/p1700000000000100"}
}
