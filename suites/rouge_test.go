package suites

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// oraclesDir finds shared/data/oracles in this checkout's folder or one of
// its parents (the repository and shared/ sit side by side). Outside CI a
// missing folder skips the test; in CI it fails it.
func oraclesDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "data", "oracles")
		if _, err := os.Stat(filepath.Join(p, "README.md")); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	if os.Getenv("CI") != "" {
		t.Fatal("shared/data/oracles not found beside the repository")
	}
	t.Skip("shared/data/oracles not found beside the repository")
	return ""
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

// TestRougeLOracleEnglish checks the rouge-score tokenizer and ROUGE-L
// against Google rouge-score's own outputs (unstemmed), every pair.
func TestRougeLOracleEnglish(t *testing.T) {
	var file struct {
		Pairs []struct {
			ID         string `json:"id"`
			Target     string `json:"target"`
			Prediction string `json:"prediction"`
			Tokens     struct {
				Target     []string `json:"target"`
				Prediction []string `json:"prediction"`
			} `json:"tokens"`
			Scores struct {
				Nostem struct {
					RougeL prf `json:"rougeL"`
				} `json:"nostem"`
			} `json:"scores"`
		} `json:"pairs"`
	}
	readOracle(t, "rouge_en.json", &file)
	if len(file.Pairs) < 40 {
		t.Fatalf("only %d pairs in rouge_en.json", len(file.Pairs))
	}
	for _, p := range file.Pairs {
		t.Run(p.ID, func(t *testing.T) {
			ref, pred := rougeScoreTokens(p.Target), rougeScoreTokens(p.Prediction)
			if diff := cmp.Diff(p.Tokens.Target, ref, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("target tokens (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(p.Tokens.Prediction, pred, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("prediction tokens (-want +got):\n%s", diff)
			}
			var got prf
			got.Precision, got.Recall, got.Fmeasure = rougeL(ref, pred)
			if diff := cmp.Diff(p.Scores.Nostem.RougeL, got, approx); diff != "" {
				t.Errorf("rougeL (-want +got):\n%s", diff)
			}
			if !hasCJK(p.Target) {
				sc := rougeLScorer{}.Score(p.Prediction, &Case{References: []string{p.Target}})
				if sc.Tokenizer != TokenizerRougeScore || !cmp.Equal(p.Scores.Nostem.RougeL.Fmeasure, sc.Value, approx) {
					t.Errorf("scorer gave %v with %s, want %v with %s", sc.Value, sc.Tokenizer, p.Scores.Nostem.RougeL.Fmeasure, TokenizerRougeScore)
				}
			}
		})
	}
}

// TestRougeLOracleChinese checks the zh-char tokenizer and ROUGE-L against
// the oracle's char_level (variant A) results, every pair.
func TestRougeLOracleChinese(t *testing.T) {
	var file struct {
		Pairs []struct {
			ID         string `json:"id"`
			Reference  string `json:"reference"`
			Prediction string `json:"prediction"`
			CharLevel  struct {
				Tokens struct {
					Reference  []string `json:"reference"`
					Prediction []string `json:"prediction"`
				} `json:"tokens"`
				Scores struct {
					RougeL prf `json:"rougeL"`
				} `json:"scores"`
			} `json:"char_level"`
		} `json:"pairs"`
	}
	readOracle(t, "rouge_zh.json", &file)
	if len(file.Pairs) < 40 {
		t.Fatalf("only %d pairs in rouge_zh.json", len(file.Pairs))
	}
	for _, p := range file.Pairs {
		t.Run(p.ID, func(t *testing.T) {
			want := p.CharLevel
			ref, pred := zhCharTokens(p.Reference), zhCharTokens(p.Prediction)
			if diff := cmp.Diff(want.Tokens.Reference, ref, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("reference tokens (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(want.Tokens.Prediction, pred, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("prediction tokens (-want +got):\n%s", diff)
			}
			var got prf
			got.Precision, got.Recall, got.Fmeasure = rougeL(ref, pred)
			if diff := cmp.Diff(want.Scores.RougeL, got, approx); diff != "" {
				t.Errorf("rougeL (-want +got):\n%s", diff)
			}
			if hasCJK(p.Reference) {
				sc := rougeLScorer{}.Score(p.Prediction, &Case{References: []string{p.Reference}})
				if sc.Tokenizer != TokenizerZhChar || !cmp.Equal(want.Scores.RougeL.Fmeasure, sc.Value, approx) {
					t.Errorf("scorer gave %v with %s, want %v with %s", sc.Value, sc.Tokenizer, want.Scores.RougeL.Fmeasure, TokenizerZhChar)
				}
			}
		})
	}
}

func TestRougeLScorer(t *testing.T) {
	tests := []struct {
		name   string
		output string
		refs   []string
		want   Score
	}{
		{"best of references", "the cat sat on the mat", []string{"a dog ran", "the cat sat on the mat"},
			Score{Value: 1, Tokenizer: TokenizerRougeScore}},
		{"word order", "the man bit the dog", []string{"the dog bit the man"},
			Score{Value: 0.6, Tokenizer: TokenizerRougeScore}},
		{"chinese reference switches tokenizer", "北京地铁票价调整", []string{"北京地铁票价将调整"},
			Score{Value: 2 * (1.0 * 8 / 9) / (1 + 8.0/9), Tokenizer: TokenizerZhChar}},
		{"chinese among references", "Beijing metro", []string{"Beijing metro", "北京地铁"},
			Score{Value: 1, Tokenizer: TokenizerZhChar}},
		{"empty output", "", []string{"something"},
			Score{Value: 0, Tokenizer: TokenizerRougeScore}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rougeLScorer{}.Score(tt.output, &Case{References: tt.refs})
			tt.want.Scorer, tt.want.Version = "rougeL", rougeLVersion
			if diff := cmp.Diff(tt.want, got, approx); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func BenchmarkRougeL(b *testing.B) {
	var ref, pred []string
	for i := range 250 {
		ref = append(ref, string(rune('a'+i%26)))
		pred = append(pred, string(rune('a'+(i*7)%26)))
	}
	for b.Loop() {
		rougeL(ref, pred)
	}
}
