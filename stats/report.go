package stats

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/selfcheck/selfcheck/storage"
)

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Report is the overview of the last Days days (today, UTC, included).
type Report struct {
	Days     int    `json:"days"`
	From     string `json:"from"` // first day, YYYY-MM-DD
	To       string `json:"to"`   // today
	Question struct {
		Total      int `json:"total"`
		Answered   int `json:"answered"`
		Weak       int `json:"weak"`
		Unanswered int `json:"unanswered"`
	} `json:"questions"`
	// ByItem counts questions per item, most asked first ("" is none).
	ByItem []ItemQuestions `json:"by_item"`
	// ByDay counts questions per day, oldest first, days without
	// questions left out.
	ByDay []DayCount `json:"by_day"`
	// ByKind counts questions per kind of answer.
	ByKind map[string]int `json:"by_kind"`
	// Reviews per item, with how often each element came out missing or
	// partial, most missed first.
	Reviews []ItemReviews `json:"reviews"`
	// Feedback per item and kind of answer.
	Feedback []FeedbackCount `json:"feedback"`
	// Escalations per item: handed to the support team, and marked
	// resolved, in the period.
	Escalations []EscalationCount `json:"escalations"`
	// ReviewedAgain is how many applicants reviewed an item more than
	// once in the period; Progress, per item, how the missing elements
	// moved between their first and last review (history.go).
	ReviewedAgain int            `json:"reviewed_again"`
	Progress      []ItemProgress `json:"progress"`
	// KeptQuestions is how many masked questions are stored (see
	// Store.Unanswered).
	KeptQuestions int `json:"kept_questions"`
}

// ItemQuestions counts the questions routed to one item.
type ItemQuestions struct {
	Item       string `json:"item"`
	Total      int    `json:"total"`
	Weak       int    `json:"weak"`
	Unanswered int    `json:"unanswered"`
}

// DayCount counts questions on one day.
type DayCount struct {
	Day       string `json:"day"`
	Questions int    `json:"questions"`
}

// ItemReviews counts the reviews of one item.
type ItemReviews struct {
	Item     string          `json:"item"`
	Reviews  int             `json:"reviews"`
	Elements []ElementMisses `json:"elements"`
}

// ElementMisses counts how often one element came out missing or partial.
type ElementMisses struct {
	Element string `json:"element"`
	Missing int    `json:"missing"`
	Partial int    `json:"partial"`
}

// FeedbackCount is the votes on the answers of one item and kind.
type FeedbackCount struct {
	Item string `json:"item"`
	Kind string `json:"kind"`
	Up   int    `json:"up"`
	Down int    `json:"down"`
}

// EscalationCount is the escalations of one item.
type EscalationCount struct {
	Item     string `json:"item"`
	Opened   int    `json:"opened"`
	Resolved int    `json:"resolved"`
}

// Question is a kept, masked question.
type Question struct {
	At      time.Time `json:"at"`
	Item    string    `json:"item"`
	Outcome string    `json:"outcome"`
	Text    string    `json:"text"`
}

// since returns the first day of a period of days ending today.
func (s *Store) since(days int) (string, string) {
	now := s.now()
	return day(now.AddDate(0, 0, -(days - 1))), day(now)
}

// Report returns the overview of the last days days.
func (s *Store) Report(ctx context.Context, days int) (Report, error) {
	if days < 1 {
		return Report{}, fmt.Errorf("statistics: days must be 1 or more, got %d", days)
	}
	r := Report{Days: days, ByItem: []ItemQuestions{}, ByDay: []DayCount{}, ByKind: map[string]int{}, Reviews: []ItemReviews{}, Feedback: []FeedbackCount{}, Escalations: []EscalationCount{}, Progress: []ItemProgress{}}
	r.From, r.To = s.since(days)
	if err := s.askCounts(ctx, &r); err != nil {
		return Report{}, err
	}
	if err := s.reviewCounts(ctx, &r); err != nil {
		return Report{}, err
	}
	if err := s.feedbackCounts(ctx, &r); err != nil {
		return Report{}, err
	}
	if err := s.escalationCounts(ctx, &r); err != nil {
		return Report{}, err
	}
	if err := s.progressCounts(ctx, &r); err != nil {
		return Report{}, err
	}
	cutoff := s.db.Time(s.now().Add(-s.retention))
	if err := s.db.SQL.QueryRowContext(ctx, s.db.Q(`SELECT count(*) FROM questions WHERE at >= ?`), cutoff).Scan(&r.KeptQuestions); err != nil {
		return Report{}, fmt.Errorf("statistics: count kept questions: %w", err)
	}
	return r, nil
}

func (s *Store) askCounts(ctx context.Context, r *Report) error {
	rows, err := s.db.SQL.QueryContext(ctx, s.db.Q(`SELECT day, item, kind, outcome, n FROM asks WHERE day >= ? ORDER BY day`), r.From)
	if err != nil {
		return fmt.Errorf("statistics: read questions: %w", err)
	}
	defer rows.Close()
	byItem := map[string]*ItemQuestions{}
	for rows.Next() {
		var d, item, kind, outcome string
		var n int
		if err := rows.Scan(&d, &item, &kind, &outcome, &n); err != nil {
			return fmt.Errorf("statistics: read questions: %w", err)
		}
		r.Question.Total += n
		it := byItem[item]
		if it == nil {
			it = &ItemQuestions{Item: item}
			byItem[item] = it
		}
		it.Total += n
		switch outcome {
		case OutcomeWeak:
			r.Question.Weak += n
			it.Weak += n
		case OutcomeUnanswered:
			r.Question.Unanswered += n
			it.Unanswered += n
		default:
			r.Question.Answered += n
		}
		r.ByKind[kind] += n
		if len(r.ByDay) == 0 || r.ByDay[len(r.ByDay)-1].Day != d {
			r.ByDay = append(r.ByDay, DayCount{Day: d})
		}
		r.ByDay[len(r.ByDay)-1].Questions += n
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("statistics: read questions: %w", err)
	}
	for _, it := range byItem {
		r.ByItem = append(r.ByItem, *it)
	}
	slices.SortFunc(r.ByItem, func(a, b ItemQuestions) int { return cmp.Or(b.Total-a.Total, cmp.Compare(a.Item, b.Item)) })
	return nil
}

