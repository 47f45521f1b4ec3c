package bot

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/selfcheck/selfcheck/botstate"
	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/internal/memnet"
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/prompts"
)

const (
	testSecret   = "8f742231b10e8888abcd99yyyzzz85a5"
	testBotToken = "xoxb-test-token"
	testAppToken = "xapp-test-token"
	testBotUser  = "UBOT"
)

var testItems = []knowledge.ItemInfo{
	{ID: "I", Title: "디지털서비스 해당 여부"},
	{ID: "1.2", Title: "개인정보의 처리 및 보호"},
	{ID: "1.3", Title: "이용자 보호 및 피해 구제"},
}

// fakeEngine implements Answerer and Reviewer. Each method records its
// calls and can be given a delay or a replacement.
type fakeEngine struct {
	delay       time.Duration // every call
	reviewDelay time.Duration // reviews only
	ask         func(q string) (engine.Answer, error)
	guide       func(id string) (engine.Answer, error)
	review      func(id, draft string) (knowledge.Report, error)

	mu      sync.Mutex
	calls   []string        // "ask:Q", "guide:ID", "review:ID:DRAFT"
	users   []string        // the user each review's model calls would count for
	waits   []time.Duration // the queue wait each review's model calls would count
	ncalled atomic.Int64
}

func (e *fakeEngine) wait(ctx context.Context, extra time.Duration) error {
	if e.delay+extra <= 0 {
		return nil
	}
	select {
	case <-time.After(e.delay + extra):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (e *fakeEngine) note(s string) {
	e.ncalled.Add(1)
	e.mu.Lock()
	e.calls = append(e.calls, s)
	e.mu.Unlock()
}

func (e *fakeEngine) called() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.calls...)
}

func (e *fakeEngine) Ask(ctx context.Context, q string) (engine.Answer, error) {
	e.note("ask:" + q)
	if err := e.wait(ctx, 0); err != nil {
		return engine.Answer{}, err
	}
	if e.ask != nil {
		return e.ask(q)
	}
	return sampleAnswer(), nil
}

func (e *fakeEngine) Guide(ctx context.Context, id string) (engine.Answer, error) {
	e.note("guide:" + id)
	if err := e.wait(ctx, 0); err != nil {
		return engine.Answer{}, err
	}
	if e.guide != nil {
		return e.guide(id)
	}
	a := sampleAnswer()
	a.Item = id
	return a, nil
}

func (e *fakeEngine) Review(ctx context.Context, id, draft string) (knowledge.Report, error) {
	e.note("review:" + id + ":" + draft)
	e.mu.Lock()
	e.users = append(e.users, prompts.UserOf(ctx))
	e.waits = append(e.waits, prompts.QueueWaitOf(ctx))
	e.mu.Unlock()
	if err := e.wait(ctx, e.reviewDelay); err != nil {
		return knowledge.Report{}, err
	}
	if e.review != nil {
		return e.review(id, draft)
	}
	return sampleReport(id, 4), nil
}

func sampleAnswer() engine.Answer {
	return engine.Answer{
		Item:   "1.3",
		Answer: "*1.3 이용자 보호 및 피해 구제*에는 다음이 포함되어야 해요.\n• 피해 구제 절차\n• 담당 부서와 연락처",
		Sources: []engine.Source{
			{Item: "1.3", Kind: "guidance", KindName: "작성 지침", Title: "이용자 보호 작성 지침", Score: 0.91},
			{Item: "1.3", Kind: "example", KindName: "예시", Title: "A사 제출 예시", Score: 0.72},
		},
		Known: true,
	}
}

var sampleStatuses = []knowledge.Status{knowledge.StatusPresent, knowledge.StatusPartial, knowledge.StatusMissing, knowledge.StatusNotApplicable}

// sampleReport builds a report with n elements cycling through the four
// statuses.
func sampleReport(item string, n int) knowledge.Report {
	r := knowledge.Report{Item: item, Title: "개인정보의 처리 및 보호", Notices: []string{"지원 서비스 규칙을 적용했어요."}}
	for i := range n {
		st := sampleStatuses[i%len(sampleStatuses)]
		e := knowledge.ElementResult{ID: fmt.Sprintf("%s-%c", item, 'a'+rune(i%26)), Label: fmt.Sprintf("요소 %d", i+1), Status: st}
		switch st {
		case knowledge.StatusPresent:
			e.Evidence, e.Line = "개인정보 보호책임자: 홍길동 (privacy@example.com)", i+1
		case knowledge.StatusPartial:
			e.Evidence, e.Line = "보유 기간은 관련 법령에 따름", i+1
			e.Note = "보유 기간을 항목별로 구체적으로 적어 주세요."
			e.Example = "회원 정보: 탈퇴 시까지"
		case knowledge.StatusMissing:
			e.Note = "파기 절차와 방법을 추가해 주세요."
			e.Example = "전자적 파일은 복구할 수 없는 방법으로 삭제"
		case knowledge.StatusNotApplicable:
			e.Note = "제3자 제공이 없다고 밝혔어요."
		}
		r.Elements = append(r.Elements, e)
	}
	r.Recount()
	return r
}

