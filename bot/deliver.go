package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	neturl "net/url"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// responsePayload is what a slash command ack and a response_url post
// carry. response_type is ephemeral, since replies to /selfcheck may quote
// the user's draft and are for their eyes only; the one exception is a
// canned answer that staff post to the channel on purpose.
type responsePayload struct {
	ResponseType    string        `json:"response_type"`
	ReplaceOriginal bool          `json:"replace_original"`
	DeleteOriginal  bool          `json:"delete_original,omitempty"`
	Text            string        `json:"text"`
	Blocks          []slack.Block `json:"blocks,omitempty"`
}

func ephemeral(m message, replace bool) responsePayload {
	return responsePayload{ResponseType: slack.ResponseTypeEphemeral, ReplaceOriginal: replace, Text: m.Text, Blocks: m.Blocks}
}

// replyPayload carries m to the channel when it is public, else only to
// the user.
func replyPayload(m message, replace bool) responsePayload {
	p := ephemeral(m, replace)
	if m.public {
		p.ResponseType = slack.ResponseTypeInChannel
	}
	return p
}

// responseURLError is a non-200 answer of a response_url.
type responseURLError struct {
	Status int
	Code   string // Slack's short error code from the body, if any
}

func (e *responseURLError) Error() string {
	return fmt.Sprintf("response_url: status %d: %s", e.Status, e.Code)
}

// errNoResponseURL is respond's error when the request carried none.
var errNoResponseURL = errors.New("no response_url to deliver to")

// respond delivers msgs through a response_url: the first replaces the
// "검토 중…" placeholder when replaceFirst is set, the rest follow. It
// returns how many parts were delivered.
func (b *Bot) respond(ctx context.Context, log *slog.Logger, url string, msgs []message, replaceFirst bool) (int, error) {
	if url == "" {
		return 0, errNoResponseURL
	}
	if !responseURLAllowed(url, b.cfg.ResponseURLOrigins) {
		return 0, errResponseURLHost
	}
	for i, m := range msgs {
		// A public message is posted anew rather than replacing the
		// placeholder: the placeholder is ephemeral, and Slack does not
		// turn an ephemeral message into one the channel can see. The
		// placeholder is deleted first, so that no stale "⏳" stays.
		replace := replaceFirst && i == 0 && !m.public
		if replaceFirst && i == 0 && m.public {
			if err := b.postResponseURL(ctx, url, responsePayload{DeleteOriginal: true}); err != nil {
				log.Info("placeholder not deleted", "error", err)
			}
		}
		err := b.withRetry(ctx, log, "response_url", m, func(ctx context.Context, m message) error {
			return b.postResponseURL(ctx, url, replyPayload(m, replace))
		})
		if err != nil {
			return i, fmt.Errorf("deliver part %d/%d: %w", i+1, len(msgs), err)
		}
	}
	return len(msgs), nil
}

func (b *Bot) postResponseURL(ctx context.Context, url string, p responsePayload) error {
	body, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("build response_url request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := b.http.Do(req)
	if err != nil {
		// *url.Error quotes the URL, and a response_url is a credential:
		// anyone holding it can post into the user's channel. Keep only
		// the cause (which still tells a timeout from a refusal).
		var ue *neturl.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("post response_url: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode == http.StatusTooManyRequests {
		secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		return &slack.RateLimitedError{RetryAfter: time.Duration(max(secs, 1)) * time.Second}
	}
	var ok struct {
		OK    *bool  `json:"ok"`
		Error string `json:"error"`
	}
	_ = json.Unmarshal(raw, &ok)
	if resp.StatusCode != http.StatusOK || (ok.OK != nil && !*ok.OK) {
		code := ok.Error
		if code == "" {
			code = errorCode(string(raw))
		}
		return &responseURLError{Status: resp.StatusCode, Code: code}
	}
	return nil
}

// errorCode keeps a plain-text error body only if it looks like one of
// Slack's snake_case codes, so that no odd body reaches the logs.
func errorCode(s string) string {
	s = strings.TrimSpace(s)
	if len(s) == 0 || len(s) > 64 {
		return ""
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return ""
		}
	}
	return s
}

// postThread posts msgs as replies in a thread (or at the top of a DM
// when threadTS is empty). key, when set, tags each part with message
// metadata so that a post whose response was lost can be found again
// instead of being posted twice.
func (b *Bot) postThread(ctx context.Context, log *slog.Logger, channel, threadTS string, msgs []message, key string) error {
	for i, m := range msgs {
		partKey := ""
		if key != "" {
			partKey = fmt.Sprintf("%s/%d", key, i+1)
		}
		if _, err := b.postMessage(ctx, log, channel, threadTS, m, partKey); err != nil {
			return fmt.Errorf("post part %d/%d: %w", i+1, len(msgs), err)
		}
	}
	return nil
}

// replyMetadataType is the metadata event type of the bot's replies.
const replyMetadataType = "selfcheck_reply"

// postMessage posts one message and returns its timestamp. A failure
// that leaves open whether Slack accepted the post (a timeout, a reset
// connection, a 5xx) is not retried blindly: with a key, the bot first
// looks for the post in the conversation and stops if it is there.
func (b *Bot) postMessage(ctx context.Context, log *slog.Logger, channel, threadTS string, m message, key string) (string, error) {
	var ts string
	var prev error
	err := b.withRetry(ctx, log, "chat.postMessage", m, func(ctx context.Context, m message) error {
		if prev != nil && key != "" && ambiguous(prev) {
			found, err := b.findPosted(ctx, channel, threadTS, key)
			switch {
			case err != nil:
				// Unknown either way; a doubled reply beats a lost one.
				log.Warn("could not check for an earlier post, posting again", "error", err)
			case found != "":
				log.Info("earlier post found, not posted again", "ts", found)
				ts = found
				return nil
			}
		}
		opts := msgOptions(m, threadTS)
		if key != "" {
			opts = append(opts, slack.MsgOptionMetadata(slack.SlackMetadata{
				EventType: replyMetadataType, EventPayload: map[string]any{"key": key}}))
		}
		var err error
		_, ts, err = b.api.PostMessageContext(ctx, channel, opts...)
		prev = err
		return err
	})
	return ts, err
}

// findPosted looks among the latest messages of the thread (or of the
// conversation) for the bot's post tagged key and returns its ts.
func (b *Bot) findPosted(ctx context.Context, channel, threadTS, key string) (string, error) {
	var msgs []slack.Message
	var err error
	if threadTS != "" {
		msgs, _, _, err = b.api.GetConversationRepliesContext(ctx, &slack.GetConversationRepliesParameters{
			ChannelID: channel, Timestamp: threadTS, Limit: 100, IncludeAllMetadata: true})
	} else {
		var h *slack.GetConversationHistoryResponse
		h, err = b.api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
			ChannelID: channel, Limit: 20, IncludeAllMetadata: true})
		if h != nil {
			msgs = h.Messages
		}
	}
	if err != nil {
		return "", fmt.Errorf("look for an earlier post: %w", err)
	}
	for _, m := range msgs {
		if m.Metadata.EventType == replyMetadataType && m.Metadata.EventPayload["key"] == key {
			return m.Timestamp, nil
		}
	}
	return "", nil
}

