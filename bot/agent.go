package bot

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/botstate"
)

// The agent messaging experience (features.agent_view): the app's
// conversations live in its Messages tab, the app learns that a user
// opened them from app_home_opened with tab "messages", and every
// top-level message starts its own thread. Apps still set up with the
// split view (assistant_view) get assistant_thread_started instead; both
// entry events greet through greet.

// greetTTL keeps a day's greeting key for longer than the day it names.
const greetTTL = 48 * time.Hour

// greetZone is the day a greeting belongs to: applicants work in Korea.
var greetZone = time.FixedZone("KST", 9*60*60)

// textContextChannel names the channel the user was looking at, for a
// question about "this channel".
const textContextChannel = "📍 보고 계신 채널: <#%s>"

// channelWords mark a question about the channel the user is looking at.
var channelWords = []string{"채널", "channel"}

// onMessagesOpened offers the suggested prompts to a user who opened the
// app's DM, for the DM (channel_id only: Slack silently ignores a
// thread_ts from an agent app), and greets them at most once a day per
// user across restarts and replicas (the key is in State).
func (b *Bot) onMessagesOpened(ctx context.Context, log *slog.Logger, user, channel string) {
	if channel == "" {
		channel = user // posting to a user ID writes in the app's DM
	}
	dctx, dcancel := b.detach(ctx, deliveryTimeout)
	defer dcancel()
	day := b.now().In(greetZone).Format(time.DateOnly)
	key := "greet:" + user + ":" + day
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stateTimeout)
	first, err := b.state.Claim(sctx, key, botstate.NewClaimToken(), greetTTL)
	cancel()
	if err != nil {
		// Better no greeting than one on every opening.
		log.Warn("greeting skipped: state unavailable", "error", err)
		return
	}
	if !first {
		log.Debug("already greeted today")
		b.setPrompts(dctx, log, channel, "")
		return
	}
	b.greet(ctx, log, channel, "")
}

// onThreadStarted greets the user in a new thread of the split view
// (assistant_thread_started, apps that still use assistant_view) and
// marks the thread as greeted, so that its first message is not greeted
// again.
func (b *Bot) onThreadStarted(ctx context.Context, log *slog.Logger, at assistantThread) {
	if at.ChannelID == "" || at.ThreadTS == "" {
		log.Warn("assistant thread without channel or ts")
		return
	}
	b.once(ctx, log, greetedKey(at.ChannelID, at.ThreadTS), "greeting")
	b.greet(ctx, log, at.ChannelID, at.ThreadTS)
}

// greet posts the one-line greeting and sets the suggested prompts: at the
// top of the DM (threadTS empty, agent_view) or in a thread (split view).
func (b *Bot) greet(ctx context.Context, log *slog.Logger, channel, threadTS string) {
	dctx, cancel := b.detach(ctx, deliveryTimeout)
	defer cancel()
	if _, err := b.postMessage(dctx, log, channel, threadTS, paginate(renderNotice(textGreeting))[0], ""); err != nil {
		log.Error("greeting not posted", "error", err)
	}
	b.setPrompts(dctx, log, channel, threadTS)
	log.Info("greeted", "in_thread", threadTS != "")
}

// setPrompts sets the suggested prompts of the DM (threadTS empty) or of
// a split-view thread.
func (b *Bot) setPrompts(ctx context.Context, log *slog.Logger, channel, threadTS string) {
	params := slack.AssistantThreadsSetSuggestedPromptsParameters{ChannelID: channel, ThreadTS: threadTS, Title: textPromptsTitle}
	params.Prompts = suggestedPrompts[:min(len(suggestedPrompts), maxSuggestPrompts)]
	if err := b.api.SetAssistantThreadsSuggestedPromptsContext(ctx, params); err != nil {
		log.Warn("suggested prompts not set", "error", err)
	}
}

// greetedKey is the State key of a DM thread the bot has greeted or
// answered in.
func greetedKey(channel, threadTS string) string { return "greeted:" + channel + ":" + threadTS }

