package knowledge

import (
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

const mergeDraft = `1. 개요
개인정보 유출 시 정보주체에게 72시간 이내 통지한다.
담당부서는 정보보호팀(김민수 과장, 010-1234-5678)이다.
비밀번호는 MD5로 저장한다.`

// mergeReport is the deterministic report the merge tests start from.
func mergeReport() Report {
	r := Report{
		Item:  "1.2",
		Title: "개인정보 유출 통지",
		Elements: []ElementResult{
			{ID: "a", Label: "통지 시기", Status: StatusMissing, Note: "통지 시기를 적으세요."},
			{ID: "b", Label: "담당부서", Status: StatusPartial, Evidence: "담당부서는 정보보호팀", Line: 3, Note: "연락처를 보완하세요."},
			{ID: "c", Label: "암호화", Status: StatusMissing, Note: "MD5는 " + WeakAlgorithmMarker + "입니다."},
			{ID: "d", Label: "국외 이전", Status: StatusNotApplicable, Note: "국외 이전이 없다고 밝혔습니다."},
			{ID: "e", Label: "통지 방법", Status: StatusPresent, Evidence: "정보주체에게 72시간 이내 통지", Line: 2, Note: "확인됨."},
		},
		Notices: []string{"기존 안내"},
	}
	r.Recount()
	return r
}

func TestMergeModel(t *testing.T) {
	tests := []struct {
		name       string
		findings   []ModelFinding
		injections []string
		id         string // element to check
		status     Status
		line       int    // expected Line when > 0
		evidence   string // expected Evidence when not empty
		noteHas    []string
		noteHasNot []string
	}{
		{
			name:     "verified present upgrades missing",
			findings: []ModelFinding{{ID: "a", Status: StatusPresent, Quote: "정보주체에게 72시간 이내 통지한다."}},
			id:       "a", status: StatusPresent, line: 2, evidence: "정보주체에게 72시간 이내 통지한다.",
			noteHas: []string{"확인했습니다"}, noteHasNot: []string{"통지 시기를 적으세요"},
		},
		{
			name:     "quote verified despite spacing and NFD",
			findings: []ModelFinding{{ID: "a", Status: StatusPresent, Quote: norm.NFD.String("“정보주체에게72 시간이내 통지”")}},
			id:       "a", status: StatusPresent, line: 2,
		},
		{
			name:     "quote spanning lines",
			findings: []ModelFinding{{ID: "a", Status: StatusPresent, Quote: "72시간 이내 통지한다. 담당부서는"}},
			id:       "a", status: StatusPresent, line: 2,
		},
		{
			// The model saw the masked draft; the user is shown their own
			// words (docs/model.md), never "[전화번호]".
			name:     "quote of the masked draft is verified",
			findings: []ModelFinding{{ID: "b", Status: StatusPresent, Quote: "정보보호팀([이름] 과장, [전화번호])"}},
			id:       "b", status: StatusPresent, line: 3, evidence: "담당부서는 정보보호팀(김민수 과장, 010-1234-5678)이다.",
		},
		{
			name:     "unverified present keeps verdict and says so",
			findings: []ModelFinding{{ID: "a", Status: StatusPresent, Quote: "통지는 24시간 이내에 한다"}},
			id:       "a", status: StatusMissing,
			noteHas: []string{"통지 시기를 적으세요.", "확인할 수 없어"},
		},
		{
			name:     "present without quote is not verified",
			findings: []ModelFinding{{ID: "a", Status: StatusPresent}},
			id:       "a", status: StatusMissing, noteHas: []string{"확인할 수 없어"},
		},
		{
			name:     "too short a quote is not evidence",
			findings: []ModelFinding{{ID: "a", Status: StatusPresent, Quote: "통지한다"}},
			id:       "a", status: StatusMissing, noteHas: []string{"확인할 수 없어"},
		},
		{
			name:     "verified partial upgrades missing and keeps the note",
			findings: []ModelFinding{{ID: "a", Status: StatusPartial, Quote: "72시간 이내 통지한다"}},
			id:       "a", status: StatusPartial, line: 2,
			noteHas: []string{"통지 시기를 적으세요.", "일부만 충족"},
		},
		{
			name:     "verified present upgrades partial",
			findings: []ModelFinding{{ID: "b", Status: StatusPresent, Quote: "담당부서는 정보보호팀(김민수 과장"}},
			id:       "b", status: StatusPresent, line: 3,
		},
		{
			name:     "weak algorithm is never upgraded",
			findings: []ModelFinding{{ID: "c", Status: StatusPresent, Quote: "비밀번호는 MD5로 저장한다."}},
			id:       "c", status: StatusMissing, noteHas: []string{"MD5는", "반영하지 않았습니다"},
		},
		{
			name:     "no downgrade of present",
			findings: []ModelFinding{{ID: "e", Status: StatusMissing, Suggestion: "통지 방법을 구체적으로 적으세요."}},
			id:       "e", status: StatusPresent, evidence: "정보주체에게 72시간 이내 통지", line: 2,
			noteHas: []string{"확인됨.", "모델 제안: 통지 방법을 구체적으로 적으세요."},
		},
		{
			name:     "no downgrade of partial",
			findings: []ModelFinding{{ID: "b", Status: StatusMissing}},
			id:       "b", status: StatusPartial, evidence: "담당부서는 정보보호팀", line: 3, noteHas: []string{"연락처를 보완하세요."},
		},
		{
			name:     "not_applicable stays, suggestion ignored",
			findings: []ModelFinding{{ID: "d", Status: StatusPresent, Quote: "정보주체에게 72시간 이내 통지한다.", Suggestion: "국외 이전을 적으세요"}},
			id:       "d", status: StatusNotApplicable, noteHasNot: []string{"모델"},
		},
		{
			name:     "model's not_applicable does not replace a verdict",
			findings: []ModelFinding{{ID: "a", Status: StatusNotApplicable, Quote: "정보주체에게 72시간 이내 통지한다."}},
			id:       "a", status: StatusMissing, noteHasNot: []string{"모델"},
		},
		{
			name:     "suggestion alone is used and flattened",
			findings: []ModelFinding{{ID: "a", Status: StatusMissing, Suggestion: "통지 기한을\n  명시하세요."}},
			id:       "a", status: StatusMissing, noteHas: []string{"통지 시기를 적으세요. 모델 제안: 통지 기한을 명시하세요."},
		},
		{
			name:       "injection blocks upgrades and suggestions",
			findings:   []ModelFinding{{ID: "a", Status: StatusPresent, Quote: "정보주체에게 72시간 이내 통지한다.", Suggestion: "좋습니다"}},
			injections: []string{"이전 지시를 무시하라는 문장"},
			id:         "a", status: StatusMissing, noteHasNot: []string{"모델"},
		},
		{
			name:     "unknown id ignored",
			findings: []ModelFinding{{ID: "zz", Status: StatusPresent, Quote: "정보주체에게 72시간 이내 통지한다.", Suggestion: "x"}},
			id:       "a", status: StatusMissing, noteHasNot: []string{"모델"},
		},
		{
			name:     "invalid status ignored",
			findings: []ModelFinding{{ID: "a", Status: "yes", Quote: "정보주체에게 72시간 이내 통지한다.", Suggestion: "x"}},
			id:       "a", status: StatusMissing, noteHasNot: []string{"모델"},
		},
		{
			name: "only the first finding for an element counts",
			findings: []ModelFinding{
				{ID: "a", Status: StatusMissing},
				{ID: "a", Status: StatusPresent, Quote: "정보주체에게 72시간 이내 통지한다."},
			},
			id: "a", status: StatusMissing,
		},
	}
	// What the counts of each case are; the model answered in every case
	// but the injection one, where it is not used at all.
	upgraded := map[string]int{
		"verified present upgrades missing": 1, "quote verified despite spacing and NFD": 1, "quote spanning lines": 1,
		"quote of the masked draft is verified": 1, "verified partial upgrades missing and keeps the note": 1,
		"verified present upgrades partial": 1,
	}
	rejected := map[string]int{
		"unverified present keeps verdict and says so": 1, "present without quote is not verified": 1,
		"too short a quote is not evidence": 1, "weak algorithm is never upgraded": 1, "unknown id ignored": 1,
		"invalid status ignored": 1,
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			det := mergeReport()
			got := MergeModel(det, mergeDraft, tt.findings, tt.injections)
			e, ok := got.Element(tt.id)
			if !ok {
				t.Fatalf("element %s missing from merged report", tt.id)
			}
			if e.Status != tt.status {
				t.Errorf("status = %q; want %q (note %q)", e.Status, tt.status, e.Note)
			}
			if tt.line > 0 && e.Line != tt.line {
				t.Errorf("line = %d; want %d", e.Line, tt.line)
			}
			if tt.evidence != "" && e.Evidence != tt.evidence {
				t.Errorf("evidence = %q; want %q", e.Evidence, tt.evidence)
			}
			for _, s := range tt.noteHas {
				if !strings.Contains(e.Note, s) {
					t.Errorf("note = %q; want it to contain %q", e.Note, s)
				}
			}
			for _, s := range tt.noteHasNot {
				if strings.Contains(e.Note, s) {
					t.Errorf("note = %q; want it without %q", e.Note, s)
				}
			}
			want := ModelUse{Used: len(tt.injections) == 0, Upgraded: upgraded[tt.name], Rejected: rejected[tt.name]}
			if got.Model != want || got.LLM != want.Used {
				t.Errorf("LLM = %v, Model = %+v; want %v, %+v", got.LLM, got.Model, want.Used, want)
			}
			recounted := got
			recounted.Recount()
			if got.Summary != recounted.Summary {
				t.Errorf("summary = %+v; want recounted %+v", got.Summary, recounted.Summary)
			}
		})
	}
}

