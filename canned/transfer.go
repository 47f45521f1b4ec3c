package canned

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// maxImportSize bounds what Import reads: the largest legitimate file
// (thousands of answers of MaxTextLen) is far below it, and a wrong file
// (a database, a log) should fail fast instead of filling memory.
const maxImportSize = 32 << 20

// maxReportedErrors caps how many faults an import error lists, so a file
// in the wrong format yields a readable message rather than a wall.
const maxReportedErrors = 10

// ImportResult says what an import did, by answer name.
type ImportResult struct {
	// Added are answers that did not exist before.
	Added []string
	// Updated are existing answers whose content was replaced (Force).
	Updated []string
	// Unchanged are answers already stored with the same content.
	Unchanged []string
}

// Export writes every answer to w as a YAML list sorted by name, meant to
// be kept in git and reviewed like code: one field per line, text as a
// block scalar so a diff shows the changed lines. Use counts are left out
// because they change whenever the bot posts and would make every export
// a diff.
func (s *Store) Export(ctx context.Context, w io.Writer) error {
	answers, err := s.List(ctx)
	if err != nil {
		return fmt.Errorf("export canned answers: %w", err)
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	seq.HeadComment = fmt.Sprintf("selfcheck canned answers (%d).\n"+
		"Edit, review, then load with: selfcheck canned import FILE (--force to replace changed answers).", len(answers))
	for _, a := range answers {
		seq.Content = append(seq.Content, answerNode(a))
	}
	if len(answers) == 0 {
		seq.Style = yaml.FlowStyle // "[]" rather than an empty document
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{seq}}); err != nil {
		return fmt.Errorf("export canned answers: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("export canned answers: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("export canned answers: %w", err)
	}
	return nil
}

func answerNode(a Answer) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode}
	add := func(key string, v *yaml.Node) {
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
	}
	str := func(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }

	add("name", str(a.Name))
	if a.Item != "" {
		add("item", str(a.Item))
	}
	if len(a.Tags) > 0 {
		tags := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, t := range a.Tags {
			tags.Content = append(tags.Content, str(t))
		}
		add("tags", tags)
	}
	// The encoder falls back to a quoted string when a block scalar cannot
	// hold the text exactly (trailing spaces on a line, for instance).
	text := str(a.Text)
	text.Style = yaml.LiteralStyle
	add("text", text)
	// Times go out untagged so they are written unquoted; Import reads
	// them as text either way.
	stamp := func(t time.Time) *yaml.Node {
		return &yaml.Node{Kind: yaml.ScalarNode, Value: formatTime(t)}
	}
	add("created_by", str(a.CreatedBy))
	add("created_at", stamp(a.CreatedAt))
	add("updated_by", str(a.UpdatedBy))
	add("updated_at", stamp(a.UpdatedAt))
	return m
}

