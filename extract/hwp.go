package extract

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/richardlehane/mscfb"
)

// HWP 5.0 (한글 97 and later, before HWPX) is an OLE compound file. Its
// FileHeader stream says whether the body is compressed (raw deflate) or
// protected; the body is one stream per section, BodyText/Section0 …,
// each a sequence of records (tag, level, size). Paragraph text is in
// PARA_TEXT records, as UTF-16 with inline control codes; a table is a
// control whose cells follow as LIST_HEADER records, each followed by its
// paragraphs, one level deeper than the control.

// Record tags (HWPTAG_BEGIN is 0x10).
const (
	tagParaHeader = 0x10 + 50
	tagParaText   = 0x10 + 51
	tagCtrlHeader = 0x10 + 55
	tagListHeader = 0x10 + 56
)

// Control IDs are four characters, the first in the high byte.
func ctrlID(s string) uint32 {
	return uint32(s[0])<<24 | uint32(s[1])<<16 | uint32(s[2])<<8 | uint32(s[3])
}

var (
	ctrlTable  = ctrlID("tbl ")
	ctrlHeader = ctrlID("head")
	ctrlFooter = ctrlID("foot")
)

// FileHeader properties.
const (
	hwpCompressed = 1 << 0
	// Password, distribution document (배포용), DRM, certificate
	// encryption, certificate DRM: the body cannot be read without a key.
	hwpProtected = 1<<1 | 1<<2 | 1<<4 | 1<<8 | 1<<10
)

var hwpSignature = []byte("HWP Document File")

func (x *extraction) hwp(data []byte) (doc Document, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = Document{}, damaged("HWP", fmt.Errorf("%v", r))
		}
	}()
	cf, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		return Document{}, damaged("HWP", err)
	}
	var header, docInfo []byte
	sections := map[int]*mscfb.File{}
	entries := 0
	encrypted := false // an Office document saved with a password
	for f, err := cf.Next(); err == nil; f, err = cf.Next() {
		if entries++; entries > x.cfg.MaxEntries {
			return Document{}, userError("HWP 파일 안의 항목이 너무 많습니다.", fmt.Sprintf("more than %d streams in the file", x.cfg.MaxEntries))
		}
		switch {
		case len(f.Path) == 0 && (f.Name == "EncryptedPackage" || f.Name == "EncryptionInfo"):
			encrypted = true
		case len(f.Path) == 0 && f.Name == "FileHeader":
			if header, err = x.unpack(io.LimitReader(f, 4096)); err != nil {
				return Document{}, x.fail("HWP", err)
			}
		case len(f.Path) == 0 && f.Name == "DocInfo":
			if docInfo, err = x.unpack(io.LimitReader(f, 16<<20)); err != nil {
				return Document{}, x.fail("HWP", err)
			}
		case len(f.Path) == 1 && f.Path[0] == "BodyText":
			if n, err := strconv.Atoi(strings.TrimPrefix(f.Name, "Section")); err == nil && strings.HasPrefix(f.Name, "Section") && n >= 0 {
				sections[n] = f
			}
		}
	}
	if encrypted {
		// Word and others keep a password-protected DOCX in a compound
		// file: the document inside is encrypted.
		return Document{}, protected("DOCX")
	}
	if !bytes.HasPrefix(header, hwpSignature) || len(header) < 40 {
		return Document{}, userError("HWP 파일이 아닌 OLE 문서입니다(예: Word 97-2003 .doc, Excel .xls). DOCX, HWPX 또는 PDF로 저장해 보내 주세요.",
			"an OLE file that is not HWP (.doc, .xls …); save it as DOCX, HWPX or PDF")
	}
	if major := header[35]; major != 5 {
		return Document{}, userError(fmt.Sprintf("HWP %d.x 형식은 읽을 수 없습니다. HWP(5.0 이상), HWPX 또는 PDF로 저장해 보내 주세요.", major),
			fmt.Sprintf("HWP version %d is not supported; save it as HWP 5.0, HWPX or PDF", major))
	}
	props := binary.LittleEndian.Uint32(header[36:40])
	if props&hwpProtected != 0 {
		return Document{}, protected("HWP")
	}
	if len(sections) == 0 {
		return Document{}, damaged("HWP", errors.New("no BodyText sections"))
	}
	order := make([]int, 0, len(sections))
	for n := range sections {
		order = append(order, n)
	}
	slices.Sort(order)

	// The paragraph heads; a DocInfo that cannot be read leaves the
	// paragraphs without them.
	if props&hwpCompressed != 0 && docInfo != nil {
		if b, err := x.unpack(flate.NewReader(bytes.NewReader(docInfo))); err == nil {
			docInfo = b
		} else if errors.Is(err, errBudget) {
			return Document{}, x.fail("HWP", err)
		} else {
			docInfo = nil
		}
	}
	heads := hwpHeads(docInfo)
	w := &textWriter{limit: x.cfg.MaxTextBytes}
	for _, n := range order {
		raw, err := x.unpack(sections[n])
		if err != nil {
			return Document{}, x.fail("HWP", err)
		}
		body := raw
		if props&hwpCompressed != 0 {
			if body, err = x.unpack(flate.NewReader(bytes.NewReader(raw))); err != nil {
				return Document{}, x.fail("HWP", fmt.Errorf("section %d: %w", n, err))
			}
		}
		if err := x.hwpRecords(body, w, heads); err != nil {
			return Document{}, x.fail("HWP", fmt.Errorf("section %d: %w", n, err))
		}
	}
	return Document{Format: FormatHWP, Text: w.String()}, nil
}

