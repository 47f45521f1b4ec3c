package prompts

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestRedirectRefused: a 307 or 308 from the model endpoint is not
// followed; the prompt and the key never reach the host it names, the call
// is not retried, and the error names OPENAI_BASE_URL.
func TestRedirectRefused(t *testing.T) {
	for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect, http.StatusFound} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			var elsewhere atomic.Int64
			evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				elsewhere.Add(1)
				writeChat(w, reviewJSON)
			}))
			defer evil.Close()
			f := newFakeOpenAI(t, func(_ int, _ recorded, w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, evil.URL+"/v1/chat/completions", status)
			})
			var logs bytes.Buffer
			c := newTestClient(t, f, func(cfg *Config) {
				cfg.APIKey = "sk-secret-key"
				cfg.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
			})
			_, err := c.Review(context.Background(), fixedReview())
			if !errors.Is(err, ErrRedirect) || !strings.Contains(err.Error(), "OPENAI_BASE_URL") {
				t.Errorf("err = %v; want ErrRedirect naming OPENAI_BASE_URL", err)
			}
			if n := elsewhere.Load(); n != 0 {
				t.Errorf("the redirect target got %d requests; want none", n)
			}
			if n := len(f.requests()); n != 1 {
				t.Errorf("model server got %d requests; want 1 (a redirect is not retried)", n)
			}
			if !strings.Contains(logs.String(), `"error":"redirect"`) || strings.Contains(logs.String(), "sk-secret") {
				t.Errorf("log = %s; want error=redirect and no key", logs.String())
			}
		})
	}
}

func TestHostGuard(t *testing.T) {
	var reached atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached.Add(1) }))
	defer other.Close()
	hc := newHTTPClient("http://model.example:8000/v1", nil)
	req, _ := http.NewRequest(http.MethodPost, other.URL, nil)
	req.Header.Set("Authorization", "Bearer sk-secret")
	if _, err := hc.Do(req); !errors.Is(err, ErrRedirect) {
		t.Errorf("request to another host: err = %v; want it refused", err)
	}
	if reached.Load() != 0 {
		t.Errorf("the other host was reached")
	}
}

// thinkingSketch is reasoning as Qwen3 or DeepSeek-R1 write it: braces and
// a fenced draft of a wrong answer.
const thinkingSketch = "먼저 {elements} 구조를 생각해 보자. 초안:\n```json\n{\"elements\":[{\"id\":\"1.2-a\",\"status\":\"missing\"}]}\n```\n이걸 다듬자."

func TestParseReviewPastReasoning(t *testing.T) {
	tests := []struct{ name, text string }{
		{"think block", "<think>" + thinkingSketch + "</think>\n" + reviewJSON},
		{"think block then fence", "<think>" + thinkingSketch + "</think>\n```json\n" + reviewJSON + "\n```"},
		{"lone closing tag", thinkingSketch + "\n</think>\n\n" + reviewJSON},
		{"upper-case tag", "<THINK>" + thinkingSketch + "</THINK>" + reviewJSON},
		{"prose with braces around", "결과는 {아래}와 같습니다.\n" + reviewJSON + "\n끝 {}"},
		{"two fences, sketch first", "```\n{\"sketch\": true}\n```\n```json\n" + reviewJSON + "\n```"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, summary, err := parseReview(tt.text)
			if err != nil {
				t.Fatalf("parseReview: %v", err)
			}
			if len(got) != 2 || got[0].ID != "1.2-a" || got[0].Status != "present" || summary != "대체로 충족" {
				t.Errorf("findings = %+v, summary %q; want the real review, not the sketch", got, summary)
			}
		})
	}
	if _, _, err := parseReview("<think>" + reviewJSON); err == nil {
		t.Errorf("an unclosed think block (out of tokens) was parsed; want an error")
	}
}

// TestReasoningStripped: the reasoning of a thinking model, in the content
// or in reasoning / reasoning_content fields, is neither shown nor parsed.
func TestReasoningStripped(t *testing.T) {
	const secret = "추론 내용 {비공개}"
	tests := []struct {
		name   string
		answer func(w http.ResponseWriter, content string)
	}{
		{"think in content", func(w http.ResponseWriter, content string) {
			writeChat(w, "<think>"+secret+"\n```json\n{\"elements\":[]}\n```</think>\n"+content)
		}},
		{"reasoning_content field (vLLM)", func(w http.ResponseWriter, content string) {
			writeChatFields(w, content, map[string]any{"reasoning_content": secret})
		}},
		{"reasoning field (Ollama)", func(w http.ResponseWriter, content string) {
			writeChatFields(w, content, map[string]any{"reasoning": secret})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeOpenAI(t, func(_ int, rec recorded, w http.ResponseWriter, _ *http.Request) {
				if rec.Req.ResponseFormat != nil {
					tt.answer(w, reviewJSON)
					return
				}
				tt.answer(w, "72시간 이내에 통지해야 합니다 [1].")
			})
			c := newTestClient(t, f, nil)
			ans, err := c.Answer(context.Background(), fixedAnswer())
			if err != nil {
				t.Fatalf("Answer: %v", err)
			}
			if ans.Text != "72시간 이내에 통지해야 합니다 [1]." {
				t.Errorf("answer = %q; want the answer without reasoning", ans.Text)
			}
			rev, err := c.Review(context.Background(), fixedReview())
			if err != nil {
				t.Fatalf("Review: %v", err)
			}
			if len(rev.Elements) != 2 || rev.Elements[0].Status != "present" {
				t.Errorf("review = %+v; want the real findings", rev.Elements)
			}
		})
	}
}

