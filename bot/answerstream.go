package bot

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/engine"
)

// StreamAsker answers a question with the model's text passed on as it is
// written (see engine.AskStream). *engine.Engine implements it; with an
// Answerer without it, answers are posted whole.
type StreamAsker interface {
	AskStream(ctx context.Context, question string, onDelta func(string)) (engine.Answer, error)
	AskInThreadStream(ctx context.Context, question string, th engine.Thread, onDelta func(string)) (engine.Answer, error)
}

// Batching of a streamed answer. chat.appendStream is rate limited per
// message; Slack's own SDKs send about 256 characters a call. The first
// text goes at once (the user waits for it); later text at most every
// streamInterval, cut after a space so that a link or a markdown link is
// never split between two calls (neutralised whole), unless
// streamMaxRun bytes come without one.
const (
	streamInterval = 400 * time.Millisecond
	streamMaxRun   = 1000
	// streamMaxChunk keeps one call well under Slack's 12,000 characters
	// of markdown_text, escapes included.
	streamMaxChunk = 6000
)

// answerStream streams the model's text of one answer into a thread: the
// first text starts the stream (chat.startStream), the rest is appended in
// batches by one sender goroutine (chat.appendStream), and the caller
// ends it with the rest of the answer (stopStream). Nothing is sent once
// Slack refuses a call: what Slack took (shown) is what the final message
// leaves out.
type answerStream struct {
	b                *Bot
	log              *slog.Logger
	ev               innerEvent
	teamID, threadTS string
	begun            time.Time

	mu      sync.Mutex
	pending string          // received, not yet sent
	shown   strings.Builder // sent and taken by Slack
	ts      string          // the streamed message, once started
	failed  bool            // Slack refused; nothing more is sent
	final   *engine.Answer  // the engine's answer, once it is known
	first   time.Duration   // from the question to the first text in Slack
	calls   int
	later   time.Time // Slack asked to wait until then

	wake     chan struct{}
	started  chan struct{} // closed when the stream started
	quit     chan struct{}
	quitOnce sync.Once
	done     chan struct{} // closed when the sender is finished
}

// answerStreamFor returns the stream for the answer to in, or nil when
// the answer is posted whole: not a question, no thread to stream in (the
// top of a DM), an edited question (its note leads the reply), or an
// Answerer that cannot stream. Its sender runs until close.
func (b *Bot) answerStreamFor(ctx context.Context, log *slog.Logger, ev innerEvent, teamID, threadTS string, in intent) *answerStream {
	if _, ok := b.cfg.Answerer.(StreamAsker); !ok || in.kind != intentAsk || threadTS == "" || in.edited {
		return nil
	}
	s := &answerStream{b: b, log: log, ev: ev, teamID: teamID, threadTS: threadTS, begun: time.Now(),
		wake: make(chan struct{}, 1), started: make(chan struct{}), quit: make(chan struct{}), done: make(chan struct{})}
	go s.run(ctx)
	return s
}

// add takes a piece of the model's text; it never blocks on Slack.
func (s *answerStream) add(delta string) {
	s.mu.Lock()
	if !s.failed {
		s.pending += delta
	}
	s.mu.Unlock()
	s.poke()
}

// poke wakes the sender without waiting.
func (s *answerStream) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// settle sends what is left of the model's text and records the answer
// it ended in; the worker calls it once the engine has answered.
func (s *answerStream) settle(a engine.Answer, err error) {
	s.close()
	if err == nil {
		s.mu.Lock()
		s.final = &a
		s.mu.Unlock()
	}
}

// close stops the sender after it has sent what it holds; later text is
// dropped. It may be called more than once.
func (s *answerStream) close() {
	s.quitOnce.Do(func() { close(s.quit) })
	<-s.done
}

