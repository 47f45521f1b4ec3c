package canned

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/selfcheck/selfcheck/storage"
)

// openTest opens the store cfg names and closes it when the test ends.
func openTest(t *testing.T, cfg Config) *Store {
	t.Helper()
	s, err := Open(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Open(%+v): %v", cfg, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// fakeClock returns a clock that advances one second per call, so that
// tests can tell creation from update times.
func fakeClock() func() time.Time {
	var mu sync.Mutex
	t := time.Date(2026, 3, 1, 9, 0, 0, 123456789, time.UTC)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(time.Second)
		return t
	}
}

func TestSaveGetRoundTrip(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := t.Context()
		s := openTest(t, place())
		s.now = fakeClock()

		in := Answer{
			Name: "cloud-cert",
			Item: " 1.3 ",
			Text: "\r\n클라우드 보안인증(CSAP)은 필수가 아닙니다.\r\n둘째 줄\n\n",
			Tags: []string{"Cloud", "csap", "cloud", " "},
			// Ignored: the store sets these.
			CreatedBy: "mallory", Uses: 99,
		}
		saved, err := s.Save(ctx, in, SaveOptions{By: "U123"})
		if err != nil {
			t.Fatalf("Save: %v", err)
		}
		want := Answer{
			Name:      "cloud-cert",
			Item:      "1.3",
			Text:      "클라우드 보안인증(CSAP)은 필수가 아닙니다.\n둘째 줄",
			Tags:      []string{"cloud", "csap"},
			CreatedBy: "U123", UpdatedBy: "U123",
			CreatedAt: time.Date(2026, 3, 1, 9, 0, 1, 123456000, time.UTC),
			UpdatedAt: time.Date(2026, 3, 1, 9, 0, 1, 123456000, time.UTC),
		}
		if !equalAnswer(saved, want) {
			t.Errorf("Save returned\n%+v\nwant\n%+v", saved, want)
		}
		got, err := s.Get(ctx, "cloud-cert")
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if !equalAnswer(got, want) {
			t.Errorf("got %+v; want %+v", got, want)
		}

		if _, err := s.Get(ctx, "missing"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(missing): got %v; want ErrNotFound", err)
		}
	})
}

func equalAnswer(a, b Answer) bool {
	return a.SameContent(b) && a.CreatedBy == b.CreatedBy && a.UpdatedBy == b.UpdatedBy &&
		a.CreatedAt.Equal(b.CreatedAt) && a.UpdatedAt.Equal(b.UpdatedAt) && a.Uses == b.Uses
}

func TestSaveOverwrite(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := t.Context()
		s := openTest(t, place())
		s.now = fakeClock()

		first, err := s.Save(ctx, Answer{Name: "a", Text: "one"}, SaveOptions{By: "alice"})
		if err != nil {
			t.Fatalf("Save: %v", err)
		}
		if err := s.MarkUsed(ctx, "a"); err != nil {
			t.Fatalf("MarkUsed: %v", err)
		}

		_, err = s.Save(ctx, Answer{Name: "a", Text: "two"}, SaveOptions{By: "bob"})
		if !errors.Is(err, ErrExists) {
			t.Fatalf("Save without force: got %v; want ErrExists", err)
		}
		if got, _ := s.Get(ctx, "a"); got.Text != "one" {
			t.Errorf("after refused overwrite: got text %q; want %q", got.Text, "one")
		}

		second, err := s.Save(ctx, Answer{Name: "a", Text: "two", Tags: []string{"x"}}, SaveOptions{By: "bob", Force: true})
		if err != nil {
			t.Fatalf("Save with force: %v", err)
		}
		got, err := s.Get(ctx, "a")
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if !equalAnswer(got, second) {
			t.Errorf("Get after force: got %+v; want %+v", got, second)
		}
		checks := []struct {
			what      string
			got, want any
		}{
			{"text", got.Text, "two"},
			{"created_by", got.CreatedBy, "alice"},
			{"created_at", got.CreatedAt, first.CreatedAt},
			{"updated_by", got.UpdatedBy, "bob"},
			{"uses", got.Uses, 1},
			{"updated after created", got.UpdatedAt.After(got.CreatedAt), true},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s: got %v; want %v", c.what, c.got, c.want)
			}
		}
	})
}

