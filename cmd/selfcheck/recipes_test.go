package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
)

// recipeEnv reads the variables the first sh block under heading exports
// in docs/model.md.
func recipeEnv(t *testing.T, heading string) map[string]string {
	t.Helper()
	doc, err := os.ReadFile("../../docs/model.md")
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(doc, []byte("\n"+heading))
	if i < 0 {
		t.Fatalf("docs/model.md has no heading %q", heading)
	}
	rest := string(doc[i:])
	start := strings.Index(rest, "```sh\n")
	end := strings.Index(rest[start+6:], "```")
	if start < 0 || end < 0 {
		t.Fatalf("no sh block under %q", heading)
	}
	env := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(rest[start+6 : start+6+end]))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "export ") {
			continue
		}
		line, _, _ = strings.Cut(strings.TrimPrefix(line, "export "), " #")
		k, v, _ := strings.Cut(strings.TrimSpace(line), "=")
		env[k] = v
	}
	if len(env) == 0 {
		t.Fatalf("the sh block under %q exports nothing", heading)
	}
	return env
}

// quirkyServer is a fake chat completion server: serve answers a decoded
// request body (with its raw fields) for an answer text, or returns a
// status and an error message.
type quirkyServer struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []map[string]any
}

func newQuirkyServer(t *testing.T, serve func(body map[string]any, answer string, w http.ResponseWriter)) *quirkyServer {
	t.Helper()
	q := &quirkyServer{}
	q.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		if err := json.Unmarshal(raw, &body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body["_auth"] = r.Header.Get("Authorization")
		body["_raw"] = string(raw)
		q.mu.Lock()
		q.bodies = append(q.bodies, body)
		q.mu.Unlock()
		answer := "1.3에는 처리방침과 암호화가 필요합니다 [1]."
		if _, ok := body["response_format"]; ok || strings.Contains(string(raw), "DRAFT_BEGIN") {
			answer = fmt.Sprintf(`{"elements":[{"id":"1.3-f","status":"present","quote":%q,"suggestion":""}],"summary":"ok"}`, cliQuote)
		}
		serve(body, answer, w)
	}))
	t.Cleanup(q.Close)
	return q
}

func (q *quirkyServer) requests() []map[string]any {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]map[string]any(nil), q.bodies...)
}

// reply writes a chat completion with content and extra message fields.
func reply(w http.ResponseWriter, content string, fields map[string]any) {
	msg := map[string]any{"role": "assistant", "content": content}
	for k, v := range fields {
		msg[k] = v
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-test", "object": "chat.completion", "model": "m",
		"choices": []map[string]any{{"index": 0, "finish_reason": "stop", "message": msg}},
	})
}

func refuse(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":{"message":%q,"type":"invalid_request_error"}}`, msg)
}

// thinking is reasoning as Qwen3 writes it, braces and a fence included.
const thinking = "추론: {elements} 초안\n```json\n{\"elements\":[{\"id\":\"1.3-f\",\"status\":\"missing\"}]}\n```"

func responseFormat(body map[string]any) string {
	rf, _ := body["response_format"].(map[string]any)
	s, _ := rf["type"].(string)
	return s
}

