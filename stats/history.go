package stats

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/selfcheck/selfcheck/storage"
)

// A review's history is what lets the bot tell an applicant what changed
// since their previous review of an item: per review, the user (hashed),
// the item, the time and each element's status. Nothing of the draft,
// no quote, no note, and no Slack user ID in the clear: the ID is an
// HMAC-SHA256 under a secret made once per installation and kept in the
// store (so replicas on one PostgreSQL agree), which makes the key
// useless outside this database. Rows are deleted after the retention
// period, like the question texts.

// historyRows bounds the rows one staff report reads.
const historyRows = 200000

// history is one review kept for comparison.
type history struct {
	user, item string
	statuses   map[string]string
}

// RememberReview queues a review's element statuses for user (a Slack
// member ID, hashed before it is stored). It never blocks.
func (s *Store) RememberReview(_ context.Context, user, item string, statuses map[string]string) error {
	if user == "" || item == "" {
		return errors.New("statistics: a remembered review needs a user and an item")
	}
	return s.enqueue(event{history: &history{user: s.userKey(user), item: item, statuses: statuses}})
}

// LastReview returns user's latest review of item made after since: its
// time and element statuses; ok is false when there is none.
func (s *Store) LastReview(ctx context.Context, user, item string, since time.Time) (at time.Time, statuses map[string]string, ok bool, err error) {
	cutoff := later(since, s.now().Add(-s.retention))
	var raw string
	err = s.db.SQL.QueryRowContext(ctx, s.db.Q(`SELECT at, statuses FROM review_history WHERE user_key = ? AND item = ? AND at >= ?
		ORDER BY at DESC, id DESC LIMIT 1`), s.userKey(user), item, s.db.Time(cutoff)).Scan(storage.ScanTime{T: &at}, &raw)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil, false, nil
	}
	if err != nil {
		return time.Time{}, nil, false, fmt.Errorf("statistics: read previous review: %w", err)
	}
	if err := json.Unmarshal([]byte(raw), &statuses); err != nil {
		return time.Time{}, nil, false, fmt.Errorf("statistics: read previous review: %w", err)
	}
	return at, statuses, true, nil
}

// ForgetReviews deletes every kept review (statistics were turned off).
func (s *Store) ForgetReviews(ctx context.Context) (int64, error) {
	res, err := s.db.SQL.ExecContext(ctx, `DELETE FROM review_history`)
	if err != nil {
		return 0, fmt.Errorf("delete review history: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// userKey is the stored form of a user ID.
func (s *Store) userKey(user string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(user))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// loadSecret makes the installation's secret on first use and reads it.
func (s *Store) loadSecret(ctx context.Context) error {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return fmt.Errorf("make secret: %w", err)
	}
	q := `INSERT INTO install (one, secret) VALUES (1, ?) ON CONFLICT (one) DO NOTHING`
	if s.db.Backend == storage.Postgres {
		q = `INSERT INTO install (one, secret) VALUES (true, ?) ON CONFLICT (one) DO NOTHING`
	}
	if _, err := s.db.SQL.ExecContext(ctx, s.db.Q(q), b); err != nil {
		return fmt.Errorf("keep secret: %w", err)
	}
	if err := s.db.SQL.QueryRowContext(ctx, `SELECT secret FROM install`).Scan(&s.secret); err != nil {
		return fmt.Errorf("read secret: %w", err)
	}
	if len(s.secret) < 16 {
		return errors.New("read secret: too short")
	}
	return nil
}

func (s *Store) writeHistory(ctx context.Context, tx *sql.Tx, at time.Time, h *history) error {
	raw, err := json.Marshal(h.statuses)
	if err != nil {
		return fmt.Errorf("keep review: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.db.Q(`INSERT INTO review_history (at, user_key, item, statuses) VALUES (?, ?, ?, ?)`),
		s.db.Time(at), h.user, h.item, string(raw)); err != nil {
		return fmt.Errorf("keep review: %w", err)
	}
	return nil
}

// ItemProgress is what became of the drafts of one item that applicants
// reviewed more than once in the period: how many applicants did, and
// per element how many of them had it missing in their first review and
// in their last. Counts only.
type ItemProgress struct {
	Item       string            `json:"item"`
	Applicants int               `json:"applicants"`
	Elements   []ElementProgress `json:"elements"`
}

// ElementProgress counts the applicants who had an element missing in
// their first and in their last review of the period.
type ElementProgress struct {
	Element      string `json:"element"`
	MissingFirst int    `json:"missing_first"`
	MissingLast  int    `json:"missing_last"`
}

// progressCounts fills r.ReviewedAgain and r.Progress from the kept
// reviews of the period.
func (s *Store) progressCounts(ctx context.Context, r *Report) error {
	from, err := time.Parse(time.DateOnly, r.From)
	if err != nil {
		return fmt.Errorf("statistics: period: %w", err)
	}
	rows, err := s.db.SQL.QueryContext(ctx, s.db.Q(`SELECT user_key, item, statuses FROM review_history WHERE at >= ?
		ORDER BY at, id LIMIT `+fmt.Sprint(historyRows)), s.db.Time(from))
	if err != nil {
		return fmt.Errorf("statistics: read review history: %w", err)
	}
	defer rows.Close()
	type run struct {
		first, last map[string]string
		n           int
	}
	runs := map[[2]string]*run{}
	var order [][2]string
	for rows.Next() {
		var user, item, raw string
		if err := rows.Scan(&user, &item, &raw); err != nil {
			return fmt.Errorf("statistics: read review history: %w", err)
		}
		var st map[string]string
		if json.Unmarshal([]byte(raw), &st) != nil {
			continue
		}
		k := [2]string{user, item}
		if runs[k] == nil {
			runs[k] = &run{first: st}
			order = append(order, k)
		}
		runs[k].last = st
		runs[k].n++
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("statistics: read review history: %w", err)
	}
	again := map[string]bool{}
	byItem := map[string]*ItemProgress{}
	elIndex := map[string]map[string]int{}
	for _, k := range order {
		ru := runs[k]
		if ru.n < 2 {
			continue
		}
		again[k[0]] = true
		ip := byItem[k[1]]
		if ip == nil {
			ip = &ItemProgress{Item: k[1], Elements: []ElementProgress{}}
			byItem[k[1]] = ip
			elIndex[k[1]] = map[string]int{}
		}
		ip.Applicants++
		for _, el := range sortedKeys(ru.first, ru.last) {
			i, ok := elIndex[k[1]][el]
			if !ok {
				i = len(ip.Elements)
				elIndex[k[1]][el] = i
				ip.Elements = append(ip.Elements, ElementProgress{Element: el})
			}
			if ru.first[el] == "missing" {
				ip.Elements[i].MissingFirst++
			}
			if ru.last[el] == "missing" {
				ip.Elements[i].MissingLast++
			}
		}
	}
	r.ReviewedAgain = len(again)
	for _, id := range sortedKeys(byItem) {
		ip := byItem[id]
		sortElements(ip.Elements)
		r.Progress = append(r.Progress, *ip)
	}
	return nil
}

// sortedKeys is the union of the maps' keys, sorted.
func sortedKeys[V any](ms ...map[string]V) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range ms {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return out
}

// sortElements orders elements by ID (1.2-a, 1.2-b …).
func sortElements(els []ElementProgress) {
	slices.SortFunc(els, func(a, b ElementProgress) int { return strings.Compare(a.Element, b.Element) })
}
