package knowledge

import "testing"

// TestRoles: evidence counts only in the role the element asks for — who
// does what, to whom. Each element has wordings that state it (formal,
// colloquial, English) and wordings that name its words in another role.
func TestRoles(t *testing.T) {
	runReviewCases(t, []reviewCase{
		// 1.2-a: a notice names its means; "we notify" alone does not.
		{name: "1.2-a formal", item: "1.2", draft: "회사는 침해사고 발생 시 이용자에게 문자메시지와 전자우편으로 통지한다.\n",
			want: map[string]Status{"1.2-a": StatusPresent}},
		{name: "1.2-a colloquial", item: "1.2", draft: "사고 나면 고객님들께 카톡 알림톡이랑 메일로 알려드려요\n",
			want: map[string]Status{"1.2-a": StatusPresent}},
		{name: "1.2-a English", item: "1.2", draft: "Affected customers are notified by e-mail and a banner in the console.\n",
			want: map[string]Status{"1.2-a": StatusPresent}},
		{name: "1.2-a notice with no means", item: "1.2", draft: "회사는 침해사고 발생 사실을 고객에게 지체없이 통지함.\n",
			want: map[string]Status{"1.2-a": StatusMissing}},
		{name: "1.2-a colloquial notice with no means", item: "1.2", draft: "사고 나면 고객한테 바로 알려줌\n",
			want: map[string]Status{"1.2-a": StatusMissing}},
		{name: "1.2-a English notice with no means", item: "1.2", draft: "We notify affected users without undue delay.\n",
			want: map[string]Status{"1.2-a": StatusMissing}},

		// 1.2-f: a department with a way to reach it.
		{name: "1.2-f formal", item: "1.2", draft: notice + "6. 담당부서: 기술운영팀(전화 02-555-0170)\n",
			want: map[string]Status{"1.2-f": StatusPresent}},
		{name: "1.2-f colloquial", item: "1.2", draft: notice + "- 문의는 보안운영파트로 (sec@example.com)\n",
			want: map[string]Status{"1.2-f": StatusPresent}},
		{name: "1.2-f English", item: "1.2", draft: "We notify customers by e-mail. Questions: Security team, +82-2-555-0171.\n",
			want: map[string]Status{"1.2-f": StatusPresent}},
		{name: "1.2-f department with no contact", item: "1.2", draft: notice + "6. 담당부서는 기술운영팀\n",
			want: map[string]Status{"1.2-f": StatusPartial}},
		{name: "1.2-f English department with no contact", item: "1.2", draft: "We notify customers by e-mail. Questions go to the Security team.\n",
			want: map[string]Status{"1.2-f": StatusPartial}},

		// 1.2-c: the cause as told to users, not as analysed internally.
		{name: "1.2-c formal", item: "1.2", draft: notice + "3. 사고의 발생 원인\n",
			want: map[string]Status{"1.2-c": StatusPresent}},
		{name: "1.2-c colloquial", item: "1.2", draft: "고객님께 메일로 알려드리는 것: 왜 이런 일이 생겼는지(원인)\n",
			want: map[string]Status{"1.2-c": StatusPresent}},
		{name: "1.2-c English", item: "1.2", draft: "The notice to customers explains how it happened.\n",
			want: map[string]Status{"1.2-c": StatusPresent}},
		{name: "1.2-c cause analysed internally", item: "1.2", draft: notice + "1. 통지 수단: 전자우편\n제10조(내부 대응) 보안팀은 사고 원인을 분석하여 대표이사에게 보고한다.\n",
			want: map[string]Status{"1.2-c": StatusMissing}},
		{name: "1.2-c colloquial cause kept inside", item: "1.2", draft: "고객한테는 메일로 알림.\n내부적으로 원인 분석해서 보고서 남김\n",
			want: map[string]Status{"1.2-c": StatusMissing}},
		{name: "1.2-c English internal root cause", item: "1.2", draft: "Customers are notified by e-mail.\nInternal handling: the security team investigates the root cause and reports to management.\n",
			want: map[string]Status{"1.2-c": StatusMissing}},

		// 1.2-i: drills with a period, not "when needed".
		{name: "1.2-i formal", item: "1.2", draft: "침해사고 대응 모의훈련을 연 2회 실시한다.\n",
			want: map[string]Status{"1.2-i": StatusPresent}},
		{name: "1.2-i colloquial", item: "1.2", draft: "모의해킹 훈련은 반기마다 한 번씩 함\n",
			want: map[string]Status{"1.2-i": StatusPresent}},
		{name: "1.2-i English", item: "1.2", draft: "An incident response tabletop exercise is held twice a year.\n",
			want: map[string]Status{"1.2-i": StatusPresent}},
		{name: "1.2-i drills when needed", item: "1.2", draft: "침해사고 대응 훈련은 필요 시 실시한다.\n",
			want: map[string]Status{"1.2-i": StatusPartial}},
		{name: "1.2-i colloquial drills when needed", item: "1.2", draft: "모의훈련은 필요할 때 해요\n",
			want: map[string]Status{"1.2-i": StatusPartial}},
		{name: "1.2-i English drills as needed", item: "1.2", draft: "Drills are run as needed.\n",
			want: map[string]Status{"1.2-i": StatusPartial}},

		// 3.2-d: receiving and handling is not yet replying.
		{name: "3.2-d receive and handle only", item: "3.2", draft: "접수된 요청은 담당자가 처리한 후 종결 처리한다.\n",
			want: map[string]Status{"3.2-d": StatusPartial}},
		{name: "3.2-d colloquial receive and handle only", item: "3.2", draft: "문의 오면 담당자가 처리하고 끝\n",
			want: map[string]Status{"3.2-d": StatusPartial}},
		{name: "3.2-d English receive and handle only", item: "3.2", draft: "Tickets are logged and resolved by the support team.\n",
			want: map[string]Status{"3.2-d": StatusPartial}},
		{name: "3.2-d sharing with a colleague is not a reply", item: "3.2", draft: "요청을 접수하면 담당자가 처리하고 결과를 팀장에게 보고한다.\n",
			want: map[string]Status{"3.2-d": StatusPartial}},

		// 1.3-a: an identifier collected must be among the data encrypted.
		{name: "1.3-a formal", item: "1.3", draft: "회원 가입 시 주민등록번호를 수집한다.\n주민등록번호와 비밀번호는 암호화하여 저장한다.\n",
			want: map[string]Status{"1.3-a": StatusPresent}},
		{name: "1.3-a English", item: "1.3", draft: "We collect resident registration numbers for identity checks.\nResident registration numbers and card numbers are encrypted at rest.\n",
			want: map[string]Status{"1.3-a": StatusPresent}},
		{name: "1.3-a resident number left out", item: "1.3", draft: "회원 가입 시 본인 확인을 위해 주민등록번호를 수집한다.\n\n이용 약관은 별도로 게시한다.\n\n고객 문의는 게시판으로 받는다.\n\n비밀번호와 계좌번호는 암호화하여 저장한다.\n",
			want: map[string]Status{"1.3-a": StatusPartial}},
		{name: "1.3-a colloquial resident number left out", item: "1.3", draft: "본인확인용으로 주민번호 받음\n\n\n\n\n\n암호화 대상: 비번, 카드번호\n",
			want: map[string]Status{"1.3-a": StatusPartial}},
		{name: "1.3-a English passport left out", item: "1.3", draft: "We collect passport numbers of foreign customers.\n\n\n\n\n\nPasswords and card numbers are encrypted.\n",
			want: map[string]Status{"1.3-a": StatusPartial}},
	})
}

