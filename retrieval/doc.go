// Package retrieval finds the knowledge entries closest to a question: it
// turns the knowledge base into documents, embeds them (offline by default,
// with hashed character n-grams and TF-IDF weights suited to Korean, or
// through an OpenAI-compatible embeddings API), and keeps them in a
// chromem-go index persisted under the data directory.
package retrieval