// firstInThread reports whether a DM message is the first the bot sees in
// its thread: a "+" thread of the split view whose start event never came,
// or a thread the bot forgot. It marks the thread either way.
func (b *Bot) firstInThread(ctx context.Context, log *slog.Logger, ev innerEvent, threadTS string) bool {
	if !isPrivate(ev) || threadTS == "" {
		return false
	}
	first := b.once(ctx, log, greetedKey(ev.Channel, threadTS), "thread mark")
	return first && ev.ThreadTS != ""
}

// postGreeting posts the greeting in a thread on its own, before a reply
// that streams; it reports whether it did.
func (b *Bot) postGreeting(ctx context.Context, log *slog.Logger, channel, threadTS string) bool {
	if _, err := b.postMessage(ctx, log, channel, threadTS, paginate(renderNotice(textGreeting))[0], ""); err != nil {
		log.Warn("greeting not posted", "error", err)
		return false
	}
	return true
}

// withGreeting puts the greeting above the first message of a reply.
func withGreeting(msgs []message) []message {
	if len(msgs) == 0 {
		return msgs
	}
	out := append([]message(nil), msgs...)
	m := out[0]
	m.Blocks = append([]slack.Block{sectionBlock(textGreeting), slack.NewDividerBlock()}, m.Blocks...)
	m.Text = textGreeting + "\n" + m.Text
	out[0] = m
	return out
}

// viewing remembers, in memory only, the channel each user was last
// looking at (app_context_changed), for that user's next question. It is
// never logged or stored, and bounded.
type viewing struct {
	mu sync.Mutex
	m  map[string]string
}

// maxViewing bounds the users remembered; past it the oldest are dropped
// in no particular order, which only loses a hint.
const maxViewing = 10000

func (v *viewing) set(user, channel string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.m == nil {
		v.m = map[string]string{}
	}
	if channel == "" {
		delete(v.m, user)
		return
	}
	if _, ok := v.m[user]; !ok && len(v.m) >= maxViewing {
		for k := range v.m {
			delete(v.m, k)
			break
		}
	}
	v.m[user] = channel
}

// take returns the channel remembered for user and forgets it.
func (v *viewing) take(user string) string {
	v.mu.Lock()
	defer v.mu.Unlock()
	c := v.m[user]
	delete(v.m, user)
	return c
}

// appContext is the context of app_context_changed, and of message.im and
// app_home_opened for an app subscribed to it: what the user has open,
// most relevant first.
type appContext struct {
	Entities []struct {
		Type  string `json:"type"`
		Value string `json:"value"`
	} `json:"entities"`
}

// channel is the first channel among the entities, or "".
func (c *appContext) channel() string {
	if c == nil {
		return ""
	}
	for _, e := range c.Entities {
		if e.Type == "slack#/types/channel_id" && validChannelID(e.Value) {
			return e.Value
		}
	}
	return ""
}

// validChannelID accepts a Slack conversation ID only, so that nothing
// else is ever put in a message as a channel mention.
func validChannelID(id string) bool {
	if len(id) < 2 || len(id) > 24 || !strings.ContainsRune("CGD", rune(id[0])) {
		return false
	}
	for _, r := range id {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// withViewedChannel names the channel the user was looking at above the
// reply, when the question is about a channel.
func withViewedChannel(msgs []message, channel, question string) []message {
	if channel == "" || len(msgs) == 0 {
		return msgs
	}
	q := strings.ToLower(question)
	about := false
	for _, w := range channelWords {
		about = about || strings.Contains(q, w)
	}
	if !about {
		return msgs
	}
	line := strings.Replace(textContextChannel, "%s", channel, 1)
	out := append([]message(nil), msgs...)
	out[0].Blocks = append([]slack.Block{contextBlock(line)}, out[0].Blocks...)
	return out
}

// now is the bot's clock (Config.Now in tests).
func (b *Bot) now() time.Time {
	if b.cfg.Now != nil {
		return b.cfg.Now()
	}
	return time.Now()
}
