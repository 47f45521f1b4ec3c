// Package knowledge is the domain root of selfcheck: the model of the
// self-check checklist of the digital service review (디지털서비스 심사), the
// data files it is built from, Korean text normalisation, redaction of
// personal data, and the deterministic review of drafts.
//
// It does no I/O of its own: data is read from an fs.FS handed in by the
// caller (the embedded copy by default). It imports nothing of Slack, the
// vector store or the model client; every other package depends on it.
package knowledge
