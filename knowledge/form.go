package knowledge

import (
	"errors"
	"fmt"
	"slices"
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
	// CertificateExemptRange names the items a security certificate
	// exempts ("1.2~1.5").
	CertificateExemptRange string `yaml:"certificate_exempt_range"`
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
	if err := requireFields(file, "", map[string]string{"item_heading": f.ItemHeading, "certificate_exempt_range": f.CertificateExemptRange}); err != nil {
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
