package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Format is a kind of document the package reads.
type Format string

// The formats Bytes reads.
const (
	FormatText Format = "text" // plain text or Markdown (UTF-8, UTF-16 with a BOM, or CP949)
	FormatDOCX Format = "docx"
	FormatHWPX Format = "hwpx"
	FormatHWP  Format = "hwp" // HWP 5.0, an OLE compound file
	FormatPDF  Format = "pdf"
)

// Config bounds an extraction. Zero fields take the defaults below.
type Config struct {
	// MaxFileBytes is the largest file accepted.
	MaxFileBytes int64
	// MaxUnpackedBytes bounds what is decompressed from one file (zip
	// entries, HWP sections, PDF streams), against decompression bombs.
	MaxUnpackedBytes int64
	// MaxEntries bounds the number of entries of a zip (DOCX, HWPX) or of
	// streams of a compound file (HWP).
	MaxEntries int
	// MaxPages bounds the pages of a PDF.
	MaxPages int
	// MaxTextBytes bounds the extracted text.
	MaxTextBytes int
	// Timeout bounds the time one extraction may take.
	Timeout time.Duration
}

// Defaults: a 20 MB file is larger than any submission seen (the largest
// example is a few MB with images); the other limits are far above what a
// 20 MB document of text needs and far below what would hurt the server.
const (
	DefaultMaxFileBytes     = 20 << 20
	DefaultMaxUnpackedBytes = 128 << 20
	DefaultMaxEntries       = 5000
	DefaultMaxPages         = 1000
	DefaultMaxTextBytes     = 8 << 20
	DefaultTimeout          = 20 * time.Second
)

func (c Config) withDefaults() Config {
	if c.MaxFileBytes <= 0 {
		c.MaxFileBytes = DefaultMaxFileBytes
	}
	if c.MaxUnpackedBytes <= 0 {
		c.MaxUnpackedBytes = DefaultMaxUnpackedBytes
	}
	if c.MaxEntries <= 0 {
		c.MaxEntries = DefaultMaxEntries
	}
	if c.MaxPages <= 0 {
		c.MaxPages = DefaultMaxPages
	}
	if c.MaxTextBytes <= 0 {
		c.MaxTextBytes = DefaultMaxTextBytes
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	return c
}

// Document is the text read from a file.
type Document struct {
	Format Format
	// Text is the document's text: one line per paragraph, a table row per
	// line with a tab between its cells, sections and pages in order.
	Text string
	// Pages is the number of pages of a PDF; 0 for other formats.
	Pages int
}

// Read reads a whole file from r (at most cfg.MaxFileBytes) and extracts
// its text.
func Read(ctx context.Context, r io.Reader, cfg Config) (Document, error) {
	cfg = cfg.withDefaults()
	data, err := io.ReadAll(io.LimitReader(r, cfg.MaxFileBytes+1))
	if err != nil {
		return Document{}, fmt.Errorf("read file: %w", err)
	}
	if int64(len(data)) > cfg.MaxFileBytes {
		return Document{}, tooLarge(cfg.MaxFileBytes)
	}
	return Bytes(ctx, data, cfg)
}

// Bytes extracts the text of the file held in data.
func Bytes(ctx context.Context, data []byte, cfg Config) (Document, error) {
	cfg = cfg.withDefaults()
	if int64(len(data)) > cfg.MaxFileBytes {
		return Document{}, tooLarge(cfg.MaxFileBytes)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return Document{}, userError("파일이 비어 있습니다. 내용이 있는 파일을 보내 주세요.", "the file is empty")
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	x := &extraction{ctx: ctx, cfg: cfg, budget: cfg.MaxUnpackedBytes}

	var doc Document
	var err error
	switch f := Detect(data); f {
	case FormatPDF:
		doc, err = x.pdf(data)
	case FormatHWP:
		doc, err = x.hwp(data)
	case formatZip:
		doc, err = x.zip(data)
	case formatHWP3:
		err = userError("HWP 3.0 이전 형식의 파일입니다. 한글에서 HWP(5.0 이상), HWPX 또는 PDF로 다시 저장해 보내 주세요.", "HWP 3.0 files are not supported; save it as HWP 5.0, HWPX or PDF")
	case FormatText:
		doc, err = x.text(data)
	default:
		err = unsupported()
	}
	switch {
	case errors.Is(err, errTextLimit):
		err = textTooLong(cfg.MaxTextBytes)
	case errors.Is(err, errBudget):
		err = x.tooMuch()
	}
	if err != nil {
		// Once the context has ended, the error may be the reader's
		// reaction to it (a PDF reader cut off reads "invalid header"),
		// so the end of the context is what is reported, whatever the
		// error says; seen as a flaky TestExtractTimeout on a busy machine.
		if perr := parent.Err(); perr != nil {
			return Document{}, fmt.Errorf("extract: %w", perr) // the caller gave up (shutdown, interrupt)
		}
		if ctx.Err() != nil {
			return Document{}, tookTooLong(cfg.Timeout)
		}
		return Document{}, err
	}
	if strings.TrimSpace(doc.Text) == "" && doc.Format != FormatPDF {
		return Document{}, userError("파일에서 텍스트를 찾지 못했습니다. 내용이 텍스트로 들어 있는 파일인지 확인해 주세요.", "no text found in the file")
	}
	return doc, nil
}

// Formats that are recognised only to be refused with a precise message,
// and zip archives, which are told apart by their entries.
const (
	formatZip   Format = "zip"
	formatHWP3  Format = "hwp3"
	formatOther Format = ""
)

var (
	magicPDF  = []byte("%PDF-")
	magicZip  = []byte("PK\x03\x04")
	magicOLE  = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	magicHWP3 = []byte("HWP Document File V")
)

// Detect tells the format of a file from its first bytes. Every OLE
// compound file is reported as HWP (a Word 97 .doc is refused when its
// streams are read) and every zip archive as "zip" (DOCX and HWPX are told
// apart by their entries); text is what is left when the bytes look like
// text.
func Detect(data []byte) Format {
	head := data[:min(len(data), 1024)]
	switch {
	case bytes.HasPrefix(data, magicOLE):
		return FormatHWP
	case bytes.HasPrefix(data, magicZip):
		return formatZip
	case bytes.HasPrefix(data, magicHWP3):
		return formatHWP3
	// A PDF may carry up to 1 KB of junk before its header.
	case bytes.Contains(head, magicPDF):
		return FormatPDF
	case looksLikeText(data):
		return FormatText
	}
	return formatOther
}

// extraction holds the limits and what is left of them while one file is
// read.
type extraction struct {
	ctx    context.Context
	cfg    Config
	budget int64 // bytes that may still be decompressed
}

// errBudget is returned by readers that exceed the decompression budget.
var errBudget = errors.New("decompressed size limit exceeded")

// unpack reads r to its end within the decompression budget.
func (x *extraction) unpack(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, x.budget+1))
	x.budget -= int64(len(b))
	if x.budget < 0 {
		return nil, errBudget
	}
	return b, err
}

func (x *extraction) tooMuch() error {
	return userError(fmt.Sprintf("압축을 풀면 %s가 넘는 파일입니다. 이미지 등을 줄이거나 나누어 보내 주세요.", size(x.cfg.MaxUnpackedBytes)),
		fmt.Sprintf("the file unpacks to more than %s", size(x.cfg.MaxUnpackedBytes)))
}
