package progress

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// FileName is the command line's history file inside DATA_DIR.
const FileName = "review-history.json"

// maxFileBytes bounds the history file read: one snapshot per item is a
// few kilobytes; anything larger is not this program's file.
const maxFileBytes = 1 << 20

// FileStore is the command line's history: the latest snapshot of each
// item, in a JSON file (one user: whoever runs selfcheck with this
// DATA_DIR). Snapshots older than the Window are dropped when it is
// written.
type FileStore struct {
	Path string
}

type historyFile struct {
	Reviews []Snapshot `json:"reviews"`
}

// load reads the file; a missing file is an empty history, and a damaged
// one too (it is rebuilt on the next write: losing a comparison is
// better than failing a review).
func (f FileStore) load() ([]Snapshot, error) {
	file, err := os.Open(f.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read review history: %w", err)
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read review history: %w", err)
	}
	var h historyFile
	if len(data) > maxFileBytes || json.Unmarshal(data, &h) != nil {
		return nil, nil
	}
	return h.Reviews, nil
}

// Previous returns the latest snapshot of item within the Window before
// now.
func (f FileStore) Previous(item string, now time.Time) (Snapshot, bool, error) {
	snaps, err := f.load()
	if err != nil {
		return Snapshot{}, false, err
	}
	s, ok := Latest(snaps, item, now)
	return s, ok, nil
}

// Remember keeps s as its item's latest snapshot and drops those past the
// Window, writing the file through a temporary one so that a crash never
// leaves half a file.
func (f FileStore) Remember(s Snapshot, now time.Time) error {
	snaps, err := f.load()
	if err != nil {
		return err
	}
	keep := []Snapshot{s}
	for _, o := range snaps {
		if o.Item != s.Item && now.Sub(o.At) <= Window && len(keep) < 64 {
			keep = append(keep, o)
		}
	}
	data, err := json.MarshalIndent(historyFile{Reviews: keep}, "", "  ")
	if err != nil {
		return fmt.Errorf("write review history: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(f.Path), 0o700); err != nil {
		return fmt.Errorf("write review history: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.Path), ".review-history-*")
	if err != nil {
		return fmt.Errorf("write review history: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write review history: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write review history: %w", err)
	}
	if err := os.Rename(tmp.Name(), f.Path); err != nil {
		return fmt.Errorf("write review history: %w", err)
	}
	return nil
}
