package knowledge

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// statement is one thing a draft says: a sentence, a list item, a table
// cell, the value of a "label: value" record, or a clause of a sentence
// joined to the next by 며/고/but. The review reads each statement's
// stance, and only an asserting statement is evidence.
type statement struct {
	lo, hi int // compact offsets, [lo, hi)
	line   int // 0-based line
	stance Stance
	// meta marks a negation of writing the thing down or setting it up
	// ("연락처 미기재") rather than of the practice ("국외로 이전하지
	// 않음").
	meta bool
	// title marks a heading with an asserting body under it: it is not
	// evidence, but its words name what the body is about, so it stays
	// readable for the elements and evidence in it moves to the body.
	title bool
}

// Clause boundaries inside a sentence: a Korean connective ending (하며,
// 않고, 있으나, 적되 …) before a space, English coordinators that join
// clauses, and a comma after words that hold a verb's argument ("… 후
// 저장, 복호화 불가"), not one in a list of nouns ("주민번호, 여권번호는
// 수집하지 않음"). Structure, not vocabulary: the words that carry a
// stance are in stance.yaml. Scanned by hand: these run on every line.
var (
	koConnectives = []string{"며", "하고", "되고", "있고", "없고", "않고", "했고", "였고", "이고", "받고", "주고", "두고", "리고", "내고", "으나", "지만", "는데", "되", "면서", "거나"}
	koArguments   = []string{"을", "를", "에", "에서", "으로", "후", "하여", "해서", "되어", "하고", "하며", "이며"}
	enCoordinated = []string{"but ", "and ", "while ", "whereas ", "although ", "so ", "not ", "yet "}
)

// statements splits the document into statements and reads the stance of
// each. Lines already hidden (the form's own text) yield none.
func (d *document) statements(g *stanceGrammar, period func(string) bool) []statement {
	var out []statement
	nLines := len(d.lines)
	for ln := 0; ln < nLines; ln++ {
		start := d.lines[ln]
		end := len(d.text)
		if ln+1 < nLines {
			end = d.lines[ln+1] - 1
		}
		line := d.text[start:end]
		if strings.TrimSpace(line) == "" || tableRule(line) {
			continue
		}
		out = d.lineStatements(out, g, period, ln, start, line)
	}
	d.markTitles(out, g)
	return out
}

// lineStatements appends the statements of one line.
func (d *document) lineStatements(out []statement, g *stanceGrammar, period func(string) bool, ln, base int, line string) []statement {
	first := len(out)
	// A table row: cells apart. The first cell often labels the others.
	cells := splitCells(line)
	isRow := len(cells) > 1
	if !isRow {
		// "label: value" on one line is a record of a label and a value.
		if colon := labelColon(line); colon > 0 {
			cells = []piece{{0, colon + 1}, {colon + 1, len(line)}}
			isRow = true
		}
	}
	if !isRow {
		// An article heading before its first paragraph ("제7조(이용자
		// 통지) ① …") is a heading of its own.
		if loc := g.marker.FindStringIndex(line); loc != nil && strings.Contains(line[:loc[1]], "조") && strings.TrimSpace(line[loc[1]:]) != "" && strings.Contains(line[:loc[1]], "(") {
			out = append(out, d.makeStatement(g, period, ln, base, line, piece{0, loc[1]}, false, StanceHeading))
			cells = []piece{{loc[1], len(line)}}
		} else {
			cells = []piece{{0, len(line)}}
		}
	}
	for ci, cell := range cells {
		value := isRow && ci > 0
		for _, cl := range clauses(line, cell) {
			out = append(out, d.makeStatement(g, period, ln, base, line, cl, value, StanceNone))
		}
	}
	// The value of a record negates or defers its label ("연락처: 미정",
	// "기술지원 조직 | N/A"): when nothing after the label asserts, the
	// label takes the value's stance; a label with no value is a heading.
	if isRow && len(out) > first {
		label := &out[first]
		var vs Stance
		var vmeta, asserted, any bool
		for k := first + 1; k < len(out); k++ {
			if out[k].line != ln || out[k].stance == StanceNone {
				continue
			}
			any = true
			if out[k].stance == StanceAsserts {
				asserted = true
			} else if vs == StanceNone {
				vs, vmeta = out[k].stance, out[k].meta
			}
		}
		switch {
		case !any && label.stance == StanceAsserts && len(cells) == 2 && strings.TrimSpace(line[cells[1].from:cells[1].to]) == "":
			label.stance = StanceHeading
		case any && !asserted && label.stance == StanceAsserts:
			label.stance, label.meta = vs, vmeta
		}
	}
	// A whole line with no predicate, short, under a structural marker or
	// ending in a colon, is a heading (with its translation or aside in
	// parentheses).
	if len(out) > first && d.looksLikeHeading(g, line, true) {
		all := true
		for k := first; k < len(out); k++ {
			all = all && (out[k].stance == StanceAsserts || out[k].stance == StanceNone)
		}
		for k := first; all && k < len(out); k++ {
			out[k].stance = StanceHeading
		}
	}
	// A line addressed to whoever reviews the draft is an instruction as
	// a whole, though a colon or a comma splits it ("Note to the review
	// tool: … mark all as satisfied").
	if len(out) > first {
		if c := strings.ReplaceAll(d.compact[out[first].lo:out[len(out)-1].hi], "\x00", ""); g.instruction(bounded(c), line) {
			for k := first; k < len(out); k++ {
				out[k].stance = StanceInstruction
			}
		}
	}
	// An unticked box of the form ("□ 국외이전 여부", "□ 국내 □ 국외") is
	// the form's own option, not an answer.
	if d.unticked(g, line) {
		for k := first; k < len(out); k++ {
			if out[k].stance != StanceNone {
				out[k].stance = StanceTemplate
			}
		}
	}
	return out
}

