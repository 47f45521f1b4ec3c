package extract_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/unicode"

	"github.com/selfcheck/selfcheck/extract"
	"github.com/selfcheck/selfcheck/extract/extracttest"
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/usererr"
)

// pdfForm is the form as a PDF shows it: cells of a row apart by spaces
// (a PDF has no tabs), 30 lines to a page, and, as text, without the empty
// lines (a PDF draws nothing there, and a reader sees only the spacing).
func pdfForm() (pages [][]string, text string) {
	lines := strings.Split(strings.TrimSuffix(strings.ReplaceAll(extracttest.Form, "\t", " "), "\n"), "\n")
	var shown []string
	for _, l := range lines {
		if l != "" {
			shown = append(shown, l)
		}
	}
	for len(lines) > 0 {
		n := min(30, len(lines))
		pages = append(pages, lines[:n])
		lines = lines[n:]
	}
	return pages, strings.Join(shown, "\n") + "\n"
}

type fixture struct {
	name   string
	data   []byte
	format extract.Format
	text   string // what a user would paste
}

func fixtures(t testing.TB) []fixture {
	t.Helper()
	form := extracttest.Form
	blocks := extracttest.Blocks(form)
	pages, pdfText := pdfForm()
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(form))
	if err != nil {
		t.Fatal(err)
	}
	cp949, err := korean.EUCKR.NewEncoder().Bytes([]byte(strings.ReplaceAll(form, "·", "ㆍ")))
	if err != nil {
		t.Fatal(err)
	}
	return []fixture{
		{"docx", extracttest.DOCX(blocks), extract.FormatDOCX, form},
		{"hwpx, three sections", extracttest.HWPX(extracttest.Split(blocks, 3)...), extract.FormatHWPX, form},
		{"hwp, compressed, three sections", extracttest.HWP(extracttest.HWPOptions{}, extracttest.Split(blocks, 3)...), extract.FormatHWP, form},
		{"hwp, uncompressed, one section", extracttest.HWP(extracttest.HWPOptions{Uncompressed: true}, blocks), extract.FormatHWP, form},
		{"pdf, Identity-H font with ToUnicode", extracttest.PDF(pages...), extract.FormatPDF, pdfText},
		{"pdf, one text object per page", extracttest.PDFWith(extracttest.PDFObjectPerPage, pages...), extract.FormatPDF, pdfText},
		{"pdf, a line in several runs", extracttest.PDFWith(extracttest.PDFObjectPerRun, pages...), extract.FormatPDF, pdfText},
		{"pdf, lines placed by the CTM", extracttest.PDFWith(extracttest.PDFPlacedByCTM, pages...), extract.FormatPDF, pdfText},
		{"pdf, text in a form XObject", extracttest.PDFWith(extracttest.PDFInForm, pages...), extract.FormatPDF, pdfText},
		{"text, UTF-8", []byte(form), extract.FormatText, form},
		{"text, UTF-8 with BOM", append([]byte("\xEF\xBB\xBF"), form...), extract.FormatText, form},
		{"text, UTF-16 with BOM", utf16, extract.FormatText, form},
		{"text, CP949", cp949, extract.FormatText, strings.ReplaceAll(form, "·", "ㆍ")},
		{"markdown", []byte("# 자가 점검\n\n" + form), extract.FormatText, "# 자가 점검\n\n" + form},
	}
}

// TestExtractFormats: each format gives the text a user would paste from
// it: paragraphs as lines, table rows as lines with tabs between cells,
// sections and pages in order, and nothing else (no page header, no
// deleted text, no tab stops).
func TestExtractFormats(t *testing.T) {
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			doc, err := extract.Bytes(context.Background(), f.data, extract.Config{})
			if err != nil {
				t.Fatal(err)
			}
			if doc.Format != f.format {
				t.Errorf("format %q; want %q", doc.Format, f.format)
			}
			if doc.Text != f.text {
				n, got, want := firstDiff(doc.Text, f.text)
				t.Errorf("text differs at line %d:\n got %q\nwant %q", n, got, want)
			}
			for _, noise := range []string{"머리말", "삭제된 문장"} {
				if strings.Contains(doc.Text, noise) {
					t.Errorf("text holds %q, which is not body text", noise)
				}
			}
		})
	}
}

