package main

import (
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/joho/godotenv"

	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/prompts"
	"github.com/selfcheck/selfcheck/storage"
	"github.com/selfcheck/selfcheck/usererr"
)

// config is everything the environment configures. Each field names its
// variable; the README's configuration table lists them all.
type config struct {
	KnowledgeDir string // KNOWLEDGE_DIR: data files to use instead of the embedded knowledge
	DataDir      string // DATA_DIR: where the index and canned answers live
	// DatabaseURL is DATABASE_URL: a PostgreSQL database holding the state
	// replicas share (canned answers, statistics, the bot's state) in
	// place of the SQLite files under DATA_DIR; the index stays there.
	DatabaseURL string
	Embeddings  string // EMBEDDINGS: local (default) or openai
	LogLevel    string // LOG_LEVEL: debug, info, warn (default), error

	OpenAIKey            string // OPENAI_API_KEY
	OpenAIBaseURL        string // OPENAI_BASE_URL
	OpenAIModel          string // OPENAI_MODEL
	OpenAIEmbeddingModel string // OPENAI_EMBEDDING_MODEL
	// ModelOff is MODEL=off: no chat model whatever OPENAI_* says; the
	// connection may still serve EMBEDDINGS=openai.
	ModelOff     bool
	ModelProfile prompts.Profile // MODEL_PROFILE: openai, ollama, vllm; empty: guessed from OPENAI_BASE_URL

	// The model client's limits (docs/model.md); zero means the default
	// of package prompts.
	OpenAITimeout      time.Duration // OPENAI_TIMEOUT: per attempt, a Go duration (30s)
	ModelMaxRetries    int           // MODEL_MAX_RETRIES: negative disables retries
	ModelMaxConcurrent int           // MODEL_MAX_CONCURRENT
	ModelQueue         int           // MODEL_QUEUE: negative means no call may wait
	ModelContextChars  int           // MODEL_CONTEXT_CHARS: draft budget in a review prompt

	MaxFileBytes int64 // MAX_FILE_BYTES: largest file read for review or extract; 0 means 20 MB

	// NoColor is NO_COLOR set to anything: no bold or colour on a
	// terminal either (https://no-color.org).
	NoColor bool

	StatsOff       bool // STATS=off: serve counts nothing and keeps no question text
	StatsRetention int  // STATS_RETENTION_DAYS: days masked questions are kept; 0 means 30
}

func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		KnowledgeDir:         getenv("KNOWLEDGE_DIR"),
		DataDir:              getenv("DATA_DIR"),
		DatabaseURL:          strings.TrimSpace(getenv("DATABASE_URL")),
		Embeddings:           strings.ToLower(strings.TrimSpace(getenv("EMBEDDINGS"))),
		LogLevel:             strings.ToLower(getenv("LOG_LEVEL")),
		OpenAIKey:            getenv("OPENAI_API_KEY"),
		OpenAIBaseURL:        getenv("OPENAI_BASE_URL"),
		OpenAIModel:          getenv("OPENAI_MODEL"),
		OpenAIEmbeddingModel: getenv("OPENAI_EMBEDDING_MODEL"),
		NoColor:              getenv("NO_COLOR") != "",
	}
	if c.DataDir == "" {
		c.DataDir = defaultDataDir(getenv)
	}
	if c.DatabaseURL != "" {
		if err := storage.CheckURL(c.DatabaseURL); err != nil {
			return c, settingErr("DATABASE_URL을 고쳐 주세요: "+err.Error(), err.Error())
		}
	}
	switch c.Embeddings {
	case "", "local":
	case "openai":
		if c.OpenAIKey == "" && c.OpenAIBaseURL == "" {
			return c, settingErr("EMBEDDINGS=openai에는 OPENAI_API_KEY 또는 OPENAI_BASE_URL이 필요합니다.", "EMBEDDINGS=openai needs OPENAI_API_KEY or OPENAI_BASE_URL")
		}
	default:
		return c, settingErr(fmt.Sprintf("EMBEDDINGS=%q: local 또는 openai로 설정하세요.", c.Embeddings), fmt.Sprintf("EMBEDDINGS=%q: want local or openai", c.Embeddings))
	}
	switch c.LogLevel {
	case "", "debug", "info", "warn", "error":
	default:
		return c, settingErr(fmt.Sprintf("LOG_LEVEL=%q: debug, info, warn, error 중 하나로 설정하세요.", c.LogLevel), fmt.Sprintf("LOG_LEVEL=%q: want debug, info, warn or error", c.LogLevel))
	}
	switch v := strings.ToLower(strings.TrimSpace(getenv("MODEL"))); v {
	case "", "on":
	case "off":
		c.ModelOff = true
	default:
		return c, settingErr(fmt.Sprintf("MODEL=%q: off(모델 끄기) 또는 on으로 설정하세요.", v), fmt.Sprintf("MODEL=%q: want off (no model, whatever OPENAI_* says) or on", v))
	}
	p, err := prompts.ParseProfile(getenv("MODEL_PROFILE"))
	if err != nil {
		return c, settingErr(fmt.Sprintf("MODEL_PROFILE=%q: openai, ollama, vllm 중 하나로 설정하거나 비워 두세요.", getenv("MODEL_PROFILE")), fmt.Sprintf("MODEL_PROFILE=%q: want openai, ollama or vllm (unset: guessed from OPENAI_BASE_URL)", getenv("MODEL_PROFILE")))
	}
	c.ModelProfile = p
	if err := c.loadModelLimits(getenv); err != nil {
		return c, err
	}
	if c.MaxFileBytes, err = parseByteSize("MAX_FILE_BYTES", getenv("MAX_FILE_BYTES")); err != nil {
		return c, err
	}
	if err := c.loadStats(getenv); err != nil {
		return c, err
	}
	return c, nil
}

