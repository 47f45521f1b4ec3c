package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"
)

// slackHandler handles a verified request; log carries the request ID.
type slackHandler func(w http.ResponseWriter, r *http.Request, log *slog.Logger, body []byte)

// Handler returns the HTTP routes of the bot:
//
//	POST /slack/commands      slash commands
//	POST /slack/events        Events API
//	POST /slack/interactions  button clicks, shortcuts, modal submissions
//	GET  /healthz             liveness and counters (JSON)
//	GET  /readyz              readiness: 200 once every Config.Ready check holds, else 503
//
// Every POST must carry a valid Slack signature, except Slack's
// certificate check (ssl_check=1, GET or POST), which is answered 200
// before anything else.
func (b *Bot) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /slack/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("ssl_check") == "1" {
			w.WriteHeader(http.StatusOK)
			return
		}
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	})
	mux.Handle("POST /slack/commands", b.wrap("commands", b.signed(b.serveCommand)))
	mux.Handle("POST /slack/events", b.wrap("events", b.signed(b.serveEvent)))
	mux.Handle("POST /slack/interactions", b.wrap("interactions", b.signed(b.serveInteraction)))
	mux.HandleFunc("GET /healthz", b.serveHealth)
	mux.HandleFunc("GET /readyz", b.serveReady)
	return mux
}

// statusWriter remembers the status for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(p)
	s.bytes += n
	return n, err
}

// wrap gives a request its ID and logger, logs its outcome and duration,
// and turns a panic into a 500 so that one request cannot take the server
// down.
func (b *Bot) wrap(route string, h func(http.ResponseWriter, *http.Request, *slog.Logger)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := newRequestID()
		log := b.log.With("request_id", id, "route", route)
		sw := &statusWriter{ResponseWriter: w}
		sw.Header().Set("X-Request-Id", id)
		defer func() {
			if rec := recover(); rec != nil {
				logPanic(log, route, rec)
				if sw.status == 0 {
					http.Error(sw, "internal error", http.StatusInternalServerError)
				}
			}
			log.Info("http request",
				"status", sw.status,
				"duration_ms", msSince(start),
				"body_bytes", r.ContentLength,
				"retry_num", r.Header.Get("X-Slack-Retry-Num"))
		}()
		h(sw, r, log)
	})
}

