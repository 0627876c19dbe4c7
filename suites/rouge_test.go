package suites

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmbench/llmbench/internal/shareddata"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// oraclesDir finds shared/data/oracles in this checkout's folder or one of
// its parents (the repository and shared/ sit side by side). Outside CI a
// missing folder skips the test; in CI it fails it.
func oraclesDir(t *testing.T) string {
	return shareddata.Path(t, "oracles")
}

func readOracle(t *testing.T, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(oraclesDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

type prf struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	Fmeasure  float64 `json:"fmeasure"`
}

var approx = cmpopts.EquateApprox(0, 1e-6)

type rougeOracleScores struct {
	Rouge1    *prf `json:"rouge1"`
	Rouge2    *prf `json:"rouge2"`
	RougeL    *prf `json:"rougeL"`
	RougeLsum *prf `json:"rougeLsum"`
}

func (o rougeOracleScores) byMetric() map[string]prf {
	out := map[string]prf{}
	for m, p := range map[string]*prf{"rouge1": o.Rouge1, "rouge2": o.Rouge2, "rougeL": o.RougeL, "rougeLsum": o.RougeLsum} {
		if p != nil {
			out[m] = *p
		}
	}
	return out
}

// checkRougeScore checks one scorer's Score against an oracle F.
func checkRougeScore(t *testing.T, sc Scorer, id, output string, refs []string, wantF float64, wantTok string) {
	t.Helper()
	got := sc.Score(output, &Case{References: refs})
	want := Score{Scorer: sc.Name(), Value: wantF, Tokenizer: wantTok, Version: rougeVersion}
	if diff := cmp.Diff(want, got, approx); diff != "" {
		t.Errorf("%s %s (-want +got):\n%s", id, sc.Name(), diff)
	}
}

func mustRougeScorer(t *testing.T, metric, tokenizer string, stem bool) Scorer {
	t.Helper()
	sc, err := NewRougeScorer(metric, tokenizer, stem)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// TestRougeScorersOracleEnglish runs the four registered scorers and their
// stemming variants over every pair of rouge_en.json: the F they store is
// Google rouge-score's.
func TestRougeScorersOracleEnglish(t *testing.T) {
	var file struct {
		Pairs []struct {
			ID         string `json:"id"`
			Target     string `json:"target"`
			Prediction string `json:"prediction"`
			Scores     struct {
				Nostem rougeOracleScores `json:"nostem"`
				Stem   rougeOracleScores `json:"stem"`
			} `json:"scores"`
		} `json:"pairs"`
	}
	readOracle(t, "rouge_en.json", &file)
	if len(file.Pairs) < 40 {
		t.Fatalf("only %d pairs in rouge_en.json", len(file.Pairs))
	}
	for _, metric := range rougeMetrics {
		t.Run(metric, func(t *testing.T) {
			registered, err := LookupScorer(metric)
			if err != nil {
				t.Fatal(err)
			}
			stemmed := mustRougeScorer(t, metric, "default", true)
			for _, p := range file.Pairs {
				refs := []string{p.Target}
				checkRougeScore(t, registered, p.ID, p.Prediction, refs, p.Scores.Nostem.byMetric()[metric].Fmeasure, TokenizerRougeScore)
				checkRougeScore(t, stemmed, p.ID, p.Prediction, refs, p.Scores.Stem.byMetric()[metric].Fmeasure, TokenizerRougeScore+"+porter")
			}
		})
	}
}

// TestRougeScorersOracleChinese runs the registered rouge1, rouge2 and
// rougeL scorers over every pair of rouge_zh.json: with a Chinese
// reference they pick zh-char and give the char_level (variant A) F;
// otherwise, and with the tokenizer forced to default, rouge-score's.
// Variant B (OpenCompass: jieba + rouge_chinese) is not reproduced.
func TestRougeScorersOracleChinese(t *testing.T) {
	type variant struct {
		Scores rougeOracleScores `json:"scores"`
	}
	var file struct {
		Pairs []struct {
			ID               string  `json:"id"`
			Reference        string  `json:"reference"`
			Prediction       string  `json:"prediction"`
			CharLevel        variant `json:"char_level"`
			DefaultTokenizer variant `json:"default_tokenizer"`
		} `json:"pairs"`
	}
	readOracle(t, "rouge_zh.json", &file)
	if len(file.Pairs) < 40 {
		t.Fatalf("only %d pairs in rouge_zh.json", len(file.Pairs))
	}
	for _, metric := range []string{"rouge1", "rouge2", "rougeL"} {
		t.Run(metric, func(t *testing.T) {
			registered, err := LookupScorer(metric)
			if err != nil {
				t.Fatal(err)
			}
			forced := mustRougeScorer(t, metric, "default", false)
			for _, p := range file.Pairs {
				refs := []string{p.Reference}
				def := p.DefaultTokenizer.Scores.byMetric()[metric].Fmeasure
				if hasCJK(p.Reference) {
					checkRougeScore(t, registered, p.ID, p.Prediction, refs, p.CharLevel.Scores.byMetric()[metric].Fmeasure, TokenizerZhChar)
				} else {
					checkRougeScore(t, registered, p.ID, p.Prediction, refs, def, TokenizerRougeScore)
				}
				checkRougeScore(t, forced, p.ID, p.Prediction, refs, def, TokenizerRougeScore)
			}
		})
	}
}

func TestRougeScorer(t *testing.T) {
	tests := []struct {
		name      string
		metric    string
		tokenizer string
		stem      bool
		output    string
		refs      []string
		want      float64
		wantTok   string
	}{
		{"best of references", "rougeL", "", false, "the cat sat on the mat", []string{"a dog ran", "the cat sat on the mat"}, 1, TokenizerRougeScore},
		{"word order", "rougeL", "", false, "the man bit the dog", []string{"the dog bit the man"}, 0.6, TokenizerRougeScore},
		{"word order rouge1", "rouge1", "", false, "the man bit the dog", []string{"the dog bit the man"}, 1, TokenizerRougeScore},
		{"word order rouge2", "rouge2", "", false, "the man bit the dog", []string{"the dog bit the man"}, 0.75, TokenizerRougeScore},
		{"rougeLsum over lines", "rougeLsum", "", false, "no one was hurt\nfire crews were called", []string{"fire crews were called\nno one was hurt"}, 1, TokenizerRougeScore},
		{"rougeL across lines", "rougeL", "", false, "no one was hurt\nfire crews were called", []string{"fire crews were called\nno one was hurt"}, 0.5, TokenizerRougeScore},
		{"chinese reference switches tokenizer", "rougeL", "", false, "北京地铁票价调整", []string{"北京地铁票价将调整"}, 2 * (8.0 / 9) / (1 + 8.0/9), TokenizerZhChar},
		{"chinese among references", "rouge1", "", false, "Beijing metro", []string{"Beijing metro", "北京地铁"}, 1, TokenizerZhChar},
		{"chinese in the output only", "rouge1", "", false, "北京 metro", []string{"Beijing metro"}, 2.0 / 3, TokenizerRougeScore},
		{"explicit default drops chinese", "rouge1", "default", false, "北京地铁", []string{"北京地铁"}, 0, TokenizerRougeScore},
		{"explicit zh-char on english", "rouge1", "zh-char", false, "cats", []string{"cats"}, 1, TokenizerZhChar},
		{"stemming", "rouge1", "", true, "the cats were running", []string{"a cat runs"}, 2 * 0.5 * (2.0 / 3) / (0.5 + 2.0/3), TokenizerRougeScore + "+porter"},
		{"stemming with zh-char", "rouge1", "auto", true, "cats 猫", []string{"cat 猫"}, 1, TokenizerZhChar + "+porter"},
		{"empty output", "rougeLsum", "", false, "", []string{"something"}, 0, TokenizerRougeScore},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := mustRougeScorer(t, tt.metric, tt.tokenizer, tt.stem)
			got := sc.Score(tt.output, &Case{References: tt.refs})
			want := Score{Scorer: tt.metric, Value: tt.want, Tokenizer: tt.wantTok, Version: rougeVersion}
			if diff := cmp.Diff(want, got, approx); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewRougeScorer(t *testing.T) {
	tests := []struct {
		name      string
		metric    string
		tokenizer string
		wantErr   string
	}{
		{"auto", "rouge1", "", ""},
		{"auto by name", "rougeLsum", "auto", ""},
		{"default", "rouge2", "default", ""},
		{"rouge-score", "rougeL", "rouge-score", ""},
		{"zh-char", "rougeL", "zh-char", ""},
		{"other n", "rouge4", "", ""},
		{"unknown metric", "rougeX", "", `unknown rouge metric "rougeX"`},
		{"unknown tokenizer", "rouge1", "jieba", `scorer rouge1: unknown rouge tokenizer "jieba"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := NewRougeScorer(tt.metric, tt.tokenizer, false)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if sc.Name() != tt.metric {
				t.Errorf("Name() = %q", sc.Name())
			}
		})
	}
}

// TestRougeScorersRegistered checks the registry side: the four names, their
// option factories (a suite's {name: rouge1, stem: true}), and that every
// case needs a reference.
func TestRougeScorersRegistered(t *testing.T) {
	for _, metric := range rougeMetrics {
		sc, err := LookupScorer(metric)
		if err != nil {
			t.Fatal(err)
		}
		if sc.Name() != metric {
			t.Errorf("%s registered as %q", metric, sc.Name())
		}
		if err := sc.(CaseChecker).CheckCase(&Case{ID: "a"}); err == nil {
			t.Errorf("%s accepts a case without a reference", metric)
		}
		withOpts, err := NewScorer(ScorerSpec{Name: metric, ScorerOptions: ScorerOptions{Tokenizer: "zh-char", Stem: true}})
		if err != nil {
			t.Fatal(err)
		}
		if got := withOpts.Score("cats", &Case{References: []string{"cat"}}); got.Tokenizer != "zh-char+porter" {
			t.Errorf("%s with options used %q", metric, got.Tokenizer)
		}
		if _, err := NewScorer(ScorerSpec{Name: metric, ScorerOptions: ScorerOptions{Tokenizer: "13a"}}); err == nil {
			t.Errorf("%s accepted tokenizer 13a", metric)
		}
	}
}

func TestRougeCheckCase(t *testing.T) {
	tests := []struct {
		name      string
		metric    string
		tokenizer string
		refs      []string
		wantErr   string
	}{
		{"no reference", "rouge1", "", nil, "reference"},
		{"one word is enough for rouge1", "rouge1", "", []string{"Paris"}, ""},
		{"one word is too short for rouge2", "rouge2", "", []string{"Paris"}, "every reference has fewer than 2 tokens under the rouge-score tokenizer, so every answer would score 0 on rouge2"},
		{"one long reference is enough", "rouge2", "", []string{"Paris", "the city of Paris"}, ""},
		{"chinese reference, auto", "rouge2", "", []string{"巴黎"}, ""},
		{"chinese reference, default forced", "rougeL", "default", []string{"巴黎"}, "no reference has a token under the rouge-score tokenizer (it drops Chinese: use tokenizer zh-char), so every answer would score 0 on rougeL"},
		{"punctuation only", "rougeLsum", "", []string{"— … —"}, "no reference has a token"},
		{"rouge4", "rouge4", "", []string{"a b c"}, "fewer than 4 tokens"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := mustRougeScorer(t, tt.metric, tt.tokenizer, false)
			err := sc.(CaseChecker).CheckCase(&Case{ID: "a", References: tt.refs})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func BenchmarkRougeScorer(b *testing.B) {
	words := strings.Fields("the a of to in said minister government people year running police club league")
	var ref, out strings.Builder
	for i := range 250 {
		ref.WriteString(words[i%len(words)] + " ")
		out.WriteString(words[(i*7)%len(words)] + " ")
	}
	c := &Case{References: []string{ref.String()}}
	for _, metric := range rougeMetrics {
		sc, err := LookupScorer(metric)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(metric, func(b *testing.B) {
			for b.Loop() {
				sc.Score(out.String(), c)
			}
		})
	}
}
