package canned

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/selfcheck/selfcheck/storage"
)

// timeLayout is fixed-width so that stored times sort as text.
const timeLayout = storage.TimeLayout

// SaveOptions controls Store.Save.
type SaveOptions struct {
	// Force allows replacing an existing answer of the same name.
	Force bool
	// By names who makes the change (a Slack user ID, "cli", …). Required.
	By string
}

// ImportOptions controls Store.Import.
type ImportOptions struct {
	// Force allows replacing existing answers whose content differs.
	Force bool
	// By names who makes the change. Required.
	By string
}

const answerColumns = `name, item, text, tags, created_by, created_at, updated_by, updated_at, uses`

// rowScanner is what *sql.Row and *sql.Rows have in common.
type rowScanner interface{ Scan(dest ...any) error }

func scanAnswer(r rowScanner) (Answer, error) {
	var (
		a    Answer
		tags string
	)
	if err := r.Scan(&a.Name, &a.Item, &a.Text, &tags, &a.CreatedBy, storage.ScanTime{T: &a.CreatedAt},
		&a.UpdatedBy, storage.ScanTime{T: &a.UpdatedAt}, &a.Uses); err != nil {
		return Answer{}, err
	}
	if err := json.Unmarshal([]byte(tags), &a.Tags); err != nil {
		return Answer{}, fmt.Errorf("read tags of %q: %w", a.Name, err)
	}
	if len(a.Tags) == 0 {
		a.Tags = nil
	}
	return a, nil
}

func encodeTags(tags []string) string {
	if len(tags) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(tags) // a []string always marshals
	return string(b)
}

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// stamp is the store's notion of "now": UTC and no finer than the stored
// precision, so a returned Answer equals the one read back later.
func (s *Store) stamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// queryer is what *sql.DB and *sql.Tx have in common.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func (s *Store) getAnswer(ctx context.Context, q queryer, name string) (Answer, error) {
	a, err := scanAnswer(q.QueryRowContext(ctx, s.db.Q(`SELECT `+answerColumns+` FROM answers WHERE name = ?`), name))
	if errors.Is(err, sql.ErrNoRows) {
		return Answer{}, ErrNotFound
	}
	return a, err
}

// put writes a (already normalised) answer, replacing any row of that name.
func (s *Store) put(ctx context.Context, q queryer, a Answer) error {
	_, err := q.ExecContext(ctx, s.db.Q(`INSERT INTO answers (`+answerColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET
			item = excluded.item, text = excluded.text, tags = excluded.tags,
			created_by = excluded.created_by, created_at = excluded.created_at,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at,
			uses = excluded.uses`),
		a.Name, a.Item, a.Text, encodeTags(a.Tags), a.CreatedBy, s.db.Time(a.CreatedAt),
		a.UpdatedBy, s.db.Time(a.UpdatedAt), a.Uses)
	return err
}

// Save stores a, validated and normalised (text trimmed, tags lowercased
// and sorted), and returns what was stored. An existing answer of the same
// name is replaced only with opts.Force; its creator, creation time and
// use count are kept. The answer is durable when Save returns nil.
func (s *Store) Save(ctx context.Context, a Answer, opts SaveOptions) (Answer, error) {
	n, err := normalize(a)
	if err != nil {
		return Answer{}, fmt.Errorf("save canned answer %q: %w", a.Name, err)
	}
	if err := checkBy(opts.By); err != nil {
		return Answer{}, fmt.Errorf("save canned answer %q: %w", a.Name, err)
	}

	tx, release, err := s.beginWrite(ctx)
	if err != nil {
		return Answer{}, fmt.Errorf("save canned answer %q: %w", n.Name, err)
	}
	defer release()
	defer tx.Rollback()

	now := s.stamp()
	n.UpdatedBy, n.UpdatedAt = opts.By, now
	old, err := s.getAnswer(ctx, tx, n.Name)
	action := "update"
	switch {
	case errors.Is(err, ErrNotFound):
		action = "create"
		n.CreatedBy, n.CreatedAt, n.Uses = opts.By, now, 0
	case err != nil:
		return Answer{}, fmt.Errorf("save canned answer %q: %w", n.Name, err)
	case !opts.Force:
		return Answer{}, fmt.Errorf("save canned answer %q: %w", n.Name, ErrExists)
	default:
		n.CreatedBy, n.CreatedAt, n.Uses = old.CreatedBy, old.CreatedAt, old.Uses
	}
	if err := s.put(ctx, tx, n); err != nil {
		return Answer{}, fmt.Errorf("save canned answer %q: %w", n.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return Answer{}, fmt.Errorf("save canned answer %q: %w", n.Name, err)
	}
	// The text stays out of the log: it may quote an applicant's case.
	s.log.Info("canned answer changed", "action", action, "name", n.Name, "by", opts.By)
	return n, nil
}

// Get returns the answer called name, or an error matching ErrNotFound.
func (s *Store) Get(ctx context.Context, name string) (Answer, error) {
	if err := checkName(name); err != nil {
		return Answer{}, fmt.Errorf("get canned answer %q: %w", name, err)
	}
	a, err := s.getAnswer(ctx, s.db.SQL, name)
	if err != nil {
		return Answer{}, fmt.Errorf("get canned answer %q: %w", name, err)
	}
	return a, nil
}

// List returns every answer, sorted by name.
func (s *Store) List(ctx context.Context) ([]Answer, error) {
	out, err := s.list(ctx, s.db.SQL)
	if err != nil {
		return nil, fmt.Errorf("list canned answers: %w", err)
	}
	return out, nil
}

// lister is what *sql.DB and *sql.Tx offer for reading many rows.
type lister interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func (s *Store) list(ctx context.Context, q lister) ([]Answer, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+answerColumns+` FROM answers ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Answer{}
	for rows.Next() {
		a, err := scanAnswer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Delete removes the answer called name; by names who does it, for the log.
func (s *Store) Delete(ctx context.Context, name, by string) error {
	if err := checkName(name); err != nil {
		return fmt.Errorf("delete canned answer %q: %w", name, err)
	}
	if err := checkBy(by); err != nil {
		return fmt.Errorf("delete canned answer %q: %w", name, err)
	}
	tx, release, err := s.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("delete canned answer %q: %w", name, err)
	}
	defer release()
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, s.db.Q(`DELETE FROM answers WHERE name = ?`), name)
	if err != nil {
		return fmt.Errorf("delete canned answer %q: %w", name, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("delete canned answer %q: %w", name, err)
	} else if n == 0 {
		return fmt.Errorf("delete canned answer %q: %w", name, ErrNotFound)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("delete canned answer %q: %w", name, err)
	}
	s.log.Info("canned answer changed", "action", "delete", "name", name, "by", by)
	return nil
}

// MarkUsed counts one more posting of the answer called name.
func (s *Store) MarkUsed(ctx context.Context, name string) error {
	release, err := s.acquireWrite(ctx)
	if err != nil {
		return fmt.Errorf("mark canned answer %q used: %w", name, err)
	}
	defer release()
	// One statement, atomic in both backends: no lock across replicas.
	res, err := s.db.SQL.ExecContext(ctx, s.db.Q(`UPDATE answers SET uses = uses + 1 WHERE name = ?`), name)
	if err != nil {
		return fmt.Errorf("mark canned answer %q used: %w", name, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("mark canned answer %q used: %w", name, err)
	} else if n == 0 {
		return fmt.Errorf("mark canned answer %q used: %w", name, ErrNotFound)
	}
	s.log.Info("canned answer changed", "action", "use", "name", name)
	return nil
}
