package main

import (
	"context"
	"io"
	"log/slog"
)

// runServeCommand builds the engine with its index and hands it to the
// Slack bot.
func runServeCommand(ctx context.Context, cfg config, log *slog.Logger, getenv func(string) string, stderr io.Writer) error {
	if cfg.LogLevel == "" {
		log = newLogger(stderr, "info")
	}
	e, kb, err := newEngine(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	return runServe(ctx, getenv, serveDeps{Answerer: e, Reviewer: e, Items: kb.Infos(), Logger: log}, stderr)
}
