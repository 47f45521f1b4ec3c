package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// fakeSocket is a Socket Mode endpoint: it greets with hello, sends the
// envelopes it was given and records every ack by envelope_id.
type fakeSocket struct {
	srv       *httptest.Server
	envelopes []map[string]any
	conns     atomic.Int32

	mu     sync.Mutex
	live   []*websocket.Conn
	sentAt map[string]time.Time
	acks   map[string][]json.RawMessage
	ackAt  map[string]time.Time
	notify chan string
}

func newFakeSocket(t *testing.T, envelopes []map[string]any) *fakeSocket {
	t.Helper()
	f := &fakeSocket{envelopes: envelopes, sentAt: map[string]time.Time{}, acks: map[string][]json.RawMessage{}, ackAt: map[string]time.Time{}, notify: make(chan string, 100)}
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		f.mu.Lock()
		f.live = append(f.live, conn)
		f.mu.Unlock()
		first := f.conns.Add(1) == 1
		var wmu sync.Mutex
		write := func(v any) error {
			wmu.Lock()
			defer wmu.Unlock()
			return conn.WriteJSON(v)
		}
		if err := write(map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "A1"}}); err != nil {
			return
		}
		if first {
			go func() {
				for _, e := range f.envelopes {
					id := e["envelope_id"].(string)
					f.mu.Lock()
					f.sentAt[id] = time.Now()
					f.mu.Unlock()
					if write(e) != nil {
						return
					}
					time.Sleep(20 * time.Millisecond)
				}
			}()
		}
		for {
			var ack struct {
				EnvelopeID string          `json:"envelope_id"`
				Payload    json.RawMessage `json:"payload"`
			}
			if err := conn.ReadJSON(&ack); err != nil {
				return
			}
			f.mu.Lock()
			f.acks[ack.EnvelopeID] = append(f.acks[ack.EnvelopeID], ack.Payload)
			if _, ok := f.ackAt[ack.EnvelopeID]; !ok {
				f.ackAt[ack.EnvelopeID] = time.Now()
			}
			f.mu.Unlock()
			f.notify <- ack.EnvelopeID
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// dropAll closes every open connection, as a network failure would.
func (f *fakeSocket) dropAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.live {
		c.Close()
	}
	f.live = nil
}

func (f *fakeSocket) url() string { return "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/link" }

func (f *fakeSocket) ackCounts() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for id, a := range f.acks {
		out[id] = len(a)
	}
	return out
}

func envelope(id, typ string, payload any, retry int) map[string]any {
	return map[string]any{"envelope_id": id, "type": typ, "payload": payload, "accepts_response_payload": typ == "slash_commands", "retry_attempt": retry}
}