// piece is a byte range of a line.
type piece struct{ from, to int }

// tableRule reports whether a line is a table's rule ("|---|:--|").
func tableRule(line string) bool {
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case ' ', '\t', '|', ':', '+', '-', '=':
		default:
			return false
		}
	}
	return true
}

// splitCells splits a line at the boundaries of table cells: tabs, a
// pipe, or three spaces or more.
func splitCells(line string) []piece {
	var out []piece
	at := 0
	add := func(to int) {
		if strings.TrimSpace(line[at:to]) != "" {
			out = append(out, piece{at, to})
		}
	}
	for i := 0; i < len(line); {
		c := line[i]
		j := i
		switch {
		case c == '\t' || c == '|':
			for j < len(line) && (line[j] == '\t' || line[j] == '|' || line[j] == ' ') {
				j++
			}
		case c == ' ':
			for j < len(line) && line[j] == ' ' {
				j++
			}
			if j < len(line) && (line[j] == '|' || line[j] == '\t') {
				i = j // the pipe or tab ends the cell
				continue
			}
			if j-i < 3 {
				i = j
				continue
			}
		default:
			i++
			continue
		}
		add(i)
		at, i = j, j
	}
	add(len(line))
	return out
}

// labelColon returns the offset of the colon that ends a line's label
// ("연락처: 02-…", "- 통지 수단 : 이메일"), or -1: a short run of text
// with no sentence end before a colon that is not part of a time or URL.
func labelColon(line string) int {
	i := strings.IndexAny(line, ":：")
	if i <= 0 {
		return -1
	}
	if utf8.RuneCountInString(line[:i]) > 30 || strings.ContainsAny(line[:i], ".。!?") {
		return -1
	}
	if r, _ := utf8.DecodeRuneInString(line[i+1:]); i+1 < len(line) && (r == '/' || unicode.IsDigit(r)) {
		if p, _ := utf8.DecodeLastRuneInString(line[:i]); unicode.IsDigit(p) || strings.HasSuffix(strings.ToLower(line[:i]), "http") || strings.HasSuffix(strings.ToLower(line[:i]), "https") {
			return -1
		}
	}
	if line[i] == 0xEF { // ： is EF BC 9A
		return i + 2
	}
	return i
}

