package knowledge

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// LoadError reports a data file and the field in it that is at fault.
type LoadError struct {
	File  string
	Field string
	Err   error
}

func (e *LoadError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("load knowledge %s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("load knowledge %s: %s: %v", e.File, e.Field, e.Err)
}

func (e *LoadError) Unwrap() error { return e.Err }

// exampleFile is the layout of one file under examples/.
type exampleFile struct {
	Company     string `yaml:"company"`
	Service     string `yaml:"service"`
	ServiceType string `yaml:"service_type"`
	Passages    []struct {
		Item  string `yaml:"item"`
		Title string `yaml:"title"`
		Text  string `yaml:"text"`
	} `yaml:"passages"`
}

var (
	reItemID    = regexp.MustCompile(`^[1-9]\.[1-9]$`)
	reElementID = regexp.MustCompile(`^([1-9]\.[1-9])-([a-z])$`)
)

// Load reads and validates the knowledge base from fsys (the embedded copy
// or a KNOWLEDGE_DIR). Every problem is reported with the file and the
// field at fault; nothing half-valid is returned.
func Load(fsys fs.FS) (*Checklist, error) {
	c := &Checklist{byID: map[string]*Item{}, headings: map[string][2]string{}}
	h := sha256.New()

	read := func(name string, v any) error {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return &LoadError{File: name, Err: err}
		}
		h.Write([]byte(name))
		h.Write(data)
		return decodeStrict(name, data, v)
	}

	if err := read("usage.yaml", &c.Usage); err != nil {
		return nil, err
	}
	if err := requireFields("usage.yaml", "", map[string]string{"title": c.Usage.Title, "text": c.Usage.Text}); err != nil {
		return nil, err
	}
	if err := read("guide.yaml", &c.Guide); err != nil {
		return nil, err
	}
	if err := c.Guide.check(); err != nil {
		return nil, err
	}
	if err := read("about.yaml", &c.About); err != nil {
		return nil, err
	}
	for i, a := range c.About {
		if err := requireFields("about.yaml", fmt.Sprintf("[%d].", i), map[string]string{"id": a.ID, "title": a.Title, "text": a.Text, "source": a.Source}); err != nil {
			return nil, err
		}
		if a.URL != "" && !strings.HasPrefix(a.URL, "https://") {
			return nil, &LoadError{File: "about.yaml", Field: fmt.Sprintf("[%d].url", i), Err: fmt.Errorf("%q is not an https:// address", a.URL)}
		}
	}
	if err := read("classification.yaml", &c.Classes); err != nil {
		return nil, err
	}
	for i, s := range c.Classes {
		if err := requireFields("classification.yaml", fmt.Sprintf("[%d].", i), map[string]string{"id": s.ID, "name": s.Name, "definition": s.Definition, "kind": s.Kind}); err != nil {
			return nil, err
		}
		if !slices.Contains([]string{"cloud", "support", "convergence"}, s.Kind) {
			return nil, &LoadError{File: "classification.yaml", Field: fmt.Sprintf("[%d].kind", i), Err: fmt.Errorf("%q is not cloud, support or convergence", s.Kind)}
		}
	}
	if err := read("synonyms.yaml", &c.Synonyms); err != nil {
		return nil, err
	}
	for i, g := range c.Synonyms {
		if len(g) < 2 {
			return nil, &LoadError{File: "synonyms.yaml", Field: fmt.Sprintf("[%d]", i), Err: errors.New("a group needs at least two words")}
		}
	}

	if err := read("form.yaml", &c.form); err != nil {
		return nil, err
	}
	if err := read("messages.yaml", &c.messages); err != nil {
		return nil, err
	}
	if err := validateMessages(c.messages); err != nil {
		return nil, err
	}
	var err error
	if c.lineMarkers, c.itemHeading, err = validateForm(&c.form); err != nil {
		return nil, err
	}
	c.formHeading = formHeadingPattern(c.itemHeading)

	var concepts map[string][]string
	if err := read("concepts.yaml", &concepts); err != nil {
		return nil, err
	}
	c.lex = newLexicon(concepts)
	rules, err := compileRules(c.lex)
	if err != nil {
		return nil, &LoadError{File: "concepts.yaml", Err: err}
	}
	c.rules = rules
	var sf stanceFile
	if err := read("stance.yaml", &sf); err != nil {
		return nil, err
	}
	if c.stance, err = compileStance(&sf); err != nil {
		return nil, err
	}
	c.rules.harm = c.stance.koHarm
	if c.period, err = c.lex.concept("period"); err != nil {
		return nil, &LoadError{File: "concepts.yaml", Err: fmt.Errorf("the review's stances need it: %w", err)}
	}

	itemFiles, err := fs.Glob(fsys, "items/*.yaml")
	if err != nil || len(itemFiles) == 0 {
		return nil, &LoadError{File: "items/", Err: errors.New("no item files")}
	}
	for _, name := range itemFiles {
		it := new(Item)
		if err := read(name, it); err != nil {
			return nil, err
		}
		if err := validateItem(name, it, c.lex); err != nil {
			return nil, err
		}
		if _, dup := c.byID[it.ID]; dup {
			return nil, &LoadError{File: name, Field: "id", Err: fmt.Errorf("item %s is defined twice", it.ID)}
		}
		c.byID[it.ID] = it
		c.Items = append(c.Items, it)
		c.headings[it.ID] = [2]string{c.itemHeading + it.ID, it.ID + Compact(it.Title)}
	}
	slices.SortFunc(c.Items, func(a, b *Item) int { return compareItemIDs(a.ID, b.ID) })
	if c.router, err = newRouter(c.lex, c.Items); err != nil {
		return nil, &LoadError{File: "concepts.yaml", Err: err}
	}

	exampleFiles, err := fs.Glob(fsys, "examples/*.yaml")
	if err != nil {
		return nil, &LoadError{File: "examples/", Err: err}
	}
	for _, name := range exampleFiles {
		var f exampleFile
		if err := read(name, &f); err != nil {
			return nil, err
		}
		if err := requireFields(name, "", map[string]string{"company": f.Company, "service": f.Service, "service_type": f.ServiceType}); err != nil {
			return nil, err
		}
		base := strings.TrimSuffix(path.Base(name), ".yaml")
		for i, p := range f.Passages {
			field := fmt.Sprintf("passages[%d].", i)
			if err := requireFields(name, field, map[string]string{"item": p.Item, "title": p.Title, "text": p.Text}); err != nil {
				return nil, err
			}
			if _, ok := c.byID[p.Item]; !ok {
				return nil, &LoadError{File: name, Field: field + "item", Err: fmt.Errorf("no item %q in items/", p.Item)}
			}
			c.Examples = append(c.Examples, Example{
				ID: fmt.Sprintf("%s-%d", base, i+1), Company: f.Company, Service: f.Service,
				ServiceType: f.ServiceType, Item: p.Item, Title: p.Title, Text: strings.TrimSpace(p.Text),
			})
		}
	}
	c.boilerplate = boilerplatePhrases(c.form.Phrases, c.Items, c.Classes)
	c.leadBigrams = collectLeadBigrams(c)
	c.Version = hex.EncodeToString(h.Sum(nil))[:16]
	return c, nil
}

