package retrieval

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/philippgille/chromem-go"

	"github.com/selfcheck/selfcheck/canned"
)

var cannedEntries = []canned.Answer{
	{Name: "channel-count", Item: "3.2", Tags: []string{"수렴채널"}, Text: "고객의견 수렴채널은 1개 이상이면 됩니다. FAQ, 1:1 문의, 대표전화를 모두 적으세요."},
	{Name: "cert-exemption", Item: "1.2", Tags: []string{"보안인증", "csap"}, Text: "보안인증서를 제출하면 1.2~1.5 항목은 작성하지 않아도 됩니다."},
	{Name: "password-hash", Item: "1.3", Tags: []string{"비밀번호"}, Text: "비밀번호는 SHA-256 이상의 단방향 암호화로 저장하세요."},
}

func openCanned(t *testing.T, dir string) (*Index, *CannedIndex) {
	t.Helper()
	ix, err := Open(context.Background(), Config{Dir: dir}, loadKB(t))
	if err != nil {
		t.Fatal(err)
	}
	return ix, ix.NewCannedIndex()
}

func best(t *testing.T, c *CannedIndex, q string) (string, float32) {
	t.Helper()
	hits, err := c.Search(context.Background(), q, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 {
		return "", 0
	}
	return hits[0].Ref, hits[0].Score
}

// The inverted index scores exactly as chromem's cosine similarity over
// the same vectors did.
func TestCannedScoresAsChromem(t *testing.T) {
	ctx := context.Background()
	ix, c := openCanned(t, "")
	if err := c.Apply(ctx, canned.ChangeSet{StoreID: "s", Seq: 3, Changed: cannedEntries, Full: true}, nil); err != nil {
		t.Fatal(err)
	}
	coll, err := chromem.NewDB().CreateCollection("ref", nil, ix.embed)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range cannedEntries {
		if err := coll.AddDocument(ctx, chromem.Document{ID: e.Name, Content: embeddedText(e)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{"고객 문의 채널이 몇 개 있어야 하나요?", "CSAP 인증이 있으면 침해사고 항목은 빼도 되나요?", "How should we store passwords?", "점심 메뉴"} {
		want, err := coll.Query(ctx, q, 3, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Search(ctx, q, 3)
		if err != nil || len(got) != 3 {
			t.Fatalf("Search(%q): %d hits, %v", q, len(got), err)
		}
		for i := range want {
			// Zero scores tie in no particular order.
			if (want[i].Similarity > 1e-6 && got[i].Ref != want[i].ID) || math.Abs(float64(got[i].Score-want[i].Similarity)) > 1e-5 {
				t.Errorf("%q hit %d: %s %.5f; chromem %s %.5f", q, i, got[i].Ref, got[i].Score, want[i].ID, want[i].Similarity)
			}
		}
	}
}

func TestCannedIncrementalAndPersisted(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	_, c := openCanned(t, dir)
	if err := c.Apply(ctx, canned.ChangeSet{StoreID: "s", Seq: 3, Changed: cannedEntries, Full: true}, nil); err != nil {
		t.Fatal(err)
	}
	if name, _ := best(t, c, "비밀번호는 어떻게 저장해야 하나요?"); name != "password-hash" {
		t.Fatalf("best match %q; want password-hash", name)
	}
	// An edit replaces the answer's vector; a delete removes it.
	edited := cannedEntries[0]
	edited.Text = "channel count\n모의훈련 주기\n모의훈련은 연 1회 이상 하세요."
	if err := c.Apply(ctx, canned.ChangeSet{StoreID: "s", Seq: 5, Changed: []canned.Answer{edited}, Deleted: []string{"password-hash"}}, nil); err != nil {
		t.Fatal(err)
	}
	if name, _ := best(t, c, "비밀번호는 어떻게 저장해야 하나요?"); name == "password-hash" {
		t.Errorf("a deleted answer is still found")
	}
	if name, _ := best(t, c, "모의훈련은 얼마나 자주?"); name != "channel-count" {
		t.Errorf("the edited answer is not found by its new text: best %q", name)
	}
	if c.Len() != 2 {
		t.Errorf("Len %d after one delete of three; want 2", c.Len())
	}

	// A new process starts where this one stopped, with nothing to embed.
	_, c2 := openCanned(t, dir)
	if ok, err := c2.Load(); !ok || err != nil {
		t.Fatalf("Load: %v, %v; want the persisted index", ok, err)
	}
	if id, seq := c2.Cursor(); id != "s" || seq != 5 || c2.Len() != 2 {
		t.Errorf("loaded cursor %s/%d with %d answers; want s/5 with 2", id, seq, c2.Len())
	}
	for _, q := range []string{"모의훈련은 얼마나 자주?", "보안인증서 제출하면 1.2 안 써도 되나요"} {
		n1, s1 := best(t, c, q)
		n2, s2 := best(t, c2, q)
		if n1 != n2 || s1 != s2 {
			t.Errorf("%q: loaded index finds %s %.4f, the original %s %.4f", q, n2, s2, n1, s1)
		}
	}
	// A full set replaces everything.
	if err := c2.Apply(ctx, canned.ChangeSet{StoreID: "s", Seq: 1, Changed: cannedEntries[2:], Full: true}, nil); err != nil {
		t.Fatal(err)
	}
	if c2.Len() != 1 {
		t.Errorf("Len %d after a full set of 1; want 1", c2.Len())
	}
}

func TestCannedFileIgnoredWhenStaleOrDamaged(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	_, c := openCanned(t, dir)
	if err := c.Apply(ctx, canned.ChangeSet{StoreID: "s", Seq: 3, Changed: cannedEntries, Full: true}, nil); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, cannedFile)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string][]byte{
		"flipped byte": func() []byte { b := append([]byte(nil), raw...); b[len(b)/2] ^= 1; return b }(),
		"truncated":    raw[:len(raw)/2],
		"empty":        {},
	}
	for name, b := range tests {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			_, c := openCanned(t, dir)
			if ok, err := c.Load(); ok || err != nil {
				t.Errorf("Load of a %s file: %v, %v; want it ignored", name, ok, err)
			}
		})
	}
	// A damaged weight, past the header: the file loads, the dimension it
	// is in fails its checksum and is left out, nothing scores higher than
	// it did.
	q := "비밀번호는 어떻게 저장해야 하나요?"
	_, want := best(t, c, q)
	b := append([]byte(nil), raw...)
	b[len(b)-2] ^= 0x40
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, c2 := openCanned(t, dir)
	if ok, err := c2.Load(); !ok || err != nil {
		t.Fatalf("Load with one damaged weight: %v, %v; want the header loaded", ok, err)
	}
	if hits, err := c2.Search(ctx, q, 3); err != nil || (len(hits) > 0 && hits[0].Score > want+1e-6) {
		t.Errorf("search over a damaged dimension: %v, %v; want nothing above %.4f", hits, err, want)
	}
	// Another knowledge fingerprint: vectors are not comparable.
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	_, c3 := openCanned(t, dir)
	c3.fp = "other"
	if ok, _ := c3.Load(); ok {
		t.Errorf("an index from other knowledge was loaded")
	}
}

// Deleting most answers compacts the index; what remains is still found.
func TestCannedCompaction(t *testing.T) {
	ctx := context.Background()
	_, c := openCanned(t, "")
	var all []canned.Answer
	for i := range 300 {
		all = append(all, canned.Answer{Name: fmt.Sprintf("a-%d", i), Text: fmt.Sprintf("주제 %d번 답변 키워드%d", i, i)})
	}
	if err := c.Apply(ctx, canned.ChangeSet{StoreID: "s", Seq: 1, Changed: all, Full: true}, nil); err != nil {
		t.Fatal(err)
	}
	var del []string
	for i := range 290 {
		del = append(del, fmt.Sprintf("a-%d", i))
	}
	if err := c.Apply(ctx, canned.ChangeSet{StoreID: "s", Seq: 2, Deleted: del}, nil); err != nil {
		t.Fatal(err)
	}
	if len(c.names) != 10 || c.Len() != 10 {
		t.Errorf("after deleting 290 of 300: %d slots, %d answers; want 10 and 10", len(c.names), c.Len())
	}
	if name, _ := best(t, c, "키워드295"); name != "a-295" {
		t.Errorf("best match %q after compaction; want a-295", name)
	}
}

// A data directory that cannot be written to still gets suggestions.
func TestCannedUnsavedStillSearches(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	_, c := openCanned(t, dir)
	c.path = filepath.Join(dir, "missing", "\x00bad", cannedFile) // no such directory can be made
	err := c.Apply(ctx, canned.ChangeSet{StoreID: "s", Seq: 3, Changed: cannedEntries, Full: true}, nil)
	if !errors.Is(err, ErrCannedNotSaved) {
		t.Fatalf("Apply to an unwritable path: %v; want ErrCannedNotSaved", err)
	}
	if name, _ := best(t, c, "비밀번호는 어떻게 저장해야 하나요?"); name != "password-hash" {
		t.Errorf("unsaved index finds %q; want password-hash", name)
	}
}

// A loaded index decodes its postings as searches need them; a change
// decodes the rest first, so the answers loaded score as before and the
// new one is found, and what it saves loads again whole.
func TestCannedLoadedThenChanged(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	_, c := openCanned(t, dir)
	if err := c.Apply(ctx, canned.ChangeSet{StoreID: "s", Seq: 3, Changed: cannedEntries, Full: true}, nil); err != nil {
		t.Fatal(err)
	}
	before, scoreBefore := best(t, c, "보안인증서 제출하면 1.2 안 써도 되나요")

	_, loaded := openCanned(t, dir)
	if ok, err := loaded.Load(); !ok || err != nil {
		t.Fatalf("Load: %v, %v", ok, err)
	}
	best(t, loaded, "비밀번호는 어떻게 저장해야 하나요?") // decodes some dimensions only
	added := canned.Answer{Name: "drill-period", Item: "1.2", Tags: []string{"모의훈련"}, Text: "침해사고 모의훈련은 연 1회 이상 실시합니다."}
	if err := loaded.Apply(ctx, canned.ChangeSet{StoreID: "s", Seq: 4, Changed: []canned.Answer{added}}, nil); err != nil {
		t.Fatal(err)
	}
	for _, ix := range []*CannedIndex{loaded, reload(t, dir)} {
		if name, score := best(t, ix, "보안인증서 제출하면 1.2 안 써도 되나요"); name != before || score != scoreBefore {
			t.Errorf("after a change: %s %.4f; want %s %.4f as before", name, score, before, scoreBefore)
		}
		if name, _ := best(t, ix, "모의훈련은 얼마나 자주 해야 하나요?"); name != "drill-period" {
			t.Errorf("the added answer is not found: best %q", name)
		}
		if ix.Len() != 4 {
			t.Errorf("Len %d; want 4", ix.Len())
		}
	}
}

func reload(t *testing.T, dir string) *CannedIndex {
	t.Helper()
	_, c := openCanned(t, dir)
	if ok, err := c.Load(); !ok || err != nil {
		t.Fatalf("Load: %v, %v", ok, err)
	}
	return c
}
