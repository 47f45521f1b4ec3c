package bot

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// deafAfter is how long the Socket Mode connection may be down before
// /healthz answers 503: Slack rotates connections every few hours and a
// reconnect takes seconds, so only a longer gap means trouble.
const deafAfter = 30 * time.Second

// connFailuresForError is how many connection failures in a row are
// logged at ERROR rather than WARN.
const connFailuresForError = 3

// linkState follows the Socket Mode connection for /healthz.
type linkState struct {
	mu        sync.Mutex
	connected bool
	since     time.Time // when it last went down
	failures  int       // consecutive failures since the last connect
	deafAfter time.Duration
}

func (l *linkState) up() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.connected, l.failures = true, 0
}

func (l *linkState) down(now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.connected || l.since.IsZero() {
		l.since = now
	}
	l.connected = false
}

// failed records a connection failure and returns how many in a row.
func (l *linkState) failed(now time.Time) int {
	l.mu.Lock()
	if l.connected || l.since.IsZero() {
		l.since = now
	}
	l.connected = false
	l.failures++
	n := l.failures
	l.mu.Unlock()
	return n
}

// deaf reports whether the link has been down longer than deafAfter,
// and for how long.
func (l *linkState) deaf(now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.connected || l.since.IsZero() {
		return false, 0
	}
	d := now.Sub(l.since)
	limit := l.deafAfter
	if limit <= 0 {
		limit = deafAfter
	}
	return d > limit, d
}

// serveHealthOnly serves GET /healthz on ListenAddr in Socket Mode, where
// nothing else listens, so that an orchestrator can see a deaf bot. A
// port that cannot be bound is logged, not fatal: the bot still answers.
func (b *Bot) serveHealthOnly(log *slog.Logger) (stop func()) {
	ln, err := net.Listen("tcp", b.cfg.ListenAddr)
	if err != nil {
		log.Error("health endpoint not served", "addr", b.cfg.ListenAddr, "error", err)
		return func() {}
	}
	b.healthAddr.Store(ln.Addr().String())
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", b.serveHealth)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("health endpoint stopped", "error", err)
		}
	}()
	log.Info("health endpoint listening", "addr", ln.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}
}
