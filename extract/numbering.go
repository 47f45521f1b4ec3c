package extract

import (
	"strconv"
	"strings"
)

// List numbers as word processors show them. Word (numbering.xml) and
// 한글 (HWPX paraHead, HWP paragraph heads) describe a list level the same
// way: a start, a number format and a text with placeholders for the
// numbers of this level and the levels above ("%1.%2." in Word, "^1.^2."
// in 한글). listCounter keeps the counts of each list across a document.

// formatNumber writes n in one of the formats of Word's numFmt (and the
// 한글 formats mapped to them).
func formatNumber(n int, format string) string {
	switch format {
	case "none":
		return ""
	case "decimalZero":
		if n < 10 && n >= 0 {
			return "0" + strconv.Itoa(n)
		}
	case "upperRoman":
		return roman(n)
	case "lowerRoman":
		return strings.ToLower(roman(n))
	case "upperLetter":
		return letters(n, 'A')
	case "lowerLetter":
		return letters(n, 'a')
	case "ganada":
		return cycle(n, ganada)
	case "chosung":
		return cycle(n, chosung)
	case "decimalEnclosedCircle", "decimalEnclosedCircleChinese":
		return circled(n)
	case "koreanDigital", "koreanDigital2":
		return koreanDigits(n)
	case "koreanCounting":
		if n >= 1 && n <= len(koreanCounting) {
			return koreanCounting[n-1]
		}
	}
	return strconv.Itoa(n)
}

var (
	ganada         = []rune("가나다라마바사아자차카타파하")
	chosung        = []rune("ㄱㄴㄷㄹㅁㅂㅅㅇㅈㅊㅋㅌㅍㅎ")
	koreanCounting = []string{"하나", "둘", "셋", "넷", "다섯", "여섯", "일곱", "여덟", "아홉", "열"}
)

func cycle(n int, seq []rune) string {
	if n < 1 {
		return strconv.Itoa(n)
	}
	return string(seq[(n-1)%len(seq)])
}

// circled is ① … ⑳, ㉑ … ㉟, ㊱ … ㊿, then the number.
func circled(n int) string {
	switch {
	case n >= 1 && n <= 20:
		return string(rune(0x2460 + n - 1))
	case n >= 21 && n <= 35:
		return string(rune(0x3251 + n - 21))
	case n >= 36 && n <= 50:
		return string(rune(0x32B1 + n - 36))
	}
	return strconv.Itoa(n)
}

func roman(n int) string {
	if n < 1 || n > 3999 {
		return strconv.Itoa(n)
	}
	var b strings.Builder
	for _, p := range []struct {
		v int
		s string
	}{{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"}, {50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}} {
		for n >= p.v {
			b.WriteString(p.s)
			n -= p.v
		}
	}
	return b.String()
}

// letters is Word's A … Z, AA … ZZ, AAA …, up to 26 letters (a
// number past that is written as a number).
func letters(n int, a rune) string {
	if n < 1 || n > 26*26 {
		return strconv.Itoa(n)
	}
	return strings.Repeat(string(a+rune((n-1)%26)), (n-1)/26+1)
}

func koreanDigits(n int) string {
	digits := []rune("영일이삼사오육칠팔구")
	s := strconv.Itoa(n)
	var b strings.Builder
	for _, c := range s {
		if c >= '0' && c <= '9' {
			b.WriteRune(digits[c-'0'])
		}
	}
	return b.String()
}

// listLevel is one level of a list definition.
type listLevel struct {
	start  int
	format string // a formatNumber format, or "bullet"
	text   string // with placeholders %1 … %9 for the levels' numbers
}

// listDef is a list's levels, 0 to 9.
type listDef struct {
	levels [10]listLevel
}

// listCounter counts the items of each list of a document.
type listCounter struct {
	counts map[string]*[10]int // by list
	seen   map[string]bool     // restarts already applied
}

func newListCounter() *listCounter {
	return &listCounter{counts: map[string]*[10]int{}, seen: map[string]bool{}}
}

// next counts one more item at level lvl of the list key defined by def
// and returns its marker. restart names a start override: the first
// item of it at a level starts that level anew.
func (c *listCounter) next(key string, def *listDef, lvl int, restart string, restartAt map[int]int) string {
	if lvl < 0 || lvl > 9 {
		lvl = 0
	}
	counts := c.counts[key]
	if counts == nil {
		counts = &[10]int{}
		for i := range counts {
			counts[i] = def.levels[i].start - 1
		}
		c.counts[key] = counts
	}
	if s, ok := restartAt[lvl]; ok && !c.seen[restart+"/"+strconv.Itoa(lvl)] {
		c.seen[restart+"/"+strconv.Itoa(lvl)] = true
		counts[lvl] = s - 1
	}
	counts[lvl]++
	for i := lvl + 1; i < 10; i++ {
		counts[i] = def.levels[i].start - 1 // the levels below start again
	}
	l := def.levels[lvl]
	if l.format == "bullet" {
		return bulletText(l.text)
	}
	var b strings.Builder
	t := l.text
	for i := 0; i < len(t); i++ {
		if t[i] == '%' && i+1 < len(t) && t[i+1] >= '1' && t[i+1] <= '9' {
			k := int(t[i+1] - '1')
			n := counts[k]
			if k < lvl && n < def.levels[k].start {
				n = def.levels[k].start // a level above that has no item yet
			}
			b.WriteString(formatNumber(n, def.levels[k].format))
			i++
			continue
		}
		b.WriteByte(t[i])
	}
	return b.String()
}

// bulletText is a bullet as text: Word writes the common bullets in the
// Symbol and Wingdings fonts' private code points, which mean nothing
// outside those fonts.
func bulletText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == 0xF0B7 || r == 0xF0A7 || r == 0xF06C || r == 0xF0D8 || r == 0xF0FC || r == 0xF076 || r == 0xF06E:
			b.WriteRune('•')
		case r >= 0xF000 && r <= 0xF0FF:
			b.WriteRune('•')
		default:
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "•"
	}
	return b.String()
}
