package knowledge

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/selfcheck/selfcheck/usererr"
)

// MaxDraftBytes is the largest draft the review accepts: generous for any
// one item's evidence (the largest example submission is under 50 KB),
// small enough that a paste cannot tie up the server.
const MaxDraftBytes = 200 * 1024

// ReviewOptions adjust a review.
type ReviewOptions struct {
	// Service overrides the kind of service detected from the draft
	// (decides whether 3.1-c applies).
	Service ServiceKind
}

// CheckDraft validates a draft before review and returns it normalised.
// Its errors are user errors (usererr), with messages that say what to fix.
func CheckDraft(draft string) (string, error) {
	if len(draft) > MaxDraftBytes {
		return "", usererr.New(usererr.LargeDraft, fmt.Sprintf("초안이 너무 깁니다(%d KB). %d KB 이하로 나누어 검토해 주세요.", len(draft)/1024, MaxDraftBytes/1024),
			fmt.Sprintf("draft too large: %d KB, limit %d KB", len(draft)/1024, MaxDraftBytes/1024))
	}
	if !utf8.ValidString(draft) {
		return "", usererr.New(usererr.NotText, "초안이 UTF-8 텍스트가 아닙니다. 텍스트로 저장해 다시 시도해 주세요.", "draft is not UTF-8 text")
	}
	text := Normalize(draft)
	if strings.TrimSpace(text) == "" {
		return "", usererr.New(usererr.EmptyDraft, "초안이 비어 있습니다. 검토할 내용을 붙여 넣어 주세요.", "empty draft")
	}
	return text, nil
}

// Review checks a draft against every required element of an item and
// says, element by element, what is present, partial or missing, with the
// evidence or what to add. It is deterministic and does no I/O.
func (c *Checklist) Review(itemID, draft string, opts ReviewOptions) (Report, error) {
	if _, ok := c.Item(itemID); !ok {
		return Report{}, c.UnknownItem(itemID)
	}
	dr, err := c.PrepareDraft(draft)
	if err != nil {
		return Report{}, err
	}
	return c.ReviewDraft(itemID, dr, opts)
}

