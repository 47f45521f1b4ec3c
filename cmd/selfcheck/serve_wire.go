package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/selfcheck/selfcheck/botstate"
	"github.com/selfcheck/selfcheck/canned"
	"github.com/selfcheck/selfcheck/knowledge"
)

// cannedRefresh is how often serve applies changes made to the canned
// answers by another process (the CLI).
const cannedRefresh = 15 * time.Second

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
	store, err := canned.Open(ctx, canned.Config{Dir: cfg.DataDir, Logger: log})
	if err != nil {
		return fmt.Errorf("open canned answers in %s: %w", cfg.DataDir, err)
	}
	defer store.Close()
	state, err := botstate.Open(ctx, cfg.DataDir)
	if err != nil {
		return fmt.Errorf("open bot state in %s: %w", cfg.DataDir, err)
	}
	defer state.Close()
	st, closeStats, err := openStats(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeStats()
	e, kb, err := newEngine(ctx, cfg, log, true, cannedSource{store}, recorder(st))
	if err != nil {
		return err
	}
	// Canned answers load now and follow the store in the background, not
	// inside an ask.
	go e.WatchCanned(ctx, cannedRefresh)
	return runServe(ctx, getenv, serveDeps{
		Answerer:      e,
		Reviewer:      e,
		Items:         kb.Infos(),
		Logger:        log,
		Canned:        store,
		CannedWriter:  store,
		RefreshCanned: e.RefreshCanned,
		Files:         fileReviewer{e: e, cfg: cfg.extractConfig()},
		MaxFileBytes:  cfg.MaxFileBytes,
		State:         state,
		QuickReview: func(ctx context.Context, itemID, draft string) (knowledge.Report, error) {
			if err := ctx.Err(); err != nil {
				return knowledge.Report{}, err
			}
			return kb.Review(itemID, draft, knowledge.ReviewOptions{})
		},
	}, stderr)
}
