package canned

import "fmt"

// pgMigrations lists the schema changes of the PostgreSQL store, as
// sqliteMigrations does for the file; the two histories are separate and
// each is only ever appended to. Version 1 is SQLite's versions 1 and 2:
// the same tables and the same change counter kept by a trigger, with
// native types (timestamptz), and the trigger taking writeLock so that an
// edit made with psql is numbered in commit order too.
func pgMigrations() [][]string {
	return [][]string{
		{
			`CREATE TABLE answers (
			name       text PRIMARY KEY,
			item       text NOT NULL DEFAULT '',
			text       text NOT NULL,
			tags       text NOT NULL DEFAULT '[]',
			created_by text NOT NULL,
			created_at timestamptz NOT NULL,
			updated_by text NOT NULL,
			updated_at timestamptz NOT NULL,
			uses       integer NOT NULL DEFAULT 0
		)`,
			`CREATE INDEX answers_item ON answers (item) WHERE item <> ''`,
			`CREATE TABLE changes (
			name text PRIMARY KEY,
			seq  bigint NOT NULL
		)`,
			`CREATE INDEX changes_seq ON changes (seq)`,
			`CREATE TABLE store_meta (
			key   text PRIMARY KEY,
			value text NOT NULL
		)`,
			`INSERT INTO store_meta (key, value) VALUES ('store_id', md5(random()::text || clock_timestamp()::text))`,
			// SET search_path FROM CURRENT: the function finds its changes
			// table whatever the search_path of the session editing answers.
			fmt.Sprintf(`CREATE FUNCTION answers_changed() RETURNS trigger LANGUAGE plpgsql
			SET search_path FROM CURRENT AS $$
		BEGIN
			PERFORM pg_advisory_xact_lock(%d);
			IF TG_OP <> 'INSERT' THEN
				INSERT INTO changes (name, seq) VALUES (OLD.name, (SELECT coalesce(max(seq), 0) + 1 FROM changes))
					ON CONFLICT (name) DO UPDATE SET seq = excluded.seq;
			END IF;
			IF TG_OP <> 'DELETE' THEN
				INSERT INTO changes (name, seq) VALUES (NEW.name, (SELECT coalesce(max(seq), 0) + 1 FROM changes))
					ON CONFLICT (name) DO UPDATE SET seq = excluded.seq;
			END IF;
			RETURN NULL;
		END $$`, int64(writeLock)),
			`CREATE TRIGGER answers_changed AFTER INSERT OR DELETE OR UPDATE OF name, item, text, tags ON answers
			FOR EACH ROW EXECUTE FUNCTION answers_changed()`,
		},
	}
}
