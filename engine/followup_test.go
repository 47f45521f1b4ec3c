package engine

import (
	"strings"
	"testing"
)

// Follow-ups in a thread are read with its context.
func TestAskInThread(t *testing.T) {
	e := newTestEngine(t)
	ctx := t.Context()
	cases := []struct {
		name     string
		q        string
		th       Thread
		wantItem string
		want     []string
	}{
		{"examples of the thread's item", "그럼 예시도 보여줘", Thread{Item: "1.3"}, "1.3", []string{"작성 예시", "1.3-"}},
		{"examples of the thread's element first", "예시도 보여줘", Thread{Item: "1.3", Element: "1.3-d"}, "1.3", []string{"1.3-d 안전한 암호화 알고리즘"}},
		{"the same question about 3.2", "3.2는요?", Thread{Item: "1.3", Previous: "1.3에는 무엇이 포함되어야 하나요?"}, "3.2", []string{"3.2"}},
		{"what about, in English", "what about 3.1?", Thread{Item: "1.3", Previous: "What must 1.3 include?"}, "3.1", []string{"3.1"}},
		{"a new full question is asked as is", "3.2 고객대응 담당 조직은 어떻게 쓰나요?", Thread{Item: "1.3"}, "3.2", nil},
		{"no context", "그럼 예시도 보여줘", Thread{}, "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := e.AskInThread(ctx, c.q, c.th)
			if err != nil {
				t.Fatalf("AskInThread: %v", err)
			}
			if c.wantItem != "" && a.Item != c.wantItem {
				t.Errorf("item = %q; want %q\n%s", a.Item, c.wantItem, a.Answer)
			}
			for _, w := range c.want {
				if !strings.Contains(a.Answer, w) {
					t.Errorf("answer lacks %q:\n%s", w, a.Answer)
				}
			}
		})
	}
	ex, _ := e.AskInThread(ctx, "예시도 보여줘", Thread{Item: "1.3", Element: "1.3-d"})
	if i, j := strings.Index(ex.Answer, "1.3-d"), strings.Index(ex.Answer, "1.3-a"); i < 0 || (j >= 0 && j < i) {
		t.Errorf("the thread's element is not first:\n%s", ex.Answer)
	}
	if ex.Element != "1.3-d" {
		t.Errorf("element = %q; want it carried", ex.Element)
	}
}
