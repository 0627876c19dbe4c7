// Package lead is the classic summarisation reference point that uses no
// model at all: the answer is the first N sentences of the case's document
// (the suite's document: field). Every summarisation report can then show
// where "no model" lands, and a model that does not beat lead is not
// summarising.
//
// Model names: "lead-N" gives the first N sentences (lead-1 by default for
// "lead"); "lead-Nc" gives the first N characters (runes), a common
// baseline for Chinese headline-style summaries (LCSTS). Sentences end at
// . ! ? followed by space or the end, unless a lower-case letter follows
// (English), and at 。！？ (Chinese); closing quotes and brackets stay with
// their sentence.
package lead

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/llmbench/llmbench/providers"
)

func init() {
	providers.Register(providers.Info{
		Name:        "lead",
		Description: "reference baseline, no model: the first N sentences (model lead-N) or characters (lead-Nc) of the case's document",
	}, New)
}

// Provider answers with the lead of the document.
type Provider struct {
	n     int
	chars bool
}

var _ providers.Provider = (*Provider)(nil)

// New builds the provider; the model name is parsed per call.
func New(cfg providers.Config) (providers.Provider, error) { return &Provider{}, nil }

// Parse reads a lead model name: "lead" (1 sentence), "lead-3", "lead-30c".
func Parse(model string) (n int, chars bool, err error) {
	if model == "lead" || model == "" {
		return 1, false, nil
	}
	rest, ok := strings.CutPrefix(model, "lead-")
	if ok {
		chars = strings.HasSuffix(rest, "c")
		rest = strings.TrimSuffix(rest, "c")
		if v, err := strconv.Atoi(rest); err == nil && v > 0 {
			return v, chars, nil
		}
	}
	return 0, false, fmt.Errorf("model %q: use lead-N (first N sentences) or lead-Nc (first N characters)", model)
}

// Complete returns the lead of req.Document.
func (p *Provider) Complete(ctx context.Context, req *providers.Request) (*providers.Response, error) {
	start := time.Now()
	if err := ctx.Err(); err != nil {
		return nil, providers.Classify(err)
	}
	n, chars, err := Parse(req.Model)
	if err != nil {
		return nil, &providers.Error{Class: providers.BadRequest, Message: err.Error()}
	}
	if strings.TrimSpace(req.Document) == "" {
		return nil, &providers.Error{Class: providers.BadRequest, Message: "lead needs the case's document: name its field with document: in the suite file, or limit this target to such suites with suites: [...]"}
	}
	var text string
	if chars {
		text = FirstChars(req.Document, n)
	} else {
		text = strings.Join(Sentences(req.Document, n), " ")
	}
	return &providers.Response{
		Text:         text,
		Model:        req.Model,
		FinishReason: "stop",
		Latency:      time.Since(start),
	}, nil
}

// FirstChars returns the first n characters of the text after trimming
// leading space.
func FirstChars(text string, n int) string {
	r := []rune(strings.TrimSpace(text))
	if len(r) > n {
		r = r[:n]
	}
	return string(r)
}

// Sentences returns up to n leading sentences of text, each trimmed.
func Sentences(text string, n int) []string {
	r := []rune(strings.TrimSpace(text))
	var out []string
	start := 0
	for i := 0; i < len(r) && len(out) < n; i++ {
		end := -1
		switch r[i] {
		case '。', '！', '？':
			end = i + 1
		case '.', '!', '?':
			j := i + 1
			for j < len(r) && strings.ContainsRune(".!?", r[j]) {
				j++
			}
			j = skipClosers(r, j)
			if j == len(r) || unicode.IsSpace(r[j]) && !lowerNext(r, j) {
				end = j
			}
		}
		if end < 0 {
			continue
		}
		end = skipClosers(r, end)
		if s := strings.TrimSpace(string(r[start:end])); s != "" {
			out = append(out, s)
		}
		start, i = end, end-1
	}
	if len(out) < n {
		if s := strings.TrimSpace(string(r[start:])); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// lowerNext reports whether the next non-space rune after j is a lower-case
// letter: "Wait... then go." and "e.g. this" do not end a sentence.
func lowerNext(r []rune, j int) bool {
	for j < len(r) && unicode.IsSpace(r[j]) {
		j++
	}
	return j < len(r) && unicode.IsLower(r[j])
}

// skipClosers moves past closing quotes and brackets after a sentence end.
func skipClosers(r []rune, j int) int {
	for j < len(r) && strings.ContainsRune(`"'”’」』)）]`, r[j]) {
		j++
	}
	return j
}
