package engine

import (
	"context"
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/retrieval"
	"github.com/selfcheck/selfcheck/usererr"
)

func newTestEngine(t testing.TB) *Engine {
	t.Helper()
	return newEngineWith(t, Config{})
}

// newEngineWith builds an engine on the embedded knowledge and an
// in-memory index, with the rest of cfg as given.
func newEngineWith(t testing.TB, cfg Config) *Engine {
	t.Helper()
	kb, err := knowledge.Load(knowledge.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	ix, err := retrieval.Open(context.Background(), retrieval.Config{}, kb)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Knowledge, cfg.Index = kb, ix
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestAskRouting: questions in applicants' own words, Korean and English,
// with and without item numbers, go to the right item. "" is a question
// about the review in general (known) or about nothing (unknown).
func TestAskRouting(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct {
		q     string
		item  string
		known bool
	}{
		// named items
		{"1.3에는 무엇이 포함되어야 하나요?", "1.3", true},
		{"1.2항 작성 요령 알려주세요", "1.2", true},
		{"3-2 항목은 뭘 써야 해요?", "3.2", true},
		{"What must item 3.1 include?", "3.1", true},
		{"1.4에는 무엇을 써야 하나요?", "1.4", false},
		{"1.1 항목 안내해 주세요", "1.1", false},
		{"2.3 운영 안정성은요?", "2.3", false},
		// 1.2 without numbers
		{"해킹 사고가 나면 고객에게 어떻게 알려야 하나요?", "1.2", true},
		{"침해사고 통지에 들어갈 내용이 뭔가요", "1.2", true},
		{"보안 사고 대응 절차는 어떻게 작성하나요?", "1.2", true},
		{"모의훈련은 얼마나 자주 해야 하나요?", "1.2", true},
		{"재발 방지 대책에는 무엇을 쓰나요", "1.2", true},
		{"What should we tell users after a security breach?", "1.2", true},
		{"Do we need periodic incident response drills?", "1.2", true},
		// 1.3
		{"비밀번호는 어떻게 저장해야 하나요?", "1.3", true},
		{"패스워드 해시 알고리즘은 뭘 써야 돼요?", "1.3", true},
		{"개인정보를 해외로 옮기는지 써야 하나요?", "1.3", true},
		{"데이터를 어디서 처리하는지 밝혀야 하나요", "1.3", true},
		{"계약 끝나면 고객 데이터는 어떻게 폐기하나요?", "1.3", true},
		{"개인정보를 처리하지 않는 서비스는 어떻게 쓰나요?", "1.3", true},
		{"SSL 적용 여부도 적어야 하나요?", "1.3", true},
		{"MD5 써도 되나요?", "1.3", true},
		{"How should we store passwords?", "1.3", true},
		{"Do we have to say where customer data is hosted?", "1.3", true},
		{"Is encryption of personal data in transit required?", "1.3", true},
		// 3.1
		{"조직도를 꼭 내야 하나요?", "3.1", true},
		{"이용자 매뉴얼이나 교육자료는 어떻게 제시하나요", "3.1", true},
		{"컨설팅 회사는 인력의 자격증 정보를 넣어야 하나요?", "3.1", true},
		{"담당 인력과 역할을 표로 정리해야 하나요?", "3.1", true},
		{"Which training material and manuals do we provide to users?", "3.1", true},
		{"Do support services need to list staff certifications?", "3.1", true},
		// 3.2
		{"고객 문의 창구는 몇 개 필요한가요?", "3.2", true},
		{"고객의견 수렴채널은 몇 개?", "3.2", true},
		{"고객 요청 처리 절차를 어떻게 써야 하나요", "3.2", true},
		{"기술지원 조직이 따로 있어야 하나요?", "3.2", true},
		{"How many customer feedback channels do we need?", "3.2", true},
		// section I
		{"융합서비스가 뭔가요?", "I", true},
		{"마이그레이션 서비스는 어떤 유형에 해당하나요?", "I", true},
		{"우리 서비스가 디지털서비스에 해당하는지 어떻게 판단하나요", "I", true},
		{"What counts as a convergence service?", "I", true},
		// the review in general
		{"심사위원회는 누가 하나요?", "", true},
		{"자가점검 체크리스트 결과가 선정에 영향을 주나요?", "", true},
		{"선정된 서비스는 어떻게 구매하나요?", "", true},
		// nothing to do with the checklist
		{"점심 메뉴 추천해줘", "", false},
		{"What's the weather like tomorrow?", "", false},
	}
	correct := 0
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			a, err := e.Ask(context.Background(), tt.q)
			if err != nil {
				t.Fatalf("ask: %v", err)
			}
			if a.Item != tt.item || a.Known != tt.known {
				t.Errorf("got item %q known %v; want item %q known %v (sources %v)", a.Item, a.Known, tt.item, tt.known, titles(a.Sources))
				return
			}
			correct++
		})
	}
	t.Logf("routing: %d/%d correct", correct, len(tests))
}

