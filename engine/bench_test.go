package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/selfcheck/selfcheck/knowledge"
	"github.com/selfcheck/selfcheck/retrieval"
)

// draft20KB is a realistic long draft: the masked example submissions of
// every item, repeated to 20 KB.
func draft20KB(b *testing.B, kb *knowledge.Checklist) string {
	var sb strings.Builder
	for sb.Len() < 20*1024 {
		for _, ex := range kb.Examples {
			sb.WriteString(ex.Text + "\n\n")
		}
	}
	return sb.String()[:20*1024]
}

func BenchmarkReview20KB(b *testing.B) {
	e := newTestEngine(b)
	draft := draft20KB(b, e.kb)
	ctx := context.Background()
	for _, item := range []string{"1.2", "1.3", "3.1", "3.2"} {
		b.Run(item, func(b *testing.B) {
			b.SetBytes(int64(len(draft)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Review(ctx, item, draft); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAsk(b *testing.B) {
	e := newTestEngine(b)
	ctx := context.Background()
	for name, q := range map[string]string{
		"routed":  "비밀번호는 어떻게 저장해야 하나요?",
		"named":   "1.3에는 무엇이 포함되어야 하나요?",
		"english": "How many customer feedback channels do we need?",
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Ask(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkColdStart is what a CLI call or a server start pays before the
// first answer: load the embedded knowledge, open the persisted index,
// answer one question.
func BenchmarkColdStart(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	kb, _ := knowledge.Load(knowledge.Embedded())
	if _, err := retrieval.Open(ctx, retrieval.Config{Dir: dir}, kb); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		kb, err := knowledge.Load(knowledge.Embedded())
		if err != nil {
			b.Fatal(err)
		}
		ix, err := retrieval.Open(ctx, retrieval.Config{Dir: dir}, kb)
		if err != nil {
			b.Fatal(err)
		}
		e, _ := New(Config{Knowledge: kb, Index: ix})
		if _, err := e.Ask(ctx, "비밀번호는 어떻게 저장해야 하나요?"); err != nil {
			b.Fatal(err)
		}
	}
}
