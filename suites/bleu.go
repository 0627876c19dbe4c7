package suites

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/llmbench/llmbench/suites/metrics"
)

// The sacreBLEU scorers: bleu, chrf and chrf++ (see NewBLEUScorer).
const (
	ScorerBLEU   = "bleu"
	ScorerChrF   = "chrf"
	ScorerChrFPP = "chrf++"
)

const sacreVersion = "1"

func init() {
	for _, name := range []string{ScorerBLEU, ScorerChrF, ScorerChrFPP} {
		s, err := NewBLEUScorer(name, "")
		if err != nil {
			panic(err)
		}
		RegisterScorer(s)
		RegisterScorerFactory(name, func(o ScorerOptions) (Scorer, error) {
			if o.Stem {
				return nil, fmt.Errorf("scorer %s takes no stem option (only ROUGE stems)", name)
			}
			return NewBLEUScorer(name, o.Tokenizer)
		})
	}
}

// sacreScorer is a sentence-level sacreBLEU 2.6.0 metric (package metrics
// reproduces it exactly):
//
//   - bleu: sacrebleu.sentence_bleu: 1- to 4-gram precisions clipped by
//     the references, exponential smoothing, effective order (a short
//     answer is scored on the orders it has), brevity penalty against the
//     reference length closest to the answer's.
//   - chrf: sacrebleu.sentence_chrf: character 1- to 6-gram F-score with
//     β = 2 (recall weighs twice as much), whitespace ignored.
//   - chrf++: chrF plus word 1- and 2-grams (word_order=2).
//
// Every reference of the case is passed at once, as sacreBLEU does with
// several references: BLEU clips each n-gram to its largest count in any
// one reference; chrF takes the best-scoring reference (the first on a
// tie). Value is on sacreBLEU's 0–100 scale, not 0–1.
//
// BLEU's tokenizer is 13a unless the scorer was built with another; with
// none given (tokenizer "", the registered bleu) a case whose references
// contain a Han character is tokenized with zh, which isolates each
// Chinese character (13a would make a whole Chinese sentence one token).
// Score.Tokenizer records the one used. chrF has no tokenizer.
type sacreScorer struct {
	name string
	tok  string
}

// NewBLEUScorer returns the scorer for metric "bleu", "chrf" or "chrf++".
// tokenizer applies to bleu only: "" picks zh or 13a per case from its
// references, "13a", "zh", "char" or "none" fix it (see
// metrics.SacreTokenize). The scorer also implements ScoreCorpus (corpus
// BLEU/chrF over summed statistics).
func NewBLEUScorer(metric string, tokenizer string) (Scorer, error) {
	switch metric {
	case ScorerBLEU:
		if tokenizer != "" && !slices.Contains(metrics.BLEUTokenizers, tokenizer) {
			return nil, fmt.Errorf("bleu: unknown tokenizer %q (known: %s, or none given to pick zh or 13a from the references)",
				tokenizer, strings.Join(metrics.BLEUTokenizers, ", "))
		}
	case ScorerChrF, ScorerChrFPP:
		if tokenizer != "" {
			return nil, fmt.Errorf("%s takes no tokenizer (it compares characters and whitespace-separated words), got %q", metric, tokenizer)
		}
	default:
		return nil, fmt.Errorf("no sacreBLEU metric %q (known: %s, %s, %s)", metric, ScorerBLEU, ScorerChrF, ScorerChrFPP)
	}
	return &sacreScorer{name: metric, tok: tokenizer}, nil
}

var (
	_ Scorer      = (*sacreScorer)(nil)
	_ CaseChecker = (*sacreScorer)(nil)
)

func (s *sacreScorer) Name() string { return s.name }

// MaxValue is the top of Value's scale: 100, sacreBLEU's, where the other
// scorers' Values are in [0,1].
func (s *sacreScorer) MaxValue() float64 { return 100 }

func (s *sacreScorer) CheckCase(c *Case) error { return needReference(c) }

func (s *sacreScorer) wordOrder() int {
	if s.name == ScorerChrFPP {
		return 2
	}
	return 0
}

// Score scores output against all of c's references. A case without
// references (which CheckCase refuses) scores 0.
func (s *sacreScorer) Score(output string, c *Case) Score {
	out := Score{Scorer: s.name, Version: sacreVersion}
	if len(c.References) == 0 {
		return out
	}
	if s.name == ScorerBLEU {
		tok := s.tokenizer(c.References)
		out.Tokenizer = tok
		if b, err := metrics.SentenceBLEU(output, c.References, tok); err == nil {
			out.Value = b.Score
		}
		return out
	}
	if f, err := metrics.SentenceChrF(output, c.References, s.wordOrder()); err == nil {
		out.Value = f.Score
	}
	return out
}

// ScoreCorpus is corpus BLEU or chrF over outputs[i] against
// cases[i].References (sacrebleu.corpus_bleu / corpus_chrf): statistics
// summed over the corpus, then the formula once, 0–100. Corpus BLEU has no
// effective order, as in sacreBLEU. With no tokenizer given, zh is used for
// the whole corpus when any reference contains a Han character.
func (s *sacreScorer) ScoreCorpus(outputs []string, cases []Case) (float64, error) {
	if len(outputs) != len(cases) {
		return 0, fmt.Errorf("%d outputs for %d cases", len(outputs), len(cases))
	}
	refs := make([][]string, len(cases))
	var all []string
	for i := range cases {
		if len(cases[i].References) == 0 {
			return 0, fmt.Errorf("case %s: %w", cases[i].ID, errNoReference)
		}
		refs[i] = cases[i].References
		all = append(all, cases[i].References...)
	}
	if s.name == ScorerBLEU {
		b, err := metrics.CorpusBLEU(outputs, refs, s.tokenizer(all))
		return b.Score, err
	}
	f, err := metrics.CorpusChrF(outputs, refs, s.wordOrder())
	return f.Score, err
}

// tokenizer is the BLEU tokenizer for these references: the one the scorer
// was built with, else zh if any contains a Han character, else 13a.
func (s *sacreScorer) tokenizer(refs []string) string {
	if s.tok != "" {
		return s.tok
	}
	for _, r := range refs {
		if strings.IndexFunc(r, func(c rune) bool { return unicode.Is(unicode.Han, c) }) >= 0 {
			return metrics.BLEUTokZh
		}
	}
	return metrics.BLEUTok13a
}
