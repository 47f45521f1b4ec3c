package knowledge

import (
	"regexp"
	"slices"
)

// FormSections says which items a whole filled-in form (a file or a
// paste holding several items) has a section for.
type FormSections struct {
	// Found lists the items with guidance whose heading is in the draft,
	// in checklist order.
	Found []string
	// NotFound lists the items with guidance that have no heading.
	NotFound []string
	// Unknown lists the item numbers with a heading ("검토 항목 1.4")
	// that the checklist only numbers: no guidance yet, so they are
	// never reviewed. In order of appearance.
	Unknown []string
}

// FindSections finds each item's section in a draft the way the review
// does (sectionOf: "검토 항목 3.2" or "3.2 고객대응 관리체계"), so that
// reviewing each found item of the same draft reviews exactly that
// section. Its errors are user errors, as for Review.
func (c *Checklist) FindSections(draft string) (FormSections, error) {
	dr, err := c.PrepareDraft(draft)
	if err != nil {
		return FormSections{}, err
	}
	return c.SectionsOf(dr), nil
}

// SectionsOf is FindSections of a prepared draft: a whole form is
// prepared once, for finding its sections and reviewing each.
func (c *Checklist) SectionsOf(dr *Draft) FormSections {
	d := dr.read()
	fs := FormSections{Found: []string{}, NotFound: []string{}, Unknown: []string{}}
	for _, it := range c.Items {
		// sectionOf returns an empty span when the item has no heading.
		if from, to, _ := c.sectionOf(d, it); to > from {
			fs.Found = append(fs.Found, it.ID)
		} else {
			fs.NotFound = append(fs.NotFound, it.ID)
		}
	}
	for _, m := range c.formHeading.FindAllStringSubmatch(d.compact, -1) {
		id := canonicalItemID(m[1])
		if _, known := c.Item(id); known || slices.Contains(fs.Unknown, id) {
			continue
		}
		fs.Unknown = append(fs.Unknown, id)
	}
	return fs
}

// formHeadingPattern finds the form's own heading of an item in compact
// text (form.yaml's item_heading and an item number: "검토 항목 1.4" with
// spaces removed). Headings that name an item only by number and title
// are known only for the items with guidance.
func formHeadingPattern(heading string) *regexp.Regexp {
	return regexp.MustCompile(regexp.QuoteMeta(heading) + `(` + itemNumber + `)(?:[^0-9]|$)`)
}

// nextFormHeading returns the offset in compact of the first form heading
// ("검토항목N.N") in compact[from+1:to] of an item other than id, or -1.
// A section ends there even when the item is one the checklist only
// numbers, so that its text is never read as evidence for the item before
// it.
func (c *Checklist) nextFormHeading(compact string, from, to int, id string) int {
	if from+1 >= to {
		return -1
	}
	for _, loc := range c.formHeading.FindAllStringSubmatchIndex(compact[from+1:to], -1) {
		if canonicalItemID(compact[from+1+loc[2]:from+1+loc[3]]) != id {
			return from + 1 + loc[0]
		}
	}
	return -1
}

// formHeadingsIn lists the item numbers of the form's own headings in
// compact text, in order of appearance, each once.
func (c *Checklist) formHeadingsIn(compact string) []string {
	var out []string
	for _, m := range c.formHeading.FindAllStringSubmatch(compact, -1) {
		if id := canonicalItemID(m[1]); !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
