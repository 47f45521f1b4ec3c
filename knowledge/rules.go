package knowledge

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// ruleTerms are the concepts the review's rules are made of, compiled
// once at load. Their words live in concepts.yaml (the rule_* and
// service_* concepts), so a maintainer widens a rule there, not here.
type ruleTerms struct {
	// A passage about notifying users starts where the draft speaks of
	// telling users of an incident …
	notifyAnchor []term
	// … and ends where the response procedure, internal handling or
	// another article begins.
	notifyStop []term
	// An explicit statement that the service processes no personal data
	// or has nothing to encrypt, and the conditional phrasing after it
	// that makes it a quote of the criteria rather than a declaration.
	noPersonalData, conditional []term
	// Words before it in its sentence that make it a condition ("if the
	// service does not process personal data, say so").
	conditionalLead []term
	// Words that rule out a weak algorithm named in the same sentence,
	// unless the sentence says the change is only planned.
	negation, pending []term
	// Words that mark a sentence as still to be written, or as pointing
	// at a procedure written elsewhere instead of stating it.
	todo, byReference []term
	// A draft that says it has a security certificate (the exemption).
	certificate []term
	// Words of a line label that keep it inside a notification passage
	// (통지 수단:, 문의처:, What happened:).
	notifyLabels []term
	// Labels of the fields of a form record (담당자, 연락처 …).
	fieldLabels []term
	// Harms whose negation asserts a safeguard (stance.yaml ko.harm).
	harm *grammarRE
	// Declarations of the kind of service.
	support, cloud, convergence []term
}

// ruleConcepts names the concepts every knowledge base must define.
var ruleConcepts = []string{"rule_notify_anchor", "rule_notify_stop", "rule_no_personal_data", "rule_conditional", "rule_conditional_lead",
	"rule_negation", "rule_pending", "rule_todo", "rule_by_reference", "rule_notify_label", "rule_field_label", "rule_certificate", "service_support", "service_cloud", "service_convergence"}

func compileRules(lex *lexicon) (*ruleTerms, error) {
	for _, name := range ruleConcepts {
		if _, err := lex.concept(name); err != nil {
			return nil, fmt.Errorf("the review's rules need it: %w", err)
		}
	}
	return &ruleTerms{
		notifyAnchor: lex.mustConcept("rule_notify_anchor"), notifyStop: lex.mustConcept("rule_notify_stop"),
		noPersonalData: lex.mustConcept("rule_no_personal_data"), conditional: lex.mustConcept("rule_conditional"), conditionalLead: lex.mustConcept("rule_conditional_lead"),
		negation: lex.mustConcept("rule_negation"), pending: lex.mustConcept("rule_pending"),
		todo: lex.mustConcept("rule_todo"), byReference: lex.mustConcept("rule_by_reference"), fieldLabels: lex.mustConcept("rule_field_label"), notifyLabels: lex.mustConcept("rule_notify_label"), certificate: lex.mustConcept("rule_certificate"),
		support: lex.mustConcept("service_support"), cloud: lex.mustConcept("service_cloud"),
		convergence: lex.mustConcept("service_convergence"),
	}, nil
}

func (r *ruleTerms) all() [][]term {
	return [][]term{r.notifyAnchor, r.notifyStop, r.noPersonalData, r.conditional, r.conditionalLead, r.negation, r.pending, r.todo, r.byReference, r.notifyLabels, r.fieldLabels, r.certificate, r.support, r.cloud, r.convergence}
}

// containsAny reports whether the compact text s holds one of the terms
// (literals and regular expressions; proximity terms need a document).
func containsAny(ts []term, s string) bool {
	for _, t := range ts {
		switch {
		case t.re != nil:
			if t.re.re.MatchString(s) {
				return true
			}
		case t.literal != "":
			if strings.Contains(s, t.literal) {
				return true
			}
		}
	}
	return false
}

// ServiceKind is the kind of digital service a draft is for, as far as
// the review can tell.
type ServiceKind string

// Kinds of service, as in section I of the checklist.
const (
	KindUnknown     ServiceKind = ""
	KindCloud       ServiceKind = "cloud"
	KindSupport     ServiceKind = "support"
	KindConvergence ServiceKind = "convergence"
)

// detectServiceKind decides from the draft which kind of service it is for
// and says why. Support wins over cloud only when it is declared more
// often: a cloud provider's document mentions consulting staff too.
func detectServiceKind(d *document, r *ruleTerms, names map[ServiceKind]string) (ServiceKind, string) {
	sup := d.findAny(r.support)
	cld := d.findAny(r.cloud)
	con := d.findAny(r.convergence)
	switch {
	case len(con) > 0 && len(con) >= len(sup) && len(con) >= len(cld):
		return KindConvergence, fmt.Sprintf(`초안에 %s라는 표현이 있습니다: "%s"`, names[KindConvergence], d.quote(con[0]))
	case len(sup) > 0 && len(sup) >= len(cld):
		return KindSupport, fmt.Sprintf(`초안이 %s를 설명합니다: "%s"`, names[KindSupport], d.quote(sup[0]))
	case len(cld) > 0:
		return KindCloud, fmt.Sprintf(`초안이 %s를 설명합니다: "%s"`, names[KindCloud], d.quote(cld[0]))
	}
	return KindUnknown, ""
}

