package knowledge

import (
	"fmt"
	"sort"
	"strings"
)

// reading is a draft split into statements, with the views of it that the
// review reads: what the rules see (the form's own instructions, questions
// and deferred sentences hidden) and what counts as evidence (only what
// asserts).
type reading struct {
	sts []statement
	// all is the draft with the form's own text hidden and every
	// statement readable: where the review looks for what spoke of an
	// element, whatever its stance.
	all *document
	// rules is what the review's rules read (notification passages, the
	// kind of service, a weak algorithm still in use).
	rules *document
	// evidence shows asserting statements, headings that title an
	// asserting body, and statements of what is done when needed; plan
	// hides the last as well; negation also shows negations of practice.
	evidence, plan, negation *document
	// users also shows statements of what users or customers must do.
	users *document
	// instructions are the statements addressed to a reviewer.
	instructions []statement
	// certificate is the statement that says the service submits a
	// security certificate, if any.
	certificate *statement
}

// read splits a prepared document into statements and builds its views.
func (c *Checklist) read(d *document) *reading {
	period := func(s string) bool { return containsAny(c.period, s) }
	sts := d.statements(c.stance, period)
	// A sentence that points at a procedure written elsewhere ("내부
	// 기준에 따라") names a topic without stating it; a line with a to-do
	// marker ("TODO: …", "[ ] …") is still to be written, whatever its
	// parts say.
	for _, h := range d.findAny(c.rules.byReference) {
		if s := statementAt(sts, h.start); s != nil && (s.stance == StanceAsserts || s.stance == StanceAdHoc) {
			s.stance = StanceDefers
		}
	}
	for _, h := range d.findAny(c.rules.todo) {
		if s := statementAt(sts, h.start); s != nil {
			for k := range sts {
				if sts[k].line == s.line {
					sts[k].stance = StanceDefers
				}
			}
		}
	}
	r := &reading{sts: sts, all: d}
	for i := range sts {
		s := &sts[i]
		switch {
		case s.stance == StanceInstruction:
			r.instructions = append(r.instructions, *s)
		case r.certificate == nil && (s.stance == StanceAsserts || s.stance == StanceNegates && c.stance.certExempts.MatchString(d.compact[s.lo:s.hi])) && c.stance.certified(d.compact[s.lo:s.hi]):
			r.certificate = s
		}
	}
	r.rules = d.hiding(sts, func(s statement) bool {
		switch s.stance {
		case StanceQuestion, StanceTemplate, StanceInstruction, StanceDefers:
			return true
		}
		return false
	})
	r.evidence = d.hiding(sts, func(s statement) bool {
		return !(s.stance == StanceAsserts || s.stance == StanceAdHoc || s.title)
	})
	return r
}

// startsIn reports whether one of the hits (in text order) starts in
// [lo, hi).
func startsIn(hits []span, lo, hi int) bool {
	k := sort.Search(len(hits), func(k int) bool { return hits[k].start >= lo })
	return k < len(hits) && hits[k].start < hi
}

// terms returns every term of an element: its groups, partial terms and
// topic.
func (m *elementMatcher) terms() []term {
	var ts []term
	for _, g := range m.all {
		ts = append(ts, g...)
	}
	return append(append(ts, m.partial...), m.topic...)
}

// statementAt returns the statement holding compact offset at, or nil.
func statementAt(sts []statement, at int) *statement {
	k := sort.Search(len(sts), func(k int) bool { return sts[k].hi > at })
	if k < len(sts) && sts[k].lo <= at {
		return &sts[k]
	}
	return nil
}

// kindView is what the kind of service is read from: the rules' view
// without negations ("지원서비스는 제공하지 않습니다" declares no support
// service).
func (r *reading) kindView() *document {
	return r.all.hiding(r.sts, func(s statement) bool {
		switch s.stance {
		case StanceQuestion, StanceTemplate, StanceInstruction, StanceDefers, StanceNegates:
			return true
		}
		return false
	})
}

