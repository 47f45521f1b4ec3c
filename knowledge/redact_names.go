package knowledge

import (
	"net/netip"
	"slices"
	"strings"
	"unicode"
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
	for k, w := range words {
		if w.start > 0 && s[w.start-1] == '[' && w.end < len(s) && s[w.end] == ']' {
			continue // a placeholder such as [이름]
		}
		if n := nr.inWord(w.r); n > 0 {
			mark(k, n)
		}
		if k+1 == len(words) {
			continue
		}
		next := words[k+1]
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

// maskIPs masks IPv4 and IPv6 addresses that parse as such; version
// numbers (v1.2.3.4), times (09:30:00) and C++ scopes (std::string) stay.
func maskIPs(s string) string {
	s = replaceGroupIf(reIPv4, s, MaskIP, func(s string, i, j int) bool {
		a, err := netip.ParseAddr(s[i:j])
		if err != nil || !a.Is4() {
			return false
		}
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		if i > 0 && (before == 'v' || before == 'V' || before == '.' || unicode.IsLetter(before) && before < 0x80) {
			return false
		}
		return !(j+1 < len(s) && s[j] == '.' && s[j+1] >= '0' && s[j+1] <= '9')
	})
	return replaceGroupIf(reIPv6, s, MaskIP, func(s string, i, j int) bool {
		m := s[i:j]
		a, err := netip.ParseAddr(m)
		if err != nil || !a.Is6() || len(digits(m)) == 0 || len(m)-strings.Count(m, ":") < 3 {
			return false
		}
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		return i == 0 || !(unicode.IsLetter(before) || unicode.IsDigit(before))
	})
}

// maskAddresses masks street and lot addresses: a road or a lot name
// with a building number, after a district (서울특별시 강남구, 성남시) or a
// word that announces an address (주소:, 소재지). The pattern finds the
// number; the words before it are checked by hand, a few at most.
func (rd *redactor) maskAddresses(s string) string {
	idx := rd.reAddress.FindAllStringIndex(s, -1)
	if idx == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range idx {
		start, ok := rd.addressStart(s, m[0])
		if !ok || start < last || !addressEnds(s, m[1]) {
			continue
		}
		b.WriteString(s[last:start])
		b.WriteString(MaskAddress)
		last = m[1]
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// addressStart returns where the address whose road or lot ending is at
// i starts: at its district, or after the word that announces it.
func (rd *redactor) addressStart(s string, i int) (int, bool) {
	place := i
	for n := 0; place > 0 && n < 12; n++ {
		r, size := utf8.DecodeLastRuneInString(s[:place])
		if !isSyllable(r) && !unicode.IsDigit(r) {
			break
		}
		place -= size
	}
	if place == i {
		return 0, false // the ending alone (로 3) is no road name
	}
	start, districts := place, 0
	for districts < 3 {
		j := strings.TrimRight(s[:start], " \t")
		if len(j) == len(s[:start]) {
			break
		}
		w := lastWord(j)
		if w == "" || !(rd.provinces[w] || utf8.RuneCountInString(w) >= 2 && strings.ContainsAny(lastRune(w), "시군구")) {
			break
		}
		start = len(j) - len(w)
		districts++
	}
	if districts > 0 {
		return start, true
	}
	before := strings.ToLower(strings.TrimRight(s[:place], " \t:："))
	before = strings.TrimSuffix(strings.TrimSuffix(before, "은"), "는")
	for _, c := range rd.addressContext {
		if strings.HasSuffix(before, strings.ToLower(c)) {
			return place, true
		}
	}
	return 0, false
}

// lastWord returns the run of Hangul syllables s ends with.
func lastWord(s string) string {
	i := len(s)
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if !isSyllable(r) {
			break
		}
		i -= size
	}
	return s[i:]
}

func lastRune(s string) string {
	r, _ := utf8.DecodeLastRuneInString(s)
	return string(r)
}

// addressEnds reports whether an address ending at j ends where a word
// does: at the end, before punctuation or a particle, not inside a number
// with a unit (3배, 30일).
func addressEnds(s string, j int) bool {
	if j == len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[j:])
	if unicode.IsDigit(r) {
		return false
	}
	return !isSyllable(r) || strings.ContainsRune("에의은는이가을를로와과", r)
}
