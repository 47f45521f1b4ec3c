package engine

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/retrieval"
)

type lang int

const (
	langKorean lang = iota
	langEnglish
)

// languageOf tells Korean from English questions: any Hangul makes a
// question Korean.
func languageOf(q string) lang {
	letters := 0
	for _, r := range q {
		if unicode.Is(unicode.Hangul, r) {
			return langKorean
		}
		if r < unicode.MaxASCII && unicode.IsLetter(r) {
			letters++
		}
	}
	if letters >= 3 {
		return langEnglish
	}
	return langKorean
}

// reItemAlone is a question that is only an item number ("1.3?").
var reItemAlone = regexp.MustCompile(`^\s*` + knowledge.ItemNumberPattern + `\s*(항|번)?\s*[?？]?\s*$`)

// isOverviewQuestion reports whether a question asks for the whole of an
// item rather than one point of it: only its number, or the words of the
// overview_ask concept (무엇이 포함, 필수 요소, what must … include).
func (e *Engine) isOverviewQuestion(q string) bool {
	return reItemAlone.MatchString(q) || e.kb.Uses("overview_ask", q)
}

// knownItems lists the items with guidance and section I.
func (e *Engine) knownItems(l lang) Part {
	var items []Entry
	for _, it := range e.kb.Items {
		title := it.Title
		if l == langEnglish && it.TitleEN != "" {
			title = it.TitleEN
		}
		items = append(items, Entry{Term: it.ID + " " + title})
	}
	items = append(items, Entry{Term: "I " + e.kb.SectionI(l == langEnglish).Title})
	return list(items...)
}

// noGuidance answers a question about an item without guidance: one the
// checklist numbers (1.4), or a number it does not have (9.9).
func (e *Engine) noGuidance(ref string, l lang) Answer {
	code := "no_guidance"
	if !e.kb.Numbers(ref) {
		code = "no_such_item"
	}
	return Answer{Item: ref, Known: false, Sources: []Source{}, Parts: []Part{
		paragraph(e.label(code, l, "item", ref)),
		heading(e.label("items_with_guidance", l)),
		e.knownItems(l),
	}}
}

func (e *Engine) noMatch(l lang) Answer {
	return Answer{Item: "", Known: false, Parts: []Part{paragraph(e.label("no_match", l)), e.knownItems(l)}}
}

// strong returns the hits of a kind (and item, if given) that score at
// least ratio of the best such hit, at most n of them.
func strong(hits []retrieval.Hit, item, kind string, ratio float32, n int) []retrieval.Hit {
	var out []retrieval.Hit
	var best float32
	for _, h := range hits {
		if h.Kind != kind || (item != "*" && h.Item != item) {
			continue
		}
		if best == 0 {
			best = h.Score
		}
		if h.Score >= best*ratio && len(out) < n {
			out = append(out, h)
		}
	}
	return out
}

func (e *Engine) aboutAnswer(hits []retrieval.Hit, l lang) Answer {
	var parts []Part
	picked := 0
	var best float32
	for _, h := range hits {
		if h.Kind != retrieval.KindAbout && h.Kind != retrieval.KindUsage {
			continue
		}
		if best == 0 {
			best = h.Score
		}
		if h.Score < best*0.7 || picked == 2 {
			break
		}
		picked++
		text, source := e.entryText(h)
		parts = append(parts, heading(h.Title), paragraph(text))
		if source != "" {
			parts = append(parts, Part{Kind: PartSource, Label: e.label("source", l), Text: source})
		}
	}
	if l == langEnglish {
		parts = append(parts, paragraph("("+e.label("about_korean_only", l)+")"))
	}
	return Answer{Item: "", Known: true, Parts: parts}
}

func (e *Engine) entryText(h retrieval.Hit) (text, source string) {
	if h.Kind == retrieval.KindUsage {
		return e.kb.Usage.Text, e.kb.Usage.Source
	}
	for _, a := range e.kb.About {
		if a.ID == h.Ref {
			return a.Text, a.Source
		}
	}
	return h.Text, ""
}

func (e *Engine) classificationAnswer(hits []retrieval.Hit, l lang) Answer {
	parts := []Part{heading(e.label("classification", l)), paragraph(e.label("classification_intro", l))}
	focus := strong(hits, "I", retrieval.KindClassification, 0.8, 2)
	for _, h := range focus {
		for _, cl := range e.kb.Classes {
			if cl.ID == h.Ref {
				parts = append(parts, heading(cl.Name), paragraph(cl.Definition))
			}
		}
	}
	var kinds []Entry
	for _, cl := range e.kb.Classes {
		name := cl.Name
		if l == langEnglish && cl.NameEN != "" {
			name = cl.NameEN + " (" + cl.Name + ")"
		}
		kinds = append(kinds, Entry{Term: name, Text: firstSentence(cl.Definition)})
	}
	parts = append(parts, heading(e.label("service_kinds", l)), list(kinds...))
	return Answer{Item: "I", Known: true, Parts: parts}
}

