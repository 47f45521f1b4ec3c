package knowledge

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// FormSections says which items a whole filled-in form (a file or a
// paste holding several items) has a section for.
type FormSections struct {
	// Found lists the items with guidance whose heading is in the draft,
	// in checklist order.
	Found []string
	// NotFound lists the items with guidance that have no heading.
	NotFound []string
	// Unknown lists the item numbers with a heading ("검토 항목 1.4",
	// or a numbered heading "1.4 보안 취약점 관리" in a form) that the
	// checklist only numbers: no guidance yet, so they are never reviewed.
	// In order of appearance.
	Unknown []string
}

// FindSections finds each item's section in a draft the way the review
// does (sectionOf: "검토 항목 3.2", "3.2 고객대응 관리체계", or a line
// read as a numbered heading), so that reviewing each found item of the
// same draft reviews exactly that section. Its errors are user errors, as
// for Review.
func (c *Checklist) FindSections(draft string) (FormSections, error) {
	dr, err := c.PrepareDraft(draft)
	if err != nil {
		return FormSections{}, err
	}
	return c.SectionsOf(dr), nil
}

// SectionsOf is FindSections of a prepared draft: a whole form is
// prepared once, for finding its sections and reviewing each.
func (c *Checklist) SectionsOf(dr *Draft) FormSections {
	fs := FormSections{Found: []string{}, NotFound: []string{}, Unknown: []string{}}
	hs := c.draftHeadings(dr)
	for _, it := range c.Items {
		// an empty span when the item has no heading.
		if from, to, _ := c.sectionOf(dr, it); to > from {
			fs.Found = append(fs.Found, it.ID)
		} else {
			fs.NotFound = append(fs.NotFound, it.ID)
		}
	}
	for _, h := range hs {
		if _, known := c.Item(h.id); known || slices.Contains(fs.Unknown, h.id) {
			continue
		}
		fs.Unknown = append(fs.Unknown, h.id)
	}
	return fs
}

// headingKind says how a section's heading was recognised: by the form's
// label ("검토 항목 1.3"), by number and the item's exact title, or from
// the number alone on a line that reads as a heading (a guess, which the
// review's notice names).
type headingKind int

const (
	headingLabel headingKind = iota
	headingTitle
	headingGuess
)

// sectionHeading is one item heading in a draft.
type sectionHeading struct {
	id   string
	off  int // compact offset
	kind headingKind
	line int    // 1-based; set for guesses
	text string // the line as written; set for guesses
}

// formHeadingPattern finds the form's own heading of an item in compact
// text (form.yaml's item_heading and an item number: "검토 항목 1.4" with
// spaces removed, also as a table row "검토 항목 | 1.4").
func formHeadingPattern(heading string) *regexp.Regexp {
	return regexp.MustCompile(regexp.QuoteMeta(heading) + `[|:]?(` + itemNumber + `)(?:[^0-9]|$)`)
}

// reNumberedLine reads a line that starts with an item number: "1.3 제목",
// "1.3. 제목", "Ⅰ-1.3 제목", "[1.3] 제목", "| 1.3 | 제목 |". Group 1 is
// the number, group 2 lower levels (".1" of "1.3.1"), group 3 the rest.
var reNumberedLine = regexp.MustCompile(`^[\s|]*(?:(?:Ⅰ|Ⅱ|Ⅲ|III|II|I)\s?[-.]\s?)?[\[(]?\s?([1-9]\s?[.\-·]\s?[1-9])((?:[.\-·][0-9]+)*)\s?[.\])]?(?:\s|\||$)(.*)$`)

// numberID is canonicalItemID of a match of itemNumber ("3 . 2", "1-3"),
// without building a replacer for each of a long form's lines.
func numberID(n string) string {
	return n[:1] + "." + n[len(n)-1:]
}

