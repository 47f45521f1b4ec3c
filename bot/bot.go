package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/engine"
	"github.com/selfcheck/selfcheck/knowledge"
)

// Answerer answers questions and describes items.
type Answerer interface {
	// Ask answers a free-form question.
	Ask(ctx context.Context, question string) (engine.Answer, error)
	// Guide says what the item must include; it returns a
	// *knowledge.UnknownItemError for items the knowledge base lacks.
	Guide(ctx context.Context, itemID string) (engine.Answer, error)
}

// Reviewer reviews drafts.
type Reviewer interface {
	// Review checks a draft against one item. It returns a
	// user error (usererr) for bad input: a *knowledge.UnknownItemError
	// for an item without guidance.
	Review(ctx context.Context, itemID, draft string) (knowledge.Report, error)
}

// CommandRequest is what a subcommand of /selfcheck ("canned …") receives.
type CommandRequest struct {
	// Args is the normalised text after the subcommand word.
	Args      string
	UserID    string
	ChannelID string
}

// CommandFunc handles a subcommand of /selfcheck. Its answer is rendered
// like any other answer, privately to the user who typed the command.
type CommandFunc func(ctx context.Context, req CommandRequest) (engine.Answer, error)

// reservedCommands are subcommand words that are announced but not built
// yet; they answer "not available" unless Config.Commands provides them, so
// that they never fall through to the question answerer.
var reservedCommands = []string{"canned", channelWord}

