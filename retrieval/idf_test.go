package retrieval

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// A process that loads a saved index starts from the IDF table saved
// with it, and embeds exactly as the process that learned the table;
// an index saved without a table (an older version) still loads.
func TestSavedIDFEmbedsAsTheLearnedOne(t *testing.T) {
	kb := loadKB(t)
	ctx := context.Background()
	dir := t.TempDir()
	built, err := Open(ctx, Config{Dir: dir}, kb)
	if err != nil {
		t.Fatal(err)
	}
	var meta indexMeta
	raw, err := os.ReadFile(filepath.Join(dir, metaFile))
	if err != nil || json.Unmarshal(raw, &meta) != nil || len(meta.idf()) != LocalDims {
		t.Fatalf("index metadata holds no IDF table: %v", err)
	}
	loaded, err := Open(ctx, Config{Dir: dir}, kb)
	if err != nil || loaded.Rebuilt() {
		t.Fatalf("reopen: rebuilt=%v err=%v; want loaded", loaded != nil && loaded.Rebuilt(), err)
	}
	for _, q := range []string{"비밀번호는 어떻게 저장해야 하나요?", "How should we store passwords?", "침해사고 통지"} {
		a, _ := built.Embed(ctx, q)
		b, _ := loaded.Embed(ctx, q)
		if !slices.Equal(a, b) {
			t.Errorf("%q embeds differently from the saved IDF table", q)
		}
	}

	meta.IDF = ""
	raw, _ = json.Marshal(meta)
	if err := os.WriteFile(filepath.Join(dir, metaFile), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	old, err := Open(ctx, Config{Dir: dir}, kb)
	if err != nil || old.Rebuilt() {
		t.Fatalf("index without an IDF table: rebuilt=%v err=%v; want loaded", old != nil && old.Rebuilt(), err)
	}
	a, _ := built.Embed(ctx, "보유 기간")
	b, _ := old.Embed(ctx, "보유 기간")
	if !slices.Equal(a, b) {
		t.Error("an index without a saved table embeds differently")
	}
}