func TestSocketMode(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.AppToken = testAppToken
		c.ListenAddr = "127.0.0.1:0" // /healthz; never the default :3000 in tests
		c.SigningSecret = ""
		c.BotUserID = "" // asked of auth.test
		c.AckTimeout = 200 * time.Millisecond
	})
	h.eng.reviewDelay = 800 * time.Millisecond

	slash := func(text, resp string) map[string]any {
		return map[string]any{"command": "/selfcheck", "text": text, "user_id": "U1", "channel_id": "C1", "team_id": "T1", "response_url": resp, "trigger_id": "t"}
	}
	mentionEvent := map[string]any{"type": "event_callback", "team_id": "T1", "event_id": "Ev1",
		"event": mention("<@UBOT> 1.3에는 무엇이 포함되어야 하나요?", "1700000020.000100", "")}
	unknownEvent := map[string]any{"type": "event_callback", "team_id": "T1", "event_id": "Ev2",
		"event": map[string]any{"type": "some_future_event", "ts": "1.1"}}
	click := map[string]any{"type": "block_actions", "user": map[string]any{"id": "U1"}, "channel": map[string]any{"id": "C1"},
		"container": map[string]any{"message_ts": "1.5"}, "response_url": h.resp.url("click"),
		"actions": []map[string]any{{"action_id": actionFeedbackUp, "block_id": "feedback", "value": "ask|1.3", "type": "button"}}}

	envs := []map[string]any{
		envelope("E1", "slash_commands", slash("1.3", h.resp.url("quick")), 0),
		envelope("E2", "slash_commands", slash("1.2 제1조 수집 항목: 이름\n제2조 보유 기간: 1년", h.resp.url("slow")), 0),
		envelope("E3", "events_api", mentionEvent, 0),
		envelope("E4", "events_api", mentionEvent, 1), // Slack's retry of E3
		envelope("E5", "interactive", click, 0),
		envelope("E6", "events_api", unknownEvent, 0),
	}
	sock := newFakeSocket(t, envs)
	h.slack.set(func(f *fakeSlack) { f.wsURL = sock.url() })

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	runErr := make(chan error, 1)
	go func() { runErr <- h.bot.Run(ctx) }()

	// Every envelope acked.
	deadline := time.After(patience)
	for len(sock.ackCounts()) < len(envs) {
		select {
		case <-sock.notify:
		case err := <-runErr:
			t.Fatalf("Run returned early: %v", err)
		case <-deadline:
			t.Fatalf("acked %v; want all of %d envelopes", sock.ackCounts(), len(envs))
		}
	}
	// The slow review arrives via response_url, the mention in its thread.
	h.resp.wait(t, 1) // the slow review; feedback posts nothing new
	h.slack.waitCalls(t, 1)

	cancel()
	select {
	case err := <-runErr:
		if err != nil {
			t.Errorf("Run = %v; want nil after cancel", err)
		}
	case <-time.After(patience):
		t.Fatal("Run did not return after cancel")
	}

	for _, e := range envs {
		id := e["envelope_id"].(string)
		if got := sock.ackCounts()[id]; got != 1 {
			t.Errorf("envelope %s acked %d times; want exactly 1", id, got)
		}
	}
	sock.mu.Lock()
	for _, id := range []string{"E1", "E2"} {
		t.Logf("slash %s acked after %v (reported, not asserted)", id, sock.ackAt[id].Sub(sock.sentAt[id]))
	}
	quick, slow := sock.acks["E1"][0], sock.acks["E2"][0]
	sock.mu.Unlock()

	var q, s responsePost
	_ = json.Unmarshal(quick, &q)
	_ = json.Unmarshal(slow, &s)
	if q.ResponseType != "ephemeral" || !strings.Contains(blockTexts(q.Blocks), "작성 안내") {
		t.Errorf("quick slash ack = %s; want the ephemeral guide", quick)
	}
	if s.ResponseType != "ephemeral" || !strings.Contains(s.Text, "검토 중…") {
		t.Errorf("slow slash ack = %s; want an ephemeral 검토 중…", slow)
	}

	var reviews int
	for _, p := range h.resp.all() {
		if p.Path == "/resp/slow" {
			reviews++
			if !p.ReplaceOriginal || !strings.Contains(blockTexts(p.Blocks), "검토 결과") {
				t.Errorf("slow review delivered as %+v; want it to replace the placeholder", p)
			}
		}
	}
	if reviews != 1 {
		t.Errorf("slow review delivered %d times; want 1", reviews)
	}
	posts := h.slack.accepted("chat.postMessage")
	if len(posts) != 1 || posts[0].ThreadTS != "1700000020.000100" {
		t.Errorf("mention answers = %+v; want one in thread 1700000020.000100", posts)
	}
	if got := h.bot.FeedbackCounts().Up; got != 1 {
		t.Errorf("feedback 👍 = %d; want 1", got)
	}
	if got := h.bot.userID(); got != testBotUser {
		t.Errorf("bot user from auth.test = %q; want %q", got, testBotUser)
	}
}

func TestSocketModeBadToken(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.AppToken = "xapp-wrong"
		c.SigningSecret = ""
	})
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	err := h.bot.Run(ctx)
	if err == nil || !strings.Contains(err.Error(), "invalid_auth") {
		t.Errorf("Run = %v; want invalid_auth", err)
	}
}

// In Socket Mode /healthz is served on ListenAddr: 200 while connected,
// 503 once the connection has been down too long, and repeated
// connection failures are logged at ERROR with the reason.
func TestSocketModeHealthz(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.AppToken = testAppToken
		c.SigningSecret = ""
		c.ListenAddr = "127.0.0.1:0"
	})
	h.bot.link.deafAfter = 300 * time.Millisecond
	sock := newFakeSocket(t, nil)
	h.slack.set(func(f *fakeSlack) { f.wsURL = sock.url() })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	runErr := make(chan error, 1)
	go func() { runErr <- h.bot.Run(ctx) }()

	get := func() (int, health) {
		addr, _ := h.bot.healthAddr.Load().(string)
		if addr == "" {
			return 0, health{}
		}
		resp, err := http.Get("http://" + addr + "/healthz")
		if err != nil {
			return 0, health{}
		}
		defer resp.Body.Close()
		var hl health
		_ = json.NewDecoder(resp.Body).Decode(&hl)
		return resp.StatusCode, hl
	}
	waitFor := func(want int) health {
		t.Helper()
		var hl health
		waitUntil(t, fmt.Sprintf("/healthz answering %d", want), func() bool {
			var code int
			code, hl = get()
			return code == want
		})
		return hl
	}
	if hl := waitFor(http.StatusOK); hl.Mode != "socket" {
		t.Errorf("healthz = %+v; want socket mode", hl)
	}
	for sock.conns.Load() == 0 {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	if code, _ := get(); code != http.StatusOK {
		t.Fatalf("connected bot unhealthy: %d", code)
	}

	// Slack becomes unreachable: the connection drops and every
	// reconnect fails.
	h.slack.set(func(f *fakeSlack) { f.wsURL = "ws://127.0.0.1:1/link" })
	sock.dropAll()
	if hl := waitFor(http.StatusServiceUnavailable); hl.Status != "disconnected" || hl.DisconnectedSeconds <= 0 {
		t.Errorf("deaf healthz = %+v; want disconnected with a duration", hl)
	}
	waitUntil(t, "repeated connection failures logged at ERROR", func() bool {
		return strings.Contains(h.logs.String(), `"level":"ERROR","msg":"connection problem"`)
	})
	cancel()
	<-runErr
}
