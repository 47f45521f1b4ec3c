package botstate

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Candidate is a staff reply that resolved an escalation, offered to its
// author to save as a canned answer. Text is the reply as staff wrote it,
// masked (knowledge.Redact) by the bot before it is stored here.
type Candidate struct {
	ID      string    `json:"id"`
	Channel string    `json:"channel"`
	Thread  string    `json:"thread"`
	Staff   string    `json:"staff"`
	Item    string    `json:"item,omitempty"`
	Text    string    `json:"text"`
	At      time.Time `json:"at"`
	// Saved is the name of the canned answer it became, "" while unsaved.
	Saved string `json:"saved,omitempty"`
}

// MaxCandidateText bounds a candidate's text (runes are checked by the
// bot; this bounds bytes, against a runaway message).
const MaxCandidateText = 16 << 10

// AddCandidate stores c (ID, Staff and Text required) unless one with
// its ID exists; it reports whether it was new.
func (s *Store) AddCandidate(ctx context.Context, c Candidate) (bool, error) {
	if c.ID == "" || c.Staff == "" || c.Text == "" {
		return false, errors.New("add candidate: id, staff and text are required")
	}
	if len(c.Text) > MaxCandidateText {
		return false, fmt.Errorf("add candidate: text of %d bytes is over %d", len(c.Text), MaxCandidateText)
	}
	res, err := s.db.SQL.ExecContext(ctx, s.db.Q(`INSERT INTO candidates (id, channel, thread, staff, item, text, at, saved)
		 VALUES (?, ?, ?, ?, ?, ?, ?, '') ON CONFLICT (id) DO NOTHING`),
		c.ID, c.Channel, c.Thread, c.Staff, c.Item, c.Text, s.now().UnixMilli())
	if err != nil {
		return false, fmt.Errorf("add candidate: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("add candidate: %w", err)
	}
	return n == 1, nil
}

// Candidate returns the candidate id; ok is false when there is none.
func (s *Store) Candidate(ctx context.Context, id string) (Candidate, bool, error) {
	list, err := s.candidates(ctx, `WHERE id = ?`, id)
	if err != nil || len(list) == 0 {
		return Candidate{}, false, err
	}
	return list[0], true, nil
}

// Candidates lists the candidates not saved yet, oldest first, at most
// limit.
func (s *Store) Candidates(ctx context.Context, limit int) ([]Candidate, error) {
	return s.candidates(ctx, `WHERE saved = '' ORDER BY at, id LIMIT ?`, limit)
}

// MarkCandidateSaved records that candidate id became the canned answer
// called name.
func (s *Store) MarkCandidateSaved(ctx context.Context, id, name string) error {
	if _, err := s.db.SQL.ExecContext(ctx, s.db.Q(`UPDATE candidates SET saved = ? WHERE id = ?`), name, id); err != nil {
		return fmt.Errorf("mark candidate saved: %w", err)
	}
	return nil
}

func (s *Store) candidates(ctx context.Context, where string, args ...any) ([]Candidate, error) {
	rows, err := s.db.SQL.QueryContext(ctx, s.db.Q(`SELECT id, channel, thread, staff, item, text, at, saved FROM candidates `+where), args...)
	if err != nil {
		return nil, fmt.Errorf("read candidates: %w", err)
	}
	defer rows.Close()
	var out []Candidate
	for rows.Next() {
		var c Candidate
		var at int64
		if err := rows.Scan(&c.ID, &c.Channel, &c.Thread, &c.Staff, &c.Item, &c.Text, &at, &c.Saved); err != nil {
			return nil, fmt.Errorf("read candidates: %w", err)
		}
		c.At = time.UnixMilli(at).UTC()
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read candidates: %w", err)
	}
	return out, nil
}
