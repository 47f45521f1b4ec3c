package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/selfcheck/selfcheck/bot"
	"github.com/selfcheck/selfcheck/botstate"
	"github.com/selfcheck/selfcheck/canned"
	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/stats"
	"github.com/selfcheck/selfcheck/storage"
)

// cannedRefresh is how often serve applies changes made to the canned
// answers by another process (the CLI). With DATABASE_URL the other
// process may be a replica whose staff just saved an answer in Slack, so
// the change counter is polled every second (one index lookup when
// nothing changed), for a change to reach every replica within 2 s.
const (
	cannedRefresh       = 15 * time.Second
	cannedRefreshShared = time.Second
)

// botstateConfig says where the bot's state is: DATABASE_URL, or
// botstate.db under DATA_DIR.
func (c config) botstateConfig() botstate.Config {
	return botstate.Config{Dir: c.DataDir, DatabaseURL: c.DatabaseURL}
}

// runServeCommand builds the engine with its index and hands it, with the
// canned-answer store, to the Slack bot.
func runServeCommand(ctx context.Context, cfg config, log *slog.Logger, getenv func(string) string, stderr io.Writer) error {
	if cfg.LogLevel == "" {
		log = newLogger(stderr, "info")
	}
	// A missing or malformed Slack setting is reported before the engine
	// and its index are loaded, not after.
	if _, err := loadServeConfig(getenv); err != nil {
		return err
	}
	cc := cfg.cannedConfig()
	cc.Logger = log
	store, err := canned.Open(ctx, cc)
	if err != nil {
		return err
	}
	defer store.Close()
	state, err := botstate.Open(ctx, cfg.botstateConfig())
	if err != nil {
		return err
	}
	defer state.Close()
	st, closeStats, err := openStats(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeStats()
	e, kb, err := newEngine(ctx, cfg, log, true, store, recorder(st))
	if err != nil {
		return err
	}
	// quiet reviews a file again for its report when the review shown is
	// no longer in memory: the deterministic review, not counted again in
	// the statistics and not sent to the model a second time.
	quiet, err := engine.New(engine.Config{Knowledge: kb, Logger: log})
	if err != nil {
		return err
	}
	// Canned answers load now and follow the store in the background, not
	// inside an ask.
	refresh := cannedRefresh
	if cfg.DatabaseURL != "" {
		refresh = cannedRefreshShared
	}
	log.Info("shared state", "backend", store.Backend(), "canned_refresh", refresh)
	go e.WatchCanned(ctx, refresh)
	return runServe(ctx, getenv, serveDeps{
		Answerer:         e,
		Reviewer:         e,
		Items:            kb.Infos(),
		Guide:            kb.Guide,
		Numbers:          kb.Numbers,
		Logger:           log,
		Canned:           store,
		CannedWriter:     store,
		RefreshCanned:    e.RefreshCanned,
		Files:            fileReviewer{e: e, cfg: cfg.extractConfig()},
		ReportFiles:      fileReviewer{e: quiet, cfg: cfg.extractConfig()},
		MaxFileBytes:     cfg.MaxFileBytes,
		State:            state,
		Stats:            botStats(st),
		Feedback:         e,
		Ready:            append(readyChecks(e), storeChecks(log, store, state, st)...),
		History:          reviewHistoryOf(st),
		ChecklistVersion: kb.Version,
		QuickReview: func(ctx context.Context, itemID, draft string) (knowledge.Report, error) {
			if err := ctx.Err(); err != nil {
				return knowledge.Report{}, err
			}
			return kb.Review(itemID, draft, knowledge.ReviewOptions{})
		},
	}, stderr)
}

// readyChecks are the conditions of serve's /readyz. The knowledge and
// the stores are loaded and opened before serve listens, so what remains
// to wait for is the canned answers' index: with canned.vec missing (a
// first start, or one after the file was lost) it embeds every answer,
// and a replica answering meanwhile would keep its users waiting.
func readyChecks(e *engine.Engine) []bot.ReadyCheck {
	return []bot.ReadyCheck{
		{Name: "knowledge", Check: func(context.Context) error { return nil }},
		{Name: "canned_index", Check: func(context.Context) error {
			st := e.CannedStatus()
			switch {
			case st.Ready:
				return nil
			case st.Embedding > 0:
				return fmt.Errorf("embedding %d of %d answers", st.Embedded, st.Embedding)
			}
			return errors.New("loading")
		}},
	}
}

// pinger is a store that can say whether its database answers.
type pinger interface {
	Ping(ctx context.Context) error
}

// storeChecks are the readiness checks of the stores: /readyz answers 503
// while a database cannot be reached (PostgreSQL down, a SQLite file gone
// read-only), so that a load balancer sends the replica no traffic it
// would fail. The statistics count only when they are on.
func storeChecks(log *slog.Logger, canned, state pinger, st *stats.Store) []bot.ReadyCheck {
	checks := []bot.ReadyCheck{
		{Name: "canned_store", Check: pingCheck(log, canned)},
		{Name: "bot_state", Check: pingCheck(log, state)},
	}
	if st != nil {
		checks = append(checks, bot.ReadyCheck{Name: "stats_store", Check: pingCheck(log, st)})
	}
	return checks
}

// pingCheck pings p and says only the kind of failure: /readyz is
// answered to anyone who can reach the port, and the database's address
// stays in the log.
func pingCheck(log *slog.Logger, p pinger) func(context.Context) error {
	return func(ctx context.Context) error {
		err := p.Ping(ctx)
		if err == nil {
			return nil
		}
		log.Warn("store not answering", "error", err)
		if k := storage.KindOf(err); k != storage.Other {
			return fmt.Errorf("database %s", k)
		}
		return errors.New("database not answering")
	}
}
