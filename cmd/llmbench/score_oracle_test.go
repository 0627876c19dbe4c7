package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmbench/llmbench/internal/shareddata"
)

// oraclesDir finds ../shared/data/oracles above the package (CI lays
// shared/ beside the repository). Without it the parity tests skip, except
// under CI, where they must run.
func oraclesDir(t *testing.T) string {
	return shareddata.Path(t, "oracles")
}

func readOracle(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(oraclesDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

type scoreLine struct {
	ID        string             `json:"id"`
	Scores    map[string]float64 `json:"scores"`
	Extracted map[string]string  `json:"extracted"`
}

// scoreJSONL runs `llmbench score` on lines and decodes its output by id.
func scoreJSONL(t *testing.T, lines []map[string]any, args ...string) map[string]scoreLine {
	t.Helper()
	var in strings.Builder
	for _, l := range lines {
		b, _ := json.Marshal(l)
		in.Write(b)
		in.WriteByte('\n')
	}
	out, errOut, code := runCLIInput(t, in.String(), append([]string{"score"}, args...)...)
	if code != ExitOK {
		t.Fatalf("score %v: exit %d: %s", args, code, errOut)
	}
	got := map[string]scoreLine{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var s scoreLine
		if err := json.Unmarshal([]byte(l), &s); err != nil {
			t.Fatalf("output line %q: %v", l, err)
		}
		got[s.ID] = s
	}
	if len(got) != len(lines) {
		t.Fatalf("%d output lines for %d inputs", len(got), len(lines))
	}
	return got
}

// TestScoreCLIMatchesRougeScore: the `score` contract reproduces Google
// rouge-score through the command line, stemmed and not.
func TestScoreCLIMatchesRougeScore(t *testing.T) {
	var o struct {
		Pairs []struct {
			ID, Target, Prediction string
			Scores                 map[string]map[string]map[string]float64
		}
	}
	readOracle(t, "rouge_en.json", &o)
	var lines []map[string]any
	for _, p := range o.Pairs {
		lines = append(lines, map[string]any{"id": p.ID, "output": p.Prediction, "reference": p.Target})
	}
	for _, mode := range []string{"nostem", "stem"} {
		args := []string{"--metric", "rouge1,rouge2,rougeL,rougeLsum"}
		if mode == "stem" {
			args = append(args, "--stem")
		}
		got := scoreJSONL(t, lines, args...)
		for _, p := range o.Pairs {
			for metric, want := range p.Scores[mode] {
				if g := got[p.ID].Scores[metric]; math.Abs(g-want["fmeasure"]) > 1e-6 {
					t.Errorf("%s %s %s: got %v, rouge-score %v", mode, p.ID, metric, g, want["fmeasure"])
				}
			}
		}
	}
}

// TestScoreCLIMatchesSacreBLEU: sentence BLEU with each tokenizer, chrF and
// chrF++, and corpus BLEU/chrF, through the command line.
func TestScoreCLIMatchesSacreBLEU(t *testing.T) {
	var o struct {
		Pairs []struct {
			ID, Hypothesis string
			References     []string
			Sentence       map[string]struct{ Score float64 }
		}
		Corpus map[string]struct{ Score float64 }
	}
	readOracle(t, "bleu_chrf.json", &o)
	var lines, coco []map[string]any
	for _, p := range o.Pairs {
		l := map[string]any{"id": p.ID, "output": p.Hypothesis, "references": p.References}
		lines = append(lines, l)
		if strings.HasPrefix(p.ID, "coco-") {
			coco = append(coco, l)
		}
	}
	for _, tok := range []string{"13a", "zh", "char"} {
		got := scoreJSONL(t, lines, "--metric", "bleu,chrf,chrf++", "--tokenizer", tok)
		for _, p := range o.Pairs {
			check := func(metric, key string) {
				want, ok := p.Sentence[key]
				if !ok {
					return
				}
				if g := got[p.ID].Scores[metric]; math.Abs(g-want.Score) > 1e-4 {
					t.Errorf("%s %s (%s): got %v, sacreBLEU %v", p.ID, metric, key, g, want.Score)
				}
			}
			check("bleu", "bleu_sentence_"+tok)
			check("chrf", "chrf")
			check("chrf++", "chrf_pp")
		}
	}
	var in strings.Builder
	for _, l := range coco {
		b, _ := json.Marshal(l)
		in.Write(b)
		in.WriteByte('\n')
	}
	out, errOut, code := runCLIInput(t, in.String(), "score", "--metric", "bleu,chrf,chrf++", "--corpus")
	if code != ExitOK {
		t.Fatalf("corpus: exit %d: %s", code, errOut)
	}
	var corpus struct{ Corpus map[string]float64 }
	if err := json.Unmarshal([]byte(out), &corpus); err != nil {
		t.Fatal(err)
	}
	for metric, key := range map[string]string{"bleu": "bleu_corpus_13a", "chrf": "chrf_corpus", "chrf++": "chrf_pp_corpus"} {
		if g, w := corpus.Corpus[metric], o.Corpus[key].Score; math.Abs(g-w) > 1e-4 {
			t.Errorf("corpus %s: got %v, sacreBLEU %v", metric, g, w)
		}
	}
}

// TestScoreCLIMatchesLmEval: gsm8k-strict and gsm8k-flexible extraction
// and exact match as lm-evaluation-harness computes them, with the full
// GSM8K answer field as the reference, as lm-eval takes it.
func TestScoreCLIMatchesLmEval(t *testing.T) {
	type mode struct {
		Extracted  string `json:"extracted"`
		ExactMatch bool   `json:"exact_match"`
	}
	var o struct {
		Cases []struct {
			ID                   string `json:"id"`
			Output               string `json:"output"`
			ReferenceAnswerField string `json:"reference_answer_field"`
			StrictMatch          mode   `json:"strict_match"`
			FlexibleExtract      mode   `json:"flexible_extract"`
		} `json:"cases"`
	}
	readOracle(t, "gsm8k_extract.json", &o)
	var lines []map[string]any
	for _, c := range o.Cases {
		lines = append(lines, map[string]any{"id": c.ID, "output": c.Output, "reference": c.ReferenceAnswerField})
	}
	got := scoreJSONL(t, lines, "--metric", "gsm8k-strict,gsm8k-flexible")
	b := func(ok bool) float64 {
		if ok {
			return 1
		}
		return 0
	}
	for _, c := range o.Cases {
		g := got[c.ID]
		for metric, want := range map[string]mode{"gsm8k-strict": c.StrictMatch, "gsm8k-flexible": c.FlexibleExtract} {
			if g.Extracted[metric] != want.Extracted || g.Scores[metric] != b(want.ExactMatch) {
				t.Errorf("%s %s: extracted %q score %v; lm-eval %q %v", c.ID, metric, g.Extracted[metric], g.Scores[metric], want.Extracted, want.ExactMatch)
			}
		}
	}
}