// hwpTable is a table being read: the level of its control record and
// the row of the last cell seen.
type hwpTable struct {
	level     int
	row       int
	firstCell bool
}

// hwpRecords appends the text of one section's records to w, with the
// same layout as xmlText: a line per paragraph and per table row, tabs
// between cells, nested tables flattened into their cell.
func (x *extraction) hwpRecords(b []byte, w *textWriter, heads *hwpxLists) error {
	var (
		mark    string // the paragraph head of the paragraph being read
		tables  []hwpTable
		skip    = -1 // level of a skipped control (header, footer)
		inPara  bool // a top-level paragraph is open
		pending bool // a paragraph began in a cell
	)
	for off, n := 0, 0; off < len(b); n++ {
		if n%4096 == 0 {
			if err := x.ctx.Err(); err != nil {
				return err
			}
		}
		if w.err != nil {
			return w.err
		}
		if off+4 > len(b) {
			return errors.New("record header cut short")
		}
		h := binary.LittleEndian.Uint32(b[off:])
		off += 4
		tag, level, size := int(h&0x3FF), int(h>>10&0x3FF), int(h>>20)
		if size == 0xFFF {
			if off+4 > len(b) {
				return errors.New("record size cut short")
			}
			size = int(binary.LittleEndian.Uint32(b[off:]))
			off += 4
		}
		if size < 0 || size > len(b)-off {
			return errors.New("record runs past the end of the section")
		}
		rec := b[off : off+size]
		off += size

		if skip >= 0 {
			if level > skip {
				continue
			}
			skip = -1
		}
		for len(tables) > 0 && level <= tables[len(tables)-1].level {
			tables = tables[:len(tables)-1]
			if len(tables) == 0 {
				w.newline()
				inPara = false // the table ended the paragraph that held it
			}
		}
		switch tag {
		case tagCtrlHeader:
			if len(rec) < 4 {
				continue
			}
			switch binary.LittleEndian.Uint32(rec) {
			case ctrlTable:
				tables = append(tables, hwpTable{level: level, row: -1, firstCell: true})
				if len(tables) == 1 {
					w.newline()
				} else {
					pending = true
				}
			case ctrlHeader, ctrlFooter:
				skip = level
			}
		case tagListHeader:
			if len(tables) == 0 || level != tables[len(tables)-1].level+1 {
				continue
			}
			if len(tables) > 1 {
				pending = true
				continue
			}
			t := &tables[0]
			row := -1
			if len(rec) >= 12 {
				row = int(binary.LittleEndian.Uint16(rec[10:]))
			}
			switch {
			case t.firstCell:
				w.newline()
			case row != t.row:
				w.writeByte('\n')
			default:
				w.writeByte('\t')
			}
			t.firstCell, t.row, pending = false, row, false
		case tagParaHeader:
			mark = ""
			if len(rec) >= 10 {
				mark = heads.marker(strconv.Itoa(int(binary.LittleEndian.Uint16(rec[8:]))))
			}
			if len(tables) > 0 {
				pending = true
				continue
			}
			if inPara {
				w.writeByte('\n')
			}
			inPara = true
		case tagParaText:
			s := mark + hwpText(rec, len(tables) > 0)
			mark = ""
			if len(tables) > 0 && pending && s != "" {
				pending = false
				if !w.atLineStart() && !endsWith(w, '\t') && !endsWith(w, ' ') {
					w.writeByte(' ')
				}
			}
			w.writeString(s)
		}
	}
	if inPara {
		w.writeByte('\n')
	}
	w.newline()
	return w.err
}

// hwpText decodes a PARA_TEXT record. Control codes below 32 take one
// code unit (line break, paragraph end, hyphen, fixed spaces) or eight
// (inline and extended controls: tabs, tables, fields, footnotes …).
// In a cell, tabs and line breaks become spaces so that the row stays one
// line with its cells apart.
func hwpText(b []byte, inCell bool) string {
	var sb strings.Builder
	sb.Grow(len(b) / 2 * 3)
	for i := 0; i+1 < len(b); {
		c := binary.LittleEndian.Uint16(b[i:])
		switch {
		case c >= 32:
			r := rune(c)
			i += 2
			if utf16.IsSurrogate(r) && i+1 < len(b) {
				r = utf16.DecodeRune(r, rune(binary.LittleEndian.Uint16(b[i:])))
				i += 2
			}
			sb.WriteRune(r)
		case c == 9:
			if inCell {
				sb.WriteByte(' ')
			} else {
				sb.WriteByte('\t')
			}
			i += 16
		case c == 10:
			if inCell {
				sb.WriteByte(' ')
			} else {
				sb.WriteByte('\n')
			}
			i += 2
		case c == 24:
			sb.WriteByte('-')
			i += 2
		case c == 30, c == 31:
			sb.WriteByte(' ')
			i += 2
		case c == 0, c == 13, c >= 25 && c <= 29:
			i += 2
		default:
			i += 16
		}
	}
	return sb.String()
}