// ambiguous reports whether a failed call may nonetheless have been
// carried out by Slack.
func ambiguous(err error) bool {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return false
	}
	return transient(err)
}

// updateMessage replaces the message at ts (a placeholder of the bot).
func (b *Bot) updateMessage(ctx context.Context, log *slog.Logger, channel, ts string, m message) error {
	return b.withRetry(ctx, log, "chat.update", m, func(ctx context.Context, m message) error {
		// A text-only message sends blocks: [] so that the blocks of the
		// message it replaces do not stay.
		_, _, _, err := b.api.UpdateMessageContext(ctx, channel, ts, updateOptions(m)...)
		return err
	})
}

// updateOptions are msgOptions for chat.update: without blocks, an
// empty block list, since chat.update keeps the old blocks otherwise.
func updateOptions(m message) []slack.MsgOption {
	opts := msgOptions(m, "")
	if len(m.Blocks) == 0 {
		opts = append(opts, slack.MsgOptionBlocks())
	}
	return opts
}

func msgOptions(m message, threadTS string) []slack.MsgOption {
	opts := []slack.MsgOption{
		slack.MsgOptionText(m.Text, false),
		slack.MsgOptionDisableLinkUnfurl(),
		slack.MsgOptionDisableMediaUnfurl(),
	}
	if len(m.Blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(m.Blocks...))
	}
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	return opts
}

// withRetry calls send until it succeeds or the retries run out: it waits
// out rate limits (up to MaxRetryWait), shrinks a message Slack finds too
// long, and backs off on transient failures. Other errors end it at once.
func (b *Bot) withRetry(ctx context.Context, log *slog.Logger, method string, m message, send func(context.Context, message) error) error {
	backoff := 200 * time.Millisecond
	for attempt := 0; ; attempt++ {
		err := send(ctx, m)
		if err == nil {
			return nil
		}
		if attempt >= b.cfg.MaxRetries || ctx.Err() != nil {
			return err
		}
		var wait time.Duration
		var rl *slack.RateLimitedError
		switch {
		case errors.As(err, &rl):
			if rl.RetryAfter > b.cfg.MaxRetryWait {
				return fmt.Errorf("retry-after %s exceeds the limit: %w", rl.RetryAfter, err)
			}
			wait = rl.RetryAfter
			log.Warn("slack rate limited", "method", method, "retry_after", rl.RetryAfter.String(), "attempt", attempt+1)
		case tooLong(err):
			smaller, ok := shrink(m)
			if !ok {
				return err
			}
			log.Warn("slack rejected message size, shrinking", "method", method, "error", err, "blocks", len(m.Blocks), "text_len", textLen(m.Text))
			m = smaller
		case transient(err):
			wait = backoff
			backoff *= 2
			log.Warn("slack call failed, retrying", "method", method, "error", err, "attempt", attempt+1)
		default:
			return err
		}
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return fmt.Errorf("%w (while waiting to retry: %w)", err, ctx.Err())
			case <-t.C:
			}
		}
	}
}

// tooLongCodes are Slack's answers to a message over its limits.
var tooLongCodes = map[string]bool{
	"msg_too_long":    true,
	"invalid_blocks":  true,
	"too_many_blocks": true,
}

func tooLong(err error) bool {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return tooLongCodes[se.Err]
	}
	var re *responseURLError
	if errors.As(err, &re) {
		return tooLongCodes[re.Code]
	}
	return false
}

func transient(err error) bool {
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return sc.Retryable()
	}
	var re *responseURLError
	if errors.As(err, &re) {
		return re.Status >= 500
	}
	var ne net.Error
	return errors.As(err, &ne)
}
