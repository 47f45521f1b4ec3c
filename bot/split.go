package bot

import (
	"fmt"
	"strings"

	"github.com/slack-go/slack"
)

// Slack's limits on a message, some with a margin. Text lengths are
// counted in UTF-16 code units (see textLen), which is never less than
// what Slack counts.
const (
	maxSectionText  = 3000
	maxHeaderText   = 150
	maxContextText  = 2000
	maxContextElems = 10
	maxBlocks       = 50
	maxFallbackText = 3900
	// maxMessageText keeps one message readable and its JSON well under
	// the 20 KB a Socket Mode ack may carry.
	maxMessageText = 12000
	// maxMessages caps a split reply; response_url accepts five posts.
	maxMessages = 5
)

// omitted is appended wherever text or blocks had to be cut.
const omitted = "… (일부 생략)"

// message is one Slack message: the blocks and the top-level text that
// notifications and clients without Block Kit show.
type message struct {
	Text   string        `json:"text"`
	Blocks []slack.Block `json:"blocks,omitempty"`
	// public marks a reply for everyone in the channel (a canned answer
	// posted by staff); every other reply to /selfcheck is ephemeral.
	public bool
}

// doc is a rendered reply before it is split into messages.
type doc struct {
	// Fallback is a short summary used as every message's text; it must
	// not quote a draft, as it shows in notifications.
	Fallback string
	// Title names the reply on continuation messages.
	Title string
	// Body are blocks each within the per-block limits.
	Body []slack.Block
	// Footer goes at the end of the last message (feedback buttons).
	Footer []slack.Block
	// Public sends every message of the reply to the whole channel.
	Public bool
}

