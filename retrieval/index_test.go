package retrieval

import (
	"context"
	"encoding/json"
	"io/fs"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"golang.org/x/text/unicode/norm"

	"github.com/selfcheck/selfcheck/knowledge"
)

func loadKB(t testing.TB) *knowledge.Checklist {
	t.Helper()
	kb, err := knowledge.Load(knowledge.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	return kb
}

func TestIndexPersistsAndRebuildsOnlyOnChange(t *testing.T) {
	ctx := context.Background()
	kb := loadKB(t)
	dir := t.TempDir()
	cfg := Config{Dir: dir}

	first, err := Open(ctx, cfg, kb)
	if err != nil {
		t.Fatal(err)
	}
	if !first.Rebuilt() {
		t.Errorf("first open did not build the index")
	}
	for _, f := range []string{indexFile, metaFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("index file %s not written: %v", f, err)
		}
	}

	second, err := Open(ctx, cfg, kb)
	if err != nil {
		t.Fatal(err)
	}
	if second.Rebuilt() {
		t.Errorf("second open rebuilt an index that was up to date")
	}
	q := "비밀번호는 어떻게 저장해야 하나요?"
	a, _ := first.Search(ctx, q, 3)
	b, _ := second.Search(ctx, q, 3)
	if len(a) != 3 || len(b) != 3 || a[0].ID != b[0].ID || math.Abs(float64(a[0].Score-b[0].Score)) > 1e-6 {
		t.Errorf("loaded index answers differently: %v vs %v", a, b)
	}

	// Changed knowledge → rebuilt.
	m := fstest.MapFS{}
	fs.WalkDir(knowledge.Embedded(), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(knowledge.Embedded(), p)
			m[p] = &fstest.MapFile{Data: b}
		}
		return err
	})
	m["usage.yaml"].Data = append(m["usage.yaml"].Data, []byte("  추가 문장.\n")...)
	changed, err := knowledge.Load(m)
	if err != nil {
		t.Fatal(err)
	}
	third, err := Open(ctx, cfg, changed)
	if err != nil {
		t.Fatal(err)
	}
	if !third.Rebuilt() {
		t.Errorf("index not rebuilt after the knowledge changed")
	}

	// A corrupt index file is rebuilt, not fatal.
	os.WriteFile(filepath.Join(dir, indexFile), []byte("garbage"), 0o644)
	os.WriteFile(filepath.Join(dir, metaFile), []byte(`{"fingerprint":"`+fingerprintOf(t, kb)+`","documents":1}`), 0o644)
	fourth, err := Open(ctx, cfg, kb)
	if err != nil {
		t.Fatalf("corrupt index: %v", err)
	}
	if !fourth.Rebuilt() {
		t.Errorf("corrupt index was not rebuilt")
	}
}

func fingerprintOf(t *testing.T, kb *knowledge.Checklist) string {
	return fingerprint(kb.Version, localVersion, Documents(kb))
}

// TestLocalEmbeddingInvariance: spacing variants, NFD and case give the
// same vector, so the same question pasted anywhere gives the same answer.
func TestLocalEmbeddingInvariance(t *testing.T) {
	kb := loadKB(t)
	docs := Documents(kb)
	corpus := make([]string, len(docs))
	for i, d := range docs {
		corpus[i] = d.Text
	}
	e := NewLocalEmbedder(corpus, kb.Expander())
	pairs := [][2]string{
		{"담당부서 및 연락처", "담당 부서 및 연락처"},
		{"비밀번호 단방향 암호화", norm.NFD.String("비밀번호 단방향 암호화")},
		{"SSL 적용", "ssl 적용"},
	}
	for _, p := range pairs {
		a, _ := e.Embed(context.Background(), p[0])
		b, _ := e.Embed(context.Background(), p[1])
		if cos(a, b) < 0.999 {
			t.Errorf("%q and %q: cosine %.3f; want 1", p[0], p[1], cos(a, b))
		}
	}
	v, _ := e.Embed(context.Background(), "?!")
	if n := norm2(v); math.Abs(n-1) > 1e-6 {
		t.Errorf("punctuation-only text: norm %f; want a unit vector", n)
	}
}

func cos(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i] * b[i])
	}
	return s
}

