package engine

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/selfcheck/selfcheck/internal/memnet"
)

// privateDraft is a 1.3 draft with one of every kind of personal datum,
// written as applicants write them.
const privateDraft = `1.3 개인정보·데이터 관리정책
작성자: 김영수 / 담당자: 최민호 과장 (010-3456-7890, minho.choi@example.co.kr)
개인정보 보호책임자 이영희님, 대표 02-555-0100, 안심번호 0505-123-4567
휴대폰 ０１０－９８７６－５４３２, 해외 연락처 +82 10-2222-3333
수집 항목 예시: 주민등록번호 900101-1234567, 외국인등록번호 850505-5123456, 900101-1******
여권 M12345678, 운전면허 11-12-345678-90, 결제 카드 4111-1111-1111-1111
환불 계좌: 국민은행 123456-01-123456, 문의 메일 홍길동@회사.한국
관리 서버 192.168.10.23, 2001:db8:85a3::8a2e:370:7334
본사: 서울특별시 강남구 테헤란로 123, 5층
비밀번호는 SHA-256으로 해시하여 저장하고, 개인정보는 AES-256으로 암호화한다.
개인정보 처리방침을 홈페이지에 공개하며 과장 박서준이 연 1회 점검한다.
고객 정보는 해외 어디에도 두지 않습니다.`

// privateData are the data of privateDraft that must never reach a model.
var privateData = []string{
	"김영수", "최민호", "이영희", "박서준", "홍길동", "010-3456-7890", "3456-7890", "minho.choi",
	"02-555-0100", "555-0100", "0505-123-4567", "９８７６", "9876", "2222-3333", "900101", "850505",
	"1234567", "M12345678", "345678-90", "4111", "123456-01-123456", "회사.한국", "192.168.10.23",
	"2001:db8", "8a2e", "테헤란로 123",
}

// bodyRecorder is a chat completion server that keeps every request body.
type bodyRecorder struct {
	*httptest.Server
	net    *memnet.Network
	mu     sync.Mutex
	bodies []string
}

func newBodyRecorder(t *testing.T, answer func(req openai.ChatCompletionRequest) string) *bodyRecorder {
	t.Helper()
	b := &bodyRecorder{net: memnet.New()}
	t.Cleanup(b.net.Close)
	b.Server = b.net.Server(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var req openai.ChatCompletionRequest
		if err := json.Unmarshal(raw, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		// Both the body as sent and its decoded text: JSON may escape.
		var text strings.Builder
		text.Write(raw)
		for _, m := range req.Messages {
			text.WriteString("\n" + m.Content)
		}
		b.mu.Lock()
		b.bodies = append(b.bodies, text.String())
		b.mu.Unlock()
		chatReply(w, answer(req))
	}))
	t.Cleanup(b.Close)
	return b
}

// TestNothingPersonalReachesTheModel drives a review and an answer through
// a fake model and checks every request body for every personal datum.
func TestNothingPersonalReachesTheModel(t *testing.T) {
	rec := newBodyRecorder(t, func(req openai.ChatCompletionRequest) string {
		if req.ResponseFormat != nil {
			return reviewReply("1.3-f", "present", "고객 정보는 해외 어디에도 두지 않습니다.")
		}
		return "담당자에게 문의하세요 [1]."
	})
	e := newModelEngine(t, &fakeChat{Server: rec.Server, net: rec.net}, nil)
	rep, err := e.Review(t.Context(), "1.3", privateDraft)
	if err != nil {
		t.Fatalf("Review: %v", err)
	}
	if !rep.LLM || !rep.Model.Used || rep.Model.Upgraded != 1 {
		t.Errorf("review llm %v model %+v; want the model used with one upgrade", rep.LLM, rep.Model)
	}
	question := "1.3 작성 중입니다. 담당자 최민호 과장(010-3456-7890, minho.choi@example.co.kr, 주민번호 900101-1234567)의 정보를 어떻게 관리해야 하나요?"
	ans, err := e.Ask(t.Context(), question)
	if err != nil {
		t.Fatalf("Ask: %v", err)
	}
	if !ans.LLM || !ans.Model.Used {
		t.Errorf("answer llm %v model %+v; want the model used", ans.LLM, ans.Model)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.bodies) != 2 {
		t.Fatalf("got %d model requests; want 2 (review, answer)", len(rec.bodies))
	}
	for i, body := range rec.bodies {
		for _, d := range privateData {
			if strings.Contains(body, d) {
				t.Errorf("request %d contains %q", i+1, d)
			}
		}
	}
	if !strings.Contains(rec.bodies[0], "[주민등록번호]") || !strings.Contains(rec.bodies[0], "[주소]") {
		t.Errorf("review request lacks the placeholders; want the masked draft sent")
	}
}
