package retrieval

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/philippgille/chromem-go"

	"github.com/selfcheck/selfcheck/knowledge"
)

// Names of the embedding providers in Config.Embeddings.
const (
	EmbeddingsLocal  = "local"
	EmbeddingsOpenAI = "openai"
)

// remoteTimeout bounds one call to a remote embeddings API.
const remoteTimeout = 30 * time.Second

// embedding returns the embedding function cfg selects and its name. The
// local one starts from savedIDF when it is the IDF table saved with an
// index of the same fingerprint, and returns its table to be saved.
func embedding(cfg Config, c *knowledge.Checklist, docs []Doc, savedIDF []float32) (embed chromem.EmbeddingFunc, name string, idf []float32, err error) {
	switch strings.ToLower(cfg.Embeddings) {
	case "", EmbeddingsLocal:
		if e := localEmbedderFromIDF(savedIDF, len(docs), c.Expander()); e != nil {
			return e.Embed, e.Name(), e.IDF(), nil
		}
		corpus := make([]string, len(docs))
		for i, d := range docs {
			corpus[i] = d.Text
		}
		e := NewLocalEmbedder(corpus, c.Expander())
		return e.Embed, e.Name(), e.IDF(), nil
	case EmbeddingsOpenAI:
		base := cfg.OpenAIBaseURL
		if base == "" {
			base = chromem.BaseURLOpenAI
		}
		model := cfg.OpenAIModel
		if model == "" {
			model = string(chromem.EmbeddingModelOpenAI3Small)
		}
		remote := remoteEmbedding(strings.TrimRight(base, "/"), cfg.OpenAIKey, model)
		// Nothing personal leaves the process: questions and documents are
		// masked before they are sent. The client has no timeout of its own.
		masked := func(ctx context.Context, text string) ([]float32, error) {
			ctx, cancel := context.WithTimeout(ctx, remoteTimeout)
			defer cancel()
			return remote(ctx, knowledge.Redact(knowledge.Normalize(text)))
		}
		return masked, embeddingName(cfg), nil, nil
	}
	return nil, "", nil, fmt.Errorf("unknown embeddings %q (want %q or %q)", cfg.Embeddings, EmbeddingsLocal, EmbeddingsOpenAI)
}

// embeddingName names the embedding cfg selects, for the fingerprint,
// without building it.
func embeddingName(cfg Config) string {
	if strings.ToLower(cfg.Embeddings) == EmbeddingsOpenAI {
		base := cfg.OpenAIBaseURL
		if base == "" {
			base = chromem.BaseURLOpenAI
		}
		model := cfg.OpenAIModel
		if model == "" {
			model = string(chromem.EmbeddingModelOpenAI3Small)
		}
		return "openai:" + base + ":" + model
	}
	return localVersion
}
