package bot

import (
	"strings"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/knowledge"
)

// blockGuide is the block ID of the line naming the guide an answer
// follows.
const blockGuide = "guide_version"

// textGuideLine names the guide under every answer and on the Home tab.
const textGuideLine = "📘 안내 기준: %s"

// guideLine is the line naming the checklist the answers follow, "" when
// Config.Guide names none. The title links to the guide's public page
// when the knowledge data has one.
func guideLine(g knowledge.GuideVersion) string {
	label := g.Label()
	if label == "" {
		return ""
	}
	label = escapeText(label)
	if safeLink(g.URL) {
		label = "<" + g.URL + "|" + strings.ReplaceAll(label, "|", "¦") + ">"
	}
	return strings.Replace(textGuideLine, "%s", label, 1)
}

// safeLink reports whether u can go into a Slack link as it is: https,
// and none of the characters that end or split one.
func safeLink(u string) bool {
	return strings.HasPrefix(u, "https://") && !strings.ContainsAny(u, " <>|\n\t\"")
}

// guided adds the guide line to every answer and review in msgs: the
// messages that end with the feedback row, just above it. Messages that
// have it already are left alone.
func (b *Bot) guided(msgs []message) []message {
	line := guideLine(b.cfg.Guide)
	if line == "" {
		return msgs
	}
	for i, m := range msgs {
		at := -1
		for j, bl := range m.Blocks {
			switch bl.ID() {
			case blockGuide:
				at = -2
			case blockFeedback:
				if at == -1 {
					at = j
				}
			}
		}
		if at < 0 {
			continue
		}
		blocks := make([]slack.Block, 0, len(m.Blocks)+1)
		blocks = append(blocks, m.Blocks[:at]...)
		blocks = append(blocks, slack.NewContextBlock(blockGuide, mrkdwn(line)))
		msgs[i].Blocks = append(blocks, m.Blocks[at:]...)
	}
	return msgs
}
