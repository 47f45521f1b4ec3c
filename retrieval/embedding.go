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

// embedding returns the embedding function the configuration asks for and
// a name that identifies it in the index fingerprint.
func embedding(cfg Config, c *knowledge.Checklist, docs []Doc) (chromem.EmbeddingFunc, string, error) {
	switch strings.ToLower(cfg.Embeddings) {
	case "", EmbeddingsLocal:
		corpus := make([]string, len(docs))
		for i, d := range docs {
			corpus[i] = d.Text
		}
		e := NewLocalEmbedder(corpus, c.Expander())
		return e.Embed, e.Name(), nil
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
		return masked, "openai:" + base + ":" + model, nil
	}
	return nil, "", fmt.Errorf("unknown embeddings %q (want %q or %q)", cfg.Embeddings, EmbeddingsLocal, EmbeddingsOpenAI)
}
