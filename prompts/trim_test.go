package prompts

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTrimDraft(t *testing.T) {
	filler := strings.Repeat("회사 소개와 연혁을 설명하는 일반 문장입니다. ", 3)
	paras := func(n int, set map[int]string) string {
		var ps []string
		for i := range n {
			if s, ok := set[i]; ok {
				ps = append(ps, s)
			} else {
				ps = append(ps, filler)
			}
		}
		return strings.Join(ps, "\n\n")
	}
	terms := []string{"통지 시기", "유출 사실을 안 때부터 72시간 이내 통지", "담당부서", "유출 대응 담당부서와 연락처"}
	tests := []struct {
		name        string
		draft       string
		budget      int
		wantTrimmed bool
		wantIn      []string // in this order
		wantOut     []string
	}{
		{"short draft untouched", "담당부서는 정보보호팀이다.", 100, false, []string{"담당부서는 정보보호팀이다."}, nil},
		{"zero budget untouched", paras(10, nil), 0, false, nil, nil},
		{
			"relevant paragraphs kept in order",
			paras(20, map[int]string{2: "유출 사실을 안 때부터 72시간 이내에 통지한다.", 17: "담당 부서 는 정보보호팀이며 연락처를 둔다."}),
			250, true,
			[]string{"72시간 이내에 통지한다", gapMarker, "담당 부서 는 정보보호팀"},
			nil,
		},
		{
			"best paragraph wins when only one fits",
			paras(6, map[int]string{1: "통지 시기: 유출 사실을 안 때부터 72시간 이내 통지.", 4: "담당부서"}),
			60, true,
			[]string{"72시간"},
			[]string{filler},
		},
		{
			"one long line is cut by lines",
			strings.Repeat(filler+"\n", 10) + "담당부서와 연락처: 정보보호팀\n" + strings.Repeat(filler+"\n", 10),
			120, true,
			[]string{"담당부서와 연락처"},
			nil,
		},
		{
			"best paragraph over budget: its start is kept",
			"서론\n\n" + strings.Repeat("담당부서 ", 100),
			50, true,
			[]string{gapMarker, "담당부서", "…"},
			[]string{"서론"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, trimmed := trimDraft(tt.draft, terms, tt.budget)
			if trimmed != tt.wantTrimmed {
				t.Errorf("trimmed = %v; want %v", trimmed, tt.wantTrimmed)
			}
			if !trimmed && got != tt.draft {
				t.Errorf("untrimmed draft changed: got %q; want %q", got, tt.draft)
			}
			if tt.budget > 0 {
				if n := utf8.RuneCountInString(got); trimmed && n > tt.budget {
					t.Errorf("trimmed draft has %d runes; want at most %d", n, tt.budget)
				}
			}
			pos := 0
			for _, s := range tt.wantIn {
				i := strings.Index(got[pos:], s)
				if i < 0 {
					t.Fatalf("got %q; want %q after offset %d", got, s, pos)
				}
				pos += i + len(s)
			}
			for _, s := range tt.wantOut {
				if strings.Contains(got, s) {
					t.Errorf("got %q; want it without %q", got, s)
				}
			}
		})
	}
}

func TestTermKeys(t *testing.T) {
	tests := []struct {
		terms []string
		want  string
	}{
		{[]string{"담당부서의 연락처"}, "담당부서 연락처"},
		{[]string{"통지 시기 및 방법", "통지 방법"}, "통지 시기"},
		{[]string{"Notification TIMING"}, "notification timing"},
		{[]string{"a 및 등"}, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.terms, "|"), func(t *testing.T) {
			if got := strings.Join(termKeys(tt.terms), " "); got != tt.want {
				t.Errorf("termKeys(%q) = %q; want %q", tt.terms, got, tt.want)
			}
		})
	}
}