// notificationRanges returns the passages of the draft that speak about
// notifying users, as compact offsets.
func notificationRanges(d *document, r *ruleTerms) []span {
	const maxLen = 1500 // bytes of compact text, roughly 500 Hangul syllables
	var out []span
	stops := append(d.findAny(r.notifyStop), d.articleHeadings()...)
	sortSpans(stops)
	anchors := d.findAny(r.notifyAnchor)
	for _, a := range anchors {
		loc := [2]int{a.start, a.end}
		// The passage starts with the anchor's line ("이용자에게 전자우편으로
		// 통지한다" names the channel before the verb), or a little before
		// the anchor when the whole draft is one long line.
		start := max(d.cline[d.line(loc[0])-1], loc[0]-300)
		end := min(len(d.compact), loc[1]+maxLen)
		if i := sort.Search(len(stops), func(i int) bool { return stops[i].start >= loc[1] }); i < len(stops) && stops[i].start < end {
			end = stops[i].start
		}
		// A later line headed by a label about something else ("대응:",
		// "Response:") starts another topic.
		for ln := d.compactLine(loc[0]) + 1; ln < len(d.cline) && d.cline[ln] < end; ln++ {
			if key, ok := d.lineLabel(ln); ok && !containsAny(r.notifyLabels, key) {
				end = d.cline[ln]
				break
			}
		}
		if n := len(out); n > 0 && start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, end)
			continue
		}
		out = append(out, span{start, end})
	}
	return out
}

// lineLabel returns the label that heads line ln ("대응", "통지 수단"
// of "- 통지 수단 : 이메일"): a short run of text, after a bullet, before a
// colon.
func (d *document) lineLabel(ln int) (string, bool) {
	line := d.compact[d.cline[ln]:d.compactLineEnd(ln)]
	line = strings.TrimLeft(line, "-•*·>|○◦▪■□▶#0123456789.) \x00")
	colon := strings.IndexAny(line, ":：")
	if colon <= 0 || colon > 30 {
		return "", false
	}
	return line[:colon], true
}

// articleHeadings finds "제8조" — a new article of a regulation ends the
// passage before it. A scan for 제 beats a regexp whose only literal is
// one common syllable.
func (d *document) articleHeadings() []span {
	var out []span
	for _, at := range d.occurrences("제") {
		i := at + len("제")
		j := i
		for j < len(d.compact) && d.compact[j] >= '0' && d.compact[j] <= '9' {
			j++
		}
		if j > i && strings.HasPrefix(d.compact[j:], "조") {
			out = append(out, span{at, j + len("조")})
		}
	}
	return out
}

// declaresNoPersonalData finds an explicit "we process no personal data"
// or "nothing to encrypt" statement.
func declaresNoPersonalData(d *document, r *ruleTerms) (span, bool) {
	for _, s := range d.findAny(r.noPersonalData) {
		if containsAny(r.conditional, d.compact[s.end:min(len(d.compact), s.end+200)]) {
			continue
		}
		if lo, _ := d.sentenceBounds(s); containsAny(r.conditionalLead, d.compact[lo:s.start]) {
			continue
		}
		return s, true
	}
	return span{}, false
}

// sentenceAround returns the compact text of the sentence holding s.
func (d *document) sentenceAround(s span) string {
	lo, hi := d.sentenceBounds(s)
	return d.compact[lo:hi]
}

// sentenceBounds returns the compact offsets of the sentence holding s:
// from the last sentence end or line break before it to the next one
// after it, at most a line's worth on each side.
func (d *document) sentenceBounds(s span) (int, int) {
	// Scanning only a bounded window keeps this linear on text with no
	// punctuation at all (a paste of one line repeated thousands of times).
	const reach = 240
	c := d.compact
	lo := max(0, s.start-reach)
	for i := s.start - 1; i >= lo; i-- {
		if n := sentenceEndAt(c, i); n > 0 {
			lo = i + n
			break
		}
	}
	hi := min(len(c), s.end+reach)
	for i := s.end; i < hi; i++ {
		if sentenceEndAt(c, i) > 0 {
			hi = i
			break
		}
	}
	for lo > 0 && lo < len(c) && !utf8.RuneStart(c[lo]) {
		lo++
	}
	for hi < len(c) && !utf8.RuneStart(c[hi]) {
		hi--
	}
	return lo, hi
}

// sentenceEndAt returns the length of the sentence end mark (. 。 ! ? ;
// or a line break) that starts at byte i of c, or 0. A byte loop: the
// strings.IndexAny family decodes every rune when the set holds a
// non-ASCII mark, which made this the slowest part of a dense draft.
func sentenceEndAt(c string, i int) int {
	switch c[i] {
	case '.', '!', '?', ';', '\n':
		return 1
	case 0xE3: // 。 is E3 80 82
		if i+2 < len(c) && c[i+1] == 0x80 && c[i+2] == 0x82 {
			return 3
		}
	}
	return 0
}
