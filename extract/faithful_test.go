package extract_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/extract"
	"github.com/selfcheck/selfcheck/extract/extracttest"
)

// faithfulPage is one page of everything that makes PDF text hard to
// read back: a numbered procedure, a ruled table with a merged header,
// multi-line and empty cells drawn column by column, words placed one by
// one, two columns of running text, and footnotes drawn first.
func faithfulPage(n int) []extracttest.PDFBlock {
	c := func(s string) extracttest.PDFCell { return extracttest.PDFCell{Text: s} }
	return []extracttest.PDFBlock{
		{Text: fmt.Sprintf("검토 항목 1.2 침해사고 대응 절차 (%d쪽)", n)},
		{Text: "1. 침해사고를 인지하면 보안담당자가 즉시 대응팀을 소집합니다."},
		{Text: "2. 영향 범위를 확인하고 로그를 보존합니다.", WordsPlaced: true},
		{Text: "가. 이용자 통지는 72시간 이내에 이메일과 공지사항으로 합니다."},
		{Rows: [][]extracttest.PDFCell{
			{{Text: "비상연락망", Span: 3}},
			{c("구분"), c("담당부서"), c("연락처")},
			{c("총괄"), c("정보보호팀"), c("02-1234-5678")},
			{c("기술 대응"), c("인프라운영팀\n(야간 당직 포함)"), c("security@example.com")},
			{c("대외 협력"), c(""), c("02-1234-9999")},
		}},
		{Text: "조치 결과는 내부 보고서로 남기고 재발 방지 대책을 세웁니다.", WordsPlaced: true},
		{Left: "사후관리 단계에서는 원인 분석 결과를 바탕으로 취약점을 보완하고 담당자 교육을 실시하며 모의 훈련을 연 2회 이상 진행하여 대응 절차가 실제로 작동하는지 점검합니다.",
			Right: "Customer notices state what happened, which data was affected, what we have done, what users should do and whom to contact for help, in plain words and within 72 hours."},
		{Text: "3. 종결 후 이용자에게 결과를 회신합니다."},
		{Footnote: "1) 개인정보보호법 제34조에 따른 통지 기준을 따릅니다."},
		{Footnote: "2) 연락처는 분기마다 갱신합니다."},
	}
}

// TestPDFFaithful: the text read from a laid-out PDF is, word for word and
// line for line, what a reader reads on the page: reading order by
// position, a tab between the cells of a row, the left column first.
func TestPDFFaithful(t *testing.T) {
	data, truth := extracttest.LaidOutPDF(faithfulPage(1), faithfulPage(2))
	doc, err := extract.Bytes(context.Background(), data, extract.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Fields(doc.Text), strings.Fields(truth); !slices.Equal(got, want) {
		i := 0
		for i < min(len(got), len(want)) && got[i] == want[i] {
			i++
		}
		t.Errorf("words differ at word %d: got %q; want %q\n--- got\n%s", i, got[i:min(i+5, len(got))], want[i:min(i+5, len(want))], doc.Text)
	}
	for _, row := range []string{"구분\t담당부서\t연락처", "총괄\t정보보호팀\t02-1234-5678", "기술 대응\t인프라운영팀\tsecurity@example.com", "대외 협력\t02-1234-9999"} {
		if !slices.Contains(strings.Split(doc.Text, "\n"), row) {
			t.Errorf("no line %q (a table row, cells apart by tabs) in\n%s", row, doc.Text)
		}
	}
}

// gluedWords counts the words of got that are no word of the truth but
// run two or more of its words together, and the truth's words.
func gluedWords(got, truth string) (glued, words int) {
	known := map[string]bool{}
	for _, w := range strings.Fields(truth) {
		known[w] = true
		words++
	}
	for _, w := range strings.Fields(got) {
		if !known[w] && splitsInto(w, known, 0) {
			glued++
		}
	}
	return glued, words
}

// splitsInto reports whether w is two or more words of known run
// together.
func splitsInto(w string, known map[string]bool, depth int) bool {
	if depth > 0 && known[w] {
		return true
	}
	for i := 1; i < len(w) && depth < 8; i++ {
		if known[w[:i]] && splitsInto(w[i:], known, depth+1) {
			return true
		}
	}
	return false
}

func nonSpace(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// fiftyPagePDF is 50 pages of the form's text with its tables ruled, as a
// word processor exports it.
func fiftyPagePDF() ([]byte, string) {
	var pages [][]extracttest.PDFBlock
	var page []extracttest.PDFBlock
	blocks := extracttest.Blocks(extracttest.Form)
	for len(pages) < 50 {
		for _, b := range blocks {
			if b.Rows != nil {
				var rows [][]extracttest.PDFCell
				for _, r := range b.Rows {
					var cells []extracttest.PDFCell
					for _, c := range r {
						cells = append(cells, extracttest.PDFCell{Text: c})
					}
					rows = append(rows, cells)
				}
				page = append(page, extracttest.PDFBlock{Rows: rows})
			} else if b.Text != "" {
				for _, l := range extracttest.Wrap(b.Text, 500) {
					page = append(page, extracttest.PDFBlock{Text: l})
				}
			}
			if len(page) >= 40 {
				pages = append(pages, page)
				page = nil
			}
		}
	}
	return extracttest.LaidOutPDF(pages[:50]...)
}

// TestPDF50PagesWithTables: on 50 pages with tables, at most 0.5 % of the
// words come out glued to a neighbour (a cell run into the next), and
// every non-space character is the ground truth's, in order.
func TestPDF50PagesWithTables(t *testing.T) {
	data, truth := fiftyPagePDF()
	doc, err := extract.Bytes(context.Background(), data, extract.Config{})
	if err != nil {
		t.Fatal(err)
	}
	glued, words := gluedWords(doc.Text, truth)
	t.Logf("%d pages, %d words, %d glued (%.2f %%)", doc.Pages, words, glued, 100*float64(glued)/float64(words))
	if glued*200 > words {
		t.Errorf("%d of %d words glued; want at most 0.5 %%", glued, words)
	}
	if nonSpace(doc.Text) != nonSpace(truth) {
		n, g, w := firstDiff(doc.Text, truth)
		t.Errorf("the characters differ from the ground truth; line %d: got %q, want %q", n, g, w)
	}
}
