package engine

import (
	"regexp"
	"strings"
)

// reTextLink is a link written so that its text hides its target: Slack's
// <https://target|text> or markdown's [text](https://target).
var reTextLink = regexp.MustCompile(`<(https?://[^\s<>|]+)\|([^<>]*)>|\[([^\[\]\n]*)\]\((https?://[^\s()]+)\)`)

// PlainLinks rewrites the links a model may write in an answer for a
// front end that shows text as it is (the terminal, JSON): a link whose
// text is not its target is shown by its target, so that a label cannot
// lie about where it leads — the same rule as the Slack rendering. A text
// that is itself a URL (or looks like one) is dropped for the target; any
// other text stays before the target in parentheses.
func PlainLinks(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	return reTextLink.ReplaceAllStringFunc(s, func(m string) string {
		sub := reTextLink.FindStringSubmatch(m)
		target, text := sub[1], sub[2]
		if target == "" {
			target, text = sub[4], sub[3]
		}
		text = strings.TrimSpace(text)
		switch {
		case text == "" || text == target || looksLikeURL(text):
			return target
		default:
			return text + " (" + target + ")"
		}
	})
}

// looksLikeURL reports whether a link's text reads as an address.
func looksLikeURL(s string) bool {
	l := strings.ToLower(s)
	return strings.Contains(l, "://") || strings.HasPrefix(l, "www.") || strings.Contains(l, ".go.kr") ||
		strings.Contains(l, ".com") || strings.Contains(l, ".kr/")
}
