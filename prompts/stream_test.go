package prompts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
	"unicode/utf8"
)

// writeSSE answers a streaming request as OpenAI does: one
// `data: {chunk}` event per delta, then `data: [DONE]`. Each delta is the
// content of a chunk, with the extra fields of fields[i] (reasoning,
// reasoning_content) when given; pause is waited between events.
func writeSSE(w http.ResponseWriter, deltas []string, fields []map[string]any, pause time.Duration) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	fl, _ := w.(http.Flusher)
	send := func(delta map[string]any, finish any) {
		raw := mustJSONBytes(map[string]any{
			"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1, "model": "test-model",
			"choices": []map[string]any{{"index": 0, "delta": delta, "finish_reason": finish}},
		})
		fmt.Fprintf(w, "data: %s\n\n", raw)
		if fl != nil {
			fl.Flush()
		}
	}
	send(map[string]any{"role": "assistant", "content": ""}, nil)
	for i, d := range deltas {
		if pause > 0 {
			time.Sleep(pause)
		}
		delta := map[string]any{"content": d}
		if i < len(fields) {
			for k, v := range fields[i] {
				delta[k] = v
			}
		}
		send(delta, nil)
	}
	send(map[string]any{}, "stop")
	fmt.Fprint(w, "data: [DONE]\n\n")
	if fl != nil {
		fl.Flush()
	}
}

func mustJSONBytes(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// streaming reports whether a recorded request asked for a stream.
func streaming(rec recorded) bool { s, _ := rec.Raw["stream"].(bool); return s }

// deltaLog collects what AnswerStream passes on.
type deltaLog struct {
	mu     sync.Mutex
	deltas []string
	first  time.Time
}

func (d *deltaLog) add(s string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.first.IsZero() {
		d.first = time.Now()
	}
	d.deltas = append(d.deltas, s)
}

func (d *deltaLog) joined() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return strings.Join(d.deltas, "")
}

// The answer streams: the request asks for a stream and is masked, the
// deltas come in order as the server sends them, and they join up to the
// text Answer returns for the same completion.
func TestAnswerStream(t *testing.T) {
	deltas := []string{"\n", "유출을 ", "알게 된 때부터 ", "72시간 이내에", " 통지해야 합니다 [1].", "\n\n", "• 담당 부서를 적으세요 [2].", "  \n"}
	content := strings.Join(deltas, "")
	f := newFakeOpenAI(t, func(_ int, rec recorded, w http.ResponseWriter, _ *http.Request) {
		if streaming(rec) {
			writeSSE(w, deltas, nil, 0)
			return
		}
		writeChat(w, content)
	})
	c := newTestClient(t, f, nil)
	// The first stream of a client is held back: the server may open
	// reasoning in the prompt, which only a lone </think> would tell.
	var held deltaLog
	res, err := c.AnswerStream(context.Background(), fixedAnswer(), held.add)
	if err != nil {
		t.Fatalf("AnswerStream: %v", err)
	}
	if len(held.deltas) != 1 || held.deltas[0] != res.Text {
		t.Errorf("first stream deltas = %q; want the answer whole, once", held.deltas)
	}
	var got deltaLog
	res, err = c.AnswerStream(context.Background(), fixedAnswer(), got.add)
	if err != nil {
		t.Fatalf("AnswerStream: %v", err)
	}
	whole, err := c.Answer(context.Background(), fixedAnswer())
	if err != nil {
		t.Fatalf("Answer: %v", err)
	}
	if res != whole {
		t.Errorf("streamed result = %+v; want what Answer returns: %+v", res, whole)
	}
	if got.joined() != res.Text {
		t.Errorf("deltas join to %q; want the answer %q", got.joined(), res.Text)
	}
	want := []string{"유출을", " 알게 된 때부터", " 72시간 이내에", " 통지해야 합니다 [1].", "\n\n• 담당 부서를 적으세요 [2]."}
	if strings.Join(got.deltas, "|") != strings.Join(want, "|") {
		t.Errorf("deltas = %q; want %q (in order, space held back until text follows)", got.deltas, want)
	}
	reqs := f.requests()
	if len(reqs) != 3 || !streaming(reqs[0]) || !streaming(reqs[1]) || streaming(reqs[2]) {
		t.Fatalf("requests stream = %v; want two streams, then a whole answer", reqs)
	}
	if reqs[0].User() != reqs[2].User() || reqs[0].System() != reqs[2].System() {
		t.Error("the streamed prompt differs from Answer's")
	}
	if u := reqs[0].User(); strings.Contains(u, "010-1234-5678") || strings.Contains(u, "minsu@example.com") || strings.Contains(u, "김민수") {
		t.Errorf("streamed prompt carries personal data: %s", u)
	}
}

