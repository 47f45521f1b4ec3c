package knowledge

import (
	"testing"
)

// reviewCase is one draft of our own wording and the statuses a reader
// of the checklist would give some of its elements.
type reviewCase struct {
	name, item, draft string
	opts              ReviewOptions
	want              map[string]Status
}

func runReviewCases(t *testing.T, cases []reviewCase) {
	t.Helper()
	c := mustLoad(t)
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := c.Review(tt.item, tt.draft, tt.opts)
			if err != nil {
				t.Fatalf("review: %v", err)
			}
			for id, want := range tt.want {
				got, ok := rep.Element(id)
				if !ok {
					t.Fatalf("no result for %s", id)
				}
				if got.Status != want {
					t.Errorf("%s: got %s (evidence %q, note %q); want %s", id, got.Status, got.Evidence, got.Note, want)
				}
			}
		})
	}
}

// notice opens a passage about notifying users, so that the notification
// elements of 1.2 are read in the lines after it.
const notice = "제7조(이용자 통지) 회사는 침해사고를 확인하면 이용자에게 지체 없이 통지한다.\n"

// TestConceptParaphrase: elements written in other words than the
// checklist's, as applicants write them — formally, colloquially and in
// English — and wordings that only resemble them.
func TestConceptParaphrase(t *testing.T) {
	runReviewCases(t, []reviewCase{
		// 1.2-b: what happened.
		{name: "1.2-b formal", item: "1.2", draft: notice + "1. 사고가 일어난 시각과 피해를 입은 정보의 범위\n",
			want: map[string]Status{"1.2-b": StatusPresent}},
		{name: "1.2-b colloquial", item: "1.2", draft: "사고 나면 고객님께 문자로 알려드림: 언제 무슨 일이 있었는지\n",
			want: map[string]Status{"1.2-b": StatusPresent}},
		{name: "1.2-b English", item: "1.2", draft: "We notify affected customers by e-mail. The notice describes the nature of the incident and when it was detected.\n",
			want: map[string]Status{"1.2-b": StatusPresent}},
		{name: "1.2-b not in a notice with only a means", item: "1.2", draft: "침해사고가 생기면 이용자에게 이메일로 통지한다.\n",
			want: map[string]Status{"1.2-b": StatusMissing}},
		// 1.2-d: what the provider did.
		{name: "1.2-d formal", item: "1.2", draft: notice + "3. 회사가 실시한 긴급 대응 조치의 내용\n",
			want: map[string]Status{"1.2-d": StatusPresent}},
		{name: "1.2-d colloquial", item: "1.2", draft: notice + "- 저희 쪽에서 막아 둔 것(계정 잠금, 해당 서버 차단)\n",
			want: map[string]Status{"1.2-d": StatusPresent}},
		{name: "1.2-d English", item: "1.2", draft: "In the event of a breach the Company shall notify users by e-mail, including the measures the Company has taken to limit the damage.\n",
			want: map[string]Status{"1.2-d": StatusPresent}},
		{name: "1.2-d measures outside the notice", item: "1.2", draft: notice + "1. 사고 개요\n제9조(내부 대응 절차) 보안팀은 서버를 격리하고 계정을 잠근다.\n",
			want: map[string]Status{"1.2-d": StatusMissing}},
		// 1.2-e: what users can do.
		{name: "1.2-e formal", item: "1.2", draft: notice + "4. 이용자가 추가 피해를 막기 위하여 할 수 있는 조치\n",
			want: map[string]Status{"1.2-e": StatusPresent}},
		{name: "1.2-e colloquial", item: "1.2", draft: notice + "- 고객님이 직접 해 주실 것: 비번 바꾸기\n",
			want: map[string]Status{"1.2-e": StatusPresent}},
		{name: "1.2-e English", item: "1.2", draft: "We will notify you by e-mail. What you should do: change your password and turn on two-factor authentication.\n",
			want: map[string]Status{"1.2-e": StatusPresent}},
		{name: "1.2-e the provider changing its own passwords", item: "1.2", draft: notice + "1. 사고 개요\n2. 회사는 관리자 계정을 점검한다.\n",
			want: map[string]Status{"1.2-e": StatusMissing}},
		// 3.2-a: a channel.
		{name: "3.2-a formal", item: "3.2", draft: "고객 의견은 당사 고객상담실 전화로 접수한다.\n",
			want: map[string]Status{"3.2-a": StatusPresent}},
		{name: "3.2-a colloquial", item: "3.2", draft: "궁금한 거 있으시면 카톡 채널로 물어보시면 돼요\n",
			want: map[string]Status{"3.2-a": StatusPresent}},
		{name: "3.2-a English", item: "3.2", draft: "Customers reach us through the in-app chat or by e-mail.\n",
			want: map[string]Status{"3.2-a": StatusPresent}},
		{name: "3.2-a no channel", item: "3.2", draft: "고객 만족을 위해 최선을 다합니다.\n",
			want: map[string]Status{"3.2-a": StatusMissing}},
		// 3.2-c: a technical support unit.
		{name: "3.2-c formal", item: "3.2", draft: "기술 문의는 클라우드엔지니어링파트에서 담당한다.\n",
			want: map[string]Status{"3.2-c": StatusPresent}},
		{name: "3.2-c colloquial", item: "3.2", draft: "어려운 건 인프라운영그룹 엔지니어들이 붙어서 봐 드려요\n",
			want: map[string]Status{"3.2-c": StatusPresent}},
		{name: "3.2-c English", item: "3.2", draft: "Escalations go to our Platform Engineering team.\n",
			want: map[string]Status{"3.2-c": StatusPresent}},
		{name: "3.2-c support without a unit", item: "3.2", draft: "기술 지원을 제공합니다.\n",
			want: map[string]Status{"3.2-c": StatusPartial}},
		// 3.2-d: receive, handle, reply.
		{name: "3.2-d formal", item: "3.2", draft: "요청이 접수되면 담당자가 배정되어 처리하고, 처리 결과를 요청자에게 회신한다.\n",
			want: map[string]Status{"3.2-d": StatusPresent}},
		{name: "3.2-d colloquial", item: "3.2", draft: "문의 들어오면 담당자가 보고 해결한 다음 고객한테 결과 알려드려요\n",
			want: map[string]Status{"3.2-d": StatusPresent}},
		{name: "3.2-d English", item: "3.2", draft: "Each ticket is logged, assigned to an engineer and resolved, and we reply to the customer with the outcome.\n",
			want: map[string]Status{"3.2-d": StatusPresent}},
		// 1.3-g: where data is.
		{name: "1.3-g formal", item: "1.3", draft: "모든 데이터는 대한민국 내 데이터센터에서 처리된다.\n",
			want: map[string]Status{"1.3-g": StatusPresent}},
		{name: "1.3-g colloquial", item: "1.3", draft: "고객 자료는 전부 판교 사옥 서버실에 둬요\n",
			want: map[string]Status{"1.3-g": StatusPresent}},
		{name: "1.3-g English", item: "1.3", draft: "All customer data is hosted in AWS ap-northeast-2 (Seoul).\n",
			want: map[string]Status{"1.3-g": StatusPresent}},
		{name: "1.3-g the head office is not where data is", item: "1.3", draft: "당사 본사는 서울 강남구에 있습니다.\n",
			want: map[string]Status{"1.3-g": StatusMissing}},
	})
}

