package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/selfcheck/selfcheck/botstate"
	"github.com/selfcheck/selfcheck/canned"
	"github.com/selfcheck/selfcheck/stats"
	"github.com/selfcheck/selfcheck/storage"
)

const dbUsage = `Usage:
  selfcheck db status       the backend (sqlite, or postgres with DATABASE_URL) and each store's schema version
  selfcheck db backup DIR   copy every store (canned answers, statistics, the bot's state) into the new
                            directory DIR, consistently, while servers run (SQLite; with DATABASE_URL, how
                            to use pg_dump)
`

// runDB runs "selfcheck db …". Status opens nothing for writing: it reads
// the versions as they are, before any server has migrated them, which is
// what an operator checks during a rolling deploy.
func runDB(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	if len(args) == 2 && args[0] == "backup" {
		return runBackup(ctx, cfg, args[1], stdout)
	}
	if len(args) != 1 || args[0] != "status" {
		if len(args) == 1 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
			_, err := io.WriteString(stdout, dbUsage)
			return err
		}
		return usageErr("db 명령은 selfcheck db status 또는 selfcheck db backup DIR 입니다.", "db: want 'selfcheck db status' or 'selfcheck db backup DIR'")
	}
	type row struct {
		name   string
		status func(context.Context) (storage.Status, error)
	}
	rows := []row{
		{"canned", func(ctx context.Context) (storage.Status, error) { return canned.Status(ctx, cfg.cannedConfig()) }},
		{"stats", func(ctx context.Context) (storage.Status, error) { return stats.Status(ctx, statsConfig(cfg, nil)) }},
		{"botstate", func(ctx context.Context) (storage.Status, error) { return botstate.Status(ctx, cfg.botstateConfig()) }},
	}
	backend := storage.SQLite
	if cfg.DatabaseURL != "" {
		backend = storage.Postgres
	}
	sts := make([]storage.Status, len(rows))
	for i, r := range rows {
		st, err := r.status(ctx)
		if err != nil {
			return fmt.Errorf("db status: %s: %w", r.name, err)
		}
		sts[i] = st
	}
	fmt.Fprintf(stdout, "backend: %s\n", backend)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STORE\tVERSION\tLATEST\tSTATE\tWHERE")
	for i, r := range rows {
		st := sts[i]
		state := "current"
		switch {
		case st.Version == 0:
			state = "not created yet"
		case st.Version < st.Latest:
			state = "older (migrated at the next start)"
		case st.Version > st.Latest:
			state = "newer than this program: upgrade selfcheck"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\n", r.name, st.Version, st.Latest, state, st.Where)
	}
	return tw.Flush()
}