// Config configures a Bot. BotToken, Answerer and Reviewer are required,
// and so is SigningSecret unless AppToken selects Socket Mode.
type Config struct {
	// BotToken is the bot user OAuth token (xoxb-…).
	BotToken string
	// AppToken is the app-level token (xapp-…); when set, Run uses Socket
	// Mode instead of serving HTTP.
	AppToken string
	// SigningSecret verifies HTTP requests from Slack.
	SigningSecret string
	// APIURL overrides the Slack Web API base URL ("http://host/api/"),
	// for tests and proxies. Its origin is also accepted for response_urls.
	APIURL string
	// ResponseURLOrigins are origins ("http://127.0.0.1:8080") besides
	// https://hooks.slack.com (and APIURL's) that response_urls may point
	// at: a proxy, a test fake. Any other response_url is not posted to.
	ResponseURLOrigins []string
	// ListenAddr is where HTTP mode listens; ":3000" by default.
	ListenAddr string
	// BotUserID is the bot's own user ID. When empty, Run asks auth.test,
	// so set it where no Web API is reachable (tests of Handler).
	BotUserID string

	Answerer Answerer
	Reviewer Reviewer
	// Files reviews a file shared in a DM with the bot (files.go); nil
	// leaves such messages to be read as text. MaxFileBytes bounds a
	// download; 0 means DefaultMaxFileBytes.
	Files        FileReviewer
	MaxFileBytes int64
	// ReportFiles reviews a file again for its report (보고서 받기) when
	// the review shown is no longer in memory (a restart, another
	// replica); it must not count the review in the statistics again. Nil
	// asks the user to review again instead (reports.go).
	ReportFiles FileReviewer
	// Items lists the items the knowledge base has guidance for; it feeds
	// the help text and the "unknown item" replies.
	Items []knowledge.ItemInfo
	// Guide is the checklist the knowledge follows; every answer and the
	// Home tab name it in one line (guide.go). Zero shows no line.
	Guide knowledge.GuideVersion
	// Numbers reports whether the checklist has an item number (1.4 yes,
	// 9.9 no), so that the reply to an item without guidance says which;
	// nil takes every number for one the checklist has.
	Numbers func(id string) bool
	// Commands adds subcommands to /selfcheck, keyed by their first word.
	// An entry for "canned" replaces the built-in canned commands.
	Commands map[string]CommandFunc

	// Canned serves /selfcheck canned (list and show, for anyone); nil
	// leaves the subcommand "not available".
	Canned CannedReader
	// CannedWriter lets support staff save, delete and post canned answers
	// (the commands and the "Save as canned answer" shortcut); nil makes
	// those actions unavailable. It needs Canned.
	CannedWriter CannedWriter
	// SupportStaff are the Slack user IDs allowed to change and post
	// canned answers, see the statistics on the Home tab and resolve
	// escalations. Empty means nobody can.
	SupportStaff []string
	// RefreshCanned, when set, is called in the background after an
	// answer is saved or deleted through Slack, so that the suggestions of
	// the Answerer change at once rather than at its next refresh.
	RefreshCanned func(ctx context.Context) error
	// Feedback receives every vote that changes the counts, for the
	// statistics (the engine); nil keeps them in State only.
	Feedback FeedbackRecorder
	// Stats is the overview staff see on the App Home tab, and counts
	// escalations; nil shows staff that statistics are off.
	Stats StatsStore
	// SupportChannel (C…) receives escalations; SupportGroup (S…) is the
	// user group they mention, else SupportStaff are mentioned. An
	// escalation of a private answer goes to SupportChannel, else to the
	// staff by DM.
	SupportChannel string
	SupportGroup   string
	// History keeps each user's latest element statuses per item, so that
	// a review leads with what changed since the previous one
	// (progress.go); nil compares nothing.
	History ReviewHistory
	// ChecklistVersion is printed on the cover of the report files a
	// review offers (reports.go).
	ChecklistVersion string
	// Logger receives structured logs; nil discards them.
	Logger *slog.Logger
	// HTTPClient is used for the Web API and response_url; nil means a
	// client with a 15 s timeout.
	HTTPClient *http.Client

	// AckTimeout is how long a slash command may work before the bot acks
	// with "검토 중…" and delivers the result via response_url. Slack
	// gives up after 3 s, so keep it well below. Default 1.5 s.
	AckTimeout time.Duration
	// WorkTimeout bounds one answer or review in the background. Default 2 min.
	WorkTimeout time.Duration
	// ShutdownGrace bounds how long Run waits for replies in flight after
	// its context ends (SIGTERM). Work still waiting near its end is
	// delivered as it stands: a review with its deterministic result and a
	// notice, a question with a request to ask again. Default 20 s.
	ShutdownGrace time.Duration
	// QuickReview, when set, is the deterministic review alone (no model);
	// a review still waiting on the model when the bot shuts down is
	// delivered with its result.
	QuickReview func(ctx context.Context, itemID, draft string) (knowledge.Report, error)
	// MaxWorkers bounds the reviews and answers running at once; default
	// four per CPU (at least four). MaxQueue is how many more may wait;
	// past that the user is asked to retry in a minute. Default 1000.
	MaxWorkers int
	MaxQueue   int
	// MaxBodyBytes caps request bodies; larger ones get 413. Default 1 MiB.
	MaxBodyBytes int64
	// MaxRetries bounds the retries of one Slack API call. Default 3.
	MaxRetries int
	// MaxRetryWait is the longest Retry-After the bot honours; longer
	// waits fail the delivery. Default 60 s.
	MaxRetryWait time.Duration
	// DedupTTL is how long an event ID is remembered to drop Slack's
	// retries. Default and minimum 1 h: Slack retries for about 5 min,
	// but a retry may reach a bot that was restarting, or another replica.
	DedupTTL time.Duration
	// Now is the clock, for the day of a greeting; nil means time.Now.
	Now func() time.Time
	// State remembers events, votes and thread topics; nil keeps them in
	// memory, lost on restart. cmd/selfcheck passes a *botstate.Store
	// under DATA_DIR.
	State State
	// Ready are the conditions GET /readyz checks (ready.go); Socket Mode
	// connects only once they all hold. None: always ready.
	Ready []ReadyCheck
}

// Defaults applied by New for zero durations and sizes.
const (
	DefaultListenAddr    = ":3000"
	DefaultAckTimeout    = 1500 * time.Millisecond
	DefaultWorkTimeout   = 2 * time.Minute
	DefaultShutdownGrace = 20 * time.Second
	DefaultMaxBodyBytes  = 1 << 20
	DefaultMaxRetries    = 3
	DefaultMaxRetryWait  = 60 * time.Second
	DefaultDedupTTL      = time.Hour
)

