package knowledge

import (
	"regexp"
	"slices"
	"strings"
)

// Checklist is the whole knowledge base: the checklist's usage notes, the
// service classification of section I, the reviewed items with their
// required elements, the example submissions, and public facts about the
// review procedure.
type Checklist struct {
	// Version identifies the knowledge content; it changes whenever any
	// data file changes, so that indexes built from it can be refreshed.
	Version string
	// Guide is the checklist's own edition (guide.yaml), which answers name.
	Guide    GuideVersion
	Usage    Entry
	About    []Entry
	Classes  []ServiceClass
	Items    []*Item
	Examples []Example
	Synonyms [][]string

	byID  map[string]*Item
	lex   *lexicon
	rules *ruleTerms
	// stance is the grammar of stance.yaml; period the concept of a
	// recurring period, which turns a planned action into a plan.
	stance      *stanceGrammar
	period      []term
	router      *router
	formHeading *regexp.Regexp
	// headings are the compact forms an item's section may start with:
	// the form's heading ("검토항목3.2") and number with title.
	headings    map[string][2]string
	boilerplate []string
	leadBigrams map[uint64]int32
	form        Form
	messages    Messages
	// lineMarkers and itemHeading are the form's, compacted.
	lineMarkers []string
	itemHeading string
}

// Entry is a titled piece of guidance text with where it comes from.
type Entry struct {
	ID     string `yaml:"id"`
	Title  string `yaml:"title"`
	Text   string `yaml:"text"`
	Source string `yaml:"source"`
	// URL is the public page the entry's facts can be read on, when the
	// data knows one (https only); answers link their source to it.
	URL string `yaml:"url"`
}

// ServiceClass is one kind of service in section I (디지털서비스 해당여부).
type ServiceClass struct {
	ID         string   `yaml:"id"`
	Name       string   `yaml:"name"`
	NameEN     string   `yaml:"name_en"`
	Kind       string   `yaml:"kind"` // cloud, support, convergence
	Definition string   `yaml:"definition"`
	Keywords   []string `yaml:"keywords"`
}

// Item is one reviewed checklist item (검토 항목), such as 1.2.
type Item struct {
	ID       string `yaml:"id"`
	Section  string `yaml:"section"`
	Title    string `yaml:"title"`
	TitleEN  string `yaml:"title_en"`
	Question string `yaml:"question"` // 검토 내용
	Criteria string `yaml:"criteria"` // 검토 기준
	// ExemptWithCertificate marks items a service that submits a security
	// certificate does not have to answer (1.2–1.5).
	ExemptWithCertificate bool       `yaml:"exempt_with_certificate"`
	EvidenceDocuments     []string   `yaml:"evidence_documents"`
	EvidenceNote          string     `yaml:"evidence_note"`
	LegalReferences       []string   `yaml:"legal_references"`
	Rules                 []Rule     `yaml:"rules"`
	Keywords              []string   `yaml:"keywords"`
	Elements              []*Element `yaml:"elements"`
}

// Rule is a rule of the checklist that changes how an item is reviewed,
// stated for people; the matching code lives in the review.
type Rule struct {
	ID string `yaml:"id"`
	// Title names the rule for people, in sources ("보안인증서 제출 시 제외").
	Title string `yaml:"title"`
	Text  string `yaml:"text"`
	// Topic lists what a question about the rule speaks of.
	Topic []string `yaml:"topic"`

	topic []term
}

