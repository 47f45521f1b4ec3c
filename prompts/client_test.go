package prompts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/selfcheck/selfcheck/knowledge"
)

func TestNew(t *testing.T) {
	tests := []struct {
		name      string
		cfg       Config
		wantNil   bool
		wantErr   bool
		wantModel string
	}{
		{"off when nothing is set", Config{Model: "x"}, true, false, ""},
		{"off with blanks", Config{APIKey: "  ", BaseURL: " "}, true, false, ""},
		{"OpenAI with default model", Config{APIKey: "sk-test"}, false, false, DefaultModel},
		{"OpenAI with model", Config{APIKey: "sk-test", Model: "gpt-4.1-mini"}, false, false, "gpt-4.1-mini"},
		{"Ollama without key", Config{BaseURL: "http://localhost:11434/v1", Model: "qwen2.5:7b"}, false, false, "qwen2.5:7b"},
		{"base URL needs a model", Config{BaseURL: "http://localhost:11434/v1"}, true, true, ""},
		{"bad base URL", Config{BaseURL: "localhost:11434", Model: "m"}, true, true, ""},
		{"negative timeout", Config{APIKey: "k", Timeout: -time.Second}, true, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.cfg)
			if (err != nil) != tt.wantErr {
				t.Fatalf("New err = %v; want error %v", err, tt.wantErr)
			}
			if (c == nil) != tt.wantNil {
				t.Fatalf("New client nil = %v; want %v", c == nil, tt.wantNil)
			}
			if Enabled(tt.cfg) == (tt.wantNil && !tt.wantErr) {
				t.Errorf("Enabled = %v; want %v", Enabled(tt.cfg), !(tt.wantNil && !tt.wantErr))
			}
			if got := c.Model(); got != tt.wantModel {
				t.Errorf("Model() = %q; want %q", got, tt.wantModel)
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	c, err := New(Config{APIKey: "k", MaxRetries: -1, QueueSize: -1})
	if err != nil {
		t.Fatal(err)
	}
	got := c.cfg
	if got.Timeout != DefaultTimeout || got.MaxRetries != 0 || got.MaxConcurrent != DefaultMaxConcurrent ||
		got.QueueSize != 0 || got.ContextChars != DefaultContextChars || got.Logger == nil {
		t.Errorf("config = %+v; want defaults with no retries and no queue", got)
	}
}

func TestNilClient(t *testing.T) {
	var c *Client
	if _, err := c.Answer(context.Background(), AnswerRequest{Question: "q"}); !errors.Is(err, ErrDisabled) {
		t.Errorf("Answer err = %v; want ErrDisabled", err)
	}
	if _, err := c.Review(context.Background(), ReviewRequest{Draft: "d"}); !errors.Is(err, ErrDisabled) {
		t.Errorf("Review err = %v; want ErrDisabled", err)
	}
}

func TestAnswerRequest(t *testing.T) {
	tests := []struct {
		name     string
		key      string
		wantAuth string
	}{
		{"local server without key", "", ""},
		{"with key", "sk-test", "Bearer sk-test"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeOpenAI(t, func(_ int, _ recorded, w http.ResponseWriter, _ *http.Request) {
				writeChat(w, "  72시간 이내입니다 [1].\n")
			})
			c := newTestClient(t, f, func(cfg *Config) { cfg.APIKey = tt.key })
			res, err := c.Answer(context.Background(), fixedAnswer())
			if err != nil {
				t.Fatalf("Answer: %v", err)
			}
			if res.Text != "72시간 이내입니다 [1]." || res.PromptVersion != "answer-system-v1/answer-v1" {
				t.Errorf("result = %+v; want trimmed text and answer-system-v1/answer-v1", res)
			}
			reqs := f.requests()
			if len(reqs) != 1 {
				t.Fatalf("got %d requests; want 1", len(reqs))
			}
			r := reqs[0]
			if r.Path != "POST /v1/chat/completions" || r.Req.Model != "test-model" || r.Auth != tt.wantAuth {
				t.Errorf("request %s model %q auth %q; want POST /v1/chat/completions, test-model, %q", r.Path, r.Req.Model, r.Auth, tt.wantAuth)
			}
			if len(r.Req.Messages) != 2 || r.Req.Messages[0].Role != "system" || r.Req.Messages[1].Role != "user" {
				t.Fatalf("messages = %+v; want system then user", r.Req.Messages)
			}
			if _, ok := r.Raw["response_format"]; ok {
				t.Errorf("answer sent response_format %v; want none", r.Raw["response_format"])
			}
			for _, s := range []string{"010-1234-5678", "minsu@example.com", "김민수", "홍길동"} {
				if strings.Contains(r.User(), s) {
					t.Errorf("sent text contains %q; want it masked", s)
				}
			}
			for _, s := range []string{"[전화번호]", "[이메일]", "[이름] 과장", "[1] 종류: guidance", "72시간 이내에 정보주체에게", "아직 안내가 없습니다"} {
				if !strings.Contains(r.User()+r.System(), s) {
					t.Errorf("sent prompt lacks %q", s)
				}
			}
		})
	}
}

func TestReviewRequest(t *testing.T) {
	f := newFakeOpenAI(t, func(_ int, _ recorded, w http.ResponseWriter, _ *http.Request) {
		writeChat(w, reviewJSON)
	})
	c := newTestClient(t, f, nil)
	res, err := c.Review(context.Background(), fixedReview())
	if err != nil {
		t.Fatalf("Review: %v", err)
	}
	want := []knowledge.ModelFinding{
		{ID: "1.2-a", Status: knowledge.StatusPresent, Quote: "72시간 이내에 통지한다"},
		{ID: "1.2-b", Status: knowledge.StatusMissing, Suggestion: "통지 방법을 적으세요."},
	}
	if len(res.Elements) != len(want) || res.Elements[0] != want[0] || res.Elements[1] != want[1] {
		t.Errorf("Elements = %+v; want %+v", res.Elements, want)
	}
	if res.Summary != "대체로 충족" || res.Trimmed || res.PromptVersion != "review-system-v1/review-v1" {
		t.Errorf("result = %+v; want summary, not trimmed, review-system-v1/review-v1", res)
	}
	r := f.requests()[0]
	rf := r.Req.ResponseFormat
	if rf == nil || rf.Type != openai.ChatCompletionResponseFormatTypeJSONSchema || rf.JSONSchema == nil ||
		rf.JSONSchema.Name != "review" || !rf.JSONSchema.Strict {
		t.Fatalf("response_format = %+v; want a strict json_schema named review", rf)
	}
	schema, _ := r.Raw["response_format"].(map[string]any)["json_schema"].(map[string]any)["schema"].(map[string]any)
	if schema["type"] != "object" || !strings.Contains(string(mustJSON(t, schema)), `"not_applicable"`) {
		t.Errorf("schema = %v; want the review schema with the status enum", schema)
	}
	user := r.User()
	for _, s := range []string{DraftBegin, DraftEnd, "신뢰할 수 없는 자료", "유출 통지의 시기, 방법, 담당부서", "1.2-c: 담당부서", "1.2-a: present", "예시 1:", "[이름] 팀장", "[이메일]"} {
		if !strings.Contains(user, s) {
			t.Errorf("review prompt lacks %q", s)
		}
	}
	for _, s := range []string{"이영희", "yh.lee@example.com", "010-9876-5432"} {
		if strings.Contains(user, s) {
			t.Errorf("review prompt contains %q; want it masked", s)
		}
	}
	begin, end := strings.LastIndex(user, DraftBegin), strings.LastIndex(user, DraftEnd)
	if inner := user[begin+len(DraftBegin) : end]; strings.Contains(inner, DraftEnd) || !strings.Contains(inner, "72시간 이내에 통지한다") {
		t.Errorf("draft between delimiters = %q; want the draft without a delimiter of its own", inner)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name       string
		maxRetries int
		statuses   []int // answer per request; 200 ends the sequence
		wantReqs   int
		wantErr    bool
		wantStatus int
	}{
		{"500 twice then success", 0, []int{500, 500, 200}, 3, false, 0},
		{"500 until retries run out", 0, []int{500, 500, 500, 200}, 3, true, 500},
		{"502 with an HTML body", 0, []int{502, 200}, 2, false, 0},
		{"429 then success", 0, []int{429, 200}, 2, false, 0},
		{"400 is not retried", 0, []int{400, 200}, 1, true, 400},
		{"401 is not retried", 0, []int{401, 200}, 1, true, 401},
		{"404 is not retried", 0, []int{404, 200}, 1, true, 404},
		{"no retries configured", -1, []int{503, 200}, 1, true, 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeOpenAI(t, func(n int, _ recorded, w http.ResponseWriter, _ *http.Request) {
				switch s := tt.statuses[min(n, len(tt.statuses)-1)]; {
				case s == 200:
					writeChat(w, "ok")
				case s == 502:
					w.WriteHeader(s)
					_, _ = w.Write([]byte("<html>bad gateway</html>"))
				default:
					writeError(w, s, "failure")
				}
			})
			c := newTestClient(t, f, func(cfg *Config) { cfg.MaxRetries = tt.maxRetries })
			_, err := c.Answer(context.Background(), AnswerRequest{Question: "질문"})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v; want error %v", err, tt.wantErr)
			}
			if got := len(f.requests()); got != tt.wantReqs {
				t.Errorf("requests = %d; want %d", got, tt.wantReqs)
			}
			if tt.wantStatus != 0 && httpStatus(err) != tt.wantStatus {
				t.Errorf("status of %v = %d; want %d", err, httpStatus(err), tt.wantStatus)
			}
		})
	}
}