// Bot is a running Slack app. Create it with New; it is safe for
// concurrent use.
type Bot struct {
	cfg      Config
	log      *slog.Logger
	api      *slack.Client
	http     *http.Client
	commands map[string]CommandFunc
	items    map[string]knowledge.ItemInfo
	staff    map[string]bool
	// builtinCanned is set when /selfcheck canned is served from
	// Config.Canned rather than by a CommandFunc.
	builtinCanned bool

	// reports keeps the reviews whose report file may be asked for
	// (reports.go), in memory only.
	reports *reportCache

	botUserID atomic.Value // string; set by Run from auth.test
	state     State
	// viewing is the channel each user last looked at (app_context_changed).
	viewing viewing
	// claims is the ack path's memory of the events taken on (claim.go).
	claims *claimMemory
	// claimPatience is how long a durable claim is retried (claim.go);
	// tests shorten it.
	claimPatience time.Duration
	pool          *pool
	// acking counts the requests not acknowledged yet (pool.go).
	acking ackGate

	jobs     sync.WaitGroup
	inFlight atomic.Int64
	// abort is closed when a shutdown deadline passes, to cancel the work
	// still running; work contexts are detached from their request so that
	// the ack does not cancel them.
	abort     chan struct{}
	abortOnce sync.Once
	// drain is closed when a shutdown nears its end: work still waiting
	// delivers what it has.
	drain     chan struct{}
	drainOnce sync.Once

	// link follows the Socket Mode connection; healthAddr is where its
	// /healthz listens (tests bind port 0).
	link       linkState
	healthAddr atomic.Value // string
	// feedback is what /healthz shows of the votes (health.go).
	feedback feedbackCache
}

// New checks cfg, fills in defaults and builds a Bot. It does no I/O.
func New(cfg Config) (*Bot, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg.setDefaults()

	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = slog.New(scrubHandler{log.Handler()})
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 15 * time.Second}
	}
	hc = withAuthRedirects(hc)
	if cfg.APIURL != "" {
		cfg.ResponseURLOrigins = append(slices.Clone(cfg.ResponseURLOrigins), cfg.APIURL)
	}
	opts := []slack.Option{
		slack.OptionHTTPClient(hc),
		slack.OptionLog(slogOutput{log: log.With("component", "slack-go")}),
	}
	if cfg.APIURL != "" {
		opts = append(opts, slack.OptionAPIURL(cfg.APIURL))
	}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}

	b := &Bot{
		cfg:      cfg,
		log:      log,
		api:      slack.New(cfg.BotToken, opts...),
		http:     hc,
		commands: map[string]CommandFunc{},
		items:    map[string]knowledge.ItemInfo{},
		staff:    map[string]bool{},
		state:    cfg.State,
		abort:    make(chan struct{}),
		drain:    make(chan struct{}),
		reports:  newReportCache(nil),
	}
	if b.state == nil {
		st, err := memoryState()
		if err != nil {
			return nil, err
		}
		b.state = st
	}
	b.claims, b.claimPatience = newClaimMemory(claimMemorySize, cfg.DedupTTL), claimPatience
	b.pool = newPool(cfg.MaxWorkers, cfg.MaxQueue)
	b.botUserID.Store(cfg.BotUserID)
	for _, name := range reservedCommands {
		b.commands[name] = nil
	}
	for name, f := range cfg.Commands {
		b.commands[strings.ToLower(name)] = f
	}
	for _, it := range cfg.Items {
		b.items[it.ID] = it
	}
	for _, id := range cfg.SupportStaff {
		b.staff[id] = true
	}
	b.builtinCanned = cfg.Canned != nil && b.commands[cannedWord] == nil
	return b, nil
}

func (c *Config) validate() error {
	switch {
	case c.BotToken == "":
		return errors.New("bot: BotToken is required")
	case !strings.HasPrefix(c.BotToken, "xoxb-"):
		return errors.New("bot: BotToken must be a bot token (xoxb-…)")
	case c.AppToken != "" && !strings.HasPrefix(c.AppToken, "xapp-"):
		return errors.New("bot: AppToken must be an app-level token (xapp-…)")
	case c.AppToken == "" && c.SigningSecret == "":
		return errors.New("bot: SigningSecret is required in HTTP mode")
	case c.Answerer == nil:
		return errors.New("bot: Answerer is required")
	case c.Reviewer == nil:
		return errors.New("bot: Reviewer is required")
	case c.AckTimeout >= 3*time.Second:
		return errors.New("bot: AckTimeout must be under Slack's 3 s limit")
	case c.CannedWriter != nil && c.Canned == nil:
		return errors.New("bot: CannedWriter needs Canned")
	}
	for _, id := range c.SupportStaff {
		if !ValidUserID(id) {
			return fmt.Errorf("bot: SupportStaff: %q is not a Slack user ID such as U0123ABCD", id)
		}
	}
	if err := c.validateSupport(); err != nil {
		return err
	}
	if c.APIURL != "" && !strings.HasSuffix(c.APIURL, "/") {
		// slack-go appends method names directly to the base URL.
		c.APIURL += "/"
	}
	return nil
}

