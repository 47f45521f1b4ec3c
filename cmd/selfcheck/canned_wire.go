package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/selfcheck/selfcheck/canned"
	"github.com/selfcheck/selfcheck/engine"
)

// cannedSource adapts the canned-answer store to what the engine needs.
type cannedSource struct{ s *canned.Store }

func (c cannedSource) CannedAnswers(ctx context.Context) ([]engine.CannedAnswer, error) {
	list, err := c.s.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]engine.CannedAnswer, len(list))
	for i, a := range list {
		out[i] = engine.CannedAnswer{Name: a.Name, Item: a.Item, Text: a.Text, Tags: a.Tags}
	}
	return out, nil
}

// openCannedIfPresent opens the canned-answer store when DATA_DIR has one:
// a question asked from the CLI should not create a database as a side
// effect.
func openCannedIfPresent(ctx context.Context, dataDir string, log *slog.Logger) (*canned.Store, error) {
	if _, err := os.Stat(filepath.Join(dataDir, canned.FileName)); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	s, err := canned.Open(ctx, canned.Config{Dir: dataDir, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("open canned answers in %s: %w", dataDir, err)
	}
	return s, nil
}
