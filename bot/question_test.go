package bot

import "testing"

// The help channel reads a message as a question by its shape: question
// marks, Korean question endings (formal and colloquial), English
// questions; statements, greetings and announcements are not.
func TestReadsAsQuestion(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"개인정보 파기 절차는 어디에 적어야 하나요", true},
		{"침해사고 통지 기한을 며칠로 잡으면 될까요.", true},
		{"조직도도 같이 내야 할까", true},
		{"모의훈련 주기를 반기로 적어도 되죠", true},
		{"이 경우도 지원서비스에 해당하는 건가요 ㅠㅠ", true},
		{"고객 문의 채널이 몇 개 필요한지 궁금합니다.", true},
		{"비번 암호화 어떻게", true},
		{"3.2 항목 예시 있나요 :pray:", true},
		{"제출 서류에 대해 문의드립니다!", true},
		{"We applied last week. Do we need to attach the org chart?", true},
		{"how strict is the breach notice deadline", true},
		{"Should the retention period be in the policy itself", true},
		{"안녕하세요, 오늘부터 이 채널에 함께하게 되었습니다.", false},
		{"감사합니다 덕분에 해결했어요!", false},
		{"점검 결과 파일 올려 두었어요", false},
		{"Thanks, that worked.", false},
		{"[공지] 다음 주 월요일은 심사 접수가 없습니다", false},
		{"", false},
	} {
		if got := readsAsQuestion(tc.text) && !readsAsAnnouncement(tc.text); got != tc.want {
			t.Errorf("reads %q as a question = %v; want %v", tc.text, got, tc.want)
		}
	}
}

// An announcement is never answered even when it asks something.
func TestReadsAsAnnouncement(t *testing.T) {
	for _, text := range []string{"<!channel> 이번 주 접수 마감은 금요일입니다. 질문 있으신가요?", "📢 안내: 서식이 바뀌었습니다", "공지 드립니다"} {
		if !readsAsAnnouncement(text) {
			t.Errorf("%q is not read as an announcement", text)
		}
	}
	if readsAsAnnouncement("공개 범위는 어떻게 정하나요?") {
		t.Error("a question starting with 공개 read as an announcement")
	}
}

// A lone consonant at the start of an ending matches a syllable's final
// consonant.
func TestEndsWithKO(t *testing.T) {
	for _, tc := range []struct {
		s, e string
		want bool
	}{
		{"할까", "ㄹ까", true},
		{"하까", "ㄹ까", false},
		{"됩니까", "ㅂ니까", true},
		{"그러니까", "ㅂ니까", false},
		{"하나요", "나요", true},
	} {
		if got := endsWithKO(tc.s, tc.e); got != tc.want {
			t.Errorf("endsWithKO(%q, %q) = %v; want %v", tc.s, tc.e, got, tc.want)
		}
	}
}
