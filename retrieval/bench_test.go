package retrieval

import (
	"context"
	"testing"

	"github.com/philippgille/chromem-go"
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
