package bot

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"
)

// ReadyCheck is one condition of readiness, for GET /readyz: the
// knowledge loaded, a store reachable, the canned answers' index loaded.
// Check returns nil when the condition holds, else an error whose text
// says what is missing ("loading 4,000 of 10,000 answers"); it must be
// cheap (a load balancer calls /readyz every few seconds) and honour ctx.
type ReadyCheck struct {
	Name  string
	Check func(ctx context.Context) error
}

// readyTimeout bounds each check of one /readyz.
const readyTimeout = time.Second

// readiness is the JSON of GET /readyz.
type readiness struct {
	Status string `json:"status"` // "ready" or "not_ready"
	// Checks maps each check's name to "ok" or what is missing.
	Checks map[string]string `json:"checks"`
}

// ready runs every check at once, each within readyTimeout.
func (b *Bot) ready(ctx context.Context) (readiness, bool) {
	r := readiness{Status: "ready", Checks: map[string]string{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, c := range b.cfg.Ready {
		wg.Go(func() {
			cctx, cancel := context.WithTimeout(ctx, readyTimeout)
			defer cancel()
			err := safeCheck(cctx, c)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				r.Checks[c.Name] = err.Error()
				r.Status = "not_ready"
				return
			}
			r.Checks[c.Name] = "ok"
		})
	}
	wg.Wait()
	return r, r.Status == "ready"
}

// safeCheck runs one check; a panic in it counts as not ready.
func safeCheck(ctx context.Context, c ReadyCheck) (err error) {
	defer func() {
		if rec := recover(); rec != nil {
			err = errCheckPanicked
		}
	}()
	return c.Check(ctx)
}

var errCheckPanicked = errors.New("check failed")

// serveReady answers 200 when every ReadyCheck holds, else 503 with what
// is missing: a load balancer sends a replica traffic only once it can
// answer at full speed. It is served in HTTP and Socket Mode alike, next
// to /healthz (liveness).
func (b *Bot) serveReady(w http.ResponseWriter, r *http.Request) {
	res, ok := b.ready(r.Context())
	status := http.StatusOK
	if !ok {
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, res)
}

// readyPoll is how often Socket Mode looks again while not ready.
const readyPoll = 200 * time.Millisecond

// waitReady returns once every ReadyCheck holds, or false when ctx ends
// first. Socket Mode connects only then: Slack sends a connected app its
// events at once, and a replica that is still loading would answer them
// slowly. What is still missing is logged when it changes.
func (b *Bot) waitReady(ctx context.Context, log *slog.Logger) bool {
	last := ""
	for {
		res, ok := b.ready(ctx)
		if ok {
			if last != "" {
				log.Info("ready")
			}
			return true
		}
		if s := notReadySummary(res); s != last {
			log.Info("not ready yet: connecting once ready", "waiting_for", s)
			last = s
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(readyPoll):
		}
	}
}

// notReadySummary names the checks that do not hold, for the log.
func notReadySummary(r readiness) string {
	s := ""
	for _, name := range slices.Sorted(maps.Keys(r.Checks)) {
		v := r.Checks[name]
		if v == "ok" {
			continue
		}
		if s != "" {
			s += "; "
		}
		s += name + ": " + v
	}
	return s
}