// Import reads a list of answers in the format Export writes (or the same
// list as JSON, e.g. from "canned list --json") and stores them in one
// transaction: either all of them are written or none.
//
// The whole file is checked first and every fault is reported with the
// entry's position, name, line and field. Answers already stored with the
// same content are left alone; one whose content differs is replaced only
// with opts.Force, keeping its creator and use count, and otherwise the
// import fails naming every such answer. Import never deletes answers.
//
// A new answer keeps created_by/created_at and updated_by/updated_at from
// the file when present, so a store rebuilt from git keeps its history;
// missing ones become opts.By and now. The uses field is accepted and
// ignored.
func (s *Store) Import(ctx context.Context, r io.Reader, opts ImportOptions) (ImportResult, error) {
	if err := checkBy(opts.By); err != nil {
		return ImportResult{}, fmt.Errorf("import canned answers: %w", err)
	}
	entries, err := parseImport(r)
	if err != nil {
		return ImportResult{}, fmt.Errorf("import canned answers: %w", err)
	}

	tx, release, err := s.beginWrite(ctx)
	if err != nil {
		return ImportResult{}, fmt.Errorf("import canned answers: %w", err)
	}
	defer release()
	defer tx.Rollback()

	now := s.stamp()
	var (
		res       ImportResult
		conflicts []string
	)
	for _, e := range entries {
		a := e.answer
		old, err := s.getAnswer(ctx, tx, a.Name)
		switch {
		case errors.Is(err, ErrNotFound):
			a.CreatedBy, a.CreatedAt = orBy(e.createdBy, opts.By), orTime(e.createdAt, now)
			a.UpdatedBy, a.UpdatedAt = orBy(e.updatedBy, opts.By), orTime(e.updatedAt, now)
			res.Added = append(res.Added, a.Name)
		case err != nil:
			return ImportResult{}, fmt.Errorf("import canned answers: read %q: %w", a.Name, err)
		case old.SameContent(a):
			res.Unchanged = append(res.Unchanged, a.Name)
			continue
		case !opts.Force:
			conflicts = append(conflicts, a.Name)
			continue
		default:
			a.CreatedBy, a.CreatedAt, a.Uses = old.CreatedBy, old.CreatedAt, old.Uses
			a.UpdatedBy, a.UpdatedAt = opts.By, now
			res.Updated = append(res.Updated, a.Name)
		}
		if err := s.put(ctx, tx, a); err != nil {
			return ImportResult{}, fmt.Errorf("import canned answers: write %q: %w", a.Name, err)
		}
	}
	if len(conflicts) > 0 {
		return ImportResult{}, fmt.Errorf("import canned answers: %d existing answers differ from the file (%s); nothing was imported, use force to replace them: %w",
			len(conflicts), strings.Join(conflicts, ", "), ErrExists)
	}
	if err := tx.Commit(); err != nil {
		return ImportResult{}, fmt.Errorf("import canned answers: %w", err)
	}
	for _, n := range res.Added {
		s.log.Info("canned answer changed", "action", "import-create", "name", n, "by", opts.By)
	}
	for _, n := range res.Updated {
		s.log.Info("canned answer changed", "action", "import-update", "name", n, "by", opts.By)
	}
	return res, nil
}

func orBy(v, def string) string {
	if strings.TrimSpace(v) == "" {
		return def
	}
	return v
}

func orTime(v, def time.Time) time.Time {
	if v.IsZero() {
		return def
	}
	return v.UTC().Truncate(time.Microsecond)
}

// importEntry is one validated entry of an import file.
type importEntry struct {
	answer               Answer
	createdBy, updatedBy string
	createdAt, updatedAt time.Time
}

// invalidFile marks a fault in an import file, so that callers can tell
// it from a failing store with errors.Is(err, ErrInvalid).
type invalidFile struct{ err error }

func (e invalidFile) Error() string        { return e.err.Error() }
func (e invalidFile) Unwrap() error        { return e.err }
func (e invalidFile) Is(target error) bool { return target == ErrInvalid }

// parseImport decodes and validates a whole import file, returning every
// fault found (up to maxReportedErrors) rather than stopping at the first,
// so one round of fixes usually suffices.
func parseImport(r io.Reader) ([]importEntry, error) {
	entries, err := parseEntries(r)
	if err != nil {
		var re readError
		if errors.As(err, &re) {
			return nil, err
		}
		return nil, invalidFile{err}
	}
	return entries, nil
}

// readError is a failure to read the input, as opposed to bad content.
type readError struct{ err error }

func (e readError) Error() string { return "read: " + e.err.Error() }
func (e readError) Unwrap() error { return e.err }