// A reasoning model: its <think> block, split across chunks anywhere, and
// its reasoning / reasoning_content deltas never reach the caller, and the
// final text is Answer's.
func TestAnswerStreamReasoning(t *testing.T) {
	const secret = "비공개추론"
	contents := []string{
		"<think>" + secret + " 1.2를 볼까</think>\n\n72시간 이내에 통지합니다 [1].",
		"<THINKING>\n" + secret + "\n</THINKING>72시간 이내에 통지합니다 [1].",
		secret + " 템플릿이 연 블록</think>72시간 이내에 통지합니다 [1].",
		"72시간 이내에 <think>" + secret + "</think>통지합니다 [1].",
		"72시간 이내에 통지합니다 [1]. <reasoning>" + secret + " 토큰이 다 떨어",
		"a < b 이고 <thin 은 태그가 아닙니다 [1].",
	}
	for ci, content := range contents {
		want := stripReasoning(content)
		// Every way of cutting the content in two, and in chunks of 1 to 4 bytes.
		var splits [][]string
		for i := 1; i < len(content); i++ {
			splits = append(splits, []string{content[:i], content[i:]})
		}
		for size := 1; size <= 4; size++ {
			var chunks []string
			for i := 0; i < len(content); i += size {
				chunks = append(chunks, content[i:min(i+size, len(content))])
			}
			splits = append(splits, chunks)
		}
		for si, chunks := range splits {
			if !validUTF8(chunks) {
				continue // servers send whole characters
			}
			for _, hold := range []bool{true, false} {
				var got deltaLog
				f := thinkFilter{emit: got.add, hold: hold}
				for _, ch := range chunks {
					f.write(ch)
				}
				f.close()
				j := got.joined()
				if !hold && f.lone {
					// Passed on live, reasoning opened in the prompt cannot be
					// told from an answer: the filter stops at the tag, and
					// the client holds its later streams back.
					if !f.broken && j != want {
						t.Fatalf("content %d split %d %q live: deltas %q; want %q or a broken stream", ci, si, chunks, j, want)
					}
					continue
				}
				if j != want || strings.Contains(j, secret) || strings.Contains(strings.ToLower(j), "think>") {
					t.Fatalf("content %d split %d %q hold %v: deltas join to %q; want %q", ci, si, chunks, hold, j, want)
				}
			}
		}
	}

	// Over the wire, with reasoning fields on the deltas.
	fields := []map[string]any{{"reasoning_content": secret}, {"reasoning": secret}, {"reasoning_content": secret}}
	f := newFakeOpenAI(t, func(_ int, rec recorded, w http.ResponseWriter, _ *http.Request) {
		writeSSE(w, []string{"<th", "ink>" + secret, "</thi", "nk>72시간 ", "이내에 통지합니다 [1]."}, fields, 0)
	})
	c := newTestClient(t, f, func(cfg *Config) { cfg.Profile = ProfileVLLM })
	for i := range 2 { // held back, then live
		var got deltaLog
		res, err := c.AnswerStream(context.Background(), fixedAnswer(), got.add)
		if err != nil {
			t.Fatalf("AnswerStream: %v", err)
		}
		if res.Text != "72시간 이내에 통지합니다 [1]." || got.joined() != res.Text {
			t.Errorf("call %d: text = %q, deltas = %q; want the answer alone", i, res.Text, got.deltas)
		}
	}
	if kw, _ := f.requests()[0].Raw["chat_template_kwargs"].(map[string]any); kw["enable_thinking"] != false {
		t.Errorf("streamed request = %v; want the profile's thinking switched off", f.requests()[0].Raw)
	}
}

func validUTF8(chunks []string) bool {
	for _, c := range chunks {
		if !utf8.ValidString(c) {
			return false
		}
	}
	return true
}

// A server that will not stream, by refusing the parameter or by
// answering with a whole completion, gets the call again without it, and
// later calls do not try: the answer arrives whole, with no deltas.
func TestAnswerStreamRefused(t *testing.T) {
	tests := []struct {
		name   string
		refuse func(w http.ResponseWriter)
	}{
		{"400 naming stream", func(w http.ResponseWriter) {
			writeError(w, http.StatusBadRequest, "stream is not supported for this model")
		}},
		{"whole completion", func(w http.ResponseWriter) { writeChat(w, "72시간 이내에 통지합니다 [1].") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeOpenAI(t, func(_ int, rec recorded, w http.ResponseWriter, _ *http.Request) {
				if streaming(rec) {
					tt.refuse(w)
					return
				}
				writeChat(w, "72시간 이내에 통지합니다 [1].")
			})
			c := newTestClient(t, f, nil)
			for i := range 2 {
				var got deltaLog
				res, err := c.AnswerStream(context.Background(), fixedAnswer(), got.add)
				if err != nil {
					t.Fatalf("call %d: %v", i, err)
				}
				if res.Text != "72시간 이내에 통지합니다 [1]." || len(got.deltas) != 0 {
					t.Errorf("call %d: text %q, deltas %q; want the whole answer and no deltas", i, res.Text, got.deltas)
				}
			}
			var kinds []bool
			for _, r := range f.requests() {
				kinds = append(kinds, streaming(r))
			}
			if fmt.Sprint(kinds) != "[true false false]" {
				t.Errorf("requests streaming = %v; want one refused stream, then whole answers", kinds)
			}
		})
	}
}