// Element is one required element of an item (1.2-a …), with the patterns
// that find it in a draft.
type Element struct {
	ID            string `yaml:"id"`
	Label         string `yaml:"label"`
	LabelEN       string `yaml:"label_en"`
	Description   string `yaml:"description"`
	DescriptionEN string `yaml:"description_en"`
	// Group names the part of the item the element belongs to, as the
	// checklist groups them (통지의 내용 및 방법 …).
	Group string `yaml:"group"`
	// Scope restricts where a match counts: "notification" means only
	// inside a passage about notifying users.
	Scope string `yaml:"scope"`
	// Applies is "support" for elements only support services must answer.
	Applies string `yaml:"applies"`
	// PersonalData marks elements that do not apply when the draft declares
	// that the service processes no personal data.
	PersonalData bool `yaml:"personal_data"`
	// All lists groups of terms: the element is present when every group
	// matches, partial when some do.
	All [][]string `yaml:"all"`
	// PartialWhen says when a partial match of All counts: "any" (the
	// default) when any group matches, "first" only when the first group
	// does (the others qualify it, like a frequency qualifies a drill),
	// "last" only when the last group does.
	PartialWhen string `yaml:"partial_when"`
	// Min, when set, makes the element present when at least Min of the
	// groups of All match (a support system of manuals, training and
	// technical help needs two of the three), partial when fewer do.
	Min int `yaml:"min"`
	// Window, when set, asks every group of All to match close together:
	// within Lines lines of each other and, when Chars is set, within
	// Chars bytes of compact text, so that the words of an element are
	// read in one role ("drills … twice a year" in one sentence, not a
	// drill on one line and a period for something else on another).
	Window *Window `yaml:"window"`
	// Partial lists terms that on their own make the element partial
	// (a weaker form of what is required).
	Partial []string `yaml:"partial"`
	// Weak lists terms that make the element partial wherever they are
	// named without being ruled out (MD5, SHA-1 …).
	Weak []string `yaml:"weak"`
	// Topic lists what a question about the element speaks of, so that
	// an answer can lead with the element asked about.
	Topic []string `yaml:"topic"`
	// Cover lists things that, when the draft names them, the element's
	// statement must include (within a few lines of it): an identifier
	// the draft collects must be among the data it encrypts.
	Cover []string `yaml:"cover"`
	// Hint says what to add when the element is missing or partial.
	Hint    string `yaml:"hint"`
	HintEN  string `yaml:"hint_en"`
	Example string `yaml:"example"`
	// ExampleSource names the submission the example comes from.
	ExampleSource string `yaml:"example_source"`
	// Lines are short lines of our own wording that state the element
	// (positive) or only resemble it (negative); a test reviews each one,
	// so that a change of the element's terms that loses a wording it
	// should read, or reads one it should not, fails.
	Lines ExampleLines `yaml:"examples"`
	// NegationAnswers marks an element whose answer may itself be a
	// negation of the practice ("국외로 이전하지 않음" answers whether data
	// goes abroad); a negation of writing it down ("미기재") still does not.
	NegationAnswers bool `yaml:"negation_answers"`
	// NeedsPlan marks an element that asks for a plan or a period: a
	// statement that it is done only when needed ("필요 시") is not
	// evidence for it.
	NeedsPlan bool `yaml:"needs_plan"`
	// UserActs marks an element whose statements have the user as the
	// actor (what users can do to protect themselves): a statement of
	// what users must do is evidence for it, not another party's role.
	UserActs bool `yaml:"user_acts"`

	matcher *elementMatcher
}

// ExampleLines are an element's example lines (see Element.Lines).
type ExampleLines struct {
	Positive []string `yaml:"positive"`
	Negative []string `yaml:"negative"`
}

// Window bounds how far apart the groups of an element may match.
type Window struct {
	Lines int `yaml:"lines"`
	Chars int `yaml:"chars"`
}

// Values of Element.Scope, Element.Applies and Element.PartialWhen.
const (
	ScopeNotification = "notification"
	AppliesSupport    = "support"
	PartialWhenAny    = "any"
	PartialWhenFirst  = "first"
	PartialWhenLast   = "last"
)

// Example is one passage of a real submission, split per item, masked.
type Example struct {
	ID          string `yaml:"id"`
	Company     string `yaml:"company"`
	Service     string `yaml:"service"`
	ServiceType string `yaml:"service_type"`
	Item        string `yaml:"item"`
	Title       string `yaml:"title"`
	Text        string `yaml:"text"`
}

// Item returns the item with the given ID ("1.3"); the ID is normalised
// first, so "1.3항" and " 1.3 " work too.
func (c *Checklist) Item(id string) (*Item, bool) {
	it, ok := c.byID[canonicalItemID(id)]
	return it, ok
}

// ItemIDs lists the IDs of the items the knowledge base has guidance for,
// in checklist order.
func (c *Checklist) ItemIDs() []string {
	ids := make([]string, 0, len(c.Items))
	for _, it := range c.Items {
		ids = append(ids, it.ID)
	}
	return ids
}

// ExamplesFor returns the example passages for an item.
func (c *Checklist) ExamplesFor(itemID string) []Example {
	var out []Example
	for _, e := range c.Examples {
		if e.Item == itemID {
			out = append(out, e)
		}
	}
	return out
}

// Element returns the element with the given ID ("1.2-a").
func (it *Item) Element(id string) (*Element, bool) {
	i := slices.IndexFunc(it.Elements, func(e *Element) bool { return strings.EqualFold(e.ID, id) })
	if i < 0 {
		return nil, false
	}
	return it.Elements[i], true
}

func canonicalItemID(id string) string {
	id = strings.TrimSpace(id)
	id = strings.TrimSuffix(id, "항")
	id = strings.TrimSuffix(id, "번")
	id = strings.TrimSpace(id)
	switch id {
	case "Ⅰ", "i", "1장":
		return "I"
	}
	return strings.NewReplacer("-", ".", "·", ".", " ", "").Replace(id)
}
