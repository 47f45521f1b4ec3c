package prompts

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode"

	openai "github.com/sashabaranov/go-openai"
)

// AnswerStream is Answer with the model's text handed to onDelta as the
// model writes it: the same prompt, masking, pool, timeout, retries and
// refused redirects, and the same final text. The pieces given to onDelta
// join up to the returned Text: reasoning (a <think> block, even split
// across chunks, and the reasoning / reasoning_content fields) is never
// passed on, nor leading or trailing space.
//
// Until one stream has shown that the server does not open the reasoning
// block in the prompt (content that starts with reasoning and a lone
// </think>), text is held back until the reasoning ends or the answer is
// complete; later answers are passed on as they arrive. A server that
// refuses to stream is asked again without streaming, and later calls do
// not try again; onDelta then gets nothing and the text comes whole. A
// stream broken after part of the answer was passed on is not retried
// (the user would see that part twice): the call fails. onDelta is called
// from the calling goroutine, never after AnswerStream returns.
func (c *Client) AnswerStream(ctx context.Context, req AnswerRequest, onDelta func(string)) (AnswerResult, error) {
	if onDelta == nil {
		onDelta = func(string) {}
	}
	return c.answer(ctx, req, onDelta)
}

var (
	// errNoStream marks a server that answered a streaming request with a
	// whole completion (or otherwise not as server-sent events).
	errNoStream = errors.New("the server does not stream")
	// errStreamBroken marks a stream that failed after some of its text
	// was passed on.
	errStreamBroken = errors.New("stream broken after part of the answer was shown")
	// reStreamWord recognises a request refused because of "stream" (not
	// "upstream").
	reStreamWord = regexp.MustCompile(`(?i)\bstream`)
)

// refusesStream reports whether a refused request is about streaming.
func refusesStream(err error) bool { return reStreamWord.MatchString(errorText(err)) }

// streamAttempt makes one streaming request and returns the whole content
// with the reasoning removed, exactly as attempt would for the same
// completion, passing its visible text to onDelta on the way.
func (c *Client) streamAttempt(ctx context.Context, req openai.ChatCompletionRequest, onDelta func(string)) (string, error) {
	stream, err := c.api.CreateChatCompletionStream(ctx, req)
	if err != nil {
		return "", err
	}
	defer stream.Close()
	if ct := strings.ToLower(stream.Header().Get("Content-Type")); ct != "" && !strings.Contains(ct, "text/event-stream") {
		return "", errNoStream
	}
	// Until a stream has shown that the server does not open reasoning in
	// the prompt, text waits for the end of the reasoning or of the answer.
	f := thinkFilter{emit: onDelta, hold: !c.streamLive.Load()}
	for {
		chunk, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if f.shown {
				return "", fmt.Errorf("%w: %w", errStreamBroken, err)
			}
			return "", err
		}
		if len(chunk.Choices) > 0 {
			f.write(chunk.Choices[0].Delta.Content)
		}
	}
	f.close()
	c.streamLive.Store(!f.lone)
	text := stripReasoning(f.raw.String())
	if text == "" && !f.shown && f.raw.Len() == 0 && f.chunks == 0 {
		// Nothing at all came as an event: not a stream.
		return "", errNoStream
	}
	return text, nil
}

// The tags of a model's reasoning in its content, as stripReasoning reads
// them, in lower case; maxTagLen is the longest.
var thinkTags = []string{"<think>", "<thinking>", "<reasoning>", "</think>", "</thinking>", "</reasoning>"}

const maxTagLen = len("</reasoning>")

// thinkFilter passes on the visible text of a streamed answer, chunk by
// chunk: what stripReasoning would keep of the whole content. A tag split
// across chunks is held back until it is complete; the text of a block is
// never passed on; space is held back until text follows it, so that the
// pieces join up to the trimmed answer.
//
// Some chat templates open the reasoning block in the prompt: the content
// then starts with reasoning and a lone closing tag ends it, which cannot
// be told from an answer until the tag comes. With hold set, text is held
// back until the first closing tag (reasoning before a lone one is
// dropped) or the end of the stream. Without it, a lone closing tag after
// text was passed on stops the filter (broken): the caller's final text
// then differs from what was passed on.
type thinkFilter struct {
	emit    func(string)
	hold    bool
	raw     strings.Builder // the whole content, for stripReasoning
	pending string          // content not yet classified
	held    string          // visible text held back while hold is set
	inBlock bool
	space   string // space held back
	shown   bool   // some text was passed on
	broken  bool   // a lone closing tag came after text was passed on
	lone    bool   // a lone closing tag came at all
	chunks  int
}

func (f *thinkFilter) write(s string) {
	f.chunks++
	f.raw.WriteString(s)
	if f.broken {
		return
	}
	f.pending += s
	for f.pending != "" {
		if f.inBlock {
			loc := reThinkClose.FindStringIndex(f.pending)
			if loc == nil {
				// Inside the block: keep only what may begin the closing tag.
				if n := len(f.pending) - maxTagLen; n > 0 {
					f.pending = f.pending[n:]
				}
				return
			}
			f.pending, f.inBlock = f.pending[loc[1]:], false
			if f.hold {
				// Text before a whole block is the answer's.
				f.hold = false
				f.pass(f.held)
				f.held = ""
			}
			continue
		}
		open := reThinkOpen.FindStringIndex(f.pending)
		closing := reThinkClose.FindStringIndex(f.pending)
		switch {
		case closing != nil && (open == nil || closing[0] < open[0]):
			f.lone = true
			if f.shown {
				f.broken = true
				return
			}
			// Everything so far was reasoning opened in the prompt.
			f.pending, f.held, f.space, f.hold = f.pending[closing[1]:], "", "", false
		case open != nil:
			f.pass(f.pending[:open[0]])
			f.pending, f.inBlock = f.pending[open[1]:], true
		default:
			keep := partialTag(f.pending)
			f.pass(f.pending[:len(f.pending)-keep])
			f.pending = f.pending[len(f.pending)-keep:]
			return
		}
	}
}

// close passes on what was held back at the end of the stream: a "<" that
// never became a tag is text.
func (f *thinkFilter) close() {
	f.hold = false
	if !f.broken {
		f.pass(f.held)
		if !f.inBlock {
			f.pass(f.pending)
		}
	}
	f.pending, f.held = "", ""
}

// pass hands s on, its leading space (before any text) dropped and its
// trailing space held back until text follows.
func (f *thinkFilter) pass(s string) {
	if f.hold {
		f.held += s
		return
	}
	s = f.space + s
	if !f.shown {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
	}
	body := strings.TrimRightFunc(s, unicode.IsSpace)
	f.space = s[len(body):]
	if body == "" {
		return
	}
	f.shown = true
	f.emit(body)
}

// partialTag returns the length of the end of s that could be the start
// of a reasoning tag ("<thi"), to hold back until the next chunk.
func partialTag(s string) int {
	i := strings.LastIndexByte(s, '<')
	if i < 0 || len(s)-i >= maxTagLen {
		return 0
	}
	tail := strings.ToLower(s[i:])
	for _, t := range thinkTags {
		if strings.HasPrefix(t, tail) {
			return len(s) - i
		}
	}
	return 0
}