// loadStats reads STATS and STATS_RETENTION_DAYS. A malformed value is an
// error rather than the default: a typo in "off" must not keep texts.
func (c *config) loadStats(getenv func(string) string) error {
	switch v := strings.ToLower(strings.TrimSpace(getenv("STATS"))); v {
	case "", "on", "true", "1":
	case "off", "false", "0":
		c.StatsOff = true
	default:
		return settingErr(fmt.Sprintf("STATS=%q: on 또는 off로 설정하세요.", v), fmt.Sprintf("STATS=%q: want on or off", v))
	}
	if v := strings.TrimSpace(getenv("STATS_RETENTION_DAYS")); v != "" {
		d, err := strconv.Atoi(v)
		if err != nil || d < 1 || d > 3660 {
			return settingErr(fmt.Sprintf("STATS_RETENTION_DAYS=%q: 1~3660 사이의 일수로 설정하세요.", v), fmt.Sprintf("STATS_RETENTION_DAYS=%q: want a number of days from 1 to 3660", v))
		}
		c.StatsRetention = d
	}
	return nil
}

// loadModelLimits reads the model client's limits. A malformed value is a
// usage error naming its variable: silently using the default would hide
// a typo until the model misbehaves.
func (c *config) loadModelLimits(getenv func(string) string) error {
	if v := strings.TrimSpace(getenv("OPENAI_TIMEOUT")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return settingErr(fmt.Sprintf("OPENAI_TIMEOUT=%q: 30s, 2m 같은 시간으로 설정하세요.", v), fmt.Sprintf("OPENAI_TIMEOUT=%q: want a Go duration such as 30s or 2m", v))
		}
		c.OpenAITimeout = d
	}
	ints := []struct {
		name        string
		dst         *int
		mayNegative bool
	}{
		{"MODEL_MAX_RETRIES", &c.ModelMaxRetries, true},
		{"MODEL_MAX_CONCURRENT", &c.ModelMaxConcurrent, false},
		{"MODEL_QUEUE", &c.ModelQueue, true},
		{"MODEL_CONTEXT_CHARS", &c.ModelContextChars, false},
	}
	for _, n := range ints {
		v := strings.TrimSpace(getenv(n.name))
		if v == "" {
			continue
		}
		i, err := strconv.Atoi(v)
		switch {
		case err != nil:
			return settingErr(fmt.Sprintf("%s=%q: 정수로 설정하세요.", n.name, v), fmt.Sprintf("%s=%q: want an integer", n.name, v))
		case i < 0 && !n.mayNegative:
			return settingErr(fmt.Sprintf("%s=%q: 0 이상의 수로 설정하세요(0은 기본값).", n.name, v), fmt.Sprintf("%s=%q: want a number of 0 or more (0 means the default)", n.name, v))
		}
		*n.dst = i
	}
	return nil
}

// modelConfig is the model client's configuration. With MODEL=off, or with
// neither OPENAI_API_KEY nor OPENAI_BASE_URL, the model is off
// (prompts.Enabled is false). Its errors name the variable to fix.
func (c config) modelConfig(log *slog.Logger) (prompts.Config, error) {
	if c.ModelOff {
		return prompts.Config{Logger: log}, nil
	}
	pc := prompts.Config{
		Profile:       c.ModelProfile,
		APIKey:        c.OpenAIKey,
		BaseURL:       c.OpenAIBaseURL,
		Model:         c.OpenAIModel,
		Timeout:       c.OpenAITimeout,
		MaxRetries:    c.ModelMaxRetries,
		MaxConcurrent: c.ModelMaxConcurrent,
		QueueSize:     c.ModelQueue,
		ContextChars:  c.ModelContextChars,
		Logger:        log,
	}
	if !prompts.Enabled(pc) {
		return pc, nil
	}
	if base := strings.TrimSpace(c.OpenAIBaseURL); base != "" {
		// The URL is not echoed: it may carry credentials.
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return pc, settingErr("OPENAI_BASE_URL이 http://localhost:11434/v1 같은 http(s) URL이 아닙니다.", "OPENAI_BASE_URL is not an http(s) URL such as http://localhost:11434/v1")
		}
		if strings.TrimSpace(c.OpenAIModel) == "" {
			return pc, settingErr("OPENAI_BASE_URL을 설정했으니 OPENAI_MODEL에 서버가 실행하는 모델 이름(예: qwen2.5:7b)을 넣어 주세요. 모델 없이 쓰려면 OPENAI_BASE_URL과 OPENAI_API_KEY를 모두 비우세요.", "OPENAI_BASE_URL is set, so OPENAI_MODEL must name the model the server runs (e.g. qwen2.5:7b); unset both OPENAI_BASE_URL and OPENAI_API_KEY to run without a model")
		}
	}
	return pc, nil
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
		return nil, settingErr(fmt.Sprintf("KNOWLEDGE_DIR=%s는 디렉터리가 아닙니다.", cfg.KnowledgeDir), fmt.Sprintf("KNOWLEDGE_DIR=%s is not a directory", cfg.KnowledgeDir))
	}
	kb, err := knowledge.Load(os.DirFS(cfg.KnowledgeDir))
	if err != nil {
		// The user's own data files: what is wrong in them is theirs to
		// fix. (A fault in the embedded copy is internal.)
		return nil, usererr.Wrap(usererr.Setting, fmt.Sprintf("KNOWLEDGE_DIR=%s의 데이터 파일을 고쳐 주세요: %v", cfg.KnowledgeDir, err),
			fmt.Sprintf("KNOWLEDGE_DIR=%s: %v", cfg.KnowledgeDir, err), err)
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