func TestNetworkErrorRetried(t *testing.T) {
	synctest.Test(t, testNetworkErrorRetried)
}

func testNetworkErrorRetried(t *testing.T) {
	f := newFakeOpenAI(t, nil)
	c := newTestClient(t, f, nil)
	f.Close() // connections are refused from now on
	var buf bytes.Buffer
	c.log = slog.New(slog.NewJSONHandler(&buf, nil))
	start := time.Now()
	_, err := c.Answer(context.Background(), AnswerRequest{Question: "질문"})
	if err == nil || errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v; want a connection error", err)
	}
	if d := time.Since(start); d > 2*c.backoffMax {
		t.Errorf("call took %s of the bubble's clock; want only the two short backoffs", d)
	}
	if !strings.Contains(buf.String(), `"attempts":3`) {
		t.Errorf("log = %s; want 3 attempts (network errors are retried)", buf.String())
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	synctest.Test(t, testRetryAfterHonoured)
}

func testRetryAfterHonoured(t *testing.T) {
	f := newFakeOpenAI(t, func(n int, _ recorded, w http.ResponseWriter, _ *http.Request) {
		if n == 0 {
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusTooManyRequests, "rate limited")
			return
		}
		writeChat(w, "ok")
	})
	c := newTestClient(t, f, nil)
	start := time.Now()
	if _, err := c.Answer(context.Background(), AnswerRequest{Question: "질문"}); err != nil {
		t.Fatalf("Answer: %v", err)
	}
	retryAfter := time.Second // the bubble's fake clock: exact, not wall time
	if d := time.Since(start); d < retryAfter || d > retryAfter+c.backoffMax {
		t.Errorf("call took %s of the bubble's clock; want the 1s of Retry-After", d)
	}
	if got := len(f.requests()); got != 2 {
		t.Errorf("requests = %d; want 2", got)
	}
}