// textLen counts s in UTF-16 code units: characters outside the BMP
// (most emoji) count twice, as they may for Slack.
func textLen(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// truncate cuts s to at most max units, marking the cut visibly.
func truncate(s string, max int) string {
	if textLen(s) <= max {
		return s
	}
	room := max - textLen(omitted)
	if room < 0 {
		room = 0
	}
	return cutUnits(s, room) + omitted
}

// cutUnits returns the longest prefix of s of at most max units.
func cutUnits(s string, max int) string {
	n := 0
	for i, r := range s {
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if n+w > max {
			return s[:i]
		}
		n += w
	}
	return s
}

// splitText splits s into chunks of at most max units, at line breaks
// where it can so that quotes and bullets stay whole.
func splitText(s string, max int) []string {
	var out []string
	var cur strings.Builder
	curLen := 0
	flush := func() {
		if t := strings.TrimRight(cur.String(), "\n"); strings.TrimSpace(t) != "" {
			out = append(out, t)
		}
		cur.Reset()
		curLen = 0
	}
	for line := range strings.SplitAfterSeq(s, "\n") {
		l := textLen(line)
		if curLen+l <= max {
			cur.WriteString(line)
			curLen += l
			continue
		}
		flush()
		for textLen(line) > max {
			head := cutUnits(line, max)
			out = append(out, head)
			line = line[len(head):]
		}
		cur.WriteString(line)
		curLen = textLen(line)
	}
	flush()
	return out
}

// blockTextLen is the amount of text a block carries, to budget messages.
func blockTextLen(b slack.Block) int {
	switch b := b.(type) {
	case *slack.SectionBlock:
		n := 0
		if b.Text != nil {
			n += textLen(b.Text.Text)
		}
		for _, f := range b.Fields {
			n += textLen(f.Text)
		}
		return n
	case *slack.HeaderBlock:
		return textLen(b.Text.Text)
	case *slack.ContextBlock:
		n := 0
		for _, e := range b.ContextElements.Elements {
			if t, ok := e.(*slack.TextBlockObject); ok {
				n += textLen(t.Text)
			}
		}
		return n
	}
	return 0
}

// paginate splits a doc into messages within Slack's limits: at most
// maxBlocks blocks and maxMessageText characters each, at most maxMessages
// messages, the footer on the last. What does not fit is dropped with a
// visible note rather than failing the delivery.
func paginate(d doc) []message {
	// Room is kept on every page for a continuation or omission note.
	const reserve = 2
	var pages [][]slack.Block
	var cur []slack.Block
	curText := 0
	for _, blk := range d.Body {
		n := blockTextLen(blk)
		if len(cur) > 0 && (len(cur)+1 > maxBlocks-reserve || curText+n > maxMessageText) {
			pages = append(pages, cur)
			cur, curText = nil, 0
		}
		cur = append(cur, blk)
		curText += n
	}
	if len(cur) > 0 || len(pages) == 0 {
		pages = append(pages, cur)
	}

	cut := len(pages) > maxMessages
	if cut {
		pages = pages[:maxMessages]
	}
	last := len(pages) - 1
	footerText := 0
	for _, blk := range d.Footer {
		footerText += blockTextLen(blk)
	}
	// Make room for the footer on the last page, dropping body blocks if
	// the reply is at its message cap, else starting a new page.
	if len(pages[last])+len(d.Footer) > maxBlocks-reserve || blocksText(pages[last])+footerText > maxMessageText {
		if len(pages) < maxMessages && !cut {
			pages = append(pages, nil)
			last++
		} else {
			for len(pages[last]) > 0 && (len(pages[last])+len(d.Footer) > maxBlocks-reserve || blocksText(pages[last])+footerText > maxMessageText) {
				pages[last] = pages[last][:len(pages[last])-1]
				cut = true
			}
		}
	}

	msgs := make([]message, len(pages))
	for i, p := range pages {
		var blocks []slack.Block
		if i > 0 {
			blocks = append(blocks, contextBlock(strings.TrimSpace(fmt.Sprintf("(계속 %d/%d) %s", i+1, len(pages), d.Title))))
		}
		blocks = append(blocks, p...)
		if i == last {
			if cut {
				blocks = append(blocks, contextBlock(omitted+" 결과가 길어 뒷부분을 생략했어요. 초안을 나누어 다시 요청해 주세요."))
			}
			blocks = append(blocks, d.Footer...)
		}
		// The fallback is cut before the "(n/N)" suffix, so that a long
		// one keeps saying which part it is.
		text := truncate(d.Fallback, maxFallbackText)
		if len(pages) > 1 {
			suffix := fmt.Sprintf(" (%d/%d)", i+1, len(pages))
			text = truncate(d.Fallback, maxFallbackText-textLen(suffix)) + suffix
		}
		msgs[i] = message{Text: text, Blocks: blocks, public: d.Public}
	}
	return msgs
}

func blocksText(blocks []slack.Block) int {
	n := 0
	for _, b := range blocks {
		n += blockTextLen(b)
	}
	return n
}

// shrink returns a smaller version of m for when Slack rejects it as too
// long: first every section halved and at most half the blocks kept, then
// the text alone. ok is false when m cannot get smaller.
func shrink(m message) (message, bool) {
	if len(m.Blocks) == 0 {
		if textLen(m.Text) <= 1000 {
			return m, false
		}
		return message{Text: truncate(m.Text, textLen(m.Text)/2), public: m.public}, true
	}
	if m.shrunk() {
		return message{Text: truncate(m.Text, 1000), public: m.public}, true
	}
	keep := min(len(m.Blocks), maxBlocks/2)
	out := make([]slack.Block, 0, keep+1)
	for _, b := range m.Blocks[:keep] {
		if s, ok := b.(*slack.SectionBlock); ok && s.Text != nil {
			out = append(out, sectionBlock(truncate(s.Text.Text, max(textLen(s.Text.Text)/2, 200))))
			continue
		}
		out = append(out, b)
	}
	out = append(out, contextBlock(shrunkNote))
	return message{Text: truncate(m.Text, 1000), Blocks: out, public: m.public}, true
}

const shrunkNote = omitted + " Slack의 메시지 길이 제한으로 내용을 줄였어요."

// shrunk reports whether m was already shrunk once.
func (m message) shrunk() bool {
	if len(m.Blocks) == 0 {
		return false
	}
	c, ok := m.Blocks[len(m.Blocks)-1].(*slack.ContextBlock)
	if !ok || len(c.ContextElements.Elements) != 1 {
		return false
	}
	t, ok := c.ContextElements.Elements[0].(*slack.TextBlockObject)
	return ok && t.Text == shrunkNote
}