func TestSaveValidation(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		s := openTest(t, place())
		long := strings.Repeat("가", MaxTextLen+1)
		tests := []struct {
			name  string
			a     Answer
			by    string
			field string
		}{
			{"empty name", Answer{Name: "", Text: "x"}, "u", "name"},
			{"uppercase", Answer{Name: "Cloud", Text: "x"}, "u", "name"},
			{"space", Answer{Name: "a b", Text: "x"}, "u", "name"},
			{"underscore", Answer{Name: "a_b", Text: "x"}, "u", "name"},
			{"korean name", Answer{Name: "클라우드", Text: "x"}, "u", "name"},
			{"name too long", Answer{Name: strings.Repeat("a", MaxNameLen+1), Text: "x"}, "u", "name"},
			{"empty text", Answer{Name: "a", Text: ""}, "u", "text"},
			{"blank text", Answer{Name: "a", Text: " \n\t "}, "u", "text"},
			{"text too long", Answer{Name: "a", Text: long}, "u", "text"},
			{"invalid utf8", Answer{Name: "a", Text: "\xff"}, "u", "text"},
			{"item with space", Answer{Name: "a", Item: "1 3", Text: "x"}, "u", "item"},
			{"tag with comma", Answer{Name: "a", Text: "x", Tags: []string{"a,b"}}, "u", "tags"},
			{"no author", Answer{Name: "a", Text: "x"}, " ", "by"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.Save(t.Context(), tt.a, SaveOptions{By: tt.by})
				var fe *FieldError
				if !errors.As(err, &fe) || !errors.Is(err, ErrInvalid) {
					t.Fatalf("got %v; want a FieldError", err)
				}
				if fe.Field != tt.field {
					t.Errorf("got field %q (%v); want %q", fe.Field, err, tt.field)
				}
			})
		}
		if list, err := s.List(t.Context()); err != nil || len(list) != 0 {
			t.Errorf("after invalid saves: got %d answers, %v; want none", len(list), err)
		}

		// The longest valid name and text are accepted.
		ok := Answer{Name: strings.Repeat("a", MaxNameLen), Text: strings.Repeat("가", MaxTextLen)}
		if _, err := s.Save(t.Context(), ok, SaveOptions{By: "u"}); err != nil {
			t.Errorf("Save at the limits: %v", err)
		}
	})
}

func TestListDeleteMarkUsed(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := t.Context()
		var logs bytes.Buffer
		cfg := place()
		cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
		s, err := Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()

		for _, n := range []string{"c", "a", "b"} {
			if _, err := s.Save(ctx, Answer{Name: n, Text: "secret text " + n}, SaveOptions{By: "u1"}); err != nil {
				t.Fatal(err)
			}
		}
		list, err := s.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, a := range list {
			names = append(names, a.Name)
		}
		if want := []string{"a", "b", "c"}; !slices.Equal(names, want) {
			t.Errorf("List: got %v; want %v", names, want)
		}

		for range 3 {
			if err := s.MarkUsed(ctx, "b"); err != nil {
				t.Fatal(err)
			}
		}
		if got, _ := s.Get(ctx, "b"); got.Uses != 3 {
			t.Errorf("uses: got %d; want 3", got.Uses)
		}
		if err := s.MarkUsed(ctx, "zz"); !errors.Is(err, ErrNotFound) {
			t.Errorf("MarkUsed(zz): got %v; want ErrNotFound", err)
		}

		if err := s.Delete(ctx, "b", "u2"); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if _, err := s.Get(ctx, "b"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get after Delete: got %v; want ErrNotFound", err)
		}
		if err := s.Delete(ctx, "b", "u2"); !errors.Is(err, ErrNotFound) {
			t.Errorf("second Delete: got %v; want ErrNotFound", err)
		}

		out := logs.String()
		for _, want := range []string{"action=create name=a by=u1", "action=delete name=b by=u2", "action=use name=b"} {
			if !strings.Contains(out, want) {
				t.Errorf("log: missing %q in\n%s", want, out)
			}
		}
		if strings.Contains(out, "secret text") {
			t.Errorf("log: contains answer text:\n%s", out)
		}
	})
}

