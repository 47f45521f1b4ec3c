package knowledge

import (
	"slices"
	"strings"
	"testing"
)

// TestNumberedHeadings: a line that starts with an item number and reads
// as a heading starts that item's section whatever its title, in the
// ways forms number their items; a policy's own numbered clauses do not.
func TestNumberedHeadings(t *testing.T) {
	c := mustLoad(t)
	body12 := "사고가 나면 보안 담당자가 원인을 분석하고 재발 방지 대책을 세운다.\n"
	body13 := "회원 비밀번호는 단방향 해시로 보관한다.\n"
	body31 := "운영 조직은 개발팀 4명과 지원팀 2명으로 이루어져 있다.\n"
	tests := []struct {
		name                     string
		draft                    string
		found, notFound, unknown []string
	}{
		{"plain number, bilingual title",
			"1.2 침해사고 대응\n" + body12 + "1.3 Data management (개인정보·데이터 관리정책)\n" + body13,
			[]string{"1.2", "1.3"}, []string{"3.1", "3.2"}, []string{}},
		{"number with a dot",
			"1.2. 침해사고 대응 절차\n" + body12 + "1.3. 개인정보 보호\n" + body13,
			[]string{"1.2", "1.3"}, []string{"3.1", "3.2"}, []string{}},
		{"section numeral before the number",
			"Ⅰ-1.2 침해사고 대응\n" + body12 + "Ⅰ-1.3 개인정보 관리\n" + body13,
			[]string{"1.2", "1.3"}, []string{"3.1", "3.2"}, []string{}},
		{"number in brackets",
			"[1.2] 침해사고 대응\n" + body12 + "[1.3] 데이터 관리\n" + body13,
			[]string{"1.2", "1.3"}, []string{"3.1", "3.2"}, []string{}},
		{"table rows with the form's label",
			"검토 항목 | 1.2 | 사고 대응\n" + body12 + "검토 항목\t1.3\t자료 보호\n" + body13,
			[]string{"1.2", "1.3"}, []string{"3.1", "3.2"}, []string{}},
		{"a shortened title",
			"검토 항목 1.2 침해사고 대응 절차\n" + body12 + "3.1 조직·인력 구성 현황\n" + body31,
			[]string{"1.2", "3.1"}, []string{"1.3", "3.2"}, []string{}},
		{"an English title",
			"1.2 Incident response\n" + body12 + "3.1 Organisation and staffing\n" + body31,
			[]string{"1.2", "3.1"}, []string{"1.3", "3.2"}, []string{}},
		{"an item without guidance ends the section before it",
			"1.3 개인정보·데이터 관리정책\n" + body13 + "1.4 보안 취약점 관리\n분기마다 취약점 점검을 한다.\n3.1 조직 및 인력\n" + body31,
			[]string{"1.3", "3.1"}, []string{"1.2", "3.2"}, []string{"1.4"}},
		{"a policy's clauses after a later item has begun",
			"검토 항목 3.1 조직·인력 구성 현황 및 이용자 지원 체계\n" + body31 + "1.2 목적\n이 규정은 운영 조직을 정한다.\n2.3 정의\n용어를 정한다.\n",
			[]string{"3.1"}, []string{"1.2", "1.3", "3.2"}, []string{}},
		{"a policy's own numbering inside an item's section",
			"검토 항목 1.3 개인정보·데이터 관리정책\n1.1 목적\n이 지침은 개인정보 보호를 위해 만든다.\n1.4 개인정보 책임자\n책임자는 정보보호팀장이다.\n",
			[]string{"1.3"}, []string{"1.2", "3.1", "3.2"}, []string{}},
		{"an item's own lower levels do not stop the next heading",
			"검토 항목 1.2 침해사고 대응 절차 및 사후관리 대책\n1.2.1 접수\n" + body12 + "1.3 개인정보 관리\n" + body13,
			[]string{"1.2", "1.3"}, []string{"3.1", "3.2"}, []string{}},
		{"another number's lower levels are the policy's",
			"검토 항목 1.2 침해사고 대응 절차 및 사후관리 대책\n2.1.1 목적\n" + body12 + "2.2 대응 조직\n담당자를 둔다.\n",
			[]string{"1.2"}, []string{"1.3", "3.1", "3.2"}, []string{}},
		{"numbers the checklist does not have",
			"검토 항목 1.2 침해사고 대응 절차 및 사후관리 대책\n" + body12 + "4.1 보고 체계\n팀장에게 보고한다.\n3.2 고객 지원\n전화로 받는다.\n",
			[]string{"1.2"}, []string{"1.3", "3.1", "3.2"}, []string{}},
		{"a policy alone is not a form",
			"1.1 목적\n이 규정은 사고 대응을 정한다.\n1.2 적용 범위\n모든 시스템에 적용한다.\n1.3 정의\n용어를 정한다.\n",
			[]string{}, []string{"1.2", "1.3", "3.1", "3.2"}, []string{}},
		{"sentences that start with a number are not headings",
			"1.2 침해사고 대응\n" + body12 + "1.3 항목의 자료는 별도로 제출한다.\n3.1 조직은 다음과 같다.\n",
			[]string{"1.2"}, []string{"1.3", "3.1", "3.2"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := c.FindSections(tt.draft)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(fs.Found, tt.found) || !slices.Equal(fs.NotFound, tt.notFound) || !slices.Equal(fs.Unknown, tt.unknown) {
				t.Errorf("got found %v, not found %v, unknown %v; want %v, %v, %v", fs.Found, fs.NotFound, fs.Unknown, tt.found, tt.notFound, tt.unknown)
			}
			// Each found item's review reads its section only: the
			// review agrees with the sections found.
			for _, id := range fs.Found {
				rep, err := c.Review(id, tt.draft, ReviewOptions{})
				if err != nil {
					t.Fatalf("review %s: %v", id, err)
				}
				if len(fs.Found)+len(fs.Unknown) > 1 && !strings.Contains(strings.Join(rep.Notices, " "), id+" 부분(") {
					t.Errorf("review %s: notices %q; want one saying only its section was reviewed", id, rep.Notices)
				}
			}
		})
	}
}

// TestGuessedHeadingNotice: a section bounded by a line read as a heading
// from its number alone says which line was read as which item; one
// bounded by the form's own headings says nothing of the kind.
func TestGuessedHeadingNotice(t *testing.T) {
	c := mustLoad(t)
	guessed := "검토 항목 1.3 개인정보·데이터 관리정책\n회원 비밀번호는 단방향 해시로 보관한다.\n1.4 보안 취약점 관리\n모든 데이터는 국내 리전에만 둔다.\n"
	rep, err := c.Review("1.3", guessed, ReviewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	notices := strings.Join(rep.Notices, " ")
	if !strings.Contains(notices, "3행 '1.4 보안 취약점 관리' → 1.4") || !strings.Contains(notices, "1.3 부분(1~2행)") {
		t.Errorf("notices %q; want lines 1-2 reviewed and line 3 named as read as 1.4", rep.Notices)
	}
	if g, _ := rep.Element("1.3-g"); g.Status == StatusPresent {
		t.Errorf("1.3-g present from line %d: the only evidence is under 1.4", g.Line)
	}
	labelled := strings.Replace(guessed, "1.4 보안", "검토 항목 1.4 보안", 1)
	rep, err = c.Review("1.3", labelled, ReviewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if notices := strings.Join(rep.Notices, " "); strings.Contains(notices, "번호만 보고") {
		t.Errorf("notices %q; want no guess notice for the form's own headings", rep.Notices)
	}
}
