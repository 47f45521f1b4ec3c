package knowledge

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/selfcheck/selfcheck/usererr"
)

func mustLoad(t testing.TB) *Checklist {
	t.Helper()
	c, err := Load(Embedded())
	if err != nil {
		t.Fatalf("load embedded knowledge: %v", err)
	}
	return c
}

// taggedLine is one line of a test draft and the element it supplies
// ("" for context lines).
type taggedLine struct {
	element string
	text    string
}

// completeDrafts are drafts of our own wording (not the seeds') in which
// every element is present, one line per element.
var completeDrafts = map[string][]taggedLine{
	"1.2": {
		{"", "제5조(침해사고 통지) 회사는 침해사고가 발생하면 지체 없이 이용자에게 다음 사항을 통지한다."},
		{"1.2-a", "1. 통지 수단: 문자메시지(SMS), 서비스 로그인 화면 공지"},
		{"1.2-b", "2. 사고 개요(발생 일시와 유출된 항목)"},
		{"1.2-c", "3. 사고 원인"},
		{"1.2-d", "4. 회사가 취한 피해 확산 방지 조치 내용"},
		{"1.2-e", "5. 이용자가 취할 수 있는 피해 예방 방법(비밀번호 변경 등)"},
		{"1.2-f", "6. 담당 부서 및 연락처: 정보보호팀 (security@example.com)"},
		{"", "제6조(침해사고 대응절차)"},
		{"1.2-g", "침해사고를 탐지하면 보안관제팀이 초동 조치로 해당 서버를 격리하고, 로그를 수집하여 원인을 분석한다."},
		{"1.2-h", "분석 결과에 따라 취약점을 보완하고 재발 방지 대책을 수립하며, 임직원 보안교육을 실시한다."},
		{"1.2-i", "침해사고 대응 모의훈련은 연 1회, 취약점 점검은 분기별로 실시한다."},
	},
	"1.3": {
		{"1.3-a", "암호화 대상: 비밀번호, 주민등록번호 등 고유식별정보, 계좌번호는 암호화하여 저장한다."},
		{"1.3-b", "이용자 비밀번호는 복호화할 수 없도록 일방향 해시 함수로 변환하여 저장한다."},
		{"1.3-c", "모든 통신은 TLS 1.2 이상으로 전송 구간을 암호화한다."},
		{"1.3-d", "암호화 알고리즘: 양방향 AES-256, 단방향 SHA-256 이상을 사용한다."},
		{"1.3-e", "계약이 종료되면 30일 이내에 고객 데이터를 반환하고, 복구할 수 없는 방법으로 파기한다."},
		{"1.3-f", "개인정보를 국외로 이전하지 않는다."},
		{"1.3-g", "모든 데이터는 국내 데이터센터(서울 리전)에서만 처리·저장한다."},
	},
	"3.1": {
		{"", "당사는 클라우드 마이그레이션 서비스를 제공하는 지원서비스 사업자입니다."},
		{"3.1-a", "담당 조직: 클라우드사업팀(팀장 1명, 엔지니어 5명) — 마이그레이션 수행 및 운영 담당"},
		{"3.1-b", "이용자 지원: 사용자 매뉴얼 제공, 분기별 온라인 교육 실시, 기술지원 헬프데스크 운영"},
		{"3.1-c", "수행 인력은 AWS 공인 자격과 정보처리기사 자격을 보유하고 있으며, 최근 3년간 공공기관 마이그레이션 사업 12건을 수행했습니다."},
	},
	"3.2": {
		{"3.2-a", "고객 문의는 홈페이지 FAQ와 1:1 문의 게시판으로 받습니다."},
		{"3.2-b", "고객지원팀(담당자: 운영 매니저, 연락처 cs-team@example.com, 02-555-0100)이 의견을 수렴합니다."},
		{"3.2-c", "기술적인 문의는 기술지원팀 엔지니어가 2차로 대응합니다."},
		{"3.2-d", "처리 절차: 접수 → 담당 배정 및 처리 → 결과 회신 → 종결"},
	},
}

