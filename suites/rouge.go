package suites

import (
	"fmt"

	"github.com/llmbench/llmbench/suites/metrics"
)

// rougeScorer is one ROUGE type (rouge1, rouge2, rougeL, rougeLsum) as
// Google's rouge-score package (PyPI rouge-score 0.1.2) defines it; the
// definitions and the parity tests are in package metrics (metrics.Rouge).
// Value is the F-measure on the 0–1 scale. With several references the
// result comes from the reference with the best F, as rouge-score's
// score_multi picks it (the first one on ties).
//
// Tokenizer: rouge-score's own ("rouge-score": lower-case, every run of
// characters outside [a-z0-9] is a separator) drops Chinese text entirely
// and would score every Chinese answer 0. So unless a tokenizer is chosen
// explicitly, when any reference contains a CJK ideograph (metrics.HasHan)
// both sides are tokenized with "zh-char" instead: each ideograph is a
// token, each run of [a-z0-9] is a token, everything else is dropped. No
// stemming unless asked for. Score.Tokenizer records what was used:
// "rouge-score", "rouge-score+porter", "zh-char" or "zh-char+porter".
type rougeScorer struct {
	metric    string
	tokenizer metrics.Tokenizer // "" = chosen per case from the references
	stem      bool
}

// rougeVersion 2: all four ROUGE types, exact rouge-score parity incl.
// Porter stemming; rougeL values are unchanged from version 1.
const rougeVersion = "2"

// Tokenizer names recorded in Score.Tokenizer by the ROUGE scorers without
// stemming (with stemming "+porter" is appended).
const (
	TokenizerRougeScore = string(metrics.TokenizerDefault)
	TokenizerZhChar     = string(metrics.TokenizerZhChar)
)

// rougeMetrics are the ROUGE types registered as scorers.
var rougeMetrics = []string{"rouge1", "rouge2", "rougeL", "rougeLsum"}

func init() {
	for _, m := range rougeMetrics {
		RegisterScorer(rougeScorer{metric: m})
		RegisterScorerFactory(m, func(o ScorerOptions) (Scorer, error) {
			return NewRougeScorer(m, o.Tokenizer, o.Stem)
		})
	}
}

// NewRougeScorer returns a ROUGE scorer with explicit settings. metric is
// a rouge-score type: rouge1 … rouge9, rougeL or rougeLsum. tokenizer is
// "" (or "auto") to pick zh-char when a reference contains an ideograph and
// rouge-score's default otherwise, "default" (or "rouge-score") for
// rouge-score's tokenizer, or "zh-char". stem turns on Porter stemming of
// tokens longer than 3 characters, as use_stemmer=True does.
func NewRougeScorer(metric, tokenizer string, stem bool) (Scorer, error) {
	if !metrics.IsRougeMetric(metric) {
		return nil, fmt.Errorf("unknown rouge metric %q (known: rouge1 … rouge9, rougeL, rougeLsum)", metric)
	}
	s := rougeScorer{metric: metric, stem: stem}
	if tokenizer != "" && tokenizer != "auto" {
		tok, err := metrics.ParseTokenizer(tokenizer)
		if err != nil {
			return nil, fmt.Errorf("scorer %s: %w", metric, err)
		}
		s.tokenizer = tok
	}
	return s, nil
}

var _ CaseChecker = rougeScorer{}

func (s rougeScorer) Name() string { return s.metric }

func (s rougeScorer) Score(output string, c *Case) Score {
	opts := s.options(c)
	// The metric name was checked when the scorer was made.
	prf, err := metrics.RougeMetric(s.metric, c.References, output, opts)
	if err != nil {
		panic(err)
	}
	return Score{Scorer: s.metric, Value: prf.F, Tokenizer: opts.Name(), Version: rougeVersion}
}

// options are the tokenizer and stemming for a case: the scorer's own, or
// zh-char when no tokenizer was chosen and a reference has an ideograph.
func (s rougeScorer) options(c *Case) metrics.RougeOptions {
	opts := metrics.RougeOptions{Tokenizer: s.tokenizer, Stem: s.stem}
	if opts.Tokenizer == "" {
		opts.Tokenizer = metrics.TokenizerDefault
		for _, ref := range c.References {
			if metrics.HasHan(ref) {
				opts.Tokenizer = metrics.TokenizerZhChar
				break
			}
		}
	}
	return opts
}

// CheckCase refuses a case every answer would score 0 on: one without a
// reference, or whose references all have fewer tokens than one unit of
// the metric (n for rougeN, 1 for rougeL and rougeLsum) under the
// tokenizer the scorer would use, such as a one-word reference for rouge2
// or a Chinese reference with the tokenizer forced to rouge-score's.
func (s rougeScorer) CheckCase(c *Case) error {
	if err := needReference(c); err != nil {
		return err
	}
	need := 1
	if n := s.metric[len("rouge"):]; len(n) == 1 && n[0] >= '1' && n[0] <= '9' {
		need = int(n[0] - '0')
	}
	opts := s.options(c)
	hint := ""
	for _, ref := range c.References {
		if len(opts.Tokens(ref)) >= need {
			return nil
		}
		if opts.Tokenizer == metrics.TokenizerDefault && metrics.HasHan(ref) {
			hint = " (it drops Chinese: use tokenizer zh-char)"
		}
	}
	if need == 1 {
		return fmt.Errorf("no reference has a token under the %s tokenizer%s, so every answer would score 0 on %s", opts.Tokenizer, hint, s.metric)
	}
	return fmt.Errorf("every reference has fewer than %d tokens under the %s tokenizer%s, so every answer would score 0 on %s", need, opts.Tokenizer, hint, s.metric)
}

// hasCJK reports whether s contains an ideograph the zh-char tokenizer
// keeps (metrics.HasHan).
func hasCJK(s string) bool { return metrics.HasHan(s) }
