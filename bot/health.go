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

// serveHealthOnly serves GET /healthz and /readyz on ListenAddr in Socket
// Mode, where nothing else listens, so that an orchestrator can see a
// deaf bot, or one still loading. A
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
	mux.HandleFunc("GET /readyz", b.serveReady)
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

// feedbackFresh is how long /healthz serves the feedback counts it last
// read: a load balancer's probes, however frequent, read the votes table
// at most once a second, and never on the path of an ack.
const feedbackFresh = time.Second

// feedbackWait is how long a /healthz waits for a refresh of stale
// counts before it answers with the ones it has: the refresh's own bound.
const feedbackWait = stateTimeout

// feedbackCache holds the counts /healthz shows. One refresh runs at a
// time; a vote through this replica marks them stale.
type feedbackCache struct {
	mu      sync.Mutex
	val     FeedbackCounts
	at      time.Time // zero: stale
	gen     int       // votes seen; a refresh that raced one stays stale
	loading chan struct{}
}

// healthFeedback returns the cached counts, refreshing them first (within
// feedbackWait) when they are older than feedbackFresh.
func (b *Bot) healthFeedback() FeedbackCounts {
	c := &b.feedback
	c.mu.Lock()
	if !c.at.IsZero() && time.Since(c.at) < feedbackFresh {
		v := c.val
		c.mu.Unlock()
		return v
	}
	done := c.loading
	if done == nil {
		done = make(chan struct{})
		c.loading = done
		gen := c.gen
		go func() {
			defer close(done)
			defer func() {
				if r := recover(); r != nil {
					logPanic(b.log, "feedback counts", r)
				}
			}()
			v := b.FeedbackCounts()
			c.mu.Lock()
			c.val, c.loading = v, nil
			if c.gen == gen {
				c.at = time.Now()
			}
			c.mu.Unlock()
		}()
	}
	c.mu.Unlock()
	select {
	case <-done:
	case <-time.After(feedbackWait):
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.val
}

// feedbackChanged marks the cached counts stale after a vote.
func (b *Bot) feedbackChanged() {
	b.feedback.mu.Lock()
	b.feedback.at = time.Time{}
	b.feedback.gen++
	b.feedback.mu.Unlock()
}
