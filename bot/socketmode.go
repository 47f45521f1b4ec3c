package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// maxSocketAck is the largest ack payload the bot sends over Socket Mode;
// Slack drops acks of 20 KB or more, so larger replies go via response_url.
const maxSocketAck = 18 * 1024

// ackTimeout bounds queueing one ack on the Socket Mode connection.
const ackTimeout = 2 * time.Second

// runSocketMode connects over Socket Mode and dispatches envelopes until
// ctx ends. On cancellation it stops reading envelopes, lets replies in
// flight finish (their acks need the connection, so it stays open until
// then) and closes the connection.
func (b *Bot) runSocketMode(ctx context.Context) error {
	smLog := b.log.With("component", "socketmode")
	sm := socketmode.New(b.api, socketmode.OptionLog(slogOutput{log: smLog}))
	stopHealth := b.serveHealthOnly(smLog)
	defer stopHealth()
	// Not connected while loading is not deaf: /healthz counts the link
	// as down only from here.
	if !b.waitReady(ctx, smLog) {
		return nil
	}
	b.link.down(time.Now())
	// The connection lives a little longer than ctx: see above.
	smCtx, closeConn := context.WithCancel(context.WithoutCancel(ctx))
	defer closeConn()
	errc := make(chan error, 1)
	go func() {
		// Socket Mode reads whatever Slack sends: a panic ends the
		// connection with an error, as a fatal error does, not the process.
		defer func() {
			if r := recover(); r != nil {
				logPanic(smLog, "socket mode", r)
				errc <- fmt.Errorf("socket mode panicked: %v", r)
			}
		}()
		errc <- sm.RunContext(smCtx)
	}()

	for {
		select {
		case <-ctx.Done():
			b.log.Info("shutting down", "timeout", b.cfg.ShutdownGrace.String())
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.cfg.ShutdownGrace)
			defer cancel()
			if err := b.Shutdown(sctx); err != nil {
				b.log.Warn("shutdown incomplete", "error", err)
			}
			closeConn()
			select {
			case <-errc:
			case <-time.After(time.Second):
			}
			return nil
		case err := <-errc:
			// RunContext returns by itself only on fatal errors (bad token).
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.cfg.ShutdownGrace)
			defer cancel()
			_ = b.Shutdown(sctx)
			return fmt.Errorf("socket mode: %w", rejectedToken("SLACK_APP_TOKEN", err))
		case evt := <-sm.Events:
			b.onSocketEvent(ctx, smLog, sm, evt)
		}
	}
}

// onSocketEvent handles one Socket Mode event. Every envelope is acked
// exactly once: events at once, slash commands and interactions when their
// ack payload is known (within AckTimeout).
func (b *Bot) onSocketEvent(ctx context.Context, smLog *slog.Logger, sm *socketmode.Client, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		smLog.Info("connecting")
		return
	case socketmode.EventTypeConnected:
		b.link.up()
		smLog.Info("connected")
		return
	case socketmode.EventTypeConnectionError, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		// One failure is routine (Slack rotates connections); several in a
		// row mean the bot is deaf, which an operator must see.
		n := b.link.failed(time.Now())
		level := slog.LevelWarn
		if n >= connFailuresForError {
			level = slog.LevelError
		}
		smLog.Log(context.Background(), level, "connection problem", "event", string(evt.Type), "error", eventError(evt.Data), "consecutive_failures", n)
		return
	case socketmode.EventTypeInvalidAuth:
		b.link.failed(time.Now())
		smLog.Error("invalid app token")
		return
	case socketmode.EventTypeDisconnect:
		b.link.down(time.Now())
		smLog.Info("disconnect requested by Slack")
		return
	case socketmode.EventTypeHello:
		smLog.Debug("control message", "event", string(evt.Type))
		return
	case socketmode.EventTypeErrorBadMessage:
		b.ackBadMessage(smLog, sm, evt.Data)
		return
	}
	if evt.Request == nil {
		return
	}
	req := *evt.Request
	log := b.log.With("request_id", newRequestID(), "envelope_id", req.EnvelopeID, "route", string(evt.Type))
	start := time.Now()
	switch evt.Type {
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok {
			b.ack(log, sm, req, nil)
			return
		}
		b.spawn(log, "socket slash", func() {
			// Ack even if slash panics: an unacked envelope is redelivered.
			var p any = ephemeral(paginate(renderNotice(textFailed))[0], false)
			defer func() {
				b.ack(log, sm, req, p)
				log.Info("socket request", "ack_ms", msSince(start))
			}()
			p = nil // an empty ack unless slash has one
			if sp := b.slash(ctx, log, cmd, maxSocketAck); sp != nil {
				p = sp
			}
		})
	case socketmode.EventTypeEventsAPI:
		b.ack(log, sm, req, nil)
		log.Info("socket request", "ack_ms", msSince(start))
		// Decoded again from the raw payload so that HTTP and Socket Mode
		// share one parser and one set of rules.
		outer, inner, err := parseEvent(req.Payload)
		if err != nil {
			log.Warn("malformed event", "error", err)
			return
		}
		if outer.Type == "event_callback" {
			b.acceptEvent(ctx, log, outer, inner, strconv.Itoa(req.RetryAttempt))
		}
	case socketmode.EventTypeInteractive:
		ic, ok := evt.Data.(slack.InteractionCallback)
		if !ok {
			b.ack(log, sm, req, nil)
			return
		}
		// Off the read loop: a modal submission is acked with its field
		// errors, which takes a store call (bounded by AckTimeout).
		b.spawn(log, "socket interaction", func() {
			var p any
			defer func() {
				b.ack(log, sm, req, p)
				log.Info("socket request", "ack_ms", msSince(start))
			}()
			if resp := b.onInteraction(ctx, log, ic); resp != nil {
				p = resp
			}
		})
	default:
		b.ack(log, sm, req, nil)
		log.Debug("envelope ignored", "type", req.Type)
	}
}

func (b *Bot) ack(log *slog.Logger, sm *socketmode.Client, req socketmode.Request, payload any) {
	ctx, cancel := context.WithTimeout(context.Background(), ackTimeout)
	defer cancel()
	if err := sm.AckCtx(ctx, req.EnvelopeID, payload); err != nil {
		log.Error("ack failed", "error", err)
	}
}

// ackBadMessage acks an envelope slack-go could not decode (an event type
// it does not know), so that Slack does not redeliver it again and again.
func (b *Bot) ackBadMessage(log *slog.Logger, sm *socketmode.Client, data any) {
	bad, ok := data.(*socketmode.ErrorBadMessage)
	if !ok {
		return
	}
	var env struct {
		EnvelopeID string `json:"envelope_id"`
		Type       string `json:"type"`
	}
	if json.Unmarshal(bad.Message, &env) != nil || env.EnvelopeID == "" {
		log.Warn("undecodable message", "error", bad.Cause)
		return
	}
	log.Warn("undecodable envelope acked", "envelope_id", env.EnvelopeID, "type", env.Type, "error", bad.Cause)
	b.ack(log, sm, socketmode.Request{EnvelopeID: env.EnvelopeID}, nil)
}

func eventError(data any) error {
	switch d := data.(type) {
	case *slack.ConnectionErrorEvent:
		return d.ErrorObj
	case *slack.IncomingEventError:
		return d.ErrorObj
	case *socketmode.ErrorWriteFailed:
		return d.Cause
	case error:
		return d
	}
	return errors.New("unknown")
}
