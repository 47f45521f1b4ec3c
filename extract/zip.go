package extract

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// zip reads a DOCX or an HWPX file, told apart by their entries: HWPX
// names its media type in a "mimetype" entry (like EPUB), DOCX has a
// word/ part named by its package relationships.
func (x *extraction) zip(data []byte) (Document, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return Document{}, damaged("ZIP(DOCX/HWPX)", err)
	}
	if len(zr.File) > x.cfg.MaxEntries {
		return Document{}, userError(fmt.Sprintf("압축 파일 안의 항목이 너무 많습니다(%d개, 최대 %d개).", len(zr.File), x.cfg.MaxEntries),
			fmt.Sprintf("too many entries in the archive: %d, limit %d", len(zr.File), x.cfg.MaxEntries))
	}
	entries := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		entries[f.Name] = f
	}
	if f := entries["mimetype"]; f != nil {
		b, err := x.entry(f, 256)
		if err != nil {
			return Document{}, x.fail("HWPX", err)
		}
		if strings.HasPrefix(strings.TrimSpace(string(b)), "application/hwp+zip") {
			if x.hwpxEncrypted(entries) {
				return Document{}, protected("HWPX")
			}
			return x.hwpx(entries)
		}
	}
	if entries["[Content_Types].xml"] != nil {
		if main := x.docxMain(entries); main != nil {
			return x.docx(main, x.docxParts(entries, main))
		}
	}
	return Document{}, unsupported()
}

