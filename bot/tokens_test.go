package bot

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/usererr"
)

// Slack's refusal of a token is a setting to fix, naming the variable;
// any other failure stays internal.
func TestRejectedToken(t *testing.T) {
	for _, reason := range []string{"invalid_auth", "token_revoked", "not_authed", "account_inactive"} {
		err := rejectedToken("SLACK_APP_TOKEN", fmt.Errorf("connect: %w", slack.SlackErrorResponse{Err: reason}))
		ue, ok := usererr.As(err)
		if !ok || ue.Code != usererr.Setting || !strings.Contains(err.Error(), "SLACK_APP_TOKEN") || !strings.Contains(err.Error(), reason) {
			t.Errorf("%s: %v; want a setting error naming SLACK_APP_TOKEN and the reason", reason, err)
		}
	}
	for _, err := range []error{errors.New("dial tcp: connection refused"), slack.SlackErrorResponse{Err: "ratelimited"}} {
		if usererr.Is(rejectedToken("SLACK_BOT_TOKEN", err)) {
			t.Errorf("%v became a user error", err)
		}
	}
}
