package storage

import (
	"testing"
	"time"
)

func TestQ(t *testing.T) {
	cases := []struct {
		query, sqlite, postgres string
	}{
		{`SELECT 1`, `SELECT 1`, `SELECT 1`},
		{`SELECT a FROM t WHERE a = ?`, `SELECT a FROM t WHERE a = ?`, `SELECT a FROM t WHERE a = $1`},
		{`INSERT INTO t (a, b, c) VALUES (?, ?, ?) ON CONFLICT (a) DO UPDATE SET b = excluded.b WHERE t.c < ?`,
			`INSERT INTO t (a, b, c) VALUES (?, ?, ?) ON CONFLICT (a) DO UPDATE SET b = excluded.b WHERE t.c < ?`,
			`INSERT INTO t (a, b, c) VALUES ($1, $2, $3) ON CONFLICT (a) DO UPDATE SET b = excluded.b WHERE t.c < $4`},
		{`SELECT '가' FROM t WHERE x = ?`, `SELECT '가' FROM t WHERE x = ?`, `SELECT '가' FROM t WHERE x = $1`},
	}
	for _, c := range cases {
		if got := (&DB{Backend: SQLite}).Q(c.query); got != c.sqlite {
			t.Errorf("sqlite Q(%q) = %q; want %q", c.query, got, c.sqlite)
		}
		if got := (&DB{Backend: Postgres}).Q(c.query); got != c.postgres {
			t.Errorf("postgres Q(%q) = %q; want %q", c.query, got, c.postgres)
		}
	}
}

// Times read back equal what was stored, from either backend's form.
func TestScanTime(t *testing.T) {
	want := time.Date(2026, 12, 1, 9, 30, 0, 123456000, time.UTC)
	for _, src := range []any{want.In(time.FixedZone("KST", 9*3600)), want.Format(TimeLayout), []byte(want.Format(TimeLayout))} {
		var got time.Time
		if err := (ScanTime{T: &got}).Scan(src); err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("Scan(%T %v) = %v, %v; want %v in UTC", src, src, got, err, want)
		}
	}
	var got time.Time
	if err := (ScanTime{T: &got}).Scan(int64(5)); err == nil {
		t.Error("Scan(int64) succeeded; want an error")
	}
	if err := (ScanTime{T: &got}).Scan("yesterday"); err == nil {
		t.Error(`Scan("yesterday") succeeded; want an error`)
	}
}

func TestValidIdent(t *testing.T) {
	for s, want := range map[string]bool{"canned": true, "t_0a1b": true, "": false, "Canned": false, "a-b": false, "1a": false, `x"; DROP`: false} {
		if got := validIdent(s); got != want {
			t.Errorf("validIdent(%q) = %v; want %v", s, got, want)
		}
	}
}
