package knowledge

import "testing"

// TestElementExampleLines reviews every example line of every element on
// its own: each positive line must make its element present, each
// negative line must not. An element without both kinds of line fails:
// its terms would be untested against wordings in our own words.
func TestElementExampleLines(t *testing.T) {
	c := mustLoad(t)
	for _, it := range c.Items {
		for _, e := range it.Elements {
			if len(e.Lines.Positive) == 0 || len(e.Lines.Negative) == 0 {
				t.Errorf("%s: needs at least one positive and one negative example line (examples: {positive: [...], negative: [...]}), has %d and %d",
					e.ID, len(e.Lines.Positive), len(e.Lines.Negative))
				continue
			}
			var opts ReviewOptions
			if e.Applies == AppliesSupport {
				opts.Service = KindSupport
			}
			for _, want := range []bool{true, false} {
				lines := e.Lines.Negative
				if want {
					lines = e.Lines.Positive
				}
				for _, line := range lines {
					draft := line + "\n"
					if e.Scope == ScopeNotification {
						// A notification element counts only in a notice.
						draft = notice + draft
					}
					rep, err := c.Review(it.ID, draft, opts)
					if err != nil {
						t.Errorf("%s %q: review: %v", e.ID, line, err)
						continue
					}
					got, _ := rep.Element(e.ID)
					if present := got.Status == StatusPresent; present != want {
						t.Errorf("%s %q: got %s (evidence %q); want present=%v", e.ID, line, got.Status, got.Evidence, want)
					}
				}
			}
		}
	}
}
