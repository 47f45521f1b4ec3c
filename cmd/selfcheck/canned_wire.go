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

func (c cannedSource) CannedChanges(ctx context.Context, since int64) (engine.CannedChanges, error) {
	cs, err := c.s.Changes(ctx, since)
	if err != nil {
		return engine.CannedChanges{}, err
	}
	out := engine.CannedChanges{StoreID: cs.StoreID, Seq: cs.Seq, Deleted: cs.Deleted, Full: cs.Full, Changed: make([]engine.CannedAnswer, len(cs.Changed))}
	for i, a := range cs.Changed {
		out.Changed[i] = engine.CannedAnswer{Name: a.Name, Item: a.Item, Text: a.Text, Tags: a.Tags}
	}
	return out, nil
}

func (c cannedSource) CannedAnswer(ctx context.Context, name string) (engine.CannedAnswer, bool, error) {
	a, err := c.s.Get(ctx, name)
	if errors.Is(err, canned.ErrNotFound) {
		return engine.CannedAnswer{}, false, nil
	}
	if err != nil {
		return engine.CannedAnswer{}, false, err
	}
	return engine.CannedAnswer{Name: a.Name, Item: a.Item, Text: a.Text, Tags: a.Tags}, true, nil
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