// A failure before any text is retried like any other; a stream broken
// after text was shown is not (the user would see it twice).
func TestAnswerStreamFailures(t *testing.T) {
	t.Run("5xx before the stream is retried", func(t *testing.T) {
		f := newFakeOpenAI(t, func(n int, _ recorded, w http.ResponseWriter, _ *http.Request) {
			if n == 0 {
				writeError(w, http.StatusServiceUnavailable, "overloaded")
				return
			}
			writeSSE(w, []string{"통지합니다 [1]."}, nil, 0)
		})
		c := newTestClient(t, f, nil)
		var got deltaLog
		res, err := c.AnswerStream(context.Background(), fixedAnswer(), got.add)
		if err != nil || res.Text != "통지합니다 [1]." || got.joined() != res.Text || len(f.requests()) != 2 {
			t.Errorf("res %q err %v deltas %q requests %d; want the retried stream", res.Text, err, got.deltas, len(f.requests()))
		}
	})
	t.Run("broken mid-stream is not retried", func(t *testing.T) {
		f := newFakeOpenAI(t, func(_ int, _ recorded, w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"72시간 이내에 \"}}]}\n\n")
			w.(http.Flusher).Flush()
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		})
		c := newTestClient(t, f, nil)
		c.streamLive.Store(true)
		var got deltaLog
		_, err := c.AnswerStream(context.Background(), fixedAnswer(), got.add)
		if err == nil || !errors.Is(err, errStreamBroken) {
			t.Errorf("err = %v; want the broken stream reported", err)
		}
		if got.joined() != "72시간 이내에" || len(f.requests()) != 1 {
			t.Errorf("deltas %q, requests %d; want the shown part once and no retry", got.deltas, len(f.requests()))
		}
	})
	t.Run("redirect refused", func(t *testing.T) {
		f := newFakeOpenAI(t, func(_ int, _ recorded, w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://elsewhere.invalid/v1/chat/completions", http.StatusTemporaryRedirect)
		})
		c := newTestClient(t, f, nil)
		if _, err := c.AnswerStream(context.Background(), fixedAnswer(), func(string) {}); !errors.Is(err, ErrRedirect) {
			t.Errorf("err = %v; want ErrRedirect", err)
		}
	})
	t.Run("timeout covers the stream", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			f := newFakeOpenAI(t, func(_ int, _ recorded, w http.ResponseWriter, _ *http.Request) {
				writeSSE(w, []string{"첫", "둘", "셋", "넷"}, nil, 150*time.Millisecond)
			})
			c := newTestClient(t, f, func(cfg *Config) { cfg.Timeout = 300 * time.Millisecond })
			start := time.Now()
			_, err := c.AnswerStream(context.Background(), fixedAnswer(), func(string) {})
			if err == nil || time.Since(start) != 300*time.Millisecond {
				t.Errorf("err = %v after %v of the bubble's clock; want a failure at the 300ms timeout", err, time.Since(start))
			}
		})
	})
	t.Run("busy", func(t *testing.T) {
		unblock := make(chan struct{})
		arrived := make(chan struct{}, 2)
		f := newFakeOpenAI(t, func(_ int, _ recorded, w http.ResponseWriter, _ *http.Request) {
			arrived <- struct{}{}
			<-unblock
			writeSSE(w, []string{"ok"}, nil, 0)
		})
		c := newTestClient(t, f, func(cfg *Config) { cfg.MaxConcurrent, cfg.QueueSize = 1, -1 })
		done := make(chan error, 1)
		go func() {
			_, err := c.AnswerStream(context.Background(), fixedAnswer(), func(string) {})
			done <- err
		}()
		<-arrived
		if _, err := c.AnswerStream(context.Background(), fixedAnswer(), func(string) {}); !errors.Is(err, ErrBusy) {
			t.Errorf("second call err = %v; want ErrBusy while the first streams", err)
		}
		close(unblock)
		if err := <-done; err != nil {
			t.Errorf("first call: %v", err)
		}
	})
}

// The first delta arrives as soon as the server sends it, not when the
// answer is complete.
func TestAnswerStreamFirstDelta(t *testing.T) {
	synctest.Test(t, testAnswerStreamFirstDelta)
}

func testAnswerStreamFirstDelta(t *testing.T) {
	const pause = 100 * time.Millisecond
	f := newFakeOpenAI(t, func(_ int, _ recorded, w http.ResponseWriter, _ *http.Request) {
		writeSSE(w, []string{"72시간 ", "이내에 ", "통지합니다 ", "[1]."}, nil, pause)
	})
	c := newTestClient(t, f, nil)
	c.streamLive.Store(true) // a server known not to open reasoning in the prompt
	var got deltaLog
	start := time.Now()
	if _, err := c.AnswerStream(context.Background(), fixedAnswer(), got.add); err != nil {
		t.Fatal(err)
	}
	// The bubble's clock: the server pauses before each of its 4 chunks.
	first, total := got.first.Sub(start), time.Since(start)
	if first != pause || total != 4*pause {
		t.Errorf("first delta after %v of %v; want it with the first chunk, after %v of %v", first, total, pause, 4*pause)
	}
}
