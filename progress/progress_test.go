package progress

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/selfcheck/selfcheck/knowledge"
)

const (
	P  = knowledge.StatusPresent
	Pa = knowledge.StatusPartial
	M  = knowledge.StatusMissing
	NA = knowledge.StatusNotApplicable
)

func rep(item string, statuses ...knowledge.Status) knowledge.Report {
	r := knowledge.Report{Item: item}
	for i, s := range statuses {
		r.Elements = append(r.Elements, knowledge.ElementResult{ID: item + "-" + string(rune('a'+i)), Status: s})
	}
	return r
}

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestLead(t *testing.T) {
	tests := []struct {
		name      string
		prev, cur knowledge.Report
		want      string
		changes   int
	}{
		{"two better, one still missing", rep("1.2", M, Pa, M, P), rep("1.2", M, P, P, P),
			"지난 검토보다 2개 좋아졌어요: 1.2-b 일부 → 충족, 1.2-c 누락 → 충족 · 여전히 누락: 1.2-a", 2},
		{"one worse", rep("1.3", P, P), rep("1.3", Pa, P), "지난 검토보다 1개 나빠졌어요: 1.3-a 충족 → 일부", 1},
		{"better and worse", rep("3.1", M, P), rep("3.1", P, M), "지난 검토보다 1개 좋아졌어요: 3.1-a 누락 → 충족 · 1개 나빠졌어요: 3.1-b 충족 → 누락", 2},
		{"now not applicable", rep("1.3", M, P), rep("1.3", NA, P), "바뀐 요소: 1.3-a 누락 → 해당 없음", 1},
		{"same", rep("3.2", P, M), rep("3.2", P, M), "지난 검토(3월 2일)와 같아요 · 여전히 누락: 3.2-b", 0},
		{"an element the previous review did not have", rep("1.2", P), rep("1.2", P, M), "지난 검토(3월 2일)와 같아요", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Compare(Of(tt.prev, t0), tt.cur)
			if got := p.Lead(); got != tt.want {
				t.Errorf("Lead() = %q\nwant     %q", got, tt.want)
			}
			if len(p.Changes) != tt.changes {
				t.Errorf("%d changes, want %d: %+v", len(p.Changes), tt.changes, p.Changes)
			}
		})
	}
}

func TestFileStore(t *testing.T) {
	f := FileStore{Path: filepath.Join(t.TempDir(), "sub", FileName)}
	if _, ok, err := f.Previous("1.2", t0); ok || err != nil {
		t.Fatalf("empty history: ok=%v err=%v", ok, err)
	}
	if err := f.Remember(Of(rep("1.2", M, M), t0), t0); err != nil {
		t.Fatal(err)
	}
	if err := f.Remember(Of(rep("1.3", P), t0), t0); err != nil {
		t.Fatal(err)
	}
	later := t0.Add(24 * time.Hour)
	if err := f.Remember(Of(rep("1.2", P, M), later), later); err != nil {
		t.Fatal(err)
	}
	s, ok, err := f.Previous("1.2", later.Add(time.Hour))
	if err != nil || !ok || s.Statuses["1.2-a"] != P {
		t.Errorf("latest 1.2 = %+v ok=%v err=%v, want the second review", s, ok, err)
	}
	if _, ok, _ := f.Previous("1.3", t0.Add(Window+time.Hour)); ok {
		t.Error("a review older than the window still counts")
	}
	data, _ := os.ReadFile(f.Path)
	if strings.Count(string(data), `"item": "1.2"`) != 1 {
		t.Errorf("history keeps more than the latest 1.2:\n%s", data)
	}
	// A damaged file is an empty history, then rewritten.
	os.WriteFile(f.Path, []byte("{not json"), 0o600)
	if _, ok, err := f.Previous("1.2", later); ok || err != nil {
		t.Errorf("damaged file: ok=%v err=%v, want an empty history", ok, err)
	}
	if err := f.Remember(Of(rep("1.2", P), later), later); err != nil {
		t.Errorf("damaged file not rewritten: %v", err)
	}
}
