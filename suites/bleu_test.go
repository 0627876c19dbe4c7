package suites

import (
	"math"
	"strings"
	"testing"
)

// sacreOracle is the part of bleu_chrf.json these tests read.
type sacreOracle struct {
	Pairs []struct {
		ID         string   `json:"id"`
		Kind       string   `json:"kind"`
		Lang       string   `json:"lang"`
		Hypothesis string   `json:"hypothesis"`
		References []string `json:"references"`
		Sentence   map[string]struct {
			Score float64 `json:"score"`
		} `json:"sentence"`
	} `json:"pairs"`
	Corpus map[string]struct {
		Score float64 `json:"score"`
	} `json:"corpus"`
}

// TestSacreScorersOracle runs the registered bleu, chrf and chrf++ scorers
// (and bleu with each explicit tokenizer) on every pair of bleu_chrf.json:
// the automatic tokenizer must pick zh for the Chinese pairs and 13a for
// the others, and every Value must be sacreBLEU 2.6.0's score (0–100).
func TestSacreScorersOracle(t *testing.T) {
	var o sacreOracle
	readOracle(t, "bleu_chrf.json", &o)
	if len(o.Pairs) == 0 {
		t.Fatal("no pairs")
	}
	for _, p := range o.Pairs {
		t.Run(p.ID, func(t *testing.T) {
			c := &Case{ID: p.ID, References: p.References}
			autoTok, autoKey := "13a", "bleu_sentence_13a"
			if p.Lang == "zh" {
				autoTok, autoKey = "zh", "bleu_sentence_zh"
			}
			checks := []struct {
				spec ScorerSpec
				key  string
				tok  string
			}{
				{ScorerSpec{Name: "bleu"}, autoKey, autoTok},
				{ScorerSpec{Name: "bleu", ScorerOptions: ScorerOptions{Tokenizer: "13a"}}, "bleu_sentence_13a", "13a"},
				{ScorerSpec{Name: "bleu", ScorerOptions: ScorerOptions{Tokenizer: "zh"}}, "bleu_sentence_zh", "zh"},
				{ScorerSpec{Name: "bleu", ScorerOptions: ScorerOptions{Tokenizer: "char"}}, "bleu_sentence_char", "char"},
				{ScorerSpec{Name: "chrf"}, "chrf", ""},
				{ScorerSpec{Name: "chrf++"}, "chrf_pp", ""},
			}
			for _, ch := range checks {
				sc, err := NewScorer(ch.spec)
				if err != nil {
					t.Fatalf("%s: %v", ch.spec, err)
				}
				got := sc.Score(p.Hypothesis, c)
				want, ok := p.Sentence[ch.key]
				if !ok {
					t.Fatalf("oracle has no %s", ch.key)
				}
				if got.Scorer != ch.spec.Name || got.Tokenizer != ch.tok || got.Version == "" || got.Binary {
					t.Errorf("%s: Score = %+v, want scorer %s, tokenizer %q, a version", ch.spec, got, ch.spec.Name, ch.tok)
				}
				if math.Abs(got.Value-want.Score) > 1e-4 {
					t.Errorf("%s: Value %v, sacrebleu %s %v", ch.spec, got.Value, ch.key, want.Score)
				}
			}
		})
	}
}

// TestSacreScorersCorpus checks ScoreCorpus against corpus_bleu and
// corpus_chrf on the COCO pairs.
func TestSacreScorersCorpus(t *testing.T) {
	var o sacreOracle
	readOracle(t, "bleu_chrf.json", &o)
	var outputs []string
	var cases []Case
	for _, p := range o.Pairs {
		if p.Kind == "coco_multi_ref" {
			outputs = append(outputs, p.Hypothesis)
			cases = append(cases, Case{ID: p.ID, References: p.References})
		}
	}
	for name, key := range map[string]string{"bleu": "bleu_corpus_13a", "chrf": "chrf_corpus", "chrf++": "chrf_pp_corpus"} {
		t.Run(name, func(t *testing.T) {
			sc, err := LookupScorer(name)
			if err != nil {
				t.Fatal(err)
			}
			cs, ok := sc.(interface {
				ScoreCorpus([]string, []Case) (float64, error)
			})
			if !ok {
				t.Fatalf("%s has no ScoreCorpus", name)
			}
			got, err := cs.ScoreCorpus(outputs, cases)
			if err != nil {
				t.Fatal(err)
			}
			if want := o.Corpus[key].Score; math.Abs(got-want) > 1e-4 {
				t.Errorf("ScoreCorpus = %v, sacrebleu %s %v", got, key, want)
			}
			if _, err := cs.ScoreCorpus(outputs[:1], cases); err == nil {
				t.Error("ScoreCorpus accepted 1 output for many cases")
			}
			if _, err := cs.ScoreCorpus([]string{"x"}, []Case{{ID: "c1"}}); err == nil || !strings.Contains(err.Error(), "c1") {
				t.Errorf("ScoreCorpus without references: error %v, want one naming the case", err)
			}
		})
	}
}

func TestSacreScorerAutoTokenizer(t *testing.T) {
	bleu, err := LookupScorer("bleu")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		refs []string
		want string
	}{
		{"english", []string{"a cat"}, "13a"},
		{"chinese", []string{"一只猫"}, "zh"},
		{"any reference", []string{"a cat", "一只猫"}, "zh"},
		{"supplementary ideograph", []string{"𠮷"}, "zh"},
		{"japanese kana only", []string{"ねこ"}, "13a"},
		{"full-width latin", []string{"ＡＩ"}, "13a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := bleu.Score("x", &Case{References: tt.refs}).Tokenizer; got != tt.want {
				t.Errorf("tokenizer %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("identical chinese answer is 100", func(t *testing.T) {
		got := bleu.Score("他说你好然后离开了家", &Case{References: []string{"他说你好然后离开了家"}})
		if math.Abs(got.Value-100) > 1e-9 {
			t.Errorf("Value %v, want 100", got.Value)
		}
	})
}

func TestNewBLEUScorerErrors(t *testing.T) {
	tests := []struct {
		name string
		run  func() error
		want string
	}{
		{"unknown tokenizer", func() error { _, err := NewBLEUScorer("bleu", "intl"); return err }, `"intl"`},
		{"chrf with tokenizer", func() error { _, err := NewBLEUScorer("chrf", "13a"); return err }, "takes no tokenizer"},
		{"unknown metric", func() error { _, err := NewBLEUScorer("meteor", ""); return err }, `"meteor"`},
		{"stem", func() error {
			_, err := NewScorer(ScorerSpec{Name: "bleu", ScorerOptions: ScorerOptions{Stem: true}})
			return err
		}, "stem"},
		{"spec tokenizer on chrf++", func() error {
			_, err := NewScorer(ScorerSpec{Name: "chrf++", ScorerOptions: ScorerOptions{Tokenizer: "zh"}})
			return err
		}, "takes no tokenizer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.run(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestSacreScorerNoReference(t *testing.T) {
	for _, name := range []string{"bleu", "chrf", "chrf++"} {
		sc, err := LookupScorer(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := sc.(CaseChecker).CheckCase(&Case{ID: "x"}); err == nil {
			t.Errorf("%s: CheckCase accepted a case without references", name)
		}
		if got := sc.Score("anything", &Case{ID: "x"}); got.Value != 0 || got.Scorer != name {
			t.Errorf("%s: Score without references = %+v, want 0", name, got)
		}
	}
}
