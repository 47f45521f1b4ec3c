package knowledge

import (
	"fmt"
	"regexp"
	"strings"
)

// GuideVersion is the checklist the knowledge base follows, as the
// checklist states it (data/guide.yaml): its title and legal basis, and
// its round and date of issue when the guide prints them. Its JSON form is
// the "version" of `selfcheck items --json`.
type GuideVersion struct {
	Title string `yaml:"title" json:"title"`
	Basis string `yaml:"basis" json:"basis"`
	// Round (차수) and Date (YYYY-MM-DD) are empty when the guide does
	// not state them.
	Round string `yaml:"round" json:"round"`
	Date  string `yaml:"date" json:"date"`
	// URL is the guide's public page, "" when none is known.
	URL string `yaml:"url" json:"url,omitempty"`
	// Unstated is what is shown for a guide with neither round nor date.
	Unstated string `yaml:"unstated" json:"-"`
}

var reGuideDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func (g GuideVersion) check() error {
	switch {
	case strings.TrimSpace(g.Title) == "":
		return &LoadError{File: "guide.yaml", Field: "title", Err: fmt.Errorf("missing or empty")}
	case g.Round == "" && g.Date == "" && strings.TrimSpace(g.Unstated) == "":
		return &LoadError{File: "guide.yaml", Field: "unstated", Err: fmt.Errorf("needed when round and date are empty")}
	case g.Date != "" && !reGuideDate.MatchString(g.Date):
		return &LoadError{File: "guide.yaml", Field: "date", Err: fmt.Errorf("%q is not YYYY-MM-DD", g.Date)}
	case g.URL != "" && !strings.HasPrefix(g.URL, "https://"):
		return &LoadError{File: "guide.yaml", Field: "url", Err: fmt.Errorf("%q is not an https:// address", g.URL)}
	}
	return nil
}

// Edition is the round and date of the guide ("2차 · 2024-01-15"), or
// Unstated when it states neither.
func (g GuideVersion) Edition() string {
	var parts []string
	for _, p := range []string{g.Round, g.Date} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return strings.TrimSpace(g.Unstated)
	}
	return strings.Join(parts, " · ")
}

// Label names the guide in one line: 「title」 (edition), basis.
func (g GuideVersion) Label() string {
	if g.Title == "" {
		return ""
	}
	s := "「" + g.Title + "」"
	if e := g.Edition(); e != "" {
		s += " (" + e + ")"
	}
	if g.Basis != "" {
		s += ", " + g.Basis
	}
	return s
}