// TestRecipes runs each recipe of docs/model.md against a fake of its
// server, quirks included, through the CLI.
func TestRecipes(t *testing.T) {
	tests := []struct {
		name, heading string
		serve         func(body map[string]any, answer string, w http.ResponseWriter)
		check         func(t *testing.T, reqs []map[string]any)
	}{
		{
			name: "OpenAI", heading: "### OpenAI",
			serve: func(body map[string]any, answer string, w http.ResponseWriter) {
				// OpenAI refuses what it does not know and wants its key.
				for _, k := range []string{"chat_template_kwargs", "reasoning_effort", "think"} {
					if _, ok := body[k]; ok {
						refuse(w, http.StatusBadRequest, "Unrecognized request argument supplied: "+k)
						return
					}
				}
				if body["_auth"] != "Bearer sk-..." {
					refuse(w, http.StatusUnauthorized, "Incorrect API key provided")
					return
				}
				reply(w, answer, nil)
			},
			check: func(t *testing.T, reqs []map[string]any) {
				if f := responseFormat(reqs[0]); f != "json_schema" {
					t.Errorf("review asked for %q; want json_schema", f)
				}
				for _, r := range reqs {
					for _, k := range []string{"chat_template_kwargs", "reasoning_effort"} {
						if _, ok := r[k]; ok {
							t.Errorf("%s sent to OpenAI", k)
						}
					}
				}
			},
		},
		{
			name: "Ollama qwen3", heading: "### Ollama",
			serve: func(body map[string]any, answer string, w http.ResponseWriter) {
				if body["reasoning_effort"] != "none" {
					reply(w, "<think>"+thinking+"</think>\n"+answer, map[string]any{"reasoning": thinking})
					return
				}
				reply(w, answer, nil)
			},
			check: func(t *testing.T, reqs []map[string]any) {
				for _, r := range reqs {
					if r["reasoning_effort"] != "none" {
						t.Errorf("reasoning_effort = %v; want none", r["reasoning_effort"])
					}
				}
			},
		},
		{
			name: "older Ollama: thinks anyway, no json_schema", heading: "### Ollama",
			serve: func(body map[string]any, answer string, w http.ResponseWriter) {
				if responseFormat(body) == "json_schema" {
					refuse(w, http.StatusBadRequest, "invalid response_format: json_schema is not supported")
					return
				}
				reply(w, "<think>"+thinking+"</think>\n"+answer, nil)
			},
			check: func(t *testing.T, reqs []map[string]any) {
				if len(reqs) < 2 || responseFormat(reqs[0]) != "json_schema" || responseFormat(reqs[1]) != "json_object" {
					t.Errorf("formats: want json_schema refused, then json_object")
				}
			},
		},
		{
			name: "Ollama with a model that cannot think", heading: "### Ollama",
			serve: func(body map[string]any, answer string, w http.ResponseWriter) {
				if _, ok := body["reasoning_effort"]; ok {
					refuse(w, http.StatusBadRequest, `"qwen2.5:7b" does not support thinking (reasoning_effort)`)
					return
				}
				reply(w, answer, nil)
			},
			check: func(t *testing.T, reqs []map[string]any) {
				if _, ok := reqs[len(reqs)-1]["reasoning_effort"]; ok {
					t.Errorf("the last request still sends reasoning_effort")
				}
			},
		},
		{
			name: "vLLM with a reasoning parser", heading: "### vLLM",
			serve: func(body map[string]any, answer string, w http.ResponseWriter) {
				kw, _ := body["chat_template_kwargs"].(map[string]any)
				if kw["enable_thinking"] != false {
					reply(w, "\n\n"+answer, map[string]any{"reasoning_content": thinking})
					return
				}
				reply(w, answer, map[string]any{"reasoning_content": nil})
			},
			check: func(t *testing.T, reqs []map[string]any) {
				for _, r := range reqs {
					if kw, _ := r["chat_template_kwargs"].(map[string]any); kw["enable_thinking"] != false {
						t.Errorf("chat_template_kwargs = %v; want enable_thinking false", r["chat_template_kwargs"])
					}
				}
			},
		},
	}
	draft := "작성자: 김영수 (010-3456-7890)\n" + cliDraft
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newQuirkyServer(t, tt.serve)
			vars := recipeEnv(t, tt.heading)
			vars["OPENAI_BASE_URL"] = srv.URL + "/v1"
			vars["OPENAI_TIMEOUT"] = "5s"
			getenv := modelTestEnv(t, vars)

			var out, errOut bytes.Buffer
			if err := run(t.Context(), []string{"review", "--json", "1.3", draftFile(t, draft)}, getenv, strings.NewReader(""), &out, &errOut); err != nil {
				t.Fatalf("review: %v\n%s", err, errOut.String())
			}
			var rep knowledge.Report
			if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
				t.Fatalf("review output: %v", err)
			}
			if f, _ := rep.Element("1.3-f"); !rep.LLM || !rep.Model.Used || rep.Model.Upgraded != 1 || f.Status != knowledge.StatusPresent {
				t.Errorf("review: llm %v model %+v 1.3-f %s; want the model's verified upgrade, not its sketch\nnotices %q",
					rep.LLM, rep.Model, f.Status, rep.Notices)
			}
			out.Reset()
			if err := run(t.Context(), []string{"ask", "--json", "1.3에는 무엇이 포함되어야 하나요?"}, getenv, strings.NewReader(""), &out, &errOut); err != nil {
				t.Fatalf("ask: %v\n%s", err, errOut.String())
			}
			var a engine.Answer
			if err := json.Unmarshal(out.Bytes(), &a); err != nil {
				t.Fatalf("ask output: %v", err)
			}
			if !a.LLM || !strings.HasPrefix(a.Answer, "1.3에는 처리방침과") || strings.Contains(a.Answer, "추론") {
				t.Errorf("ask: llm %v answer\n%s\nwant the model's text without its reasoning", a.LLM, a.Answer)
			}
			reqs := srv.requests()
			if len(reqs) < 2 {
				t.Fatalf("got %d requests; want a review and an answer", len(reqs))
			}
			for _, r := range reqs {
				if raw := r["_raw"].(string); strings.Contains(raw, "김영수") || strings.Contains(raw, "3456-7890") {
					t.Errorf("a request carries the draft's personal data")
				}
			}
			tt.check(t, reqs)
		})
	}
}
