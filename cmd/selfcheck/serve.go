package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/selfcheck/selfcheck/bot"
	"github.com/selfcheck/selfcheck/knowledge"
)

// serveDeps is what "selfcheck serve" needs besides the environment: the
// engine and the canned-answer store, built by the caller, and where to
// log.
type serveDeps struct {
	Answerer bot.Answerer
	Reviewer bot.Reviewer
	Items    []knowledge.ItemInfo
	// Guide is the checklist the answers follow, named under each.
	Guide   knowledge.GuideVersion
	Numbers func(id string) bool // knowledge.Checklist.Numbers: 1.4 yes, 9.9 no
	Logger  *slog.Logger
	// Canned and CannedWriter serve /selfcheck canned; nil leaves it
	// unavailable.
	Canned       bot.CannedReader
	CannedWriter bot.CannedWriter
	// RefreshCanned updates the engine's suggestions after a change made
	// through Slack.
	RefreshCanned func(ctx context.Context) error
	// Files reviews files sent in a DM, within MaxFileBytes.
	Files        bot.FileReviewer
	MaxFileBytes int64
	// ReportFiles reviews a file again, uncounted, for a report whose
	// review is no longer in memory.
	ReportFiles bot.FileReviewer
	// State keeps dedupe, votes and thread topics across restarts; nil
	// keeps them in memory.
	State bot.State
	// QuickReview is the deterministic review alone, delivered for a
	// review still waiting on the model at shutdown.
	QuickReview func(ctx context.Context, itemID, draft string) (knowledge.Report, error)
	// Stats feeds the staff's App Home overview and counts escalations;
	// nil with STATS=off. Feedback counts the votes (the engine).
	Stats    bot.StatsStore
	Feedback bot.FeedbackRecorder
	// History keeps each user's element statuses per item (hashed user
	// IDs, in the statistics) for the comparison with their previous
	// review; nil with STATS=off. ChecklistVersion goes on report covers.
	History          bot.ReviewHistory
	ChecklistVersion string
	// Ready are the conditions of GET /readyz (see readyChecks and
	// storeChecks).
	Ready []bot.ReadyCheck
}

// serveConfig is the Slack part of the environment. docs/slack.md
// explains where each value comes from.
type serveConfig struct {
	BotToken      string // SLACK_BOT_TOKEN: xoxb-…, required
	AppToken      string // SLACK_APP_TOKEN: xapp-…, selects Socket Mode
	SigningSecret string // SLACK_SIGNING_SECRET: required in HTTP mode
	APIURL        string // SLACK_API_URL: Web API base URL, for proxies and tests
	ListenAddr    string // LISTEN_ADDR: HTTP mode, and /healthz in Socket Mode; default :3000
	// ShutdownGrace is SHUTDOWN_GRACE: how long replies in flight may
	// take after SIGTERM, a Go duration; default 20 s.
	ShutdownGrace time.Duration
	// SupportStaff is SUPPORT_STAFF_IDS: the Slack user IDs allowed to
	// change and post canned answers, comma-separated.
	SupportStaff []string
	// SupportChannel is SUPPORT_CHANNEL: the channel ID (C…) escalations
	// go to. SupportGroup is SUPPORT_GROUP_ID: the user group (S…) they
	// mention instead of the staff one by one.
	SupportChannel string
	SupportGroup   string
}

