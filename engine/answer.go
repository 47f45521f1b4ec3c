package engine

import "github.com/selfcheck/selfcheck/knowledge"

// Answer is the engine's reply to a question. Its JSON form is the output
// of `selfcheck ask --json` and part of the public contract.
type Answer struct {
	// Item is the checklist item the question was routed to ("1.3", "I"),
	// or empty when the question matches no item.
	Item string `json:"item"`
	// Element is the element the question was about ("1.3-d"), or empty.
	Element string `json:"element"`
	// Answer is the answer as plain text (PlainText of Parts): no markup,
	// hints as selfcheck commands, for scripts and terminals.
	Answer string `json:"answer"`
	// Parts are what the answer says, as values (headings, paragraphs,
	// lists, quotes, sources, hints with an action); each front end
	// renders them in its own terms. Empty for an answer that is only
	// text (a canned command's).
	Parts []Part `json:"parts"`
	// Language is the answer's: "ko" or "en".
	Language string `json:"language"`
	// Sources are the knowledge entries the answer is grounded in, best
	// first.
	Sources []Source `json:"sources"`
	// LLM says whether a model wrote (part of) the answer.
	LLM bool `json:"llm"`
	// Model says whether the model answered; an answer has no claims to
	// upgrade or reject, so its counts stay 0.
	Model knowledge.ModelUse `json:"model"`
	// Known is false when the question names an item the knowledge base has
	// no guidance for (1.1, 1.4 …) or matches nothing.
	Known bool `json:"known"`
	// Canned is the staff-verified canned answer offered first, if a
	// question matched one closely.
	Canned *CannedRef `json:"canned,omitempty"`
	// Notices are remarks about how the answer was made (the model was
	// unavailable, a canned answer was offered …).
	Notices []string `json:"notices"`
}

// finished renders the parts as the answer's text, in the answer's
// language, and makes Sources, Notices and Parts empty lists rather than
// nil, so that ask --json always has them ([] when there are none).
func (a Answer) finished(l lang) Answer {
	a.Language = "ko"
	if l == langEnglish {
		a.Language = "en"
	}
	if len(a.Parts) > 0 {
		a.Answer = PlainText(a.Parts, l == langEnglish, nil)
	}
	if a.Parts == nil {
		a.Parts = []Part{}
	}
	if a.Sources == nil {
		a.Sources = []Source{}
	}
	if a.Notices == nil {
		a.Notices = []string{}
	}
	return a
}

// Source is one knowledge entry an answer draws on.
type Source struct {
	// N numbers the source from 1, as the model was given it: an
	// answer's [n] cites source n.
	N    int    `json:"n"`
	Item string `json:"item"`
	Kind string `json:"kind"` // guidance, element, example, classification, usage, about
	// KindName names the kind for readers, in the answer's language.
	KindName string  `json:"kind_name"`
	Title    string  `json:"title"`
	Score    float64 `json:"score"`
	// URL is the source's public page, when the knowledge data has one.
	URL string `json:"url,omitempty"`
	// Text is the entry's text (examples are masked); it is what a model is
	// given, and what a reader can open.
	Text string `json:"-"`
}
