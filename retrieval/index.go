package retrieval

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/philippgille/chromem-go"

	"github.com/selfcheck/selfcheck/knowledge"
)

// Config configures the index.
type Config struct {
	// Dir is where the index persists (DATA_DIR); empty keeps it in memory.
	Dir string
	// Embeddings is "local" (the default, offline) or "openai".
	Embeddings string
	// OpenAI* configure remote embeddings when Embeddings is "openai".
	OpenAIBaseURL string // default https://api.openai.com/v1
	OpenAIKey     string
	OpenAIModel   string // default text-embedding-3-small
	Logger        *slog.Logger
}

// Index is the searchable knowledge base.
type Index struct {
	coll    *chromem.Collection
	embed   chromem.EmbeddingFunc
	docs    map[string]Doc
	rebuilt bool
	dir     string // where the index persists, "" in memory
	fp      string // the knowledge and embedding it was built from
}

// Hit is a document found for a query, with its cosine similarity.
type Hit struct {
	Doc
	Score float32
}

const (
	collectionName = "knowledge"
	indexFile      = "index.gob"
	metaFile       = "index.json"
)

type indexMeta struct {
	Fingerprint string    `json:"fingerprint"`
	Documents   int       `json:"documents"`
	Embeddings  string    `json:"embeddings"`
	BuiltAt     time.Time `json:"built_at"`
	// IDF is the local embedding's IDF table (LocalDims little-endian
	// float32, base64): a process that loads the index starts from it
	// instead of embedding the corpus again to learn it.
	IDF string `json:"idf,omitempty"`
}

func encodeIDF(idf []float32) string {
	if idf == nil {
		return ""
	}
	raw := make([]byte, 4*len(idf))
	for i, w := range idf {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(w))
	}
	return base64.StdEncoding.EncodeToString(raw)
}

// idf decodes the saved IDF table; nil when there is none or it is not
// LocalDims weights.
func (m *indexMeta) idf() []float32 {
	if m == nil || m.IDF == "" {
		return nil
	}
	raw, err := base64.StdEncoding.DecodeString(m.IDF)
	if err != nil || len(raw) != 4*LocalDims {
		return nil
	}
	out := make([]float32, LocalDims)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return out
}

// Open returns the index of the knowledge base: loaded from Dir when it was
// built from the same knowledge with the same embedding, built (and
// persisted) otherwise.
func Open(ctx context.Context, cfg Config, c *knowledge.Checklist) (*Index, error) {
	return open(ctx, cfg, c, false)
}

// Rebuild builds the index anew and persists it, whatever is in Dir.
func Rebuild(ctx context.Context, cfg Config, c *knowledge.Checklist) (*Index, error) {
	return open(ctx, cfg, c, true)
}

func open(ctx context.Context, cfg Config, c *knowledge.Checklist, force bool) (*Index, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	docs := Documents(c)
	fp := fingerprint(c.Version, embeddingName(cfg), docs)
	var meta *indexMeta
	var metaErr error
	if cfg.Dir != "" && !force {
		meta, metaErr = readMeta(cfg.Dir)
	}
	var saved []float32
	if meta != nil && meta.Fingerprint == fp {
		saved = meta.idf()
	}
	embed, name, idf, err := embedding(cfg, c, docs, saved)
	if err != nil {
		return nil, err
	}
	ix := &Index{embed: embed, docs: make(map[string]Doc, len(docs)), dir: cfg.Dir, fp: fp}
	for _, d := range docs {
		ix.docs[d.ID] = d
	}

	if cfg.Dir != "" && !force {
		coll, err := load(cfg.Dir, fp, embed, meta, metaErr)
		switch {
		case err == nil:
			ix.coll = coll
			log.Debug("index loaded", "dir", cfg.Dir, "documents", coll.Count())
			return ix, nil
		case errors.Is(err, errStale):
			log.Info("index out of date, rebuilding", "dir", cfg.Dir)
		default:
			log.Warn("index unreadable, rebuilding", "dir", cfg.Dir, "err", err)
		}
	}

	start := time.Now()
	db := chromem.NewDB()
	coll, err := db.CreateCollection(collectionName, map[string]string{"fingerprint": fp}, embed)
	if err != nil {
		return nil, fmt.Errorf("create collection: %w", err)
	}
	cdocs := make([]chromem.Document, len(docs))
	for i, d := range docs {
		cdocs[i] = chromem.Document{ID: d.ID, Content: d.Text}
	}
	if err := coll.AddDocuments(ctx, cdocs, 4); err != nil {
		return nil, fmt.Errorf("embed %d documents with %s: %w", len(docs), name, err)
	}
	ix.coll, ix.rebuilt = coll, true
	log.Info("index built", "documents", len(docs), "embeddings", name, "duration", time.Since(start))
	if cfg.Dir != "" {
		if err := save(db, cfg.Dir, indexMeta{Fingerprint: fp, Documents: len(docs), Embeddings: name, BuiltAt: time.Now().UTC(), IDF: encodeIDF(idf)}); err != nil {
			return nil, err
		}
	}
	return ix, nil
}