// loadServeConfig reads and checks the Slack settings. Its errors name the
// variable and say what is expected, never echoing a secret.
func loadServeConfig(getenv func(string) string) (serveConfig, error) {
	env := func(k string) string { return strings.TrimSpace(getenv(k)) }
	c := serveConfig{
		BotToken:      env("SLACK_BOT_TOKEN"),
		AppToken:      env("SLACK_APP_TOKEN"),
		SigningSecret: env("SLACK_SIGNING_SECRET"),
		APIURL:        env("SLACK_API_URL"),
		ListenAddr:    env("LISTEN_ADDR"),
	}
	switch {
	case c.BotToken == "":
		return c, settingErr("SLACK_BOT_TOKEN이 없습니다. Slack 앱의 OAuth & Permissions 페이지에서 Bot User OAuth Token(xoxb-…)을 복사해 넣으세요(docs/slack.md).", "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth & Permissions page (see docs/slack.md)")
	case !strings.HasPrefix(c.BotToken, "xoxb-"):
		return c, settingErr("SLACK_BOT_TOKEN에는 xoxb-로 시작하는 봇 토큰을 넣으세요(xoxp- 사용자 토큰이나 xapp- 앱 토큰은 안 됩니다).", "SLACK_BOT_TOKEN must be a bot token starting with xoxb- (a user token xoxp- or app token xapp- does not work here)")
	case c.AppToken != "" && !strings.HasPrefix(c.AppToken, "xapp-"):
		return c, settingErr("SLACK_APP_TOKEN에는 xapp-로 시작하는 앱 수준 토큰(Basic Information → App-Level Tokens)을 넣거나, HTTP 모드라면 비워 두세요.", "SLACK_APP_TOKEN must be an app-level token starting with xapp- (Basic Information → App-Level Tokens), or be left empty for HTTP mode")
	case c.AppToken == "" && c.SigningSecret == "":
		return c, settingErr("SLACK_SIGNING_SECRET이 없습니다. HTTP 모드는 요청을 확인하려고 이 값(Basic Information → Signing Secret)이 필요합니다. Socket Mode를 쓰려면 SLACK_APP_TOKEN을 설정하세요.", "SLACK_SIGNING_SECRET is not set: HTTP mode needs it to verify requests (Basic Information → Signing Secret); set SLACK_APP_TOKEN instead to use Socket Mode")
	}
	if c.APIURL != "" {
		u, err := url.Parse(c.APIURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return c, settingErr(fmt.Sprintf("SLACK_API_URL=%q이 https://slack.com/api/ 같은 http(s) URL이 아닙니다.", c.APIURL), fmt.Sprintf("SLACK_API_URL=%q is not an http(s) URL such as https://slack.com/api/", c.APIURL))
		}
	}
	if c.ListenAddr == "" {
		c.ListenAddr = bot.DefaultListenAddr
	}
	if _, port, err := net.SplitHostPort(c.ListenAddr); err != nil || port == "" {
		return c, settingErr(fmt.Sprintf("LISTEN_ADDR=%q이 :3000이나 127.0.0.1:8080 같은 host:port가 아닙니다.", c.ListenAddr), fmt.Sprintf("LISTEN_ADDR=%q is not a host:port such as :3000 or 127.0.0.1:8080", c.ListenAddr))
	}
	if v := env("SHUTDOWN_GRACE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return c, settingErr(fmt.Sprintf("SHUTDOWN_GRACE=%q: 20s, 1m 같은 시간으로 설정하세요.", v), fmt.Sprintf("SHUTDOWN_GRACE=%q: want a Go duration such as 20s or 1m", v))
		}
		c.ShutdownGrace = d
	}
	staff, err := parseStaffIDs(getenv("SUPPORT_STAFF_IDS"))
	if err != nil {
		return c, err
	}
	c.SupportStaff = staff
	c.SupportChannel = env("SUPPORT_CHANNEL")
	if c.SupportChannel != "" && !bot.ValidChannelID(c.SupportChannel) {
		return c, settingErr(fmt.Sprintf("SUPPORT_CHANNEL=%q이 C0123ABCD 같은 채널 ID가 아닙니다(Slack: 채널 이름 → 정보 → 맨 아래 채널 ID).", c.SupportChannel), fmt.Sprintf("SUPPORT_CHANNEL=%q is not a channel ID such as C0123ABCD (in Slack: channel name → About → Channel ID at the bottom)", c.SupportChannel))
	}
	c.SupportGroup = env("SUPPORT_GROUP_ID")
	if c.SupportGroup != "" && !bot.ValidGroupID(c.SupportGroup) {
		return c, settingErr(fmt.Sprintf("SUPPORT_GROUP_ID=%q이 S0123ABCD 같은 사용자 그룹 ID가 아닙니다(Slack: 사람 → 사용자 그룹 → 그룹 → ⋮ → 그룹 ID 복사).", c.SupportGroup), fmt.Sprintf("SUPPORT_GROUP_ID=%q is not a user group ID such as S0123ABCD (in Slack: People → User groups → the group → ⋮ → Copy group ID)", c.SupportGroup))
	}
	return c, nil
}

