package knowledge

import (
	"regexp"
	"strings"
)

// englishNames find English names next to a job title: after it (Security
// Manager Owen Park, CISO: Mina Seo) or before it with a comma, a dash or a
// parenthesis between (Grace Holloway, Security Manager; Ravi Menon (CISO)).
// Without a dictionary of names, a name is two or three capitalised words
// none of which is a word of business English (not_names_en), so that
// "Security Manager Training Program" stays.
type englishNames struct {
	anchor   *regexp.Regexp // a title word or a role abbreviation
	before   *regexp.Regexp // a name and what may stand between it and the anchor, ending there
	after    *regexp.Regexp // a name right after the anchor
	notNames map[string]bool
}

// englishWindow is how far before or after a title a name is looked for.
const englishWindow = 100

func newEnglishNames(r redactRules) englishNames {
	name := `([A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+){1,2})`
	e := englishNames{
		anchor:   regexp.MustCompile(`\b(?:(?i:` + alternation(r.TitlesEN) + `)|` + alternation(r.RolesEN) + `)\b`),
		before:   regexp.MustCompile(name + `[ \t]*(?:,|\(|–|—|-|/)[ \t]*(?:[A-Za-z&]+[ \t]+){0,3}\z`),
		after:    regexp.MustCompile(`\A[ \t]*(?:[,:–—-][ \t]*)?` + name + `\b`),
		notNames: map[string]bool{},
	}
	for _, w := range r.NotNamesEN {
		e.notNames[w] = true
	}
	return e
}

// mask replaces the English names next to a title in s with MaskName.
func (e englishNames) mask(s string) string {
	idx := e.anchor.FindAllStringIndex(s, -1)
	if idx == nil {
		return s
	}
	var b strings.Builder
	last := 0
	put := func(i, j int) {
		if i < last || i >= j {
			return
		}
		b.WriteString(s[last:i])
		b.WriteString(MaskName)
		last = j
	}
	for _, a := range idx {
		from := max(last, a[0]-englishWindow)
		if m := e.before.FindStringSubmatchIndex(s[from:a[0]]); m != nil {
			if i, j, ok := e.trim(s[from+m[2]:from+m[3]], true); ok {
				put(from+m[2]+i, from+m[2]+j)
			}
		}
		to := min(len(s), a[1]+englishWindow)
		if a[1] >= last {
			if m := e.after.FindStringSubmatchIndex(s[a[1]:to]); m != nil {
				if i, j, ok := e.trim(s[a[1]+m[2]:a[1]+m[3]], false); ok {
					put(a[1]+m[2]+i, a[1]+m[2]+j)
				}
			}
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// trim drops the business words at the far end of a candidate name (the
// start when the name stands before its title, the end when after) and
// reports the byte span of the name left: two words or more, none of them
// a business word.
func (e englishNames) trim(cand string, fromStart bool) (i, j int, ok bool) {
	words := strings.Fields(cand)
	offs := make([]int, len(words))
	pos := 0
	for k, w := range words {
		pos += strings.Index(cand[pos:], w)
		offs[k] = pos
		pos += len(w)
	}
	lo, hi := 0, len(words)
	if fromStart {
		for lo < hi && e.notNames[words[lo]] {
			lo++
		}
	} else {
		for hi > lo && e.notNames[words[hi-1]] {
			hi--
		}
	}
	if hi-lo < 2 {
		return 0, 0, false
	}
	for _, w := range words[lo:hi] {
		if e.notNames[w] {
			return 0, 0, false
		}
	}
	return offs[lo], offs[hi-1] + len(words[hi-1]), true
}