// planView is the evidence with statements of what is done only when
// needed hidden too.
func (r *reading) planView() *document {
	if r.plan == nil {
		r.plan = r.all.hiding(r.sts, func(s statement) bool { return !(s.stance == StanceAsserts || s.title) })
	}
	return r.plan
}

// negationView is the evidence with negations of practice readable too.
func (r *reading) negationView() *document {
	if r.negation == nil {
		r.negation = r.all.hiding(r.sts, func(s statement) bool {
			return !(s.stance == StanceAsserts || s.stance == StanceAdHoc || s.title || (s.stance == StanceNegates && !s.meta))
		})
	}
	return r.negation
}

// view returns the evidence an element reads.
func (r *reading) view(e *Element) *document {
	switch {
	case e.UserActs:
		if r.users == nil {
			r.users = r.all.hiding(r.sts, func(s statement) bool {
				return !(s.stance == StanceAsserts || s.stance == StanceAdHoc || s.title || s.stance == StanceOtherRole)
			})
		}
		return r.users
	case e.NegationAnswers:
		return r.negationView()
	case e.NeedsPlan:
		return r.planView()
	}
	return r.evidence
}

// hiding returns a copy of the document with the statements hide selects
// hidden; titles carry the body they name, for quoting.
func (d *document) hiding(sts []statement, hide func(statement) bool) *document {
	cp := *d
	cp.found = nil
	b := []byte(d.compact)
	for _, s := range sts {
		if hide(s) {
			hideRange(b, s.lo, s.hi)
		}
	}
	cp.compact = string(b)
	cp.titles = nil
	for i, s := range sts {
		if !s.title {
			continue
		}
		for k := i + 1; k < len(sts); k++ {
			if sts[k].line != s.line && sts[k].stance == StanceAsserts {
				cp.titles = append(cp.titles, titleRef{lo: s.lo, hi: s.hi, body: span{sts[k].lo, sts[k].hi}})
				break
			}
		}
	}
	return &cp
}

// hideRange blanks b[lo:hi] as hide does.
func hideRange(b []byte, lo, hi int) { hide(b, lo, min(hi, len(b))) }

// titleRef is a heading kept readable as the title of the statement under
// it: evidence found in the heading is quoted from the body.
type titleRef struct {
	lo, hi int
	body   span
}

// evidenceSpan moves a match in a title to the body it titles: evidence is
// always an asserting statement.
func (d *document) evidenceSpan(s span) span {
	for _, t := range d.titles {
		if s.start >= t.lo && s.start < t.hi {
			return t.body
		}
	}
	return s
}

// explain sets the stance of an element's result and, when a statement
// that does not assert the element spoke of it, quotes that statement in
// the note with what to write instead.
func (c *Checklist) explain(r *ElementResult, e *Element, rd *reading) {
	switch r.Status {
	case StatusPresent:
		r.Stance = StanceAsserts
		return
	case StatusNotApplicable:
		if r.Stance == StanceNone && r.Evidence != "" {
			r.Stance = StanceAsserts
		}
		return
	}
	st := rd.speaker(e, c.speaks(e))
	if st == nil {
		if r.Evidence != "" {
			// partial on what a statement asserts (a weak algorithm,
			// a unit without a contact)
			r.Stance = StanceAsserts
		}
		return
	}
	r.Stance = st.stance
	if st.stance == StanceAdHoc && r.Status == StatusMissing {
		// named, but done only when needed: a part of a plan
		r.Status = StatusPartial
	}
	key := string(st.stance)
	if st.stance == StanceNegates && st.meta {
		key = "negates_meta"
	}
	tmpl, ok := c.stance.notes[key]
	if !ok {
		return
	}
	hint := e.Hint
	r.Note = fmt.Sprintf(tmpl, rd.all.statementQuote(*st), hint)
	if r.Evidence == "" {
		r.Line = st.line + 1
	}
}

