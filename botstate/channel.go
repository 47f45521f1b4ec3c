package botstate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Channel modes: how the bot answers in a channel. ModeMention (the
// default) answers mentions only, ModeAuto also every top-level message
// that reads as a question about the checklist, ModeOff nothing.
const (
	ModeMention = "mention"
	ModeAuto    = "auto"
	ModeOff     = "off"
)

// ValidMode reports whether m is one of the channel modes.
func ValidMode(m string) bool { return m == ModeMention || m == ModeAuto || m == ModeOff }

// ErrBadMode is returned for a mode other than the three.
var ErrBadMode = errors.New("channel mode must be auto, mention or off")

// ChannelSetting is how the bot answers in one channel, who set it and
// when.
type ChannelSetting struct {
	Channel string    `json:"channel"`
	Mode    string    `json:"mode"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
}

// SetChannelMode records the mode of channel, set by the user by.
// Setting ModeMention keeps a row too, so that the Home tab shows who
// turned a channel back.
func (s *Store) SetChannelMode(ctx context.Context, channel, mode, by string) error {
	if !ValidMode(mode) {
		return ErrBadMode
	}
	_, err := s.db.SQL.ExecContext(ctx, s.db.Q(`INSERT INTO channels (channel, mode, by_user, at) VALUES (?, ?, ?, ?)
		 ON CONFLICT (channel) DO UPDATE SET mode = excluded.mode, by_user = excluded.by_user, at = excluded.at`),
		channel, mode, by, s.now().UnixMilli())
	if err != nil {
		return fmt.Errorf("set channel mode: %w", err)
	}
	return nil
}

// ChannelMode returns the mode of channel: ModeMention when none was set.
func (s *Store) ChannelMode(ctx context.Context, channel string) (string, error) {
	var mode string
	err := s.db.SQL.QueryRowContext(ctx, s.db.Q(`SELECT mode FROM channels WHERE channel = ?`), channel).Scan(&mode)
	if errors.Is(err, sql.ErrNoRows) {
		return ModeMention, nil
	}
	if err != nil {
		return "", fmt.Errorf("read channel mode: %w", err)
	}
	return mode, nil
}

// ChannelModes lists every channel with a mode set, by channel ID.
func (s *Store) ChannelModes(ctx context.Context) ([]ChannelSetting, error) {
	rows, err := s.db.SQL.QueryContext(ctx, `SELECT channel, mode, by_user, at FROM channels ORDER BY channel`)
	if err != nil {
		return nil, fmt.Errorf("list channel modes: %w", err)
	}
	defer rows.Close()
	var out []ChannelSetting
	for rows.Next() {
		var c ChannelSetting
		var at int64
		if err := rows.Scan(&c.Channel, &c.Mode, &c.By, &at); err != nil {
			return nil, fmt.Errorf("list channel modes: %w", err)
		}
		c.At = time.UnixMilli(at).UTC()
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list channel modes: %w", err)
	}
	return out, nil
}

// StaffReply is the first reply of support staff in a thread.
type StaffReply struct {
	User string
	TS   string
	At   time.Time
}

// RecordStaffReply notes that the staff member user replied in a thread
// (message ts): the first reply is kept, later ones leave it unchanged. It
// reports whether this was the first. An open escalation of that thread
// gets its first reply time here.
func (s *Store) RecordStaffReply(ctx context.Context, channel, thread, user, ts string) (bool, error) {
	now := s.now().UnixMilli()
	res, err := s.db.SQL.ExecContext(ctx, s.db.Q(`INSERT INTO staff_replies (channel, thread, user_id, ts, at) VALUES (?, ?, ?, ?, ?)
		 ON CONFLICT (channel, thread) DO NOTHING`), channel, thread, user, ts, now)
	if err != nil {
		return false, fmt.Errorf("record staff reply: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record staff reply: %w", err)
	}
	if _, err := s.db.SQL.ExecContext(ctx, s.db.Q(`UPDATE escalations SET first_reply_at = ?, replier = ?, reply_ts = ?
		 WHERE channel = ? AND thread = ? AND first_reply_at IS NULL AND opened_at <= ?`),
		now, user, ts, channel, thread, now); err != nil {
		return n == 1, fmt.Errorf("record first staff reply: %w", err)
	}
	return n == 1, nil
}

// StaffReplied returns the first staff reply in a thread; ok is false
// when staff have not replied there.
func (s *Store) StaffReplied(ctx context.Context, channel, thread string) (r StaffReply, ok bool, err error) {
	var at int64
	err = s.db.SQL.QueryRowContext(ctx, s.db.Q(`SELECT user_id, ts, at FROM staff_replies WHERE channel = ? AND thread = ?`),
		channel, thread).Scan(&r.User, &r.TS, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return StaffReply{}, false, nil
	}
	if err != nil {
		return StaffReply{}, false, fmt.Errorf("read staff reply: %w", err)
	}
	r.At = time.UnixMilli(at).UTC()
	return r, true, nil
}
