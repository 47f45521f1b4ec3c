package extracttest

import (
	"fmt"
	"strings"
)

// HWPX returns a 한글 document (OWPML) with one section per element of
// sections. The sections are stored in the zip in reverse order, so that
// only the package's manifest gives their order, and the first paragraph
// carries a page header, which is not body text.
func HWPX(sections ...[]Block) []byte { return HWPXWithHeader("", sections...) }

// HWPXWithHeader is HWPX with refList as the content of header.xml's
// reference list (numberings, bullets, paragraph shapes), the first
// section's properties naming numbering 1 for its outline.
func HWPXWithHeader(refList string, sections ...[]Block) []byte {
	var manifest, spine strings.Builder
	entries := []ZipEntry{
		{Name: "mimetype", Data: "application/hwp+zip", Store: true},
		{Name: "version.xml", Data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><hv:HCFVersion xmlns:hv="http://www.hancom.co.kr/hwpml/2011/version" tagetApplication="WORDPROCESSOR" major="5" minor="1" micro="0" buildNumber="1"/>`},
		{Name: "META-INF/container.xml", Data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><ocf:container xmlns:ocf="urn:oasis:names:tc:opendocument:xmlns:container"><ocf:rootfiles><ocf:rootfile full-path="Contents/content.hpf" media-type="application/hwpml-package+xml"/></ocf:rootfiles></ocf:container>`},
		{Name: "Contents/header.xml", Data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><hh:head xmlns:hh="http://www.hancom.co.kr/hwpml/2011/head" version="1.4" secCnt="1"><hh:refList>` + refList + `</hh:refList></hh:head>`},
	}
	manifest.WriteString(`<opf:item id="header" href="Contents/header.xml" media-type="application/xml"/>`)
	spine.WriteString(`<opf:itemref idref="header" linear="yes"/>`)
	var secs []ZipEntry
	for i, blocks := range sections {
		manifest.WriteString(fmt.Sprintf(`<opf:item id="section%d" href="Contents/section%d.xml" media-type="application/xml"/>`, i, i))
		spine.WriteString(fmt.Sprintf(`<opf:itemref idref="section%d" linear="yes"/>`, i))
		secs = append(secs, ZipEntry{Name: fmt.Sprintf("Contents/section%d.xml", i), Data: hwpxSection(blocks, i == 0)})
	}
	for i := len(secs) - 1; i >= 0; i-- {
		entries = append(entries, secs[i])
	}
	entries = append(entries, ZipEntry{Name: "Contents/content.hpf", Data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><opf:package xmlns:opf="http://www.idpf.org/2007/opf/" version="" unique-identifier="" id=""><opf:metadata><opf:title/></opf:metadata><opf:manifest>` +
		manifest.String() + `</opf:manifest><opf:spine>` + spine.String() + `</opf:spine></opf:package>`})
	return Zip(entries)
}

func hwpxSection(blocks []Block, header bool) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><hs:sec xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section" xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph">`)
	for i, blk := range blocks {
		if blk.Rows == nil {
			ctrl := ""
			if header && i == 0 {
				ctrl = `<hp:ctrl><hp:header id="1" applyPageType="BOTH"><hp:subList><hp:p><hp:run charPrIDRef="0"><hp:t>머리말: 대외비</hp:t></hp:run></hp:p></hp:subList></hp:header></hp:ctrl>`
			}
			if header && i == 0 {
				ctrl += `<hp:secPr id="" textDirection="HORIZONTAL" outlineShapeIDRef="1"/>`
			}
			pp := blk.ParaPr
			if pp == "" {
				pp = "0"
			}
			b.WriteString(`<hp:p id="0" paraPrIDRef="` + pp + `" styleIDRef="0"><hp:run charPrIDRef="0">` + ctrl + hwpxText(blk.Text) + `</hp:run></hp:p>`)
			continue
		}
		cols := 0
		for _, r := range blk.Rows {
			cols = max(cols, len(r))
		}
		b.WriteString(fmt.Sprintf(`<hp:p id="0" paraPrIDRef="0" styleIDRef="0"><hp:run charPrIDRef="0"><hp:tbl id="1" rowCnt="%d" colCnt="%d"><hp:sz width="40000" height="2000"/>`, len(blk.Rows), cols))
		for r, row := range blk.Rows {
			b.WriteString(`<hp:tr>`)
			for c, cell := range row {
				b.WriteString(fmt.Sprintf(`<hp:tc><hp:subList><hp:p id="0" paraPrIDRef="0" styleIDRef="0"><hp:run charPrIDRef="0">%s</hp:run></hp:p></hp:subList><hp:cellAddr colAddr="%d" rowAddr="%d"/><hp:cellSpan colSpan="1" rowSpan="1"/></hp:tc>`, hwpxText(cell), c, r))
			}
			b.WriteString(`</hp:tr>`)
		}
		b.WriteString(`</hp:tbl></hp:run></hp:p>`)
	}
	b.WriteString(`</hs:sec>`)
	return b.String()
}

func hwpxText(s string) string {
	if s == "" {
		return `<hp:t/>`
	}
	return `<hp:t>` + escJoin(s, `<hp:tab width="4000" leader="0" type="1"/>`) + `</hp:t>`
}
