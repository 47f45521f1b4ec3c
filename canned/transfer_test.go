package canned

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

// trickyAnswers exercise what YAML can get wrong: leading indentation,
// trailing spaces, document markers, quotes, tabs, numbers that look like
// floats, Korean text and a single line.
func trickyAnswers() []Answer {
	return []Answer{
		{Name: "plain", Text: "One line."},
		{Name: "multi", Item: "1.3", Tags: []string{"cloud", "보안"}, Text: "첫 줄입니다.\n\n- 목록 항목\n- 둘째: 값"},
		{Name: "indented", Item: "I", Text: "    code block first\nthen text"},
		{Name: "trailing-spaces", Text: "line with trailing spaces   \nnext\ttab"},
		{Name: "markers", Text: "---\n...\n# not a comment\n\"quoted\" 'single' |pipe >fold"},
		{Name: "numbers", Item: "2.10", Text: "1.30"},
		{Name: "yes", Text: "yes"},
	}
}

func seed(t *testing.T, s *Store, answers []Answer, by string) {
	t.Helper()
	for _, a := range answers {
		if _, err := s.Save(t.Context(), a, SaveOptions{By: by}); err != nil {
			t.Fatalf("Save(%q): %v", a.Name, err)
		}
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := t.Context()
		src := openTest(t, place())
		src.now = fakeClock()
		seed(t, src, trickyAnswers(), "alice")
		if err := src.MarkUsed(ctx, "plain"); err != nil {
			t.Fatal(err)
		}

		var buf bytes.Buffer
		if err := src.Export(ctx, &buf); err != nil {
			t.Fatalf("Export: %v", err)
		}
		doc := buf.String()
		for _, want := range []string{"text: |-\n", "tags: [cloud, 보안]", `item: "1.3"`, "created_by: alice"} {
			if !strings.Contains(doc, want) {
				t.Errorf("export: missing %q in\n%s", want, doc)
			}
		}
		if strings.Contains(doc, "uses") {
			t.Errorf("export: contains use counts:\n%s", doc)
		}

		dst := openTest(t, place())
		res, err := dst.Import(ctx, strings.NewReader(doc), ImportOptions{By: "bob"})
		if err != nil {
			t.Fatalf("Import: %v\n%s", err, doc)
		}
		if len(res.Added) != len(trickyAnswers()) || len(res.Updated)+len(res.Unchanged) != 0 {
			t.Errorf("import result: got %+v; want all %d added", res, len(trickyAnswers()))
		}

		want, _ := src.List(ctx)
		got, _ := dst.List(ctx)
		if len(got) != len(want) {
			t.Fatalf("got %d answers; want %d", len(got), len(want))
		}
		for i := range want {
			w := want[i]
			w.Uses = 0 // not exported
			if !equalAnswer(got[i], w) {
				t.Errorf("answer %d:\ngot  %+v\nwant %+v", i, got[i], w)
			}
		}

		// Importing the same file again changes nothing, even without force.
		res, err = dst.Import(ctx, strings.NewReader(doc), ImportOptions{By: "bob"})
		if err != nil {
			t.Fatalf("re-import: %v", err)
		}
		if len(res.Unchanged) != len(want) {
			t.Errorf("re-import: got %+v; want all unchanged", res)
		}

		// A second export is byte-identical: no churn in git.
		var again bytes.Buffer
		if err := dst.Export(ctx, &again); err != nil {
			t.Fatal(err)
		}
		if again.String() != doc {
			t.Errorf("second export differs:\n%s\nwant\n%s", again.String(), doc)
		}
	})
}

func TestImportOverwrite(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := t.Context()
		s := openTest(t, place())
		s.now = fakeClock()
		seed(t, s, []Answer{{Name: "a", Text: "old a"}, {Name: "b", Text: "same b"}, {Name: "c", Text: "old c"}}, "alice")
		before, _ := s.Get(ctx, "a")

		file := `
- name: a
  text: new a
- name: b
  text: same b
- name: c
  text: new c
- name: d
  text: brand new
`
		_, err := s.Import(ctx, strings.NewReader(file), ImportOptions{By: "bob"})
		if !errors.Is(err, ErrExists) {
			t.Fatalf("import without force: got %v; want ErrExists", err)
		}
		if msg := err.Error(); !strings.Contains(msg, "a, c") || strings.Contains(msg, "b,") {
			t.Errorf("error %q: want it to name a and c only", msg)
		}
		if list, _ := s.List(ctx); len(list) != 3 {
			t.Errorf("after refused import: got %d answers; want 3 (d must not be added)", len(list))
		}

		res, err := s.Import(ctx, strings.NewReader(file), ImportOptions{By: "bob", Force: true})
		if err != nil {
			t.Fatalf("import with force: %v", err)
		}
		want := ImportResult{Added: []string{"d"}, Updated: []string{"a", "c"}, Unchanged: []string{"b"}}
		if !slices.Equal(res.Added, want.Added) || !slices.Equal(res.Updated, want.Updated) || !slices.Equal(res.Unchanged, want.Unchanged) {
			t.Errorf("got %+v; want %+v", res, want)
		}
		after, _ := s.Get(ctx, "a")
		if after.Text != "new a" || after.CreatedBy != "alice" || !after.CreatedAt.Equal(before.CreatedAt) || after.UpdatedBy != "bob" {
			t.Errorf("forced update: got %+v; want new text, created by alice at %v, updated by bob", after, before.CreatedAt)
		}
		if d, _ := s.Get(ctx, "d"); d.CreatedBy != "bob" {
			t.Errorf("new answer without created_by: got creator %q; want bob", d.CreatedBy)
		}
	})
}

