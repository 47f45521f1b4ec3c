package extract_test

import (
	"context"
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/extract"
	"github.com/selfcheck/selfcheck/extract/extracttest"
)

// TestDOCXLists: list paragraphs carry their numbers and bullets as Word
// shows them (decimal, 가나다, ㄱㄴㄷ, circled, roman, letters, bullets;
// levels; a list that restarts; a heading numbered by its style);
// footnotes and endnotes follow their paragraph; comments stay out.
func TestDOCXLists(t *testing.T) {
	lv := func(format, text string) extracttest.DOCXLevel {
		return extracttest.DOCXLevel{Format: format, Text: text}
	}
	lists := []extracttest.DOCXList{
		{ID: "0", Levels: []extracttest.DOCXLevel{lv("decimal", "%1."), lv("ganada", "%2."), lv("chosung", "%3)"), lv("decimalEnclosedCircle", "%4")}},
		{ID: "1", Levels: []extracttest.DOCXLevel{lv("bullet", "\uF0B7"), lv("bullet", "-")}},
		{ID: "2", Levels: []extracttest.DOCXLevel{lv("upperRoman", "%1."), lv("lowerLetter", "(%2)")}},
		{ID: "3", Levels: []extracttest.DOCXLevel{lv("decimal", "%1."), lv("decimal", "%1.%2.")}},
		{ID: "4", Levels: []extracttest.DOCXLevel{{Format: "decimal", Text: "제%1조", Start: 1}}},
	}
	nums := []extracttest.DOCXNum{
		{ID: "1", List: "0"},
		{ID: "2", List: "1"},
		{ID: "3", List: "2"},
		{ID: "4", List: "0", Restart: map[int]int{0: 1}}, // the same list, numbered anew
		{ID: "5", List: "3"},
		{ID: "6", List: "4"},
	}
	p := func(text, num string, level int) extracttest.DOCXListPara {
		return extracttest.DOCXListPara{Text: text, NumID: num, Level: level}
	}
	paras := []extracttest.DOCXListPara{
		{Text: "침해사고 대응 절차", Style: "Heading1"},
		p("사고를 인지하면 보안담당자에게 보고합니다.", "1", 0),
		p("영향 범위를 확인합니다.", "1", 1),
		p("로그를 보존합니다.", "1", 1),
		p("접근 기록", "1", 2),
		p("변경 기록", "1", 2),
		p("웹 서버", "1", 3),
		p("DB 서버", "1", 3),
		p("이용자에게 통지합니다.", "1", 0),
		{Text: "통지는 72시간 안에 합니다.", NumID: "1", Level: 1, Footnote: "개인정보 유출 시 지체 없이 통지합니다."},
		p("통지 수단", "2", 0),
		p("이메일", "2", 1),
		p("공지사항", "2", 1),
		p("사후 관리", "3", 0),
		p("원인 분석", "3", 1),
		p("재발 방지 대책", "3", 1),
		{Text: "교육과 훈련", NumID: "3", Level: 0, Endnote: "연 2회 모의 훈련을 합니다.", Comment: "검토자 메모: 일정 확인 필요"},
		{Text: "고객 대응 절차", Style: "Heading1"},
		p("문의를 접수합니다.", "4", 0),
		p("담당자를 배정합니다.", "4", 0),
		p("처리 결과를 회신합니다.", "4", 1),
		p("보관 기간", "5", 0),
		p("접속 기록은 1년간 보관합니다.", "5", 1),
		p("백업은 30일간 보관합니다.", "5", 1),
		p("목적", "6", 0),
		p("정의", "6", 0),
		p("번호 없는 문단입니다.", "", 0),
	}
	want := `1. 침해사고 대응 절차
1. 사고를 인지하면 보안담당자에게 보고합니다.
가. 영향 범위를 확인합니다.
나. 로그를 보존합니다.
ㄱ) 접근 기록
ㄴ) 변경 기록
① 웹 서버
② DB 서버
2. 이용자에게 통지합니다.
가. 통지는 72시간 안에 합니다.
[각주 1] 개인정보 유출 시 지체 없이 통지합니다.
• 통지 수단
- 이메일
- 공지사항
I. 사후 관리
(a) 원인 분석
(b) 재발 방지 대책
II. 교육과 훈련
[미주 1] 연 2회 모의 훈련을 합니다.
2. 고객 대응 절차
1. 문의를 접수합니다.
2. 담당자를 배정합니다.
가. 처리 결과를 회신합니다.
1. 보관 기간
1.1. 접속 기록은 1년간 보관합니다.
1.2. 백업은 30일간 보관합니다.
제1조 목적
제2조 정의
번호 없는 문단입니다.
`
	// The heading style numbers its paragraphs with a list of its own.
	lists = append(lists, extracttest.DOCXList{ID: "5", Levels: []extracttest.DOCXLevel{lv("decimal", "%1.")}})
	nums = append(nums, extracttest.DOCXNum{ID: "7", List: "5"})
	data := extracttest.ListDOCX(lists, nums, "7", paras)
	doc, err := extract.Bytes(context.Background(), data, extract.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Text != want {
		n, got, w := firstDiff(doc.Text, want)
		t.Errorf("line %d is %q; want %q\n--- got\n%s", n, got, w, doc.Text)
	}
	if strings.Contains(doc.Text, "검토자 메모") {
		t.Error("a comment was read as body text")
	}
}

// TestHWPXParagraphHeads: 한글's paragraph heads (numbers by level from a
// numbering, bullets, the outline's numbers) are written as 한글 shows
// them.
func TestHWPXParagraphHeads(t *testing.T) {
	refList := `<hh:numberings itemCnt="2">` +
		`<hh:numbering id="1" start="0"><hh:paraHead start="1" level="1" numFormat="DIGIT">^1.</hh:paraHead><hh:paraHead start="1" level="2" numFormat="HANGUL_SYLLABLE">^2.</hh:paraHead><hh:paraHead start="1" level="3" numFormat="DIGIT">^3)</hh:paraHead></hh:numbering>` +
		`<hh:numbering id="2" start="0"><hh:paraHead start="1" level="1" numFormat="CIRCLED_DIGIT">^1</hh:paraHead><hh:paraHead start="1" level="2" numFormat="HANGUL_JAMO">^2.</hh:paraHead></hh:numbering>` +
		`</hh:numberings><hh:bullets itemCnt="1"><hh:bullet id="1" char="■" useImage="0"><hh:paraHead level="0" numFormat="DIGIT"/></hh:bullet></hh:bullets>` +
		`<hh:paraProperties itemCnt="7"><hh:paraPr id="0"><hh:heading type="NONE" idRef="0" level="0"/></hh:paraPr>` +
		`<hh:paraPr id="1"><hh:heading type="OUTLINE" idRef="0" level="0"/></hh:paraPr>` +
		`<hh:paraPr id="2"><hh:heading type="OUTLINE" idRef="0" level="1"/></hh:paraPr>` +
		`<hh:paraPr id="3"><hh:heading type="NUMBER" idRef="2" level="0"/></hh:paraPr>` +
		`<hh:paraPr id="4"><hh:heading type="NUMBER" idRef="2" level="1"/></hh:paraPr>` +
		`<hh:paraPr id="5"><hh:heading type="BULLET" idRef="1" level="0"/></hh:paraPr>` +
		`<hh:paraPr id="6"><hh:heading type="OUTLINE" idRef="0" level="2"/></hh:paraPr></hh:paraProperties>`
	b := func(text, pp string) extracttest.Block { return extracttest.Block{Text: text, ParaPr: pp} }
	blocks := []extracttest.Block{
		b("개인정보 관리 정책", "0"),
		b("수집 항목", "1"),
		b("필수 항목", "2"),
		b("이름과 연락처", "6"),
		b("이메일", "6"),
		b("선택 항목", "2"),
		b("보관과 파기", "1"),
		b("보관 기간은 1년입니다.", "3"),
		b("파기 절차", "3"),
		b("분리 보관", "4"),
		b("완전 삭제", "4"),
		b("암호화 대상", "5"),
		b("비밀번호", "5"),
		{Rows: [][]string{{"구분", "내용"}, {"접속 기록", "1년 보관"}}},
		b("안전성 확보", "1"),
	}
	want := `개인정보 관리 정책
1. 수집 항목
가. 필수 항목
1) 이름과 연락처
2) 이메일
나. 선택 항목
2. 보관과 파기
① 보관 기간은 1년입니다.
② 파기 절차
ㄱ. 분리 보관
ㄴ. 완전 삭제
■ 암호화 대상
■ 비밀번호
구분	내용
접속 기록	1년 보관
3. 안전성 확보
`
	doc, err := extract.Bytes(context.Background(), extracttest.HWPXWithHeader(refList, blocks), extract.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Text != want {
		n, got, w := firstDiff(doc.Text, want)
		t.Errorf("line %d is %q; want %q\n--- got\n%s", n, got, w, doc.Text)
	}
}

// TestHWPParagraphHeads: an HWP 5.0 file's paragraph heads (DocInfo's
// paragraph shapes, numberings and bullets) are written as 한글 shows
// them; tables stay rows of cells.
func TestHWPParagraphHeads(t *testing.T) {
	opt := extracttest.HWPOptions{
		Numberings: []extracttest.HWPNumbering{
			{Shapes: []int{0, 8, 0}, Formats: []string{"^1.", "^2.", "^3)"}},
			{Shapes: []int{1, 10}, Formats: []string{"^1", "^2."}},
		},
		Bullets: []rune{'■'},
		ParaShapes: []extracttest.HWPParaShape{
			{}, // 0: no head
			{Kind: 1, Level: 0},
			{Kind: 1, Level: 1},
			{Kind: 2, Ref: 2, Level: 0},
			{Kind: 2, Ref: 2, Level: 1},
			{Kind: 3, Ref: 1},
			{Kind: 1, Level: 2},
		},
	}
	b := func(text, pp string) extracttest.Block { return extracttest.Block{Text: text, ParaPr: pp} }
	blocks := []extracttest.Block{
		b("개인정보 관리 정책", "0"),
		b("수집 항목", "1"),
		b("필수 항목", "2"),
		b("이름과 연락처", "6"),
		b("선택 항목", "2"),
		b("보관과 파기", "1"),
		b("보관 기간은 1년입니다.", "3"),
		b("파기 절차", "3"),
		b("분리 보관", "4"),
		b("완전 삭제", "4"),
		b("비밀번호", "5"),
		{Rows: [][]string{{"구분", "내용"}, {"접속 기록", "1년 보관"}}},
		b("안전성 확보", "1"),
	}
	want := `개인정보 관리 정책
1. 수집 항목
가. 필수 항목
1) 이름과 연락처
나. 선택 항목
2. 보관과 파기
① 보관 기간은 1년입니다.
② 파기 절차
ㄱ. 분리 보관
ㄴ. 완전 삭제
■ 비밀번호
구분	내용
접속 기록	1년 보관
3. 안전성 확보
`
	for _, compressed := range []bool{true, false} {
		o := opt
		o.Uncompressed = !compressed
		doc, err := extract.Bytes(context.Background(), extracttest.HWP(o, blocks), extract.Config{})
		if err != nil {
			t.Fatal(err)
		}
		if doc.Text != want {
			n, got, w := firstDiff(doc.Text, want)
			t.Errorf("compressed %v: line %d is %q; want %q\n--- got\n%s", compressed, n, got, w, doc.Text)
		}
	}
}
