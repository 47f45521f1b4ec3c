package bot

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/slack-go/slack"
)

// errBodyTooLarge and errUnsigned tell verifiedBody's caller which status
// to answer.
var (
	errBodyTooLarge = errors.New("request body too large")
	errUnsigned     = errors.New("request signature invalid")
)

// verifiedBody reads the request body, at most MaxBodyBytes, and checks
// Slack's signature over it (HMAC-SHA256 of "v0:timestamp:body" with the
// signing secret; timestamps more than five minutes off are refused, so a
// captured request cannot be replayed later). Headers are checked before
// the body is read so that unsigned requests cost nothing.
func (b *Bot) verifiedBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	sv, err := slack.NewSecretsVerifier(r.Header, b.cfg.SigningSecret)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errUnsigned, err)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, b.cfg.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errBodyTooLarge
		}
		return nil, fmt.Errorf("read body: %w", err)
	}
	if _, err := sv.Write(body); err != nil {
		return nil, fmt.Errorf("%w: %w", errUnsigned, err)
	}
	if err := sv.Ensure(); err != nil {
		return nil, fmt.Errorf("%w: %w", errUnsigned, err)
	}
	return body, nil
}