// TestConceptEnglish: notices and procedures written in English, or in
// Korean mixed with English, as a bilingual team writes them.
func TestConceptEnglish(t *testing.T) {
	runReviewCases(t, []reviewCase{
		{name: "English notice table", item: "1.2", draft: "Customer notice after a security incident\n" +
			"We notify affected customers by e-mail and a banner on the login page within 24 hours.\n" +
			"| What happened | Cause | What we have done | What you can do | Contact |\n" +
			"| Contact: Security Operations team, security@example.com |\n",
			want: map[string]Status{"1.2-a": StatusPresent, "1.2-b": StatusPresent, "1.2-c": StatusPresent, "1.2-d": StatusPresent, "1.2-e": StatusPresent, "1.2-f": StatusPresent}},
		{name: "English formal policy", item: "1.2", draft: "In the event of a breach, the Company shall notify users by email. " +
			"The notification shall include a description of the incident, its cause, the measures the Company has taken, " +
			"the steps users should take, and the contact details of the responsible department (security@example.com).\n",
			want: map[string]Status{"1.2-a": StatusPresent, "1.2-b": StatusPresent, "1.2-c": StatusPresent, "1.2-d": StatusPresent, "1.2-e": StatusPresent, "1.2-f": StatusPresent}},
		{name: "Korean mixed with English", item: "1.2", draft: "침해사고 notice는 email과 SMS로 발송하며 root cause, 조치 현황, 고객 action item(password reset)을 포함한다.\n" +
			"문의: CS팀 cs@example.com\n",
			want: map[string]Status{"1.2-a": StatusPresent, "1.2-c": StatusPresent, "1.2-d": StatusPresent, "1.2-e": StatusPresent, "1.2-f": StatusPresent}},
		{name: "English text that is not a notice", item: "1.2", draft: "Our engineers analyse the root cause internally and keep the report.\n",
			want: map[string]Status{"1.2-a": StatusMissing, "1.2-c": StatusMissing}},
		{name: "English 3.2", item: "3.2", draft: "Customers open a ticket in our support portal or write to support@example.com.\n" +
			"The Customer Success team collects feedback (owner: Support Lead, +82-2-555-0100).\n" +
			"Hard cases go to the Platform Engineering team.\n" +
			"Each request is logged, assigned and resolved, and we get back to the customer with the result.\n",
			want: map[string]Status{"3.2-a": StatusPresent, "3.2-b": StatusPresent, "3.2-c": StatusPresent, "3.2-d": StatusPresent}},
		{name: "mixed 1.3", item: "1.3", draft: "비밀번호는 bcrypt로 hash하여 저장하고, 주민등록번호는 AES-256으로 encrypt한다.\n" +
			"전 구간 TLS 1.2 이상 적용.\n",
			want: map[string]Status{"1.3-a": StatusPresent, "1.3-b": StatusPresent, "1.3-c": StatusPresent, "1.3-d": StatusPresent}},
	})
}

