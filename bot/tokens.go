package bot

import (
	"errors"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/usererr"
)

// tokenRefusals are the errors with which Slack refuses a token itself
// (rather than failing): a setting to fix, not a fault of the bot.
var tokenRefusals = map[string]bool{
	"invalid_auth": true, "not_authed": true, "account_inactive": true, "token_revoked": true,
	"token_expired": true, "not_allowed_token_type": true, "invalid_token": true,
}

// rejectedToken turns Slack's refusal of the token in variable into a
// user error (usererr.Setting: exit status 2) that names the variable to
// fix; any other error is returned as it is.
func rejectedToken(variable string, err error) error {
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) || !tokenRefusals[se.Err] {
		return err
	}
	return usererr.Wrap(usererr.Setting,
		fmt.Sprintf("Slack이 %s를 거절했습니다(%s). Slack 앱 설정에서 토큰을 다시 복사해 넣으세요(docs/slack.md).", variable, se.Err),
		fmt.Sprintf("Slack rejected %s (%s): copy the token again from the Slack app's settings (docs/slack.md)", variable, se.Err), err)
}
