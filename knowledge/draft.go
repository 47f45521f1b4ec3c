package knowledge

import (
	"strings"
	"sync"
)

// Draft is a draft prepared once for everything that reads it: checked
// (size, UTF-8, not empty), normalised, compacted with its map back to
// lines, and indexed. The review, the section a model is given and the
// check of the model's quotes all read this one value, so they agree on
// what the draft says and where.
type Draft struct {
	doc *document
	// headings are the draft's item headings (see headingsOf), found once
	// for every item of a whole form that is reviewed.
	headingsOnce sync.Once
	headings     []sectionHeading
}

// PrepareDraft checks and prepares a draft. Its errors are user errors (usererr),
// with messages fit for the user.
func (c *Checklist) PrepareDraft(draft string) (*Draft, error) {
	text, err := CheckDraft(draft)
	if err != nil {
		return nil, err
	}
	d := newDocument(text)
	d.wanted = c.leadBigrams
	// Built now so that every reading of the draft shares it (hiding
	// text keeps the index valid: see document.bigrams).
	d.indexBigrams()
	return &Draft{doc: d}, nil
}

// Text returns the draft normalised: what line numbers and quotes refer
// to.
func (d *Draft) Text() string { return d.doc.text }

// read returns a copy of the draft's document for one reading that may
// hide parts of it (the review hides the form's own text); the draft
// itself stays whole.
func (d *Draft) read() *document {
	cp := *d.doc
	cp.found = nil
	return &cp
}

// Part returns the part of the draft the review of an item reads: in a
// pasted form with several items, that item's section (from its heading to
// the next item's), else the whole draft. The part keeps the draft's line
// numbers (the lines before it are left empty), so that a quote found in
// it is cited at the line the user sees. A model is given this part only,
// and its quotes are checked against it, so that another item's section
// cannot upgrade an element.
func (c *Checklist) Part(itemID string, d *Draft) *Draft {
	it, ok := c.Item(itemID)
	if !ok {
		return d
	}
	doc := d.doc
	from, to, sectioned := c.sectionOf(d, it)
	if !sectioned {
		return d
	}
	text := d.doc.text
	first := doc.line(from)
	lo := doc.lines[first-1]
	hi := len(text)
	if last := doc.line(max(from, to-1)); last < len(doc.lines) {
		hi = doc.lines[last]
	}
	part := newDocument(strings.Repeat("\n", first-1) + text[lo:hi])
	part.wanted = c.leadBigrams
	return &Draft{doc: part}
}

// Body returns the part's own text, without the empty lines that keep
// its line numbers.
func (d *Draft) Body() string { return strings.TrimLeft(d.doc.text, "\n") }
