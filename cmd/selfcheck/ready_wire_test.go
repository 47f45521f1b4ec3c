package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/selfcheck/selfcheck/bot"
	"github.com/selfcheck/selfcheck/canned"
	"github.com/selfcheck/selfcheck/storage"
	"github.com/selfcheck/selfcheck/storage/storagetest"
)

// pingErr is a store whose database fails as err says.
type pingErr struct{ err error }

func (p pingErr) Ping(context.Context) error { return p.err }

// /readyz answers 503 while a store's database cannot be reached, naming
// the store and the kind of failure (not the database's address), and
// 200 with the stores answering.
func TestReadyzFollowsTheStores(t *testing.T) {
	_, down := storage.Open(t.Context(), storage.Target{URL: "postgres://selfcheck@127.0.0.1:1/selfcheck?connect_timeout=2", Schema: "canned"})
	if down == nil {
		t.Fatal("PostgreSQL on port 1 answered")
	}
	store, err := canned.Open(t.Context(), canned.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	tests := []struct {
		name       string
		canned     pinger
		wantStatus int
		want       string
	}{
		{"stores answering", store, http.StatusOK, `"canned_store":"ok"`},
		{"PostgreSQL unreachable", pingErr{down}, http.StatusServiceUnavailable, `"canned_store":"database unavailable"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := bot.New(bot.Config{BotToken: "xoxb-1", SigningSecret: "s", BotUserID: "UBOT",
				Answerer: stubEngine{}, Reviewer: stubEngine{}, Ready: storeChecks(slog.New(slog.DiscardHandler), tt.canned, store, nil)})
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			b.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
			body := rec.Body.String()
			if rec.Code != tt.wantStatus || !strings.Contains(body, tt.want) || strings.Contains(body, "127.0.0.1") {
				t.Errorf("/readyz = %d %s; want %d with %s and no address", rec.Code, body, tt.wantStatus, tt.want)
			}
			var r map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
				t.Errorf("not JSON: %v", err)
			}
		})
	}
}

// tcpProxy forwards connections to target until it is cut: a database
// that goes away under a running server.
type tcpProxy struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
	t.Cleanup(p.cut)
	return p
}

// cut stops accepting and closes every connection.
func (p *tcpProxy) cut() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
}

// With the stores in PostgreSQL, /readyz turns 503 when the database goes
// away under the running server.
func TestReadyzWhenPostgreSQLGoesAway(t *testing.T) {
	dbURL := storagetest.Database(t, storagetest.URL(t))
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newTCPProxy(t, u.Host)
	u.Host = proxy.ln.Addr().String()
	store, err := canned.Open(t.Context(), canned.Config{DatabaseURL: u.String()})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	b, err := bot.New(bot.Config{BotToken: "xoxb-1", SigningSecret: "s", BotUserID: "UBOT",
		Answerer: stubEngine{}, Reviewer: stubEngine{}, Ready: storeChecks(slog.New(slog.DiscardHandler), store, store, nil)})
	if err != nil {
		t.Fatal(err)
	}
	readyz := func() (int, string) {
		rec := httptest.NewRecorder()
		b.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		return rec.Code, rec.Body.String()
	}
	if code, body := readyz(); code != http.StatusOK {
		t.Fatalf("/readyz with PostgreSQL up = %d %s; want 200", code, body)
	}
	proxy.cut()
	// "unavailable" when the refused connection is seen first, "not
	// answering" when the check's 1 s deadline passes first (a busy
	// machine, the race detector): either says the store is down.
	if code, body := readyz(); code != http.StatusServiceUnavailable ||
		!strings.Contains(body, `"canned_store":"database unavailable"`) && !strings.Contains(body, `"canned_store":"database not answering"`) {
		t.Errorf("/readyz with PostgreSQL gone = %d %s; want 503, canned_store unavailable", code, body)
	}
	// A save meanwhile fails as "unreachable", which staff are told as such.
	_, err = store.Save(t.Context(), canned.Answer{Name: "cloud-cert", Text: "보안인증서 제출 안내"}, canned.SaveOptions{By: "cli"})
	if k := storage.KindOf(err); err == nil || k != storage.Unavailable {
		t.Errorf("save with PostgreSQL gone: %v (kind %v); want unavailable", err, k)
	}
}
