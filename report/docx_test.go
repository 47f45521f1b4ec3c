package report

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/extract"
	"github.com/selfcheck/selfcheck/knowledge"
)

// The content types and relationship types of the WordprocessingML parts
// a report uses (ECMA-376 Part 1 §11 and §15, Part 2 for the package).
var (
	wantContentType = map[string]string{
		"/word/document.xml":            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
		"/word/styles.xml":              "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml",
		"/word/settings.xml":            "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml",
		"/word/fontTable.xml":           "application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml",
		"/docProps/core.xml":            "application/vnd.openxmlformats-package.core-properties+xml",
		"/docProps/app.xml":             "application/vnd.openxmlformats-officedocument.extended-properties+xml",
		"/_rels/.rels":                  "application/vnd.openxmlformats-package.relationships+xml",
		"/word/_rels/document.xml.rels": "application/vnd.openxmlformats-package.relationships+xml",
	}
	relType = map[string]string{
		"officeDocument": "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
		"core":           "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
		"app":            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties",
		"styles":         "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles",
		"settings":       "http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings",
		"fontTable":      "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable",
	}
	// rootOf is each part's root element (namespace, local name).
	rootOf = map[string]xml.Name{
		"word/document.xml":            {Space: nsW, Local: "document"},
		"word/styles.xml":              {Space: nsW, Local: "styles"},
		"word/settings.xml":            {Space: nsW, Local: "settings"},
		"word/fontTable.xml":           {Space: nsW, Local: "fonts"},
		"docProps/core.xml":            {Space: "http://schemas.openxmlformats.org/package/2006/metadata/core-properties", Local: "coreProperties"},
		"docProps/app.xml":             {Space: "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties", Local: "Properties"},
		"_rels/.rels":                  {Space: nsPkg, Local: "Relationships"},
		"word/_rels/document.xml.rels": {Space: nsPkg, Local: "Relationships"},
		"[Content_Types].xml":          {Space: nsCT, Local: "Types"},
	}
)

type relationships struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

// sampleDOCX renders every sample review as a DOCX.
func sampleDOCX(t *testing.T) map[string][]byte {
	out := map[string][]byte{}
	for name, in := range sampleReviews(t) {
		b, err := Render(DOCX, in)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = b
	}
	return out
}

// TestDOCXPackage checks a report against the package rules Word and
// Hancom Office apply before they show anything: every part well-formed
// XML with the right root, a content type for every part and no type for
// a part that is missing, relationships that point at existing parts of
// the right type with unique IDs, and the body's tables bordered, its
// page A4 and its fonts Korean.
func TestDOCXPackage(t *testing.T) {
	for name, data := range sampleDOCX(t) {
		t.Run(name, func(t *testing.T) {
			z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			parts := map[string][]byte{}
			for _, f := range z.File {
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				b, err := io.ReadAll(rc) // checks the CRC too
				rc.Close()
				if err != nil {
					t.Fatalf("%s: %v", f.Name, err)
				}
				parts[f.Name] = b
			}
			if len(z.File) == 0 || z.File[0].Name != partContentTypes {
				t.Errorf("first entry is not %s", partContentTypes)
			}
			for p, root := range rootOf {
				b, ok := parts[p]
				if !ok {
					t.Errorf("missing part %s", p)
					continue
				}
				if got := wellFormedRoot(t, p, b); got != root {
					t.Errorf("%s: root %v, want %v", p, got, root)
				}
			}
			for p := range parts {
				if _, ok := rootOf[p]; !ok {
					t.Errorf("unexpected part %s", p)
				}
			}
			var ct struct {
				Defaults []struct {
					Ext  string `xml:"Extension,attr"`
					Type string `xml:"ContentType,attr"`
				} `xml:"Default"`
				Overrides []struct {
					Part string `xml:"PartName,attr"`
					Type string `xml:"ContentType,attr"`
				} `xml:"Override"`
			}
			if err := xml.Unmarshal(parts[partContentTypes], &ct); err != nil {
				t.Fatal(err)
			}
			typeOf := map[string]string{}
			for _, d := range ct.Defaults {
				typeOf["."+d.Ext] = d.Type
			}
			for _, o := range ct.Overrides {
				if _, ok := parts[strings.TrimPrefix(o.Part, "/")]; !ok {
					t.Errorf("content type for a missing part %s", o.Part)
				}
				typeOf[o.Part] = o.Type
			}
			for p := range parts {
				if p == partContentTypes {
					continue
				}
				got, ok := typeOf["/"+p]
				if !ok {
					got = typeOf[path.Ext(p)]
				}
				if want := wantContentType["/"+p]; got != want {
					t.Errorf("content type of %s = %q, want %q", p, got, want)
				}
			}
			checkRels(t, parts, partRels, "", []string{"officeDocument", "core", "app"})
			checkRels(t, parts, partDocumentRels, "word", []string{"styles", "settings", "fontTable"})

			doc := string(parts[partDocument])
			for _, want := range []string{`<w:pgSz w:w="11906" w:h="16838"/>`, `<w:insideV w:val="single"`, `<w:insideH w:val="single"`, `<w:tblHeader/>`} {
				if !strings.Contains(doc, want) {
					t.Errorf("document has no %s", want)
				}
			}
			if n, m := strings.Count(doc, "<w:tbl>"), strings.Count(doc, "<w:tblBorders>"); n == 0 || n != m {
				t.Errorf("%d tables, %d with borders", n, m)
			}
			if !strings.Contains(string(parts[partStyles]), `w:eastAsia="맑은 고딕"`) || !strings.Contains(string(parts[partFontTable]), `<w:font w:name="맑은 고딕">`) {
				t.Error("Korean font not named in styles and font table")
			}
		})
	}
}