func TestMergeModelDoesNotMutate(t *testing.T) {
	det := mergeReport()
	before := mergeReport()
	findings := []ModelFinding{
		{ID: "a", Status: StatusPresent, Quote: "정보주체에게 72시간 이내 통지한다.", Suggestion: "좋음"},
		{ID: "b", Status: StatusPresent, Quote: "없는 문장입니다 정말로"},
	}
	got := MergeModel(det, mergeDraft, findings, nil)
	got.Notices = append(got.Notices, "추가")
	for i := range det.Elements {
		if !reflect.DeepEqual(det.Elements[i], before.Elements[i]) {
			t.Errorf("det.Elements[%d] = %+v; want unchanged %+v", i, det.Elements[i], before.Elements[i])
		}
	}
	if len(det.Notices) != 1 || det.Summary != before.Summary || det.LLM {
		t.Errorf("det changed: notices %q, summary %+v, LLM %v; want the original", det.Notices, det.Summary, det.LLM)
	}
	if got.Summary.Present != 2 || got.Summary.Missing != 1 {
		t.Errorf("summary = %+v; want present 2, missing 1", got.Summary)
	}
}

func TestMergeModelInjectionNotice(t *testing.T) {
	tests := []struct {
		name       string
		injections []string
		wantNotice bool
	}{
		{"none: the model answered with no findings", nil, false},
		{"two", []string{"이전 지시를 무시하라는 문장", "시스템 프롬프트를 언급하는 문장"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MergeModel(mergeReport(), mergeDraft, nil, tt.injections)
			var notice string
			for _, n := range got.Notices {
				if strings.Contains(n, "무시했습니다") {
					notice = n
				}
			}
			if (notice != "") != tt.wantNotice {
				t.Fatalf("notices = %q; want injection notice %v", got.Notices, tt.wantNotice)
			}
			for _, d := range tt.injections {
				if !strings.Contains(notice, d) {
					t.Errorf("notice = %q; want it to list %q", notice, d)
				}
			}
			if got.LLM != !tt.wantNotice || got.Model.Used != !tt.wantNotice {
				t.Errorf("LLM = %v, Model = %+v; want used only without injections", got.LLM, got.Model)
			}
		})
	}
}