func TestImportInvalid(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		tests := []struct {
			name string
			file string
			want []string // all must appear in the error
		}{
			{"empty", "  \n", []string{"empty"}},
			{"not yaml", "- name: [unclosed", []string{"not valid YAML"}},
			{"not a list", "name: a\ntext: b\n", []string{"list of answers"}},
			{"bad slug", "- name: ok\n  text: x\n- name: Bad Name\n  text: x\n", []string{`entry 2 "Bad Name"`, "line 3", "name:"}},
			{"empty text", "- name: a\n  text: x\n- name: b\n  text: \"\"\n", []string{`entry 2 "b"`, "line 4", "text: must not be empty"}},
			{"missing text", "- name: a\n", []string{`entry 1 "a"`, "text: must not be empty"}},
			{"unknown field", "- name: a\n  txt: x\n", []string{`entry 1 "a"`, "line 2", `unknown field "txt"`}},
			{"tags not a list", "- name: a\n  text: x\n  tags: a,b\n", []string{"tags: must be a list"}},
			{"text a list", "- name: a\n  text: [x]\n", []string{"text: must be text"}},
			{"bad time", "- name: a\n  text: x\n  created_at: yesterday\n", []string{"created_at:", `"yesterday"`}},
			{"duplicate", "- name: a\n  text: x\n- name: a\n  text: y\n", []string{`entry 2 "a"`, "same name as entry 1"}},
			{"duplicate field", "- name: a\n  text: x\n  text: y\n", []string{`field "text" appears twice`}},
			{"entry not a mapping", "- just text\n", []string{"entry 1", "not a mapping"}},
			{"several faults", "- name: A\n  text: x\n- name: b\n- name: c\n  text: ok\n", []string{"2 of 3 entries", "entry 1", "entry 2"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ctx := t.Context()
				s := openTest(t, place())
				seed(t, s, []Answer{{Name: "keep", Text: "kept"}}, "alice")
				// Valid entries before and after the fault must not be written.
				_, err := s.Import(ctx, strings.NewReader(tt.file), ImportOptions{By: "bob"})
				if err == nil {
					t.Fatal("got nil error; want one")
				}
				for _, w := range tt.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q: want it to contain %q", err, w)
					}
				}
				list, _ := s.List(ctx)
				if len(list) != 1 || list[0].Name != "keep" {
					t.Errorf("after failed import: got %v; want only the seeded answer", list)
				}
			})
		}
	})
}

func TestImportJSON(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := t.Context()
		src := openTest(t, place())
		seed(t, src, trickyAnswers(), "alice")
		if err := src.MarkUsed(ctx, "plain"); err != nil {
			t.Fatal(err)
		}
		list, _ := src.List(ctx)
		// Tab indentation is what most JSON tools write, and is not allowed in
		// YAML block context.
		data, err := json.MarshalIndent(list, "", "\t")
		if err != nil {
			t.Fatal(err)
		}
		dst := openTest(t, place())
		res, err := dst.Import(ctx, bytes.NewReader(data), ImportOptions{By: "bob"})
		if err != nil {
			t.Fatalf("Import JSON: %v\n%s", err, data)
		}
		if len(res.Added) != len(list) {
			t.Errorf("got %d added; want %d", len(res.Added), len(list))
		}
		got, _ := dst.List(ctx)
		for i := range list {
			w := list[i]
			w.Uses = 0
			if i >= len(got) || !equalAnswer(got[i], w) {
				t.Errorf("answer %d: got %+v; want %+v", i, got[i], w)
			}
		}

		if _, err := dst.Import(ctx, strings.NewReader(`[{"name": "x", "text": ""}]`), ImportOptions{By: "bob"}); err == nil ||
			!strings.Contains(err.Error(), `entry 1 "x"`) {
			t.Errorf("invalid JSON entry: got %v; want an error naming entry 1 \"x\"", err)
		}
	})
}

func TestExportEmpty(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := t.Context()
		s := openTest(t, place())
		var buf bytes.Buffer
		if err := s.Export(ctx, &buf); err != nil {
			t.Fatal(err)
		}
		res, err := s.Import(ctx, &buf, ImportOptions{By: "u"})
		if err != nil {
			t.Fatalf("import of an empty export: %v\n%s", err, buf.String())
		}
		if len(res.Added)+len(res.Updated)+len(res.Unchanged) != 0 {
			t.Errorf("got %+v; want nothing", res)
		}
	})
}
