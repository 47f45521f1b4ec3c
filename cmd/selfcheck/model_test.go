package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/prompts"
	"github.com/selfcheck/selfcheck/usererr"
)

// fakeModel is an httptest server speaking the OpenAI chat completion
// protocol; it answers every POST /v1/chat/completions with status and,
// for 200, a chat completion whose message is content.
func fakeModel(t *testing.T, status int, content string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
			http.NotFound(w, r)
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if status != http.StatusOK {
			w.WriteHeader(status)
			fmt.Fprint(w, `{"error":{"message":"upstream failure","type":"server_error","param":null,"code":null}}`)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-test", "object": "chat.completion", "created": time.Now().Unix(), "model": "test-model",
			"choices": []map[string]any{{"index": 0, "finish_reason": "stop",
				"message": map[string]any{"role": "assistant", "content": content}}},
			"usage": map[string]any{"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
		})
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

// modelTestEnv returns a getenv over vars, with DATA_DIR in a temporary
// directory so that tests never write to $HOME.
func modelTestEnv(t *testing.T, vars map[string]string) func(string) string {
	t.Helper()
	env := map[string]string{"DATA_DIR": t.TempDir()}
	for k, v := range vars {
		env[k] = v
	}
	return func(k string) string { return env[k] }
}

// modelEnv configures the model at srv with short limits.
func modelEnv(srv *httptest.Server) map[string]string {
	return map[string]string{
		"OPENAI_BASE_URL":   srv.URL + "/v1",
		"OPENAI_MODEL":      "test-model",
		"OPENAI_TIMEOUT":    "2s",
		"MODEL_MAX_RETRIES": "1",
	}
}

// draftFile writes a draft for item 1.3 and returns its path.
func draftFile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "draft.txt")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// "해외 어디에도 두지 않습니다" is evidence for 1.3-f that the
// deterministic patterns do not know; a model may point it out.
const (
	cliDraft = "비밀번호는 SHA-256으로 해시하여 저장한다.\n고객 정보는 해외 어디에도 두지 않습니다.\n"
	cliQuote = "고객 정보는 해외 어디에도 두지 않습니다."
)

func TestReviewJSONWithModel(t *testing.T) {
	review := fmt.Sprintf(`{"elements":[{"id":"1.3-f","status":"present","quote":%q,"suggestion":""}],"summary":"ok"}`, cliQuote)
	tests := []struct {
		name    string
		status  int    // the fake's answer; 0: no model configured
		content string // the fake's message
		llm     bool
		calls   bool
		notice  string // a substring of some notice; "" wants no model notice
		f       knowledge.Status
	}{
		{name: "model off", llm: false, f: knowledge.StatusMissing},
		{name: "model answers", status: http.StatusOK, content: review, llm: true, calls: true, f: knowledge.StatusPresent},
		{name: "model fails", status: http.StatusInternalServerError, llm: false, calls: true, notice: "기본 검토 결과", f: knowledge.StatusMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{}
			var calls *atomic.Int64
			if tt.status != 0 {
				var srv *httptest.Server
				srv, calls = fakeModel(t, tt.status, tt.content)
				vars = modelEnv(srv)
			}
			var out, errOut bytes.Buffer
			err := run(t.Context(), []string{"review", "--json", "1.3", draftFile(t, cliDraft)}, modelTestEnv(t, vars), strings.NewReader(""), &out, &errOut)
			if err != nil {
				t.Fatalf("run: got %v (exit %d); want exit 0\nstderr: %s", err, exitCode(err, io.Discard), errOut.String())
			}
			if strings.Contains(errOut.String(), "대한민국") {
				t.Errorf("the log carries the draft:\n%s", errOut.String())
			}
			if !strings.Contains(out.String(), fmt.Sprintf(`"llm": %v`, tt.llm)) {
				t.Errorf("got\n%s\nwant \"llm\": %v", out.String(), tt.llm)
			}
			var rep knowledge.Report
			if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
				t.Fatalf("output is not a report: %v", err)
			}
			if got, _ := rep.Element("1.3-f"); got.Status != tt.f {
				t.Errorf("1.3-f: got %s; want %s", got.Status, tt.f)
			}
			if calls != nil && (calls.Load() > 0) != tt.calls {
				t.Errorf("got %d model calls; want calls %v", calls.Load(), tt.calls)
			}
			found := false
			for _, n := range rep.Notices {
				found = found || (tt.notice != "" && strings.Contains(n, tt.notice))
				if strings.Contains(n, "모델") && tt.notice == "" {
					t.Errorf("got notice %q; want no model notice", n)
				}
			}
			if tt.notice != "" && !found {
				t.Errorf("got notices %q; want one with %q", rep.Notices, tt.notice)
			}
		})
	}
}