// writeChatFields answers with a chat completion whose message has content
// and extra fields (reasoning, reasoning_content).
func writeChatFields(w http.ResponseWriter, content string, fields map[string]any) {
	msg := map[string]any{"role": "assistant", "content": content}
	for k, v := range fields {
		msg[k] = v
	}
	writeJSON(w, map[string]any{
		"id": "chatcmpl-test", "object": "chat.completion", "model": "test-model",
		"choices": []map[string]any{{"index": 0, "message": msg, "finish_reason": "stop"}},
	})
}

// TestFormatFallback: json_schema first, json_object when the server
// refuses it, plain text when it refuses that too; later calls start
// where the server left the client.
func TestFormatFallback(t *testing.T) {
	f := newFakeOpenAI(t, func(_ int, rec recorded, w http.ResponseWriter, _ *http.Request) {
		if rec.Req.ResponseFormat != nil {
			writeError(w, http.StatusBadRequest, "response_format "+string(rec.Req.ResponseFormat.Type)+" is not supported")
			return
		}
		writeChat(w, "검토 결과:\n"+reviewJSON)
	})
	c := newTestClient(t, f, nil)
	for i := range 2 {
		res, err := c.Review(context.Background(), fixedReview())
		if err != nil || len(res.Elements) != 2 {
			t.Fatalf("Review %d: %+v, %v; want the findings from plain text", i+1, res.Elements, err)
		}
	}
	var got []string
	for _, r := range f.requests() {
		format := "text"
		if r.Req.ResponseFormat != nil {
			format = string(r.Req.ResponseFormat.Type)
		}
		got = append(got, format)
	}
	if want := "json_schema json_object text text"; strings.Join(got, " ") != want {
		t.Errorf("formats sent = %q; want %q", got, want)
	}
}

// TestProfileParams: each profile turns thinking off the way its server
// understands, sends nothing else non-standard, and drops the parameter
// for good when the server refuses it.
func TestProfileParams(t *testing.T) {
	tests := []struct {
		profile  Profile
		wantKey  string // the non-standard field sent; "" for none
		refusal  string // the server's message refusing it
		notSents []string
	}{
		{ProfileOpenAI, "", "", []string{"chat_template_kwargs", "reasoning_effort"}},
		{ProfileVLLM, "chat_template_kwargs", "chat_template_kwargs is not supported", []string{"reasoning_effort"}},
		{ProfileOllama, "reasoning_effort", `"qwen2.5:7b" does not support thinking (reasoning_effort)`, []string{"chat_template_kwargs"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.profile), func(t *testing.T) {
			refuse := tt.refusal != ""
			f := newFakeOpenAI(t, func(_ int, rec recorded, w http.ResponseWriter, _ *http.Request) {
				if _, ok := rec.Raw[tt.wantKey]; ok && refuse {
					writeError(w, http.StatusBadRequest, tt.refusal)
					return
				}
				writeChat(w, reviewJSON)
			})
			c := newTestClient(t, f, func(cfg *Config) { cfg.Profile = tt.profile })
			refuse = false
			if _, err := c.Review(context.Background(), fixedReview()); err != nil {
				t.Fatalf("Review: %v", err)
			}
			first := f.requests()[0].Raw
			switch tt.profile {
			case ProfileVLLM:
				if kw, _ := first["chat_template_kwargs"].(map[string]any); kw["enable_thinking"] != false {
					t.Errorf("chat_template_kwargs = %v; want enable_thinking false", first["chat_template_kwargs"])
				}
			case ProfileOllama:
				if first["reasoning_effort"] != "none" {
					t.Errorf("reasoning_effort = %v; want none", first["reasoning_effort"])
				}
			}
			for _, k := range tt.notSents {
				if _, ok := first[k]; ok {
					t.Errorf("%s sent to a %s server", k, tt.profile)
				}
			}
			if tt.refusal == "" {
				return
			}
			// A server that refuses the parameter: asked again without it,
			// and never sent it again.
			refuse = true
			c2 := newTestClient(t, f, func(cfg *Config) { cfg.Profile = tt.profile })
			for range 2 {
				if _, err := c2.Review(context.Background(), fixedReview()); err != nil {
					t.Fatalf("Review with a refusing server: %v", err)
				}
			}
			reqs := f.requests()[1:]
			if len(reqs) != 3 {
				t.Fatalf("got %d requests; want 3 (refused, again without, then without)", len(reqs))
			}
			for i, r := range reqs[1:] {
				if _, ok := r.Raw[tt.wantKey]; ok {
					t.Errorf("request %d still sends %s", i+2, tt.wantKey)
				}
			}
		})
	}
}

func TestGuessProfile(t *testing.T) {
	for url, want := range map[string]Profile{
		"":                                  ProfileOpenAI,
		"https://api.openai.com/v1":         ProfileOpenAI,
		"http://localhost:11434/v1":         ProfileOllama,
		"https://ollama.internal/v1":        ProfileOllama,
		"http://gpu-host:8000/v1":           ProfileVLLM,
		"https://vllm.example.kr/v1":        ProfileVLLM,
		"https://llm.example.kr/openai/v1/": ProfileOpenAI,
	} {
		if got := GuessProfile(url); got != want {
			t.Errorf("GuessProfile(%q) = %q; want %q", url, got, want)
		}
	}
	if _, err := ParseProfile("tgi"); err == nil {
		t.Errorf("ParseProfile(tgi) succeeded; want an error")
	}
	if _, err := New(Config{BaseURL: "http://x/v1", Model: "m", Profile: "tgi"}); err == nil {
		t.Errorf("New with an unknown profile succeeded; want an error")
	}
}
