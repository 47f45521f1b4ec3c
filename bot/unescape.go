package bot

import (
	"strings"

	"github.com/selfcheck/selfcheck/knowledge"
)

// slackUnescaper undoes the three HTML escapes Slack applies to message and
// command text. &amp; goes last so that "&amp;lt;" stays "&lt;".
var slackUnescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// fromSlack turns message or command text as Slack sends it into the text
// the user typed: Slack's escapes undone once, here and nowhere else, then
// normalised. Values of modal inputs arrive unescaped and only need
// knowledge.Normalize.
func fromSlack(s string) string {
	return knowledge.Normalize(slackUnescaper.Replace(s))
}