func (c *Config) setDefaults() {
	if c.ListenAddr == "" {
		c.ListenAddr = DefaultListenAddr
	}
	if c.AckTimeout <= 0 {
		c.AckTimeout = DefaultAckTimeout
	}
	if c.WorkTimeout <= 0 {
		c.WorkTimeout = DefaultWorkTimeout
	}
	if c.ShutdownGrace <= 0 {
		c.ShutdownGrace = DefaultShutdownGrace
	}
	if c.MaxWorkers <= 0 {
		c.MaxWorkers = defaultWorkers()
	}
	if c.MaxQueue <= 0 {
		c.MaxQueue = DefaultMaxQueue
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.MaxRetries <= 0 {
		c.MaxRetries = DefaultMaxRetries
	}
	if c.MaxRetryWait <= 0 {
		c.MaxRetryWait = DefaultMaxRetryWait
	}
	if c.DedupTTL < DefaultDedupTTL {
		c.DedupTTL = DefaultDedupTTL
	}
}

// Run connects the bot to Slack and serves until ctx ends: over Socket
// Mode when an app token is configured, else over HTTP on ListenAddr. On
// cancellation it stops taking requests, lets the replies in flight finish
// (bounded by ShutdownGrace) and returns nil.
func (b *Bot) Run(ctx context.Context) error {
	if b.userID() == "" {
		resp, err := b.api.AuthTestContext(ctx)
		if err != nil {
			return fmt.Errorf("slack auth.test: %w", rejectedToken("SLACK_BOT_TOKEN", err))
		}
		if resp.UserID == "" {
			// Without its own user the bot would take its posts for questions.
			return &incompleteReply{Method: "auth.test", Field: "user_id"}
		}
		b.botUserID.Store(resp.UserID)
		b.log.Info("slack auth ok", "bot_user_id", resp.UserID, "team_id", resp.TeamID)
	}
	if b.cfg.AppToken != "" {
		return b.runSocketMode(ctx)
	}
	return b.runHTTP(ctx)
}

// drainMargin is how long before the shutdown deadline waiting work is
// told to deliver what it has, leaving time for the delivery itself.
const drainMargin = 5 * time.Second

// Shutdown waits for the replies in flight. Shortly before ctx's deadline
// (drainMargin, or half the time left if that is less) it tells
// waiting work to deliver what it has; when ctx ends it cancels what is
// left, waits briefly for it to notice and returns an error.
func (b *Bot) Shutdown(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		b.jobs.Wait()
		close(done)
	}()
	var drainAt <-chan time.Time
	if dl, ok := ctx.Deadline(); ok {
		left := time.Until(dl)
		t := time.NewTimer(left - min(drainMargin, left/2))
		defer t.Stop()
		drainAt = t.C
	}
	select {
	case <-done:
		return nil
	case <-drainAt:
		b.log.Warn("shutdown deadline near: delivering work in flight as it stands", "in_flight", b.inFlight.Load())
		b.drainOnce.Do(func() { close(b.drain) })
	case <-ctx.Done():
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	b.abortOnce.Do(func() { close(b.abort) })
	select {
	case <-done:
	case <-time.After(time.Second):
	}
	return fmt.Errorf("replies still in flight at shutdown: %w", ctx.Err())
}

func (b *Bot) userID() string {
	id, _ := b.botUserID.Load().(string)
	return id
}

// detach returns a context for work that must outlive the request that
// started it (Slack needs the ack first) but still ends after d or on a
// forced shutdown. It keeps the request's values, not its cancellation.
func (b *Bot) detach(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), d)
	go func() {
		select {
		case <-b.abort:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// spawn runs f in the background, counted for Shutdown. A panic is logged
// and swallowed: one bad request must not take the bot down.
func (b *Bot) spawn(log *slog.Logger, what string, f func()) {
	b.inFlight.Add(1)
	b.jobs.Go(func() {
		defer b.inFlight.Add(-1)
		defer func() {
			if r := recover(); r != nil {
				logPanic(log, what, r)
			}
		}()
		f()
	})
}
