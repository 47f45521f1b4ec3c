package retrieval

import (
	"fmt"
	"strings"

	"github.com/selfcheck/selfcheck/knowledge"
)

// Kinds of documents in the index.
const (
	KindGuidance       = "guidance"       // an item: its question, criteria, keywords
	KindElement        = "element"        // one required element of an item
	KindRule           = "rule"           // a rule of an item (exemption, no personal data …)
	KindEvidence       = "evidence"       // the evidence documents an item asks for
	KindExample        = "example"        // a passage of a real, masked submission
	KindClassification = "classification" // a kind of service in section I
	KindUsage          = "usage"          // how the checklist is meant to be used
	KindAbout          = "about"          // public facts about the review procedure
	KindCanned         = "canned"         // a staff-verified canned answer
)

// Doc is one retrievable entry.
type Doc struct {
	ID    string
	Item  string // "1.3", "I", or "" for entries about the review in general
	Kind  string
	Title string
	// Ref is the ID of what the document describes (an element ID, a
	// rule ID, an example ID, a service class ID).
	Ref  string
	Text string
}

// Documents turns the knowledge base into retrievable documents. Element
// documents carry the element's labels, descriptions, hints and plain
// matching terms in both languages, so that paraphrases find them.
func Documents(c *knowledge.Checklist) []Doc {
	var docs []Doc
	for _, it := range c.Items {
		docs = append(docs, Doc{
			ID: "item:" + it.ID, Item: it.ID, Kind: KindGuidance, Ref: it.ID,
			Title: fmt.Sprintf("%s %s", it.ID, it.Title),
			Text: join(it.ID+" "+it.Title, it.TitleEN, it.Question, it.Criteria,
				strings.Join(it.Keywords, ", "), elementLabels(it)),
		})
		docs = append(docs, Doc{
			ID: "evidence:" + it.ID, Item: it.ID, Kind: KindEvidence, Ref: it.ID,
			Title: fmt.Sprintf("%s 증빙 문서", it.ID),
			Text:  join(it.ID+" "+it.Title+" 증빙 문서명 제출 서류 evidence documents", strings.Join(it.EvidenceDocuments, ", "), it.EvidenceNote),
		})
		for _, e := range it.Elements {
			docs = append(docs, Doc{
				ID: "element:" + e.ID, Item: it.ID, Kind: KindElement, Ref: e.ID,
				Title: fmt.Sprintf("%s %s", e.ID, e.Label),
				Text: join(e.Label, e.LabelEN, e.Group, e.Description, e.DescriptionEN, e.Hint, e.HintEN,
					strings.Join(plainTerms(e), ", ")),
			})
		}
		for _, r := range it.Rules {
			docs = append(docs, Doc{
				ID: "rule:" + it.ID + ":" + r.ID, Item: it.ID, Kind: KindRule, Ref: r.ID,
				Title: fmt.Sprintf("%s 유의 사항: %s", it.ID, r.Title),
				Text:  join(it.Title, r.Text),
			})
		}
	}
	for _, ex := range c.Examples {
		docs = append(docs, Doc{
			ID: "example:" + ex.ID, Item: ex.Item, Kind: KindExample, Ref: ex.ID,
			Title: fmt.Sprintf("%s 예시: %s — %s (%s)", ex.Item, ex.Company, ex.Title, ex.ServiceType),
			Text:  ex.Text,
		})
	}
	for _, cl := range c.Classes {
		docs = append(docs, Doc{
			ID: "class:" + cl.ID, Item: "I", Kind: KindClassification, Ref: cl.ID,
			Title: "I. 디지털서비스 해당여부: " + cl.Name,
			Text:  join("디지털서비스 해당여부 서비스 유형 분류 "+cl.Name, cl.NameEN, cl.Definition, strings.Join(cl.Keywords, ", ")),
		})
	}
	docs = append(docs, Doc{ID: "usage", Kind: KindUsage, Ref: c.Usage.ID, Title: c.Usage.Title, Text: join(c.Usage.Title, c.Usage.Text)})
	for _, a := range c.About {
		docs = append(docs, Doc{ID: "about:" + a.ID, Kind: KindAbout, Ref: a.ID, Title: a.Title, Text: join("디지털서비스 심사 "+a.Title, a.Text)})
	}
	return docs
}

func elementLabels(it *knowledge.Item) string {
	var b strings.Builder
	for _, e := range it.Elements {
		fmt.Fprintf(&b, "%s %s; ", e.Label, e.LabelEN)
	}
	return b.String()
}

// plainTerms lists an element's literal matching terms (not patterns).
func plainTerms(e *knowledge.Element) []string {
	var out []string
	for _, g := range e.All {
		for _, t := range g {
			if !strings.HasPrefix(t, "re:") {
				out = append(out, t)
			}
		}
	}
	return out
}

func join(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n")
}
