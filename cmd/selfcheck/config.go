package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/joho/godotenv"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
)

// config is everything the environment configures. Each field names its
// variable; the README's configuration table lists them all.
type config struct {
	KnowledgeDir string // KNOWLEDGE_DIR: data files to use instead of the embedded knowledge
	DataDir      string // DATA_DIR: where the index and canned answers live
	Embeddings   string // EMBEDDINGS: local (default) or openai
	LogLevel     string // LOG_LEVEL: debug, info, warn (default), error

	OpenAIKey            string // OPENAI_API_KEY
	OpenAIBaseURL        string // OPENAI_BASE_URL
	OpenAIModel          string // OPENAI_MODEL
	OpenAIEmbeddingModel string // OPENAI_EMBEDDING_MODEL
}

func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		KnowledgeDir:         getenv("KNOWLEDGE_DIR"),
		DataDir:              getenv("DATA_DIR"),
		Embeddings:           strings.ToLower(strings.TrimSpace(getenv("EMBEDDINGS"))),
		LogLevel:             strings.ToLower(getenv("LOG_LEVEL")),
		OpenAIKey:            getenv("OPENAI_API_KEY"),
		OpenAIBaseURL:        getenv("OPENAI_BASE_URL"),
		OpenAIModel:          getenv("OPENAI_MODEL"),
		OpenAIEmbeddingModel: getenv("OPENAI_EMBEDDING_MODEL"),
	}
	if c.DataDir == "" {
		c.DataDir = defaultDataDir(getenv)
	}
	switch c.Embeddings {
	case "", "local":
	case "openai":
		if c.OpenAIKey == "" && c.OpenAIBaseURL == "" {
			return c, usageError{msg: "EMBEDDINGS=openai needs OPENAI_API_KEY or OPENAI_BASE_URL"}
		}
	default:
		return c, usageError{msg: fmt.Sprintf("EMBEDDINGS=%q: want local or openai", c.Embeddings)}
	}
	switch c.LogLevel {
	case "", "debug", "info", "warn", "error":
	default:
		return c, usageError{msg: fmt.Sprintf("LOG_LEVEL=%q: want debug, info, warn or error", c.LogLevel)}
	}
	return c, nil
}

// defaultDataDir follows the XDG convention: the index is rebuilt at will,
// but canned answers are user data and must not live in a cache.
func defaultDataDir(getenv func(string) string) string {
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "selfcheck")
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "share", "selfcheck")
	}
	return "data"
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	switch level {
	case "debug":
		l = slog.LevelDebug
	case "info":
		l = slog.LevelInfo
	case "error":
		l = slog.LevelError
	default:
		l = slog.LevelWarn
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// loadKnowledge returns the embedded knowledge base, or the one in
// KNOWLEDGE_DIR.
func loadKnowledge(cfg config) (*knowledge.Checklist, error) {
	if cfg.KnowledgeDir == "" {
		return knowledge.Load(knowledge.Embedded())
	}
	if st, err := os.Stat(cfg.KnowledgeDir); err != nil || !st.IsDir() {
		return nil, usageError{msg: fmt.Sprintf("KNOWLEDGE_DIR=%s is not a directory", cfg.KnowledgeDir)}
	}
	kb, err := knowledge.Load(os.DirFS(cfg.KnowledgeDir))
	if err != nil {
		return nil, fmt.Errorf("KNOWLEDGE_DIR=%s: %w", cfg.KnowledgeDir, err)
	}
	return kb, nil
}

// dotenv returns a getenv that falls back to the variables of a .env file
// (the real environment wins, as with most tools that read .env).
func dotenv(getenv func(string) string, path string) func(string) string {
	vars, err := godotenv.Read(path)
	if err != nil {
		return getenv
	}
	return func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return vars[k]
	}
}

// isInputError tells the errors a user can fix (exit 2) from internal
// failures (exit 1).
func isInputError(err error) bool {
	var (
		ue usageError
		de *knowledge.DraftError
		ui *knowledge.UnknownItemError
		qe *engine.QuestionError
		le *knowledge.LoadError
	)
	return errors.As(err, &ue) || errors.As(err, &de) || errors.As(err, &ui) || errors.As(err, &qe) || errors.As(err, &le)
}