func (s *Store) reviewCounts(ctx context.Context, r *Report) error {
	rows, err := s.db.SQL.QueryContext(ctx, s.db.Q(`SELECT item, sum(n) FROM reviews WHERE day >= ? GROUP BY item ORDER BY item`), r.From)
	if err != nil {
		return fmt.Errorf("statistics: read reviews: %w", err)
	}
	byItem := map[string]int{}
	for rows.Next() {
		var it ItemReviews
		if err := rows.Scan(&it.Item, &it.Reviews); err != nil {
			rows.Close()
			return fmt.Errorf("statistics: read reviews: %w", err)
		}
		it.Elements = []ElementMisses{}
		byItem[it.Item] = len(r.Reviews)
		r.Reviews = append(r.Reviews, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("statistics: read reviews: %w", err)
	}
	rows, err = s.db.SQL.QueryContext(ctx, s.db.Q(`SELECT item, element, status, sum(n) FROM review_elements
		WHERE day >= ? AND status IN ('missing', 'partial') GROUP BY item, element, status ORDER BY item, element`), r.From)
	if err != nil {
		return fmt.Errorf("statistics: read review elements: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var item, el, status string
		var n int
		if err := rows.Scan(&item, &el, &status, &n); err != nil {
			return fmt.Errorf("statistics: read review elements: %w", err)
		}
		i, ok := byItem[item]
		if !ok {
			continue
		}
		els := &r.Reviews[i].Elements
		if len(*els) == 0 || (*els)[len(*els)-1].Element != el {
			*els = append(*els, ElementMisses{Element: el})
		}
		if status == "missing" {
			(*els)[len(*els)-1].Missing += n
		} else {
			(*els)[len(*els)-1].Partial += n
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("statistics: read review elements: %w", err)
	}
	for i := range r.Reviews {
		slices.SortStableFunc(r.Reviews[i].Elements, func(a, b ElementMisses) int {
			return (b.Missing + b.Partial) - (a.Missing + a.Partial)
		})
	}
	return nil
}

func (s *Store) feedbackCounts(ctx context.Context, r *Report) error {
	rows, err := s.db.SQL.QueryContext(ctx, s.db.Q(`SELECT item, kind, sum(up), sum(down) FROM feedback WHERE day >= ?
		GROUP BY item, kind ORDER BY item, kind`), r.From)
	if err != nil {
		return fmt.Errorf("statistics: read feedback: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f FeedbackCount
		if err := rows.Scan(&f.Item, &f.Kind, &f.Up, &f.Down); err != nil {
			return fmt.Errorf("statistics: read feedback: %w", err)
		}
		r.Feedback = append(r.Feedback, f)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("statistics: read feedback: %w", err)
	}
	return nil
}

func (s *Store) escalationCounts(ctx context.Context, r *Report) error {
	rows, err := s.db.SQL.QueryContext(ctx, s.db.Q(`SELECT item, sum(opened), sum(resolved) FROM escalations WHERE day >= ?
		GROUP BY item ORDER BY item`), r.From)
	if err != nil {
		return fmt.Errorf("statistics: read escalations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e EscalationCount
		if err := rows.Scan(&e.Item, &e.Opened, &e.Resolved); err != nil {
			return fmt.Errorf("statistics: read escalations: %w", err)
		}
		r.Escalations = append(r.Escalations, e)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("statistics: read escalations: %w", err)
	}
	return nil
}

// Unanswered returns the kept masked questions of the last days days,
// newest first: the unanswered ones and those the bot only guessed at.
// Texts past the retention period are never returned, even before the
// next purge has deleted them.
func (s *Store) Unanswered(ctx context.Context, days int) ([]Question, error) {
	if days < 1 {
		return nil, fmt.Errorf("statistics: days must be 1 or more, got %d", days)
	}
	now := s.now().UTC()
	from := time.Date(now.Year(), now.Month(), now.Day()-(days-1), 0, 0, 0, 0, time.UTC)
	cutoff := s.db.Time(later(from, now.Add(-s.retention)))
	rows, err := s.db.SQL.QueryContext(ctx, s.db.Q(`SELECT at, item, outcome, text FROM questions WHERE at >= ? ORDER BY at DESC, id DESC`), cutoff)
	if err != nil {
		return nil, fmt.Errorf("statistics: read questions: %w", err)
	}
	defer rows.Close()
	out := []Question{}
	for rows.Next() {
		var q Question
		if err := rows.Scan(storage.ScanTime{T: &q.At}, &q.Item, &q.Outcome, &q.Text); err != nil {
			return nil, fmt.Errorf("statistics: read questions: %w", err)
		}
		out = append(out, q)
	}
	return out, rows.Err()
}
