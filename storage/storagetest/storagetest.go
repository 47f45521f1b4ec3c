// Package storagetest gives tests a PostgreSQL schema of their own on the
// server DATABASE_URL names (.ci/run starts one), so the stores' contract
// tests run against both backends.
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	neturl "net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" driver
)

// URL returns DATABASE_URL. Unset, the test is skipped, or fails when CI
// is set: CI must not pass by skipping the PostgreSQL half.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("DATABASE_URL")
	if u == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("DATABASE_URL is not set but CI is: .ci/run starts a PostgreSQL for these tests")
		}
		t.Skip("PostgreSQL tests skipped: DATABASE_URL is not set (.ci/run starts a server and sets it)")
	}
	return u
}

// Schema returns a new schema name, unique to this test, and drops the
// schema with everything in it when the test ends.
func Schema(t testing.TB, url string) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	name := "t_" + hex.EncodeToString(b)
	t.Cleanup(func() {
		db, err := sql.Open("pgx", url)
		if err != nil {
			t.Errorf("drop test schema: %v", err)
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, `DROP SCHEMA IF EXISTS `+name+` CASCADE`); err != nil {
			t.Errorf("drop test schema %s: %v", name, err)
		}
	})
	return name
}

// Database creates a database of its own for this test, on the server url
// names, and returns its URL; it is dropped when the test ends. Tests of
// the whole program use it, since the program's schemas have fixed names.
func Database(t testing.TB, url string) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	name := "t_" + hex.EncodeToString(b)
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatalf("DATABASE_URL: %v", err)
	}
	admin := stdlib.OpenDB(*cfg)
	defer admin.Close()
	if _, err := admin.ExecContext(t.Context(), `CREATE DATABASE `+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		db := stdlib.OpenDB(*cfg)
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u, err := neturl.Parse(url)
	if err != nil {
		t.Fatalf("DATABASE_URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}
