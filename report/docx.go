package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"time"

	"github.com/selfcheck/selfcheck/knowledge"
)

// A DOCX is a zip of WordprocessingML parts. These are the parts a
// report uses: the package's content types and relationships, the main
// document with its styles, settings and font table, and the core and
// app properties. Word and Hancom Office both open a package with these.
const (
	partContentTypes = "[Content_Types].xml"
	partRels         = "_rels/.rels"
	partDocument     = "word/document.xml"
	partDocumentRels = "word/_rels/document.xml.rels"
	partStyles       = "word/styles.xml"
	partSettings     = "word/settings.xml"
	partFontTable    = "word/fontTable.xml"
	partCore         = "docProps/core.xml"
	partApp          = "docProps/app.xml"
)

// Namespaces of the parts.
const (
	nsW   = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsR   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsPkg = "http://schemas.openxmlformats.org/package/2006/relationships"
	nsCT  = "http://schemas.openxmlformats.org/package/2006/content-types"
)

// Page geometry in twentieths of a point: A4 with 2 cm margins left and
// right, and the element table's column widths (20/11/27/24/18 % of the
// text width).
const (
	pageW, pageH  = 11906, 16838
	marginX       = 1134
	marginY       = 1134
	textW         = pageW - 2*marginX
	coverLabelW   = 3000
	tableBorderSz = 4 // eighths of a point
)

var elementCols = []int{1928, 1060, 2602, 2313, 1735}

// statusFill shades a status cell as the HTML page does.
var statusFill = map[knowledge.Status]string{
	knowledge.StatusPresent: "EAF6EC", knowledge.StatusPartial: "FFF6E0",
	knowledge.StatusMissing: "FDE8E8", knowledge.StatusNotApplicable: "F2F2F2",
}

// writeDOCX writes the report as a Word document.
func writeDOCX(w io.Writer, v view) error {
	z := zip.NewWriter(w)
	date := v.Date
	if date.IsZero() {
		date = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	parts := []struct {
		name string
		body []byte
	}{
		{partContentTypes, []byte(contentTypesXML)},
		{partRels, []byte(packageRelsXML)},
		{partDocument, documentXML(v)},
		{partDocumentRels, []byte(documentRelsXML)},
		{partStyles, []byte(stylesXML)},
		{partSettings, []byte(settingsXML)},
		{partFontTable, []byte(fontTableXML)},
		{partCore, coreXML(v.Title, date)},
		{partApp, []byte(appXML)},
	}
	for _, p := range parts {
		f, err := z.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: date.UTC()})
		if err != nil {
			return fmt.Errorf("docx %s: %w", p.name, err)
		}
		if _, err := f.Write(p.body); err != nil {
			return fmt.Errorf("docx %s: %w", p.name, err)
		}
	}
	if err := z.Close(); err != nil {
		return fmt.Errorf("docx: %w", err)
	}
	return nil
}

// docx builds the body of word/document.xml.
type docx struct{ bytes.Buffer }

func (d *docx) esc(s string) {
	// EscapeText also replaces characters XML cannot hold (control
	// characters from a damaged draft) with U+FFFD.
	_ = xml.EscapeText(d, []byte(s))
}

// run writes one run of text; bold and size (half-points, 0: the style's)
// as asked.
func (d *docx) run(s string, bold bool, size int) {
	d.WriteString("<w:r>")
	if bold || size > 0 {
		d.WriteString("<w:rPr>")
		if bold {
			d.WriteString("<w:b/><w:bCs/>")
		}
		if size > 0 {
			fmt.Fprintf(d, `<w:sz w:val="%d"/><w:szCs w:val="%d"/>`, size, size)
		}
		d.WriteString("</w:rPr>")
	}
	d.WriteString(`<w:t xml:space="preserve">`)
	d.esc(s)
	d.WriteString("</w:t></w:r>")
}

// para writes a paragraph of the style (empty: Normal) holding runs.
func (d *docx) para(style string, pageBreak bool, runs func()) {
	d.WriteString("<w:p>")
	if style != "" || pageBreak {
		d.WriteString("<w:pPr>")
		if style != "" {
			fmt.Fprintf(d, `<w:pStyle w:val="%s"/>`, style)
		}
		if pageBreak {
			d.WriteString("<w:pageBreakBefore/>")
		}
		d.WriteString("</w:pPr>")
	}
	runs()
	d.WriteString("</w:p>")
}

func (d *docx) text(style, s string) { d.para(style, false, func() { d.run(s, false, 0) }) }