// parseStaffIDs reads SUPPORT_STAFF_IDS: Slack member IDs separated by
// commas, blanks around them ignored, duplicates dropped. Anything that is
// not an ID (a name, a mention, a lowercase copy) is refused rather than
// skipped, since a silently dropped entry would lock that person out.
func parseStaffIDs(v string) ([]string, error) {
	var ids []string
	seen := map[string]bool{}
	for field := range strings.SplitSeq(v, ",") {
		id := strings.TrimSpace(field)
		switch {
		case id == "":
			continue
		case !bot.ValidUserID(id):
			return nil, settingErr(fmt.Sprintf("SUPPORT_STAFF_IDS: %q은(는) Slack 멤버 ID가 아닙니다. U0123ABCD 같은 ID를 쉼표로 나열하세요(Slack: 프로필 → ⋮ → 멤버 ID 복사).", id), fmt.Sprintf("SUPPORT_STAFF_IDS: %q is not a Slack member ID; list IDs such as U0123ABCD separated by commas (in Slack: profile → ⋮ → Copy member ID)", id))
		case seen[id]:
			continue
		}
		seen[id] = true
		ids = append(ids, id)
	}
	return ids, nil
}

// runServe runs the Slack bot until ctx ends: Socket Mode when
// SLACK_APP_TOKEN is set, else HTTP on LISTEN_ADDR. A line on stderr says
// which, since that is the first thing to check when Slack gets no answer.
func runServe(ctx context.Context, getenv func(string) string, deps serveDeps, stderr io.Writer) error {
	sc, err := loadServeConfig(getenv)
	if err != nil {
		return err
	}
	if deps.Answerer == nil || deps.Reviewer == nil {
		return errors.New("serve: no engine to answer with")
	}
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	b, err := bot.New(bot.Config{
		BotToken:      sc.BotToken,
		AppToken:      sc.AppToken,
		SigningSecret: sc.SigningSecret,
		APIURL:        sc.APIURL,
		ListenAddr:    sc.ListenAddr,
		Answerer:      deps.Answerer,
		Reviewer:      deps.Reviewer,
		Items:         deps.Items,
		Guide:         deps.Guide,
		Numbers:       deps.Numbers,
		Logger:        log,
		Canned:        deps.Canned,
		CannedWriter:  deps.CannedWriter,
		SupportStaff:  sc.SupportStaff,
		RefreshCanned: deps.RefreshCanned,
		Files:         deps.Files,
		ReportFiles:   deps.ReportFiles,
		MaxFileBytes:  deps.MaxFileBytes,
		State:         deps.State,
		ShutdownGrace: sc.ShutdownGrace,
		QuickReview:   deps.QuickReview,
		Stats:         deps.Stats,
		Feedback:      deps.Feedback,
		Ready:         deps.Ready,

		History:          deps.History,
		ChecklistVersion: deps.ChecklistVersion,
		SupportChannel:   sc.SupportChannel,
		SupportGroup:     sc.SupportGroup,
	})
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	if deps.CannedWriter != nil && len(sc.SupportStaff) == 0 {
		// Not an error: reading canned answers works, only changes do not.
		log.Warn("SUPPORT_STAFF_IDS is empty: nobody can save, delete or post canned answers from Slack")
	}
	if len(sc.SupportStaff) == 0 && sc.SupportChannel == "" && sc.SupportGroup == "" {
		log.Warn("no support team configured (SUPPORT_STAFF_IDS, SUPPORT_CHANNEL, SUPPORT_GROUP_ID): 담당자에게 묻기 tells users it is not set up")
	}
	if sc.AppToken != "" {
		fmt.Fprintln(stderr, "selfcheck: Slack 봇을 Socket Mode로 시작합니다. 멈추려면 Ctrl+C. (Slack bot starting in Socket Mode; Ctrl+C to stop)")
	} else {
		fmt.Fprintf(stderr, "selfcheck: Slack 봇을 HTTP 모드로 %s에서 시작합니다. 멈추려면 Ctrl+C. (Slack bot starting in HTTP mode on %s: POST /slack/commands, /slack/events, /slack/interactions; Ctrl+C to stop)\n", sc.ListenAddr, sc.ListenAddr)
	}
	if err := b.Run(ctx); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