func titles(ss []Source) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Title)
	}
	return out
}

// TestAskOverviewNamesEveryElement: "what must ITEM include?" names every
// required element of the item, and the evidence documents.
func TestAskOverviewNamesEveryElement(t *testing.T) {
	e := newTestEngine(t)
	for _, it := range e.kb.Items {
		for _, q := range []string{it.ID + "에는 무엇이 포함되어야 하나요?", "What must " + it.ID + " include?"} {
			t.Run(q, func(t *testing.T) {
				a, err := e.Ask(context.Background(), q)
				if err != nil {
					t.Fatal(err)
				}
				for _, el := range it.Elements {
					if !strings.Contains(a.Answer, el.ID) {
						t.Errorf("answer does not name %s", el.ID)
					}
				}
				if !strings.Contains(a.Answer, it.EvidenceDocuments[0]) {
					t.Errorf("answer does not name the evidence document %q", it.EvidenceDocuments[0])
				}
				if len(a.Sources) == 0 || a.Sources[0].Item != it.ID {
					t.Errorf("sources %v; want sources of %s", titles(a.Sources), it.ID)
				}
			})
		}
	}
}

func TestAskFocusesOnTheElementAsked(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct{ q, element, mention string }{
		{"비밀번호는 어떻게 저장해야 하나요?", "1.3-b", "단방향"},
		{"데이터 국외이전 여부도 써야 하나요?", "1.3-f", "국외"},
		{"How should we store passwords?", "1.3-b", "one-way"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			a, err := e.Ask(context.Background(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			head, _, _ := strings.Cut(a.Answer, "필수 요소")
			head, _, _ = strings.Cut(head, "Required elements")
			if !strings.Contains(head, tt.element) || !strings.Contains(head, tt.mention) {
				t.Errorf("answer does not lead with %s (%q):\n%s", tt.element, tt.mention, a.Answer)
			}
		})
	}
}

func TestAskNoGuidanceListsKnownItems(t *testing.T) {
	e := newTestEngine(t)
	a, err := e.Ask(context.Background(), "1.5 항목은 어떻게 쓰나요?")
	if err != nil {
		t.Fatal(err)
	}
	if a.Known || a.Item != "1.5" {
		t.Errorf("got item %q known %v; want 1.5, not known", a.Item, a.Known)
	}
	for _, id := range []string{"1.2", "1.3", "3.1", "3.2"} {
		if !strings.Contains(a.Answer, id) {
			t.Errorf("answer does not list known item %s:\n%s", id, a.Answer)
		}
	}
	if len(a.Sources) != 0 {
		t.Errorf("an answer without guidance cites %v", titles(a.Sources))
	}
}

// TestAskNFD: the same question pasted from macOS gives the same answer.
func TestAskNFD(t *testing.T) {
	e := newTestEngine(t)
	for _, q := range []string{"비밀번호는 어떻게 저장해야 하나요?", "고객 문의 창구는 몇 개 필요한가요?", "담당 부서 연락처는 어디에 써요?"} {
		a, err := e.Ask(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		b, err := e.Ask(context.Background(), norm.NFD.String(q))
		if err != nil {
			t.Fatal(err)
		}
		if a.Answer != b.Answer || a.Item != b.Item {
			t.Errorf("%q: NFD answer differs (item %q vs %q)", q, a.Item, b.Item)
		}
	}
}

func TestAskInputErrors(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct {
		q    string
		code usererr.Code
	}{
		{"", usererr.EmptyQuestion},
		{"   ", usererr.EmptyQuestion},
		// 1,500 Korean characters: a paste, not a question.
		{strings.Repeat("가", 1500), usererr.LongQuestion},
	}
	for _, tt := range tests {
		_, err := e.Ask(context.Background(), tt.q)
		ue, ok := usererr.As(err)
		if !ok || ue.Code != tt.code {
			t.Errorf("Ask(%d bytes) = %v; want a user error %s", len(tt.q), err, tt.code)
			continue
		}
		if ue.Korean == "" || ue.English == "" {
			t.Errorf("Ask(%d bytes): %+v; want a message in Korean and in English", len(tt.q), ue)
		}
	}
}

func TestGuide(t *testing.T) {
	e := newTestEngine(t)
	a, err := e.Guide(context.Background(), "3.2")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"3.2-a", "3.2-b", "3.2-c", "3.2-d", "고객대응절차서"} {
		if !strings.Contains(a.Answer, id) {
			t.Errorf("guide for 3.2 does not mention %s", id)
		}
	}
	_, err = e.Guide(context.Background(), "1.4")
	var ue *knowledge.UnknownItemError
	if !errors.As(err, &ue) {
		t.Errorf("Guide(1.4) = %v; want UnknownItemError", err)
	}
	if a, err := e.Guide(context.Background(), "I"); err != nil || a.Item != "I" || !strings.Contains(a.Answer, "융합서비스") {
		t.Errorf("Guide(I) = %q, %v; want the classification", a.Item, err)
	}
}