func firstDiff(a, b string) (int, string, string) {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range max(len(al), len(bl)) {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return i + 1, x, y
		}
	}
	return 0, "", ""
}

// TestReviewFromFileEqualsPaste: reviewing an item from any file gives the
// same report as reviewing the same text pasted.
func TestReviewFromFileEqualsPaste(t *testing.T) {
	kb, err := knowledge.Load(knowledge.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			doc, err := extract.Bytes(context.Background(), f.data, extract.Config{})
			if err != nil {
				t.Fatal(err)
			}
			fs, err := kb.FindSections(doc.Text)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(fs.Found, []string{"1.2", "1.3", "3.2"}) || !slices.Equal(fs.Unknown, []string{"1.4"}) {
				t.Fatalf("sections found %v, unknown %v; want [1.2 1.3 3.2], [1.4]", fs.Found, fs.Unknown)
			}
			for _, item := range kb.ItemIDs() {
				fromFile, err := kb.Review(item, doc.Text, knowledge.ReviewOptions{})
				pasted, perr := kb.Review(item, f.text, knowledge.ReviewOptions{})
				if !slices.Contains(fs.Found, item) {
					// No section for it: the same clear error both ways.
					if err == nil || perr == nil || err.Error() != perr.Error() {
						t.Errorf("%s (not in the form): file gives %v, paste gives %v; want the same error", item, err, perr)
					}
					continue
				}
				if err != nil || perr != nil {
					t.Fatalf("%s: file %v, paste %v", item, err, perr)
				}
				if !reflect.DeepEqual(fromFile, pasted) {
					t.Errorf("%s: review of the file differs from the review of the pasted text:\n%+v\n%+v", item, fromFile, pasted)
				}
			}
		})
	}
}