// patience is how long a test waits for something the bot does in
// milliseconds (a post, an ack) before failing: a guard against a hang,
// far beyond any busy machine's delay, never a timing assertion. In a
// synctest bubble it is the bubble's clock, so a bot that never posts
// fails at once.
const patience = 2 * time.Minute

// waitUntil polls cond until it holds, for at most patience, for the
// tests that cannot run in a bubble (real sockets, Socket Mode).
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	give := time.After(patience)
	for !cond() {
		select {
		case <-give:
			t.Fatalf("gave up waiting: %s", what)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harness is a Bot wired to fakes. The bot, the fake Web API and the fake
// response_urls talk over an in-memory network (internal/memnet), so that
// a test may run in a synctest bubble: there an AckTimeout, a Retry-After
// or a shutdown grace takes no real time and cannot be stretched by a
// busy machine.
type harness struct {
	bot    *Bot
	eng    *fakeEngine
	net    *memnet.Network
	slack  *fakeSlack
	resp   *fakeResponder
	srv    *httptest.Server
	logs   *syncBuffer
	client *http.Client
}

func newHarness(t *testing.T, opts ...func(*Config)) *harness {
	t.Helper()
	n := memnet.New()
	t.Cleanup(n.Close)
	h := &harness{eng: &fakeEngine{}, net: n, slack: newFakeSlack(t, n), resp: newFakeResponder(t, n), logs: &syncBuffer{}}
	cfg := Config{
		BotToken:      testBotToken,
		SigningSecret: testSecret,
		APIURL:        h.slack.apiURL(),
		BotUserID:     testBotUser,
		Answerer:      h.eng,
		Reviewer:      h.eng,
		Items:         testItems,
		// The fake response_urls are on memnet, not hooks.slack.com.
		ResponseURLOrigins: []string{h.resp.srv.URL},
		Logger:             slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		HTTPClient:         &http.Client{Timeout: 15 * time.Second},
	}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.HTTPClient != nil && cfg.HTTPClient.Transport == nil {
		cfg.HTTPClient.Transport = n.Transport()
	}
	if cfg.State == nil {
		// The bot's own in-memory state is never closed (it lives as long
		// as the process); the harness closes its own, so that no goroutine
		// outlives a synctest bubble.
		st, err := botstate.Open(context.Background(), botstate.Config{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		cfg.State = st
	}
	b, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h.bot = b
	h.srv = n.Server(b.Handler())
	h.client = n.Client()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("bot logs:\n%s", h.logs.String())
		}
		h.srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), patience)
		defer cancel()
		if err := b.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		// The ack gate's watcher ends once no request arrived for
		// ackQuiet; in a synctest bubble it must end before the test.
		b.acking.yield()
	})
	return h
}

// sign computes Slack's v0 signature of body at timestamp ts.
func sign(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:", ts)
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// signedRequest builds a request to path signed the way Slack signs.
func (h *harness) signedRequest(t *testing.T, path, contentType string, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sign(testSecret, ts, body))
	return req
}

func (h *harness) do(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := h.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func slashForm(text, responseURL string) []byte {
	v := url.Values{
		"command":      {"/selfcheck"},
		"text":         {text},
		"user_id":      {"U1"},
		"channel_id":   {"C1"},
		"team_id":      {"T1"},
		"response_url": {responseURL},
		"trigger_id":   {"trig"},
	}
	return []byte(v.Encode())
}

// slash sends a signed /selfcheck and decodes the ack.
func (h *harness) slash(t *testing.T, text, responseURL string) (int, responsePost) {
	t.Helper()
	resp, body := h.do(t, h.signedRequest(t, "/slack/commands", "application/x-www-form-urlencoded", slashForm(text, responseURL)))
	var p responsePost
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatalf("ack body %q: %v", body, err)
		}
	}
	return resp.StatusCode, p
}

func eventBody(eventID string, ev map[string]any) []byte {
	raw, _ := json.Marshal(map[string]any{
		"type":     "event_callback",
		"team_id":  "T1",
		"event_id": eventID,
		"event":    ev,
	})
	return raw
}

// event sends a signed Events API callback.
func (h *harness) event(t *testing.T, body []byte, retry string) int {
	t.Helper()
	req := h.signedRequest(t, "/slack/events", "application/json", body)
	if retry != "" {
		req.Header.Set("X-Slack-Retry-Num", retry)
		req.Header.Set("X-Slack-Retry-Reason", "http_timeout")
	}
	resp, _ := h.do(t, req)
	return resp.StatusCode
}

// settle waits for all background work of the bot to finish.
func (h *harness) settle(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	if err := h.bot.Shutdown(ctx); err != nil {
		t.Fatalf("work did not settle: %v", err)
	}
}

// blockTexts joins every text in blocks, for assertions.
func blockTexts(blocks []map[string]any) string {
	raw, _ := json.Marshal(blocks)
	var sb strings.Builder
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if s, ok := v["text"].(string); ok {
				sb.WriteString(s + "\n")
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	var generic any
	_ = json.Unmarshal(raw, &generic)
	walk(generic)
	return sb.String()
}

type engineAnswer = engine.Answer

func httpBody(b []byte) io.ReadCloser { return io.NopCloser(bytes.NewReader(b)) }
