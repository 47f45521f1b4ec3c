package knowledge

import (
	"strings"
	"unicode"
)

// Expander adds to a text the canonical word of every synonym group the
// text uses another word of, so that paraphrases and English questions
// meet the Korean guidance in retrieval. Build it with Checklist.Expander.
type Expander struct {
	groups []synonymGroup
}

type synonymGroup struct {
	canonical string
	hangul    []string // compact variants, matched anywhere
	ascii     []string // lower-case variants, matched on word boundaries
}

// Expander returns the synonym expander of the knowledge base.
func (c *Checklist) Expander() *Expander {
	x := &Expander{}
	for _, g := range c.Synonyms {
		sg := synonymGroup{canonical: g[0]}
		for _, w := range g {
			w = strings.ToLower(Normalize(w))
			if isASCIIText(w) {
				sg.ascii = append(sg.ascii, " "+strings.Join(words(w), " ")+" ")
			} else {
				sg.hangul = append(sg.hangul, Compact(w))
			}
		}
		x.groups = append(x.groups, sg)
	}
	return x
}

// Expand returns text followed by the canonical words of the synonym
// groups it uses.
func (x *Expander) Expand(text string) string {
	text = Normalize(text)
	compact := Compact(text)
	spaced := " " + strings.Join(words(strings.ToLower(text)), " ") + " "
	var extra []string
	for _, g := range x.groups {
		if g.matches(compact, spaced) {
			extra = append(extra, g.canonical)
		}
	}
	if len(extra) == 0 {
		return text
	}
	return text + "\n" + strings.Join(extra, " ")
}

func (g synonymGroup) matches(compact, spaced string) bool {
	for _, v := range g.hangul {
		if strings.Contains(compact, v) {
			return true
		}
	}
	for _, v := range g.ascii {
		if strings.Contains(spaced, v) {
			return true
		}
		// plural or third person: "drills", "passwords"
		if strings.Contains(spaced, strings.TrimSuffix(v, " ")+"s ") {
			return true
		}
	}
	return false
}

// words splits text into runs of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != ':' && r != '&' })
}

func isASCIIText(s string) bool {
	for _, r := range s {
		if r >= unicode.MaxASCII {
			return false
		}
	}
	return true
}