// TestConceptUnitsAndTitles: the names organisations give their units
// and people, beyond 팀, 부서 and 실.
func TestConceptUnitsAndTitles(t *testing.T) {
	cases := []reviewCase{}
	for _, l := range []string{
		"고객 의견은 고객경험파트 김하늘 프로(02-555-0111)가 받습니다.",
		"고객지원그룹 박서준 책임, cs@example.com",
		"서비스운영본부 이도윤 선임 / 031-555-0123",
		"고객응대셀 최유나 수석 (help@example.com)",
		"CX팀 정민호 매니저 02-555-0144",
		"CS팀 담당 한지민 매니저, 1588-0000",
		"SOC (Lead: Jamie Park, soc@example.com)",
		"Platform & Reliability group, Manager: Robin Cho, platform@example.com",
	} {
		cases = append(cases, reviewCase{name: l, item: "3.2", draft: l + "\n", want: map[string]Status{"3.2-b": StatusPresent}})
	}
	cases = append(cases,
		reviewCase{name: "a spreadsheet is not a unit", item: "3.2", draft: "요청은 엑셀 시트에 기록하며 담당자 연락처는 02-555-0100이다.\n",
			want: map[string]Status{"3.2-b": StatusPartial}},
		reviewCase{name: "a process is not a person", item: "3.2", draft: "고객지원팀은 처리 프로세스를 개선하며 연락처는 02-555-0100이다.\n",
			want: map[string]Status{"3.2-b": StatusPartial}},
		reviewCase{name: "taking responsibility is not a title", item: "3.2", draft: "고객지원팀이 책임지고 답하며 연락처는 02-555-0100이다.\n",
			want: map[string]Status{"3.2-b": StatusPartial}},
		reviewCase{name: "1.2-f with a part", item: "1.2", draft: notice + "6. 문의처: 보안관제파트 02-555-0155\n",
			want: map[string]Status{"1.2-f": StatusPresent}},
		reviewCase{name: "1.2-f with a SOC", item: "1.2", draft: notice + "6. Contact: SOC, soc@example.com\n",
			want: map[string]Status{"1.2-f": StatusPresent}},
	)
	runReviewCases(t, cases)
}
