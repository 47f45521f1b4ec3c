package engine

import (
	"fmt"
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

func (e *Engine) knownItems(l lang) string {
	var b strings.Builder
	for _, it := range e.kb.Items {
		title := it.Title
		if l == langEnglish && it.TitleEN != "" {
			title = it.TitleEN
		}
		fmt.Fprintf(&b, "• %s %s\n", it.ID, title)
	}
	fmt.Fprintf(&b, "• I %s\n", e.kb.SectionI(l == langEnglish).Title)
	return b.String()
}

func (e *Engine) noGuidance(ref string, l lang) Answer {
	var text string
	switch {
	case !e.kb.Numbers(ref) && l == langEnglish:
		text = fmt.Sprintf("The checklist has no item %s. Check the number; the items with guidance are:\n%s", ref, e.knownItems(l))
	case !e.kb.Numbers(ref):
		text = fmt.Sprintf("체크리스트에 %s 항목은 없습니다. 항목 번호를 확인해 주세요. 안내가 있는 항목:\n%s", ref, e.knownItems(l))
	case l == langEnglish:
		text = fmt.Sprintf("There is no guidance for item %s yet. The checklist only numbers that item; its content is not in the knowledge base, so selfcheck does not guess.\n\nItems with guidance:\n%s", ref, e.knownItems(l))
	default:
		text = fmt.Sprintf("%s 항목에 대한 안내는 아직 없습니다. 체크리스트에 번호만 나오고 내용은 지식 베이스에 없는 항목이라, 추측해서 답하지 않습니다.\n\n안내가 있는 항목:\n%s", ref, e.knownItems(l))
	}
	return Answer{Item: ref, Answer: text, Known: false, Sources: []Source{}}
}

func (e *Engine) noMatch(l lang) Answer {
	var text string
	if l == langEnglish {
		text = "I could not find checklist guidance related to this question. Ask about one of these items, or name it (e.g. \"What must 1.3 include?\"):\n" + e.knownItems(l)
	} else {
		text = "질문과 관련된 체크리스트 안내를 찾지 못했습니다. 아래 항목에 대해 묻거나 항목 번호를 넣어 주세요(예: \"1.3에는 무엇이 포함되어야 하나요?\").\n" + e.knownItems(l)
	}
	return Answer{Item: "", Answer: text, Known: false}
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
	var b strings.Builder
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
		fmt.Fprintf(&b, "*%s*\n%s\n(출처: %s)\n\n", h.Title, strings.TrimSpace(text), source)
	}
	if l == langEnglish {
		b.WriteString("(The guidance on the review procedure is available in Korean only.)\n")
	}
	return Answer{Item: "", Answer: strings.TrimSpace(b.String()), Known: true}
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
	var b strings.Builder
	if l == langEnglish {
		b.WriteString("*I. Service classification* — the applicant states which kind of digital service it is (answered, not reviewed).\n\n")
	} else {
		b.WriteString("*I. 디지털서비스 해당여부* — 신청 서비스가 어떤 유형의 디지털서비스인지 표시하는 부분입니다(검토 요소 없이 답하는 항목).\n\n")
	}
	focus := strong(hits, "I", retrieval.KindClassification, 0.8, 2)
	for _, h := range focus {
		for _, cl := range e.kb.Classes {
			if cl.ID == h.Ref {
				fmt.Fprintf(&b, "*%s*\n%s\n\n", cl.Name, strings.TrimSpace(cl.Definition))
			}
		}
	}
	if l == langEnglish {
		b.WriteString("Kinds of service:\n")
	} else {
		b.WriteString("서비스 유형:\n")
	}
	for _, cl := range e.kb.Classes {
		name := cl.Name
		if l == langEnglish && cl.NameEN != "" {
			name = cl.NameEN + " (" + cl.Name + ")"
		}
		fmt.Fprintf(&b, "• %s — %s\n", name, firstSentence(cl.Definition))
	}
	return Answer{Item: "I", Answer: strings.TrimSpace(b.String()), Known: true}
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
	var b strings.Builder
	title := it.Title
	if en && it.TitleEN != "" {
		title = it.TitleEN + " (" + it.Title + ")"
	}
	fmt.Fprintf(&b, "*%s %s*\n", it.ID, title)

	focused, element := false, ""
	if !overview {
		if refs := e.kb.CitedReferences(it.ID, q); len(refs) > 0 {
			if en {
				fmt.Fprintf(&b, "%s is the legal basis of item %s (%s).\n", strings.Join(refs, ", "), it.ID, title)
			} else {
				fmt.Fprintf(&b, "%s은(는) %s %s 항목의 법적 근거입니다.\n", strings.Join(refs, ", "), it.ID, it.Title)
			}
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
				fmt.Fprintf(&b, "%s\n", r.Text)
				focused = true
			}
		}
		if ev := strong(hits, it.ID, retrieval.KindEvidence, 1, 1); ruleID == "" && len(ev) > 0 && ev[0].Score >= hits[0].Score*0.9 {
			label := "증빙 문서"
			if en {
				label = "Evidence documents"
			}
			fmt.Fprintf(&b, "%s: %s\n", label, strings.Join(it.EvidenceDocuments, ", "))
			focused = true
		}
		for _, h := range focus {
			el, ok := it.Element(h.Ref)
			if !ok {
				continue
			}
			focused = true
			if en {
				fmt.Fprintf(&b, "\n*%s %s* — %s\n  How to write it: %s\n", el.ID, el.LabelEN, el.DescriptionEN, el.HintEN)
			} else {
				fmt.Fprintf(&b, "\n*%s %s* — %s\n  작성 방법: %s\n", el.ID, el.Label, el.Description, el.Hint)
			}
			if el.Example != "" {
				label := "예시"
				if en {
					label = "Example"
				}
				fmt.Fprintf(&b, "  %s (%s): \"%s\"\n", label, el.ExampleSource, el.Example)
			}
		}
		b.WriteString("\n")
	}

	if focused {
		// The part of the item the question is about comes first and
		// alone; the whole checklist is one command away.
		if en {
			fmt.Fprintf(&b, "All elements of %s: `/selfcheck %s` (or `selfcheck ask \"What must %s include?\"`). To check a draft: `/selfcheck %s <draft>`.", it.ID, it.ID, it.ID, it.ID)
		} else {
			fmt.Fprintf(&b, "전체 요소: `/selfcheck %s` · 초안 점검: `/selfcheck %s <초안>` 또는 `selfcheck review %s 파일`.", it.ID, it.ID, it.ID)
		}
		return Answer{Item: it.ID, Element: element, Answer: strings.TrimSpace(b.String()), Known: true}
	}
	if en {
		fmt.Fprintf(&b, "Required elements of %s (all must be presented):\n", it.ID)
	} else {
		fmt.Fprintf(&b, "%s의 필수 요소 (검토 기준에 따라 모두 제시해야 합니다):\n", it.ID)
	}
	for _, el := range it.Elements {
		if en {
			fmt.Fprintf(&b, "• %s %s — %s\n", el.ID, el.LabelEN, el.DescriptionEN)
		} else {
			fmt.Fprintf(&b, "• %s %s — %s\n", el.ID, el.Label, el.Description)
		}
	}
	if en {
		fmt.Fprintf(&b, "\nEvidence documents: %s\n", strings.Join(it.EvidenceDocuments, ", "))
	} else {
		fmt.Fprintf(&b, "\n증빙 문서: %s\n", strings.Join(it.EvidenceDocuments, ", "))
	}
	if len(it.Rules) > 0 {
		if en {
			b.WriteString("Rules (in Korean):\n")
		} else {
			b.WriteString("유의 사항:\n")
		}
		for _, r := range it.Rules {
			fmt.Fprintf(&b, "• %s\n", r.Text)
		}
	}
	if len(it.LegalReferences) > 0 {
		if en {
			fmt.Fprintf(&b, "Legal basis: %s\n", strings.Join(it.LegalReferences, ", "))
		} else {
			fmt.Fprintf(&b, "법적 근거: %s\n", strings.Join(it.LegalReferences, ", "))
		}
	}
	if en {
		fmt.Fprintf(&b, "\nTo check a draft: `/selfcheck %s <draft>` in Slack, or `selfcheck review %s FILE`.", it.ID, it.ID)
	} else {
		fmt.Fprintf(&b, "\n초안 점검: Slack에서 `/selfcheck %s <초안>`, 또는 `selfcheck review %s 파일`.", it.ID, it.ID)
	}
	return Answer{Item: it.ID, Answer: strings.TrimSpace(b.String()), Known: true}
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