// ReviewDraft is Review of a prepared draft.
func (c *Checklist) ReviewDraft(itemID string, dr *Draft, opts ReviewOptions) (Report, error) {
	it, ok := c.Item(itemID)
	if !ok {
		return Report{}, c.UnknownItem(itemID)
	}
	d := dr.read()
	rep := Report{Item: it.ID, Title: it.Title}
	from, to, sectioned := c.sectionOf(dr, it)
	if !sectioned && to == 0 {
		// A whole form whose own headings ("검토 항목 1.2" …) name other
		// items but not this one holds no evidence for it: reviewing the
		// other items' text would be a silent wrong answer.
		if others := c.formHeadingsIn(dr); len(others) > 0 {
			return Report{}, usererr.New(usererr.NoSection, fmt.Sprintf("초안(문서)에서 %s 항목 부분을 찾지 못했습니다. 문서에 있는 검토 항목: %s. \"검토 항목 %s\" 제목 아래에 작성했는지 확인하거나 review all로 전체를 검토하세요.",
				it.ID, strings.Join(others, ", "), it.ID), fmt.Sprintf("no section for item %s in this form; it has %s", it.ID, strings.Join(others, ", ")))
		}
	}
	d.blankLinesWith(c.lineMarkers)
	d.blank(c.boilerplate)
	if sectioned {
		d.keepOnly(from, to)
		rep.Notices = append(rep.Notices, fmt.Sprintf("초안에 여러 검토 항목이 있어 %s 부분(%d~%d행)만 검토했습니다.", it.ID, d.line(from), d.line(max(from, to-1))))
		if n := c.guessNotice(dr, it); n != "" {
			rep.Notices = append(rep.Notices, n)
		}
	}
	// The draft as statements: questions, to-do notes, the form's
	// instructions, headings, negations and deferrals are not evidence.
	rd := c.read(d)
	rules := rd.rules
	// The kind of service is read from the whole draft: a pasted form
	// names it in its header, outside the item's own section.
	kind, kindWhy := opts.Service, "지정한 서비스 유형"
	if kind == KindUnknown && it.has(func(e *Element) bool { return e.Applies == AppliesSupport }) {
		whole := rd.kindView()
		if sectioned {
			w := dr.read()
			w.blankLinesWith(c.lineMarkers)
			w.blank(c.boilerplate)
			whole = c.read(w).kindView()
		}
		kind, kindWhy = detectServiceKind(whole, c.rules, c.form.ServiceKinds)
	}

	// The rules are evaluated once per draft, and only for items that use
	// them.
	var notify []span
	var noPII bool
	var noPIISpan span
	if it.has(func(e *Element) bool { return e.Scope == ScopeNotification }) {
		notify = notificationRanges(rules, c.rules)
		if notify == nil {
			notify = []span{} // no notification passage: nothing in scope counts
		}
	}
	if it.has(func(e *Element) bool { return e.PersonalData }) {
		noPIISpan, noPII = declaresNoPersonalData(rules, c.rules)
	}
	exempt := it.ExemptWithCertificate && rd.certificate != nil

	for _, e := range it.Elements {
		var r ElementResult
		switch {
		case exempt:
			r = ElementResult{ID: e.ID, Label: e.Label, Status: StatusNotApplicable, Stance: StanceAsserts,
				Evidence: rd.all.statementQuote(*rd.certificate), Line: rd.certificate.line + 1,
				Note: fmt.Sprintf(c.stance.notices["certificate_note"], c.form.CertificateExemptRange, rd.certificate.line+1, rd.all.statementQuote(*rd.certificate))}
		case e.PersonalData && noPII:
			r = ElementResult{ID: e.ID, Label: e.Label, Status: StatusNotApplicable,
				Evidence: rules.quote(noPIISpan), Line: rules.line(noPIISpan.start),
				Note: "초안이 개인정보를 처리하지 않음(암호화 대상 없음)을 명시하여 해당 없음으로 판단했습니다."}
		case e.Applies == AppliesSupport:
			r = reviewSupportElement(rd.view(e), rules, e, kind, kindWhy, c.rules, c.form.ServiceKinds)
			if r.NoteCode != "" {
				r.Note = c.NoteText(r.NoteCode, false, r.NoteArgs)
			}
		default:
			var within []span
			if e.Scope == ScopeNotification {
				within = notify
			}
			r = matchElement(rd.view(e), rules, e, within, c.rules)
		}
		c.explain(&r, e, rd)
		rep.Elements = append(rep.Elements, r)
	}

	rep.backing = &backing{c: c, it: it, rd: rd}
	if len(rd.instructions) > 0 {
		rep.Notices = append(rep.Notices, c.instructionNotice(rd))
		rep.Instructed = true
	}
	if noPII && !exempt {
		rep.Notices = append(rep.Notices, fmt.Sprintf("개인정보를 처리하지 않는다는 명시(%d행)에 따라 %s는 해당 없음으로 보고, 반환·폐기 절차와 국외이전·처리 위치는 그대로 검토했습니다.", rules.line(noPIISpan.start), personalDataIDs(it)))
	}
	if it.ExemptWithCertificate {
		switch {
		case exempt:
			rep.Notices = append(rep.Notices, fmt.Sprintf(c.stance.notices["certificate"], rd.certificate.line+1, c.form.CertificateExemptRange))
		default:
			if loc := rules.findAny(c.rules.certificate); loc != nil {
				rep.Notices = append(rep.Notices, fmt.Sprintf("초안이 보안인증을 언급합니다(%d행). 보안인증서를 제출하는 서비스는 %s 항목이 제외됩니다.", rules.line(loc[0].start), c.form.CertificateExemptRange))
			} else {
				rep.Notices = append(rep.Notices, fmt.Sprintf("보안인증서를 제출하는 서비스는 %s 항목이 제외됩니다.", c.form.CertificateExemptRange))
			}
		}
	}
	rep.Recount()
	return rep, nil
}

// sectionOf finds, in a draft that holds several items (a whole pasted
// form), the part that belongs to it: from its heading ("검토 항목 3.2",
// "3.2 고객대응 관리체계", or a line read as a numbered heading: see
// headingsOf) to the next item's heading, known item or not.
func (c *Checklist) sectionOf(dr *Draft, it *Item) (from, to int, ok bool) {
	return sectionIn(c.draftHeadings(dr), it.ID, len(dr.doc.compact))
}

func (it *Item) has(pred func(*Element) bool) bool {
	for _, e := range it.Elements {
		if pred(e) {
			return true
		}
	}
	return false
}

func personalDataIDs(it *Item) string {
	var ids []string
	for _, e := range it.Elements {
		if e.PersonalData {
			ids = append(ids, e.ID)
		}
	}
	if len(ids) > 2 {
		return ids[0] + "~" + ids[len(ids)-1]
	}
	return strings.Join(ids, ", ")
}

func reviewSupportElement(d, weakDoc *document, e *Element, kind ServiceKind, why string, rules *ruleTerms, names map[ServiceKind]string) ElementResult {
	switch kind {
	case KindCloud, KindConvergence:
		return ElementResult{ID: e.ID, Label: e.Label, Status: StatusNotApplicable, NoteCode: "service_not_support",
			NoteArgs: map[string]string{"support": names[KindSupport], "kind": names[kind], "why": why}}
	}
	r := matchElement(d, weakDoc, e, nil, rules)
	if kind == KindSupport {
		r.Note = strings.TrimSpace(fmt.Sprintf("%s로 판단해 적용했습니다(근거: %s). %s", names[KindSupport], why, r.Note))
	} else {
		r.Note = strings.TrimSpace(fmt.Sprintf("서비스 유형을 초안에서 확인할 수 없어 %s로 가정하고 적용했습니다. %s 또는 %s라면 해당 없음입니다. %s", names[KindSupport], names[KindCloud], names[KindConvergence], r.Note))
	}
	return r
}

// matchElement decides one element. within, when not nil, limits the
// matches that count to those inside the given spans.
func matchElement(d, weakDoc *document, e *Element, within []span, rules *ruleTerms) ElementResult {
	m := e.matcher
	r := ElementResult{ID: e.ID, Label: e.Label}
	inScope := func(ss []span) []span {
		if within == nil {
			return ss
		}
		var out []span
		for _, s := range ss {
			for _, w := range within {
				if s.start >= w.start && s.end <= w.end {
					out = append(out, s)
					break
				}
			}
		}
		return out
	}

	var groups [][]span
	var lead []span // the first group's matches, in scope or not
	matched := 0
	for g, group := range m.all {
		all := d.findAny(group)
		if g == 0 {
			lead = all
		}
		ss := inScope(all)
		groups = append(groups, ss)
		if len(ss) > 0 {
			matched++
		}
	}
	first := bestEvidence(d, groups)
	together := true
	if e.Window != nil && matched == len(m.all) && len(m.all) > 1 {
		var at span
		if at, together = d.together(groups, *e.Window, rules.fieldLabels); together {
			first = []span{at}
		}
	}

	var uncovered string
	if matched == len(m.all) && together && len(m.cover) > 0 {
		uncovered = d.uncovered(m.cover, groups[0], rules)
	}

	if e.Min > 0 && matched >= e.Min {
		matched = len(m.all)
	}

	switch {
	case matched == len(m.all) && together && uncovered != "":
		r.Status = StatusPartial
		r.Note = fmt.Sprintf("초안이 %q을(를) 다루지만 이 요소의 내용에는 들어 있지 않습니다. %s", uncovered, e.Hint)
	case matched == len(m.all) && together:
		r.Status = StatusPresent
	case matched > 0 && partialCounts(e.PartialWhen, groups):
		r.Status = StatusPartial
	default:
		r.Status = StatusMissing
		if ps := inScope(d.findAny(m.partial)); len(ps) > 0 {
			r.Status = StatusPartial
			first = ps
		} else {
			first = nil
		}
	}
	if first != nil {
		at := d.evidenceSpan(first[0])
		r.Evidence = d.quote(at)
		r.Line = d.line(at.start)
	}

	if weak, ok := findWeak(weakDoc, m.weak, rules.negation, rules.pending, rules.harm); ok {
		r.Status = StatusPartial
		r.Evidence = weakDoc.quote(weak)
		r.Line = weakDoc.line(weak.start)
		r.Note = fmt.Sprintf("%s(%s)을 쓴다고 되어 있어 기준에 미달합니다. %s", WeakAlgorithmMarker, strings.ToUpper(weakCore(weakDoc, weak)), e.Hint)
	}

	switch r.Status {
	case StatusPresent:
		if r.Note == "" {
			r.Note = "충족: 관련 내용이 있습니다."
		}
	case StatusPartial:
		if r.Note == "" {
			r.Note = "일부만 있습니다. " + e.Hint
		}
		r.Example = e.Example
	case StatusMissing:
		r.Note = e.Hint
		if e.Scope == ScopeNotification {
			if within != nil && len(within) == 0 {
				r.Note = "이용자에게 통지하는 내용(통지의 내용 및 방법)을 찾지 못했습니다. " + e.Hint
			} else if len(lead) > 0 {
				r.Note = fmt.Sprintf("%d행에 관련 표현이 있지만 이용자에게 통지하는 내용으로 제시되지 않았습니다. %s", d.line(lead[0].start), e.Hint)
			}
		}
		r.Example = e.Example
	}
	return r
}

