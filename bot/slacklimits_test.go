package bot

import (
	"unicode/utf8"
)

// slackLimitError returns the error code Slack would answer for a message
// over its limits, or "".
func slackLimitError(text string, blocks []map[string]any, maxBlocksAllowed int) string {
	if utf8.RuneCountInString(text) > 4000 {
		return "msg_too_long"
	}
	if text == "" && len(blocks) == 0 {
		return "no_text"
	}
	if len(blocks) > maxBlocksAllowed {
		return "invalid_blocks"
	}
	textOf := func(v any) (string, bool) {
		m, ok := v.(map[string]any)
		if !ok {
			return "", false
		}
		s, ok := m["text"].(string)
		return s, ok
	}
	for _, b := range blocks {
		switch b["type"] {
		case "section":
			s, ok := textOf(b["text"])
			if !ok || s == "" || utf8.RuneCountInString(s) > 3000 {
				return "invalid_blocks"
			}
		case "header":
			s, ok := textOf(b["text"])
			if !ok || s == "" || utf8.RuneCountInString(s) > 150 {
				return "invalid_blocks"
			}
		case "context":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > 10 {
				return "invalid_blocks"
			}
			for _, e := range els {
				s, ok := textOf(e)
				if !ok || s == "" || utf8.RuneCountInString(s) > 3000 {
					return "invalid_blocks"
				}
			}
		case "actions":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > 25 {
				return "invalid_blocks"
			}
			for _, e := range els {
				m, _ := e.(map[string]any)
				s, _ := textOf(m["text"])
				v, _ := m["value"].(string)
				if s == "" || utf8.RuneCountInString(s) > 75 || len(v) > 2000 {
					return "invalid_blocks"
				}
			}
		case "context_actions":
			// Slack's native feedback buttons: two buttons, each with
			// plain text and a value.
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > 5 {
				return "invalid_blocks"
			}
			for _, e := range els {
				m, _ := e.(map[string]any)
				if m["type"] != "feedback_buttons" || m["action_id"] == "" {
					return "invalid_blocks"
				}
				for _, side := range []string{"positive_button", "negative_button"} {
					btn, _ := m[side].(map[string]any)
					s, _ := textOf(btn["text"])
					v, _ := btn["value"].(string)
					if s == "" || utf8.RuneCountInString(s) > 75 || v == "" || len(v) > 2000 {
						return "invalid_blocks"
					}
				}
			}
		case "divider":
		default:
			return "invalid_blocks"
		}
	}
	return ""
}