func TestRetryAfterCapped(t *testing.T) {
	synctest.Test(t, testRetryAfterCapped)
}

func testRetryAfterCapped(t *testing.T) {
	f := newFakeOpenAI(t, func(n int, _ recorded, w http.ResponseWriter, _ *http.Request) {
		if n == 0 {
			w.Header().Set("Retry-After", "3600")
			writeError(w, http.StatusTooManyRequests, "rate limited")
			return
		}
		writeChat(w, "ok")
	})
	c := newTestClient(t, f, nil)
	c.retryAfterMax = 50 * time.Millisecond
	start := time.Now()
	if _, err := c.Answer(context.Background(), AnswerRequest{Question: "질문"}); err != nil {
		t.Fatalf("Answer: %v", err)
	}
	if d := time.Since(start); d < 50*time.Millisecond || d > 50*time.Millisecond+c.backoffMax {
		t.Errorf("call took %s of the bubble's clock; want the Retry-After capped at 50ms", d)
	}
}

func TestSchemaFallback(t *testing.T) {
	f := newFakeOpenAI(t, func(_ int, rec recorded, w http.ResponseWriter, _ *http.Request) {
		if rec.Req.ResponseFormat != nil && rec.Req.ResponseFormat.Type == openai.ChatCompletionResponseFormatTypeJSONSchema {
			writeError(w, http.StatusBadRequest, "response_format type json_schema is not supported by this model")
			return
		}
		writeChat(w, "```json\n"+reviewJSON+"\n```")
	})
	c := newTestClient(t, f, nil)
	for i := range 2 {
		res, err := c.Review(context.Background(), fixedReview())
		if err != nil {
			t.Fatalf("Review %d: %v", i+1, err)
		}
		if len(res.Elements) != 2 {
			t.Errorf("Review %d elements = %+v; want 2 parsed from the fenced answer", i+1, res.Elements)
		}
	}
	var got []string
	for _, r := range f.requests() {
		got = append(got, string(r.Req.ResponseFormat.Type))
	}
	if want := "json_schema json_object json_object"; strings.Join(got, " ") != want {
		t.Errorf("formats sent = %q; want %q", got, want)
	}
}