// wellFormedRoot parses a whole part and returns its root element.
func wellFormedRoot(t *testing.T, name string, b []byte) xml.Name {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	var root xml.Name
	depth := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", name, err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				if root.Local != "" {
					t.Fatalf("%s has two root elements", name)
				}
				root = e.Name
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
	if depth != 0 {
		t.Fatalf("%s: unclosed elements", name)
	}
	return root
}

// checkRels checks a relationships part: unique IDs, the wanted types,
// each target an existing part.
func checkRels(t *testing.T, parts map[string][]byte, name, base string, want []string) {
	t.Helper()
	var rels relationships
	if err := xml.Unmarshal(parts[name], &rels); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	ids := map[string]bool{}
	types := map[string]bool{}
	for _, r := range rels.Rels {
		if ids[r.ID] {
			t.Errorf("%s: duplicate Id %s", name, r.ID)
		}
		ids[r.ID] = true
		types[r.Type] = true
		target := path.Join(base, r.Target)
		if _, ok := parts[target]; !ok {
			t.Errorf("%s: %s points at missing part %s", name, r.ID, target)
		}
	}
	for _, w := range want {
		if !types[relType[w]] {
			t.Errorf("%s: no %s relationship", name, w)
		}
	}
}

// TestDOCXReadsBack converts each report back to text with the
// project's own DOCX extractor and finds every element's row: its ID,
// label and status word on one line (a table row reads as one line), and
// the evidence quoted.
func TestDOCXReadsBack(t *testing.T) {
	ins := sampleReviews(t)
	for name, data := range sampleDOCX(t) {
		t.Run(name, func(t *testing.T) {
			doc, err := extract.Bytes(context.Background(), data, extract.Config{})
			if err != nil {
				t.Fatalf("extract: %v", err)
			}
			if doc.Format != extract.FormatDOCX {
				t.Fatalf("read as %s, want docx", doc.Format)
			}
			lines := strings.Split(doc.Text, "\n")
			for _, rep := range ins[name].Items {
				for _, e := range rep.Elements {
					word := text.Status[string(e.Status)]
					found := false
					for _, l := range lines {
						if strings.HasPrefix(l, e.ID+" "+e.Label+"\t") && strings.Contains(l, word) &&
							(e.Evidence == "" || strings.Contains(l, oneLine(e.Evidence))) {
							found = true
							break
						}
					}
					if !found {
						t.Errorf("no row for %s (%s) with its evidence in the extracted text", e.ID, word)
					}
				}
			}
			if !strings.Contains(doc.Text, name+".txt") {
				t.Error("cover does not name the file")
			}
		})
	}
}

// TestDOCXUnzip runs unzip -t on a report when unzip is installed (CI
// installs it): the archive a user's tools see, not only Go's reader.
func TestDOCXUnzip(t *testing.T) {
	bin, err := exec.LookPath("unzip")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but unzip is not installed; .ci/run installs it")
		}
		t.Skip("unzip not installed")
	}
	for name, data := range sampleDOCX(t) {
		p := filepath.Join(t.TempDir(), name+".docx")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(bin, "-t", p).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "No errors detected") {
			t.Errorf("unzip -t %s: %v\n%s", name, err, out)
		}
	}
}

// TestDOCXHostileText: text XML cannot hold (control characters) and
// markup in a draft's quote neither break the document nor inject parts.
func TestDOCXHostileText(t *testing.T) {
	in := Input{File: "a<b>&.txt", Date: reviewDate, Items: []knowledge.Report{{Item: "1.2", Title: "t",
		Elements: []knowledge.ElementResult{{ID: "1.2-a", Label: "l", Status: knowledge.StatusPresent,
			Evidence: "</w:t></w:r><w:p>\x00\x01\x1b]] & \"x\"", Line: 2}}}}}
	b, err := Render(DOCX, in)
	if err != nil {
		t.Fatal(err)
	}
	wellFormedRoot(t, partDocument, docxPart(t, b, partDocument))
	doc, err := extract.Bytes(context.Background(), b, extract.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(doc.Text, "</w:t></w:r><w:p>") || !strings.Contains(doc.Text, "a<b>&.txt") {
		t.Errorf("markup in the text not kept as text:\n%s", doc.Text)
	}
}
