package knowledge

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// The guide the knowledge follows is named as the checklist states it:
// the embedded checklist gives a title and basis but no round or date.
func TestGuideVersion(t *testing.T) {
	c, err := Load(Embedded())
	if err != nil {
		t.Fatal(err)
	}
	g := c.Guide
	if g.Title == "" || g.Round != "" || g.Date != "" {
		t.Errorf("guide = %+v; want a title and no round or date (the checklist states none)", g)
	}
	if l := g.Label(); !strings.Contains(l, g.Title) || !strings.Contains(l, g.Unstated) {
		t.Errorf("label %q names neither the title nor that no edition is stated", l)
	}
	for _, tc := range []struct {
		g    GuideVersion
		want string
	}{
		{GuideVersion{Title: "T", Round: "2차", Date: "2024-01-15", Unstated: "?"}, "「T」 (2차 · 2024-01-15)"},
		{GuideVersion{Title: "T", Date: "2024-01-15", Basis: "B"}, "「T」 (2024-01-15), B"},
		{GuideVersion{Title: "T", Unstated: "표기 없음"}, "「T」 (표기 없음)"},
	} {
		if got := tc.g.Label(); got != tc.want {
			t.Errorf("Label(%+v) = %q; want %q", tc.g, got, tc.want)
		}
	}
}

// A guide.yaml with a date that is not a date is refused at load.
func TestGuideVersionChecked(t *testing.T) {
	m := fstest.MapFS{}
	err := fs.WalkDir(Embedded(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(Embedded(), p)
		if p == "guide.yaml" {
			b = bytes.Replace(b, []byte(`date: ""`), []byte(`date: "작년 봄"`), 1)
		}
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(m); err == nil || !strings.Contains(err.Error(), "guide.yaml") {
		t.Errorf("Load with a bad date: %v; want an error naming guide.yaml", err)
	}
}
