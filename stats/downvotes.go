package stats

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/selfcheck/selfcheck/storage"
)

// Reasons a 👎 can give, as the bot's modal offers them. Label is what
// staff read; the code is what is stored.
var Reasons = []Reason{
	{Code: "wrong", Label: "틀렸어요"},
	{Code: "incomplete", Label: "부족해요"},
	{Code: "unclear", Label: "이해하기 어려워요"},
	{Code: "off_topic", Label: "다른 걸 물었어요"},
}

// Reason is one answer to "what went wrong?".
type Reason struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// ReasonLabel is the label of a reason code, or the code itself.
func ReasonLabel(code string) string {
	for _, r := range Reasons {
		if r.Code == code {
			return r.Label
		}
	}
	return code
}

// MaxDownVoteText bounds each kept text of a 👎 (comment, question), in
// bytes; longer texts are cut.
const MaxDownVoteText = 3000

// DownVote is a 👎 with what staff need to follow it up: why, about which
// item, the question (masked) and a link to the thread. Texts must be
// masked with knowledge.Redact by the caller; they are kept for the
// retention period, like unanswered questions, and deleted with them.
type DownVote struct {
	// Key names one user's vote on one message without naming either
	// (the bot passes a hash); a later vote under the same key replaces
	// it, and Withdraw removes it.
	Key string `json:"-"`
	// At is when it was given (set by the store).
	At       time.Time `json:"at"`
	Item     string    `json:"item"`
	Kind     string    `json:"kind"`
	Reason   string    `json:"reason"`
	Comment  string    `json:"comment,omitempty"`
	Question string    `json:"question,omitempty"`
	// Link is the permalink of the answer in its thread, "" when the
	// answer was private (/selfcheck) and has none.
	Link string `json:"link,omitempty"`
	// Withdraw removes the vote under Key (the user changed it to 👍).
	Withdraw bool `json:"-"`
}

// RecordDownVote queues a 👎 with its reason, or its withdrawal. It
// never blocks.
func (s *Store) RecordDownVote(_ context.Context, d DownVote) error {
	if d.Key == "" {
		return fmt.Errorf("statistics: a 👎 needs a key")
	}
	d.Comment, d.Question = cut(d.Comment, MaxDownVoteText), cut(d.Question, MaxDownVoteText)
	return s.enqueue(event{downvote: &d})
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 { // not inside a UTF-8 sequence
		n--
	}
	return s[:n]
}

func (s *Store) writeDownVote(ctx context.Context, tx *sql.Tx, at time.Time, d *DownVote) error {
	if d.Withdraw {
		if _, err := tx.ExecContext(ctx, s.db.Q(`DELETE FROM downvotes WHERE key = ?`), d.Key); err != nil {
			return fmt.Errorf("withdraw 👎: %w", err)
		}
		return nil
	}
	if _, err := tx.ExecContext(ctx, s.db.Q(`INSERT INTO downvotes (key, at, item, kind, reason, comment, question, link) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET at = excluded.at, item = excluded.item, kind = excluded.kind, reason = excluded.reason,
		comment = excluded.comment, question = excluded.question, link = excluded.link`),
		d.Key, s.db.Time(at), d.Item, d.Kind, d.Reason, d.Comment, d.Question, d.Link); err != nil {
		return fmt.Errorf("keep 👎: %w", err)
	}
	return nil
}

// DownVotes returns the 👎 with a reason of the last days days, newest
// first. Those past the retention period are never returned.
func (s *Store) DownVotes(ctx context.Context, days int) ([]DownVote, error) {
	if days < 1 {
		return nil, fmt.Errorf("statistics: days must be 1 or more, got %d", days)
	}
	now := s.now().UTC()
	from := time.Date(now.Year(), now.Month(), now.Day()-(days-1), 0, 0, 0, 0, time.UTC)
	cutoff := s.db.Time(later(from, now.Add(-s.retention)))
	rows, err := s.db.SQL.QueryContext(ctx, s.db.Q(`SELECT at, item, kind, reason, comment, question, link FROM downvotes WHERE at >= ? ORDER BY at DESC, key`), cutoff)
	if err != nil {
		return nil, fmt.Errorf("statistics: read 👎: %w", err)
	}
	defer rows.Close()
	out := []DownVote{}
	for rows.Next() {
		var d DownVote
		if err := rows.Scan(storage.ScanTime{T: &d.At}, &d.Item, &d.Kind, &d.Reason, &d.Comment, &d.Question, &d.Link); err != nil {
			return nil, fmt.Errorf("statistics: read 👎: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
