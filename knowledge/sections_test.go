package knowledge

import (
	"slices"
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/usererr"
)

func TestFindSections(t *testing.T) {
	c := mustLoad(t)
	tests := []struct {
		name                     string
		draft                    string
		found, notFound, unknown []string
	}{
		{"form headings",
			"검토 항목\t1.2 침해사고 대응 절차 및 사후관리 대책\n내용\n검토 항목\t3.2 고객대응 관리체계\n내용\n",
			[]string{"1.2", "3.2"}, []string{"1.3", "3.1"}, []string{}},
		{"number and title, spacing variants",
			"1.3 개인정보·데이터 관리 정책\n내용\n3.1 조직·인력 구성 현황 및 이용자 지원체계\n",
			[]string{"1.3", "3.1"}, []string{"1.2", "3.2"}, []string{}},
		{"items the checklist only numbers",
			"검토 항목 1.1 보안 정책\n검토항목 1.4 가용성\n검토 항목 2.1 기술성\n검토 항목 1.4 (계속)\n검토 항목 3.2 고객대응 관리체계\n",
			[]string{"3.2"}, []string{"1.2", "1.3", "3.1"}, []string{"1.1", "1.4", "2.1"}},
		{"a single item's draft has no headings",
			"고객센터 대표전화로 문의를 받습니다.\n",
			[]string{}, []string{"1.2", "1.3", "3.1", "3.2"}, []string{}},
		{"numbers that are not headings",
			"TLS 1.2 이상을 적용한다. 보안인증서를 제출하면 1.2~1.5 검토항목은 제외된다.\n",
			[]string{}, []string{"1.2", "1.3", "3.1", "3.2"}, []string{}},
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
		})
	}
	if _, err := c.FindSections("  \n"); !asError(err, new(*usererr.Error)) {
		t.Errorf("empty draft: got %v; want a draft error (usererr)", err)
	}
}

// TestReviewStopsAtUnknownItem: the section of an item ends at the
// heading of an item the checklist only numbers, so that what the
// applicant wrote for 1.4 is not taken as evidence for 1.3.
func TestReviewStopsAtUnknownItem(t *testing.T) {
	c := mustLoad(t)
	form := "검토 항목\t1.3 개인정보·데이터 관리정책\n" +
		"비밀번호는 일방향 암호화하여 저장한다.\n" +
		"검토 항목\t1.4 서비스 가용성\n" +
		"모든 데이터는 국내 데이터센터(서울 리전)에서만 처리·저장한다.\n"
	rep, err := c.Review("1.3", form, ReviewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if g, _ := rep.Element("1.3-g"); g.Status != StatusMissing {
		t.Errorf("1.3-g: got %s from line %d (%q); want missing: the only evidence is in 1.4", g.Status, g.Line, g.Evidence)
	}
	if b, _ := rep.Element("1.3-b"); b.Status != StatusPresent {
		t.Errorf("1.3-b: got %s; want present", b.Status)
	}
	if !strings.Contains(strings.Join(rep.Notices, " "), "1.3 부분(1~2행)") {
		t.Errorf("notices %q; want one saying lines 1-2 were reviewed", rep.Notices)
	}
}

// TestReviewItemMissingFromForm: a whole form whose headings name other
// items but not the one asked for is a clear error, never a review of the
// other items' text.
func TestReviewItemMissingFromForm(t *testing.T) {
	c := mustLoad(t)
	form := "검토 항목 1.2 침해사고 대응\n이용자에게 전자우편으로 알립니다.\n검토 항목 1.3 개인정보\n비밀번호는 SHA-256으로 해시합니다.\n"
	_, err := c.Review("3.1", form, ReviewOptions{})
	var de *usererr.Error
	if !asError(err, &de) || !strings.Contains(de.Korean, "1.2, 1.3") {
		t.Fatalf("Review 3.1 of a form without 3.1: got %v; want a draft error (usererr) naming the items it has", err)
	}
	if _, err := c.Review("1.3", form, ReviewOptions{}); err != nil {
		t.Errorf("Review 1.3 of the same form: %v", err)
	}
	// A draft without the form's headings is reviewed as a whole.
	if _, err := c.Review("3.1", "조직도와 담당 인력을 첨부합니다.", ReviewOptions{}); err != nil {
		t.Errorf("Review of a plain draft: %v", err)
	}
}