func draftWithout(lines []taggedLine, skip string) (string, map[string]int) {
	var b strings.Builder
	at := map[string]int{}
	n := 0
	for _, l := range lines {
		if l.element != "" && l.element == skip {
			continue
		}
		n++
		b.WriteString(l.text + "\n")
		if l.element != "" {
			at[l.element] = n
		}
	}
	return b.String(), at
}

func TestReviewCompleteDrafts(t *testing.T) {
	c := mustLoad(t)
	for item, lines := range completeDrafts {
		t.Run(item, func(t *testing.T) {
			draft, at := draftWithout(lines, "")
			rep, err := c.Review(item, draft, ReviewOptions{})
			if err != nil {
				t.Fatalf("review: %v", err)
			}
			it, _ := c.Item(item)
			if len(rep.Elements) != len(it.Elements) {
				t.Fatalf("got %d elements; want %d", len(rep.Elements), len(it.Elements))
			}
			for _, e := range rep.Elements {
				if e.Status != StatusPresent {
					t.Errorf("%s: got %s (%q); want present", e.ID, e.Status, e.Note)
					continue
				}
				if e.Evidence == "" {
					t.Errorf("%s: present without evidence", e.ID)
				}
				if want := at[e.ID]; e.Line != want {
					t.Errorf("%s: evidence on line %d (%q); want line %d", e.ID, e.Line, e.Evidence, want)
				}
			}
			if rep.Summary.Present != len(it.Elements) {
				t.Errorf("summary %+v; want all %d present", rep.Summary, len(it.Elements))
			}
		})
	}
}

// TestReviewEachElementMissing removes one element's line at a time: that
// element must no longer be present, with a note saying what to add, and
// every other element must stay present.
func TestReviewEachElementMissing(t *testing.T) {
	c := mustLoad(t)
	for item, lines := range completeDrafts {
		for _, l := range lines {
			if l.element == "" {
				continue
			}
			t.Run(l.element, func(t *testing.T) {
				draft, _ := draftWithout(lines, l.element)
				rep, err := c.Review(item, draft, ReviewOptions{})
				if err != nil {
					t.Fatalf("review: %v", err)
				}
				for _, e := range rep.Elements {
					switch {
					case e.ID == l.element && e.Status == StatusPresent:
						t.Errorf("%s: got present (evidence %q); want partial or missing", e.ID, e.Evidence)
					case e.ID == l.element && e.Note == "":
						t.Errorf("%s: %s without a note saying what to add", e.ID, e.Status)
					case e.ID != l.element && e.Status != StatusPresent:
						t.Errorf("%s: got %s after removing %s; want present", e.ID, e.Status, l.element)
					}
				}
			})
		}
	}
}