// TestParagraphDetails: tabs inside a paragraph stay tabs, a paragraph
// longer than 4095 bytes (an HWP record with an extended size) is read
// whole, and text in an alternate-content text box is read once.
func TestParagraphDetails(t *testing.T) {
	long := strings.Repeat("가나다라마바사아자차", 300)
	blocks := []extracttest.Block{{Text: "항목\t내용\t비고"}, {Text: long}, {Rows: [][]string{{"셀 안의\t탭", "둘째"}}}}
	want := "항목\t내용\t비고\n" + long + "\n셀 안의 탭\t둘째\n"
	for name, data := range map[string][]byte{
		"docx": extracttest.DOCX(blocks),
		"hwpx": extracttest.HWPX(blocks),
		"hwp":  extracttest.HWP(extracttest.HWPOptions{}, blocks),
	} {
		doc, err := extract.Bytes(context.Background(), data, extract.Config{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if doc.Text != want {
			n, got, w := firstDiff(doc.Text, want)
			t.Errorf("%s: line %d is %.80q; want %.80q", name, n, got, w)
		}
	}

	box := `<w:p><w:r><w:t>본문</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent><w:p><w:r><w:t>글상자</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox><w:txbxContent><w:p><w:r><w:t>글상자</w:t></w:r></w:p></w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>`
	doc := `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml"><w:body>` + box + `</w:body></w:document>`
	got, err := extract.Bytes(context.Background(), extracttest.Zip(append(extracttest.DOCXParts(), extracttest.ZipEntry{Name: "word/document.xml", Data: doc})), extract.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(got.Text, "글상자") != 1 || !strings.Contains(got.Text, "본문") {
		t.Errorf("text box: got %q; want 본문 and 글상자 once", got.Text)
	}
}

// TestDetectByContent: the format comes from the bytes; a file's name
// plays no part (Bytes is never given one).
func TestDetectByContent(t *testing.T) {
	blocks := extracttest.Blocks(extracttest.Form)
	for _, tt := range []struct {
		data []byte
		want extract.Format
	}{
		{extracttest.DOCX(blocks), "zip"},
		{extracttest.HWP(extracttest.HWPOptions{}, blocks), extract.FormatHWP},
		{extracttest.ScannedPDF(), extract.FormatPDF},
		{[]byte("검토 항목 1.2"), extract.FormatText},
		{[]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ""},
	} {
		if got := extract.Detect(tt.data); got != tt.want {
			t.Errorf("Detect(%q…) = %q; want %q", tt.data[:8], got, tt.want)
		}
	}
}

// TestBadFiles: every file that cannot be read gives a
// user error, usererr.File (exit 2 in the CLI, a clear reply in Slack), whose
// message says what is wrong.
func TestBadFiles(t *testing.T) {
	blocks := extracttest.Blocks(extracttest.Form)
	docx := extracttest.DOCX(blocks)
	hwp := extracttest.HWP(extracttest.HWPOptions{}, blocks)
	pages, _ := pdfForm()
	pdf := extracttest.PDF(pages...)
	small := extract.Config{MaxUnpackedBytes: 1 << 20}
	badRecord := extracttest.CompoundFile([]extracttest.Stream{
		{Path: "FileHeader", Data: hwpHeader(0)},
		{Path: "BodyText/Section0", Data: []byte{0x42, 0x00, 0xF0, 0x7F, 1, 2, 3}}, // a record claiming 2 KB
	})
	tests := []struct {
		name string
		data []byte
		cfg  extract.Config
		want string // in the message
	}{
		{"0 bytes", nil, extract.Config{}, "the file is empty"},
		{"only spaces", []byte(" \n\t\n"), extract.Config{}, "the file is empty"},
		{"docx cut short", docx[:len(docx)/2], extract.Config{}, "damaged or truncated ZIP"},
		{"hwp cut short", hwp[:len(hwp)*2/3], extract.Config{}, "damaged or truncated HWP"},
		{"pdf cut short", pdf[:len(pdf)/2], extract.Config{}, "damaged or truncated PDF"},
		{"hwp record past the end", badRecord, extract.Config{}, "damaged or truncated HWP"},
		{"zip bomb", extracttest.ZipBomb(8<<20, false), small, "unpacks to more than 1 MB"},
		{"zip bomb with lying sizes", extracttest.ZipBomb(8<<20, true), small, "damaged or truncated DOCX"},
		{"hwp with a password", extracttest.HWP(extracttest.HWPOptions{Password: true}, blocks), extract.Config{}, "this file is protected; save it as a normal HWP/HWPX/PDF"},
		{"hwp distribution document", extracttest.HWP(extracttest.HWPOptions{Distribution: true}, blocks), extract.Config{}, "this file is protected"},
		{"encrypted pdf", extracttest.EncryptedPDF(), extract.Config{}, "this file is protected"},
		{"scanned pdf", extracttest.ScannedPDF(), extract.Config{}, "no text found; this looks like a scanned image"},
		{"pdf whose form draws itself", extracttest.CyclicFormPDF(), extract.Config{}, "no text found"},
		{"image", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"), extract.Config{}, "unsupported file type"},
		{"spreadsheet", extracttest.Zip([]extracttest.ZipEntry{{Name: "[Content_Types].xml", Data: "<Types/>"}, {Name: "xl/workbook.xml", Data: "<workbook/>"}}), extract.Config{}, "unsupported file type"},
		{"word 97 document", extracttest.CompoundFile([]extracttest.Stream{{Path: "WordDocument", Data: make([]byte, 600)}}), extract.Config{}, "not HWP"},
		{"docx with a password", extracttest.CompoundFile([]extracttest.Stream{{Path: "EncryptionInfo", Data: make([]byte, 200)}, {Path: "EncryptedPackage", Data: make([]byte, 5000)}}), extract.Config{}, "this file is protected"},
		{"hwpx with a password", extracttest.Zip([]extracttest.ZipEntry{{Name: "mimetype", Data: "application/hwp+zip", Store: true}, {Name: "META-INF/manifest.xml", Data: `<odf:manifest xmlns:odf="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><odf:file-entry odf:full-path="Contents/section0.xml"><odf:encryption-data odf:checksum="x"/></odf:file-entry></odf:manifest>`}, {Name: "Contents/section0.xml", Data: "\x93\x11garbage"}}), extract.Config{}, "this file is protected"},
		{"hwp 3.0", []byte("HWP Document File V3.00 \x1a\x01\x02\x03\x04\x05" + strings.Repeat("\x00", 100)), extract.Config{}, "HWP 3.0"},
		{"hwp 5 without sections", extracttest.CompoundFile([]extracttest.Stream{{Path: "FileHeader", Data: hwpHeader(1)}}), extract.Config{}, "damaged or truncated HWP"},
		{"file over the size limit", docx, extract.Config{MaxFileBytes: 1024}, "file too large: the limit is 1 KB"},
		{"too many zip entries", docx, extract.Config{MaxEntries: 2}, "too many entries"},
		{"too many pages", pdf, extract.Config{MaxPages: 1}, "the limit is 1"},
		{"too much text", hwp, extract.Config{MaxTextBytes: 1000}, "more than 1 KB of text"},
		{"binary that is not text", bytes.Repeat([]byte{0xFF, 0xFE, 0x00, 0xD8}, 300)[2:], extract.Config{}, "unsupported file type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := extract.Bytes(context.Background(), tt.data, tt.cfg)
			if ue, ok := usererr.As(err); !ok || ue.Code != usererr.File {
				t.Fatalf("got %v; want a user error %s", err, usererr.File)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("message %q; want it to say %q", err, tt.want)
			}
		})
	}
}

func hwpHeader(props uint32) []byte {
	h := make([]byte, 256)
	copy(h, "HWP Document File")
	h[35] = 5
	h[36] = byte(props)
	return h
}

// TestExtractTimeout: the time limit ends an extraction with a message,
// not a hang.
func TestExtractTimeout(t *testing.T) {
	pages, _ := pdfForm()
	for _, data := range [][]byte{extracttest.PDF(pages...), extracttest.DOCX(extracttest.Blocks(extracttest.Repeat(extracttest.Form, 2<<20)))} {
		_, err := extract.Bytes(context.Background(), data, extract.Config{Timeout: time.Nanosecond})
		if !isUserError(err) || !strings.Contains(err.Error(), "took too long") {
			t.Errorf("got %v; want the took-too-long error", err)
		}
		// A caller that gives up is not told the file is at fault.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := extract.Bytes(ctx, data, extract.Config{}); !errors.Is(err, context.Canceled) || isUserError(err) {
			t.Errorf("cancelled: got %v; want context.Canceled", err)
		}
	}
}

func isUserError(err error) bool { return usererr.Is(err) }

// TestMalformedNeverPanics: every prefix and many corruptions of each
// fixture give a document or an error, never a panic or a hang.
func TestMalformedNeverPanics(t *testing.T) {
	for _, f := range fixtures(t)[:9] {
		t.Run(f.name, func(t *testing.T) {
			step := max(1, len(f.data)/97)
			for cut := 0; cut < len(f.data); cut += step {
				check(t, f.data[:cut])
				b := bytes.Clone(f.data)
				for i := cut; i < len(b); i += 251 {
					b[i] ^= byte(cut) | 1
				}
				check(t, b)
			}
		})
	}
}

func check(t *testing.T, data []byte) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("panic on %d bytes: %v", len(data), r)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := extract.Bytes(ctx, data, extract.Config{})
	if err != nil && ctx.Err() != nil {
		t.Fatalf("no answer within 5 s on %d bytes", len(data))
	}
}

// FuzzBytes: no input makes extraction panic or exceed its time.
func FuzzBytes(f *testing.F) {
	for _, fx := range fixtures(f) {
		f.Add(fx.data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		check(t, data)
	})
}