// TestRuleWordings: the review's rules read any clear wording of what
// they look for, not one fixed phrase.
func TestRuleWordings(t *testing.T) {
	na := map[string]Status{"1.3-a": StatusNotApplicable, "1.3-b": StatusNotApplicable, "1.3-c": StatusNotApplicable, "1.3-d": StatusNotApplicable}
	applies := map[string]Status{"1.3-a": StatusMissing}
	runReviewCases(t, []reviewCase{
		// No personal data: 1.3-a…d do not apply.
		{name: "no PII formal", item: "1.3", draft: "본 서비스는 개인정보를 수집·이용하지 않습니다.\n", want: na},
		{name: "no PII formal, nothing to encrypt", item: "1.3", draft: "당사 서비스에는 암호화할 대상 정보가 존재하지 않는다.\n", want: na},
		{name: "no PII colloquial", item: "1.3", draft: "저희 서비스는 개인정보 아예 안 받아요\n", want: na},
		{name: "no PII terse", item: "1.3", draft: "- 개인정보: 해당 없음(미수집)\n", want: na},
		{name: "no PII English", item: "1.3", draft: "The service does not collect or store any personal information.\n", want: na},
		{name: "no PII English contraction", item: "1.3", draft: "We don't collect any personal data.\n", want: na},
		{name: "no PII English never", item: "1.3", draft: "We never collect or process PII.\n", want: na},
		{name: "no PII English personally identifiable", item: "1.3", draft: "No personally identifiable information is collected by the service.\n", want: na},
		{name: "criteria quoted in Korean", item: "1.3", draft: "개인정보를 처리하지 않는 경우에는 그 사실을 명시해야 한다.\n", want: applies},
		{name: "criteria quoted in English", item: "1.3", draft: "If the service does not process personal data, say so explicitly.\n", want: applies},
		{name: "personal data needed to sign up", item: "1.3", draft: "개인정보 없이는 회원 가입을 할 수 없습니다.\n", want: applies},

		// Weak algorithms, however they are written.
		{name: "DES in backticks", item: "1.3", draft: "계좌번호는 `DES`로 암호화한다.\n", want: map[string]Status{"1.3-d": StatusPartial}},
		{name: "MD5 in parentheses", item: "1.3", draft: "비밀번호는 해시(MD5)로 저장한다.\n", want: map[string]Status{"1.3-d": StatusPartial}},
		{name: "3DES", item: "1.3", draft: "카드번호는 AES-256으로, 구 시스템 자료는 3DES로 암호화한다.\n", want: map[string]Status{"1.3-d": StatusPartial}},
		{name: "SHA1 without a hyphen", item: "1.3", draft: "Passwords are stored as SHA1 digests.\n", want: map[string]Status{"1.3-d": StatusPartial}},
		{name: "replacement under review is still use", item: "1.3", draft: "비밀번호는 SHA1로 저장하며 SHA-256으로 교체 검토 중이다.\n", want: map[string]Status{"1.3-d": StatusPartial}},
		{name: "colloquial still in use, change planned", item: "1.3", draft: "아직 MD5 씀 (SHA-256으로 바꿀 예정)\n", want: map[string]Status{"1.3-d": StatusPartial}},
		{name: "English migration planned", item: "1.3", draft: "Legacy tokens are still hashed with MD5; a migration to SHA-256 is planned.\n", want: map[string]Status{"1.3-d": StatusPartial}},
		{name: "weak algorithms banned", item: "1.3", draft: "DES, 3DES, RC4는 사용을 금지하며 AES-256만 쓴다.\n", want: map[string]Status{"1.3-d": StatusPresent}},
		{name: "English no longer used", item: "1.3", draft: "We no longer use SHA-1; passwords are hashed with bcrypt.\n", want: map[string]Status{"1.3-d": StatusPresent}},

		// The kind of service: 3.1-c applies to support services only.
		{name: "convergence formal", item: "3.1", draft: "본 서비스는 융합서비스에 해당합니다.\n", want: map[string]Status{"3.1-c": StatusNotApplicable}},
		{name: "convergence spaced", item: "3.1", draft: "저희 서비스는 융합 서비스입니다.\n", want: map[string]Status{"3.1-c": StatusNotApplicable}},
		{name: "convergence English", item: "3.1", draft: "Our offering is a convergence service that combines IoT devices with a cloud platform.\n", want: map[string]Status{"3.1-c": StatusNotApplicable}},
		{name: "cloud formal", item: "3.1", draft: "당사는 클라우드컴퓨팅서비스(SaaS)를 제공합니다.\n", want: map[string]Status{"3.1-c": StatusNotApplicable}},
		{name: "cloud colloquial", item: "3.1", draft: "저희는 SaaS예요\n", want: map[string]Status{"3.1-c": StatusNotApplicable}},
		{name: "cloud English", item: "3.1", draft: "This is a cloud computing service delivered as PaaS.\n", want: map[string]Status{"3.1-c": StatusNotApplicable}},
		{name: "support formal", item: "3.1", draft: "당사는 클라우드 매니지드 서비스를 제공합니다.\n", want: map[string]Status{"3.1-c": StatusMissing}},
		{name: "support colloquial", item: "3.1", draft: "저희는 MSP입니다\n", want: map[string]Status{"3.1-c": StatusMissing}},
		{name: "support English", item: "3.1", draft: "We provide cloud migration services to public agencies.\n", want: map[string]Status{"3.1-c": StatusMissing}},
		{name: "convergence research is not the kind", item: "3.1", draft: "융합 기술 연구를 위해 조직을 운영한다.\n", want: map[string]Status{"3.1-c": StatusMissing}},
	})
}