func TestReviewRules(t *testing.T) {
	c := mustLoad(t)
	tests := []struct {
		name  string
		item  string
		draft string
		opts  ReviewOptions
		want  map[string]Status
		note  map[string]string // substring expected in the element's note
	}{
		{
			name: "cause analysed only in the internal procedure does not satisfy 1.2-c",
			item: "1.2",
			draft: "침해사고 발생 시 이용자에게 전자우편으로 통지하며, 통지에는 사고 내용과 담당부서 연락처를 포함한다.\n" +
				"제8조(침해사고 대응절차)\n응급조치 후 침해사고의 원인 분석 및 증거확보를 위해 로그를 수집한다.\n",
			want: map[string]Status{"1.2-a": StatusPresent, "1.2-b": StatusPresent, "1.2-c": StatusMissing, "1.2-f": StatusPresent, "1.2-g": StatusPresent},
			note: map[string]string{"1.2-c": "통지하는 내용으로 제시되지 않았습니다"},
		},
		{
			name:  "notification contents without any notification passage are missing",
			item:  "1.2",
			draft: "발생원인과 담당부서 연락처를 정리해 둔다.\n",
			want:  map[string]Status{"1.2-c": StatusMissing, "1.2-f": StatusMissing},
			note:  map[string]string{"1.2-c": "통지하는 내용"},
		},
		{
			name:  "drill without frequency is partial",
			item:  "1.2",
			draft: "침해사고 대응 모의훈련을 실시한다.\n",
			want:  map[string]Status{"1.2-i": StatusPartial},
		},
		{
			name:  "MD5 makes 1.3-d partial",
			item:  "1.3",
			draft: "비밀번호는 MD5 해시로 저장한다.\n",
			want:  map[string]Status{"1.3-b": StatusPresent, "1.3-d": StatusPartial},
			note:  map[string]string{"1.3-d": "MD5"},
		},
		{
			name:  "SHA-1 next to a strong algorithm is still partial",
			item:  "1.3",
			draft: "주민등록번호는 AES-256으로 암호화하고, 비밀번호는 SHA-1 해시로 저장한다.\n",
			want:  map[string]Status{"1.3-d": StatusPartial},
			note:  map[string]string{"1.3-d": "SHA-1"},
		},
		{
			name:  "DES spelled in lower case is weak",
			item:  "1.3",
			draft: "계좌번호는 des 알고리즘으로 암호화한다.\n",
			want:  map[string]Status{"1.3-d": StatusPartial},
		},
		{
			name:  "weak algorithms ruled out do not count",
			item:  "1.3",
			draft: "MD5, SHA-1 등 취약한 알고리즘은 사용하지 않는다. 비밀번호는 SHA-256으로 해시한다.\n",
			want:  map[string]Status{"1.3-d": StatusPresent},
		},
		{
			name:  "no algorithm named is missing",
			item:  "1.3",
			draft: "비밀번호는 단방향 암호화하여 저장한다.\n",
			want:  map[string]Status{"1.3-b": StatusPresent, "1.3-d": StatusMissing},
		},
		{
			name:  "design is not DES",
			item:  "1.3",
			draft: "Our system design uses AES-256 for stored data.\n",
			want:  map[string]Status{"1.3-d": StatusPresent},
		},
		{
			name: "no personal data makes a to d not applicable, e to g still apply",
			item: "1.3",
			draft: "당사 서비스는 개인정보를 처리하지 않으며, 암호화 대상 정보가 없습니다.\n" +
				"계약 종료 시 고객 데이터는 반환 후 지체 없이 파기한다.\n",
			want: map[string]Status{"1.3-a": StatusNotApplicable, "1.3-b": StatusNotApplicable, "1.3-c": StatusNotApplicable,
				"1.3-d": StatusNotApplicable, "1.3-e": StatusPresent, "1.3-f": StatusMissing, "1.3-g": StatusMissing},
		},
		{
			name:  "quoting the criteria's condition is not a declaration",
			item:  "1.3",
			draft: "개인정보를 처리하지 않는 경우에는 그 사실을 명시한다. 비밀번호는 SHA-256으로 해시한다.\n",
			want:  map[string]Status{"1.3-a": StatusMissing, "1.3-b": StatusPresent},
		},
		{
			name:  "password encrypted reversibly is partial for one-way",
			item:  "1.3",
			draft: "비밀번호는 AES로 암호화하여 저장한다.\n",
			want:  map[string]Status{"1.3-b": StatusPartial},
		},
		{
			name:  "an https URL is not transport encryption",
			item:  "1.3",
			draft: "자세한 내용은 https://example.com/privacy 를 참고하세요.\n",
			want:  map[string]Status{"1.3-c": StatusMissing},
		},
		{
			name:  "3.1-c does not apply to a cloud service",
			item:  "3.1",
			draft: "당사는 IaaS 클라우드컴퓨팅서비스를 제공합니다.\n조직도와 팀별 담당업무는 별첨과 같습니다.\n",
			want:  map[string]Status{"3.1-c": StatusNotApplicable},
			note:  map[string]string{"3.1-c": "IaaS"},
		},
		{
			name:  "3.1-c applies to a consulting service",
			item:  "3.1",
			draft: "서비스유형: 컨설팅\n컨설팅 인력은 클라우드 자격증을 보유하고 있습니다.\n",
			want:  map[string]Status{"3.1-c": StatusPresent},
			note:  map[string]string{"3.1-c": "지원서비스로 판단"},
		},
		{
			name:  "3.1-c with an unknown kind of service is assumed to apply",
			item:  "3.1",
			draft: "조직도와 팀별 담당업무는 별첨과 같습니다.\n",
			want:  map[string]Status{"3.1-c": StatusMissing},
			note:  map[string]string{"3.1-c": "가정"},
		},
		{
			name:  "the service option overrides the draft",
			item:  "3.1",
			draft: "당사는 IaaS 클라우드컴퓨팅서비스를 제공합니다.\n",
			opts:  ReviewOptions{Service: KindSupport},
			want:  map[string]Status{"3.1-c": StatusMissing},
		},
		{
			name:  "one channel is enough for 3.2-a",
			item:  "3.2",
			draft: "고객 의견은 전용 이메일 문의로 받습니다.\n",
			want:  map[string]Status{"3.2-a": StatusPresent},
		},
		{
			name:  "실시 is not an organisation, 보안팀이 is",
			item:  "3.2",
			draft: "교육을 실시하며 담당자(운영 매니저)에게 02-555-0100으로 연락한다.\n",
			want:  map[string]Status{"3.2-b": StatusPartial},
		},
		{
			name:  "an organisation followed by a particle",
			item:  "3.2",
			draft: "보안팀이 의견을 받으며 담당자는 운영 매니저, 연락처는 02-555-0100이다.\n",
			want:  map[string]Status{"3.2-b": StatusPresent},
		},
		{
			name:  "organisation without person or contact is partial",
			item:  "3.2",
			draft: "고객지원팀이 고객 의견을 수렴합니다.\n",
			want:  map[string]Status{"3.2-b": StatusPartial},
		},
	}
	for _, tt := range tests {
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
			for id, sub := range tt.note {
				got, _ := rep.Element(id)
				if !strings.Contains(got.Note, sub) {
					t.Errorf("%s: note %q; want it to mention %q", id, got.Note, sub)
				}
			}
		})
	}
}

