package suites

import (
	"fmt"
	"regexp"

	"github.com/llmbench/llmbench/suites/metrics"
)

// gsm8kScorer reproduces lm-evaluation-harness's gsm8k v3.0 scoring, for
// numbers comparable with published lm-eval results. Binary. Two scorers:
//
//   - gsm8k-strict: lm-eval's "strict-match" filter (the number after the
//     first "#### "), metrics.GSM8KStrict;
//   - gsm8k-flexible: lm-eval's "flexible-extract" filter (the last
//     number-like run), metrics.GSM8KFlexible.
//
// Both first cut the output at "Question:", "</s>" or "<|im_end|>" as
// lm-eval's stop strings would, then compare with exact_match
// (metrics.GSM8KExactMatch) against each reference in turn. A reference
// may be the whole GSM8K "answer" field (worked solution and "#### N") or
// just its final answer; both score the same. lm-eval's quirks are kept on
// purpose: "42.0" is wrong against 42, "$1,170" after "####" is no answer,
// full-width digits are never read. Use the numeric scorer to know whether
// answers are right; use these to compare with lm-eval.
//
// Extracted is the filtered string as lm-eval records it ("64,800",
// "623.", "$7,200."), or "[invalid]" when the filter matched nothing.
type gsm8kScorer struct {
	name    string
	extract func(output string) string
}

const gsm8kVersion = "1"

func (s gsm8kScorer) Name() string { return s.name }

func (s gsm8kScorer) Score(output string, c *Case) Score {
	got := s.extract(output)
	sc := Score{Scorer: s.name, Binary: true, Extracted: got, Version: gsm8kVersion}
	for _, ref := range c.References {
		if metrics.GSM8KExactMatch(got, ref) {
			sc.Value = 1
			break
		}
	}
	return sc
}

// CheckCase refuses a case without references, or with a reference
// whose final answer (after GSM8KNormalise) is not a number: a filter only
// ever extracts signs, digits, dots, commas and dollars, so nothing could
// match "Paris", "3/4" or an answer field without "#### ".
func (s gsm8kScorer) CheckCase(c *Case) error {
	if err := needReference(c); err != nil {
		return err
	}
	for _, ref := range c.References {
		if n := metrics.GSM8KNormalise(ref); !gsm8kAnswerShape.MatchString(n) {
			return fmt.Errorf("reference %q ends in %q, which %s can never extract: give a number, or a GSM8K answer field ending in \"#### <number>\"", ref, n, s.name)
		}
	}
	return nil
}

// gsm8kAnswerShape is what a filter's output can normalise to.
var gsm8kAnswerShape = regexp.MustCompile(`^-?[0-9.]*[0-9][0-9.]*$`)

var (
	_ Scorer      = gsm8kScorer{}
	_ CaseChecker = gsm8kScorer{}
)

func init() {
	RegisterScorer(gsm8kScorer{name: "gsm8k-strict", extract: metrics.GSM8KStrict})
	RegisterScorer(gsm8kScorer{name: "gsm8k-flexible", extract: metrics.GSM8KFlexible})
}
