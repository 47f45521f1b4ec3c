package bot

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/slack-go/slack"

	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/progress"
)

// ReviewHistory keeps what the bot compares a review with: per user and
// item, the element statuses of the latest review (never any text).
// cmd/selfcheck adapts the statistics store (user IDs hashed there); nil,
// as with STATS=off, compares nothing.
type ReviewHistory interface {
	// Previous returns user's latest review of item within
	// progress.Window.
	Previous(ctx context.Context, user, item string) (progress.Snapshot, bool, error)
	// Remember keeps a review's snapshot for user. It must return at once.
	Remember(ctx context.Context, user string, s progress.Snapshot) error
}

// previousTimeout bounds the look-up of a previous review: a slow store
// costs the comparison, never the review.
const previousTimeout = 3 * time.Second

// compareReviews compares each review with the user's previous review of
// its item, keeps the new statuses, and returns the lead sentence per
// item ("지난 검토보다 2개 좋아졌어요: …") where there was a previous one.
// Failures are logged and cost only the comparison.
func (b *Bot) compareReviews(ctx context.Context, log *slog.Logger, user string, reps []knowledge.Report) map[string]string {
	h := b.cfg.History
	if h == nil || user == "" || len(reps) == 0 {
		return nil
	}
	leads := map[string]string{}
	now := time.Now()
	for _, r := range reps {
		if r.Item == "" || len(r.Elements) == 0 {
			continue
		}
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), previousTimeout)
		prev, ok, err := h.Previous(hctx, user, r.Item)
		cancel()
		if err != nil {
			log.Warn("previous review unavailable", "item", r.Item, "error", err)
		} else if ok {
			p := progress.Compare(prev, r)
			leads[r.Item] = p.Lead()
			log.Info("review compared", "item", r.Item, "changes", len(p.Changes), "improved", p.Improved())
		}
		if err := h.Remember(ctx, user, progress.Of(r, now)); err != nil {
			log.Warn("review not kept for comparison", "item", r.Item, "error", err)
		}
	}
	return leads
}

// withLead puts the comparison with the previous review first in a
// review's reply, under its header.
func withLead(d doc, lead string) doc {
	if lead == "" {
		return d
	}
	blk := sectionBlock("📈 " + escapeText(lead))
	at := 0
	if len(d.Body) > 0 {
		if _, ok := d.Body[0].(*slack.HeaderBlock); ok {
			at = 1
		}
	}
	d.Body = slices.Insert(slices.Clone(d.Body), at, slack.Block(blk))
	return d
}
