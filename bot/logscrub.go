package bot

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
)

// reSecret matches what must never reach a log line: Slack tokens, API
// keys and bearer credentials, and the path and query of any URL other
// than a Web API method's (a response_url is a credential, and a proxy or
// model URL may carry one).
var reSecret = regexp.MustCompile(
	`\bxox[abeoprs]-[A-Za-z0-9-]+|\bxapp-[A-Za-z0-9-]+|\bsk-[A-Za-z0-9_-]{8,}|(?i:bearer\s+)[^\s"]+` +
		`|(https?://)(?:[^\s/"@]*@)?([^\s/"?#]+)(/[^\s"]*)?`)

// scrub replaces secrets in s with a marker, keeping URLs' hosts (and the
// method of a Web API call) so that a log still says what failed.
func scrub(s string) string {
	if !mayHoldSecret(s) {
		return s
	}
	return reSecret.ReplaceAllStringFunc(s, func(m string) string {
		sub := reSecret.FindStringSubmatch(m)
		if sub[1] == "" {
			return "[redacted]"
		}
		path := sub[3]
		if len(path) > 5 && path[:5] == "/api/" && !hasQuery(path) {
			return sub[1] + sub[2] + path
		}
		if path == "" {
			return sub[1] + sub[2]
		}
		return sub[1] + sub[2] + "/[redacted]"
	})
}

// mayHoldSecret is a cheap test that spares the regexp for the IDs,
// sizes and messages that make up nearly every log value.
func mayHoldSecret(s string) bool {
	return strings.Contains(s, "://") || strings.Contains(s, "xox") || strings.Contains(s, "xapp-") ||
		strings.Contains(s, "sk-") || strings.Contains(s, "earer") || strings.Contains(s, "EARER")
}

func hasQuery(p string) bool {
	for i := 0; i < len(p); i++ {
		if p[i] == '?' || p[i] == '#' {
			return true
		}
	}
	return false
}

// scrubHandler is a slog.Handler that scrubs every string and error it
// is given, including attributes added with With. It is the last line of
// defence: the bot logs sizes and IDs, but an error from a library may
// quote a URL or echo a header.
type scrubHandler struct{ inner slog.Handler }

func (h scrubHandler) Enabled(ctx context.Context, l slog.Level) bool { return h.inner.Enabled(ctx, l) }

func (h scrubHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, scrub(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(scrubAttr(a))
		return true
	})
	return h.inner.Handle(ctx, out)
}

func (h scrubHandler) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = scrubAttr(a)
	}
	return scrubHandler{h.inner.WithAttrs(clean)}
}

func (h scrubHandler) WithGroup(name string) slog.Handler {
	return scrubHandler{h.inner.WithGroup(name)}
}

func scrubAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, scrub(v.String()))
	case slog.KindGroup:
		g := v.Group()
		clean := make([]any, len(g))
		for i, x := range g {
			clean[i] = scrubAttr(x)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, scrub(err.Error()))
		}
		return slog.String(a.Key, scrub(v.String()))
	}
	return slog.Attr{Key: a.Key, Value: v}
}
