package bench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/results"
)

// Cache is where a Runner finds an earlier answer to the same request
// (llmbench run --cache). Cached returns the newest successful result
// whose RequestHash is hash; it is called from many goroutines at once.
// *results.Store has it.
type Cache interface {
	Cached(ctx context.Context, hash string) (results.Result, bool, error)
}

var _ Cache = (*results.Store)(nil)

// requestKey is the canonical encoding a request hash is taken over: JSON
// of fixed field order. Images count by their bytes' SHA-256 (or their
// URL); the stream flag is left out, since a streamed and an unstreamed
// call get the same answer.
type requestKey struct {
	V        int              `json:"v"`
	Target   string           `json:"target"`
	Model    string           `json:"model"`
	Params   providers.Params `json:"params"`
	Messages []messageKey     `json:"messages"`
	Document string           `json:"document,omitempty"`
}

type messageKey struct {
	Role   string     `json:"role"`
	Text   string     `json:"text"`
	Images []imageKey `json:"images,omitempty"`
}

type imageKey struct {
	MIME   string `json:"mime,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
	URL    string `json:"url,omitempty"`
}

// RequestHash is the response cache's key: the hex SHA-256 of the
// canonical encoding of req sent to the target identified by identity
// (Target.Identity: provider, API and base URL), with its model, its
// parameters as sent (after the provider's adjustments), its messages
// (images by a hash of their bytes) and its document. Two requests with
// the same hash get the same answer from a deterministic model.
func RequestHash(identity string, req *providers.Request) string {
	k := requestKey{V: 1, Target: identity, Model: req.Model, Params: req.Params, Document: req.Document}
	for _, m := range req.Messages {
		mk := messageKey{Role: m.Role, Text: m.Text}
		for _, img := range m.Images {
			ik := imageKey{MIME: img.MIME, URL: img.URL}
			if img.URL == "" {
				sum := sha256.Sum256(img.Data)
				ik.SHA256 = hex.EncodeToString(sum[:])
			}
			mk.Images = append(mk.Images, ik)
		}
		k.Messages = append(k.Messages, mk)
	}
	b, err := json.Marshal(k)
	if err != nil { // only plain strings and numbers: cannot happen
		panic("bench: encode request key: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// cachedResult is res filled from c, an earlier successful result of the
// same request: its answer, usage and timings, no attempts.
func cachedResult(res *results.Result, c results.Result) {
	res.Output = c.Output
	res.Started = c.Started
	res.Latency = c.Latency
	res.TTFT = c.TTFT
	res.InputTokens = c.InputTokens
	res.OutputTokens = c.OutputTokens
	res.ModelReported = c.ModelReported
	res.FinishReason = c.FinishReason
	res.Attempts = 0
	res.Cached = true
}
