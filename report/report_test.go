package report

import (
	"archive/zip"
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// reviewDate is the date every test report carries, so that goldens stay
// the same from run to run.
var reviewDate = time.Date(2026, 3, 2, 10, 30, 0, 0, time.UTC)

// sampleReviews reviews the repository's sample drafts
// (testdata/drafts/ITEM-*.txt) with the engine, as the CLI would, and
// returns one report input per draft, by file name.
func sampleReviews(t *testing.T) map[string]Input {
	t.Helper()
	kb, err := knowledge.Load(knowledge.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.New(engine.Config{Knowledge: kb})
	if err != nil {
		t.Fatal(err)
	}
	paths, err := filepath.Glob("../testdata/drafts/*.txt")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no sample drafts: %v", err)
	}
	out := map[string]Input{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(p)
		item, _, _ := strings.Cut(name, "-")
		rep, err := e.Review(context.Background(), item, string(data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		form := engine.FormReport{File: name, Items: []knowledge.Report{rep}, NotFound: []string{}, UnknownSections: []string{}}
		in := FromForm(form, kb, reviewDate)
		in.Version = "test-version" // the real one changes with every data file
		out[strings.TrimSuffix(name, ".txt")] = in
	}
	return out
}

// golden compares got with testdata/NAME, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./report -update rewrites it after checking the change):\n%s", name, firstDiff(string(want), string(got)))
	}
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n- " + w + "\n+ " + g
		}
	}
	return ""
}

// docxPart reads one part of a DOCX.
func docxPart(t *testing.T, data []byte, name string) []byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	f, err := z.Open(name)
	if err != nil {
		t.Fatalf("docx has no %s: %v", name, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestGolden renders every sample draft's review in the three formats.
// The DOCX golden is its document part, the one that says what the
// report holds (the other parts are fixed; TestDOCXPackage checks them).
func TestGolden(t *testing.T) {
	for name, in := range sampleReviews(t) {
		t.Run(name, func(t *testing.T) {
			for _, f := range []Format{Markdown, HTML, DOCX} {
				got, err := Render(f, in)
				if err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				if f == DOCX {
					golden(t, name+".docx.xml", docxPart(t, got, partDocument))
					continue
				}
				golden(t, name+"."+string(f), got)
			}
		})
	}
}

// TestCoverNamesEveryItem: the cover lists the items reviewed, those the
// document has no section for, those without guidance and the numbers
// the checklist does not have, in every format.
func TestCoverNamesEveryItem(t *testing.T) {
	in := sampleReviews(t)["1.2-draft"]
	in.NotFound, in.Unknown, in.NotInChecklist = []string{"3.1"}, []string{"1.4"}, []string{"9.9"}
	in.Titles = map[string]string{"3.1": "조직·인력 구성 현황 및 이용자 지원 체계"}
	for _, f := range []Format{Markdown, HTML, DOCX} {
		b, err := Render(f, in)
		if err != nil {
			t.Fatal(err)
		}
		got := string(b)
		if f == DOCX {
			got = string(docxPart(t, b, partDocument))
		}
		for _, want := range []string{text.Cover.NotFound, "3.1 조직·인력", text.Cover.Unknown, "1.4", text.Cover.NotInChecklist, "9.9"} {
			if !strings.Contains(got, want) {
				t.Errorf("%s cover lacks %q", f, want)
			}
		}
	}
}