func (s *answerStream) run(ctx context.Context) {
	defer close(s.done)
	defer func() {
		// Fed by Slack's replies: a panic ends this stream (the answer is
		// posted whole), never the server.
		if r := recover(); r != nil {
			logPanic(s.log, "answer stream", r)
			s.mu.Lock()
			s.failed = true
			s.mu.Unlock()
		}
	}()
	var last time.Time
	for {
		select {
		case <-s.wake:
		case <-s.quit:
			s.flushAll(ctx)
			return
		}
		s.mu.Lock()
		next := s.later
		s.mu.Unlock()
		if !last.IsZero() {
			next = maxTime(next, last.Add(streamInterval))
		}
		if wait := time.Until(next); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-s.quit:
				t.Stop()
				s.flushAll(ctx)
				return
			}
		}
		if s.flush(ctx, false) {
			last = time.Now()
		}
	}
}

// flushAll sends all the pending text, in calls of at most
// streamMaxChunk, until Slack refuses one.
func (s *answerStream) flushAll(ctx context.Context) {
	for s.flush(ctx, true) {
	}
}

// flush sends the pending text up to its last space (all of it when
// final) and reports whether it called Slack.
func (s *answerStream) flush(ctx context.Context, final bool) bool {
	s.mu.Lock()
	if s.failed {
		s.mu.Unlock()
		return false
	}
	cut := len(s.pending)
	if !final {
		cut = safeCut(s.pending)
	}
	if cut > streamMaxChunk {
		// A backlog (Slack asked to slow down): the rest goes next time.
		cut = safeCut(truncateBytes(s.pending, streamMaxChunk))
	}
	chunk := s.pending[:cut]
	s.pending = s.pending[cut:]
	ts := s.ts
	s.mu.Unlock()
	if strings.TrimSpace(chunk) == "" && ts == "" {
		// Space alone does not start a stream; keep it for the text after.
		s.mu.Lock()
		s.pending = chunk + s.pending
		s.mu.Unlock()
		return false
	}
	if chunk == "" {
		return false
	}
	var err error
	if ts == "" {
		ts, err = s.b.startStream(ctx, s.ev, s.teamID, s.threadTS, streamMarkdown(chunk))
	} else {
		_, _, err = s.b.api.AppendStreamContext(ctx, s.ev.Channel, ts, slack.MsgOptionMarkdownText(streamMarkdown(chunk)))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	var rl *slack.RateLimitedError
	switch {
	case err == nil:
		s.shown.WriteString(chunk)
		if s.ts == "" && ts != "" {
			s.ts, s.first = ts, time.Since(s.begun)
			close(s.started)
		}
		if safeCut(s.pending) > 0 {
			// More is ready (a capped backlog): the next call, after the interval.
			s.poke()
		}
	case errors.As(err, &rl) && s.ts != "" && !final:
		// Kept for the next call, after the wait Slack asks for.
		s.pending = chunk + s.pending
		s.later = time.Now().Add(min(rl.RetryAfter, s.b.cfg.MaxRetryWait))
		s.poke()
	case s.ts == "":
		s.failed = true
		s.log.Info("stream refused, posting one message", "method", "chat.startStream", "error", err)
	default:
		s.failed = true
		s.log.Warn("stream append failed, the rest comes with the final message", "method", "chat.appendStream", "error", err)
	}
	return true
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// safeCut returns how much of s to send now: up to and including its last
// space, so that no word, link or markdown link is split between calls;
// all of a long run without one.
func safeCut(s string) int {
	i := strings.LastIndexFunc(s, unicode.IsSpace)
	if i < 0 {
		if len(s) >= streamMaxRun {
			return len(s)
		}
		return 0
	}
	_, size := utf8.DecodeRuneInString(s[i:])
	return i + size
}

// truncateBytes cuts s to at most n bytes at a character boundary.
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// reLoneStar is a single "*", which the model writes for bold as Slack's
// mrkdwn has it (the prompt asks for *굵게*); markdown_text reads "**".
var reLoneStar = regexp.MustCompile(`\*+`)

// streamMarkdown makes a piece of the model's text safe to stream: the
// links it writes are shown as text with their real target, as in
// renderAnswer (the stream does not know the sources' hosts yet, so none
// is linked), mentions and Slack's escapes are inert, and a markdown link
// [label](url) is broken so that its label cannot hide where it leads.
// Bold in mrkdwn (*x*) becomes markdown's (**x**). A run of stars is never
// split between two pieces (they are cut at spaces), so pieces convert
// alone.
func streamMarkdown(s string) string {
	s = strings.ReplaceAll(escapeLinks(s, nil), "](", "] (")
	return reLoneStar.ReplaceAllStringFunc(s, func(run string) string {
		if run == "*" {
			return "**"
		}
		return run
	})
}

// startedCh is closed once the stream has started; nil (never ready) for
// no stream.
func (s *answerStream) startedCh() <-chan struct{} {
	if s == nil {
		return nil
	}
	return s.started
}

// finish ends a started stream with the rest of the answer (msgs is the
// whole rendered reply, for when Slack will not end the stream) and
// reports whether it delivered; false, having sent nothing, when the
// stream never started: the caller posts msgs as usual.
func (s *answerStream) finish(ctx context.Context, log *slog.Logger, msgs []message, eventID string) bool {
	s.close()
	s.mu.Lock()
	ts, shown, final, first, calls := s.ts, s.shown.String(), s.final, s.first, s.calls
	s.mu.Unlock()
	if ts == "" {
		return false
	}
	log = log.With("delivery", "stream", "first_text_ms", first.Milliseconds(), "stream_calls", calls)
	if final != nil && final.LLM && !strings.Contains(final.Answer, shown) {
		// The model's answer is not what was streamed: the stream showed
		// reasoning that only a later </think> told apart. It is taken
		// back, and the answer posted whole.
		s.retract(ctx, log, ts)
		if err := s.b.postThread(ctx, log, s.ev.Channel, s.threadTS, msgs, eventID); err != nil {
			log.Error("delivery failed", "via", "chat", "error", err)
		}
		return true
	}
	rest := msgs
	if final != nil {
		rest = s.b.guided(paginate(renderStreamedAnswer(*final, shown)))
	}
	s.b.stopStream(ctx, log, s.ev.Channel, s.threadTS, ts, rest, msgs, eventID)
	return true
}

// retract ends the stream ts and deletes its message.
func (s *answerStream) retract(ctx context.Context, log *slog.Logger, ts string) {
	if _, _, err := s.b.api.StopStreamContext(ctx, s.ev.Channel, ts); err != nil {
		log.Info("stream not stopped before its deletion", "error", err)
	}
	if _, _, err := s.b.api.DeleteMessageContext(ctx, s.ev.Channel, ts); err != nil {
		log.Warn("streamed text not deleted", "error", err)
		return
	}
	log.Warn("streamed text was not the answer; deleted it and posted the answer")
}

// withoutShown is parts less the streamed text: the paragraph that holds
// it keeps only the rest, and goes when nothing is left.
func withoutShown(parts []engine.Part, shown string) []engine.Part {
	out := make([]engine.Part, 0, len(parts))
	for _, p := range parts {
		if p.Kind == engine.PartParagraph && strings.Contains(p.Text, shown) {
			before, after, _ := strings.Cut(p.Text, shown)
			if p.Text = strings.TrimSpace(strings.TrimSpace(before) + "\n\n" + strings.TrimSpace(after)); p.Text == "" {
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

// renderStreamedAnswer renders what the final message adds under the
// streamed text: the answer without the part shown (a canned answer that
// leads it, the element list that follows the model's text), its notices,
// sources and feedback buttons. When the answer is not the model's text
// that was streamed (the model failed midway and the built-in answer
// stands), it is rendered whole.
func renderStreamedAnswer(a engine.Answer, shown string) doc {
	before, after, ok := strings.Cut(a.Answer, shown)
	if !a.LLM || strings.TrimSpace(shown) == "" || !ok {
		return renderAnswer(a, "ask", "")
	}
	a.Answer = strings.TrimSpace(strings.TrimSpace(before) + "\n\n" + strings.TrimSpace(after))
	a.Parts = withoutShown(a.Parts, shown)
	d := renderAnswer(a, "ask", "")
	if a.Answer == "" {
		// renderAnswer's first block is the text; with none it says it
		// found no answer, which the streamed text is.
		d.Body = d.Body[1:]
	}
	return d
}