func firstSentence(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\n"); i > 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

// itemAnswer explains an item: the elements the question is about first
// (unless it asks for the whole item), then every required element, the
// evidence documents and the rules.
func (e *Engine) itemAnswer(it *knowledge.Item, q string, hits []retrieval.Hit, overview bool, l lang) Answer {
	en := l == langEnglish
	title := it.Title
	if en && it.TitleEN != "" {
		title = it.TitleEN + " (" + it.Title + ")"
	}
	parts := []Part{heading(it.ID + " " + title)}

	focused, element := false, ""
	if !overview {
		if refs := e.kb.CitedReferences(it.ID, q); len(refs) > 0 {
			t := it.Title
			if en {
				t = title
			}
			parts = append(parts, paragraph(e.label("legal_basis_of", l, "refs", strings.Join(refs, ", "), "item", it.ID, "title", t)))
			focused = true
		}
		ruleID, elementID := e.kb.Focus(it.ID, q)
		var focus []retrieval.Hit
		switch {
		case ruleID != "":
		case elementID != "":
			focus = []retrieval.Hit{{Doc: retrieval.Doc{Item: it.ID, Kind: retrieval.KindElement, Ref: elementID}}}
		case focused:
			// The legal basis was the question.
		default:
			focus = strong(hits, it.ID, retrieval.KindElement, 0.75, 2)
			if rules := strong(hits, it.ID, retrieval.KindRule, 0.9, 1); len(rules) > 0 && (len(focus) == 0 || rules[0].Score > focus[0].Score) {
				ruleID, focus = rules[0].Ref, nil
			}
		}
		if len(focus) > 1 && focus[0].Score >= 1.25*focus[1].Score {
			focus = focus[:1]
		}
		if len(focus) == 1 {
			element = focus[0].Ref
		}
		for _, r := range it.Rules {
			if r.ID == ruleID {
				parts = append(parts, paragraph(r.Text))
				focused = true
			}
		}
		if ev := strong(hits, it.ID, retrieval.KindEvidence, 1, 1); ruleID == "" && len(ev) > 0 && ev[0].Score >= hits[0].Score*0.9 {
			parts = append(parts, labelled(e.label("evidence_documents", l), strings.Join(it.EvidenceDocuments, ", ")))
			focused = true
		}
		for _, h := range focus {
			el, ok := it.Element(h.Ref)
			if !ok {
				continue
			}
			focused = true
			label, desc, how := el.Label, el.Description, el.Hint
			if en {
				label, desc, how = el.LabelEN, el.DescriptionEN, el.HintEN
			}
			parts = append(parts, heading(el.ID+" "+label), paragraph(desc), labelled(e.label("how_to_write", l), how))
			if el.Example != "" {
				parts = append(parts, Part{Kind: PartQuote, Label: e.label("example", l), Source: el.ExampleSource, Text: el.Example})
			}
		}
	}

	if focused {
		// The part of the item the question is about comes first and
		// alone; the whole checklist is one command away.
		parts = append(parts, e.hint(ActionGuide, it.ID, l), e.hint(ActionReview, it.ID, l))
		return Answer{Item: it.ID, Element: element, Known: true, Parts: parts}
	}
	var elements []Entry
	for _, el := range it.Elements {
		if en {
			elements = append(elements, Entry{Term: el.ID + " " + el.LabelEN, Text: el.DescriptionEN})
		} else {
			elements = append(elements, Entry{Term: el.ID + " " + el.Label, Text: el.Description})
		}
	}
	parts = append(parts, paragraph(e.label("required_elements", l, "item", it.ID)+":"), list(elements...),
		labelled(e.label("evidence_documents", l), strings.Join(it.EvidenceDocuments, ", ")))
	if len(it.Rules) > 0 {
		var rules []Entry
		for _, r := range it.Rules {
			rules = append(rules, Entry{Text: r.Text})
		}
		parts = append(parts, paragraph(e.label("rules", l)+":"), list(rules...))
	}
	if len(it.LegalReferences) > 0 {
		parts = append(parts, labelled(e.label("legal_basis", l), strings.Join(it.LegalReferences, ", ")))
	}
	parts = append(parts, e.hint(ActionReview, it.ID, l))
	return Answer{Item: it.ID, Known: true, Parts: parts}
}

// sources lists the documents an answer stands on, best first: those of
// the routed item (or of the review in general), at most five.
func sources(hits []retrieval.Hit, item string, t topic) []Source {
	out := []Source{}
	for _, h := range hits {
		if len(out) == 5 {
			break
		}
		switch {
		case t == topicAbout && (h.Kind == retrieval.KindAbout || h.Kind == retrieval.KindUsage):
		case t == topicItem && h.Item == item && h.Kind != retrieval.KindCanned:
		default:
			continue
		}
		out = append(out, Source{N: len(out) + 1, Item: h.Item, Kind: h.Kind, Title: h.Title, Score: round(float64(h.Score)), Text: h.Text})
	}
	return out
}

// nameKinds names each source's kind for readers, in the answer's
// language.
func (e *Engine) nameKinds(srcs []Source, l lang) {
	for i := range srcs {
		srcs[i].KindName = e.kb.SourceKindName(srcs[i].Kind, l == langEnglish)
		srcs[i].URL = e.sourceURL(srcs[i])
	}
}

// leadWith moves the source of the element an answer leads with to the
// front, so that source [1] is what the answer is about.
func leadWith(srcs []Source, element string) {
	for i, s := range srcs {
		if s.Kind == retrieval.KindElement && strings.HasPrefix(s.Title, element+" ") && element != "" {
			copy(srcs[1:i+1], srcs[:i])
			srcs[0] = s
			for k := range srcs {
				srcs[k].N = k + 1
			}
			return
		}
	}
}

func round(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }
