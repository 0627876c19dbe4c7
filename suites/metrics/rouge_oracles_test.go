package metrics

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/llmbench/llmbench/internal/shareddata"
)

// rougeOraclesDir finds shared/data/oracles in this package's folder or
// one of its parents (CI lays shared/ beside the repository). Outside CI a
// missing folder skips the test; in CI (env CI set) it fails it.
func rougeOraclesDir(t testing.TB) string {
	return shareddata.Path(t, "oracles")
}

func readRougeOracle(t testing.TB, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(rougeOraclesDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// oraclePRF is a score as the oracle files write it.
type oraclePRF struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	Fmeasure  float64 `json:"fmeasure"`
}

func (o oraclePRF) prf() PRF { return PRF{Precision: o.Precision, Recall: o.Recall, F: o.Fmeasure} }

type oracleScores struct {
	Rouge1    *oraclePRF `json:"rouge1"`
	Rouge2    *oraclePRF `json:"rouge2"`
	RougeL    *oraclePRF `json:"rougeL"`
	RougeLsum *oraclePRF `json:"rougeLsum"`
}

// byMetric returns the metrics the oracle gives, by rouge-score type name.
func (o oracleScores) byMetric() map[string]PRF {
	out := map[string]PRF{}
	for name, p := range map[string]*oraclePRF{"rouge1": o.Rouge1, "rouge2": o.Rouge2, "rougeL": o.RougeL, "rougeLsum": o.RougeLsum} {
		if p != nil {
			out[name] = p.prf()
		}
	}
	return out
}

// rougeEnFile is rouge_en.json: Google rouge-score outputs.
type rougeEnFile struct {
	Pairs []struct {
		ID         string `json:"id"`
		Kind       string `json:"kind"`
		Target     string `json:"target"`
		Prediction string `json:"prediction"`
		Tokens     struct {
			Target            []string `json:"target"`
			Prediction        []string `json:"prediction"`
			TargetStemmed     []string `json:"target_stemmed"`
			PredictionStemmed []string `json:"prediction_stemmed"`
		} `json:"tokens"`
		Scores struct {
			Nostem oracleScores `json:"nostem"`
			Stem   oracleScores `json:"stem"`
		} `json:"scores"`
	} `json:"pairs"`
	MeanFmeasureNonEdge struct {
		Nostem map[string]float64 `json:"nostem"`
		Stem   map[string]float64 `json:"stem"`
	} `json:"mean_fmeasure_non_edge"`
}

// oracleVariant is one tokenizer's result in rouge_zh.json.
type oracleVariant struct {
	Tokens struct {
		Reference  []string `json:"reference"`
		Prediction []string `json:"prediction"`
	} `json:"tokens"`
	Scores oracleScores `json:"scores"`
}

// rougeZhFile is rouge_zh.json. Its opencompass_jieba variant (B) is not
// read: it needs jieba's segmentation, which this package does not do.
type rougeZhFile struct {
	Pairs []struct {
		ID               string        `json:"id"`
		Kind             string        `json:"kind"`
		Reference        string        `json:"reference"`
		Prediction       string        `json:"prediction"`
		CharLevel        oracleVariant `json:"char_level"`
		DefaultTokenizer oracleVariant `json:"default_tokenizer"`
	} `json:"pairs"`
	AggregateNonEdge struct {
		CharLevelMeanF map[string]float64 `json:"char_level_mean_f"`
	} `json:"aggregate_non_edge"`
}
