package knowledge

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestRedactCategories: every kind of personal datum, in the ways people
// write it, is masked; the rest of the sentence stays.
func TestRedactCategories(t *testing.T) {
	tests := []struct{ category, in, want string }{
		// Phones.
		{"mobile dashes", "연락처 010-3456-7890", "연락처 [전화번호]"},
		{"mobile dots", "연락처 010.3456.7890", "연락처 [전화번호]"},
		{"mobile spaces", "연락처 010 3456 7890", "연락처 [전화번호]"},
		{"mobile plain", "휴대폰 01034567890으로", "휴대폰 [전화번호]으로"},
		{"mobile full-width", "연락처 ０１０－３４５６－７８９０", "연락처 [전화번호]"},
		{"mobile full-width no dash", "연락처 ０１０３４５６７８９０", "연락처 [전화번호]"},
		{"landline Seoul", "대표 02-555-0100", "대표 [전화번호]"},
		{"landline parentheses", "(031) 123-4567", "[전화번호]"},
		{"landline spaced dashes", "☎ 02 - 555 - 0100", "☎ [전화번호]"},
		{"050x", "안심번호 0505-123-4567", "안심번호 [전화번호]"},
		{"0507 dots", "안심번호 0507.1234.5678", "안심번호 [전화번호]"},
		{"070", "인터넷전화 070-1234-5678", "인터넷전화 [전화번호]"},
		{"15xx", "상담 1588-1234", "상담 [전화번호]"},
		{"16xx space", "상담 1644 5678", "상담 [전화번호]"},
		{"+82 mobile", "+82 10-3456-7890", "[전화번호]"},
		{"+82 with 0", "+82 (0)2 555 0100", "[전화번호]"},
		{"+82 plain", "+821034567890", "[전화번호]"},
		{"+82 in parentheses", "Tel. (+82) 10-3456-7890", "Tel. [전화번호]"},
		{"+82 with the 0", "+82 010-3456-7890", "[전화번호]"},
		{"en dash", "010–3456–7890", "[전화번호]"},
		// Registration numbers.
		{"resident", "주민등록번호 900101-1234567", "주민등록번호 [주민등록번호]"},
		{"resident no dash", "주민번호 9001012234567", "주민번호 [주민등록번호]"},
		{"resident spaced", "주민번호 900101 - 2234567", "주민번호 [주민등록번호]"},
		{"resident partly masked", "주민번호 900101-1******", "주민번호 [주민등록번호]"},
		{"resident partly masked digits", "주민번호 900101-2345***", "주민번호 [주민등록번호]"},
		{"resident all masked after dash", "생년 900101-*******", "생년 [주민등록번호]"},
		{"resident full-width", "９００１０１－１２３４５６７", "[주민등록번호]"},
		{"foreigner", "외국인등록번호 900101-5234567", "외국인등록번호 [외국인등록번호]"},
		{"foreigner partly masked", "외국인등록번호 900101-6******", "외국인등록번호 [외국인등록번호]"},
		// Passport and driver's licence.
		{"passport old", "여권번호 M12345678", "여권번호 [여권번호]"},
		{"passport new", "여권번호: M123A4567", "여권번호: [여권번호]"},
		{"passport foreign in context", "passport no. AB1234567", "passport no. [여권번호]"},
		{"licence numeric", "운전면허 11-12-345678-90", "운전면허 [운전면허번호]"},
		{"licence region", "면허 서울 12-345678-90", "면허 [운전면허번호]"},
		{"licence plain in context", "운전면허번호 111234567890", "운전면허번호 [운전면허번호]"},
		// Cards.
		{"card dashes", "카드 4111-1111-1111-1111", "카드 [카드번호]"},
		{"card spaces", "카드 5500 0000 0000 0004", "카드 [카드번호]"},
		{"card plain", "카드 4012888888881881", "카드 [카드번호]"},
		{"card amex", "카드 3782-822463-10005", "카드 [카드번호]"},
		// Bank accounts.
		{"account word", "환불 계좌: 110-123-456789", "환불 계좌: [계좌번호]"},
		{"account bank name", "국민은행 123456-01-123456 (예금주 회사)", "국민은행 [계좌번호] (예금주 회사)"},
		{"account kakao", "카카오뱅크 3333-01-1234567", "카카오뱅크 [계좌번호]"},
		{"account plain digits", "입금계좌 1002123456789", "입금계좌 [계좌번호]"},
		// E-mail.
		{"email", "minsu.kim@example.com", "[이메일]"},
		{"email co.kr", "문의: yh.lee@company.co.kr.", "문의: [이메일]."},
		{"email Korean domain", "메일 홍길동@회사.한국", "메일 [이메일]"},
		{"email Korean TLD", "메일 admin@example.한국", "메일 [이메일]"},
		{"email full-width at", "메일 ｍｉｎｓｕ＠ｅｘａｍｐｌｅ．ｃｏｍ", "메일 [이메일]"},
		// IP addresses.
		{"IPv4", "서버 192.168.10.23 에서", "서버 [IP주소] 에서"},
		{"IPv4 after a word ending in v", "dev 10.0.0.1", "dev [IP주소]"},
		{"IPv4 in URL", "http://203.0.113.5:8080/admin", "http://[IP주소]:8080/admin"},
		{"IPv6", "접속 IP 2001:db8:85a3::8a2e:370:7334", "접속 IP [IP주소]"},
		{"IPv6 full", "fe80:0:0:0:202:b3ff:fe1e:8329 에서", "[IP주소] 에서"},
		// Addresses.
		{"road address", "서울특별시 강남구 테헤란로 123, 5층", "[주소]"},
		{"road address province", "경기도 성남시 분당구 판교역로 235 (삼평동)", "[주소]"},
		{"road address 번길", "성남시 분당구 대왕판교로606번길 45에 있습니다", "[주소]에 있습니다"},
		{"lot address", "서울 강남구 역삼동 123-45", "[주소]"},
		{"lot address 번지", "부산광역시 해운대구 우동 1408번지", "[주소]"},
		{"address label", "주소: 테헤란로 427", "주소: [주소]"},
		{"address label lot", "자택 주소는 역삼동 123-4", "자택 주소는 [주소]"},
		// Names in context.
		{"name 님", "홍길동님께 연락", "[이름]님께 연락"},
		{"name 님 spaced", "홍길동 님이 담당", "[이름] 님이 담당"},
		{"name 씨", "김영수 씨가 처리", "[이름] 씨가 처리"},
		{"name 씨 glued", "김영수씨는 휴가", "[이름]씨는 휴가"},
		{"label 담당자", "담당자: 최민호", "담당자: [이름]"},
		{"label 담당자 no space", "담당자:최민호", "담당자:[이름]"},
		{"label 작성자", "작성자 김영수", "작성자 [이름]"},
		{"label 성명", "성명: 박지은", "성명: [이름]"},
		{"label 담당 colon", "담당: 이서연", "담당: [이름]"},
		{"label English name", "담당자: Minho Choi", "담당자: [이름]"},
		{"label English", "Contact: Jane Doe", "Contact: [이름]"},
		{"English label, Korean name", "Name: 홍길동 (Security)", "Name: [이름] (Security)"},
		{"title before", "과장 이영희", "과장 [이름]"},
		{"title before with particle", "팀장 이영희가 승인", "팀장 [이름]가 승인"},
		{"title after", "이영희 과장", "[이름] 과장"},
		{"title after glued", "이영희과장님께", "[이름]과장님께"},
		{"title slash", "책임 / 홍길동", "책임 / [이름]"},
		{"compound surname", "남궁민수 팀장", "[이름] 팀장"},
	}
	for _, tt := range tests {
		t.Run(tt.category, func(t *testing.T) {
			if got := Redact(tt.in); got != tt.want {
				t.Errorf("Redact(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestRedactKeeps: checklist wording, item and version numbers, dates and
// organisational words are not personal and stay as written.
func TestRedactKeeps(t *testing.T) {
	for _, s := range []string{
		"디지털서비스 심사위원회의 심사를 거칩니다.",
		"관리자의 책임과 권한을 정의한다.",
		"1.2 침해사고 대응 절차, 1.3 개인정보 관리정책, 3.1, 3.2",
		"TLS 1.2 이상, TLS 1.3 권장, Ver 1.0, v2.3.1.4, 버전 10.0.19041.1, ver 2.0.1.3, 버전 3.1.0.2",
		"AES-128, SHA-256, 2022-04-06, 2024.01.31, 09:30 ~ 18:00, 1:1 문의",
		"고객님께 통지하고 담당자에게 보고한다.",
		"서비스 센터장으로 총괄, 공공사업팀 매니저, 담당 이사회 보고",
		"담당자: 보안팀, 담당자: 정보보호팀, Contact: 고객센터, Owner: 보안팀장",
		"담당자: [이메일], 담당: [주소], 과장 [이름], 연락처: [전화번호], 성명 [이름]님",
		"팀장 주관으로 회의를 연다. 과장 승인 후 배포.",
		"담당 부서는 고객지원팀이며 24시간 운영한다.",
		"72시간 이내에 통지, 연 2회 교육, 3단계로 2회 점검, 기본으로 30일 보관",
		"정보보호 최고책임자(CISO)와 개인정보 보호책임자(CPO)를 지정한다.",
		"ISO/IEC 27001, ISMS-P 인증, CSAP 인증번호 제2023-1호",
		"std::string, a::b, 12:30:45",
		"서울 리전과 부산 리전에 이중화",
		"99.9% 가용성, 1,000,000건 처리, 주문번호 2024010112",
		"디지털서비스 이용지원시스템 헬프데스크: 1522-0089, help@digitalmarket.kr",
	} {
		if got := Redact(s); got != s {
			t.Errorf("Redact(%q) = %q; want it unchanged", s, got)
		}
	}
}

// TestRedactIdempotent: masked text stays as it is when masked again, so
// that the shipped examples and a draft masked twice look the same.
func TestRedactIdempotent(t *testing.T) {
	once := Redact(richDraft)
	if twice := Redact(once); twice != once {
		t.Errorf("second Redact changed the text:\n once %q\ntwice %q", once, twice)
	}
	for _, datum := range richDraftData {
		if strings.Contains(once, datum) {
			t.Errorf("masked draft still holds %q:\n%s", datum, once)
		}
	}
}

func TestRedactDataLoads(t *testing.T) {
	if _, err := loadRedactor(); err != nil {
		t.Fatalf("embedded %s: %v", redactFile, err)
	}
	if _, err := newRedactor(redactRules{}); err == nil || !strings.Contains(err.Error(), redactFile) {
		t.Errorf("empty rules: err = %v; want a load error naming %s", err, redactFile)
	}
}

// richDraft holds one of every kind of personal datum, as an applicant
// could paste it.
const richDraft = `1.2 침해사고 대응 절차
작성자: 김영수 / 담당자: 최민호 과장 (010-3456-7890, minho.choi@example.co.kr)
보안 담당 이영희님, 대표 02-555-0100, 안심번호 0505-123-4567, 상담 1588-1234
휴대폰 ０１０－９８７６－５４３２, 해외 +82 10-2222-3333
주민등록번호 900101-1234567, 외국인등록번호 850505-5123456, 확인용 900101-1******
여권 M12345678, 운전면허 11-12-345678-90, 법인카드 4111-1111-1111-1111
환불 계좌: 국민은행 123456-01-123456, 메일 홍길동@회사.한국
서버 192.168.10.23, 2001:db8:85a3::8a2e:370:7334
본사: 서울특별시 강남구 테헤란로 123, 5층
과장 박서준이 72시간 이내에 통지한다.`

// richDraftData are the personal data of richDraft, each of which must be
// masked.
var richDraftData = []string{
	"김영수", "최민호", "이영희", "박서준", "홍길동", "010-3456-7890", "minho.choi", "02-555-0100",
	"0505-123-4567", "1588-1234", "９８７６", "9876-5432", "2222-3333", "900101", "850505",
	"M12345678", "345678-90", "4111", "123456-01-123456", "회사.한국", "192.168.10.23",
	"2001:db8", "테헤란로 123",
}

// BenchmarkRedact masks a 200 KB draft (the largest a review accepts).
func BenchmarkRedact(b *testing.B) {
	text := benchText(200 << 10)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Redact(text)
	}
}

// BenchmarkRedactPlain masks a 200 KB draft of ordinary checklist prose.
func BenchmarkRedactPlain(b *testing.B) {
	const prose = "1.2 침해사고 대응 절차: 유출 사실을 안 때부터 72시간 이내에 정보주체에게 서면, 전자우편으로 통지한다. " +
		"담당부서는 정보보호팀이며 TLS 1.2 이상으로 전송 구간을 암호화하고 연 2회 모의훈련을 한다.\n"
	text := strings.Repeat(prose, 200<<10/len(prose))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Redact(text)
	}
}

func benchText(size int) string {
	var sb strings.Builder
	for sb.Len() < size {
		sb.WriteString(richDraft)
		sb.WriteString("\n회사 연혁과 조직 문화에 대한 일반적인 소개 문장입니다. TLS 1.2, 1.3 항목.\n")
	}
	return sb.String()[:size]
}

// BenchmarkRedactShapes masks 20 KB and 200 KB of each shape of text that
// once made a pattern quadratic: the MB/s of the two sizes should match
// (a quadratic pass shows as a tenth at 200 KB). Text made of what the
// patterns look for (digits and separators, names and titles) without ever
// matching.
func BenchmarkRedactShapes(b *testing.B) {
	inputs := map[string]func(int) string{
		"draft":            benchText,
		"digits":           func(n int) string { return strings.Repeat("0-1.2 3", n/7) },
		"titles":           func(n int) string { return strings.Repeat("김 과장 ", n/11) },
		"colons":           func(n int) string { return strings.Repeat("a:b:", n/4) },
		"one word":         func(n int) string { return "과장 " + strings.Repeat("김", n/3) },
		"digits, one line": func(n int) string { return "계좌 " + strings.Repeat("1-", n/2) },
		"bank names":       func(n int) string { return strings.Repeat("국민 1234-", n/12) },
		"phones in a row":  func(n int) string { return strings.Repeat("02 4922 5029 ", n/13) },
		"role lists":       func(n int) string { return "담당자: " + strings.Repeat("김철수, ", n/11) },
		"english titles":   func(n int) string { return strings.Repeat("Mira Lund, Manager ", n/18) },
		"role abbrevs":     func(n int) string { return strings.Repeat("CPO 김 (CISO) ", n/16) },
	}
	for name, gen := range inputs {
		for _, size := range []int{20 << 10, 200 << 10} {
			text := gen(size)
			b.Run(fmt.Sprintf("%s/%dKB", name, size>>10), func(b *testing.B) {
				b.SetBytes(int64(len(text)))
				for b.Loop() {
					Redact(text)
				}
			})
		}
	}
}

// FuzzRedact: any input is masked without a panic, and valid UTF-8 stays
// valid.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{richDraft, "[", "]", "[이름", "담당자:", "과장 ", "010-", "주소: 로 1", "\xff\xfe", "a::", "님"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Redact(s)
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Errorf("Redact(%q) = %q: invalid UTF-8", s, out)
		}
	})
}
