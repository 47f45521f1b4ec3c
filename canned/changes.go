package canned

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// ChangeSet is what changed in the store since a cursor: the answers
// created or edited (their current content) and the names deleted. A
// reader that keeps something derived from the answers (the embeddings
// of the suggestions) applies it instead of re-reading every answer.
type ChangeSet struct {
	// StoreID identifies this database file; it differs after a restore
	// from another file or a new store, and then counters are not
	// comparable: a reader must start again from zero.
	StoreID string
	// Seq is the cursor to pass to the next Changes call.
	Seq int64
	// Changed holds the answers created or changed after the cursor,
	// without authorship, times or use counts.
	Changed []Answer
	// Deleted names the answers deleted after the cursor.
	Deleted []string
	// Full says Changed is every answer in the store: the cursor was 0,
	// or ahead of the store (a backup of it was restored), and whatever
	// the reader derived before must be forgotten.
	Full bool
}

// Changes returns what changed after seq (0: everything). Every change to
// an answer's name, item, text or tags, by this program or the sqlite3
// shell, moves it to the end of a change sequence kept by triggers; the
// query reads only the entries after seq, through an index, so polling a
// store that did not change costs one index lookup.
func (s *Store) Changes(ctx context.Context, since int64) (ChangeSet, error) {
	var cs ChangeSet
	var head int64
	if err := s.db.SQL.QueryRowContext(ctx, `SELECT (SELECT value FROM store_meta WHERE key = 'store_id'), (SELECT coalesce(max(seq), 0) FROM changes)`).Scan(&cs.StoreID, &head); err != nil {
		return ChangeSet{}, fmt.Errorf("read canned changes: store id: %w", err)
	}
	if head < since {
		since = 0
	}
	cs.Seq, cs.Full = since, since == 0
	// One statement, so one snapshot: a change committed while it runs
	// is either wholly in it or left for the next call.
	rows, err := s.db.SQL.QueryContext(ctx, s.db.Q(`SELECT c.seq, c.name, a.item, a.text, a.tags
		FROM changes c LEFT JOIN answers a ON a.name = c.name
		WHERE c.seq > ? ORDER BY c.seq`), since)
	if err != nil {
		return ChangeSet{}, fmt.Errorf("read canned changes since %d: %w", since, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			seq              int64
			name             string
			item, text, tags sql.NullString
		)
		if err := rows.Scan(&seq, &name, &item, &text, &tags); err != nil {
			return ChangeSet{}, fmt.Errorf("read canned changes since %d: %w", since, err)
		}
		cs.Seq = max(cs.Seq, seq)
		if !text.Valid {
			if cs.Full {
				continue // never seen by this reader
			}
			cs.Deleted = append(cs.Deleted, name)
			continue
		}
		a := Answer{Name: name, Item: item.String, Text: text.String}
		if err := json.Unmarshal([]byte(tags.String), &a.Tags); err != nil {
			return ChangeSet{}, fmt.Errorf("read canned changes: tags of %q: %w", name, err)
		}
		if len(a.Tags) == 0 {
			a.Tags = nil
		}
		cs.Changed = append(cs.Changed, a)
	}
	if err := rows.Err(); err != nil {
		return ChangeSet{}, fmt.Errorf("read canned changes since %d: %w", since, err)
	}
	return cs, nil
}
