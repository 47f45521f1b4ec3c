package engine

import (
	"fmt"
	"strings"
)

// PartKind says what a part of an answer is; front ends render each kind
// in their own terms (Slack mrkdwn, plain text, JSON).
type PartKind string

// The kinds of parts.
const (
	PartHeading   PartKind = "heading"   // Text: a title
	PartParagraph PartKind = "paragraph" // Text, after Label when set ("작성 방법: …")
	PartList      PartKind = "list"      // Items
	PartQuote     PartKind = "quote"     // Text quoted from Source (an example submission), after Label
	PartSource    PartKind = "source"    // Text names where the paragraph before comes from; Label says "출처"
	PartHint      PartKind = "hint"      // Label says what Action does ("초안 점검")
	PartCanned    PartKind = "canned"    // a staff-verified answer: Text, its name in Source, Label
)

// Part is one piece of what an answer says. The engine says it as values,
// never in a front end's markup; the words come from the knowledge's
// messages in the answer's language.
type Part struct {
	Kind   PartKind `json:"kind"`
	Label  string   `json:"label,omitempty"`
	Text   string   `json:"text,omitempty"`
	Source string   `json:"source,omitempty"`
	Items  []Entry  `json:"items,omitempty"`
	Action *Action  `json:"action,omitempty"`
}

// Entry is one element of a list: a term ("1.3-a 암호화 대상") and what it
// says, either of which may be empty.
type Entry struct {
	Term string `json:"term,omitempty"`
	Text string `json:"text,omitempty"`
}

// ActionKind is what a hint suggests doing next.
type ActionKind string

// The actions a hint suggests.
const (
	// ActionGuide: see every element of Item ("/selfcheck 1.3",
	// "selfcheck ask 1.3").
	ActionGuide ActionKind = "guide"
	// ActionReview: review a draft of Item.
	ActionReview ActionKind = "review"
)

// Action is what a hint suggests, for a front end to word as its own
// command.
type Action struct {
	Do   ActionKind `json:"do"`
	Item string     `json:"item"`
}

func heading(text string) Part   { return Part{Kind: PartHeading, Text: text} }
func paragraph(text string) Part { return Part{Kind: PartParagraph, Text: strings.TrimSpace(text)} }
func labelled(label, text string) Part {
	return Part{Kind: PartParagraph, Label: label, Text: strings.TrimSpace(text)}
}
func list(items ...Entry) Part { return Part{Kind: PartList, Items: items} }

func (e *Engine) hint(do ActionKind, item string, l lang) Part {
	code := map[ActionKind]string{ActionGuide: "all_elements", ActionReview: "check_draft"}[do]
	return Part{Kind: PartHint, Label: e.label(code, l), Action: &Action{Do: do, Item: item}}
}

// label is a message of the knowledge in the answer's language.
func (e *Engine) label(code string, l lang, args ...string) string {
	return e.kb.Label(code, l == langEnglish, args...)
}

// PlainText renders parts as plain text, for a terminal and for scripts
// (ask --json's answer): no markup, hints as selfcheck commands, a model's
// links shown by their targets (PlainLinks). strong, when not nil, marks
// headings (the CLI's bold on a terminal).
func PlainText(parts []Part, english bool, strong func(string) string) string {
	if strong == nil {
		strong = func(s string) string { return s }
	}
	var b strings.Builder
	for i, p := range parts {
		b.WriteString(Separator(parts, i))
		switch p.Kind {
		case PartHeading:
			b.WriteString(strong(p.Text))
		case PartParagraph:
			if p.Label != "" {
				b.WriteString(p.Label + ": ")
			}
			b.WriteString(PlainLinks(p.Text))
		case PartList:
			for j, it := range p.Items {
				if j > 0 {
					b.WriteString("\n")
				}
				b.WriteString("• " + strings.Join(nonEmpty(it.Term, it.Text), " — "))
			}
		case PartQuote:
			b.WriteString("  " + p.Label)
			if p.Source != "" {
				b.WriteString(" (" + p.Source + ")")
			}
			b.WriteString(": \"" + p.Text + "\"")
		case PartSource:
			b.WriteString("(" + p.Label + ": " + p.Text + ")")
		case PartHint:
			b.WriteString(p.Label + ": " + CLICommand(*p.Action, english))
		case PartCanned:
			fmt.Fprintf(&b, "✅ %s (%s)\n%s", strong(p.Label), p.Source, p.Text)
		}
	}
	return b.String()
}

// Separator is what goes before part i when parts are rendered as text,
// the same for every front end: nothing before the first, " · " between
// hints, a blank line before a heading, a hint, a canned answer and after
// one, and around lists; a line break otherwise.
func Separator(parts []Part, i int) string {
	if i == 0 {
		return ""
	}
	p, prev := parts[i].Kind, parts[i-1].Kind
	switch {
	case p == PartHint && prev == PartHint:
		return " · "
	case p == PartHeading || p == PartHint || p == PartCanned || prev == PartCanned,
		p == PartList && prev != PartHeading && prev != PartParagraph,
		prev == PartList && p != PartParagraph:
		return "\n\n"
	}
	return "\n"
}

// CLICommand words an action as the selfcheck command that does it.
func CLICommand(a Action, english bool) string {
	file := "파일"
	if english {
		file = "FILE"
	}
	switch a.Do {
	case ActionReview:
		return "selfcheck review " + a.Item + " " + file
	}
	if english {
		return fmt.Sprintf("selfcheck ask %q", "What must "+a.Item+" include?")
	}
	return fmt.Sprintf("selfcheck ask %q", a.Item+"에는 무엇이 포함되어야 하나요?")
}

func nonEmpty(ss ...string) []string {
	out := ss[:0:0]
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
