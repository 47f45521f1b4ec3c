package knowledge

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// copyFS copies the embedded knowledge into a MapFS that tests can break.
func copyFS(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(Embedded(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(Embedded(), path)
		m[path] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestLoadEmbedded(t *testing.T) {
	c := mustLoad(t)
	if got, want := strings.Join(c.ItemIDs(), ","), "1.2,1.3,3.1,3.2"; got != want {
		t.Errorf("items %s; want %s", got, want)
	}
	want := map[string]int{"1.2": 9, "1.3": 7, "3.1": 3, "3.2": 4}
	for id, n := range want {
		it, _ := c.Item(id)
		if len(it.Elements) != n {
			t.Errorf("%s has %d elements; want %d", id, len(it.Elements), n)
		}
		for i, e := range it.Elements {
			if wantID := id + "-" + string(rune('a'+i)); e.ID != wantID {
				t.Errorf("element %d of %s is %s; want %s", i, id, e.ID, wantID)
			}
		}
	}
	if len(c.Classes) != 7 {
		t.Errorf("%d service classes; want 7 (cloud, 5 support, convergence)", len(c.Classes))
	}
	if _, ok := c.Item("1.3항"); !ok {
		t.Errorf(`Item("1.3항") not found`)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name      string
		break_    func(m fstest.MapFS)
		wantFile  string
		wantField string
	}{
		{"missing usage", func(m fstest.MapFS) { delete(m, "usage.yaml") }, "usage.yaml", ""},
		{"not yaml", func(m fstest.MapFS) { m["items/1.2.yaml"].Data = []byte("id: [unclosed") }, "items/1.2.yaml", ""},
		{"unknown field", func(m fstest.MapFS) { replace(m, "items/1.3.yaml", "title_en:", "titel_en:") }, "items/1.3.yaml", ""},
		{"bad item id", func(m fstest.MapFS) { replace(m, "items/3.1.yaml", `id: "3.1"`, `id: "3.x"`) }, "items/3.1.yaml", "id"},
		{"element of another item", func(m fstest.MapFS) { replace(m, "items/3.2.yaml", "id: 3.2-c", "id: 3.1-c") }, "items/3.2.yaml", "elements[2].id"},
		{"missing hint", func(m fstest.MapFS) { replaceRe(m, "items/1.2.yaml", "    hint: 통지에 \"무엇이") }, "items/1.2.yaml", "elements[1].hint"},
		{"bad pattern", func(m fstest.MapFS) { replace(m, "items/1.3.yaml", `"re:https([^:]|$)"`, `"re:https(["`) }, "items/1.3.yaml", "elements[2].all[0][2]"},
		{"unknown scope", func(m fstest.MapFS) { replace(m, "items/1.2.yaml", "scope: notification", "scope: notifications") }, "items/1.2.yaml", "elements[0].scope"},
		{"example for an unknown item", func(m fstest.MapFS) { replace(m, "examples/nhn-cloud.yaml", `item: "3.1"`, `item: "2.1"`) }, "examples/nhn-cloud.yaml", "passages[0].item"},
		{"one-word synonym group", func(m fstest.MapFS) { m["synonyms.yaml"].Data = []byte("- [혼자]\n") }, "synonyms.yaml", "[0]"},
		{"bad class kind", func(m fstest.MapFS) { replace(m, "classification.yaml", "kind: convergence", "kind: fusion") }, "classification.yaml", "[6].kind"},
		{"missing form", func(m fstest.MapFS) { delete(m, "form.yaml") }, "form.yaml", ""},
		{"form: unknown field", func(m fstest.MapFS) { replace(m, "form.yaml", "item_heading:", "item_headline:") }, "form.yaml", ""},
		{"form: a kind of service without a name", func(m fstest.MapFS) { replace(m, "form.yaml", "  convergence: 융합서비스\n", "") }, "form.yaml", "service_kinds.convergence"},
		{"form: an unknown kind of service", func(m fstest.MapFS) {
			replace(m, "form.yaml", "  support: 지원서비스", "  helper: 지원서비스")
		}, "form.yaml", "service_kinds.helper"},
		{"form: no exemption range", func(m fstest.MapFS) {
			replace(m, "form.yaml", "certificate_exempt_range: 1.2~1.5", "certificate_exempt_range: \"\"")
		}, "form.yaml", "certificate_exempt_range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := copyFS(t)
			tt.break_(m)
			_, err := Load(m)
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("got %v; want a LoadError", err)
			}
			if le.File != tt.wantFile || (tt.wantField != "" && le.Field != tt.wantField) {
				t.Errorf("got file %q field %q (%v); want file %q field %q", le.File, le.Field, err, tt.wantFile, tt.wantField)
			}
			if !strings.Contains(err.Error(), tt.wantFile) {
				t.Errorf("message %q does not name the file", err)
			}
		})
	}
}

func TestLoadVersionFollowsContent(t *testing.T) {
	a := mustLoad(t)
	m := copyFS(t)
	replace(m, "items/1.2.yaml", "통지방법", "통지 방법")
	b, err := Load(m)
	if err != nil {
		t.Fatal(err)
	}
	if a.Version == b.Version {
		t.Errorf("version %s did not change with the content", a.Version)
	}
}

func replace(m fstest.MapFS, name, old, new string) {
	f := m[name]
	if !strings.Contains(string(f.Data), old) {
		panic(name + " does not contain " + old)
	}
	f.Data = []byte(strings.Replace(string(f.Data), old, new, 1))
}

// replaceRe removes the line that starts with prefix.
func replaceRe(m fstest.MapFS, name, prefix string) {
	f := m[name]
	var out []string
	for _, l := range strings.Split(string(f.Data), "\n") {
		if !strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	f.Data = []byte(strings.Join(out, "\n"))
}