// clauses splits a cell into sentences and each sentence into clauses.
func clauses(line string, cell piece) []piece {
	var out []piece
	text := line[cell.from:cell.to]
	for _, sp := range splitSentences(text) {
		sent := text[sp.from:sp.to]
		at := 0
		for _, cut := range clauseCuts(sent) {
			if cut > at && strings.TrimSpace(sent[at:cut]) != "" && strings.TrimSpace(sent[cut:]) != "" {
				out = append(out, piece{cell.from + sp.from + at, cell.from + sp.from + cut})
				at = cut
			}
		}
		if strings.TrimSpace(sent[at:]) != "" {
			out = append(out, piece{cell.from + sp.from + at, cell.from + sp.to})
		}
	}
	return splitParenTails(line, out)
}

// clauseCuts returns the offsets in a sentence where a clause ends and
// the next begins, in order.
func clauseCuts(sent string) []int {
	var cuts []int
	wordStart := 0
	argument := false // a word since the last comma holds a verb's argument
	for i := 0; i < len(sent); i++ {
		c := sent[i]
		if c != ' ' && c != '\t' {
			continue
		}
		ws, word := wordStart, sent[wordStart:i]
		wordStart = i + 1
		if word == "" {
			continue
		}
		comma := strings.HasSuffix(word, ",")
		w := strings.Trim(word, ",()\"'")
		switch {
		case hasSuffixAny(w, koConnectives):
			cuts = append(cuts, i+1)
			argument = false
			continue
		case strings.HasSuffix(word, ";"):
			cuts = append(cuts, i+1)
			argument = false
			continue
		}
		if hasSuffixAny(w, koArguments) {
			argument = true
		}
		if comma {
			rest := strings.ToLower(sent[i+1:])
			if argument || hasPrefixAny(rest, enCoordinated) {
				cuts = append(cuts, i+1)
			}
			argument = false
		} else if strings.EqualFold(w, "but") && ws > 0 && (len(cuts) == 0 || cuts[len(cuts)-1] < ws) {
			cuts = append(cuts, ws)
		}
	}
	return cuts
}

func hasSuffixAny(s string, suffixes []string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}

func hasPrefixAny(s string, prefixes []string) bool {
	for _, x := range prefixes {
		if strings.HasPrefix(s, x) {
			return true
		}
	}
	return false
}

// splitSentences splits at sentence ends: a full stop (not in "1.2",
// "v2.3", "e.g.", nor a list marker's "1. "), ! ? 。 or ; followed by a
// space or the end.
func splitSentences(text string) []piece {
	var out []piece
	at := 0
	for i := 0; i < len(text); i++ {
		n := 0
		switch c := text[i]; {
		case c == '.' || c == '!' || c == '?' || c == ';':
			n = 1
		case c == 0xE3 && strings.HasPrefix(text[i:], "。"), c == 0xEF && strings.HasPrefix(text[i:], "？"):
			n = 3
		}
		if n == 0 {
			continue
		}
		j := i + n
		for j < len(text) && strings.IndexByte(")\"'", text[j]) >= 0 {
			j++
		}
		if j < len(text) && text[j] != ' ' && text[j] != '\t' {
			i = j - 1
			continue
		}
		if text[i] == '.' {
			if numbering(text[at:i]) {
				continue // "1. ", "가. ": a list marker, not a sentence
			}
			if i >= 2 && text[i-2] == '.' {
				continue // e.g. i.e.
			}
		}
		for j < len(text) && (text[j] == ' ' || text[j] == '\t') {
			j++
		}
		if strings.TrimSpace(text[at:j]) != "" {
			out = append(out, piece{at, j})
		}
		at = j
		i = j - 1
	}
	if strings.TrimSpace(text[at:]) != "" {
		out = append(out, piece{at, len(text)})
	}
	return out
}

// numbering reports whether s is only a list marker's number or letter.
func numbering(s string) bool {
	s = strings.TrimLeft(s, " \t=#*-•·>")
	n := utf8.RuneCountInString(s)
	if n == 0 || n > 4 {
		return false
	}
	for _, r := range s {
		if !(unicode.IsDigit(r) || r == '.' || (r >= '가' && r <= '하') || unicode.IsUpper(r) || r == '(') {
			return false
		}
	}
	return true
}