// table opens a bordered table of the given column widths; rows follow,
// then endTable. The borders are set on the table itself, not only by its
// style, since Hancom Office reads direct formatting more reliably.
func (d *docx) table(cols []int) {
	d.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="ReportTable"/>`)
	fmt.Fprintf(d, `<w:tblW w:w="%d" w:type="dxa"/>`, textW)
	d.WriteString(`<w:tblBorders>`)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		fmt.Fprintf(d, `<w:%s w:val="single" w:sz="%d" w:space="0" w:color="777777"/>`, side, tableBorderSz)
	}
	d.WriteString(`</w:tblBorders><w:tblLayout w:type="fixed"/>`)
	d.WriteString(`<w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>`)
	d.WriteString(`<w:tblLook w:val="0020" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>`)
	for _, c := range cols {
		fmt.Fprintf(d, `<w:gridCol w:w="%d"/>`, c)
	}
	d.WriteString("</w:tblGrid>")
}

func (d *docx) endTable() { d.WriteString("</w:tbl>") }

// row writes a table row; header rows repeat on every page and do not
// split across pages.
func (d *docx) row(header bool, cells func()) {
	d.WriteString("<w:tr><w:trPr><w:cantSplit/>")
	if header {
		d.WriteString("<w:tblHeader/>")
	}
	d.WriteString("</w:trPr>")
	cells()
	d.WriteString("</w:tr>")
}

// cell writes a cell of width w (twips), shaded with fill when not
// empty, holding one paragraph of runs.
func (d *docx) cell(w int, fill string, runs func()) {
	fmt.Fprintf(d, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>`, w)
	if fill != "" {
		fmt.Fprintf(d, `<w:shd w:val="clear" w:color="auto" w:fill="%s"/>`, fill)
	}
	d.WriteString(`</w:tcPr><w:p><w:pPr><w:pStyle w:val="TableText"/></w:pPr>`)
	runs()
	d.WriteString("</w:p></w:tc>")
}

func documentXML(v view) []byte {
	var d docx
	d.WriteString(xml.Header)
	fmt.Fprintf(&d, `<w:document xmlns:w="%s" xmlns:r="%s"><w:body>`, nsW, nsR)
	d.text("Title", v.Title)
	d.table([]int{coverLabelW, textW - coverLabelW})
	for _, c := range v.Cover {
		d.row(false, func() {
			d.cell(coverLabelW, "EEF0F3", func() { d.run(c[0], true, 0) })
			d.cell(textW-coverLabelW, "", func() { d.run(c[1], false, 0) })
		})
	}
	d.endTable()
	for _, s := range v.Summary {
		d.text("ListParagraph", "• "+s)
	}
	d.text("Notice", v.Notice)
	for _, it := range v.Items {
		d.para("Heading1", true, func() { d.run(it.Heading, false, 0) })
		d.para("", false, func() { d.run(it.Counts, true, 0) })
		if it.Progress != "" {
			d.para("", false, func() { d.run(text.Progress+": ", true, 0); d.run(it.Progress, false, 0) })
		}
		d.table(elementCols)
		d.row(true, func() {
			for i, h := range []string{text.Columns.Element, text.Columns.Status, text.Columns.Evidence, text.Columns.Note, text.Columns.Example} {
				d.cell(elementCols[i], "EEF0F3", func() { d.run(h, true, 0) })
			}
		})
		for _, r := range it.Rows {
			d.row(false, func() {
				d.cell(elementCols[0], "", func() { d.run(r.ID, true, 0); d.run(" "+r.Label, false, 0) })
				d.cell(elementCols[1], statusFill[r.Status], func() { d.run(r.StatusText, false, 0) })
				d.cell(elementCols[2], "", func() {
					if r.Evidence == "" {
						d.run(text.Empty, false, 0)
						return
					}
					d.run("“"+r.Evidence+"”", false, 0)
					if r.Line != "" {
						d.run(" ("+r.Line+")", false, 16)
					}
				})
				d.cell(elementCols[3], "", func() { d.run(cmpEmpty(r.Note), false, 0) })
				d.cell(elementCols[4], "", func() { d.run(cmpEmpty(r.Example), false, 16) })
			})
		}
		d.endTable()
		if len(it.Notices) > 0 {
			d.para("", false, func() { d.run(text.Notices, true, 0) })
			for _, n := range it.Notices {
				d.text("Notice", "• "+oneLine(n))
			}
		}
	}
	fmt.Fprintf(&d, `<w:sectPr><w:pgSz w:w="%d" w:h="%d"/><w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr>`,
		pageW, pageH, marginY, marginX, marginY, marginX)
	d.WriteString("</w:body></w:document>")
	return d.Bytes()
}

func coreXML(title string, date time.Time) []byte {
	var d docx
	d.WriteString(xml.Header)
	d.WriteString(`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>`)
	d.esc(title)
	d.WriteString(`</dc:title><dc:creator>selfcheck</dc:creator>`)
	stamp := date.UTC().Format("2006-01-02T15:04:05Z")
	fmt.Fprintf(&d, `<dcterms:created xsi:type="dcterms:W3CDTF">%s</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">%s</dcterms:modified>`, stamp, stamp)
	d.WriteString(`</cp:coreProperties>`)
	return d.Bytes()
}