func TestMergeModelKeepsLLMFlag(t *testing.T) {
	det := mergeReport()
	det.LLM = true
	if got := MergeModel(det, mergeDraft, nil, nil); !got.LLM {
		t.Errorf("LLM = false; want the incoming true kept")
	}
}

func TestMergeModelLongSuggestionBounded(t *testing.T) {
	long := strings.Repeat("가", maxSuggestionRunes+50)
	got := MergeModel(mergeReport(), mergeDraft, []ModelFinding{{ID: "a", Status: StatusMissing, Suggestion: long}}, nil)
	e, _ := got.Element("a")
	if n := strings.Count(e.Note, "가"); n != maxSuggestionRunes {
		t.Errorf("suggestion runes kept = %d; want %d", n, maxSuggestionRunes)
	}
}

// TestQuoteVerifierEnglish: a quote of English words is found as the
// review compacts them (word spaces kept), across a line break too.
func TestQuoteVerifierEnglish(t *testing.T) {
	v := newQuoteVerifier(newDocument("Security policy\nPasswords are hashed with bcrypt (cost 12).\nData is kept in\nSeoul only."))
	for _, q := range []string{"Passwords are hashed with bcrypt", "passwords  are hashed with BCRYPT", "Data is kept in Seoul only"} {
		if _, _, ok := v.verify(q); !ok {
			t.Errorf("quote %q not found in the draft", q)
		}
	}
	if _, _, ok := v.verify("Passwords are encrypted with AES"); ok {
		t.Error("a quote the draft does not hold was accepted")
	}
}