func TestAskJSONWithModel(t *testing.T) {
	srv, calls := fakeModel(t, http.StatusOK, "모델이 쓴 답변입니다 [1].")
	var out, errOut bytes.Buffer
	err := run(t.Context(), []string{"ask", "--json", "1.3에는 무엇이 포함되어야 하나요?"}, modelTestEnv(t, modelEnv(srv)), strings.NewReader(""), &out, &errOut)
	if err != nil {
		t.Fatalf("run: %v\nstderr: %s", err, errOut.String())
	}
	var a engine.Answer
	if err := json.Unmarshal(out.Bytes(), &a); err != nil {
		t.Fatalf("output is not an answer: %v\n%s", err, out.String())
	}
	if !a.LLM || !strings.HasPrefix(a.Answer, "모델이 쓴 답변입니다") || calls.Load() != 1 {
		t.Errorf("got llm %v, %d calls, answer\n%s\nwant llm true, 1 call and the model's text first", a.LLM, calls.Load(), a.Answer)
	}
	if !strings.Contains(out.String(), `"llm": true`) {
		t.Errorf("got\n%s\nwant \"llm\": true", out.String())
	}
}

// A link the model writes whose text is not its target is printed by its
// target in the terminal and in JSON, as in Slack.
func TestAskShowsLinkTargets(t *testing.T) {
	srv, _ := fakeModel(t, http.StatusOK, "자세한 내용은 <https://evil.example/x|https://www.digital.go.kr/guide> 를 보세요 [1].")
	for _, args := range [][]string{{"ask"}, {"ask", "--json"}} {
		var out, errOut bytes.Buffer
		err := run(t.Context(), append(args, "1.3에는 무엇이 포함되어야 하나요?"), modelTestEnv(t, modelEnv(srv)), strings.NewReader(""), &out, &errOut)
		if err != nil {
			t.Fatalf("%v: %v\nstderr: %s", args, err, errOut.String())
		}
		if got := out.String(); !strings.Contains(got, "https://evil.example/x") || strings.Contains(got, "digital.go.kr/guide") {
			t.Errorf("%v printed\n%s\nwant the link shown by its target only", args, got)
		}
	}
}

func TestModelConfigErrors(t *testing.T) {
	tests := []struct {
		vars map[string]string
		name string // the variable the message must name
	}{
		{map[string]string{"OPENAI_TIMEOUT": "thirty"}, "OPENAI_TIMEOUT"},
		{map[string]string{"OPENAI_TIMEOUT": "30"}, "OPENAI_TIMEOUT"},
		{map[string]string{"OPENAI_TIMEOUT": "-5s"}, "OPENAI_TIMEOUT"},
		{map[string]string{"MODEL_MAX_RETRIES": "two"}, "MODEL_MAX_RETRIES"},
		{map[string]string{"MODEL_MAX_CONCURRENT": "-1"}, "MODEL_MAX_CONCURRENT"},
		{map[string]string{"MODEL_QUEUE": "1.5"}, "MODEL_QUEUE"},
		{map[string]string{"MODEL_CONTEXT_CHARS": "12k"}, "MODEL_CONTEXT_CHARS"},
		{map[string]string{"OPENAI_BASE_URL": "http://localhost:11434/v1"}, "OPENAI_MODEL"},
		{map[string]string{"OPENAI_BASE_URL": "localhost:11434", "OPENAI_MODEL": "m"}, "OPENAI_BASE_URL"},
		{map[string]string{"MODEL": "no"}, "MODEL="},
		{map[string]string{"MODEL_PROFILE": "llamacpp"}, "MODEL_PROFILE"},
	}
	path := draftFile(t, cliDraft)
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.vars), func(t *testing.T) {
			err := run(t.Context(), []string{"review", "--json", "1.3", path}, modelTestEnv(t, tt.vars), strings.NewReader(""), io.Discard, io.Discard)
			if !usererr.Is(err) {
				t.Fatalf("got %v (%T); want a user error", err, err)
			}
			if !strings.Contains(err.Error(), tt.name) {
				t.Errorf("got %q; want it to name %s", err, tt.name)
			}
			if got := exitCode(err, io.Discard); got != 2 {
				t.Errorf("got exit %d; want 2", got)
			}
		})
	}
}

