package knowledge

import (
	"regexp"
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
	roleEndings []string // 책임자, 담당자: a word ending so is a role
	// English role abbreviations right before a name (CPO 김철수, CISO /
	// 홍길동) or after it (홍길동 CISO, 홍길동(CISO)), in the text between
	// two Hangul words.
	roleBefore, roleAfter *regexp.Regexp
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
		roleEndings: r.RoleEndings,
		roleBefore:  regexp.MustCompile(`(?:\A|[^A-Za-z])(?:` + alternation(r.RolesEN) + `)[ \t]*([:/,·(]?)[ \t]*\z`),
		roleAfter:   regexp.MustCompile(`\A(?:[ \t]+(?:` + alternation(r.RolesEN) + `)\b|[ \t]*\([ \t]*(?:` + alternation(r.RolesEN) + `)[ \t]*[),/·])`),
	}
}

// roleGap is how much of the text between two Hangul words the English
// role patterns read: a role abbreviation and its separator are short, and
// reading no more keeps the scan linear.
const roleGap = 24

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
	// listed marks the names found after a label, a title or a role, and
	// the 및 after one: a list of names may follow (담당자: 홍길동, 김철수).
	listed := map[int]bool{}
	for k, w := range words {
		if placeholder(w) {
			continue
		}
		if n := nr.inWord(w.r); n > 0 {
			mark(k, n)
		}
		prevEnd, nextStart := 0, len(s)
		if k > 0 {
			prevEnd = words[k-1].end
		}
		if k+1 < len(words) {
			nextStart = words[k+1].start
		}
		if before := tail(s[prevEnd:w.start], roleGap); hasUpper(before) {
			if m := nr.roleBefore.FindStringSubmatch(before); m != nil {
				if n := nr.nameWithParticle(w.r, m[1] == ""); n > 0 {
					mark(k, n) // CPO 김철수, CISO / 홍길동
					listed[k] = n == len(w.r)
				}
			}
		}
		if after := head(s[w.end:nextStart], roleGap); hasUpper(after) && nr.roleAfter.MatchString(after) && nr.isName(w.r, false) {
			mark(k, len(w.r)) // 홍길동(CISO), 홍길동 CPO
		}
		if k+1 == len(words) {
			continue
		}
		next := words[k+1]
		if placeholder(next) {
			continue
		}
		gap := s[w.end:next.start]
		word := string(w.r)
		switch {
		case isBlank(gap) && nr.startsWithTitle(next.r) && nr.isName(w.r, false):
			mark(k, len(w.r)) // 김민수 과장
		case isBlank(gap) && (next.r[0] == '님' || next.r[0] == '씨') && nr.restOK(next.r[1:]) && nr.isName(w.r, false):
			mark(k, len(w.r)) // 홍길동 님
		case strings.TrimSpace(gap) == "(" && nr.isRoleWord(next.r) && closesParen(s[next.end:]) && nr.isName(w.r, false):
			mark(k, len(w.r)) // 홍길동(개인정보보호책임자), 김철수 (보안팀장)
		case nr.titleSet[word] || nr.labels[word] || nr.colonLabels[word] || nr.isRole(w.r):
			strict, ok := nr.gapBefore(word, gap)
			if !ok {
				break
			}
			if n := nr.nameWithParticle(next.r, strict); n > 0 {
				mark(k+1, n) // 과장 이영희, 담당자: 최민호, 개인정보보호책임자 / 홍길동
				listed[k+1] = n == len(next.r)
			}
		case listed[k] && (isListSep(gap) || isBlank(gap) && (word == "및" || string(next.r) == "및")):
			switch {
			case string(next.r) == "및" && isBlank(gap):
				listed[k+1] = true
			case nr.isName(next.r, false) && endsListItem(s[next.end:]):
				mark(k+1, len(next.r)) // 담당자: 홍길동, 김철수, 이영희
				listed[k+1] = true
			default:
				// The last of the list with its particle (…, 이영희가 맡는다).
				if n := nr.nameWithParticle(next.r, true); n > 0 && n < len(next.r) {
					mark(k+1, n)
				}
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
		return false, nr.labels[word] || nr.colonLabels[word] || nr.isRole([]rune(word))
	case g == "/" || g == "," || g == "·" || g == "(":
		return false, nr.titleSet[word] || nr.isRole([]rune(word))
	}
	return false, false
}

// isRole reports whether a word names a role by its ending
// (개인정보보호책임자, 보안담당자).
func (nr nameRules) isRole(r []rune) bool {
	w := string(r)
	for _, e := range nr.roleEndings {
		if strings.HasSuffix(w, e) {
			return true
		}
	}
	return false
}

// isRoleWord reports whether a word can stand for a person's role after
// their name: a role, a title, or a unit's title (보안팀장).
func (nr nameRules) isRoleWord(r []rune) bool {
	if nr.isRole(r) || nr.startsWithTitle(r) {
		return true
	}
	w := string(r)
	for _, t := range nr.titles {
		if len(w) > len(t) && strings.HasSuffix(w, t) {
			return true
		}
	}
	return false
}

// closesParen reports whether rest, the text after a role in parentheses,
// closes them or goes on to another role: (CISO), (팀장, 보안), not (관리자 화면).
func closesParen(rest string) bool {
	rest = strings.TrimLeft(rest, " \t")
	return rest != "" && strings.ContainsRune("),/·", rune(rest[0]))
}

// isListSep reports whether gap separates two items of a list.
func isListSep(gap string) bool {
	switch strings.TrimSpace(gap) {
	case ",", "、", "·", "/", "，":
		return len(gap) <= 6
	}
	return false
}

// endsListItem reports whether rest, the text after a word, ends it as an
// item of a list: the end of the line, a separator, a parenthesis, 및.
func endsListItem(rest string) bool {
	rest = strings.TrimLeft(rest, " \t")
	if rest == "" || strings.HasPrefix(rest, "및") || strings.HasPrefix(rest, "등") {
		return true
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return strings.ContainsRune(",、·/，()（）;.\n\r", r)
}

// hasUpper reports whether s holds an ASCII capital, as every role
// abbreviation does: most gaps between words are a space.
func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

// tail and head return at most n bytes of the end and of the start of s.
func tail(s string, n int) string { return s[max(0, len(s)-n):] }
func head(s string, n int) string { return s[:min(len(s), n)] }

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
