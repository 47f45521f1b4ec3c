package extract

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/unicode"
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// looksLikeText reports whether data reads as text: a BOM, or a sample
// without NUL bytes that is UTF-8 or CP949 (what Korean Windows' Notepad
// saved for years).
func looksLikeText(data []byte) bool {
	if bytes.HasPrefix(data, bomUTF8) || bytes.HasPrefix(data, bomUTF16LE) || bytes.HasPrefix(data, bomUTF16BE) {
		return true
	}
	sample := data[:min(len(data), 8192)]
	if bytes.IndexByte(sample, 0) >= 0 {
		return false
	}
	controls := 0
	for _, c := range sample {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' {
			controls++
		}
	}
	if controls > len(sample)/100 {
		return false
	}
	cut := len(sample) < len(data) // the sample may end inside a character
	if cut && utf8.Valid(trimPartialRune(sample)) || utf8.Valid(sample) {
		return true
	}
	if _, ok := decodeCP949(sample); ok {
		return true
	}
	_, ok := decodeCP949(sample[:len(sample)-1])
	return cut && ok
}

// trimPartialRune drops an incomplete UTF-8 sequence at the end of b.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			break
		}
	}
	return b
}

// text decodes a plain text or Markdown file.
func (x *extraction) text(data []byte) (Document, error) {
	var s string
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		s = string(data[len(bomUTF8):])
	case bytes.HasPrefix(data, bomUTF16LE), bytes.HasPrefix(data, bomUTF16BE):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
		b, err := dec.Bytes(data)
		if err != nil {
			return Document{}, notText()
		}
		s = string(b)
	case utf8.Valid(data):
		s = string(data)
	default:
		var ok bool
		if s, ok = decodeCP949(data); !ok {
			return Document{}, notText()
		}
	}
	if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) {
		return Document{}, notText()
	}
	if len(s) > x.cfg.MaxTextBytes {
		return Document{}, errTextLimit
	}
	return Document{Format: FormatText, Text: s}, nil
}

// decodeCP949 decodes CP949 text; ok is false when some byte sequence is
// not CP949, so that binary data is not taken for Korean.
func decodeCP949(b []byte) (string, bool) {
	out, err := korean.EUCKR.NewDecoder().Bytes(b)
	if err != nil || bytes.Contains(out, []byte(string(utf8.RuneError))) {
		return "", false
	}
	return string(out), true
}

func notText() error {
	return userError("텍스트 파일의 인코딩을 알 수 없습니다. UTF-8로 저장해 다시 보내 주세요.", "the text is not UTF-8, UTF-16 or CP949")
}