// Rebuilt reports whether Open had to build the index rather than load it.
func (ix *Index) Rebuilt() bool { return ix.rebuilt }

// Len is the number of documents in the index.
func (ix *Index) Len() int { return ix.coll.Count() }

// Search returns up to n documents closest to the query, best first.
func (ix *Index) Search(ctx context.Context, query string, n int) ([]Hit, error) {
	n = min(n, ix.coll.Count())
	if n <= 0 {
		return nil, nil
	}
	res, err := ix.coll.Query(ctx, query, n, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	hits := make([]Hit, 0, len(res))
	for _, r := range res {
		d, ok := ix.docs[r.ID]
		if !ok {
			continue
		}
		hits = append(hits, Hit{Doc: d, Score: r.Similarity})
	}
	return hits, nil
}

// Embed returns the vector of a text under the index's embedding.
func (ix *Index) Embed(ctx context.Context, text string) ([]float32, error) {
	return ix.embed(ctx, text)
}

var errStale = errors.New("index built from other knowledge or embedding")

// readMeta reads the index metadata in dir: errStale when there is none.
func readMeta(dir string) (*indexMeta, error) {
	raw, err := os.ReadFile(filepath.Join(dir, metaFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errStale
	}
	if err != nil {
		return nil, fmt.Errorf("read index metadata: %w", err)
	}
	var meta indexMeta
	if err := json.Unmarshal(raw, &meta); err != nil {
		return nil, fmt.Errorf("parse index metadata %s: %w", metaFile, err)
	}
	return &meta, nil
}

// load imports the index in dir described by meta (as readMeta read it,
// or its error) when it was built under fingerprint fp.
func load(dir, fp string, embed chromem.EmbeddingFunc, meta *indexMeta, metaErr error) (*chromem.Collection, error) {
	if metaErr != nil {
		return nil, metaErr
	}
	if meta.Fingerprint != fp {
		return nil, errStale
	}
	db := chromem.NewDB()
	if err := db.ImportFromFile(filepath.Join(dir, indexFile), ""); err != nil {
		return nil, fmt.Errorf("import index: %w", err)
	}
	coll := db.GetCollection(collectionName, embed)
	if coll == nil || coll.Count() != meta.Documents {
		return nil, errStale
	}
	return coll, nil
}

// save writes the index and then its metadata, each through a temporary
// file and a rename, so that a crash leaves either the old index or the
// new one, never a torn file that looks current.
func save(db *chromem.DB, dir string, meta indexMeta) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create data dir %s: %w", dir, err)
	}
	tmp := filepath.Join(dir, indexFile+".tmp")
	if err := db.ExportToFile(tmp, false, "", collectionName); err != nil {
		return fmt.Errorf("export index: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, indexFile)); err != nil {
		return fmt.Errorf("save index: %w", err)
	}
	raw, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return fmt.Errorf("encode index metadata: %w", err)
	}
	tmp = filepath.Join(dir, metaFile+".tmp")
	if err := os.WriteFile(tmp, raw, 0o644); err != nil {
		return fmt.Errorf("write index metadata: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, metaFile)); err != nil {
		return fmt.Errorf("save index metadata: %w", err)
	}
	return nil
}

func fingerprint(version, embedding string, docs []Doc) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%d\n", version, embedding, len(docs))
	for _, d := range docs {
		fmt.Fprintf(h, "%s\n", d.ID)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