// uncovered returns the first cover term the draft names (in a sentence
// that does not rule it out) that no match of the lead group has within
// its line or the next ones: a resident number collected but missing from
// the list of data encrypted.
//
// Each cover term is judged on all its mentions: an identifier collected
// on one line and listed among the data encrypted on another is covered.
func (d *document) uncovered(cover []term, lead []span, rules *ruleTerms) string {
	var negs []span
	negsFound := false
	for _, t := range cover {
		hits := d.find(t)
		if len(hits) == 0 {
			continue
		}
		if !negsFound {
			negs, negsFound = d.findAny(rules.negation), true
		}
		var first *span
		covered := false
		for _, c := range hits {
			if lo, hi := d.sentenceBounds(c); anyWithin(negs, lo, hi) {
				continue
			}
			if first == nil {
				first = &c
			}
			// A statement on the mention's line or up to coverLines
			// above it (a statement and the list under it).
			cl := d.compactLine(c.start)
			lo, hi := d.cline[max(0, cl-coverLines)], d.compactLineEnd(cl)
			if i := sort.Search(len(lead), func(i int) bool { return lead[i].start >= lo }); i < len(lead) && lead[i].start <= hi {
				covered = true
				break
			}
		}
		if first != nil && !covered {
			last := int(d.orig[first.end-1])
			_, n := utf8.DecodeRuneInString(d.text[last:])
			return d.text[d.orig[first.start] : last+n]
		}
	}
	return ""
}

// coverLines is how far from the statement an item it covers may stand:
// a statement and the list under it.
const coverLines = 4

// record returns the lines of the form record that line ln belongs to:
// a form written one field a line ("담당자: 홍길동", "연락처: 02-…")
// is one statement, although it spans lines.
func (d *document) record(ln int, labels []term) (first, last int) {
	const maxFields = 5
	first, last = ln, ln
	for k := 0; k < maxFields && first > 0 && d.startsWithLabel(first, labels); k++ {
		first--
	}
	for k := 0; k < maxFields && last+1 < len(d.cline) && d.startsWithLabel(last+1, labels); k++ {
		last++
	}
	return first, last
}

// startsWithLabel reports whether line ln begins (after a bullet) with
// a field label followed by a colon.
func (d *document) startsWithLabel(ln int, labels []term) bool {
	line := d.compact[d.cline[ln]:d.compactLineEnd(ln)]
	line = strings.TrimLeft(line, "-•*·>|○◦▪ \x00")
	colon := strings.IndexAny(line, ":：")
	if colon <= 0 || colon > 24 {
		return false
	}
	key := line[:colon]
	for _, t := range labels {
		if t.literal != "" && strings.HasPrefix(key, t.literal) {
			return true
		}
	}
	return false
}

// partialCounts says whether the groups that matched make a partial
// match, by the element's partial_when.
func partialCounts(when string, groups [][]span) bool {
	switch when {
	case PartialWhenFirst:
		return len(groups[0]) > 0
	case PartialWhenLast:
		return len(groups[len(groups)-1]) > 0
	}
	return true
}

// together finds a match of the first group that has a match of every
// other group within the window, and returns it.
func (d *document) together(groups [][]span, w Window, labels []term) (span, bool) {
	for _, a := range groups[0] {
		ln := d.compactLine(a.start)
		first, last := d.record(ln, labels)
		lo := d.cline[max(0, min(first, ln-w.Lines))]
		hi := d.compactLineEnd(min(len(d.cline)-1, max(last, ln+w.Lines)))
		if w.Chars > 0 {
			lo, hi = max(lo, a.start-w.Chars), min(hi, a.end+w.Chars)
		}
		all := true
		for _, g := range groups[1:] {
			i := sort.Search(len(g), func(i int) bool { return g[i].end > lo })
			if i == len(g) || g[i].start >= hi {
				all = false
				break
			}
		}
		if all {
			return a, true
		}
	}
	return span{}, false
}

// bestEvidence picks, among the matches of the first group that matched,
// the one whose line also holds matches of the most other groups: the line
// that says the whole element, not just one word of it.
func bestEvidence(d *document, groups [][]span) []span {
	lead := -1
	for g, ss := range groups {
		if len(ss) > 0 {
			lead = g
			break
		}
	}
	if lead < 0 {
		return nil
	}
	lines := make([]map[int]bool, len(groups))
	for g, ss := range groups {
		lines[g] = map[int]bool{}
		for _, s := range ss {
			lines[g][d.line(s.start)] = true
		}
	}
	best, bestN := 0, -1
	for i, s := range groups[lead] {
		ln, n := d.line(s.start), 0
		for g := range groups {
			if lines[g][ln] {
				n++
			}
		}
		if n > bestN {
			best, bestN = i, n
		}
	}
	return groups[lead][best:]
}
