package suites

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"

	"github.com/llmbench/llmbench/providers"
)

// canonicalJSON is encoding/json's output without HTML escaping: object
// keys sorted, numbers as written (json.Number), no insignificant space.
func canonicalJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Case values come from JSON or YAML decoding and always encode;
		// reaching this is a programming error.
		panic("suites: canonical JSON: " + err.Error())
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// caseHash is the hex SHA-256 of the canonical JSON of the case's id,
// fields and references, then each image as an 8-byte big-endian length
// and its bytes. See the package documentation.
func caseHash(c *Case) string {
	h := sha256.New()
	refs := c.References
	if refs == nil {
		refs = []string{}
	}
	fields := c.Fields
	if fields == nil {
		fields = map[string]any{}
	}
	h.Write(canonicalJSON(struct {
		ID         string         `json:"id"`
		Fields     map[string]any `json:"fields"`
		References []string       `json:"references"`
	}{c.ID, fields, refs}))
	var n [8]byte
	for _, img := range c.Images {
		binary.BigEndian.PutUint64(n[:], uint64(len(img.Data)))
		h.Write(n[:])
		h.Write(img.Data)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// suiteHash is the hex SHA-256 of the canonical JSON of the definition
// (name, system, prompt, scorers, params, and document and judge when set), then every case hash in order,
// one per line. See the package documentation.
func suiteHash(s *Suite) string {
	h := sha256.New()
	scorers := []string{}
	for _, spec := range s.Specs() {
		scorers = append(scorers, spec.String())
	}
	h.Write(canonicalJSON(struct {
		Name     string           `json:"name"`
		System   string           `json:"system"`
		Prompt   string           `json:"prompt"`
		Scorers  []string         `json:"scorers"`
		Params   providers.Params `json:"params"`
		Document string           `json:"document,omitempty"`
		Judge    *JudgeSpec       `json:"judge,omitempty"`
	}{s.Name, s.System, s.PromptText, scorers, s.Params, s.DocumentField, s.Judge}))
	for i := range s.Cases {
		h.Write([]byte("\n" + s.Cases[i].Hash))
	}
	return hex.EncodeToString(h.Sum(nil))
}
