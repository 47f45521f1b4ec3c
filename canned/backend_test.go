package canned

import (
	"testing"

	"github.com/selfcheck/selfcheck/storage/storagetest"
)

// eachBackend runs a contract test once per backend. place returns a new,
// empty place for a store each time it is called: a temporary directory
// for SQLite, a schema of its own on DATABASE_URL's server for PostgreSQL
// (skipped when DATABASE_URL is unset, outside CI).
func eachBackend(t *testing.T, f func(t *testing.T, place func() Config)) {
	t.Run("sqlite", func(t *testing.T) {
		f(t, func() Config { return Config{Dir: t.TempDir()} })
	})
	t.Run("postgres", func(t *testing.T) {
		url := storagetest.URL(t)
		f(t, func() Config {
			return Config{Dir: t.TempDir(), DatabaseURL: url, PGSchema: storagetest.Schema(t, url)}
		})
	})
}
