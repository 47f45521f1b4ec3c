package engine

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/selfcheck/selfcheck/canned"
	"github.com/selfcheck/selfcheck/knowledge"
)

// maxWhyRunes bounds CannedRef.Why: a phrase, not a paragraph.
const maxWhyRunes = 60

// cannedWhy names what of a canned answer is closest to the question, for
// the user to see why it was offered: a tag the question contains, else
// the tag, name or sentence of the answer sharing the most of the
// question's words. The embedding decided the match; this only shows the
// words behind it, so it is lexical and cheap, and "" when nothing is
// shared (a paraphrase with no word in common).
func cannedWhy(q string, a canned.Answer) string {
	qc := knowledge.Compact(knowledge.Normalize(q))
	for _, tag := range a.Tags {
		if tc := knowledge.Compact(knowledge.Normalize(tag)); tc != "" && strings.Contains(qc, tc) {
			return clip(strings.TrimSpace(tag))
		}
	}
	stems := questionStems(q)
	if len(stems) == 0 {
		return ""
	}
	cands := append([]string{}, a.Tags...)
	cands = append(cands, strings.ReplaceAll(a.Name, "-", " "))
	for line := range strings.SplitSeq(knowledge.Normalize(a.Text), "\n") {
		for s := range strings.SplitSeq(line, ". ") {
			cands = append(cands, s)
		}
	}
	best, bestScore := "", 0
	for _, c := range cands {
		cc := knowledge.Compact(knowledge.Normalize(c))
		score := 0
		for _, st := range stems {
			if strings.Contains(cc, st) {
				score += utf8.RuneCountInString(st)
			}
		}
		if score > bestScore {
			best, bestScore = c, score
		}
	}
	return clip(strings.TrimSpace(best))
}

// questionStems are the question's words of two runes or more, compact,
// each with its last rune dropped when it has three or more, so that a
// Korean particle or ending ("보안인증은", "인증을") still matches the bare
// word. English words lose a plural "s" the same way.
func questionStems(q string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(knowledge.Normalize(q), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
	}) {
		w = knowledge.Compact(w)
		n := utf8.RuneCountInString(w)
		switch {
		case n < 2:
			continue
		case n >= 3:
			_, size := utf8.DecodeLastRuneInString(w)
			w = w[:len(w)-size]
		}
		out = append(out, w)
	}
	return out
}

func clip(s string) string {
	if utf8.RuneCountInString(s) <= maxWhyRunes {
		return s
	}
	r := []rune(s)
	return string(r[:maxWhyRunes-1]) + "…"
}