func TestOther400NoFallback(t *testing.T) {
	f := newFakeOpenAI(t, func(_ int, _ recorded, w http.ResponseWriter, _ *http.Request) {
		writeError(w, http.StatusBadRequest, "context length exceeded")
	})
	c := newTestClient(t, f, nil)
	if _, err := c.Review(context.Background(), fixedReview()); httpStatus(err) != 400 {
		t.Errorf("err = %v; want the 400", err)
	}
	if got := len(f.requests()); got != 1 {
		t.Errorf("requests = %d; want 1", got)
	}
}

func TestReviewTrimsLongDraft(t *testing.T) {
	f := newFakeOpenAI(t, func(_ int, _ recorded, w http.ResponseWriter, _ *http.Request) {
		writeChat(w, reviewJSON)
	})
	c := newTestClient(t, f, func(cfg *Config) { cfg.ContextChars = 400 })
	req := fixedReview()
	filler := strings.Repeat("회사 연혁과 조직 문화에 대한 일반적인 소개 문장입니다. ", 4)
	var paras []string
	for range 20 {
		paras = append(paras, filler)
	}
	paras[3] = "유출 사실을 안 때부터 72시간 이내에 통지한다."
	paras[15] = "통지 방법은 서면, 전자우편, 전화로 한다."
	req.Draft = strings.Join(paras, "\n\n")
	res, err := c.Review(context.Background(), req)
	if err != nil {
		t.Fatalf("Review: %v", err)
	}
	if !res.Trimmed {
		t.Errorf("Trimmed = false; want true")
	}
	user := f.requests()[0].User()
	inner := user[strings.LastIndex(user, DraftBegin)+len(DraftBegin) : strings.LastIndex(user, DraftEnd)]
	inner = strings.TrimSpace(inner)
	if n := len([]rune(inner)); n > 400 {
		t.Errorf("sent draft has %d runes; want at most 400", n)
	}
	i, j := strings.Index(inner, "72시간"), strings.Index(inner, "통지 방법은")
	if i < 0 || j < 0 || i > j {
		t.Errorf("sent draft = %q; want both relevant paragraphs in their order", inner)
	}
	if !strings.Contains(user, "초안이 길어") {
		t.Errorf("prompt does not say the draft was trimmed")
	}
}

func TestLogging(t *testing.T) {
	var buf bytes.Buffer
	f := newFakeOpenAI(t, func(_ int, _ recorded, w http.ResponseWriter, _ *http.Request) {
		writeChat(w, reviewJSON)
	})
	c := newTestClient(t, f, func(cfg *Config) { cfg.Logger = slog.New(slog.NewJSONHandler(&buf, nil)) })
	if _, err := c.Review(context.Background(), fixedReview()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Answer(context.Background(), fixedAnswer()); err != nil {
		t.Fatal(err)
	}
	log := buf.String()
	for _, s := range []string{`"prompt_version":"review-system-v1/review-v1"`, `"prompt_version":"answer-system-v1/answer-v1"`,
		`"model":"test-model"`, `"attempts":1`, `"request_bytes":`, `"response_bytes":`, `"duration":`, `"format":"json_schema"`} {
		if !strings.Contains(log, s) {
			t.Errorf("log lacks %s:\n%s", s, log)
		}
	}
	for _, s := range []string{"72시간", "유출", "[이름]", "언제까지", "담당"} {
		if strings.Contains(log, s) {
			t.Errorf("log contains text %q; want sizes only:\n%s", s, log)
		}
	}
}

func TestTemperature(t *testing.T) {
	tests := []struct {
		model string
		want  any // temperature in the JSON body; nil when omitted
	}{
		{"test-model", 0.1},
		{"qwen2.5:7b", 0.1},
		{"gpt-5-mini", nil},
		{"o3-mini", nil},
	}
	for _, tt := range tests {
		t.Run(tt.model, func(t *testing.T) {
			f := newFakeOpenAI(t, func(_ int, _ recorded, w http.ResponseWriter, _ *http.Request) {
				writeChat(w, reviewJSON)
			})
			c := newTestClient(t, f, func(cfg *Config) { cfg.Model = tt.model })
			if _, err := c.Review(context.Background(), fixedReview()); err != nil {
				t.Fatalf("Review: %v", err)
			}
			r := f.requests()[0]
			got, ok := r.Raw["temperature"]
			if tt.want == nil && ok {
				t.Errorf("temperature = %v; want none for a reasoning model", got)
			}
			if tt.want != nil && (!ok || got.(float64)-tt.want.(float64) > 1e-6 || tt.want.(float64)-got.(float64) > 1e-6) {
				t.Errorf("temperature = %v; want %v", got, tt.want)
			}
			if r.Req.Model != tt.model {
				t.Errorf("model = %q; want %q", r.Req.Model, tt.model)
			}
		})
	}
}
