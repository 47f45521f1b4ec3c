package extracttest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
)

// DOCX returns a Word document holding blocks. Each paragraph's text is
// split over two runs, paragraphs carry tab stops in their properties
// and one deleted run, so that a reader must join runs and skip what is
// not text.
func DOCX(blocks []Block) []byte {
	var body strings.Builder
	for _, b := range blocks {
		if b.Rows == nil {
			body.WriteString(docxPara(b.Text))
			continue
		}
		body.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid><w:gridCol w:w="2000"/></w:tblGrid>`)
		for _, row := range b.Rows {
			body.WriteString(`<w:tr><w:trPr/>`)
			for _, c := range row {
				body.WriteString(`<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/></w:tcPr>` + docxPara(c) + `</w:tc>`)
			}
			body.WriteString(`</w:tr>`)
		}
		body.WriteString(`</w:tbl>`)
	}
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>` +
		body.String() + `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>`
	return Zip(append(DOCXParts(), ZipEntry{Name: "word/document.xml", Data: doc}))
}

// DOCXParts are the parts of a DOCX besides word/document.xml: the
// content types and the package relationships naming the main part.
func DOCXParts() []ZipEntry {
	return []ZipEntry{
		{Name: "[Content_Types].xml", Data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{Name: "_rels/.rels", Data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
	}
}

func docxPara(text string) string {
	a, b := splitHalf(text)
	return fmt.Sprintf(`<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r><w:del w:id="1" w:author="x"><w:r><w:delText>삭제된 문장</w:delText></w:r></w:del><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>`, docxText(a), docxText(b))
}

// docxText escapes text for a w:t element; a tab is a w:tab of the run.
func docxText(s string) string {
	return escJoin(s, `</w:t><w:tab/><w:t xml:space="preserve">`)
}

// splitHalf splits s at a rune boundary near its middle.
func splitHalf(s string) (string, string) {
	r := []rune(s)
	return string(r[:len(r)/2]), string(r[len(r)/2:])
}

// escJoin escapes the tab-separated parts of s and joins them with tab,
// the markup of a tab.
func escJoin(s, tab string) string {
	parts := strings.Split(s, "\t")
	for i, p := range parts {
		parts[i] = esc(p)
	}
	return strings.Join(parts, tab)
}

func esc(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// ZipEntry is one file of a zip archive; Store keeps it uncompressed.
type ZipEntry struct {
	Name  string
	Data  string
	Store bool
}

// Zip returns a zip archive of entries in the given order.
func Zip(entries []ZipEntry) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		m := zip.Deflate
		if e.Store {
			m = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.Name, Method: m})
		if err != nil {
			panic(err)
		}
		if _, err := w.Write([]byte(e.Data)); err != nil {
			panic(err)
		}
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}