func parseEntries(r io.Reader) ([]importEntry, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxImportSize+1))
	if err != nil {
		return nil, readError{err}
	}
	if len(data) > maxImportSize {
		return nil, fmt.Errorf("file is larger than %d MiB", maxImportSize>>20)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("file is empty")
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("not valid YAML or JSON: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.SequenceNode {
		return nil, errors.New("expected a list of answers (YAML \"- name: …\" entries or a JSON array)")
	}

	var (
		entries []importEntry
		errs    []error
		seen    = map[string]int{}
	)
	for i, n := range doc.Content[0].Content {
		e, err := parseEntry(n)
		label := fmt.Sprintf("entry %d", i+1)
		if e.answer.Name != "" {
			label += fmt.Sprintf(" %q", e.answer.Name)
		}
		if err == nil {
			if first, dup := seen[e.answer.Name]; dup {
				err = fmt.Errorf("line %d: %w", n.Line,
					&FieldError{Field: "name", Msg: fmt.Sprintf("same name as entry %d", first)})
			}
			seen[e.answer.Name] = i + 1
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", label, err))
			continue
		}
		entries = append(entries, e)
	}
	if len(errs) > maxReportedErrors {
		more := len(errs) - maxReportedErrors
		errs = append(errs[:maxReportedErrors], fmt.Errorf("and %d more", more))
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%d of %d entries are invalid, nothing was imported:\n%w",
			len(doc.Content[0].Content)-len(entries), len(doc.Content[0].Content), errors.Join(errs...))
	}
	return entries, nil
}

// parseEntry decodes one mapping field by field, so that a fault names
// its field and line instead of a Go type.
func parseEntry(n *yaml.Node) (importEntry, error) {
	var e importEntry
	if n.Kind != yaml.MappingNode {
		return e, fmt.Errorf("line %d: not a mapping of fields (name, text, …)", n.Line)
	}
	var createdAt, updatedAt string
	strs := map[string]*string{
		"name": &e.answer.Name, "item": &e.answer.Item, "text": &e.answer.Text,
		"created_by": &e.createdBy, "updated_by": &e.updatedBy,
		"created_at": &createdAt, "updated_at": &updatedAt,
	}
	lines := map[string]int{}
	// Decode the name first so that later faults can be labelled with it.
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k, v := n.Content[i], n.Content[i+1]; k.Value == "name" && v.Kind == yaml.ScalarNode {
			e.answer.Name = v.Value
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if _, dup := lines[k.Value]; dup {
			return e, fmt.Errorf("line %d: field %q appears twice", k.Line, k.Value)
		}
		lines[k.Value] = v.Line
		at := func(msg string) error {
			return fmt.Errorf("line %d: %w", v.Line, &FieldError{Field: k.Value, Msg: msg})
		}
		switch p, ok := strs[k.Value]; {
		case ok:
			if v.Kind != yaml.ScalarNode {
				return e, at("must be text, not a list or mapping")
			}
			if v.Tag != "!!null" {
				*p = v.Value
			}
		case k.Value == "tags":
			if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
				continue
			}
			if v.Kind != yaml.SequenceNode {
				return e, at("must be a list such as [cloud, security]")
			}
			for _, t := range v.Content {
				if t.Kind != yaml.ScalarNode {
					return e, at("must be a list of words")
				}
				e.answer.Tags = append(e.answer.Tags, t.Value)
			}
		case k.Value == "uses":
			// Written by "list --json"; counts belong to the store.
		default:
			return e, fmt.Errorf("line %d: unknown field %q (known: name, item, tags, text, created_by, created_at, updated_by, updated_at)", k.Line, k.Value)
		}
	}
	var err error
	if e.createdAt, err = parseTime("created_at", createdAt, lines); err != nil {
		return e, err
	}
	if e.updatedAt, err = parseTime("updated_at", updatedAt, lines); err != nil {
		return e, err
	}
	if e.answer, err = normalize(e.answer); err != nil {
		var fe *FieldError
		line := n.Line
		if errors.As(err, &fe) && lines[fe.Field] > 0 {
			line = lines[fe.Field]
		}
		return e, fmt.Errorf("line %d: %w", line, err)
	}
	return e, nil
}

func parseTime(field, v string, lines map[string]int) (time.Time, error) {
	if strings.TrimSpace(v) == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(v))
	if err != nil {
		return time.Time{}, fmt.Errorf("line %d: %w", lines[field],
			&FieldError{Field: field, Msg: fmt.Sprintf("%q is not a time like 2026-01-31T09:00:00Z", v)})
	}
	return t, nil
}
