package main

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/llmbench/llmbench/suites"
)

// metricTokenizers lists, for each metric that takes a tokenizer, the ones
// it knows; the first is the reference implementation's default, which
// score uses when --tokenizer is not given (score never picks one from the
// text, so its numbers stay comparable with the reference's).
var metricTokenizers = map[string][]string{
	"rouge1":    {"default", "zh-char"},
	"rouge2":    {"default", "zh-char"},
	"rougeL":    {"default", "zh-char"},
	"rougeLsum": {"default", "zh-char"},
	"bleu":      {"13a", "zh", "char"},
}

// stemmable metrics take --stem.
var stemmable = []string{"rouge1", "rouge2", "rougeL", "rougeLsum"}

func scoreCommand() *cli.Command {
	return &cli.Command{
		Name:      "score",
		Usage:     "score outputs produced elsewhere (JSONL on stdin), with reference-exact metrics",
		UsageText: "llmbench score --metric NAME[,NAME...] [--tokenizer T] [--stem] [--corpus] [FILE] < pairs.jsonl",
		Description: `Reads one JSON object per line, {"id": "...", "output": "...", "reference": "..."}
(or "references": [...]), from FILE or stdin, and prints one line per input in the
same order: {"id": "...", "scores": {"rouge1": 0.41379310344827586}, "extracted": {...}}.
Numbers are full float64 precision. Every line is validated first: a bad line
exits 1 naming every bad line number, and nothing is printed.

Metrics: rouge1, rouge2, rougeL, rougeLsum (Google rouge-score: F-measure in [0,1];
with several references the best F); bleu, chrf, chrf++ (sacreBLEU, 0-100);
gsm8k-strict, gsm8k-flexible (lm-evaluation-harness extraction, 0/1 and the
extracted string, "[invalid]" when nothing matched); numeric, exact, choice,
keywords, cider. See: llmbench suites list.

--tokenizer applies to the metrics that take one: default|zh-char for ROUGE
(default: rouge-score's own, which drops Chinese text; use zh-char for Chinese),
13a|zh|char for BLEU (default 13a). score never picks a tokenizer by itself, so
its numbers match the reference implementations. --corpus prints one line,
{"corpus": {...}}: corpus-level BLEU/chrF/CIDEr-D, and the mean of per-line
scores for the other metrics.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "metric", Aliases: []string{"m"}, Usage: "comma-separated metric `NAMES`"},
			&cli.StringFlag{Name: "tokenizer", Usage: "tokenizer `T` for the metrics that take one"},
			&cli.BoolFlag{Name: "stem", Usage: "Porter stemming for ROUGE (rouge-score's use_stemmer=True)"},
			&cli.BoolFlag{Name: "corpus", Usage: "print corpus-level scores instead of one line per input"},
		},
		Action: func(c *cli.Context) error {
			if c.Args().Len() > 1 {
				return usageErrorf("score reads one FILE or stdin, got %d arguments", c.Args().Len())
			}
			specs, err := scoreSpecs(c.String("metric"), c.String("tokenizer"), c.Bool("stem"))
			if err != nil {
				return err
			}
			in, name := c.App.Reader, "stdin"
			if c.Args().Len() == 1 {
				f, err := os.Open(c.Args().First())
				if err != nil {
					return err
				}
				defer f.Close()
				in, name = f, c.Args().First()
			}
			pairs, err := suites.ReadPairs(in, name)
			if err != nil {
				return err
			}
			w := bufio.NewWriter(c.App.Writer)
			defer w.Flush()
			enc := json.NewEncoder(w)
			enc.SetEscapeHTML(false)
			if c.Bool("corpus") {
				corpus, err := suites.CorpusScores(pairs, specs)
				if err != nil {
					return err
				}
				return enc.Encode(map[string]any{"corpus": corpus})
			}
			scores, err := suites.ScorePairs(pairs, specs)
			if err != nil {
				return err
			}
			for _, s := range scores {
				if err := enc.Encode(s); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// scoreSpecs turns the flags into scorer specs, refusing combinations that
// do not fit (exit 2).
func scoreSpecs(metricList, tokenizer string, stem bool) ([]suites.ScorerSpec, error) {
	if strings.TrimSpace(metricList) == "" {
		return nil, usageErrorf("score needs --metric NAME[,NAME...] (known: %s)", strings.Join(suites.ScorerNames(), ", "))
	}
	var specs []suites.ScorerSpec
	tokUsed, stemUsed := false, false
	seen := map[string]bool{}
	for _, m := range strings.Split(metricList, ",") {
		m = strings.TrimSpace(m)
		if m == "" || seen[m] {
			continue
		}
		seen[m] = true
		if _, err := suites.LookupScorer(m); err != nil {
			return nil, withCode(ExitUsage, err)
		}
		spec := suites.ScorerSpec{Name: m}
		if toks, ok := metricTokenizers[m]; ok {
			spec.Tokenizer = toks[0]
			if tokenizer != "" {
				if !slices.Contains(toks, tokenizer) {
					return nil, usageErrorf("tokenizer %q does not fit metric %s (it takes %s)", tokenizer, m, strings.Join(toks, "|"))
				}
				spec.Tokenizer = tokenizer
				tokUsed = true
			}
		}
		if stem {
			if slices.Contains(stemmable, m) {
				spec.Stem = true
				stemUsed = true
			}
		}
		specs = append(specs, spec)
	}
	if tokenizer != "" && !tokUsed {
		return nil, usageErrorf("--tokenizer %s fits none of the metrics %s (ROUGE takes default|zh-char, BLEU 13a|zh|char)", tokenizer, metricList)
	}
	if stem && !stemUsed {
		return nil, usageErrorf("--stem applies to ROUGE metrics only, none of %s", metricList)
	}
	if len(specs) == 0 {
		return nil, usageErrorf("score needs --metric NAME[,NAME...]")
	}
	return specs, nil
}
