package retrieval

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"

	"github.com/philippgille/chromem-go"
)

// errEmbeddingsRedirect is returned when the embeddings API answers with a
// redirect, which is never followed: the masked texts and the key go to
// OPENAI_BASE_URL's host only.
var errEmbeddingsRedirect = errors.New("the embeddings API answered with a redirect, which is not followed: set OPENAI_BASE_URL to the address it redirects to")

// maxEmbeddingBody bounds an embeddings answer (a few vectors of floats).
const maxEmbeddingBody = 8 << 20

// remoteEmbedding calls an OpenAI-compatible /embeddings endpoint at base.
// It does what chromem's OpenAI-compatible function does, but its HTTP
// client follows no redirect (chromem's follows them, resending the text
// to whatever host a 307 names), and it returns unit vectors as chromem's
// cosine similarity expects.
func remoteEmbedding(base, key, model string) chromem.EmbeddingFunc {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return errEmbeddingsRedirect }}
	return func(ctx context.Context, text string) ([]float32, error) {
		body, err := json.Marshal(map[string]string{"model": model, "input": text})
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/embeddings", bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("embeddings request: %w", err)
		}
		req.Header.Set("Content-Type", "application/json")
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		resp, err := client.Do(req)
		if err != nil {
			if errors.Is(err, errEmbeddingsRedirect) {
				return nil, errEmbeddingsRedirect
			}
			return nil, fmt.Errorf("embeddings API: %w", err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("embeddings API: HTTP %d", resp.StatusCode)
		}
		var out struct {
			Data []struct {
				Embedding []float32 `json:"embedding"`
			} `json:"data"`
		}
		if err := json.NewDecoder(io.LimitReader(resp.Body, maxEmbeddingBody)).Decode(&out); err != nil {
			return nil, fmt.Errorf("embeddings API answer: %w", err)
		}
		if len(out.Data) == 0 || len(out.Data[0].Embedding) == 0 {
			return nil, errors.New("embeddings API answer: no embedding")
		}
		return unit(out.Data[0].Embedding), nil
	}
}

// unit scales v to length 1 (a zero vector is returned as it is).
func unit(v []float32) []float32 {
	var norm float64
	for _, x := range v {
		norm += float64(x) * float64(x)
	}
	if norm == 0 {
		return v
	}
	inv := float32(1 / math.Sqrt(norm))
	for i := range v {
		v[i] *= inv
	}
	return v
}