// decodeStrict decodes the YAML data file name into v; an unknown field is
// an error, so that a typo does not silently drop a setting.
func decodeStrict(name string, data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return &LoadError{File: name, Err: err}
	}
	return nil
}

func validateItem(file string, it *Item, lex *lexicon) error {
	if !reItemID.MatchString(it.ID) {
		return &LoadError{File: file, Field: "id", Err: fmt.Errorf("%q is not an item number like 1.2", it.ID)}
	}
	if err := requireFields(file, "", map[string]string{"title": it.Title, "question": it.Question, "criteria": it.Criteria}); err != nil {
		return err
	}
	if len(it.Elements) == 0 {
		return &LoadError{File: file, Field: "elements", Err: errors.New("an item needs at least one element")}
	}
	if len(it.EvidenceDocuments) == 0 {
		return &LoadError{File: file, Field: "evidence_documents", Err: errors.New("missing")}
	}
	for i := range it.Rules {
		r := &it.Rules[i]
		field := fmt.Sprintf("rules[%d].", i)
		if err := requireFields(file, field, map[string]string{"id": r.ID, "title": r.Title, "text": r.Text}); err != nil {
			return err
		}
		ts, cerr := compileTerms("topic", r.Topic, lex)
		if cerr != nil {
			return &LoadError{File: file, Field: field + cerr.field, Err: cerr.err}
		}
		r.topic = ts
	}
	seen := map[string]bool{}
	for i, e := range it.Elements {
		field := fmt.Sprintf("elements[%d].", i)
		m := reElementID.FindStringSubmatch(e.ID)
		if m == nil || m[1] != it.ID {
			return &LoadError{File: file, Field: field + "id", Err: fmt.Errorf("%q is not an element of item %s (like %s-a)", e.ID, it.ID, it.ID)}
		}
		if seen[e.ID] {
			return &LoadError{File: file, Field: field + "id", Err: fmt.Errorf("%s is defined twice", e.ID)}
		}
		seen[e.ID] = true
		if err := requireFields(file, field, map[string]string{"label": e.Label, "description": e.Description, "hint": e.Hint}); err != nil {
			return err
		}
		switch e.Scope {
		case "", ScopeNotification:
		default:
			return &LoadError{File: file, Field: field + "scope", Err: fmt.Errorf("unknown scope %q (want %q or nothing)", e.Scope, ScopeNotification)}
		}
		switch e.Applies {
		case "", AppliesSupport:
		default:
			return &LoadError{File: file, Field: field + "applies", Err: fmt.Errorf("unknown value %q (want %q or nothing)", e.Applies, AppliesSupport)}
		}
		switch e.PartialWhen {
		case "", PartialWhenAny, PartialWhenFirst, PartialWhenLast:
		default:
			return &LoadError{File: file, Field: field + "partial_when", Err: fmt.Errorf("unknown value %q (want any, first or last)", e.PartialWhen)}
		}
		if len(e.All) == 0 {
			return &LoadError{File: file, Field: field + "all", Err: errors.New("an element needs at least one group of terms")}
		}
		if e.Window != nil && (e.Window.Lines < 0 || e.Window.Chars < 0) {
			return &LoadError{File: file, Field: field + "window", Err: errors.New("lines and chars must not be negative")}
		}
		if e.Min < 0 || e.Min > len(e.All) {
			return &LoadError{File: file, Field: field + "min", Err: fmt.Errorf("%d is not between 1 and the %d groups of all", e.Min, len(e.All))}
		}
		m2, err := compileMatcher(e, lex)
		if err != nil {
			return &LoadError{File: file, Field: field + err.field, Err: err.err}
		}
		e.matcher = m2
	}
	return nil
}

