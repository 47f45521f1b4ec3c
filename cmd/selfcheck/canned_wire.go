package main

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/selfcheck/selfcheck/canned"
)

// cannedConfig says where the canned answers are: DATABASE_URL, or
// canned.db under DATA_DIR.
func (c config) cannedConfig() canned.Config {
	return canned.Config{Dir: c.DataDir, DatabaseURL: c.DatabaseURL}
}

// openCannedIfPresent opens the canned-answer store when DATA_DIR has one
// (or DATABASE_URL names the shared one): a question asked from the CLI
// should not create a database file as a side effect.
func openCannedIfPresent(ctx context.Context, cfg config, log *slog.Logger) (*canned.Store, error) {
	if cfg.DatabaseURL == "" {
		if _, err := os.Stat(filepath.Join(cfg.DataDir, canned.FileName)); errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
	}
	cc := cfg.cannedConfig()
	cc.Logger = log
	s, err := canned.Open(ctx, cc)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// cannedIndexer updates the canned answers' index under DATA_DIR the way
// serve does (the same knowledge, embedding and index directory), from
// the CLI after a change. With DATABASE_URL each replica keeps its own
// index in its own DATA_DIR: this updates the one of the machine the
// command runs on.
func cannedIndexer(cfg config, log *slog.Logger) cannedIndexFunc {
	return func(ctx context.Context, s *canned.Store) (int, error) {
		e, _, err := newEngine(ctx, cfg, log, true, s, nil)
		if err != nil {
			return 0, err
		}
		if err := e.RefreshCanned(ctx); err != nil {
			return 0, err
		}
		return e.CannedStatus().Answers, nil
	}
}
