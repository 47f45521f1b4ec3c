package extracttest

import (
	"fmt"
	"strings"
)

// DOCXListPara is a paragraph of ListDOCX: its text, and the list it
// belongs to (NumID, "" for none) at a level; or a paragraph style that
// numbers it; with footnotes, endnotes and comments referred to at its end.
type DOCXListPara struct {
	Text     string
	NumID    string
	Level    int
	Style    string
	Footnote string
	Endnote  string
	Comment  string
}

// DOCXLevel is a list level of ListDOCX's numbering part.
type DOCXLevel struct {
	Format string // Word's numFmt: decimal, ganada, chosung, decimalEnclosedCircle, upperRoman, lowerLetter, bullet …
	Text   string // lvlText: "%1.", "%1.%2.", "(%1)", or the bullet
	Start  int
}

// DOCXList is an abstract list; DOCXNum a list instance of one, with
// start overrides (level → start) that restart it.
type DOCXList struct {
	ID     string
	Levels []DOCXLevel
}

type DOCXNum struct {
	ID, List string
	Restart  map[int]int
}

// ListDOCX returns a Word document with numbering.xml (lists), styles.xml
// (a heading style that numbers its paragraphs), footnotes.xml,
// endnotes.xml and comments.xml, named by the main part's relationships
// as Word writes them.
func ListDOCX(lists []DOCXList, nums []DOCXNum, headingNum string, paras []DOCXListPara) []byte {
	const ns = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	var numbering strings.Builder
	numbering.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering ` + ns + `>`)
	for _, l := range lists {
		fmt.Fprintf(&numbering, `<w:abstractNum w:abstractNumId="%s"><w:multiLevelType w:val="hybridMultilevel"/>`, l.ID)
		for i, lv := range l.Levels {
			start := lv.Start
			if start == 0 {
				start = 1
			}
			fmt.Fprintf(&numbering, `<w:lvl w:ilvl="%d"><w:start w:val="%d"/><w:numFmt w:val="%s"/><w:lvlText w:val="%s"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="%d" w:hanging="360"/></w:pPr>`, i, start, lv.Format, esc(lv.Text), 720*(i+1))
			if lv.Format == "bullet" {
				numbering.WriteString(`<w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol" w:hint="default"/></w:rPr>`)
			}
			numbering.WriteString(`</w:lvl>`)
		}
		numbering.WriteString(`</w:abstractNum>`)
	}
	for _, n := range nums {
		fmt.Fprintf(&numbering, `<w:num w:numId="%s"><w:abstractNumId w:val="%s"/>`, n.ID, n.List)
		for lvl, s := range n.Restart {
			fmt.Fprintf(&numbering, `<w:lvlOverride w:ilvl="%d"><w:startOverride w:val="%d"/></w:lvlOverride>`, lvl, s)
		}
		numbering.WriteString(`</w:num>`)
	}
	numbering.WriteString(`</w:numbering>`)

	styles := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles ` + ns + `><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:pPr><w:numPr><w:numId w:val="` + headingNum + `"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr></w:style></w:styles>`

	var body, foot, end, comments strings.Builder
	foot.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes ` + ns + `><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>`)
	end.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:endnotes ` + ns + `><w:endnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:endnote>`)
	comments.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments ` + ns + `>`)
	for i, p := range paras {
		id := i + 1
		body.WriteString(`<w:p><w:pPr>`)
		if p.Style != "" {
			fmt.Fprintf(&body, `<w:pStyle w:val="%s"/>`, p.Style)
		}
		if p.NumID != "" {
			fmt.Fprintf(&body, `<w:numPr><w:ilvl w:val="%d"/><w:numId w:val="%s"/></w:numPr>`, p.Level, p.NumID)
		}
		body.WriteString(`<w:rPr><w:b/></w:rPr></w:pPr>`)
		if p.Comment != "" {
			fmt.Fprintf(&body, `<w:commentRangeStart w:id="%d"/>`, id)
		}
		fmt.Fprintf(&body, `<w:r><w:t xml:space="preserve">%s</w:t></w:r>`, esc(p.Text))
		if p.Footnote != "" {
			fmt.Fprintf(&body, `<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="%d"/></w:r>`, id)
			fmt.Fprintf(&foot, `<w:footnote w:id="%d"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> %s</w:t></w:r></w:p></w:footnote>`, id, esc(p.Footnote))
		}
		if p.Endnote != "" {
			fmt.Fprintf(&body, `<w:r><w:endnoteReference w:id="%d"/></w:r>`, id)
			fmt.Fprintf(&end, `<w:endnote w:id="%d"><w:p><w:r><w:endnoteRef/></w:r><w:r><w:t xml:space="preserve"> %s</w:t></w:r></w:p></w:endnote>`, id, esc(p.Endnote))
		}
		if p.Comment != "" {
			fmt.Fprintf(&body, `<w:commentRangeEnd w:id="%d"/><w:r><w:commentReference w:id="%d"/></w:r>`, id, id)
			fmt.Fprintf(&comments, `<w:comment w:id="%d" w:author="검토자"><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:comment>`, id, esc(p.Comment))
		}
		body.WriteString(`</w:p>`)
	}
	foot.WriteString(`</w:footnotes>`)
	end.WriteString(`</w:endnotes>`)
	comments.WriteString(`</w:comments>`)
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ` + ns + `><w:body>` + body.String() + `<w:sectPr/></w:body></w:document>`
	rels := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>` +
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
		`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>` +
		`<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes" Target="endnotes.xml"/>` +
		`<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/></Relationships>`
	return Zip(append(DOCXParts(),
		ZipEntry{Name: "word/document.xml", Data: doc},
		ZipEntry{Name: "word/_rels/document.xml.rels", Data: rels},
		ZipEntry{Name: "word/numbering.xml", Data: numbering.String()},
		ZipEntry{Name: "word/styles.xml", Data: styles},
		ZipEntry{Name: "word/footnotes.xml", Data: foot.String()},
		ZipEntry{Name: "word/endnotes.xml", Data: end.String()},
		ZipEntry{Name: "word/comments.xml", Data: comments.String()},
	))
}