// TestReviewNormalisation: the same draft pasted from macOS (NFD), with
// different spacing or through Slack's HTML escaping gives the same review.
func TestReviewNormalisation(t *testing.T) {
	c := mustLoad(t)
	draft, _ := draftWithout(completeDrafts["1.2"], "1.2-i")
	base, err := c.Review("1.2", draft, ReviewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	variants := map[string]string{
		"NFD":          norm.NFD.String(draft),
		"CRLF":         strings.ReplaceAll(draft, "\n", "\r\n"),
		"slack escape": strings.ReplaceAll(strings.ReplaceAll(draft, "(", "&lt;"), ")", "&gt;"),
	}
	for name, v := range variants {
		t.Run(name, func(t *testing.T) {
			got, err := c.Review("1.2", v, ReviewOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for i, e := range got.Elements {
				if e.Status != base.Elements[i].Status || e.Line != base.Elements[i].Line {
					t.Errorf("%s: got %s line %d; want %s line %d", e.ID, e.Status, e.Line, base.Elements[i].Status, base.Elements[i].Line)
				}
			}
		})
	}
	t.Run("spacing", func(t *testing.T) {
		got, _ := c.Review("1.2", "침해사고 시 이용자에게 통지한다. 담당부서및연락처: 보안팀 02-555-0100\n", ReviewOptions{})
		spaced, _ := c.Review("1.2", "침해사고 시 이용자에게 통지한다. 담당 부서 및 연락처: 보안팀 02-555-0100\n", ReviewOptions{})
		g, _ := got.Element("1.2-f")
		s, _ := spaced.Element("1.2-f")
		if g.Status != StatusPresent || s.Status != StatusPresent {
			t.Errorf("1.2-f: got %s and %s; want present for both spacings", g.Status, s.Status)
		}
	})
}

func TestReviewInputErrors(t *testing.T) {
	c := mustLoad(t)
	tests := []struct {
		name, item, draft string
		wantDraftErr      bool
		wantUnknown       bool
	}{
		{"empty", "1.2", "", true, false},
		{"blank", "1.2", " \n\t ", true, false},
		{"too large", "1.2", strings.Repeat("가", MaxDraftBytes/3+10), true, false},
		{"not utf-8", "1.2", "\xff\xfe\x00", true, false},
		{"unknown item", "1.4", "초안", false, true},
		{"section 2", "2.1", "초안", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Review(tt.item, tt.draft, ReviewOptions{})
			var de *usererr.Error
			var ue *UnknownItemError
			switch {
			case tt.wantDraftErr && !asError(err, &de):
				t.Errorf("got %v; want a draft error (usererr)", err)
			case tt.wantUnknown && !asError(err, &ue):
				t.Errorf("got %v; want an UnknownItemError", err)
			case tt.wantUnknown && len(ue.Known) != 4:
				t.Errorf("known items %v; want the 4 items", ue.Known)
			}
		})
	}
}

// TestReviewPastedForm: a whole form with several items is reviewed only
// in the requested item's section, and the form's own criteria do not
// count as evidence.
func TestReviewPastedForm(t *testing.T) {
	c := mustLoad(t)
	form := "검토 항목\t1.2 침해사고 대응 절차 및 사후관리 대책\n" +
		"검토 기준\t- 침해사고 원인분석 및 대응절차, 재발 및 확산방지 대책, 주기적인 훈련 및 점검실시 계획 등을 포함하여 필수 제시\n" +
		"증빙 내용\t침해사고 시 이용자에게 이메일로 통지한다.\n" +
		"검토 항목\t3.2 고객대응 관리체계\n" +
		"증빙 내용\t재발 방지 대책과 연 1회 모의훈련을 실시한다.\n"
	rep, err := c.Review("1.2", form, ReviewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]Status{"1.2-a": StatusPresent, "1.2-h": StatusMissing, "1.2-i": StatusMissing, "1.2-g": StatusMissing} {
		if got, _ := rep.Element(id); got.Status != want {
			t.Errorf("%s: got %s (evidence %q); want %s", id, got.Status, got.Evidence, want)
		}
	}
	if !strings.Contains(strings.Join(rep.Notices, " "), "1.2 부분") {
		t.Errorf("notices %q; want one saying only the 1.2 section was reviewed", rep.Notices)
	}
}

// TestReviewParaphrases: drafts in other words than the data's, and in
// English, are read as well as the canonical wording.
func TestReviewParaphrases(t *testing.T) {
	c := mustLoad(t)
	tests := []struct {
		name, item, draft string
		want              map[string]Status
	}{
		{"1.2 in everyday words", "1.2",
			"보안 사고 발생 시 고객 안내\n고객에게는 메일과 SMS로 알리며, 사고 경위, 원인, 당사의 조치 사항, 고객 대응 요령, 문의처(보안팀 02-555-0101)를 안내한다.\n\n사고 처리 절차\n" +
				"사고를 인지하면 CERT가 긴급 조치를 하고 근본 원인을 파악한다. 이후 동일 사고가 다시 일어나지 않도록 개선 조치를 하고 반기마다 모의 해킹 훈련을 한다.\n",
			map[string]Status{"1.2-a": StatusPresent, "1.2-b": StatusPresent, "1.2-c": StatusPresent, "1.2-d": StatusPresent,
				"1.2-e": StatusPresent, "1.2-f": StatusPresent, "1.2-g": StatusPresent, "1.2-h": StatusPresent, "1.2-i": StatusPresent}},
		{"1.3 in English", "1.3",
			"Privacy policy\nWe encrypt passwords with bcrypt and resident registration numbers with AES-256.\nAll traffic uses HTTPS (TLS 1.3).\n" +
				"Customer data is deleted within 30 days after contract termination and returned on request.\nNo data is transferred abroad; all data is stored in the Seoul region in Korea.\n",
			map[string]Status{"1.3-a": StatusPresent, "1.3-b": StatusPresent, "1.3-c": StatusPresent, "1.3-d": StatusPresent,
				"1.3-e": StatusPresent, "1.3-f": StatusPresent, "1.3-g": StatusPresent}},
		{"1.3 English with a weak hash", "1.3", "Passwords are hashed with SHA1.\n",
			map[string]Status{"1.3-b": StatusPresent, "1.3-d": StatusPartial}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := c.Review(tt.item, tt.draft, ReviewOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for id, want := range tt.want {
				if got, _ := rep.Element(id); got.Status != want {
					t.Errorf("%s: got %s (evidence %q); want %s", id, got.Status, got.Evidence, want)
				}
			}
		})
	}
}
