package bot

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/selfcheck/selfcheck/botstate"
)

// State is what the bot remembers beyond one request: events already
// taken on, feedback votes, the topic of each thread it answered, and
// what must happen once (escalations, canned answers per thread).
// *botstate.Store implements it in SQLite; a database shared by several
// replicas can implement it too, since every method is one atomic step.
type State interface {
	// Claim records key for token and reports whether the claim is
	// token's: new within ttl, or recorded by this same token before (a
	// retry of a claim whose answer was lost). See claim.go.
	Claim(ctx context.Context, key, token string, ttl time.Duration) (bool, error)
	// Vote records one user's vote on one message and reports whether it
	// changed the counts.
	Vote(ctx context.Context, message, user, item, vote string) (bool, error)
	// MessageVotes counts the votes on one message.
	MessageVotes(ctx context.Context, message string) (botstate.Tally, error)
	// UserVote is the user's vote on a message, or "".
	UserVote(ctx context.Context, message, user string) (string, error)
	// ItemVotes counts every vote per item.
	ItemVotes(ctx context.Context) (map[string]botstate.Tally, error)
	// SetTopic and Topic remember what a thread is about.
	SetTopic(ctx context.Context, channel, thread string, t botstate.Topic) error
	Topic(ctx context.Context, channel, thread string) (botstate.Topic, bool, error)
	// Once records key and reports whether it is the first time: a
	// canned answer offered in a thread, an escalation opened or resolved.
	Once(ctx context.Context, key string) (bool, error)
	// Keep stores one of the bot's own answers under key; Take returns it
	// and deletes it in one step, so that it is posted once.
	Keep(ctx context.Context, key, value string) error
	Take(ctx context.Context, key string) (string, bool, error)
	HelpDeskState
}

// HelpDeskState is what the help channel keeps (channel.go, escalate.go):
// each channel's mode, the first staff reply of each thread, escalations
// and the staff replies offered as canned answers.
type HelpDeskState interface {
	SetChannelMode(ctx context.Context, channel, mode, by string) error
	ChannelMode(ctx context.Context, channel string) (string, error)
	ChannelModes(ctx context.Context) ([]botstate.ChannelSetting, error)
	RecordStaffReply(ctx context.Context, channel, thread, user, ts string) (bool, error)
	StaffReplied(ctx context.Context, channel, thread string) (botstate.StaffReply, bool, error)
	OpenEscalation(ctx context.Context, e botstate.Escalation) (bool, error)
	SetEscalationUrgency(ctx context.Context, id, urgency, link string) error
	ResolveEscalation(ctx context.Context, id, user string) (botstate.Escalation, bool, error)
	OpenEscalations(ctx context.Context, limit int) ([]botstate.Escalation, error)
	EscalationOf(ctx context.Context, channel, thread string) (botstate.Escalation, bool, error)
	AddCandidate(ctx context.Context, c botstate.Candidate) (bool, error)
	Candidate(ctx context.Context, id string) (botstate.Candidate, bool, error)
	Candidates(ctx context.Context, limit int) ([]botstate.Candidate, error)
	MarkCandidateSaved(ctx context.Context, id, name string) error
}

// memoryState is the State of a bot configured without one: SQLite in
// memory, so that the rules are the same and only persistence differs.
func memoryState() (State, error) {
	s, err := botstate.Open(context.Background(), botstate.Config{})
	if err != nil {
		return nil, fmt.Errorf("bot: in-memory state: %w", err)
	}
	return s, nil
}

// stateTimeout bounds one call to the State where a user waits on it.
const stateTimeout = 500 * time.Millisecond

// once is State.Once bounded by stateTimeout. When the store fails it
// counts as the first time: a doubled escalation or resolution beats a
// lost one. what names the action in the log.
func (b *Bot) once(ctx context.Context, log *slog.Logger, key, what string) bool {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), stateTimeout)
	defer cancel()
	first, err := b.state.Once(ctx, key)
	if err != nil {
		log.Warn(what+" dedupe unavailable", "error", err)
		return true
	}
	return first
}
