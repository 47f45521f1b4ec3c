package knowledge

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// nameRules find Korean names in context: before 님 or 씨, before or after
// a job title, after a label such as 담당자:. Without a dictionary of
// names, a word counts as one only when it starts with a surname, has the
// length of a name and is none of the words known to stand in those
// places (고객님, 서비스 센터장, 담당자: 보안팀).
type nameRules struct {
	titles      []string // longest first
	particles   []string // longest first
	orgSuffixes []string
	titleSet    map[string]bool
	labels      map[string]bool // followed by a name after a colon or a space
	colonLabels map[string]bool // followed by a name after a colon only
	notNames    map[string]bool
	surnames    map[string]bool
	compound    map[string]bool
	particleSet map[string]bool
}

func newNameRules(r redactRules) nameRules {
	set := func(ws ...[]string) map[string]bool {
		m := map[string]bool{}
		for _, l := range ws {
			for _, w := range l {
				m[w] = true
			}
		}
		return m
	}
	byLength := func(ws []string) []string {
		out := slices.Clone(ws)
		slices.SortStableFunc(out, func(a, b string) int { return len(b) - len(a) })
		return out
	}
	return nameRules{
		titles:      byLength(r.Titles),
		particles:   byLength(r.Particles),
		orgSuffixes: r.OrgSuffixes,
		titleSet:    set(r.Titles),
		labels:      set(r.NameLabels),
		colonLabels: set(r.NameLabelsColon),
		notNames:    set(r.NotNames, r.NameLabels, r.NameLabelsColon),
		surnames:    set(r.Surnames),
		compound:    set(r.CompoundSurnames),
		particleSet: set(r.Particles),
	}
}

// hangulWord is a run of Hangul syllables in a text, by byte offsets.
type hangulWord struct {
	start, end int
	r          []rune
}

func isSyllable(r rune) bool { return r >= '가' && r <= '힣' }

// words splits s into its Hangul words, in one pass.
func hangulWords(s string) []hangulWord {
	var out []hangulWord
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isSyllable(r) {
			i += n
			continue
		}
		w := hangulWord{start: i}
		for i < len(s) {
			r, n = utf8.DecodeRuneInString(s[i:])
			if !isSyllable(r) {
				break
			}
			w.r = append(w.r, r)
			i += n
		}
		w.end = i
		out = append(out, w)
	}
	return out
}

// mask replaces the names it finds in s with MaskName. Each word is looked
// at with its neighbour only, so the scan is linear.
func (nr nameRules) mask(s string) string {
	words := hangulWords(s)
	spans := map[int]int{} // word index → runes to mask from its start
	mark := func(k, runes int) {
		if runes > spans[k] {
			spans[k] = runes
		}
	}
	// A placeholder such as [이름] or [이메일] is no name, whatever
	// stands before it.
	placeholder := func(w hangulWord) bool {
		return w.start > 0 && s[w.start-1] == '[' && w.end < len(s) && s[w.end] == ']'
	}
	for k, w := range words {
		if placeholder(w) {
			continue
		}
		if n := nr.inWord(w.r); n > 0 {
			mark(k, n)
		}
		if k+1 == len(words) {
			continue
		}
		next := words[k+1]
		if placeholder(next) {
			continue
		}
		gap := s[w.end:next.start]
		switch {
		case isBlank(gap) && nr.startsWithTitle(next.r) && nr.isName(w.r, false):
			mark(k, len(w.r)) // 김민수 과장
		case isBlank(gap) && (next.r[0] == '님' || next.r[0] == '씨') && nr.restOK(next.r[1:]) && nr.isName(w.r, false):
			mark(k, len(w.r)) // 홍길동 님
		case nr.titleSet[string(w.r)] || nr.labels[string(w.r)] || nr.colonLabels[string(w.r)]:
			strict, ok := nr.gapBefore(string(w.r), gap)
			if !ok {
				break
			}
			if n := nr.nameWithParticle(next.r, strict); n > 0 {
				mark(k+1, n) // 과장 이영희, 담당자: 최민호
			}
		}
	}
	if len(spans) == 0 {
		return s
	}
	masked := make([]int, 0, len(spans))
	for k := range spans {
		masked = append(masked, k)
	}
	slices.Sort(masked)
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, k := range masked {
		w := words[k]
		end := w.start + len(string(w.r[:spans[k]]))
		b.WriteString(s[last:w.start])
		b.WriteString(MaskName)
		last = end
	}
	b.WriteString(s[last:])
	return b.String()
}

