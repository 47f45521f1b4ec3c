package knowledge

// heading.go: when a line is a heading, a list item or an unticked box of
// the form, and which headings title the asserting body under them.

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// unticked reports whether a line is the form's own unticked option: a
// choice of boxes none of which is ticked ("□ 국내 □ 국외"), or one box
// before a bare title ("□ 데이터 국외이전 여부"). A box used as a bullet
// before a sentence is content.
func (d *document) unticked(g *stanceGrammar, line string) bool {
	boxes := strings.Count(line, "□") + strings.Count(line, "☐")
	if boxes == 0 || strings.ContainsAny(line, "■☑▣✔✓☒") {
		return false
	}
	t := strings.TrimSpace(line)
	return boxes >= 2 || (strings.HasPrefix(t, "□") || strings.HasPrefix(t, "☐")) && d.looksLikeHeading(g, t, true)
}

// looksLikeHeading reports whether a line reads as a heading: short, no
// digits or addresses past its marker, no Korean word ending in a
// particle or a predicate, no English verb or pronoun, and a structural
// marker or a colon at its end (alone reports whether it stands as the
// whole line).
func (d *document) looksLikeHeading(g *stanceGrammar, line string, alone bool) bool {
	t := strings.Trim(strings.TrimSpace(line), "= ")
	marked := strings.HasPrefix(strings.TrimSpace(line), "==")
	if loc := g.marker.FindStringIndex(t); loc != nil && loc[1] > 0 {
		t, marked = strings.TrimSpace(t[loc[1]:]), true
	} else if loc := g.bullet.FindStringIndex(t); loc != nil && loc[1] > 0 {
		t = strings.TrimSpace(t[loc[1]:])
	}
	colon := strings.HasSuffix(t, ":") || strings.HasSuffix(t, "：")
	t = strings.TrimRight(t, ":： ")
	if !marked && !colon {
		return false
	}
	if t == "" {
		return true
	}
	// A translation or aside in parentheses does not make it a sentence.
	core := stripParenTail(t)
	if utf8.RuneCountInString(core) > 40 || strings.ContainsAny(core, "@/→=+~.,;!?:：") || strings.Contains(t, "@") {
		return false
	}
	for _, r := range t {
		if unicode.IsDigit(r) {
			return false
		}
	}
	lower := strings.ToLower(core)
	if g.breakEN.MatchString(lower) {
		return false
	}
	for _, w := range strings.Fields(core) {
		if g.breakKO.MatchString(strings.Trim(w, "\"'“”‘’()[]")) {
			return false
		}
	}
	return alone
}

// markTitles decides, for every heading, whether an asserting statement
// stands under it (on the next lines, before another heading): then the
// heading is the title of that body and stays readable. A run of short
// numbered lines with nothing under each (a list of steps: "1. 접수",
// "2. 배정") is content, not a run of headings.
func (d *document) markTitles(sts []statement, g *stanceGrammar) {
	// Lines on consecutive lines with the same marker ("1. 통지방법",
	// "2. 발생내용", "3. 발생원인") are the items of a list, not headings.
	for i := range sts {
		if sts[i].stance != StanceHeading {
			continue
		}
		ln := sts[i].line
		if (ln > 0 && d.sameMarker(g, ln-1, ln)) || (ln+1 < len(d.lines) && d.sameMarker(g, ln, ln+1)) {
			sts[i].stance = StanceAsserts
		}
	}
	for i := range sts {
		if sts[i].stance != StanceHeading {
			continue
		}
		body := false
		for k := i + 1; k < len(sts) && sts[k].line <= sts[i].line+2; k++ {
			if sts[k].stance == StanceNone {
				continue
			}
			body = true
			if sts[k].stance == StanceAsserts {
				sts[i].title = true
			}
			break
		}
		// A numbered line with nothing under it, right after a
		// paragraph, is an item of that paragraph's list ("회사는 다음을
		// 통지한다." then "3. 사고의 발생 원인").
		if !body && i > 0 && sts[i-1].line == sts[i].line-1 && sts[i-1].stance == StanceAsserts && !sts[i-1].title {
			sts[i].stance = StanceAsserts
		}
	}
}

// sameMarker reports whether two lines open with the same kind of
// structural marker (both "1.", both "가.", both "■").
func (d *document) sameMarker(g *stanceGrammar, a, b int) bool {
	ma, mb := g.marker.FindString(d.lineText(a)), g.marker.FindString(d.lineText(b))
	return ma != "" && mb != "" && markerKind(ma) == markerKind(mb)
}

func markerKind(m string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(m) {
		switch {
		case unicode.IsDigit(r):
			b.WriteByte('9')
		case r >= '가' && r <= '하':
			b.WriteByte('k')
		case r >= '①' && r <= '⑳':
			b.WriteByte('c')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// lineText returns line ln (0-based) of the text.
func (d *document) lineText(ln int) string {
	start := d.lines[ln]
	end := len(d.text)
	if ln+1 < len(d.lines) {
		end = d.lines[ln+1] - 1
	}
	return d.text[start:end]
}
