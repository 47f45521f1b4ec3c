package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/selfcheck/selfcheck/botstate"
	"github.com/selfcheck/selfcheck/storage/storagetest"
)

// eachStateBackend runs f with a function that opens the same bot state
// (SQLite under one directory, or one PostgreSQL schema) once per
// replica.
func eachStateBackend(t *testing.T, f func(t *testing.T, open func() *botstate.Store)) {
	opener := func(t *testing.T, cfg botstate.Config) func() *botstate.Store {
		return func() *botstate.Store {
			st, err := botstate.Open(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}
	}
	t.Run("sqlite", func(t *testing.T) {
		f(t, opener(t, botstate.Config{Dir: t.TempDir()}))
	})
	t.Run("postgres", func(t *testing.T) {
		url := storagetest.URL(t)
		f(t, opener(t, botstate.Config{DatabaseURL: url, PGSchema: storagetest.Schema(t, url)}))
	})
}

// burstWithRetries sends n mentions at once to the replicas, each event
// three times (Slack's delivery and two retries, spread over the
// replicas), and returns how often each event was answered.
func burstWithRetries(t *testing.T, replicas []*harness, n int, prefix string) []int {
	t.Helper()
	// The fake notifies every call on a bounded channel: drain it, the
	// burst makes more calls than it holds.
	stop := make(chan struct{})
	defer close(stop)
	for _, h := range replicas {
		go func() {
			for {
				select {
				case <-h.slack.notify:
				case <-stop:
					return
				}
			}
		}()
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		body := eventBody(fmt.Sprintf("Ev%s%d", prefix, i), mention("<@UBOT> 1.3", fmt.Sprintf("1700003000.%06d", i), ""))
		for try := range 3 {
			h := replicas[(i+try)%len(replicas)]
			req := h.signedRequest(t, "/slack/events", "application/json", body)
			if try > 0 {
				req.Header.Set("X-Slack-Retry-Num", fmt.Sprint(try))
				req.Header.Set("X-Slack-Retry-Reason", "http_timeout")
			}
			wg.Go(func() {
				<-start
				resp, err := h.client.Do(req)
				if err != nil {
					t.Errorf("event %d try %d: %v", i, try, err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("event %d try %d: status %d", i, try, resp.StatusCode)
				}
			})
		}
	}
	close(start)
	wg.Wait()
	answers := make([]int, n)
	for _, h := range replicas {
		h.settle(t)
		for _, p := range h.slack.accepted("chat.postMessage") {
			var i int
			if _, err := fmt.Sscanf(p.ThreadTS, "1700003000.%06d", &i); err != nil || i >= n {
				t.Errorf("answer in unexpected thread %q", p.ThreadTS)
				continue
			}
			answers[i]++
		}
	}
	return answers
}

// Every event of a burst, delivered and retried across two replicas
// that share the state, is answered exactly once.
func TestBurstAndRetriesAnsweredOnceAcrossReplicas(t *testing.T) {
	eachStateBackend(t, func(t *testing.T, open func() *botstate.Store) {
		a := newHarness(t, func(c *Config) { c.State = open() })
		b := newHarness(t, func(c *Config) { c.State = open() })
		for i, got := range burstWithRetries(t, []*harness{a, b}, 60, "R") {
			if got != 1 {
				t.Errorf("event %d answered %d times; want once", i, got)
			}
		}
	})
}

// TestLoadBurstAndRetriesAnsweredOnce is the acceptance burst of the
// event claim: 1,000 concurrent mentions and two retries of each, over
// two replicas, on both backends (SELFCHECK_LOAD=1; no time bound).
func TestLoadBurstAndRetriesAnsweredOnce(t *testing.T) {
	if !loadTests() {
		t.Skip("set SELFCHECK_LOAD=1 for the 1,000-event burst")
	}
	eachStateBackend(t, func(t *testing.T, open func() *botstate.Store) {
		a := newHarness(t, func(c *Config) { c.State = open() })
		b := newHarness(t, func(c *Config) { c.State = open() })
		start := time.Now()
		answers := burstWithRetries(t, []*harness{a, b}, loadEvents(), "L")
		once := 0
		for i, got := range answers {
			if got == 1 {
				once++
			} else {
				t.Errorf("event %d answered %d times; want once", i, got)
			}
		}
		t.Logf("%d events × 3 deliveries: %d answered once, in %v", len(answers), once, time.Since(start).Round(time.Millisecond))
	})
}

// flakyState fails its claims on demand; lose makes a claim commit and
// then report an error, as a timeout after the write would.
type flakyState struct {
	*botstate.Store
	down  atomic.Bool
	lose  atomic.Int32 // claims left to lose
	tries atomic.Int32
}

func (s *flakyState) Claim(ctx context.Context, key, token string, ttl time.Duration) (bool, error) {
	s.tries.Add(1)
	if s.down.Load() {
		return false, errors.New("database unreachable")
	}
	won, err := s.Store.Claim(ctx, key, token, ttl)
	if err == nil && s.lose.Add(-1) >= 0 {
		return false, errors.New("timeout after the write")
	}
	return won, err
}

// A claim that committed but whose answer was lost is retried with its
// token and recognised as its own: the event is answered once, not lost.
func TestClaimLostAfterCommitStillAnsweredOnce(t *testing.T) {
	st := &flakyState{Store: memStore(t)}
	st.lose.Store(1)
	h := newHarness(t, func(c *Config) { c.State = st })
	h.event(t, eventBody("EvLost", mention("<@UBOT> 1.3", "1700003100.000001", "")), "")
	h.settle(t)
	if n := len(h.slack.accepted("chat.postMessage")); n != 1 {
		t.Errorf("answers = %d; want 1", n)
	}
	if n := st.tries.Load(); n < 3 {
		t.Errorf("claims tried %d times; want the lost one retried", n)
	}
}

// A claim that cannot be decided is not answered, and the replica forgets
// the event, so that Slack's later retry, once the state is back, is
// answered once.
func TestUndecidedClaimNotAnsweredUntilARetry(t *testing.T) {
	st := &flakyState{Store: memStore(t)}
	st.down.Store(true)
	h := newHarness(t, func(c *Config) { c.State = st })
	h.bot.claimPatience = 100 * time.Millisecond
	body := eventBody("EvDown", mention("<@UBOT> 1.3", "1700003200.000001", ""))
	if got := h.event(t, body, ""); got != http.StatusOK {
		t.Fatalf("ack = %d; want 200", got)
	}
	h.settle(t)
	if n := len(h.slack.accepted("chat.postMessage")); n != 0 {
		t.Fatalf("answered %d times while the claim was unknown; want none", n)
	}
	if !strings.Contains(h.logs.String(), "event not answered") {
		t.Error("the unanswered event is not logged")
	}
	st.down.Store(false)
	for _, retry := range []string{"1", "2"} {
		h.event(t, body, retry)
	}
	h.settle(t)
	if n := len(h.slack.accepted("chat.postMessage")); n != 1 {
		t.Errorf("answers after the state came back = %d; want 1", n)
	}
}

func memStore(t *testing.T) *botstate.Store {
	t.Helper()
	st, err := botstate.Open(context.Background(), botstate.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// The memory of claims is bounded and forgets after the dedupe window.
func TestClaimMemoryBoundedAndExpiring(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	m := newClaimMemory(3, time.Hour)
	m.now = func() time.Time { return now }
	for _, k := range []string{"a", "b", "c"} {
		if !m.take(k) {
			t.Fatalf("first take of %s was not fresh", k)
		}
	}
	if m.take("a") {
		t.Error("a taken twice within the window")
	}
	m.take("d") // pushes out b, the least recently taken
	if len(m.keys) != 3 {
		t.Errorf("memory holds %d keys; want at most 3", len(m.keys))
	}
	if !m.take("b") {
		t.Error("b was pushed out and should be fresh again (the durable claim decides)")
	}
	if m.take("", "d") {
		t.Error("an empty key made a taken one fresh")
	}
	now = now.Add(time.Hour)
	if !m.take("d") {
		t.Error("d still taken after the dedupe window")
	}
	m.forget("d")
	if !m.take("d") {
		t.Error("a forgotten key is not fresh")
	}
}

// loadTests reports whether the load tests run (SELFCHECK_LOAD=1): they
// measure the machine as much as the bot, so they report figures and
// run on demand and in .ci/run's benchmark step.
func loadTests() bool { return os.Getenv("SELFCHECK_LOAD") == "1" }

// loadEvents is the size of the load bursts: 1,000, or SELFCHECK_LOAD_EVENTS.
func loadEvents() int {
	if n, err := strconv.Atoi(os.Getenv("SELFCHECK_LOAD_EVENTS")); err == nil && n > 0 {
		return n
	}
	return 1000
}