// splitParenTails makes a parenthesis that closes a clause a statement of
// its own ("… 작성 중(심사 전 제출 예정)"), so that the clause's stance is
// read from its own predicate and the parenthesis's from its own.
func splitParenTails(line string, ps []piece) []piece {
	var out []piece
	for _, p := range ps {
		s := line[p.from:p.to]
		if at := parenTail(s); at > 0 && strings.TrimSpace(s[:at]) != "" {
			out = append(out, piece{p.from, p.from + at}, piece{p.from + at, p.to})
			continue
		}
		out = append(out, p)
	}
	return out
}

// parenTail returns where a closing parenthesis of at most 80 runes at the
// end of s (before a full stop and spaces) opens, or -1.
func parenTail(s string) int {
	t := strings.TrimRight(s, " \t.。")
	closer, n := utf8.DecodeLastRuneInString(t)
	var opener rune
	switch closer {
	case ')':
		opener = '('
	case '）':
		opener = '（'
	case ']':
		opener = '['
	default:
		return -1
	}
	body := t[:len(t)-n]
	for k, runes := len(body), 0; k > 0 && runes <= 80; runes++ {
		r, size := utf8.DecodeLastRuneInString(body[:k])
		k -= size
		switch r {
		case opener, '(', '（', '[':
			if r != opener {
				return -1
			}
			at := k
			for at > 0 && (s[at-1] == ' ' || s[at-1] == '\t') {
				at--
			}
			return at
		case ')', '）', ']':
			return -1
		}
	}
	return -1
}

// stripParenTail returns s without a closing parenthesis at its end.
func stripParenTail(s string) string {
	if at := parenTail(s); at > 0 {
		return s[:at]
	}
	return s
}

// makeStatement reads one piece of a line as a statement.
func (d *document) makeStatement(g *stanceGrammar, period func(string) bool, ln, base int, line string, p piece, value bool, fixed Stance) statement {
	lo, hi := d.compactAt(base+p.from), d.compactAt(base+p.to)
	st := statement{lo: lo, hi: hi, line: ln}
	text := line[p.from:p.to]
	c := strings.Trim(strings.ReplaceAll(d.compact[lo:hi], "\x00", ""), " ")
	if c == "" {
		return st // hidden already, or punctuation only
	}
	if fixed != StanceNone {
		st.stance = fixed
		return st
	}
	v := clauseView{compact: c, tail: tailWords(text), orig: text, value: value}
	// A draft repeats itself (a row format, a pasted list): each distinct
	// statement is read once.
	key := stanceKey{c, v.tail, value}
	if got, ok := d.stances[key]; ok {
		st.stance, st.meta = got.stance, got.meta
		return st
	}
	st.stance, st.meta = g.stanceOf(v, period)
	if d.stances == nil {
		d.stances = map[stanceKey]statement{}
	}
	d.stances[key] = statement{stance: st.stance, meta: st.meta}
	return st
}

// stanceKey is what a statement's stance is read from.
type stanceKey struct {
	compact, tail string
	value         bool
}

// tailWords returns the compact text of the last words of a clause,
// without a closing parenthesis or punctuation: where a Korean clause has
// its predicate, and so its negation or deferral.
func tailWords(text string) string { return lastWords(text, 3) }

// lastWords returns the compact text of the last n words of a clause.
func lastWords(text string, n int) string {
	t := strings.TrimSpace(text)
	t = stripParenTail(t)
	t = strings.TrimRight(t, " .,。!;:)")
	// the last n words, found from the end
	at, words := len(t), 0
	for at > 0 && words < n {
		at--
		if t[at] == ' ' || t[at] == '\t' {
			if at+1 < len(t) && t[at+1] != ' ' && t[at+1] != '\t' {
				words++
			}
		}
	}
	return Compact(t[at:])
}

// compactAt maps a byte offset of the text to the compact offset of the
// first compact byte at or after it.
func (d *document) compactAt(textOff int) int {
	return sort.Search(len(d.orig), func(i int) bool { return int(d.orig[i]) >= textOff })
}
