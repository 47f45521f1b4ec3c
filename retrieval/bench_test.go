package retrieval

import (
	"context"
	"fmt"
	"testing"

	"github.com/philippgille/chromem-go"

	"github.com/selfcheck/selfcheck/canned"
)

func BenchmarkIndexBuild(b *testing.B) {
	kb := loadKB(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Open(ctx, Config{}, kb); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIndexOpenPersisted is the start-up path: load the index saved
// under DATA_DIR instead of building it.
func BenchmarkIndexOpenPersisted(b *testing.B) {
	kb := loadKB(b)
	ctx := context.Background()
	cfg := Config{Dir: b.TempDir()}
	if _, err := Open(ctx, cfg, kb); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		ix, err := Open(ctx, cfg, kb)
		if err != nil || ix.Rebuilt() {
			b.Fatalf("open: %v (rebuilt %v)", err, ix != nil && ix.Rebuilt())
		}
	}
}

func BenchmarkSearch(b *testing.B) {
	kb := loadKB(b)
	ctx := context.Background()
	ix, err := Open(ctx, Config{}, kb)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ix.Search(ctx, "비밀번호는 어떻게 저장해야 하나요?", 12); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawChromemQuery is the baseline: chromem-go alone, querying the
// same vectors with a precomputed query embedding, so the difference to
// BenchmarkSearch is what our embedding and bookkeeping cost.
func BenchmarkRawChromemQuery(b *testing.B) {
	kb := loadKB(b)
	ctx := context.Background()
	ix, err := Open(ctx, Config{}, kb)
	if err != nil {
		b.Fatal(err)
	}
	q, _ := ix.Embed(ctx, "비밀번호는 어떻게 저장해야 하나요?")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ix.coll.QueryEmbedding(ctx, q, 12, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
	_ = chromem.Document{}
}

// BenchmarkCannedSearch is the canned part of a steady ask: embed the
// question, score it against every answer through the inverted index.
func BenchmarkCannedSearch(b *testing.B) {
	ctx := context.Background()
	ix, err := Open(ctx, Config{}, loadKB(b))
	if err != nil {
		b.Fatal(err)
	}
	words := []string{"고객의견", "수렴채널", "보안인증서", "비밀번호", "모의훈련", "조직도", "보유기간", "통지", "증빙", "예시", "변경 이력", "규정", "캡처", "협력사", "구성도"}
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			c := ix.NewCannedIndex()
			entries := make([]canned.Answer, n)
			for i := range entries {
				entries[i] = canned.Answer{Name: fmt.Sprintf("a-%d", i), Text: fmt.Sprintf("%s %s %s 사례 %d번 답변입니다. %s를 확인하세요.", words[i%15], words[(i/15)%15], words[(i/7)%15], i, words[(i/3)%15])}
			}
			if err := c.Apply(ctx, canned.ChangeSet{StoreID: "s", Seq: 1, Changed: entries, Full: true}, nil); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Search(ctx, "고객의견 수렴채널은 몇 개 있어야 하나요?", 1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
