package knowledge

import (
	"regexp"
	"strings"
)

// Placeholders that replace personal data. They are plain text so that a
// model or a reader sees that something was there.
const (
	MaskPhone    = "[전화번호]"
	MaskEmail    = "[이메일]"
	MaskResident = "[주민등록번호]"
	MaskName     = "[이름]"
)

var (
	reEmail = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+`)
	// Resident registration numbers: six digits of birth date, a dash or
	// space, then a gender digit 1-8 and six more.
	reResident = regexp.MustCompile(`\b\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\s?[-–]?\s?[1-8]\d{6}\b`)
	// Phone numbers: mobile (010 …), area codes (02, 031 …), and the
	// four-digit nationwide numbers (1588-…); separators may be dashes,
	// dots, spaces or parentheses, as people type them.
	rePhone = regexp.MustCompile(`\+82[\s\-]?\d{1,2}[\s.\-]?\d{3,4}[\s.\-]?\d{4}\b|(?:\+82[\s\-]?)?(?:\(0\d{1,2}\)|\b0\d{1,2})[\s.\-]{0,3}\d{3,4}[\s.\-]{0,3}\d{4}\b|\b1[5-9]\d{2}[\s.\-]\d{4}\b|\b01[016789]\d{7,8}\b`)
	// A Korean name (2–4 syllables) followed by a job title, or a job
	// title followed by "/ name" as in checklist headers ("수석 / 홍길동").
	// The name starts a word, and the title ends one (or takes a particle
	// or 님), so "심사위원회" and "관리자의 책임" are left alone.
	reNameTitle = regexp.MustCompile(`(^|[^가-힣])([가-힣]{2,4})(\s*)(` + titles + `)(님|[은는이가을를의에께와과도으로,.)(/]|[^가-힣]|$)`)
	reTitleName = regexp.MustCompile(`(` + titles + `)(\s*[/,·]\s*)([가-힣]{2,4})`)
)

// titles are the job titles that follow a person's name in Korean business
// documents. Longer titles come first so that the alternation prefers them.
const titles = `대표이사|본부장|센터장|부사장|연구원|매니저|팀장|실장|이사|부장|차장|과장|대리|주임|사원|수석|책임|선임|상무|전무|사장|위원|교수|박사`

// notNames are words that stand before a job title without being a name
// ("서비스 센터장", "담당 이사"); they are left alone.
var notNames = map[string]bool{
	"서비스": true, "담당": true, "사업": true, "기술": true, "영업": true, "총괄": true,
	"부서": true, "해당": true, "각": true, "고객": true, "지원": true, "운영": true,
	"보안": true, "개발": true, "관리": true, "프로젝트": true, "품질": true, "정보": true,
	"클라우드": true, "기획": true, "전략": true, "연구": true, "인사": true, "재무": true,
	"공공사업": true, "기업": true, "사외": true, "사내": true, "상임": true, "비상임": true,
	"정보보호": true, "개인정보": true, "최고": true, "전담": true, "현장": true, "수석": true,
	"책임": true, "선임": true, "팀원": true, "및": true, "또는": true, "부설": true,
}

// Redact masks personal data in s: e-mail addresses, resident registration
// numbers, phone numbers, and names next to a job title (김민수 과장 →
// [이름] 과장). It is applied to every text before it leaves the process
// and was used to mask the example submissions the knowledge base ships.
func Redact(s string) string {
	s = reEmail.ReplaceAllString(s, MaskEmail)
	s = reResident.ReplaceAllString(s, MaskResident)
	s = rePhone.ReplaceAllString(s, MaskPhone)
	// A match takes the character after the title, which may be the one
	// the next name needs before it ("김민수 과장 홍길동 차장"): go again
	// until nothing changes.
	for prev := ""; prev != s; {
		prev = s
		s = reNameTitle.ReplaceAllStringFunc(s, maskNameTitle)
	}
	s = reTitleName.ReplaceAllStringFunc(s, func(m string) string {
		sub := reTitleName.FindStringSubmatch(m)
		if notNames[sub[3]] || strings.HasPrefix(sub[3], "이름") {
			return m
		}
		return sub[1] + sub[2] + MaskName
	})
	return s
}

// maskNameTitle masks the name of a name-and-title match unless the
// "name" is a word that merely stands before a title.
func maskNameTitle(m string) string {
	sub := reNameTitle.FindStringSubmatch(m)
	name := sub[2]
	if notNames[name] || strings.ContainsAny(lastRune(name), "의은는을를에와과도") ||
		strings.HasSuffix(name, "팀") || strings.HasSuffix(name, "실") || strings.HasSuffix(name, "부") {
		return m
	}
	return sub[1] + MaskName + sub[3] + sub[4] + sub[5]
}

func lastRune(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return ""
	}
	return string(r[len(r)-1])
}
