package report

import (
	"bytes"
	"cmp"
	_ "embed"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
)

// Format is a report's file format.
type Format string

// The formats a report is written in.
const (
	DOCX     Format = "docx"
	Markdown Format = "md"
	HTML     Format = "html"
)

// ContentType is the MIME type of a report in format f.
func (f Format) ContentType() string {
	switch f {
	case DOCX:
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case HTML:
		return "text/html; charset=utf-8"
	}
	return "text/markdown; charset=utf-8"
}

// FormatError is a report file name whose format is not known; its
// message says which names work.
type FormatError struct{ Name string }

func (e *FormatError) Error() string {
	return fmt.Sprintf("report %q: name it .docx, .md or .html (the format is read from the name)", e.Name)
}

// FormatOf reads the format from a file name's extension (.docx, .md or
// .markdown, .html or .htm), case aside.
func FormatOf(name string) (Format, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".docx":
		return DOCX, nil
	case ".md", ".markdown":
		return Markdown, nil
	case ".html", ".htm":
		return HTML, nil
	}
	return "", &FormatError{Name: name}
}

// Input is what a report shows: the reviews of one document and where
// they came from. Date and Version are given by the caller (tests fix
// them, so that a report is the same from run to run).
type Input struct {
	// File names the reviewed document as the user knows it ("-" for
	// standard input, "" for a pasted text).
	File string
	// Date is when the review ran.
	Date time.Time
	// Version is the checklist version (knowledge.Checklist.Version).
	Version string
	// Items are the reviews, one per item, in checklist order.
	Items []knowledge.Report
	// NotFound are the items with guidance the document has no section
	// for; Unknown the items it has a section for that have no guidance
	// (never reviewed). Titles names them where known.
	NotFound, Unknown []string
	// NotInChecklist are section numbers the checklist does not have
	// (a typo, "9.9"): never reviewed.
	NotInChecklist []string
	Titles         map[string]string
	// Progress, per item, is the change since the same user's previous
	// review, one line ("지난 검토보다 2개 좋아졌어요: …"); empty when
	// there is none.
	Progress map[string]string
}

// FromForm is the input for a whole-form (or one-file) review: its
// items, those not found, and the checklist's titles and version.
func FromForm(r engine.FormReport, kb *knowledge.Checklist, date time.Time) Input {
	in := Input{File: r.File, Date: date, Items: r.Items, NotFound: r.NotFound, Unknown: r.UnknownSections, NotInChecklist: r.NotInChecklist, Titles: map[string]string{}}
	if kb != nil {
		in.Version = kb.Version
		for _, id := range r.NotFound {
			if it, ok := kb.Item(id); ok {
				in.Titles[id] = it.Title
			}
		}
	}
	return in
}

