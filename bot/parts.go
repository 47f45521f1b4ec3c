package bot

import (
	"strings"

	"github.com/selfcheck/selfcheck/engine"
)

// partsMrkdwn renders an answer's parts as Slack mrkdwn: headings in
// bold, hints as /selfcheck commands in code. The text is not escaped
// yet: renderAnswer escapes it with the links it may keep.
func partsMrkdwn(parts []engine.Part, english bool) string {
	var b strings.Builder
	for i, p := range parts {
		b.WriteString(engine.Separator(parts, i))
		switch p.Kind {
		case engine.PartHeading:
			b.WriteString(bold(p.Text))
		case engine.PartParagraph:
			if p.Label != "" {
				b.WriteString(p.Label + ": ")
			}
			b.WriteString(p.Text)
		case engine.PartList:
			for j, it := range p.Items {
				if j > 0 {
					b.WriteString("\n")
				}
				b.WriteString("• " + strings.Join(nonEmpty(it.Term, it.Text), " — "))
			}
		case engine.PartQuote:
			b.WriteString("  _" + p.Label + "_")
			if p.Source != "" {
				b.WriteString(" (" + p.Source + ")")
			}
			b.WriteString(": \"" + p.Text + "\"")
		case engine.PartSource:
			b.WriteString("(" + p.Label + ": " + p.Text + ")")
		case engine.PartHint:
			b.WriteString(p.Label + ": `" + slashCommand(*p.Action, english) + "`")
		case engine.PartCanned:
			b.WriteString("✅ " + bold(p.Label) + " (`" + p.Source + "`)\n" + p.Text)
		}
	}
	return b.String()
}

// slashCommand words an action as the /selfcheck command that does it.
func slashCommand(a engine.Action, english bool) string {
	if a.Do == engine.ActionReview {
		if english {
			return "/selfcheck " + a.Item + " <draft>"
		}
		return "/selfcheck " + a.Item + " <초안>"
	}
	return "/selfcheck " + a.Item
}

// bold is mrkdwn's bold, for text that has no asterisks of its own.
func bold(s string) string {
	if s == "" || strings.Contains(s, "*") {
		return s
	}
	return "*" + s + "*"
}
