package engine

import (
	"regexp"
	"strings"
	"testing"
)

// reSlackMarkup finds what only Slack reads: *bold*, `code`, /selfcheck.
var reSlackMarkup = regexp.MustCompile("\\*[^*\\s][^*]*\\*|`|/selfcheck")

// The engine says what it says as parts, never in a front end's markup:
// its plain text has no Slack markup, its hints are actions, and the
// words are in the question's language.
func TestAnswersAreValues(t *testing.T) {
	e := newTestEngine(t)
	questions := map[string]string{
		"1.3에는 무엇이 포함되어야 하나요?":                                        "ko",
		"비밀번호는 어떻게 저장해야 하나요?":                                         "ko",
		"What must 3.2 include?":                                      "en",
		"CSAP 보안인증을 받았으면 1.2는 안 써도 돼요?":                               "ko",
		"서비스 유형은 어떻게 구분하나요?":                                          "ko",
		"심사 절차는 어떻게 되나요?":                                             "ko",
		"1.4에는 무엇이 필요한가요?":                                            "ko",
		"9.9 항목에는 뭐가 들어가요?":                                           "ko",
		"How do we show that our engineers completed cloud training?": "en",
		"점심 메뉴 추천해줘":                                                  "ko",
	}
	for q, lang := range questions {
		a, err := e.Ask(t.Context(), q)
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		if len(a.Parts) == 0 || a.Language != lang {
			t.Errorf("%q: %d parts, language %q; want parts in %q", q, len(a.Parts), a.Language, lang)
		}
		if m := reSlackMarkup.FindString(a.Answer); m != "" {
			t.Errorf("%q: the plain answer has Slack markup %q:\n%s", q, m, a.Answer)
		}
		for _, p := range a.Parts {
			if p.Kind == PartHint && (p.Action == nil || p.Action.Item == "" || p.Label == "") {
				t.Errorf("%q: hint %+v without an action on an item, or a label", q, p)
			}
			if m := reSlackMarkup.FindString(p.Text + p.Label); m != "" {
				t.Errorf("%q: part %+v carries markup %q", q, p, m)
			}
		}
		if strings.Contains(a.Answer, "selfcheck review") != hasHint(a, ActionReview) {
			t.Errorf("%q: the text and the parts disagree about the review hint:\n%s", q, a.Answer)
		}
	}
}

func hasHint(a Answer, do ActionKind) bool {
	for _, p := range a.Parts {
		if p.Kind == PartHint && p.Action.Do == do {
			return true
		}
	}
	return false
}

// Every label the engine uses is in messages.yaml, in both languages.
func TestLabelsExist(t *testing.T) {
	e := newTestEngine(t)
	for _, code := range []string{"how_to_write", "example", "evidence_documents", "rules", "legal_basis", "required_elements",
		"legal_basis_of", "all_elements", "check_draft", "source", "classification", "classification_intro", "service_kinds",
		"items_with_guidance", "no_guidance", "no_such_item", "no_match", "staff_verified", "examples_of", "real_submission",
		noticeAnswerBusy, noticeAnswerFailed, noticeReviewBusy, noticeReviewFailed, noticeReviewTrimmed} {
		for _, l := range []lang{langKorean, langEnglish} {
			if got := e.label(code, l); got == code || got == "" {
				t.Errorf("label %s in language %d: %q", code, l, got)
			}
		}
	}
}

// Asking for an item's examples outright gives them, as a thread's
// follow-up does, not the item's first rule.
func TestAskForExamples(t *testing.T) {
	e := newTestEngine(t)
	for q, lang := range map[string]string{"1.3 작성 예시 보여줘": "ko", "Show me examples for 1.2": "en"} {
		a, err := e.Ask(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		quotes := 0
		for _, p := range a.Parts {
			if p.Kind == PartQuote {
				quotes++
			}
		}
		if quotes < 3 || a.Language != lang || !hasHint(a, ActionReview) {
			t.Errorf("%q: %d quoted examples, language %q:\n%s", q, quotes, a.Language, a.Answer)
		}
	}
}
