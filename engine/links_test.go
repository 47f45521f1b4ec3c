package engine

import "testing"

// A link whose text is not its target is shown by its target, in every
// front end that prints text as it is.
func TestPlainLinks(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"Slack link whose text is another URL", "안내는 <https://evil.example/x|https://www.digital.go.kr/guide> 를 보세요.", "안내는 https://evil.example/x 를 보세요."},
		{"Slack link with a label", "<https://evil.example/x|심사 안내>", "심사 안내 (https://evil.example/x)"},
		{"Slack link whose text is its target", "<https://www.digital.go.kr/guide|https://www.digital.go.kr/guide>", "https://www.digital.go.kr/guide"},
		{"markdown link whose text is a domain", "[www.digital.go.kr](https://evil.example/y)", "https://evil.example/y"},
		{"markdown link with a label", "See [the guide](https://evil.example/z).", "See the guide (https://evil.example/z)."},
		{"bare URL stays", "https://www.digital.go.kr/guide 참고", "https://www.digital.go.kr/guide 참고"},
		{"no link", "1.3에는 처리 목적을 적어야 합니다 [1].", "1.3에는 처리 목적을 적어야 합니다 [1]."},
		{"citation brackets stay", "처리 목적 [1](https 아님)", "처리 목적 [1](https 아님)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PlainLinks(tt.in); got != tt.want {
				t.Errorf("PlainLinks(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}
