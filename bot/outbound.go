package bot

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// slackResponseHost is where Slack's response_urls point.
const slackResponseHost = "hooks.slack.com"

// errResponseURLHost is a response_url that does not point at Slack: the
// reply goes privately through the Web API instead, never to a host a
// forged request named.
var errResponseURLHost = errors.New("response_url is not on hooks.slack.com")

// withAuthRedirects returns a copy of hc whose redirects keep the
// Authorization header (the bot token of a file download) only to the
// same scheme, host and port, and only over https: a file host
// redirecting to another port, or from https to http, never gets the
// token. hc's own redirect policy still applies after.
func withAuthRedirects(hc *http.Client) *http.Client {
	c := *hc
	next := hc.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > 0 && !sameSecureOrigin(via[0].URL, req.URL) {
			req.Header.Del("Authorization")
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &c
}

// sameSecureOrigin reports whether b is on a's scheme, host and port, over
// https.
func sameSecureOrigin(a, b *url.URL) bool {
	return a.Scheme == "https" && b.Scheme == "https" && strings.EqualFold(hostPort(a), hostPort(b))
}

// hostPort is u's host with its port, the scheme's default when none.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"https": "443", "http": "80"}[u.Scheme]
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// responseURLAllowed reports whether the bot may post to raw: an https
// URL on hooks.slack.com, or on one of extra (origins such as
// "http://127.0.0.1:8080": the Slack API URL of a proxy or a test fake,
// Config.ResponseURLOrigins).
func responseURLAllowed(raw string, extra []string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil {
		return false
	}
	if u.Scheme == "https" && strings.EqualFold(u.Hostname(), slackResponseHost) && (u.Port() == "" || u.Port() == "443") {
		return true
	}
	for _, o := range extra {
		ou, err := url.Parse(o)
		if err == nil && ou.Host != "" && ou.Scheme == u.Scheme && strings.EqualFold(hostPort(ou), hostPort(u)) {
			return true
		}
	}
	return false
}
