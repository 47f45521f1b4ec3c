package knowledge

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Form is the self-check form itself (form.yaml): the texts an applicant
// pastes along with the answers, which are not evidence, and the names
// the review's notes give the form's parts.
type Form struct {
	// Phrases are fixed sentences of the form, hidden before review.
	Phrases []string `yaml:"phrases"`
	// LineMarkers mark lines of the form's criteria and instructions,
	// hidden whole.
	LineMarkers []string `yaml:"line_markers"`
	// ItemHeading is the label before an item number in the form's
	// headings ("검토 항목 3.2"): where a pasted form's sections begin.
	ItemHeading string `yaml:"item_heading"`
	// GuessedHeadings is the notice for a section bounded by a line read
	// as an item's heading from its number alone, listing GuessedLine
	// for each such line.
	GuessedHeadings string `yaml:"guessed_headings"`
	GuessedLine     string `yaml:"guessed_line"`
	// CertificateExemptRange names the items a security certificate
	// exempts ("1.2~1.5").
	CertificateExemptRange string `yaml:"certificate_exempt_range"`
	// NumberedItems are the item numbers the checklist has, with or
	// without guidance here; NumberedSections the sections whose every
	// item number it has ("2": 2.1, 2.2 …).
	NumberedItems    []string `yaml:"numbered_items"`
	NumberedSections []string `yaml:"numbered_sections"`
	// SectionI names section I (service classification), which is
	// answered but has no elements to review.
	SectionI KindName `yaml:"section_i"`
	// ServiceKinds names each kind of service of section I.
	ServiceKinds map[ServiceKind]string `yaml:"service_kinds"`
	// SourceKinds names the kinds of an answer's sources for readers.
	SourceKinds map[string]KindName `yaml:"source_kinds"`
}

// KindName names a kind of source in Korean and English.
type KindName struct {
	KO string `yaml:"ko"`
	EN string `yaml:"en"`
}

// SourceKindName names a kind of source ("element") for readers, in
// Korean or English; an unknown kind is named by itself.
func (c *Checklist) SourceKindName(kind string, english bool) string {
	n, ok := c.form.SourceKinds[kind]
	switch {
	case !ok:
		return kind
	case english:
		return n.EN
	}
	return n.KO
}

// Numbers reports whether the checklist has an item with this number,
// whether or not selfcheck has guidance for it: 1.4 yes, 9.9 no.
func (c *Checklist) Numbers(id string) bool {
	id = canonicalItemID(id)
	if _, ok := c.Item(id); ok || id == "I" || slices.Contains(c.form.NumberedItems, id) {
		return true
	}
	section, _, _ := strings.Cut(id, ".")
	return slices.Contains(c.form.NumberedSections, section)
}

// SectionI names section I for listings, in Korean or English: it is
// answered, not reviewed, so it is not among Items.
func (c *Checklist) SectionI(english bool) ItemInfo {
	if english {
		return ItemInfo{ID: "I", Title: c.form.SectionI.EN}
	}
	return ItemInfo{ID: "I", Title: c.form.SectionI.KO}
}

// UnknownItem is the error for an item without guidance: one the
// checklist numbers (1.4) or a number it does not have (9.9).
func (c *Checklist) UnknownItem(id string) *UnknownItemError {
	return &UnknownItemError{ID: id, Known: c.ItemIDs(), Numbered: c.Numbers(id)}
}

// validateForm checks form.yaml and returns the compact forms of its line
// markers and item heading, as the review compares them.
func validateForm(f *Form) (markers []string, heading string, err error) {
	const file = "form.yaml"
	if len(f.Phrases) == 0 {
		return nil, "", &LoadError{File: file, Field: "phrases", Err: errors.New("missing or empty")}
	}
	for i, p := range f.Phrases {
		if Compact(Normalize(p)) == "" {
			return nil, "", &LoadError{File: file, Field: fmt.Sprintf("phrases[%d]", i), Err: errors.New("empty phrase")}
		}
	}
	if len(f.LineMarkers) == 0 {
		return nil, "", &LoadError{File: file, Field: "line_markers", Err: errors.New("missing or empty")}
	}
	for i, m := range f.LineMarkers {
		cm := Compact(Normalize(m))
		if cm == "" {
			return nil, "", &LoadError{File: file, Field: fmt.Sprintf("line_markers[%d]", i), Err: errors.New("empty marker")}
		}
		markers = append(markers, cm)
	}
	for i, n := range f.NumberedItems {
		if canonicalItemID(n) != n || !reItemRef.MatchString(n) {
			return nil, "", &LoadError{File: file, Field: fmt.Sprintf("numbered_items[%d]", i), Err: fmt.Errorf("%q is not an item number like 1.4", n)}
		}
	}
	if err := requireFields(file, "", map[string]string{"item_heading": f.ItemHeading, "guessed_headings": f.GuessedHeadings, "guessed_line": f.GuessedLine,
		"certificate_exempt_range": f.CertificateExemptRange,
		"section_i.ko":             f.SectionI.KO, "section_i.en": f.SectionI.EN}); err != nil {
		return nil, "", err
	}
	for k, n := range f.SourceKinds {
		if err := requireFields(file, "source_kinds."+k+".", map[string]string{"ko": n.KO, "en": n.EN}); err != nil {
			return nil, "", err
		}
	}
	kinds := []ServiceKind{KindCloud, KindSupport, KindConvergence}
	for k, name := range f.ServiceKinds {
		if !slices.Contains(kinds, k) {
			return nil, "", &LoadError{File: file, Field: "service_kinds." + string(k), Err: fmt.Errorf("%q is not cloud, support or convergence", k)}
		}
		if name == "" {
			return nil, "", &LoadError{File: file, Field: "service_kinds." + string(k), Err: errors.New("missing or empty")}
		}
	}
	for _, k := range kinds {
		if f.ServiceKinds[k] == "" {
			return nil, "", &LoadError{File: file, Field: "service_kinds." + string(k), Err: errors.New("missing or empty")}
		}
	}
	return markers, Compact(Normalize(f.ItemHeading)), nil
}
