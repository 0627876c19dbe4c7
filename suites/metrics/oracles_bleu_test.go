package metrics

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/llmbench/llmbench/internal/shareddata"
)

// bleuOraclesDir finds shared/data/oracles in this package's folder or one
// of its parents (CI puts shared/ beside the repository). When it is
// missing the test is skipped, unless the CI variable is set: then it fails.
func bleuOraclesDir(t testing.TB) string {
	return shareddata.Path(t, "oracles")
}

// bleuOracle is the layout of bleu_chrf.json (sacreBLEU 2.6.0 outputs).
type bleuOracle struct {
	Pairs []struct {
		ID         string   `json:"id"`
		Kind       string   `json:"kind"`
		Lang       string   `json:"lang"`
		Hypothesis string   `json:"hypothesis"`
		References []string `json:"references"`
		Sentence   struct {
			BLEU13a  BLEUScore `json:"bleu_sentence_13a"`
			BLEUZh   BLEUScore `json:"bleu_sentence_zh"`
			BLEUChar BLEUScore `json:"bleu_sentence_char"`
			ChrF     struct {
				Score float64 `json:"score"`
			} `json:"chrf"`
			ChrFPP struct {
				Score float64 `json:"score"`
			} `json:"chrf_pp"`
		} `json:"sentence"`
	} `json:"pairs"`
	Corpus map[string]struct {
		Kwargs map[string]any `json:"kwargs"`
		IDs    []string       `json:"ids"`
		BLEUScore
	} `json:"corpus"`
}

func readBLEUOracle(t testing.TB) *bleuOracle {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(bleuOraclesDir(t), "bleu_chrf.json"))
	if err != nil {
		t.Fatal(err)
	}
	var o bleuOracle
	if err := json.Unmarshal(data, &o); err != nil {
		t.Fatalf("bleu_chrf.json: %v", err)
	}
	if len(o.Pairs) == 0 || len(o.Corpus) == 0 {
		t.Fatal("bleu_chrf.json: no pairs or no corpus scores")
	}
	return &o
}
