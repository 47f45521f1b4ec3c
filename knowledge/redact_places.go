package knowledge

import (
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maskIPs masks IPv4 and IPv6 addresses that parse as such; version
// numbers (v1.2.3.4, 버전 2.0.1.3), times (09:30:00) and C++ scopes
// (std::string) stay.
func (rd *redactor) maskIPs(s string) string {
	s = replaceGroupIf(reIPv4, s, MaskIP, func(s string, i, j int) bool {
		a, err := netip.ParseAddr(s[i:j])
		if err != nil || !a.Is4() {
			return false
		}
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		if i > 0 && (before == 'v' || before == 'V' || before == '.' || unicode.IsLetter(before) && before < 0x80) {
			return false
		}
		if j+1 < len(s) && s[j] == '.' && s[j+1] >= '0' && s[j+1] <= '9' {
			return false
		}
		prev := strings.ToLower(strings.TrimRight(s[max(0, i-24):i], " \t"))
		for _, w := range rd.versionWords {
			// The word itself, not the end of another (dev 10.0.0.1).
			if rest, ok := strings.CutSuffix(prev, w); ok {
				if r, _ := utf8.DecodeLastRuneInString(rest); rest == "" || !unicode.IsLetter(r) {
					return false
				}
			}
		}
		return true
	})
	if strings.Count(s, ":") < 2 {
		return s
	}
	return replaceGroupIf(reIPv6, s, MaskIP, func(s string, i, j int) bool {
		m := s[i:j]
		a, err := netip.ParseAddr(m)
		if err != nil || !a.Is6() || len(digits(m)) == 0 || len(m)-strings.Count(m, ":") < 3 {
			return false
		}
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		return i == 0 || !(unicode.IsLetter(before) || unicode.IsDigit(before))
	})
}

// maskAddresses masks street and lot addresses: a road or a lot name
// with a building number, after a district (서울특별시 강남구, 성남시) or a
// word that announces an address (주소:, 소재지). The pattern finds the
// number; the words before it are checked by hand, a few at most.
func (rd *redactor) maskAddresses(s string) string {
	idx := rd.reAddress.FindAllStringIndex(s, -1)
	if idx == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range idx {
		start, ok := rd.addressStart(s, m[0])
		if !ok || start < last || !addressEnds(s, m[1]) {
			continue
		}
		b.WriteString(s[last:start])
		b.WriteString(MaskAddress)
		last = m[1]
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// addressStart returns where the address whose road or lot ending is at
// i starts: at its district, or after the word that announces it.
func (rd *redactor) addressStart(s string, i int) (int, bool) {
	place := i
	for n := 0; place > 0 && n < 12; n++ {
		r, size := utf8.DecodeLastRuneInString(s[:place])
		if !isSyllable(r) && !unicode.IsDigit(r) {
			break
		}
		place -= size
	}
	if place == i {
		return 0, false // the ending alone (로 3) is no road name
	}
	start, districts := place, 0
	for districts < 3 {
		j := strings.TrimRight(s[:start], " \t")
		if len(j) == len(s[:start]) {
			break
		}
		w := lastWord(j)
		if w == "" || !(rd.provinces[w] || utf8.RuneCountInString(w) >= 2 && strings.ContainsAny(lastRune(w), "시군구")) {
			break
		}
		start = len(j) - len(w)
		districts++
	}
	if districts > 0 {
		return start, true
	}
	before := strings.ToLower(strings.TrimRight(s[:place], " \t:："))
	before = strings.TrimSuffix(strings.TrimSuffix(before, "은"), "는")
	for _, c := range rd.addressContext {
		if strings.HasSuffix(before, strings.ToLower(c)) {
			return place, true
		}
	}
	return 0, false
}

// lastWord returns the run of Hangul syllables s ends with.
func lastWord(s string) string {
	i := len(s)
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if !isSyllable(r) {
			break
		}
		i -= size
	}
	return s[i:]
}

func lastRune(s string) string {
	r, _ := utf8.DecodeLastRuneInString(s)
	return string(r)
}

// addressEnds reports whether an address ending at j ends where a word
// does: at the end, before punctuation or a particle, not inside a number
// with a unit (3배, 30일).
func addressEnds(s string, j int) bool {
	if j == len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[j:])
	if unicode.IsDigit(r) {
		return false
	}
	return !isSyllable(r) || strings.ContainsRune("에의은는이가을를로와과", r)
}
