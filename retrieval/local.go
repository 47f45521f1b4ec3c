package retrieval

import (
	"context"
	"hash/fnv"
	"math"
	"strings"
	"unicode"

	"github.com/selfcheck/selfcheck/knowledge"
)

// LocalDims is the size of the local embedding vectors. Features are
// hashed into this many buckets; 4096 keeps collisions rare for a corpus
// of this size while a query over every document stays well under a
// millisecond.
const LocalDims = 4096

// localVersion changes whenever the feature extraction changes, so that
// persisted indexes are rebuilt.
const localVersion = "local-ngram-tfidf-v1"

// LocalEmbedder embeds text offline: character bigrams and trigrams of the
// text with spaces removed (so 담당부서 and 담당 부서 agree), plus whole
// ASCII words, hashed into LocalDims buckets, weighted by sublinear term
// frequency and by inverse document frequency learned from the corpus,
// and normalised to unit length. No network, no model download.
type LocalEmbedder struct {
	idf    []float32
	maxIDF float32
	expand *knowledge.Expander
}

// NewLocalEmbedder learns document frequencies from the corpus texts.
// expand, when not nil, adds synonyms before embedding (to documents and
// queries alike). Learning them embeds the whole corpus once; an index
// saves the result (IDF) and a later process starts from it
// (localEmbedderFromIDF).
func NewLocalEmbedder(corpus []string, expand *knowledge.Expander) *LocalEmbedder {
	df := make([]int, LocalDims)
	for _, text := range corpus {
		seen := map[uint32]bool{}
		forEachFeature(expandText(expand, text), func(b uint32) {
			if !seen[b] {
				seen[b] = true
				df[b]++
			}
		})
	}
	n := float64(len(corpus))
	e := &LocalEmbedder{idf: make([]float32, LocalDims), expand: expand}
	e.maxIDF = float32(math.Log((n+1)/1) + 1)
	for b, d := range df {
		e.idf[b] = float32(math.Log((n+1)/float64(d+1)) + 1)
	}
	return e
}

// localEmbedderFromIDF is the embedder whose IDF table a process saved:
// nil unless the table has LocalDims weights.
func localEmbedderFromIDF(idf []float32, corpusLen int, expand *knowledge.Expander) *LocalEmbedder {
	if len(idf) != LocalDims {
		return nil
	}
	n := float64(corpusLen)
	return &LocalEmbedder{idf: idf, maxIDF: float32(math.Log((n+1)/1) + 1), expand: expand}
}

// IDF is the inverse document frequency of each bucket, to be saved with
// an index; the caller must not change it.
func (e *LocalEmbedder) IDF() []float32 { return e.idf }

// Name identifies the embedding for the index fingerprint.
func (e *LocalEmbedder) Name() string { return localVersion }

// Embed returns the unit vector of text. It never fails; the signature is
// chromem's EmbeddingFunc.
func (e *LocalEmbedder) Embed(_ context.Context, text string) ([]float32, error) {
	tf := map[uint32]float32{}
	forEachFeature(expandText(e.expand, text), func(b uint32) { tf[b]++ })
	v := make([]float32, LocalDims)
	var norm float64
	for b, f := range tf {
		w := (1 + float32(math.Log(float64(f)))) * e.idf[b]
		v[b] = w
		norm += float64(w * w)
	}
	if norm == 0 {
		// An empty or punctuation-only text: a fixed unit vector that is
		// orthogonal to nothing in particular keeps chromem happy.
		v[0] = 1
		return v, nil
	}
	inv := float32(1 / math.Sqrt(norm))
	for i := range v {
		v[i] *= inv
	}
	return v, nil
}

func expandText(x *knowledge.Expander, text string) string {
	if x != nil {
		text = x.Expand(text)
	} else {
		text = knowledge.Normalize(text)
	}
	return fillers.Replace(text)
}

// fillers are the words of a Korean question that say nothing about its
// topic. Rare in the guidance, they would get a high IDF and drown the
// words that matter, so they are dropped before embedding.
var fillers = strings.NewReplacer(
	"어떻게", " ", "어떤", " ", "무엇을", " ", "무엇이", " ", "무엇", " ", "뭔가요", " ", "뭐가", " ", "뭘", " ", "뭐", " ",
	"해야 하나요", " ", "해야하나요", " ", "하나요", " ", "되나요", " ", "인가요", " ", "있나요", " ", "없나요", " ", "한가요", " ",
	"알려주세요", " ", "알려줘", " ", "해주세요", " ", "주세요", " ", "궁금합니다", " ", "궁금해요", " ", "얼마나", " ",
	"해야", " ", "써야", " ", "쓰나요", " ", "넣어야", " ", "내야", " ", "하는지", " ", "되는지", " ", "인지", " ", "나요", " ",
	"합니까", " ", "입니까", " ", "할까요", " ", "될까요", " ",
)

// forEachFeature calls fn with the bucket of every feature of text.
func forEachFeature(text string, fn func(uint32)) {
	lower := strings.ToLower(text)
	// Character n-grams over runs of letters and digits with spaces
	// removed; punctuation separates runs.
	var run []rune
	flush := func() {
		if len(run) == 0 {
			return
		}
		ascii := true
		for _, r := range run {
			if r >= unicode.MaxASCII {
				ascii = false
				break
			}
		}
		if !ascii {
			for n := 2; n <= 3; n++ {
				for i := 0; i+n <= len(run); i++ {
					fn(bucket("g", string(run[i:i+n])))
				}
			}
			if len(run) == 1 {
				fn(bucket("g", string(run)))
			}
		}
		run = run[:0]
	}
	for _, r := range lower {
		switch {
		case unicode.IsSpace(r):
			// spacing variants must agree: spaces do not break a run
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			run = append(run, r)
		default:
			flush()
		}
	}
	flush()
	// Whole ASCII words (English questions, SSL, AES-128 …).
	for _, w := range strings.FieldsFunc(lower, func(r rune) bool {
		return !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)))
	}) {
		if len(w) < 2 || stopwords[w] {
			continue
		}
		fn(bucket("w", strings.TrimSuffix(w, "s")))
	}
}

func bucket(kind, s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(kind))
	h.Write([]byte(s))
	return h.Sum32() % LocalDims
}

// stopwords are English words too common to say anything about a topic.
var stopwords = map[string]bool{
	"the": true, "a": true, "an": true, "is": true, "are": true, "be": true, "to": true, "of": true,
	"and": true, "or": true, "in": true, "on": true, "for": true, "what": true, "how": true,
	"do": true, "does": true, "we": true, "our": true, "it": true, "this": true, "that": true,
	"should": true, "must": true, "can": true, "with": true, "my": true, "i": true, "you": true,
	"need": true, "which": true, "about": true, "have": true, "has": true, "if": true, "by": true,
	"as": true, "at": true, "from": true, "there": true, "any": true, "when": true, "where": true,
}
