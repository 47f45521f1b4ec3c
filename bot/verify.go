package bot

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

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

// maxSSLCheckBody is the most an unsigned body is read to find Slack's
// certificate check, whose form is two short fields.
const maxSSLCheckBody = 1024

// isSSLCheck recognises Slack's certificate check, which it sends to the
// request URLs of slash commands with ssl_check=1 (in the query or the
// form) and expects 200 for, signed or not. An unsigned body is read only
// up to maxSSLCheckBody; the bytes read are put back for the signature
// check.
func isSSLCheck(r *http.Request) bool {
	if r.URL.Query().Get("ssl_check") == "1" {
		return true
	}
	if r.Method != http.MethodPost || r.Header.Get("X-Slack-Signature") != "" ||
		!strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return false
	}
	head, _ := io.ReadAll(io.LimitReader(r.Body, maxSSLCheckBody+1))
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), r.Body), r.Body}
	if len(head) > maxSSLCheckBody {
		return false
	}
	form, err := url.ParseQuery(string(head))
	return err == nil && form.Get("ssl_check") == "1"
}