// Render returns the report in format f.
func Render(f Format, in Input) ([]byte, error) {
	var b bytes.Buffer
	if err := Write(&b, f, in); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Write writes the report in format f to w.
func Write(w io.Writer, f Format, in Input) error {
	v := newView(in)
	switch f {
	case DOCX:
		return writeDOCX(w, v)
	case Markdown:
		return writeMarkdown(w, v)
	case HTML:
		return writeHTML(w, v)
	}
	return &FormatError{Name: "." + string(f)}
}

// labels are the report's texts (data/labels.yaml).
type labels struct {
	Title string `yaml:"title"`
	Cover struct {
		File, Stdin, Date, Version, Found, Unknown, None, Disclaimer, Counts string
		NotFound                                                             string `yaml:"not_found"`
		NotInChecklist                                                       string `yaml:"not_in_checklist"`
		NoItems                                                              string `yaml:"no_items"`
	} `yaml:"cover"`
	Columns struct {
		Element, Status, Evidence, Note, Example string
	} `yaml:"columns"`
	ItemHeading string            `yaml:"item_heading"`
	Line        string            `yaml:"line"`
	Empty       string            `yaml:"empty"`
	Notices     string            `yaml:"notices"`
	Progress    string            `yaml:"progress"`
	Model       string            `yaml:"model"`
	Status      map[string]string `yaml:"status"`
}

//go:embed data/labels.yaml
var labelsYAML []byte

// text holds the labels, read once; a broken file is a build mistake
// the tests catch.
var text = func() labels {
	var l labels
	if err := yaml.Unmarshal(labelsYAML, &l); err != nil {
		panic(fmt.Sprintf("report: data/labels.yaml: %v", err))
	}
	return l
}()

var statusIcon = map[knowledge.Status]string{
	knowledge.StatusPresent:       "✅",
	knowledge.StatusPartial:       "⚠️",
	knowledge.StatusMissing:       "❌",
	knowledge.StatusNotApplicable: "➖",
}

// view is a report laid out for writing, the same for every format.
type view struct {
	Title   string
	Date    time.Time
	Cover   [][2]string // label, value
	Summary []string    // one line per item found, not found, unknown
	Notice  string      // the disclaimer
	Items   []itemView
}

type itemView struct {
	Heading  string
	Counts   string
	Progress string
	Rows     []row
	Notices  []string
}

type row struct {
	ID, Label      string
	Status         knowledge.Status
	StatusText     string // "✅ 충족"
	Evidence, Line string // Line is "3행", "" without evidence
	Note, Example  string
}

func newView(in Input) view {
	file := in.File
	switch file {
	case "-":
		file = text.Cover.Stdin
	case "":
		file = text.Empty
	}
	v := view{Title: text.Title, Date: in.Date, Notice: text.Cover.Disclaimer}
	v.Cover = [][2]string{
		{text.Cover.File, file},
		{text.Cover.Date, in.Date.Format("2006-01-02 15:04")},
		{text.Cover.Version, cmp.Or(in.Version, text.Empty)},
		{text.Cover.Found, list(itemIDs(in.Items))},
		{text.Cover.NotFound, list(in.NotFound)},
	}
	if len(in.Unknown) > 0 {
		v.Cover = append(v.Cover, [2]string{text.Cover.Unknown, list(in.Unknown)})
	}
	if len(in.NotInChecklist) > 0 {
		v.Cover = append(v.Cover, [2]string{text.Cover.NotInChecklist, list(in.NotInChecklist)})
	}
	for _, r := range in.Items {
		v.Summary = append(v.Summary, r.Item+" "+r.Title+" — "+counts(r.Summary))
	}
	for _, id := range in.NotFound {
		v.Summary = append(v.Summary, strings.TrimSpace(id+" "+in.Titles[id])+" — "+text.Cover.NotFound)
	}
	if len(in.Items) == 0 {
		v.Summary = append(v.Summary, text.Cover.NoItems)
	}
	for _, r := range in.Items {
		v.Items = append(v.Items, newItemView(r, in.Progress[r.Item]))
	}
	return v
}

func newItemView(r knowledge.Report, progress string) itemView {
	iv := itemView{Heading: fmt.Sprintf(text.ItemHeading, r.Item, r.Title), Counts: counts(r.Summary), Progress: progress, Notices: r.Notices}
	if r.LLM {
		iv.Notices = append(append([]string{}, r.Notices...), text.Model)
	}
	for _, e := range r.Elements {
		rw := row{ID: e.ID, Label: e.Label, Status: e.Status, StatusText: strings.TrimSpace(statusIcon[e.Status] + " " + text.Status[string(e.Status)]),
			Evidence: oneLine(e.Evidence), Example: oneLine(e.Example)}
		if e.Evidence != "" && e.Line > 0 {
			rw.Line = fmt.Sprintf(text.Line, e.Line)
		}
		if e.Status != knowledge.StatusPresent {
			rw.Note = oneLine(e.Note)
		}
		iv.Rows = append(iv.Rows, rw)
	}
	return iv
}

func counts(s knowledge.Summary) string {
	return fmt.Sprintf(text.Cover.Counts, s.Present, s.Partial, s.Missing, s.NotApplicable)
}

func itemIDs(rs []knowledge.Report) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.Item
	}
	return ids
}

func list(ids []string) string {
	if len(ids) == 0 {
		return text.Cover.None
	}
	return strings.Join(ids, ", ")
}

// oneLine joins a multi-line quote with " / " so that it stays one table
// cell in every format (the extracted text reads a row as one line).
func oneLine(s string) string {
	lines := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, " / ")
}
