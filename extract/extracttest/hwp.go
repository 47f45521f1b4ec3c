package extracttest

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"strconv"
	"unicode/utf16"
)

// HWPOptions choose how HWP writes a document.
type HWPOptions struct {
	// Uncompressed stores the sections as plain records; by default they
	// are raw deflate, as 한글 saves them.
	Uncompressed bool
	// Password and Distribution set the FileHeader flags of a
	// password-protected or distribution (배포용) document.
	Password, Distribution bool
	// Numberings, Bullets and ParaShapes go in DocInfo, as the
	// paragraph heads a Block's ParaPr (the paragraph shape's ID) refers
	// to.
	Numberings []HWPNumbering
	Bullets    []rune
	ParaShapes []HWPParaShape
}

// HWPNumbering is a NUMBERING record: per level (up to 7) the number
// shape (0 digits, 1 circled digits, 2 I II, 3 i ii, 4 A B, 5 a b, 8 가나다,
// 10 ㄱㄴㄷ) and the format ("^1.", "^2)"), and the start.
type HWPNumbering struct {
	Shapes  []int
	Formats []string
	Start   int
}

// HWPParaShape is a PARA_SHAPE record's paragraph head: kind 0 none,
// 1 outline, 2 number, 3 bullet; the numbering or bullet (1-based); the
// level (0-based).
type HWPParaShape struct {
	Kind, Ref, Level int
}

// Record tags of HWP 5.0 (HWPTAG_BEGIN = 0x10).
const (
	tagParaHeader    = 0x10 + 50
	tagParaText      = 0x10 + 51
	tagParaCharShape = 0x10 + 52
	tagCtrlHeader    = 0x10 + 55
	tagListHeader    = 0x10 + 56
	tagTable         = 0x10 + 61
	tagDocProperties = 0x10 + 0
	tagNumbering     = 0x10 + 7
	tagBullet        = 0x10 + 8
	tagParaShape     = 0x10 + 9
)

// HWP returns an HWP 5.0 document with one BodyText section per element
// of sections. Tables are written as 한글 writes them: a paragraph holding
// a table control, the control's records one level down, then per cell a
// LIST_HEADER (with its row and column) followed by the cell's paragraphs.
// The first section starts with a page header control, whose text is not
// body text.
func HWP(opt HWPOptions, sections ...[]Block) []byte {
	header := make([]byte, 256)
	copy(header, "HWP Document File")
	binary.LittleEndian.PutUint32(header[32:], 0x05000300) // 5.0.3.0
	var props uint32
	if !opt.Uncompressed {
		props |= 1
	}
	if opt.Password {
		props |= 1 << 1
	}
	if opt.Distribution {
		props |= 1 << 2
	}
	binary.LittleEndian.PutUint32(header[36:], props)

	pack := func(b []byte) []byte {
		if opt.Uncompressed {
			return b
		}
		var buf bytes.Buffer
		w, _ := flate.NewWriter(&buf, flate.DefaultCompression)
		w.Write(b)
		w.Close()
		return buf.Bytes()
	}
	docInfo := record(tagDocProperties, 0, make([]byte, 26))
	for _, n := range opt.Numberings {
		var b []byte
		for lvl := range 7 {
			shape, format := 0, ""
			if lvl < len(n.Shapes) {
				shape, format = n.Shapes[lvl], n.Formats[lvl]
			}
			b = binary.LittleEndian.AppendUint32(b, uint32(shape)<<5)
			b = append(b, 0, 0, 0, 0)                  // width adjust, distance
			b = binary.LittleEndian.AppendUint32(b, 0) // character shape
			u := utf16.Encode([]rune(format))
			b = binary.LittleEndian.AppendUint16(b, uint16(len(u)))
			for _, c := range u {
				b = binary.LittleEndian.AppendUint16(b, c)
			}
		}
		b = binary.LittleEndian.AppendUint16(b, uint16(max(n.Start, 1)))
		docInfo = append(docInfo, record(tagNumbering, 1, b)...)
	}
	for _, r := range opt.Bullets {
		b := make([]byte, 12)
		b = binary.LittleEndian.AppendUint16(b, uint16(r))
		b = append(b, make([]byte, 10)...)
		docInfo = append(docInfo, record(tagBullet, 1, b)...)
	}
	for _, ps := range opt.ParaShapes {
		b := binary.LittleEndian.AppendUint32(nil, uint32(ps.Kind)<<23|uint32(ps.Level)<<25)
		b = append(b, make([]byte, 24)...)
		b = binary.LittleEndian.AppendUint16(b, 0) // tab definition
		b = binary.LittleEndian.AppendUint16(b, uint16(ps.Ref))
		b = append(b, make([]byte, 22)...)
		docInfo = append(docInfo, record(tagParaShape, 1, b)...)
	}
	streams := []Stream{
		{Path: "FileHeader", Data: header},
		{Path: "DocInfo", Data: pack(docInfo)},
	}
	for i, blocks := range sections {
		streams = append(streams, Stream{Path: fmt.Sprintf("BodyText/Section%d", i), Data: pack(hwpSection(blocks, i == 0))})
	}
	if opt.Distribution {
		streams = append(streams, Stream{Path: "ViewText/Section0", Data: bytes.Repeat([]byte{0x5A}, 512)})
	}
	return CompoundFile(streams)
}

