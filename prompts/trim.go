package prompts

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/selfcheck/selfcheck/knowledge"
)

// gapMarker stands where trimDraft left paragraphs out.
const gapMarker = "(…중략…)"

// reParagraphBreak separates paragraphs: a blank (or blank-looking) line.
var reParagraphBreak = regexp.MustCompile(`\n[ \t]*\n\s*`)

// trimDraft returns draft unchanged when it has at most budget runes (or
// budget is not positive). Otherwise it keeps the paragraphs that matter
// most for the terms — scored by how many distinct terms they contain and
// how often, spacing-insensitively (knowledge.Compact) — in their original
// order, up to budget runes including separators and gap markers, and
// reports true. A draft without blank lines is cut by lines instead. When
// the best paragraph alone is over budget, its beginning is kept.
func trimDraft(draft string, terms []string, budget int) (string, bool) {
	if budget <= 0 || utf8.RuneCountInString(draft) <= budget {
		return draft, false
	}
	units, sep := reParagraphBreak.Split(draft, -1), "\n\n"
	if len(units) == 1 {
		units, sep = strings.Split(draft, "\n"), "\n"
	}
	keys := termKeys(terms)
	type scored struct {
		i, score, size int
	}
	cand := make([]scored, 0, len(units))
	for i, u := range units {
		if strings.TrimSpace(u) == "" {
			continue
		}
		cand = append(cand, scored{i: i, score: scoreUnit(knowledge.Compact(u), keys), size: utf8.RuneCountInString(u)})
	}
	slices.SortStableFunc(cand, func(a, b scored) int { return b.score - a.score })

	// Every kept unit may need separators and a gap marker before it, and
	// the end one more of each; counting them all keeps the result within
	// budget.
	overhead := utf8.RuneCountInString(sep)*2 + utf8.RuneCountInString(gapMarker)
	left := budget - utf8.RuneCountInString(sep) - utf8.RuneCountInString(gapMarker)
	var keep []int
	for k, c := range cand {
		cost := c.size + overhead
		if k == 0 && cost > left {
			// The best paragraph alone is over budget: keep its start.
			units[c.i] = truncateRunes(units[c.i], max(left-overhead, 1))
			cost = utf8.RuneCountInString(units[c.i]) + overhead
		}
		if cost <= left {
			keep = append(keep, c.i)
			left -= cost
		}
	}
	if len(keep) == 0 {
		return "", true
	}
	slices.Sort(keep)

	var b strings.Builder
	next := 0 // index of the unit after the last one written
	for k, i := range keep {
		if k > 0 {
			b.WriteString(sep)
		}
		if i > next && hasText(units[next:i]) {
			b.WriteString(gapMarker)
			b.WriteString(sep)
		}
		b.WriteString(units[i])
		next = i + 1
	}
	if hasText(units[next:]) {
		b.WriteString(sep)
		b.WriteString(gapMarker)
	}
	return b.String(), true
}

// hasText reports whether any of units is not blank.
func hasText(units []string) bool {
	for _, u := range units {
		if strings.TrimSpace(u) != "" {
			return true
		}
	}
	return false
}

// scoreUnit scores a compacted paragraph: ten points for each distinct
// term it contains, plus one for each occurrence.
func scoreUnit(compact string, keys []string) int {
	score := 0
	for _, k := range keys {
		if n := strings.Count(compact, k); n > 0 {
			score += 10 + n
		}
	}
	return score
}

// termKeys turns element labels and descriptions into compacted search
// words: words of at least two runes, without a trailing particle, minus
// words too common to tell paragraphs apart.
func termKeys(terms []string) []string {
	seen := map[string]bool{}
	var keys []string
	for _, t := range terms {
		words := strings.FieldsFunc(knowledge.Normalize(t), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		})
		for _, w := range words {
			w = stripParticle(knowledge.Compact(w))
			if utf8.RuneCountInString(w) < 2 || commonWord(w) || seen[w] {
				continue
			}
			seen[w] = true
			keys = append(keys, w)
		}
	}
	return keys
}

// stripParticle drops a one-syllable particle from the end of a Korean
// word of three or more syllables (정보주체에게 is left alone; 담당부서의
// becomes 담당부서).
func stripParticle(w string) string {
	r := []rune(w)
	if len(r) < 3 {
		return w
	}
	switch r[len(r)-1] {
	case '을', '를', '이', '가', '은', '는', '의', '에', '와', '과', '로', '도':
		return string(r[:len(r)-1])
	}
	return w
}

// commonWord reports words that occur in any draft and say nothing about
// an element.
func commonWord(w string) bool {
	switch w {
	case "및", "또는", "등", "있는", "하는", "경우", "대한", "위한", "해당", "관련", "여부",
		"내용", "사항", "방법", "기준", "정보", "포함", "있음", "명시", "기재", "작성",
		"the", "and", "for", "with", "of", "to", "or", "in", "is", "are":
		return true
	}
	return false
}
