package knowledge

import (
	"io/fs"
	"math/rand/v2"
	"strings"
	"testing"
)

// containsExpand is the expansion as it was before the automaton: one
// strings.Contains per variant. It is kept here as the reference the
// automaton must agree with.
func containsExpand(c *Checklist, text string) string {
	text = Normalize(text)
	compact := Compact(text)
	spaced := " " + strings.Join(words(strings.ToLower(text)), " ") + " "
	var extra []string
	for _, g := range c.Synonyms {
		hit := false
		for _, w := range g {
			w = strings.ToLower(Normalize(w))
			if isASCIIText(w) {
				v := " " + strings.Join(words(w), " ") + " "
				hit = hit || strings.Contains(spaced, v) || strings.Contains(spaced, strings.TrimSuffix(v, " ")+"s ")
			} else {
				hit = hit || strings.Contains(compact, Compact(w))
			}
		}
		if hit {
			extra = append(extra, g[0])
		}
	}
	if len(extra) == 0 {
		return text
	}
	return text + "\n" + strings.Join(extra, " ")
}

func loadEmbedded(t testing.TB) *Checklist {
	t.Helper()
	c, err := Load(Embedded())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// expandCorpus is every data file of the knowledge base, line by line and
// whole, plus texts assembled from synonym variants with spacing, case,
// plural and punctuation changes, so that overlapping keys, keys at the
// start and end of a text and keys split by a space are all exercised.
func expandCorpus(t testing.TB, c *Checklist) []string {
	t.Helper()
	var texts []string
	err := fs.WalkDir(Embedded(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := fs.ReadFile(Embedded(), path)
		if err != nil {
			return err
		}
		texts = append(texts, string(raw))
		texts = append(texts, strings.Split(string(raw), "\n")...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var variants []string
	for _, g := range c.Synonyms {
		variants = append(variants, g...)
	}
	filler := []string{"", " ", "은", "를 ", "s", ".", "-", "  ", "하고 ", "and ", "X", "e", "1.3 "}
	r := rand.New(rand.NewPCG(14, 14))
	for range 3000 {
		var b strings.Builder
		for range 1 + r.IntN(5) {
			v := variants[r.IntN(len(variants))]
			switch r.IntN(4) {
			case 0:
				v = strings.ToUpper(v)
			case 1:
				v = strings.ReplaceAll(v, " ", "")
			case 2:
				if n := len([]rune(v)); n > 1 { // a variant cut short
					v = string([]rune(v)[:n-1])
				}
			}
			b.WriteString(filler[r.IntN(len(filler))])
			b.WriteString(v)
			b.WriteString(filler[r.IntN(len(filler))])
		}
		texts = append(texts, b.String())
	}
	return append(texts, "", " ", "mails", "e-mails", "tell users", "tellusers", "원인분석과 재발방지", "TLS/SSL")
}

func TestExpandAgreesWithContainsLoop(t *testing.T) {
	c := loadEmbedded(t)
	x := c.Expander()
	for _, text := range expandCorpus(t, c) {
		if got, want := x.Expand(text), containsExpand(c, text); got != want {
			t.Fatalf("Expand(%q)\n got %q\nwant %q", text, got, want)
		}
	}
}

func TestExpandAddsCanonicalWords(t *testing.T) {
	x := loadEmbedded(t).Expander()
	tests := []struct{ text, want string }{
		{"How do we store passwords?", "비밀번호"},
		{"해킹 당하면 누구에게 알려야 하나요", "침해사고"},
		{"사이버공격 대응", "침해사고"}, // spacing variant of "사이버 공격"
		{"we ran two drills", "모의훈련"},
	}
	for _, tt := range tests {
		got := x.Expand(tt.text)
		_, extra, _ := strings.Cut(got, "\n")
		if !strings.Contains(extra, tt.want) {
			t.Errorf("Expand(%q) = %q; want %q added", tt.text, got, tt.want)
		}
	}
	if got := x.Expand("점심 메뉴 추천"); got != "점심 메뉴 추천" {
		t.Errorf("a text without synonyms changed: %q", got)
	}
}

func BenchmarkExpand(b *testing.B) {
	c := loadEmbedded(b)
	x := c.Expander()
	text := strings.Repeat("고객의견 수렴채널은 FAQ와 1:1 문의, 대표전화입니다. 침해사고가 발생하면 이메일과 문자로 이용자에게 통지합니다. ", 8)
	b.SetBytes(int64(len(text)))
	b.Run("automaton", func(b *testing.B) {
		for b.Loop() {
			x.Expand(text)
		}
	})
	b.Run("contains-loop", func(b *testing.B) {
		for b.Loop() {
			containsExpand(c, text)
		}
	})
}
