package knowledge

import "testing"

// redactCase is one text and what it must become; a case whose want is
// its input must stay as written.
type redactCase struct{ name, in, want string }

func runRedactCases(t *testing.T, tests []redactCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Redact(tt.in); got != tt.want {
				t.Errorf("Redact(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

// A bank's short name right before the number makes it an account, as
// 은행 does; the same words elsewhere leave numbers alone.
func TestRedactBankShortNames(t *testing.T) {
	runRedactCases(t, []redactCase{
		{"국민", "환불은 국민 612-803-447120으로 보내 드립니다.", "환불은 국민 [계좌번호]으로 보내 드립니다."},
		{"신한 with a colon", "입금처 신한: 140-318-552907", "입금처 신한: [계좌번호]"},
		{"우리", "우리 1002-771-306248 (예금주 본사)", "우리 [계좌번호] (예금주 본사)"},
		{"하나", "하나 391-920417-62307로 이체해 주세요", "하나 [계좌번호]로 이체해 주세요"},
		{"기업", "기업 028-174395-01-019", "기업 [계좌번호]"},
		{"IBK", "IBK 028-174395-01-019", "IBK [계좌번호]"},
		{"KB lower case", "kb 480201-04-118273", "kb [계좌번호]"},
		{"카카오", "카카오 3333-27-5561840", "카카오 [계좌번호]"},
		{"in parentheses", "환불 계좌(농협 351-0827-4419-63)", "환불 계좌(농협 [계좌번호])"},
		// Must not: the words as words, a phone after a short name, a
		// number far from the name.
		{"우리 회사", "우리 회사는 2019년부터 1,200,000명의 회원에게 서비스합니다.", "우리 회사는 2019년부터 1,200,000명의 회원에게 서비스합니다."},
		{"하나의 절차", "하나의 절차 번호 2024-0312-0007을 따른다", "하나의 절차 번호 2024-0312-0007을 따른다"},
		{"기업 고객 order number", "기업 고객 주문 20240312000781", "기업 고객 주문 20240312000781"},
		{"a landline after a short name", "기업 02-3781-4420", "기업 [전화번호]"},
		{"국민 in a word", "국민연금 1234567890123 가입", "국민연금 1234567890123 가입"},
	})
}

// A name is found by the role next to it: in parentheses after it, before
// it with a slash or a colon, as a list after a role, and in English with a
// job title. Departments, products and ordinary words next to the same
// roles stay.
func TestRedactNamesByRole(t *testing.T) {
	runRedactCases(t, []redactCase{
		// A name, then its role in parentheses.
		{"name (CISO)", "정보보호 총괄은 한서준(CISO)이 맡습니다.", "정보보호 총괄은 [이름](CISO)이 맡습니다."},
		{"name (CPO) spaced", "송지아 (CPO) 승인 후 시행", "[이름] (CPO) 승인 후 시행"},
		{"name (Korean role)", "도현우(개인정보보호책임자)가 분기마다 점검한다.", "[이름](개인정보보호책임자)가 분기마다 점검한다."},
		{"name (unit's title)", "문가은 (보안팀장), 나윤재 (개발팀장)", "[이름] (보안팀장), [이름] (개발팀장)"},
		{"name CTO without parentheses", "기술 검토: 백도윤 CTO", "기술 검토: [이름] CTO"},
		{"department (CISO)", "정보보호팀(CISO 직속)이 대응한다.", "정보보호팀(CISO 직속)이 대응한다."},
		{"product (manager screen)", "한빛(관리자 화면)에서 권한을 준다.", "한빛(관리자 화면)에서 권한을 준다."},
		{"role (role)", "CISO(정보보호최고책임자)를 지정한다.", "CISO(정보보호최고책임자)를 지정한다."},
		// A role, then a slash, a colon or a space, then the name.
		{"role / name", "개인정보보호책임자 / 표하준", "개인정보보호책임자 / [이름]"},
		{"spaced role / name", "개인정보 보호책임자 / 표하준", "개인정보 보호책임자 / [이름]"},
		{"role: name", "정보보호최고책임자: 길서윤", "정보보호최고책임자: [이름]"},
		{"role name with particle", "보안관리자 / 석민재가 검토", "보안관리자 / [이름]가 검토"},
		{"CPO name", "CPO 봉채원, CISO / 탁지후", "CPO [이름], CISO / [이름]"},
		{"role (name)", "책임자(염도경) 지정", "책임자([이름]) 지정"},
		{"role / department", "개인정보보호책임자 / 정보보호팀", "개인정보보호책임자 / 정보보호팀"},
		{"role then an ordinary word", "개인정보보호책임자 지정 및 교육", "개인정보보호책임자 지정 및 교육"},
		{"CISO then an ordinary word", "CISO 보고 체계를 갖춘다", "CISO 보고 체계를 갖춘다"},
		// A list of names after a role and a colon.
		{"list", "담당자: 하도윤, 계수아, 편지호", "담당자: [이름], [이름], [이름]"},
		{"list with 및", "대응 인력: 팀장 우서진, 추하린 및 설예준", "대응 인력: 팀장 [이름], [이름] 및 [이름]"},
		{"list with a slash", "검토자: 반시우/기다은", "검토자: [이름]/[이름]"},
		{"list ends with a particle", "담당자: 하도윤, 계수아가 교대로 맡는다", "담당자: [이름], [이름]가 교대로 맡는다"},
		{"list, then a department", "담당자: 하도윤, 보안팀", "담당자: [이름], 보안팀"},
		{"list, then an ordinary word", "담당자: 하도윤, 이메일 문의 가능", "담당자: [이름], 이메일 문의 가능"},
		{"departments only", "담당자: 보안팀, 고객지원팀", "담당자: 보안팀, 고객지원팀"},
		// English names with a job title.
		{"name, title", "Contact Grace Holloway, Security Manager, for access.", "Contact [이름], Security Manager, for access."},
		{"title name", "Approved by Security Manager Owen Park.", "Approved by Security Manager [이름]."},
		{"name (CISO)", "Ravi Menon (CISO) signs the plan.", "[이름] (CISO) signs the plan."},
		{"name - title", "Lena Vogel – Head of Privacy", "[이름] – Head of Privacy"},
		{"CPO: name", "CPO: Mina Seo", "CPO: [이름]"},
		{"lower-case title", "Tom Avery, privacy officer", "[이름], privacy officer"},
		{"title, then business words", "The Security Manager Training Program starts in May.", "The Security Manager Training Program starts in May."},
		{"department, title", "Data Protection, Privacy Officer", "Data Protection, Privacy Officer"},
		{"title, then a team", "Incident Response Manager Security Team", "Incident Response Manager Security Team"},
	})
}

// Two phone numbers in a row are two phones, each masked as one, never a
// card number that leaves some digits; a card number stays a card.
func TestRedactPhonesInRow(t *testing.T) {
	runRedactCases(t, []redactCase{
		{"landline, tab, mobile", "02 4922 5029\t01080602420", "[전화번호]\t[전화번호]"},
		{"two 15xx", "상담 1588-2991 1577-6257", "상담 [전화번호] [전화번호]"},
		{"mobile, mobile", "비상연락 010-7215-3308 010-6617-2094", "비상연락 [전화번호] [전화번호]"},
		{"landline, space, mobile", "031 781 2206 010 4417 9030", "[전화번호] [전화번호]"},
		{"card stays a card", "카드 4111 1111 1111 1111", "카드 [카드번호]"},
		{"card with a CVC after", "카드 4111 1111 1111 1111 123", "카드 [카드번호] 123"},
		{"card holding phone-like digits", "카드 4539 0101 2345 6783", "카드 [카드번호]"},
	})
}
