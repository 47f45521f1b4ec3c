package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/botstate"
)

// canned candidates lists the unsaved staff replies the bot kept, and
// creates no database where there is none.
func TestCannedCandidates(t *testing.T) {
	dir := t.TempDir()
	out, stderr, code := cli(t, map[string]string{"DATA_DIR": dir}, "", "canned", "candidates")
	if code != 0 || !strings.Contains(out, "no unsaved candidates") {
		t.Fatalf("empty: exit %d, out %q, stderr %q", code, out, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, botstate.FileName)); err == nil {
		t.Error("listing candidates created the bot's state")
	}

	ctx := context.Background()
	st, err := botstate.Open(ctx, botstate.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []botstate.Candidate{
		{ID: "a1", Channel: "C1", Thread: "1.1", Staff: "U0STAFF", Item: "3.2", Text: "수렴채널은 1개 이상이면 됩니다."},
		{ID: "b2", Channel: "C1", Thread: "2.2", Staff: "U0STAFF", Text: "심사 절차는 네 단계예요."},
	} {
		if _, err := st.AddCandidate(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.MarkCandidateSaved(ctx, "b2", "procedure"); err != nil {
		t.Fatal(err)
	}
	st.Close()

	out, stderr, code = cli(t, map[string]string{"DATA_DIR": dir}, "", "canned", "candidates", "--json")
	var got []botstate.Candidate
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil {
		t.Fatalf("--json: exit %d, out %q, stderr %q", code, out, stderr)
	}
	if len(got) != 1 || got[0].ID != "a1" || got[0].Item != "3.2" || got[0].Text == "" {
		t.Errorf("candidates = %+v; want the unsaved one only", got)
	}
	out, _, code = cli(t, map[string]string{"DATA_DIR": dir}, "", "canned", "candidates")
	if code != 0 || !strings.Contains(out, "a1") || strings.Contains(out, "b2") {
		t.Errorf("text listing:\n%s", out)
	}
}