// TestRuleHiding: sentences that name a topic without stating it — still
// to be written, pointing at a procedure written elsewhere, or asking —
// are not evidence; a form record written one field a line is one
// statement.
func TestRuleHiding(t *testing.T) {
	abroad := func(s Status) map[string]Status { return map[string]Status{"1.3-f": s} }
	disposal := func(s Status) map[string]Status { return map[string]Status{"1.3-e": s} }
	record := func(s Status) map[string]Status { return map[string]Status{"3.2-b": s} }
	runReviewCases(t, []reviewCase{
		{name: "todo formal", item: "1.3", draft: "국외이전 여부는 추후 작성 예정입니다.\n", want: abroad(StatusMissing)},
		{name: "todo colloquial", item: "1.3", draft: "국외이전 문구는 확인 후 추가할게요\n", want: abroad(StatusMissing)},
		{name: "todo English", item: "1.3", draft: "TODO: statement on transfer abroad\n", want: abroad(StatusMissing)},
		{name: "no plan is not a todo", item: "1.3", draft: "개인정보를 국외로 이전하지 않으며, 이전할 예정도 없다.\n", want: abroad(StatusPresent)},

		{name: "by reference formal", item: "1.3", draft: "계약 종료 시 데이터는 내부 기준에 따라 파기한다.\n", want: disposal(StatusMissing)},
		{name: "by reference colloquial", item: "1.3", draft: "계약 끝나면 데이터는 사내 규정대로 삭제함\n", want: disposal(StatusMissing)},
		{name: "by reference English", item: "1.3", draft: "On termination, data is deleted according to our internal policy.\n", want: disposal(StatusMissing)},
		{name: "an internal rule stated is evidence", item: "1.3", draft: "내부 기준: 계약 종료 후 30일 이내 복구 불가능한 방식으로 파기\n", want: disposal(StatusPresent)},

		{name: "question formal", item: "1.3", draft: "국외이전 여부도 기재해야 하나요?\n", want: abroad(StatusMissing)},
		{name: "question colloquial", item: "1.3", draft: "국외이전 문구 넣어야 돼?\n", want: abroad(StatusMissing)},
		{name: "question English", item: "1.3", draft: "Do we need to state whether data is transferred abroad?\n", want: abroad(StatusMissing)},
		{name: "a statement is not a question", item: "1.3", draft: "개인정보를 국외로 이전하지 않습니다.\n", want: abroad(StatusPresent)},

		{name: "record formal", item: "3.2", draft: "담당조직: 고객지원팀\n담당자: 김하늘 매니저\n연락처: 02-555-0100\n", want: record(StatusPresent)},
		{name: "record colloquial", item: "3.2", draft: "- 담당팀: CS팀\n- 담당: 박서연 프로\n- 번호: 02-555-0100\n", want: record(StatusPresent)},
		{name: "record English", item: "3.2", draft: "Department: Customer Success team\nOwner: Support Lead\nPhone: +82-2-555-0100\n", want: record(StatusPresent)},
		{name: "fields in different passages are not a record", item: "3.2",
			draft: "고객지원팀이 의견을 받는다.\n\n보안 책임자는 김하늘 매니저이다.\n\n대표번호 02-555-0100\n", want: record(StatusPartial)},
	})
}