// entry reads one zip entry, at most max bytes of it (and never more
// than the decompression budget).
func (x *extraction) entry(f *zip.File, max int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(x.budget) {
		return nil, errBudget
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return x.unpack(io.LimitReader(rc, max))
}

// open opens a zip entry for streaming within the decompression budget.
func (x *extraction) open(f *zip.File) (io.ReadCloser, error) {
	if f.UncompressedSize64 > uint64(x.budget) {
		return nil, errBudget
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	return &budgetReader{rc: rc, x: x}, nil
}

// budgetReader fails once the extraction's decompression budget is spent:
// declared sizes in a zip can lie.
type budgetReader struct {
	rc io.ReadCloser
	x  *extraction
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.x.budget <= 0 {
		return 0, errBudget
	}
	if int64(len(p)) > b.x.budget {
		p = p[:b.x.budget]
	}
	n, err := b.rc.Read(p)
	b.x.budget -= int64(n)
	return n, err
}

func (b *budgetReader) Close() error { return b.rc.Close() }

// fail maps a parser's error to what the user is told: limits and
// timeouts keep their meaning, anything else means a damaged file.
func (x *extraction) fail(what string, err error) error {
	switch {
	case err == nil:
		return nil
	case isUserError(err), errors.Is(err, errBudget), errors.Is(err, errTextLimit), x.ctx.Err() != nil:
		return err
	}
	return damaged(what, err)
}

// docxMain finds the main document part through the package
// relationships (_rels/.rels), falling back to word/document.xml.
func (x *extraction) docxMain(entries map[string]*zip.File) *zip.File {
	if rels := entries["_rels/.rels"]; rels != nil {
		if b, err := x.entry(rels, 1<<20); err == nil {
			var doc struct {
				Rels []struct {
					Type   string `xml:"Type,attr"`
					Target string `xml:"Target,attr"`
				} `xml:"Relationship"`
			}
			if unmarshalXML(b, &doc) == nil {
				for _, r := range doc.Rels {
					if strings.HasSuffix(r.Type, "/officeDocument") {
						if f := entries[strings.TrimPrefix(path.Clean("/"+r.Target), "/")]; f != nil {
							return f
						}
					}
				}
			}
		}
	}
	return entries["word/document.xml"]
}

// docx reads the body of a Word document.
func (x *extraction) docx(main *zip.File, parts *docxDoc) (Document, error) {
	rc, err := x.open(main)
	if err != nil {
		return Document{}, x.fail("DOCX", err)
	}
	defer rc.Close()
	w := &textWriter{limit: x.cfg.MaxTextBytes}
	if err := x.xmlText(rc, w, parts, nil); err != nil {
		return Document{}, x.fail("DOCX", err)
	}
	return Document{Format: FormatDOCX, Text: w.String()}, nil
}

// hwpx reads the sections of an HWPX document in the order of its
// package: the spine of Contents/content.hpf (or the file that
// META-INF/container.xml names), else the manifest's order.
func (x *extraction) hwpx(entries map[string]*zip.File) (Document, error) {
	sections, err := x.hwpxSections(entries)
	if err != nil {
		return Document{}, x.fail("HWPX", err)
	}
	if len(sections) == 0 {
		return Document{}, damaged("HWPX", errors.New("no sections"))
	}
	w := &textWriter{limit: x.cfg.MaxTextBytes}
	heads := x.hwpxHeader(entries)
	for _, f := range sections {
		rc, err := x.open(f)
		if err != nil {
			return Document{}, x.fail("HWPX", err)
		}
		err = x.xmlText(rc, w, nil, heads)
		rc.Close()
		if err != nil {
			return Document{}, x.fail("HWPX", err)
		}
	}
	return Document{Format: FormatHWPX, Text: w.String()}, nil
}

func (x *extraction) hwpxSections(entries map[string]*zip.File) ([]*zip.File, error) {
	hpf := "Contents/content.hpf"
	if c := entries["META-INF/container.xml"]; c != nil {
		if b, err := x.entry(c, 1<<20); err == nil {
			var doc struct {
				Rootfiles []struct {
					FullPath  string `xml:"full-path,attr"`
					MediaType string `xml:"media-type,attr"`
				} `xml:"rootfiles>rootfile"`
			}
			if unmarshalXML(b, &doc) == nil {
				for _, r := range doc.Rootfiles {
					if strings.HasSuffix(r.FullPath, ".hpf") {
						hpf = r.FullPath
						break
					}
				}
			}
		}
	}
	f := entries[hpf]
	if f == nil {
		return nil, fmt.Errorf("no package file %s", hpf)
	}
	b, err := x.entry(f, 8<<20)
	if err != nil {
		return nil, err
	}
	var pkg struct {
		Items []struct {
			ID   string `xml:"id,attr"`
			Href string `xml:"href,attr"`
		} `xml:"manifest>item"`
		Refs []struct {
			IDRef string `xml:"idref,attr"`
		} `xml:"spine>itemref"`
	}
	if err := unmarshalXML(b, &pkg); err != nil {
		return nil, fmt.Errorf("package file: %w", err)
	}
	base := path.Dir(hpf)
	href := map[string]string{}
	var order []string
	for _, it := range pkg.Items {
		href[it.ID] = it.Href
		order = append(order, it.ID)
	}
	if len(pkg.Refs) > 0 {
		order = order[:0]
		for _, r := range pkg.Refs {
			order = append(order, r.IDRef)
		}
	}
	var out []*zip.File
	seen := map[string]bool{}
	for _, id := range order {
		h := href[id]
		if !isSectionPart(h) || seen[h] {
			continue
		}
		seen[h] = true
		// Hrefs are relative to the package file's folder in the
		// standard, but some writers make them relative to the root.
		f := entries[strings.TrimPrefix(path.Clean(path.Join("/", base, h)), "/")]
		if f == nil {
			f = entries[strings.TrimPrefix(path.Clean("/"+h), "/")]
		}
		if f == nil {
			return nil, fmt.Errorf("section %s listed but missing", path.Base(h))
		}
		out = append(out, f)
	}
	return out, nil
}

// hwpxEncrypted reports whether the package's manifest says its parts
// are encrypted (a password set in 한글), as ODF-style packages do.
func (x *extraction) hwpxEncrypted(entries map[string]*zip.File) bool {
	f := entries["META-INF/manifest.xml"]
	if f == nil {
		return false
	}
	b, err := x.entry(f, 1<<20)
	return err == nil && bytes.Contains(b, []byte("encryption-data"))
}

// isSectionPart tells the body sections (Contents/section0.xml …) from the
// other parts a package lists (header.xml, images, scripts).
func isSectionPart(href string) bool {
	b := path.Base(href)
	return strings.HasPrefix(b, "section") && strings.HasSuffix(b, ".xml")
}

// unmarshalXML is xml.Unmarshal within the limits of xmlGuard.
func unmarshalXML(b []byte, v any) error {
	return xml.NewDecoder(newXMLGuard(bytes.NewReader(b))).Decode(v)
}