// speaks returns the terms that show a statement speaks of an element:
// its first group (what it is about; the others qualify it), its topic,
// and for an element of one group its partial terms.
func (c *Checklist) speaks(e *Element) []term {
	ts := append([]term{}, e.matcher.all[0]...)
	if len(e.matcher.all) == 1 {
		ts = append(ts, e.matcher.partial...)
	}
	return append(ts, e.matcher.topic...)
}

// speaker returns the first statement that speaks of an element without
// asserting it (negates, defers, a bare heading …), or nil.
func (rd *reading) speaker(e *Element, terms []term) *statement {
	hits := rd.all.findAny(terms)
	if len(hits) == 0 {
		return nil
	}
	for i := range rd.sts {
		s := &rd.sts[i]
		if s.stance == StanceAsserts || s.stance == StanceNone || s.title {
			continue
		}
		if s.stance == StanceAdHoc && !e.NeedsPlan || s.stance == StanceOtherRole && e.UserActs {
			continue
		}
		if startsIn(hits, s.lo, s.hi) {
			// A heading with a body that does not assert: the body
			// decided ("재발 방지 대책" then "준비 중").
			if s.stance == StanceHeading && i+1 < len(rd.sts) {
				if n := &rd.sts[i+1]; n.line > s.line && n.line <= s.line+2 && n.stance != StanceHeading && n.stance != StanceNone && n.stance != StanceAsserts {
					return n
				}
			}
			return s
		}
	}
	return nil
}

// statementQuote returns a statement as the user wrote it, shortened.
func (d *document) statementQuote(s statement) string {
	if s.hi <= s.lo {
		return ""
	}
	lo := int(d.orig[s.lo])
	hi := int(d.orig[min(s.hi, len(d.orig))-1]) + 1
	for hi < len(d.text) && !isRuneStart(d.text[hi]) {
		hi++
	}
	q := strings.TrimSpace(d.text[lo:hi])
	if strings.HasSuffix(q, ":") || strings.HasSuffix(q, "：") {
		// a record's label: quote the record
		end := strings.IndexByte(d.text[hi:], '\n')
		if end < 0 {
			end = len(d.text) - hi
		}
		q = strings.TrimSpace(d.text[lo : hi+end])
	}
	q = strings.TrimRight(q, ",;")
	return window(q, 0, 0, 0, 80)
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// instructionNotice says that statements addressed to a reviewer were
// found and not used, with their lines.
func (c *Checklist) instructionNotice(rd *reading) string {
	var lines []string
	for _, s := range rd.instructions {
		ln := fmt.Sprint(s.line + 1)
		if len(lines) == 0 || lines[len(lines)-1] != ln {
			lines = append(lines, ln)
		}
	}
	return fmt.Sprintf(c.stance.notices["instruction"], strings.Join(lines, ", "))
}

// backing is what a review keeps to judge a model's claims: the draft's
// statements and the elements' terms.
type backing struct {
	c  *Checklist
	it *Item
	rd *reading
}

// Backs reports whether line ln (1-based) of the draft holds a statement
// that could back a claim that the element is there: it asserts (not a
// heading, a negation, a question, an instruction …), and it speaks of the
// element, using at least one of its terms. One statement backs only the
// elements it speaks of. A report not made by a review backs any line.
func (r Report) Backs(elementID string, ln int) bool {
	b := r.backing
	if b == nil {
		return true
	}
	e, ok := b.it.Element(elementID)
	if !ok {
		return false
	}
	hits := b.rd.all.findAny(e.matcher.terms())
	for i := range b.rd.sts {
		s := &b.rd.sts[i]
		if s.line != ln-1 || !(s.stance == StanceAsserts || s.stance == StanceAdHoc || e.NegationAnswers && s.stance == StanceNegates && !s.meta) {
			continue
		}
		if startsIn(hits, s.lo, s.hi) {
			return true
		}
	}
	return false
}