// gapBefore says whether gap, the text between a title or label and the
// next word, can separate it from a name, and whether the name must then
// be strict (three syllables): a space alone is weaker evidence than a
// colon or a slash.
func (nr nameRules) gapBefore(word, gap string) (strict, ok bool) {
	g := strings.TrimSpace(gap)
	switch {
	case g == "" && isBlank(gap):
		return true, !nr.colonLabels[word]
	case g == ":" || g == "：":
		return false, nr.labels[word] || nr.colonLabels[word]
	case g == "/" || g == "," || g == "·":
		return false, nr.titleSet[word]
	}
	return false, false
}

// inWord finds a name glued to what follows it in one word (홍길동님께서,
// 이영희과장) and returns its length in runes, or 0.
func (nr nameRules) inWord(r []rune) int {
	for p := 2; p <= 4 && p < len(r); p++ {
		rest := r[p:]
		switch {
		case (rest[0] == '님' || rest[0] == '씨') && nr.restOK(rest[1:]):
		case nr.titleAt(rest) > 0 && nr.restOK(rest[nr.titleAt(rest):]):
		default:
			continue
		}
		if nr.isName(r[:p], false) {
			return p
		}
	}
	return 0
}

// startsWithTitle reports whether a word is a title, alone or with 님 or
// a particle (과장, 팀장님께, 대리는).
func (nr nameRules) startsWithTitle(r []rune) bool {
	n := nr.titleAt(r)
	return n > 0 && nr.restOK(r[n:])
}

// titleAt returns the length in runes of the title r starts with, or 0.
func (nr nameRules) titleAt(r []rune) int {
	s := string(r)
	for _, t := range nr.titles {
		if strings.HasPrefix(s, t) {
			return utf8.RuneCountInString(t)
		}
	}
	return 0
}

// restOK reports whether what follows a name or a title in its word is
// nothing, 님, or a particle.
func (nr nameRules) restOK(rest []rune) bool {
	if len(rest) > 0 && rest[0] == '님' {
		rest = rest[1:]
	}
	return len(rest) == 0 || nr.particleSet[string(rest)]
}

// nameWithParticle returns the length of the name a word is, possibly
// followed by a particle (이영희가), or 0.
func (nr nameRules) nameWithParticle(r []rune, strict bool) int {
	if nr.isName(r, strict) {
		return len(r)
	}
	s, n := string(r), 0
	for _, p := range nr.particles {
		base, ok := strings.CutSuffix(s, p)
		switch {
		case !ok || base == "":
		case nr.isWord(base):
			return 0 // 주관으로: a word with a particle
		case n == 0 && nr.isName([]rune(base), strict):
			n = utf8.RuneCountInString(base)
		}
	}
	return n
}

// isName reports whether r can be a Korean name: two or three syllables
// starting with a surname (four with a two-syllable surname), and none of
// the words that stand where names do. strict asks for the common length
// only (three syllables, four with a two-syllable surname).
func (nr nameRules) isName(r []rune, strict bool) bool {
	n := len(r)
	compound := n >= 3 && nr.compound[string(r[:2])]
	switch {
	case n < 2 || n > 4, n == 4 && !compound, strict && n != 3 && !(n == 4 && compound):
		return false
	case !compound && !nr.surnames[string(r[0])]:
		return false
	}
	w := string(r)
	if nr.isWord(w) {
		return false
	}
	// 관리자의, 보안팀은: a word plus a particle is still not a name.
	for _, p := range nr.particles {
		if base, ok := strings.CutSuffix(w, p); ok && utf8.RuneCountInString(base) >= 2 && nr.isWord(base) {
			return false
		}
	}
	return true
}

// isWord reports whether w is a known word that is not a name.
func (nr nameRules) isWord(w string) bool {
	if nr.notNames[w] || nr.titleSet[w] {
		return true
	}
	for _, suf := range nr.orgSuffixes {
		if strings.HasSuffix(w, suf) {
			return true
		}
	}
	return false
}

// isBlank reports whether gap is one to three spaces or tabs.
func isBlank(gap string) bool {
	return len(gap) >= 1 && len(gap) <= 3 && strings.Trim(gap, " \t") == ""
}
