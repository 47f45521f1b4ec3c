package botstate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Urgency of an escalation, as the user chose it in the modal.
const (
	UrgencyToday = "today" // 오늘 마감
	UrgencyWeek  = "week"  // 이번 주
	UrgencyLater = "later" // 여유 있음
)

// Escalation is a question handed to support staff: where it was asked,
// about which item, how urgent, when and by whom, and when staff first
// replied in its thread. It holds IDs and times only, never the question.
type Escalation struct {
	// ID names the escalation on its 해결됨 button.
	ID string `json:"id"`
	// Channel and Thread are where the question was asked; Thread is ""
	// for a private answer (a DM, an ephemeral reply).
	Channel string `json:"channel"`
	Thread  string `json:"thread,omitempty"`
	Item    string `json:"item,omitempty"`
	Urgency string `json:"urgency,omitempty"`
	User    string `json:"user"`
	// Link is the permalink of the question, when it has one.
	Link     string    `json:"link,omitempty"`
	OpenedAt time.Time `json:"opened_at"`
	// FirstReplyAt, Replier and ReplyTS are the first staff reply in the
	// thread; zero until there is one.
	FirstReplyAt time.Time `json:"first_reply_at,omitzero"`
	Replier      string    `json:"replier,omitempty"`
	ReplyTS      string    `json:"reply_ts,omitempty"`
	ResolvedAt   time.Time `json:"resolved_at,omitzero"`
	ResolvedBy   string    `json:"resolved_by,omitempty"`
}

// FirstReplyAfter is how long staff took to reply first, or 0 when
// they have not.
func (e Escalation) FirstReplyAfter() time.Duration {
	if e.FirstReplyAt.IsZero() {
		return 0
	}
	return e.FirstReplyAt.Sub(e.OpenedAt)
}

// OpenEscalation records e (ID, Channel, User required) as opened now,
// unless one with its ID exists; it reports whether it was new.
func (s *Store) OpenEscalation(ctx context.Context, e Escalation) (bool, error) {
	if e.ID == "" || e.Channel == "" || e.User == "" {
		return false, errors.New("open escalation: id, channel and user are required")
	}
	now := s.now().UnixMilli()
	res, err := s.db.SQL.ExecContext(ctx, s.db.Q(`INSERT INTO escalations (id, channel, thread, item, urgency, user_id, link, opened_at)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`),
		e.ID, e.Channel, e.Thread, e.Item, e.Urgency, e.User, e.Link, now)
	if err != nil {
		return false, fmt.Errorf("open escalation: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("open escalation: %w", err)
	}
	return n == 1, nil
}

// SetEscalationUrgency records the urgency the user chose (and the link
// once known) on an escalation opened earlier.
func (s *Store) SetEscalationUrgency(ctx context.Context, id, urgency, link string) error {
	_, err := s.db.SQL.ExecContext(ctx, s.db.Q(`UPDATE escalations SET urgency = CASE WHEN ? = '' THEN urgency ELSE ? END,
		 link = CASE WHEN ? = '' THEN link ELSE ? END WHERE id = ?`), urgency, urgency, link, link, id)
	if err != nil {
		return fmt.Errorf("update escalation: %w", err)
	}
	return nil
}

// ResolveEscalation marks an escalation resolved by user and returns it
// as it stands; ok is false when there is no such escalation or it was
// resolved already (then e is still returned when it exists).
func (s *Store) ResolveEscalation(ctx context.Context, id, user string) (e Escalation, ok bool, err error) {
	res, err := s.db.SQL.ExecContext(ctx, s.db.Q(`UPDATE escalations SET resolved_at = ?, resolved_by = ? WHERE id = ? AND resolved_at IS NULL`),
		s.now().UnixMilli(), user, id)
	if err != nil {
		return Escalation{}, false, fmt.Errorf("resolve escalation: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return Escalation{}, false, fmt.Errorf("resolve escalation: %w", err)
	}
	e, found, err := s.escalation(ctx, id)
	if err != nil || !found {
		return e, false, err
	}
	return e, n == 1, nil
}

const escalationColumns = `id, channel, thread, item, urgency, user_id, link, opened_at, first_reply_at, replier, reply_ts, resolved_at, resolved_by`

func (s *Store) escalation(ctx context.Context, id string) (Escalation, bool, error) {
	rows, err := s.db.SQL.QueryContext(ctx, s.db.Q(`SELECT `+escalationColumns+` FROM escalations WHERE id = ?`), id)
	if err != nil {
		return Escalation{}, false, fmt.Errorf("read escalation: %w", err)
	}
	list, err := scanEscalations(rows)
	if err != nil || len(list) == 0 {
		return Escalation{}, false, err
	}
	return list[0], true, nil
}

// OpenEscalations lists the escalations not resolved yet, oldest first,
// at most limit of them.
func (s *Store) OpenEscalations(ctx context.Context, limit int) ([]Escalation, error) {
	rows, err := s.db.SQL.QueryContext(ctx, s.db.Q(`SELECT `+escalationColumns+` FROM escalations
		 WHERE resolved_at IS NULL ORDER BY opened_at, id LIMIT ?`), limit)
	if err != nil {
		return nil, fmt.Errorf("list escalations: %w", err)
	}
	return scanEscalations(rows)
}

// EscalationOf returns the latest escalation of a thread; ok is false
// when the thread has none.
func (s *Store) EscalationOf(ctx context.Context, channel, thread string) (Escalation, bool, error) {
	rows, err := s.db.SQL.QueryContext(ctx, s.db.Q(`SELECT `+escalationColumns+` FROM escalations
		 WHERE channel = ? AND thread = ? ORDER BY opened_at DESC LIMIT 1`), channel, thread)
	if err != nil {
		return Escalation{}, false, fmt.Errorf("read escalation: %w", err)
	}
	list, err := scanEscalations(rows)
	if err != nil || len(list) == 0 {
		return Escalation{}, false, err
	}
	return list[0], true, nil
}

func scanEscalations(rows *sql.Rows) ([]Escalation, error) {
	defer rows.Close()
	var out []Escalation
	for rows.Next() {
		var e Escalation
		var opened int64
		var reply, resolved sql.NullInt64
		if err := rows.Scan(&e.ID, &e.Channel, &e.Thread, &e.Item, &e.Urgency, &e.User, &e.Link, &opened,
			&reply, &e.Replier, &e.ReplyTS, &resolved, &e.ResolvedBy); err != nil {
			return nil, fmt.Errorf("read escalations: %w", err)
		}
		e.OpenedAt = time.UnixMilli(opened).UTC()
		if reply.Valid {
			e.FirstReplyAt = time.UnixMilli(reply.Int64).UTC()
		}
		if resolved.Valid {
			e.ResolvedAt = time.UnixMilli(resolved.Int64).UTC()
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read escalations: %w", err)
	}
	return out, nil
}
