package engine

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/selfcheck/selfcheck/prompts"
)

// chatStream answers a streaming request with server-sent events, one
// chunk per delta, and a whole request with the joined text: the same
// completion either way.
func chatStream(deltas ...string) func(int, http.ResponseWriter, *http.Request) {
	return func(_ int, w http.ResponseWriter, r *http.Request) {
		// go-openai asks for events when it streams.
		if r.Header.Get("Accept") != "text/event-stream" {
			chatReply(w, strings.Join(deltas, ""))
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		for _, d := range deltas {
			raw, _ := json.Marshal(map[string]any{
				"id": "c", "object": "chat.completion.chunk", "model": "test-model",
				"choices": []map[string]any{{"index": 0, "delta": map[string]any{"content": d}}},
			})
			fmt.Fprintf(w, "data: %s\n\n", raw)
			w.(http.Flusher).Flush()
		}
		fmt.Fprint(w, "data: [DONE]\n\n")
	}
}

// AskStream passes the model's text on as it comes, and returns exactly
// what Ask returns for the same completion.
func TestAskStream(t *testing.T) {
	deltas := []string{"1.3에는 ", "개인정보 처리 ", "목적과 ", "보유 기간이 ", "들어가야 합니다 [1]."}
	modelText := strings.Join(deltas, "")
	for _, q := range []string{"1.3에는 무엇이 포함되어야 하나요?", "What must 1.2 include?", "심사위원회는 누가 하나요?"} {
		t.Run(q, func(t *testing.T) {
			f := newFakeChat(t, chatStream(deltas...))
			e := newModelEngine(t, f, nil)
			var first []string
			if _, err := e.AskStream(t.Context(), q, func(d string) { first = append(first, d) }); err != nil {
				t.Fatalf("AskStream: %v", err)
			}
			var got []string
			streamed, err := e.AskStream(t.Context(), q, func(d string) { got = append(got, d) })
			if err != nil {
				t.Fatalf("AskStream: %v", err)
			}
			whole, err := e.Ask(t.Context(), q)
			if err != nil {
				t.Fatalf("Ask: %v", err)
			}
			if !reflect.DeepEqual(streamed, whole) {
				t.Errorf("AskStream = %+v\nwant Ask's %+v", streamed, whole)
			}
			if !streamed.LLM || !strings.HasPrefix(streamed.Answer, modelText) {
				t.Errorf("answer = %q; want the model's text first", streamed.Answer)
			}
			// The client holds its first stream back (the server might open
			// reasoning in the prompt); then the text comes as written.
			if strings.Join(first, "") != modelText || strings.Join(got, "") != modelText || len(got) != len(deltas) {
				t.Errorf("deltas = %q then %q; want %q", first, got, deltas)
			}
			if n := len(f.requests()); n != 3 {
				t.Errorf("model calls = %d; want 3", n)
			}
		})
	}
}

// What the model does not write is not streamed: no guidance, no match,
// the model off, the model failing; the answer is Ask's.
func TestAskStreamDeterministic(t *testing.T) {
	t.Run("not grounded", func(t *testing.T) {
		f := newFakeChat(t, chatStream("지어낸 답"))
		e := newModelEngine(t, f, nil)
		for _, q := range []string{"1.4에는 무엇을 써야 하나요?", "점심 메뉴 추천해줘"} {
			var got []string
			a, err := e.AskStream(t.Context(), q, func(d string) { got = append(got, d) })
			if err != nil || len(got) != 0 || a.LLM || a.Known {
				t.Errorf("%s: deltas %q llm %v known %v err %v; want the deterministic answer alone", q, got, a.LLM, a.Known, err)
			}
		}
		if n := len(f.requests()); n != 0 {
			t.Errorf("model calls = %d; want 0", n)
		}
	})
	t.Run("model off", func(t *testing.T) {
		e := newModelEngine(t, nil, nil)
		var got []string
		a, err := e.AskStream(t.Context(), "1.3에는 무엇이 포함되어야 하나요?", func(d string) { got = append(got, d) })
		whole, _ := e.Ask(t.Context(), "1.3에는 무엇이 포함되어야 하나요?")
		if err != nil || len(got) != 0 || !reflect.DeepEqual(a, whole) {
			t.Errorf("deltas %q err %v, answer equal to Ask's %v; want no deltas and Ask's answer", got, err, reflect.DeepEqual(a, whole))
		}
	})
	t.Run("model fails", func(t *testing.T) {
		f := newFakeChat(t, func(_ int, w http.ResponseWriter, _ *http.Request) { chatError(w, http.StatusInternalServerError) })
		e := newModelEngine(t, f, nil)
		var got []string
		a, err := e.AskStream(t.Context(), "1.3에는 무엇이 포함되어야 하나요?", func(d string) { got = append(got, d) })
		if err != nil || len(got) != 0 || a.LLM || len(a.Notices) != 1 || a.Notices[0] != e.label(noticeAnswerFailed, langKorean) {
			t.Errorf("deltas %q llm %v notices %q err %v; want the deterministic answer with a notice", got, a.LLM, a.Notices, err)
		}
	})
}

// A follow-up in a thread streams too.
func TestAskInThreadStream(t *testing.T) {
	f := newFakeChat(t, chatStream("3.2에는 ", "고객 대응 절차가 필요합니다 [1]."))
	e := newModelEngine(t, f, nil)
	var got []string
	a, err := e.AskInThreadStream(t.Context(), "3.2는요?", Thread{Item: "1.3", Previous: "1.3에는 무엇이 포함되어야 하나요?"},
		func(d string) { got = append(got, d) })
	if err != nil || a.Item != "3.2" || !a.LLM || strings.Join(got, "") != "3.2에는 고객 대응 절차가 필요합니다 [1]." {
		t.Errorf("item %q llm %v deltas %q err %v; want 3.2 streamed", a.Item, a.LLM, got, err)
	}
}

// A canned answer that matches leads the streamed answer as it leads
// Ask's: the deltas are the model's text alone, the canned answer comes
// with the final Answer.
func TestAskStreamWithCanned(t *testing.T) {
	const modelText = "보안인증서가 있으면 1.2는 작성하지 않아도 됩니다 [1]."
	f := newFakeChat(t, chatStream("보안인증서가 ", "있으면 1.2는 ", "작성하지 않아도 됩니다 [1]."))
	c, err := prompts.New(prompts.Config{BaseURL: f.URL + "/v1", Model: "test-model", Timeout: 5 * time.Second, MaxRetries: -1, Transport: f.net.Transport()})
	if err != nil {
		t.Fatal(err)
	}
	e := newEngineWith(t, Config{Canned: newFakeCanned(staffAnswers...), Model: c})
	const q = "보안인증을 받았으면 1.2를 안 써도 되나요?"
	var got []string
	streamed, err := e.AskStream(t.Context(), q, func(d string) { got = append(got, d) })
	if err != nil {
		t.Fatal(err)
	}
	whole, err := e.Ask(t.Context(), q)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(streamed, whole) {
		t.Errorf("AskStream = %+v\nwant Ask's %+v", streamed, whole)
	}
	if streamed.Canned == nil || !strings.HasPrefix(streamed.Answer, "✅") || !strings.Contains(streamed.Answer, modelText) || !streamed.LLM {
		t.Errorf("answer = %q; want the canned answer first, then the model's text", streamed.Answer)
	}
	if strings.Join(got, "") != modelText {
		t.Errorf("deltas = %q; want the model's text alone", got)
	}
}
