package prompts

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"text/template"
)

// templateFS holds the prompt templates and the JSON schema of the review
// answer. They are files so that a prompt change is a reviewable diff (and
// the golden files under testdata show its effect).
//
//go:embed templates/*.tmpl templates/review_schema.json
var templateFS embed.FS

// reVersion reads the version header every template starts with:
// {{/* version: review-v1 */ -}}.
var reVersion = regexp.MustCompile(`^\{\{/\*\s*version:\s*([A-Za-z0-9._\-]+)\s*\*/\s*-?\}\}`)

// The draft delimiters of the review prompt. They are written out in
// review_user.tmpl and review_system.tmpl; the code removes them from
// drafts so that a draft cannot close its own quotation.
const (
	DraftBegin = "<<<DRAFT_BEGIN>>>"
	DraftEnd   = "<<<DRAFT_END>>>"
)

// Template is one parsed prompt template with the version declared in its
// header. The version is returned with every model result and logged with
// every call.
type Template struct {
	// Name is the file name without its extension (review_user …).
	Name string
	// Version is the version from the template's header (review-v1 …).
	Version string
	tmpl    *template.Template
}

// Render executes the template on data.
func (t *Template) Render(data any) (string, error) {
	var b bytes.Buffer
	if err := t.tmpl.Execute(&b, data); err != nil {
		return "", fmt.Errorf("render %s: %w", t.Name, err)
	}
	return b.String(), nil
}

// Templates is the set of prompts the client uses.
type Templates struct {
	AnswerSystem *Template
	AnswerUser   *Template
	ReviewSystem *Template
	ReviewUser   *Template
	// ReviewSchema is the JSON schema of the review answer, sent as
	// response_format when the server supports it.
	ReviewSchema json.RawMessage
}

// LoadTemplates parses the embedded templates and checks that each one
// declares a version.
func LoadTemplates() (*Templates, error) {
	var ts Templates
	for _, x := range []struct {
		name string
		dst  **Template
	}{
		{"answer_system", &ts.AnswerSystem},
		{"answer_user", &ts.AnswerUser},
		{"review_system", &ts.ReviewSystem},
		{"review_user", &ts.ReviewUser},
	} {
		t, err := loadTemplate(x.name)
		if err != nil {
			return nil, err
		}
		*x.dst = t
	}
	schema, err := templateFS.ReadFile("templates/review_schema.json")
	if err != nil {
		return nil, fmt.Errorf("load review schema: %w", err)
	}
	if !json.Valid(schema) {
		return nil, errors.New("load review schema: invalid JSON")
	}
	ts.ReviewSchema = json.RawMessage(schema)
	return &ts, nil
}

func loadTemplate(name string) (*Template, error) {
	src, err := templateFS.ReadFile("templates/" + name + ".tmpl")
	if err != nil {
		return nil, fmt.Errorf("load template %s: %w", name, err)
	}
	m := reVersion.FindSubmatch(src)
	if m == nil {
		return nil, fmt.Errorf("load template %s: no {{/* version: … */}} header", name)
	}
	t, err := template.New(name).Option("missingkey=error").Funcs(template.FuncMap{
		"inc": func(i int) int { return i + 1 },
	}).Parse(string(src))
	if err != nil {
		return nil, fmt.Errorf("load template %s: %w", name, err)
	}
	return &Template{Name: name, Version: string(m[1]), tmpl: t}, nil
}

// promptVersion names the pair of templates a call used.
func promptVersion(system, user *Template) string {
	return system.Version + "/" + user.Version
}

// answerData is what answer_user.tmpl renders: the masked question and
// the numbered, masked sources.
type answerData struct {
	Question string
	Sources  []answerSource
}

type answerSource struct {
	N                       int
	Kind, Title, Item, Text string
}

// reviewData is what review_user.tmpl renders; every text in it is masked.
type reviewData struct {
	ItemID, Title, Criteria string
	Elements                []ReviewElement
	Examples                []string
	Draft                   string
	Trimmed                 bool
	Gap                     string
}

// renderPair renders a system and a user template.
func renderPair(system, user *Template, data any) (string, string, error) {
	sys, err := system.Render(data)
	if err != nil {
		return "", "", err
	}
	usr, err := user.Render(data)
	if err != nil {
		return "", "", err
	}
	return strings.TrimSpace(sys), strings.TrimSpace(usr), nil
}