func hwpSection(blocks []Block, withHeader bool) []byte {
	var b []byte
	for i, blk := range blocks {
		if blk.Rows == nil && withHeader && i == 0 {
			// The first paragraph holds a page header control: the
			// header's own paragraph sits inside it, two levels down.
			b = append(b, hwpPara(0, blk.Text, "head")...)
			b = append(b, record(tagCtrlHeader, 1, ctrl("head", 8))...)
			b = append(b, record(tagListHeader, 2, make([]byte, 16))...)
			b = append(b, hwpPara(2, "머리말: 대외비", "")...)
			continue
		}
		if blk.Rows == nil {
			shape, _ := strconv.Atoi(blk.ParaPr)
			b = append(b, hwpParaShaped(0, blk.Text, "", uint16(shape))...)
			continue
		}
		b = append(b, hwpPara(0, "", "tbl ")...)
		b = append(b, record(tagCtrlHeader, 1, ctrl("tbl ", 42))...)
		cols := 0
		for _, r := range blk.Rows {
			cols = max(cols, len(r))
		}
		t := binary.LittleEndian.AppendUint32(nil, 0)
		t = binary.LittleEndian.AppendUint16(t, uint16(len(blk.Rows)))
		t = binary.LittleEndian.AppendUint16(t, uint16(cols))
		t = append(t, make([]byte, 10)...) // cell spacing, margins
		for _, r := range blk.Rows {
			t = binary.LittleEndian.AppendUint16(t, uint16(len(r)))
		}
		t = binary.LittleEndian.AppendUint16(t, 1) // border fill
		b = append(b, record(tagTable, 2, t)...)
		for r, row := range blk.Rows {
			for c, cell := range row {
				l := binary.LittleEndian.AppendUint16(nil, 1) // paragraphs
				l = binary.LittleEndian.AppendUint16(l, 0)
				l = binary.LittleEndian.AppendUint32(l, 0) // list flags
				l = binary.LittleEndian.AppendUint16(l, uint16(c))
				l = binary.LittleEndian.AppendUint16(l, uint16(r))
				l = binary.LittleEndian.AppendUint16(l, 1) // col span
				l = binary.LittleEndian.AppendUint16(l, 1) // row span
				l = binary.LittleEndian.AppendUint32(l, 8000)
				l = binary.LittleEndian.AppendUint32(l, 1000)
				l = append(l, make([]byte, 8)...) // margins
				l = binary.LittleEndian.AppendUint16(l, 1)
				b = append(b, record(tagListHeader, 2, l)...)
				b = append(b, hwpPara(2, cell, "")...)
			}
		}
	}
	return b
}

// hwpPara returns a paragraph at level: its header, its text (ending with
// the paragraph mark 13, and with control's placeholder when ctrl is set)
// and its character shapes.
func hwpPara(level int, text, ctrlName string) []byte {
	return hwpParaShaped(level, text, ctrlName, 0)
}

// hwpParaShaped is hwpPara with a paragraph shape.
func hwpParaShaped(level int, text, ctrlName string, shape uint16) []byte {
	var units []uint16
	if ctrlName != "" {
		// An extended control: its code, the control ID, four reserved
		// units, and its code again: eight units in all.
		id := ctrlID(ctrlName)
		units = append(units, 11, uint16(id), uint16(id>>16), 0, 0, 0, 0, 11)
	}
	for _, u := range utf16.Encode([]rune(text)) {
		if u == '\t' {
			// A tab is an inline control: its code, its width and
			// reserved units, and its code again.
			units = append(units, 9, 4000, 0, 0, 0, 0, 0, 9)
			continue
		}
		units = append(units, u)
	}
	units = append(units, 13)
	h := binary.LittleEndian.AppendUint32(nil, uint32(len(units)))
	h = binary.LittleEndian.AppendUint32(h, 0)     // control mask
	h = binary.LittleEndian.AppendUint16(h, shape) // paragraph shape
	h = append(h, 0, 0)                            // style, break
	h = binary.LittleEndian.AppendUint16(h, 1)     // character shapes
	h = binary.LittleEndian.AppendUint16(h, 0)     // range tags
	h = binary.LittleEndian.AppendUint16(h, 1)     // line segments
	h = binary.LittleEndian.AppendUint32(h, 0)     // instance
	h = binary.LittleEndian.AppendUint16(h, 0)     // track changes
	out := record(tagParaHeader, level, h)
	t := make([]byte, 0, 2*len(units))
	for _, u := range units {
		t = binary.LittleEndian.AppendUint16(t, u)
	}
	out = append(out, record(tagParaText, level+1, t)...)
	out = append(out, record(tagParaCharShape, level+1, make([]byte, 8))...)
	return out
}

func ctrlID(s string) uint32 {
	return uint32(s[0])<<24 | uint32(s[1])<<16 | uint32(s[2])<<8 | uint32(s[3])
}

// ctrl is a CTRL_HEADER body: the control ID and n bytes of properties.
func ctrl(name string, n int) []byte {
	return append(binary.LittleEndian.AppendUint32(nil, ctrlID(name)), make([]byte, n)...)
}

// record frames a record: tag (10 bits), level (10 bits), size (12 bits,
// or 0xFFF and a 32-bit size after the header).
func record(tag, level int, body []byte) []byte {
	var out []byte
	if len(body) >= 0xFFF {
		out = binary.LittleEndian.AppendUint32(nil, uint32(tag|level<<10|0xFFF<<20))
		out = binary.LittleEndian.AppendUint32(out, uint32(len(body)))
	} else {
		out = binary.LittleEndian.AppendUint32(nil, uint32(tag|level<<10|len(body)<<20))
	}
	return append(out, body...)
}
