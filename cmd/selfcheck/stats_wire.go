package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/selfcheck/selfcheck/bot"
	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/progress"
	"github.com/selfcheck/selfcheck/stats"
)

// statsRecorder adapts the statistics store to what the engine records.
type statsRecorder struct{ s *stats.Store }

func (r statsRecorder) RecordAsk(ctx context.Context, ev engine.AskEvent) error {
	return r.s.RecordAsk(ctx, stats.Ask{Item: ev.Item, Kind: ev.Kind, Outcome: ev.Outcome, Masked: ev.Masked})
}

func (r statsRecorder) RecordReview(ctx context.Context, ev engine.ReviewEvent) error {
	return r.s.RecordReview(ctx, stats.Review{Item: ev.Item, Elements: ev.Elements})
}

func (r statsRecorder) RecordFeedback(ctx context.Context, ev engine.FeedbackEvent) error {
	return r.s.RecordFeedback(ctx, stats.Feedback{Item: ev.Item, Kind: ev.Kind, Helpful: ev.Helpful, Changed: ev.Changed})
}

func statsConfig(cfg config, log *slog.Logger) stats.Config {
	return stats.Config{Dir: cfg.DataDir, DatabaseURL: cfg.DatabaseURL, Retention: time.Duration(cfg.StatsRetention) * 24 * time.Hour, Logger: log}
}

// openStats opens the statistics for serve; nil with STATS=off. Off
// records nothing and deletes any question texts an earlier run kept:
// off means none are kept. The returned close function flushes what is
// queued. The store is returned, not just the engine's recorder, for the
// bot's views of it (App Home) and its escalation counts.
func openStats(ctx context.Context, cfg config, log *slog.Logger) (*stats.Store, func(), error) {
	if cfg.StatsOff {
		if _, err := os.Stat(filepath.Join(cfg.DataDir, stats.FileName)); cfg.DatabaseURL == "" && errors.Is(err, fs.ErrNotExist) {
			return nil, func() {}, nil
		}
		s, err := stats.Open(ctx, statsConfig(cfg, log))
		if err != nil {
			return nil, nil, err
		}
		n, err := s.ForgetQuestions(ctx)
		var m int64
		if err == nil {
			m, err = s.ForgetReviews(ctx)
		}
		s.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("STATS=off: %w", err)
		}
		log.Info("statistics off", "questions_deleted", n, "reviews_deleted", m)
		return nil, func() {}, nil
	}
	s, err := stats.Open(ctx, statsConfig(cfg, log))
	if err != nil {
		return nil, nil, err
	}
	return s, func() {
		if err := s.Close(); err != nil {
			log.Warn("statistics not closed cleanly", "err", err)
		}
	}, nil
}

// recorder returns what the engine records through: nil (off) for a nil
// store, never a non-nil interface holding a nil pointer.
func recorder(s *stats.Store) engine.StatsRecorder {
	if s == nil {
		return nil
	}
	return statsRecorder{s}
}

// botStats returns the statistics as the bot uses them: nil (off) for a
// nil store, never a non-nil interface holding a nil pointer.
func botStats(s *stats.Store) bot.StatsStore {
	if s == nil {
		return nil
	}
	return s
}

// reviewHistory adapts the statistics store to what the bot compares a
// review with: the store hashes the user IDs and keeps element statuses
// only.
type reviewHistory struct{ s *stats.Store }

func (h reviewHistory) Previous(ctx context.Context, user, item string) (progress.Snapshot, bool, error) {
	at, st, ok, err := h.s.LastReview(ctx, user, item, time.Now().Add(-progress.Window))
	if err != nil || !ok {
		return progress.Snapshot{}, false, err
	}
	snap := progress.Snapshot{Item: item, At: at, Statuses: make(map[string]knowledge.Status, len(st))}
	for id, status := range st {
		snap.Statuses[id] = knowledge.Status(status)
	}
	return snap, true, nil
}

func (h reviewHistory) Remember(ctx context.Context, user string, snap progress.Snapshot) error {
	st := make(map[string]string, len(snap.Statuses))
	for id, status := range snap.Statuses {
		st[id] = string(status)
	}
	return h.s.RememberReview(ctx, user, snap.Item, st)
}

// reviewHistoryOf returns the bot's review history: nil (off) for a nil
// store.
func reviewHistoryOf(s *stats.Store) bot.ReviewHistory {
	if s == nil {
		return nil
	}
	return reviewHistory{s}
}
