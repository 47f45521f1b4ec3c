package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/selfcheck/selfcheck/knowledge"
)

// FormReport is the review of a whole filled-in form: every item with
// guidance that has a section in it, reviewed as if that form had been
// pasted for the item alone. The JSON shape is part of the CLI's contract
// (README, "review --json all").
type FormReport struct {
	// File names what was reviewed (the file given to the CLI, "-" for
	// standard input); set by the caller.
	File string `json:"file"`
	// Items holds one review report per item found, in checklist order.
	Items []knowledge.Report `json:"items"`
	// NotFound lists the items with guidance that have no section in the
	// form.
	NotFound []string `json:"not_found"`
	// UnknownSections lists item numbers the form has a section for but
	// the checklist only numbers (no guidance yet): never reviewed.
	UnknownSections []string `json:"unknown_sections"`
	// NotInChecklist lists the numbers of headings the checklist does not
	// have ("검토 항목 9.9": a typo, most likely); never reviewed either.
	NotInChecklist []string `json:"not_in_checklist"`
}

// ReviewForm finds each known item's section in a whole form and reviews
// every one with ReviewWith on the same text, so that each item's report
// equals the review of the form pasted for that item (the review keeps to
// the item's section by itself, and reads the kind of service from the
// form's header). Its input errors are user errors (usererr).
func (e *Engine) ReviewForm(ctx context.Context, draft string, opts knowledge.ReviewOptions) (FormReport, error) {
	start := time.Now()
	// The form is prepared once, for finding its sections and reviewing
	// each.
	dr, err := e.kb.PrepareDraft(draft)
	if err != nil {
		return FormReport{}, err
	}
	fs := e.kb.SectionsOf(dr)
	rep := FormReport{Items: []knowledge.Report{}, NotFound: fs.NotFound, UnknownSections: []string{}, NotInChecklist: []string{}}
	for _, id := range fs.Unknown {
		if e.kb.Numbers(id) {
			rep.UnknownSections = append(rep.UnknownSections, id)
		} else {
			rep.NotInChecklist = append(rep.NotInChecklist, id)
		}
	}
	for _, id := range fs.Found {
		if err := ctx.Err(); err != nil {
			return FormReport{}, err
		}
		r, err := e.reviewDraft(ctx, time.Now(), id, dr, opts)
		if err != nil {
			return FormReport{}, fmt.Errorf("review form: %w", err)
		}
		rep.Items = append(rep.Items, r)
	}
	e.log.Debug("review form", "bytes", len(draft), "items", len(rep.Items), "not_found", len(rep.NotFound),
		"unknown", len(rep.UnknownSections), "duration", time.Since(start))
	return rep, nil
}
