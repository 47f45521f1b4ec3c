package knowledge

import (
	"strings"
	"testing"
)

// realisticDraft is a long draft of the kind applicants paste: the masked
// example submissions of every item, repeated to n bytes (cut on a rune
// boundary).
func realisticDraft(c *Checklist, n int) string {
	var sb strings.Builder
	for sb.Len() < n {
		for _, ex := range c.Examples {
			sb.WriteString(ex.Text + "\n\n")
		}
	}
	return strings.ToValidUTF8(sb.String()[:n], "")
}

// pathologicalDrafts are 200 KB inputs of shapes that once made a rule
// quadratic: one negated weak algorithm a line with no sentence
// punctuation, the same as one line with no newline, and one long line of
// Korean and English words.
func pathologicalDrafts() map[string]string {
	repeat := func(s string) string {
		return strings.Repeat(s, MaxDraftBytes/len(s))
	}
	return map[string]string{
		"negated-md5-lines":   repeat("MD5는 사용하지 않는다\n"),
		"negated-md5-oneline": repeat("MD5는 사용하지 않는다 "),
		"oneline-mixed":       repeat("고객 문의는 support@example.com 으로 접수하고 담당팀이 처리 후 회신하며 SHA-1 AES-256 침해사고 통지 "),
		"one-word":            repeat("가"),
		"ascii-letters":       repeat("a"),
	}
}

func BenchmarkReview(b *testing.B) {
	c := mustLoad(b)
	inputs := map[string]string{"realistic-20KB": realisticDraft(c, 20*1024), "realistic-200KB": realisticDraft(c, MaxDraftBytes)}
	for k, v := range pathologicalDrafts() {
		inputs["200KB-"+k] = v
	}
	for name, draft := range inputs {
		for _, item := range c.ItemIDs() {
			b.Run(name+"/"+item, func(b *testing.B) {
				b.SetBytes(int64(len(draft)))
				for b.Loop() {
					if _, err := c.Review(item, draft, ReviewOptions{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
