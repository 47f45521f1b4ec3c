package engine

import (
	"context"
	"regexp"
	"strings"

	"github.com/selfcheck/selfcheck/knowledge"
)

// Thread is what the engine knows of the conversation a question is asked
// in: the item and element of the previous answer, and the question that
// led to it. Slack fills it from the thread.
type Thread struct {
	// Item and Element are those of the last answer in the thread.
	Item    string
	Element string
	// Previous is the user's previous question in the thread, if any.
	Previous string
}

// reElliptical matches what is left of an elliptical follow-up once its
// item number is taken out: a particle and a question mark ("3.2는요?",
// "3.2도?", "what about 3.2?").
var reElliptical = regexp.MustCompile(`(?i)^\s*(?:(?:항|번)?\s*(?:은|는|도|이|가)?\s*(?:요|어때요|어떤가요|어떻게 되나요|도요)?\s*[?？]?|what about\s*[?？]?|and\s*[?？]?)\s*$`)

// AskInThread answers a question asked in a thread, read with the
// thread's context:
//   - "그럼 예시도 보여줘" (examples, no item named) shows the examples of
//     the thread's item (and element);
//   - "3.2는요?" (an item and nothing else) asks the previous question
//     again about that item;
//   - another question naming no item is asked about the thread's item
//     when it would otherwise match nothing.
//
// Without a usable context it is Ask.
func (e *Engine) AskInThread(ctx context.Context, question string, th Thread) (Answer, error) {
	q := strings.TrimSpace(knowledge.Normalize(question))
	ref := knowledge.FindItemRef(q)
	if ref == "" && th.Item != "" && e.kb.Uses("examples_request", q) {
		if it, ok := e.kb.Item(th.Item); ok {
			return e.examplesAnswer(it, th.Element, languageOf(q)), nil
		}
	}
	if ref != "" && th.Previous != "" && reElliptical.MatchString(strings.Replace(q, refText(q), "", 1)) {
		prev := strings.TrimSpace(knowledge.Normalize(th.Previous))
		if old := refText(prev); old != "" {
			prev = strings.Replace(prev, old, ref, 1)
		} else {
			prev = ref + " " + prev
		}
		return e.Ask(ctx, prev)
	}
	if ref == "" && th.Item != "" {
		a, err := e.Ask(ctx, q)
		if err != nil || a.Known {
			return a, err
		}
		return e.Ask(ctx, th.Item+" "+q)
	}
	return e.Ask(ctx, q)
}

// reRefText finds the written form of an item number, for replacing it.
var reRefText = regexp.MustCompile(knowledge.ItemNumberPattern + `(?:항|번)?`)

func refText(s string) string { return reRefText.FindString(s) }

// examplesAnswer shows an item's examples: the element's own example
// first when the thread was about one, then every element's, then a
// passage of a real (masked) submission.
func (e *Engine) examplesAnswer(it *knowledge.Item, element string, l lang) Answer {
	en := l == langEnglish
	parts := []Part{heading(e.label("examples_of", l, "item", it.ID, "title", it.Title))}
	ordered := make([]*knowledge.Element, 0, len(it.Elements))
	for _, el := range it.Elements {
		if el.ID == element {
			ordered = append([]*knowledge.Element{el}, ordered...)
			continue
		}
		ordered = append(ordered, el)
	}
	for _, el := range ordered {
		if el.Example == "" {
			continue
		}
		label := el.Label
		if en && el.LabelEN != "" {
			label = el.LabelEN
		}
		parts = append(parts, Part{Kind: PartQuote, Label: el.ID + " " + label, Source: el.ExampleSource, Text: el.Example})
	}
	a := Answer{Item: it.ID, Element: element, Known: true}
	if ex := e.kb.ExamplesFor(it.ID); len(ex) > 0 {
		passage := ex[0].Text
		if r := []rune(passage); len(r) > 600 {
			passage = string(r[:600]) + "…"
		}
		parts = append(parts, heading(e.label("real_submission", l, "service", ex[0].Service)), paragraph(passage))
		a.Sources = append(a.Sources, Source{Item: it.ID, Kind: "example", Title: ex[0].Title, Text: ex[0].Text})
	}
	parts = append(parts, e.hint(ActionReview, it.ID, l))
	a.Parts = parts
	return a.finished(l)
}