// signed reads and verifies the body before h runs: 401 for a missing,
// wrong or stale signature, 413 for an oversized body.
func (b *Bot) signed(h slackHandler) func(http.ResponseWriter, *http.Request, *slog.Logger) {
	return func(w http.ResponseWriter, r *http.Request, log *slog.Logger) {
		if isSSLCheck(r) {
			log.Info("ssl_check answered")
			w.WriteHeader(http.StatusOK)
			return
		}
		b.acking.enter()
		defer b.acking.leave()
		body, err := b.verifiedBody(w, r)
		switch {
		case errors.Is(err, errBodyTooLarge):
			log.Warn("request rejected", "reason", "body too large", "limit", b.cfg.MaxBodyBytes)
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		case errors.Is(err, errUnsigned):
			log.Warn("request rejected", "reason", "bad signature", "error", err)
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		case err != nil:
			log.Warn("request rejected", "reason", "unreadable body", "error", err)
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		h(w, r, log, body)
	}
}

func (b *Bot) serveCommand(w http.ResponseWriter, r *http.Request, log *slog.Logger, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err == nil && form.Get("ssl_check") == "1" {
		w.WriteHeader(http.StatusOK)
		return
	}
	if err != nil || form.Get("command") == "" {
		log.Warn("request rejected", "reason", "malformed slash command")
		http.Error(w, "malformed slash command", http.StatusBadRequest)
		return
	}
	cmd := slashFromForm(form)
	p := b.slash(r.Context(), log, cmd, 0)
	if p == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (b *Bot) serveEvent(w http.ResponseWriter, r *http.Request, log *slog.Logger, body []byte) {
	outer, inner, err := parseEvent(body)
	if err != nil {
		log.Warn("request rejected", "reason", "malformed event", "error", err)
		http.Error(w, "malformed event", http.StatusBadRequest)
		return
	}
	switch outer.Type {
	case "url_verification":
		writeJSON(w, http.StatusOK, map[string]string{"challenge": outer.Challenge})
	case "event_callback":
		b.acceptEvent(r.Context(), log, outer, inner, r.Header.Get("X-Slack-Retry-Num"))
		w.WriteHeader(http.StatusOK)
	default:
		// app_rate_limited and future envelope types: acknowledged so
		// Slack does not retry them, and otherwise noted only.
		log.Info("event envelope ignored", "type", outer.Type)
		w.WriteHeader(http.StatusOK)
	}
}

func (b *Bot) serveInteraction(w http.ResponseWriter, r *http.Request, log *slog.Logger, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("payload") == "" {
		log.Warn("request rejected", "reason", "malformed interaction")
		http.Error(w, "malformed interaction", http.StatusBadRequest)
		return
	}
	ic, err := parseInteraction([]byte(form.Get("payload")))
	if err != nil {
		log.Warn("request rejected", "reason", "malformed interaction", "error", err)
		http.Error(w, "malformed interaction", http.StatusBadRequest)
		return
	}
	// A view submission is answered in the response body (field errors);
	// everything else with an empty 200.
	if resp := b.onInteraction(r.Context(), log, ic); resp != nil {
		writeJSON(w, http.StatusOK, resp)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// health is the JSON of GET /healthz.
type health struct {
	Status   string         `json:"status"`
	Mode     string         `json:"mode"`
	InFlight int64          `json:"in_flight"`
	Feedback FeedbackCounts `json:"feedback"`
	// DisconnectedSeconds is how long the Socket Mode connection has
	// been down, when it is.
	DisconnectedSeconds float64 `json:"disconnected_seconds,omitempty"`
}

// serveHealth answers 200 while the bot can hear Slack; in Socket Mode,
// 503 once the connection has been down longer than deafAfter.
func (b *Bot) serveHealth(w http.ResponseWriter, r *http.Request) {
	h := health{Status: "ok", Mode: "http", InFlight: b.inFlight.Load(), Feedback: b.healthFeedback()}
	status := http.StatusOK
	if b.cfg.AppToken != "" {
		h.Mode = "socket"
		deaf, d := b.link.deaf(time.Now())
		h.DisconnectedSeconds = d.Seconds()
		if deaf {
			h.Status, status = "disconnected", http.StatusServiceUnavailable
		}
	}
	writeJSON(w, status, h)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// runHTTP serves Handler on ListenAddr until ctx ends, then shuts down:
// no new requests, handlers in progress finish, replies in flight are
// delivered, all within ShutdownGrace.
func (b *Bot) runHTTP(ctx context.Context) error {
	ln, err := net.Listen("tcp", b.cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", b.cfg.ListenAddr, err)
	}
	srv := &http.Server{
		Handler:           b.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       60 * time.Second,
		ErrorLog:          slog.NewLogLogger(b.log.Handler(), slog.LevelWarn),
	}
	b.log.Info("listening for Slack over HTTP", "addr", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		return fmt.Errorf("serve http: %w", err)
	case <-ctx.Done():
	}
	b.log.Info("shutting down", "timeout", b.cfg.ShutdownGrace.String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.cfg.ShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		b.log.Warn("http shutdown incomplete", "error", err)
	}
	if err := b.Shutdown(sctx); err != nil {
		b.log.Warn("shutdown incomplete", "error", err)
	}
	return nil
}

// slogOutput adapts slog to the Output-style logger slack-go and its
// socketmode package accept, so that their debug lines do not go to a
// separate stderr logger.
type slogOutput struct {
	log *slog.Logger
}

// Output implements slack-go's logger interface.
func (o slogOutput) Output(_ int, s string) error {
	o.log.Debug(strings.TrimSpace(s))
	return nil
}

// newRequestID returns a short random ID that ties together the log lines
// of one request and the background work it starts.
func newRequestID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// logPanic records a recovered panic. The value is cut short because a
// panic message could in principle quote user text.
func logPanic(log *slog.Logger, where string, r any) {
	msg := fmt.Sprint(r)
	if len(msg) > 200 {
		msg = msg[:200]
	}
	log.Error("panic recovered", "where", where, "panic", msg, "stack", string(debug.Stack()))
}

// msSince is the time since start in milliseconds, for logs.
func msSince(start time.Time) float64 {
	return float64(time.Since(start).Microseconds()) / 1000
}
