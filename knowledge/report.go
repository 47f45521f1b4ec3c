package knowledge

import (
	"fmt"
	"strings"

	"github.com/selfcheck/selfcheck/usererr"
)

// Status is the verdict on one required element of a checklist item. The
// values are part of the public contract (see the README).
type Status string

// The four statuses of an element in a review.
const (
	StatusPresent       Status = "present"
	StatusPartial       Status = "partial"
	StatusMissing       Status = "missing"
	StatusNotApplicable Status = "not_applicable"
)

// Valid reports whether s is one of the four statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusPresent, StatusPartial, StatusMissing, StatusNotApplicable:
		return true
	}
	return false
}

// ElementResult is the verdict on one required element, with the evidence
// that supports it or, when absent, what to add.
type ElementResult struct {
	ID     string `json:"id"`
	Label  string `json:"label"`
	Status Status `json:"status"`
	// Stance is what the statement that decided the element does: asserts
	// for present, else the stance that kept it from counting (negates,
	// defers, ad_hoc, heading, template, question, instruction,
	// other_role), empty when nothing in the draft spoke of it.
	Stance Stance `json:"stance"`
	// Evidence is a quote from the draft (the user's own text) supporting
	// the verdict; empty when nothing was found.
	Evidence string `json:"evidence"`
	// Line is the 1-based line of the draft the evidence comes from; 0 when
	// there is no evidence.
	Line int `json:"line"`
	// Note explains the verdict: what is missing and what to add, or why
	// the element does not apply.
	Note string `json:"note"`
	// NoteCode and NoteArgs, when set, say what Note says as a message of
	// messages.yaml ("notes") and its arguments, so that a front end can
	// word it in its own terms (the bot does not tell Slack users to pass
	// a command-line flag); Note is that message's default rendering.
	NoteCode string            `json:"note_code,omitempty"`
	NoteArgs map[string]string `json:"note_args,omitempty"`
	// Example is a short, masked passage from the example submissions that
	// shows what the element looks like when it is present.
	Example string `json:"example,omitempty"`
}

// Summary counts the elements of a review by status.
type Summary struct {
	Present       int `json:"present"`
	Partial       int `json:"partial"`
	Missing       int `json:"missing"`
	NotApplicable int `json:"not_applicable"`
}

// Report is the result of reviewing one draft against one checklist item.
type Report struct {
	Item     string          `json:"item"`
	Title    string          `json:"title"`
	Elements []ElementResult `json:"elements"`
	Summary  Summary         `json:"summary"`
	// Notices are review-wide remarks: rules that were applied (a support
	// service, a "no personal data" declaration), exemptions, and what the
	// model contributed or was refused.
	// The engine makes it [] when there are none, so that review --json
	// always has the list.
	Notices []string `json:"notices"`
	// LLM says whether a model answered for this report (its findings were
	// read, whatever came of them); Model says what came of them.
	LLM   bool     `json:"llm"`
	Model ModelUse `json:"model"`
	// Instructed is set when the draft holds a statement addressed to a
	// reviewer (a tool, a model) telling it how to judge the draft: a
	// model is then not asked about the draft's elements at all.
	Instructed bool `json:"-"`
	// backing says which statements of the draft may back a claim about
	// an element (see Backs); nil for a report not made by a review.
	backing *backing
}

// ModelUse says what a model contributed to a review or an answer, so that
// an operator can tell "the model is off" from "the model answered and
// nothing of it held".
type ModelUse struct {
	// Used is true when the model answered and its answer was read.
	Used bool `json:"used"`
	// Upgraded counts the elements whose status the model raised with a
	// quote found in the draft.
	Upgraded int `json:"upgraded"`
	// Rejected counts the model's claims that were refused: an upgrade
	// whose quote is not in the draft or that a weak algorithm forbids,
	// and findings for elements the item does not have or with a status
	// that does not exist.
	Rejected int `json:"rejected"`
}

// Recount recomputes the summary from the elements.
func (r *Report) Recount() {
	var s Summary
	for _, e := range r.Elements {
		switch e.Status {
		case StatusPresent:
			s.Present++
		case StatusPartial:
			s.Partial++
		case StatusMissing:
			s.Missing++
		case StatusNotApplicable:
			s.NotApplicable++
		}
	}
	r.Summary = s
}

// Element returns the result for the element with the given ID.
func (r *Report) Element(id string) (ElementResult, bool) {
	for _, e := range r.Elements {
		if e.ID == id {
			return e, true
		}
	}
	return ElementResult{}, false
}

// UnknownItemError is returned when a caller names an item the knowledge
// base has no guidance for. Known lists the items it does have; Numbered
// tells an item the checklist numbers without guidance here (1.4) from a
// number the checklist does not have (9.9). It is a user error
// (usererr.UnknownItem or usererr.NoSuchItem).
type UnknownItemError struct {
	ID       string
	Known    []string
	Numbered bool
}

func (e *UnknownItemError) Error() string { return e.user().Error() }

// Unwrap makes the error a user error for usererr.As.
func (e *UnknownItemError) Unwrap() error { return e.user() }

func (e *UnknownItemError) user() *usererr.Error {
	known := strings.Join(e.Known, ", ")
	if e.Numbered {
		return usererr.New(usererr.UnknownItem,
			fmt.Sprintf("%s 항목은 체크리스트에 번호만 있고 아직 안내가 없어 답하거나 검토하지 않습니다. 안내가 있는 항목: %s", e.ID, known),
			fmt.Sprintf("there is no guidance for item %s yet; items with guidance: %s", e.ID, known))
	}
	return usererr.New(usererr.NoSuchItem,
		fmt.Sprintf("체크리스트에 %s 항목은 없습니다. 항목 번호를 확인해 주세요. 안내가 있는 항목: %s", e.ID, known),
		fmt.Sprintf("the checklist has no item %s; items with guidance: %s", e.ID, known))
}
