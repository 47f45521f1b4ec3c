package canned

import (
	"database/sql"
	"fmt"
	"slices"
	"testing"
)

func changedNames(cs ChangeSet) []string {
	var names []string
	for _, a := range cs.Changed {
		names = append(names, a.Name)
	}
	return names
}

func TestChangesAreIncremental(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := t.Context()
		s := openTest(t, place())
		save := func(name, text string, force bool) {
			t.Helper()
			if _, err := s.Save(ctx, Answer{Name: name, Text: text, Tags: []string{"Tag"}}, SaveOptions{By: "u", Force: force}); err != nil {
				t.Fatal(err)
			}
		}
		all, err := s.Changes(ctx, 0)
		if err != nil || len(all.Changed)+len(all.Deleted) != 0 || all.StoreID == "" {
			t.Fatalf("empty store: %+v, %v; want no changes and a store id", all, err)
		}
		save("a", "first", false)
		save("b", "second", false)
		all, err = s.Changes(ctx, 0)
		if err != nil || !slices.Equal(changedNames(all), []string{"a", "b"}) {
			t.Fatalf("after two saves: %v, %v", changedNames(all), err)
		}
		if all.Changed[0].Text != "first" || !slices.Equal(all.Changed[0].Tags, []string{"tag"}) {
			t.Errorf("changed answer: %+v; want its stored text and tags", all.Changed[0])
		}

		none, err := s.Changes(ctx, all.Seq)
		if err != nil || len(none.Changed)+len(none.Deleted) != 0 || none.Seq != all.Seq {
			t.Fatalf("nothing changed: %+v, %v; want no changes and the same cursor", none, err)
		}
		if err := s.MarkUsed(ctx, "a"); err != nil {
			t.Fatal(err)
		}
		if cs, _ := s.Changes(ctx, all.Seq); len(cs.Changed) != 0 {
			t.Errorf("posting an answer counted as a change: %v", changedNames(cs))
		}

		save("a", "edited", true)
		if err := s.Delete(ctx, "b", "u"); err != nil {
			t.Fatal(err)
		}
		cs, err := s.Changes(ctx, all.Seq)
		if err != nil || !slices.Equal(changedNames(cs), []string{"a"}) || !slices.Equal(cs.Deleted, []string{"b"}) || cs.Seq <= all.Seq {
			t.Fatalf("after an edit and a delete: changed %v deleted %v seq %d (was %d), %v", changedNames(cs), cs.Deleted, cs.Seq, all.Seq, err)
		}
		if cs.Changed[0].Text != "edited" {
			t.Errorf("changed text %q; want the edit", cs.Changed[0].Text)
		}
		if !all.Full || cs.Full {
			t.Errorf("Full: from 0 %v, from a cursor %v; want true, false", all.Full, cs.Full)
		}
		// A cursor ahead of the store (a backup was restored) starts over.
		if back, _ := s.Changes(ctx, cs.Seq+100); !back.Full || !slices.Equal(changedNames(back), []string{"a"}) || len(back.Deleted) != 0 {
			t.Errorf("cursor ahead of the store: full %v changed %v deleted %v; want everything, in full", back.Full, changedNames(back), back.Deleted)
		}
		// A change made outside selfcheck (the sqlite3 shell, psql) counts too.
		if _, err := s.db.SQL.ExecContext(ctx, `UPDATE answers SET text = 'by hand' WHERE name = 'a'`); err != nil {
			t.Fatal(err)
		}
		if hand, _ := s.Changes(ctx, cs.Seq); !slices.Equal(changedNames(hand), []string{"a"}) {
			t.Errorf("an edit in the shell: changed %v; want [a]", changedNames(hand))
		}
	})
}

// A store created before the change counter existed gets one on open,
// with every answer in it, so a reader's first Changes(0) sees them all.
func TestChangesMigratesOldStore(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	db, err := sql.Open("sqlite", dsn(dir+"/"+FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range sqliteMigrations()[0] {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO answers (name, text, created_by, created_at, updated_by, updated_at)
		VALUES ('old-one', 'kept', 'u', '2026-01-01T00:00:00.000000Z', 'u', '2026-01-01T00:00:00.000000Z'); PRAGMA user_version = 1`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s := openTest(t, Config{Dir: dir})
	cs, err := s.Changes(ctx, 0)
	if err != nil || !slices.Equal(changedNames(cs), []string{"old-one"}) {
		t.Fatalf("migrated store: %v, %v; want [old-one]", changedNames(cs), err)
	}
}

// Two writers (two replicas) and a reader following the change cursor:
// the reader ends with every answer and never skips one, which needs the
// change numbers committed in the order they were handed out.
func TestChangesFollowedUnderConcurrentWriters(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := t.Context()
		cfg := place()
		a, b, reader := openTest(t, cfg), openTest(t, cfg), openTest(t, cfg)
		const each = 40
		done := make(chan error, 2)
		for i, s := range []*Store{a, b} {
			go func() {
				for j := range each {
					if _, err := s.Save(ctx, Answer{Name: fmt.Sprintf("w%d-%d", i, j), Text: "t"}, SaveOptions{By: "u"}); err != nil {
						done <- err
						return
					}
				}
				done <- nil
			}()
		}
		seen := map[string]bool{}
		var seq int64
		finished := 0
		for finished < 2 || len(seen) < 2*each {
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
				finished++
			default:
			}
			cs, err := reader.Changes(ctx, seq)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range cs.Changed {
				seen[x.Name] = true
			}
			if finished == 2 && len(seen) < 2*each && cs.Seq == seq {
				t.Fatalf("the reader stopped at %d of %d answers: changes were skipped", len(seen), 2*each)
			}
			seq = cs.Seq
		}
	})
}
