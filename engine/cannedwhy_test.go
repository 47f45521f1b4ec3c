package engine

import (
	"testing"

	"github.com/selfcheck/selfcheck/canned"
)

func TestCannedWhy(t *testing.T) {
	a := canned.Answer{
		Name: "cloud-cert",
		Tags: []string{"보안인증", "CSAP"},
		Text: "클라우드 서비스 보안인증(CSAP)은 심사 전에 받아 두어야 해요.\n인증서 사본을 1.5 항목 증빙으로 붙여 주세요.",
	}
	tests := []struct {
		name, q, want string
	}{
		{"tag in the question", "보안인증은 언제 받아야 하나요?", "보안인증"},
		{"tag with other spacing", "보안 인증 필요해요?", "보안인증"},
		{"tag in English, any case", "do we need csap?", "CSAP"},
		{"sentence sharing words", "인증서 사본은 어디에 붙이나요", "인증서 사본을 1.5 항목 증빙으로 붙여 주세요."},
		{"name words", "cloud certification question", "cloud cert"},
		{"nothing shared", "환불 규정", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cannedWhy(tt.q, a); got != tt.want {
				t.Errorf("cannedWhy(%q) = %q; want %q", tt.q, got, tt.want)
			}
		})
	}
}
