package suites

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"hash"

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
// fields and references (and its messages and scorers when set), then each
// image as an 8-byte big-endian length and its bytes; an image given by
// URL is its URL's length with the top bit set, then the URL. Tags are not
// hashed: relabelling a case changes neither what it asks nor how it is
// scored. See the package documentation.
func caseHash(c *Case) string {
	sum := caseSum(c)
	return hex.EncodeToString(sum[:])
}

// caseSum is caseHash's SHA-256, as bytes.
func caseSum(c *Case) [sha256.Size]byte {
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
		Messages   []Turn         `json:"messages,omitempty"`
		Scorers    []string       `json:"scorers,omitempty"`
	}{c.ID, fields, refs, c.Turns, specStrings(c.Scorers)}))
	var n [8]byte
	for _, img := range c.Images {
		if img.URL != "" {
			binary.BigEndian.PutUint64(n[:], uint64(len(img.URL))|1<<63)
			h.Write(n[:])
			h.Write([]byte(img.URL))
			continue
		}
		binary.BigEndian.PutUint64(n[:], uint64(len(img.Data)))
		h.Write(n[:])
		h.Write(img.Data)
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// specStrings is the canonical text of each spec (nil for none).
func specStrings(specs []ScorerSpec) []string {
	if len(specs) == 0 {
		return nil
	}
	out := make([]string, len(specs))
	for i, spec := range specs {
		out[i] = spec.String()
	}
	return out
}

// suiteHasher computes a suite's hash as its cases go by: the hex SHA-256
// of the canonical JSON of the definition (name, system, prompt, scorers,
// params, and document, judge, messages and examples when set), then
// every case hash in order, one per line. See the package documentation.
type suiteHasher struct {
	h hash.Hash
}

// newSuiteHasher starts the hash of s, whose definition is complete.
func newSuiteHasher(s *Suite) *suiteHasher {
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
		Messages []Turn           `json:"messages,omitempty"`
		Examples []Example        `json:"examples,omitempty"`
	}{s.Name, s.System, s.PromptText, scorers, s.Params, s.DocumentField, s.Judge, s.Turns, s.Examples}))
	return &suiteHasher{h: h}
}

// add adds the next case's hash (Case.Hash).
func (sh *suiteHasher) add(caseHash string) {
	sh.h.Write([]byte("\n" + caseHash))
}

// sum is the suite's hash, in hex.
func (sh *suiteHasher) sum() string { return hex.EncodeToString(sh.h.Sum(nil)) }
