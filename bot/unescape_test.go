package bot

import "testing"

// TestFromSlack: Slack's three escapes are undone exactly once, where
// Slack's text enters the bot; what the user typed as an escape stays.
func TestFromSlack(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a &lt;b&gt; &amp; c", "a <b> & c"},
		{"&amp;lt; typed by the user", "&lt; typed by the user"},
		{"R&amp;D 팀", "R&D 팀"},
		{"\u1112\u1161\u11ab\u1100\u1173\u11af\r\n초안", "한글\n초안"},
	}
	for _, tt := range tests {
		if got := fromSlack(tt.in); got != tt.want {
			t.Errorf("fromSlack(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}