// mayBeNumbered is a cheap test before reNumberedLine: the line's first
// character after spaces and table bars is a digit, a bracket or a
// section numeral.
func mayBeNumbered(line string) bool {
	line = strings.TrimLeft(line, " |")
	if line == "" {
		return false
	}
	switch b := line[0]; {
	case b >= '1' && b <= '9', b == '[', b == '(', b == 'I':
		return true
	}
	return strings.HasPrefix(line, "Ⅰ") || strings.HasPrefix(line, "Ⅱ") || strings.HasPrefix(line, "Ⅲ")
}

// headingTitleOK reports whether the rest of a numbered line reads as a
// heading's title: short, starting with a word, not a sentence or a
// "label: value" record.
func headingTitleOK(title string) bool {
	title = strings.Join(strings.Fields(strings.ReplaceAll(title, "|", " ")), " ")
	n := utf8.RuneCountInString(title)
	if n == 0 || n > 60 || strings.ContainsAny(title, ":：") {
		return false
	}
	first, _ := utf8.DecodeRuneInString(title)
	if !unicode.IsLetter(first) && first != '(' {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(title)
	return !strings.ContainsRune(".?!。다요음함됨임", last)
}

// titleWords are the words of an item's Korean and English titles that
// a numbered heading's title may share with it (not 및/and, nor short
// English words).
func titleWords(it *Item) []string {
	var out []string
	for _, w := range strings.FieldsFunc(it.Title+" "+strings.ToLower(it.TitleEN), func(r rune) bool {
		return !unicode.IsLetter(r)
	}) {
		if w == "및" || w == "and" || utf8.RuneCountInString(w) < 2 || (w[0] < 0x80 && len(w) < 4) {
			continue
		}
		out = append(out, w)
	}
	return out
}

// titleFits reports whether a numbered heading's title speaks of the
// item: it holds a word of the item's Korean or English title ("3.1 조직·
// 인력 구성 현황", "1.3 Data management"). A policy's own clause that
// happens to carry the number ("1.2 적용 범위") does not.
func titleFits(words []string, title string) bool {
	t := strings.ToLower(Compact(title))
	for _, w := range words {
		if strings.Contains(t, w) {
			return true
		}
	}
	return false
}

// headingsOf lists the item headings of a draft in order: the form's
// labelled headings and number-and-title headings wherever they are (as
// before), and lines that start with an item number and read as a
// heading. Those are guesses, taken only when they keep the checklist's
// order (a "1.2" after "3.1" has begun is a policy's clause), when the
// number is the checklist's, when no numbered clause of the policy has
// been seen in the section so far, when an item with guidance is named by
// a title that speaks of it, and, for an item without guidance, when the
// draft is a form (it has another heading).
func (c *Checklist) headingsOf(d *document) []sectionHeading {
	var hs []sectionHeading
	for _, loc := range c.formHeading.FindAllStringSubmatchIndex(d.compact, -1) {
		hs = append(hs, sectionHeading{id: numberID(d.compact[loc[2]:loc[3]]), off: loc[0], kind: headingLabel})
	}
	for _, it := range c.Items {
		if i := strings.Index(d.compact, c.headings[it.ID][1]); i >= 0 {
			hs = append(hs, sectionHeading{id: it.ID, off: i, kind: headingTitle})
		}
	}
	slices.SortStableFunc(hs, func(a, b sectionHeading) int { return a.off - b.off })

	type candidate struct {
		ln              int
		id, sub, title  string
		shaped, guided  bool
		fits, fitsKnown bool
		text            string
		confirmedOnLine bool
	}
	var cands []candidate
	anchor := len(hs) > 0
	words := map[string][]string{}
	j := 0
	for ln := range d.lines {
		end := d.compactLineEnd(ln)
		cd := candidate{ln: ln}
		for j < len(hs) && hs[j].off <= end {
			cd.confirmedOnLine = true
			j++
		}
		start := d.lines[ln]
		tend := len(d.text)
		if ln+1 < len(d.lines) {
			tend = d.lines[ln+1] - 1
		}
		line := d.text[start:tend]
		if !cd.confirmedOnLine {
			if !mayBeNumbered(line) {
				continue
			}
			m := reNumberedLine.FindStringSubmatch(line)
			if m == nil || !headingTitleOK(m[3]) {
				continue
			}
			cd.id, cd.sub, cd.title, cd.shaped = numberID(m[1]), m[2], m[3], true
			cd.text = strings.TrimSpace(line)
			if it, ok := c.byID[cd.id]; ok && cd.sub == "" {
				if _, seen := words[it.ID]; !seen {
					words[it.ID] = titleWords(it)
				}
				cd.guided = true
				if !anchor {
					cd.fits = titleFits(words[it.ID], cd.title)
					cd.fitsKnown, anchor = true, cd.fits
				}
			}
		}
		cands = append(cands, cd)
	}

	last, clause := "", false
	j = 0
	var guesses []sectionHeading
	for _, cd := range cands {
		if cd.confirmedOnLine {
			for j < len(hs) && hs[j].off <= d.compactLineEnd(cd.ln) {
				last = hs[j].id
				j++
			}
			clause = false
			continue
		}
		switch {
		case cd.sub != "":
			// A lower level of another number is the policy's own.
			clause = clause || cd.id != last
			continue
		case cd.id == last || clause:
			continue
		case cd.guided && !cd.fitsKnown:
			cd.fits = titleFits(words[cd.id], cd.title)
		}
		switch {
		case !c.Numbers(cd.id) || (last != "" && compareItemIDs(cd.id, last) < 0) || (cd.guided && !cd.fits):
			clause = true
			continue
		case !cd.guided && !anchor:
			continue
		}
		guesses = append(guesses, sectionHeading{id: cd.id, off: d.cline[cd.ln], kind: headingGuess, line: cd.ln + 1, text: cd.text})
		last = cd.id
	}
	if len(guesses) == 0 {
		return hs
	}
	hs = append(hs, guesses...)
	slices.SortStableFunc(hs, func(a, b sectionHeading) int { return a.off - b.off })
	return hs
}

// draftHeadings is headingsOf a prepared draft, found on first use and
// kept: review all asks for them once per item. headingsOf only reads
// the document.
func (c *Checklist) draftHeadings(dr *Draft) []sectionHeading {
	dr.headingsOnce.Do(func() { dr.headings = c.headingsOf(dr.doc) })
	return dr.headings
}

// sectionIn finds item id's section among a draft's headings: from its
// first heading (the form's label first, then number and title, then a
// guess) to the next heading of another item, known or not, so that an
// item without guidance ends the section before it. ok says there are
// other items' headings: the draft is a form.
func sectionIn(hs []sectionHeading, id string, n int) (from, to int, ok bool) {
	start := -1
	for kind := headingLabel; kind <= headingGuess && start < 0; kind++ {
		for i, h := range hs {
			if h.id == id && h.kind == kind {
				start = i
				break
			}
		}
	}
	if start < 0 {
		return 0, 0, false
	}
	from, to = hs[start].off, n
	for _, h := range hs {
		if h.id == id {
			continue
		}
		ok = true
		if h.off > from && h.off < to {
			to = h.off
		}
	}
	return from, to, ok
}

// guessNotice says which lines bound an item's section by their number
// alone, or is empty when its bounds are the form's own headings.
func (c *Checklist) guessNotice(dr *Draft, it *Item) string {
	hs := c.draftHeadings(dr)
	from, to, ok := c.sectionOf(dr, it)
	if !ok {
		return ""
	}
	var read []string
	for _, h := range hs {
		if h.kind == headingGuess && (h.off == from || h.off == to) {
			read = append(read, fmt.Sprintf(c.form.GuessedLine, h.line, h.text, h.id))
		}
	}
	if len(read) == 0 {
		return ""
	}
	return fmt.Sprintf(c.form.GuessedHeadings, strings.Join(read, ", "), it.ID)
}

// formHeadingsIn lists the item numbers of the form's own headings and
// numbered headings in a draft, in order of appearance, each once.
func (c *Checklist) formHeadingsIn(dr *Draft) []string {
	var out []string
	for _, h := range c.draftHeadings(dr) {
		if h.kind != headingTitle && !slices.Contains(out, h.id) {
			out = append(out, h.id)
		}
	}
	return out
}
