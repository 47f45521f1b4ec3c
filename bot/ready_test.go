package bot

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/selfcheck/selfcheck/internal/memnet"
)

// loading is a readiness check a test flips: not ready until done.
type loading struct{ done atomic.Bool }

func (l *loading) check(context.Context) error {
	if !l.done.Load() {
		return errors.New("loading 4,000 of 10,000 answers")
	}
	return nil
}

func getReady(t *testing.T, base string) (int, readiness) {
	t.Helper()
	resp, err := memnet.Client().Get(base + "/readyz")
	if err != nil {
		t.Fatalf("GET /readyz: %v", err)
	}
	defer resp.Body.Close()
	var r readiness
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("decode /readyz: %v", err)
	}
	return resp.StatusCode, r
}

// /readyz is 503 naming what is missing while a check fails (a panicking
// one included), 200 once every check holds; /healthz (liveness) is 200
// throughout.
func TestReadyzFollowsItsChecks(t *testing.T) {
	var canned loading
	h := newHarness(t, func(c *Config) {
		c.Ready = []ReadyCheck{
			{Name: "knowledge", Check: func(context.Context) error { return nil }},
			{Name: "canned_index", Check: canned.check},
		}
	})
	code, r := getReady(t, h.srv.URL)
	if code != http.StatusServiceUnavailable || r.Status != "not_ready" ||
		r.Checks["canned_index"] != "loading 4,000 of 10,000 answers" || r.Checks["knowledge"] != "ok" {
		t.Errorf("/readyz while loading = %d %+v; want 503 naming the canned index", code, r)
	}
	if resp, err := memnet.Client().Get(h.srv.URL + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz while loading: %v %v; want 200 (alive)", resp, err)
	} else {
		resp.Body.Close()
	}
	canned.done.Store(true)
	if code, r := getReady(t, h.srv.URL); code != http.StatusOK || r.Status != "ready" {
		t.Errorf("/readyz once loaded = %d %+v; want 200 ready", code, r)
	}

	p := newHarness(t, func(c *Config) {
		c.Ready = []ReadyCheck{{Name: "store", Check: func(context.Context) error { panic("driver bug") }}}
	})
	if code, r := getReady(t, p.srv.URL); code != http.StatusServiceUnavailable || r.Checks["store"] == "ok" {
		t.Errorf("/readyz with a panicking check = %d %+v; want 503", code, r)
	}
}

// In Socket Mode the bot serves /readyz while it loads and connects to
// Slack only once ready, so that no event reaches a replica still loading.
func TestSocketModeConnectsOnlyWhenReady(t *testing.T) {
	var canned loading
	h := newHarness(t, func(c *Config) {
		c.AppToken = testAppToken
		c.SigningSecret = ""
		c.ListenAddr = "127.0.0.1:0"
		c.Ready = []ReadyCheck{{Name: "canned_index", Check: canned.check}}
	})
	sock := newFakeSocket(t, nil)
	h.slack.set(func(f *fakeSlack) { f.wsURL = sock.url() })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	runErr := make(chan error, 1)
	go func() { runErr <- h.bot.Run(ctx) }()

	base := ""
	for base == "" {
		if addr, _ := h.bot.healthAddr.Load().(string); addr != "" {
			base = "http://" + addr
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Several polls of readiness pass while not ready: none connects.
	for polls := 0; polls < 3; {
		if code, _ := getReady(t, base); code != http.StatusServiceUnavailable {
			t.Fatalf("/readyz = %d while loading; want 503", code)
		}
		if n := len(h.slack.accepted("apps.connections.open")); n != 0 {
			t.Fatalf("connected to Slack %d times while not ready", n)
		}
		if code, hl := getHealth(t, base); code != http.StatusOK {
			t.Fatalf("/healthz = %d %+v while loading; want 200 (loading is not deaf)", code, hl)
		}
		time.Sleep(readyPoll)
		polls++
	}
	canned.done.Store(true)
	for sock.conns.Load() == 0 {
		time.Sleep(10 * time.Millisecond)
	}
	if code, _ := getReady(t, base); code != http.StatusOK {
		t.Errorf("/readyz = %d once connected; want 200", code)
	}
	cancel()
	<-runErr
}

func getHealth(t *testing.T, base string) (int, health) {
	t.Helper()
	resp, err := memnet.Client().Get(base + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz: %v", err)
	}
	defer resp.Body.Close()
	var hl health
	_ = json.NewDecoder(resp.Body).Decode(&hl)
	return resp.StatusCode, hl
}

// Background work waits while requests are being acknowledged, and goes
// once the burst is over (or after ackYield at the latest).
func TestAckGateLetsAcksPassFirst(t *testing.T) {
	var g ackGate
	g.yield() // quiet: returns at once
	g.enter()
	released := make(chan struct{})
	go func() {
		g.yield()
		close(released)
	}()
	select {
	case <-released:
		t.Fatal("work went ahead while an ack was in flight")
	case <-time.After(20 * ackQuiet):
	}
	g.leave()
	<-released
}
