package stats

// pgMigrations lists the schema changes of the PostgreSQL statistics, as
// sqliteMigrations does for the file; each history is only appended to.
// Days stay YYYY-MM-DD text, the key the counts are kept by; a kept
// question's time is a timestamptz.
func pgMigrations() [][]string {
	return [][]string{
		{
			`CREATE TABLE asks (
			day     text NOT NULL,
			item    text NOT NULL,
			kind    text NOT NULL,
			outcome text NOT NULL,
			n       integer NOT NULL,
			PRIMARY KEY (day, item, kind, outcome)
		)`,
			`CREATE TABLE questions (
			id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
			at      timestamptz NOT NULL,
			item    text NOT NULL,
			outcome text NOT NULL,
			text    text NOT NULL
		)`,
			`CREATE INDEX questions_at ON questions (at)`,
			`CREATE TABLE reviews (
			day  text NOT NULL,
			item text NOT NULL,
			n    integer NOT NULL,
			PRIMARY KEY (day, item)
		)`,
			`CREATE TABLE review_elements (
			day     text NOT NULL,
			item    text NOT NULL,
			element text NOT NULL,
			status  text NOT NULL,
			n       integer NOT NULL,
			PRIMARY KEY (day, item, element, status)
		)`,
			`CREATE TABLE feedback (
			day  text NOT NULL,
			item text NOT NULL,
			kind text NOT NULL,
			up   integer NOT NULL,
			down integer NOT NULL,
			PRIMARY KEY (day, item, kind)
		)`,
			`CREATE TABLE escalations (
			day      text NOT NULL,
			item     text NOT NULL,
			opened   integer NOT NULL,
			resolved integer NOT NULL,
			PRIMARY KEY (day, item)
		)`,
		},
		{
			`CREATE TABLE install (
			one    boolean PRIMARY KEY DEFAULT true CHECK (one),
			secret bytea NOT NULL
		)`,
			`CREATE TABLE review_history (
			id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
			at       timestamptz NOT NULL,
			user_key text NOT NULL,
			item     text NOT NULL,
			statuses text NOT NULL
		)`,
			`CREATE INDEX review_history_user ON review_history (user_key, item, at)`,
			`CREATE INDEX review_history_at ON review_history (at)`,
		},
		{
			`CREATE TABLE downvotes (
			key      text PRIMARY KEY,
			at       timestamptz NOT NULL,
			item     text NOT NULL,
			kind     text NOT NULL,
			reason   text NOT NULL,
			comment  text NOT NULL,
			question text NOT NULL,
			link     text NOT NULL
		)`,
			`CREATE INDEX downvotes_at ON downvotes (at)`,
		},
	}
}
