package engine

import (
	"context"
	"testing"

	"github.com/selfcheck/selfcheck/knowledge"
)

// TestRoutingKinds covers the kinds of routing failure applicants' own
// wording used to cause, each with cases that must not route the way a
// careless rule would. The questions are our own.
func TestRoutingKinds(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct {
		kind, q, item string
	}{
		// colloquial words and abbreviations
		{"abbreviation", "비번 저장은 어떤 식으로 해야 심사에서 안 걸려요?", "1.3"},
		{"abbreviation", "pw를 평문으로 보관하면 문제되나요", "1.3"},
		{"abbreviation", "랜섬웨어 걸리면 고객한테 뭐라고 알려야 됨?", "1.2"},
		{"abbreviation", "VOC 접수하고 답변하는 흐름도 적어야 하나요", "3.2"},
		// version numbers are versions, not items
		{"version", "TLS1.3만 허용하는데 전송구간 암호화 설명은 이걸로 충분한가요?", "1.3"},
		{"version", "Jira 3.2로 고객 문의 티켓을 받고 회신하는데 그 흐름을 써도 되나요?", "3.2"},
		{"version", "운영자 매뉴얼 v3.1 PDF를 이용자 지원 자료로 내도 돼요?", "3.1"},
		{"version", "OpenSSL 1.2 계열 쓰다가 올렸는데 비밀번호 해시도 다시 해야 하나", "1.3"},
		{"version", "SSL 3.0이랑 TLS 1.1은 막았어요. 전송 암호화는 이 정도면 되죠?", "1.3"},
		// an item number that looks like one still counts
		{"item number", "What does 1.2 require?", "1.2"},
		{"item number", "3.2는 어떻게 써요?", "3.2"},
		// legal references
		{"legal", "정보통신망법 제48조의4 원인분석 조항은 어느 항목에서 봐요?", "1.2"},
		{"legal", "시행령 17조에 맞춰 통지문을 만들려면?", "1.2"},
		// names the criteria use
		{"document name", "SHA-1이랑 MD5는 이제 안 되는 거죠?", "1.3"},
		{"document name", "사업실적증명서 대신 계약서 사본을 내도 되나요", "3.1"},
		{"document name", "직제규정이 없으면 조직도만으로 되나요?", "3.1"},
		// one keyword does not override the topic
		{"keyword", "We are a managed service provider. Which certificates of our engineers count?", "3.1"},
		{"keyword", "컨설팅 회사인데 고객 문의 담당자랑 연락처도 써야 돼요?", "3.2"},
		// English
		{"english", "how do we prove our staff took cloud training courses?", "3.1"},
		{"english", "what should our incident notice tell affected customers?", "1.2"},
	}
	for _, tt := range tests {
		a, err := e.Ask(context.Background(), tt.q)
		if err != nil {
			t.Fatalf("%s: %v", tt.q, err)
		}
		if a.Item != tt.item {
			t.Errorf("%s: %q routed to %q; want %q", tt.kind, tt.q, a.Item, tt.item)
		}
	}
}

// TestFindItemRefInContext: a dotted number is an item only where it
// reads as one.
func TestFindItemRefInContext(t *testing.T) {
	tests := []struct{ q, want string }{
		{"1.3에는 무엇이 포함되어야 하나요?", "1.3"},
		{"What must 1.2 include?", "1.2"},
		{"item 3.1 please", "3.1"},
		{"보안인증 받았는데 1.2 안 써도 되나요?", "1.2"},
		// must not route
		{"TLS 1.2 쓰면 되나요?", ""},
		{"TLS1.2 쓰면 되나요?", ""},
		{"Redmine 3.1 쓰는데요", ""},
		{"가이드 v1.3 첨부", ""},
		{"버전 3.2.1 기준입니다", ""},
		{"1.2 버전 이상이면 돼요?", ""},
		{"1.0이랑 1.1은 꺼놨어요", ""},
	}
	for _, tt := range tests {
		if got := knowledge.FindItemRef(tt.q); got != tt.want {
			t.Errorf("FindItemRef(%q) = %q; want %q", tt.q, got, tt.want)
		}
	}
}