func TestConcurrentGoroutines(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := t.Context()
		cfg := place()
		s := openTest(t, cfg)
		// A second Store on the same database behaves like another process's
		// (another replica's) pool.
		s2 := openTest(t, cfg)

		const workers, each = 8, 15
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := range workers {
			st := s
			if w%2 == 1 {
				st = s2
			}
			wg.Go(func() {
				for i := range each {
					name := fmt.Sprintf("g%d-%d", w, i)
					if _, err := st.Save(ctx, Answer{Name: name, Text: "t"}, SaveOptions{By: "u"}); err != nil {
						errs <- err
						continue
					}
					// Everyone also bumps one shared counter: lost updates
					// would show up as a wrong total.
					if err := st.MarkUsed(ctx, "g0-0"); err != nil && !errors.Is(err, ErrNotFound) {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("concurrent save: %v", err)
		}
		list, err := s.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != workers*each {
			t.Errorf("got %d answers; want %d", len(list), workers*each)
		}
	})
}

func TestOpen(t *testing.T) {
	ctx := t.Context()
	t.Run("no dir", func(t *testing.T) {
		if _, err := Open(ctx, Config{}); err == nil {
			t.Error("Open with empty Dir: got nil error; want one")
		}
	})
	t.Run("odd directory name", func(t *testing.T) {
		dir := t.TempDir() + "/a?b#c%20d"
		s := openTest(t, Config{Dir: dir})
		if _, err := s.Save(ctx, Answer{Name: "a", Text: "x"}, SaveOptions{By: "u"}); err != nil {
			t.Fatal(err)
		}
		var mode string
		if err := s.db.SQL.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
			t.Errorf("journal_mode: got %q, %v; want wal", mode, err)
		}
		var sync int
		if err := s.db.SQL.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync); err != nil || sync != 2 {
			t.Errorf("synchronous: got %d, %v; want 2 (FULL)", sync, err)
		}
	})
	// Replicas starting together on a new database: every one opens, the
	// steps run once (a second run would fail on CREATE TABLE).
	t.Run("concurrent openers", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, place func() Config) {
			cfg := place()
			var wg sync.WaitGroup
			for range 6 {
				wg.Go(func() {
					s, err := Open(ctx, cfg)
					if err != nil {
						t.Errorf("Open: %v", err)
						return
					}
					s.Close()
				})
			}
			wg.Wait()
			s := openTest(t, cfg)
			want := len(sqliteMigrations())
			if s.Backend() == storage.Postgres {
				want = len(pgMigrations())
			}
			st, err := Status(ctx, cfg)
			if err != nil || st.Version != want || st.Latest != want || st.Backend != s.Backend() {
				t.Errorf("Status: got %+v, %v; want version %d of %d on %s", st, err, want, want, s.Backend())
			}
		})
	})
	t.Run("newer schema", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, place func() Config) {
			cfg := place()
			s, err := Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			bump := `PRAGMA user_version = 999`
			if s.Backend() == storage.Postgres {
				bump = `UPDATE schema_version SET version = 999`
			}
			if _, err := s.db.SQL.ExecContext(ctx, bump); err != nil {
				t.Fatal(err)
			}
			s.Close()
			if _, err := Open(ctx, cfg); err == nil || !strings.Contains(err.Error(), "999") {
				t.Errorf("Open newer schema: got %v; want an error naming version 999", err)
			}
		})
	})
	t.Run("status of a store not created", func(t *testing.T) {
		dir := t.TempDir()
		st, err := Status(ctx, Config{Dir: dir})
		if err != nil || st.Version != 0 || st.Backend != storage.SQLite {
			t.Errorf("Status: %+v, %v; want version 0 on sqlite", st, err)
		}
		if _, err := os.Stat(filepath.Join(dir, FileName)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Status created the file: %v", err)
		}
	})
}

// Two replicas saving the same new name at once: one creates it, the
// other is told it exists; neither silently replaces the other's text.
func TestSaveSameNameRace(t *testing.T) {
	eachBackend(t, func(t *testing.T, place func() Config) {
		ctx := t.Context()
		cfg := place()
		stores := []*Store{openTest(t, cfg), openTest(t, cfg)}
		for round := range 20 {
			name := fmt.Sprintf("race-%d", round)
			errs := make([]error, len(stores))
			var wg sync.WaitGroup
			for i, s := range stores {
				wg.Go(func() {
					_, errs[i] = s.Save(ctx, Answer{Name: name, Text: fmt.Sprintf("from %d", i)}, SaveOptions{By: fmt.Sprintf("u%d", i)})
				})
			}
			wg.Wait()
			won := -1
			for i, err := range errs {
				switch {
				case err == nil && won < 0:
					won = i
				case err == nil:
					t.Fatalf("%s: both saves succeeded; one replaced the other", name)
				case !errors.Is(err, ErrExists):
					t.Fatalf("%s: %v", name, err)
				}
			}
			got, err := stores[0].Get(ctx, name)
			if err != nil || won < 0 || got.Text != fmt.Sprintf("from %d", won) {
				t.Fatalf("%s: stored %q, %v; want the text of the save that succeeded (%d)", name, got.Text, err, won)
			}
		}
	})
}