func TestModelConfigValues(t *testing.T) {
	cfg, err := loadConfig(modelTestEnv(t, map[string]string{
		"OPENAI_API_KEY": "sk-test", "OPENAI_TIMEOUT": "45s", "MODEL_MAX_RETRIES": "-1",
		"MODEL_MAX_CONCURRENT": "2", "MODEL_QUEUE": "8", "MODEL_CONTEXT_CHARS": "6000",
	}))
	if err != nil {
		t.Fatal(err)
	}
	pc, err := cfg.modelConfig(nil)
	if err != nil {
		t.Fatal(err)
	}
	if pc.APIKey != "sk-test" || pc.Timeout != 45*time.Second || pc.MaxRetries != -1 || pc.MaxConcurrent != 2 || pc.QueueSize != 8 || pc.ContextChars != 6000 {
		t.Errorf("got %+v; want the values of the environment", pc)
	}
	m, err := newModel(cfg, nil)
	if err != nil || m == nil {
		t.Errorf("newModel with a key: got %v, %v; want a client", m, err)
	}
	off, err := loadConfig(modelTestEnv(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	if m, err := newModel(off, nil); err != nil || m != nil {
		t.Errorf("newModel without key or base URL: got %v, %v; want nil, nil", m, err)
	}
}

// TestModelOff: MODEL=off keeps the chat model off whatever OPENAI_* says,
// while EMBEDDINGS=openai still gets the connection.
func TestModelOff(t *testing.T) {
	cfg, err := loadConfig(modelTestEnv(t, map[string]string{
		"MODEL": "off", "OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": "http://localhost:11434/v1",
		"EMBEDDINGS": "openai",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if m, err := newModel(cfg, nil); err != nil || m != nil {
		t.Errorf("newModel with MODEL=off: got %v, %v; want nil, nil", m, err)
	}
	if ic := indexConfig(cfg, nil); ic.OpenAIKey != "sk-test" || ic.OpenAIBaseURL == "" {
		t.Errorf("index config = %+v; want the OPENAI_* connection for embeddings", ic)
	}
}

func TestModelProfile(t *testing.T) {
	for _, tt := range []struct {
		vars map[string]string
		want prompts.Profile
	}{
		{map[string]string{"OPENAI_BASE_URL": "http://gpu:8000/v1", "OPENAI_MODEL": "m", "MODEL_PROFILE": "Ollama"}, prompts.ProfileOllama},
		{map[string]string{"OPENAI_BASE_URL": "http://gpu:8000/v1", "OPENAI_MODEL": "m"}, ""},
	} {
		cfg, err := loadConfig(modelTestEnv(t, tt.vars))
		if err != nil {
			t.Fatal(err)
		}
		pc, err := cfg.modelConfig(nil)
		if err != nil || pc.Profile != tt.want {
			t.Errorf("%v: profile %q, %v; want %q (empty: guessed by prompts)", tt.vars, pc.Profile, err, tt.want)
		}
	}
}