func norm2(v []float32) float64 { return math.Sqrt(cos(v, v)) }

// TestOpenAIEmbeddings runs the remote embeddings against a fake
// OpenAI-compatible server: the index is built through it, and nothing
// personal reaches it.
func TestOpenAIEmbeddings(t *testing.T) {
	var mu sync.Mutex
	var inputs []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/embeddings" || r.Header.Get("Authorization") != "Bearer test-key" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		var req struct {
			Input json.RawMessage `json:"input"` // a string or a list of strings
			Model string          `json:"model"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Model != "embed-small" {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		var texts []string
		if err := json.Unmarshal(req.Input, &texts); err != nil {
			var one string
			if err := json.Unmarshal(req.Input, &one); err != nil {
				http.Error(w, "bad input", http.StatusBadRequest)
				return
			}
			texts = []string{one}
		}
		mu.Lock()
		inputs = append(inputs, texts...)
		mu.Unlock()
		// A deterministic fake: one dimension per first letter class.
		type item struct {
			Embedding []float32 `json:"embedding"`
		}
		var out struct {
			Data []item `json:"data"`
		}
		for _, in := range texts {
			v := make([]float32, 8)
			for i, r := range in {
				v[(int(r)+i)%8]++
			}
			out.Data = append(out.Data, item{Embedding: v})
		}
		json.NewEncoder(w).Encode(out)
	}))
	defer srv.Close()

	kb := loadKB(t)
	cfg := Config{Embeddings: EmbeddingsOpenAI, OpenAIBaseURL: srv.URL + "/v1", OpenAIKey: "test-key", OpenAIModel: "embed-small", Dir: t.TempDir()}
	ix, err := Open(context.Background(), cfg, kb)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Search(context.Background(), "담당자 김민수 과장 010-1234-5678 minsu@example.com 에게 연락, 작성자: 최민호 ０１０－３４５６－７８９０ 홍길동@회사.한국 서울특별시 강남구 테헤란로 123 900101-1******", 3); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(inputs) < ix.Len() {
		t.Errorf("server saw %d texts; want at least the %d documents", len(inputs), ix.Len())
	}
	for _, in := range inputs {
		for _, secret := range []string{"김민수", "010-1234-5678", "minsu@example.com", "최민호", "３４５６", "3456-7890", "회사.한국", "테헤란로 123", "900101"} {
			if strings.Contains(in, secret) {
				t.Errorf("personal data %q sent to the embeddings API", secret)
			}
		}
	}
	last := inputs[len(inputs)-1]
	if !strings.Contains(last, knowledge.MaskName) || !strings.Contains(last, knowledge.MaskPhone) {
		t.Errorf("query sent as %q; want masked placeholders", last)
	}

	// A different embedding model means a different index.
	cfg.OpenAIModel = "embed-large"
	srv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusInternalServerError)
	}))
	defer srv2.Close()
	cfg.OpenAIBaseURL = srv2.URL + "/v1"
	if _, err := Open(context.Background(), cfg, kb); err == nil {
		t.Errorf("opening with another embedding and a failing server: no error; want the build to fail")
	}
}

// TestEmbeddingsRedirectRefused: a redirect from the embeddings API is not
// followed, so the texts never reach the host it names.
func TestEmbeddingsRedirectRefused(t *testing.T) {
	var reached atomic.Int64
	evil := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached.Add(1) }))
	defer evil.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, evil.URL+"/v1/embeddings", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	cfg := Config{Embeddings: EmbeddingsOpenAI, OpenAIBaseURL: srv.URL + "/v1", OpenAIKey: "test-key", Dir: t.TempDir()}
	_, err := Open(context.Background(), cfg, loadKB(t))
	if err == nil || !strings.Contains(err.Error(), "OPENAI_BASE_URL") {
		t.Errorf("err = %v; want the redirect refused, naming OPENAI_BASE_URL", err)
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("the redirect target got %d requests; want none", n)
	}
}

func TestUnknownEmbeddings(t *testing.T) {
	if _, err := Open(context.Background(), Config{Embeddings: "magic"}, loadKB(t)); err == nil || !strings.Contains(err.Error(), "magic") {
		t.Errorf("got %v; want an error naming the unknown embeddings", err)
	}
}