func requireFields(file, prefix string, fields map[string]string) error {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if strings.TrimSpace(fields[k]) == "" {
			return &LoadError{File: file, Field: prefix + k, Err: errors.New("missing or empty")}
		}
	}
	return nil
}

// boilerplatePhrases cuts the checklist's own wording (questions,
// criteria, section I definitions, fixed form sentences) into clauses long
// enough to be recognised when an applicant pastes them.
func boilerplatePhrases(formPhrases []string, items []*Item, classes []ServiceClass) []string {
	seen := map[string]bool{}
	var out []string
	add := func(cp string) {
		if !seen[cp] {
			seen[cp] = true
			out = append(out, cp)
		}
	}
	for _, p := range formPhrases {
		add(Compact(Normalize(p)))
	}
	split := func(r rune) bool { return strings.ContainsRune("\n■※*★-?", r) }
	clauses := func(text string) {
		for _, clause := range strings.FieldsFunc(text, split) {
			cp := strings.Trim(Compact(Normalize(clause)), "\"'()[]·.,:0123456789")
			if utf8.RuneCountInString(cp) >= 12 {
				add(cp)
			}
		}
	}
	for _, cl := range classes {
		clauses(cl.Definition)
	}
	for _, it := range items {
		// A heading that repeats the item's title is not evidence.
		add(Compact(it.Title))
		clauses(it.Question + "\n" + it.Criteria + "\n" + it.EvidenceNote)
	}
	return out
}

// collectLeadBigrams gathers the first bigram of every literal a review
// may look up: element terms, boilerplate, and the rules' patterns.
func collectLeadBigrams(c *Checklist) map[uint64]int32 {
	set := map[uint64]int32{}
	for _, it := range c.Items {
		for _, e := range it.Elements {
			m := e.matcher
			for _, ts := range append(append([][]term{}, m.all...), m.partial, m.weak) {
				for _, t := range ts {
					leadBigrams(set, t.literals()...)
				}
			}
		}
	}
	leadBigrams(set, c.boilerplate...)
	leadBigrams(set, c.lineMarkers...)
	for _, ts := range c.rules.all() {
		for _, t := range ts {
			leadBigrams(set, t.literals()...)
		}
	}
	return set
}

// compareItemIDs orders "1.2" < "1.3" < "3.1" numerically.
func compareItemIDs(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		x, _ := strconv.Atoi(pa[i])
		y, _ := strconv.Atoi(pb[i])
		if x != y {
			return x - y
		}
	}
	return len(pa) - len(pb)
}
