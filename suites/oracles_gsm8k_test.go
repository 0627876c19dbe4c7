package suites

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/llmbench/llmbench/internal/shareddata"
)

// gsm8kOracleDir finds shared/data/oracles by walking up from the
// package's folder. Without it the oracle tests skip, unless the
// environment variable CI is set: there a missing oracle is a failure.
func gsm8kOracleDir(t *testing.T) string {
	return shareddata.Path(t, "oracles")
}

// gsm8kOracleFile is gsm8k_extract.json.
type gsm8kOracleFile struct {
	Regexes map[string]json.RawMessage `json:"regexes"`
	Cases   []gsm8kOracleCase          `json:"cases"`
}

type gsm8kOracleCase struct {
	ID                   string         `json:"id"`
	Output               string         `json:"output"`
	Gold                 string         `json:"gold"`
	ReferenceAnswerField string         `json:"reference_answer_field"`
	OutputAfterUntil     string         `json:"output_after_until"`
	Strict               gsm8kOracleRun `json:"strict_match"`
	Flexible             gsm8kOracleRun `json:"flexible_extract"`
	CoTStrict            gsm8kOracleRun `json:"cot_strict_match"`
	ReferenceNormalised  string         `json:"reference_normalised"`
}

type gsm8kOracleRun struct {
	Extracted                       string `json:"extracted"`
	Normalised                      string `json:"normalised"`
	ExactMatch                      bool   `json:"exact_match"`
	ExtractedWithoutUntilTruncation string `json:"extracted_without_until_truncation"`
}

func loadGSM8KOracle(t *testing.T) gsm8kOracleFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(gsm8kOracleDir(t), "gsm8k_extract.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f gsm8kOracleFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("decode gsm8k_extract.json: %v", err)
	}
	if len(f.Cases) == 0 {
		t.Fatal("gsm8k_extract.json has no cases")
	}
	return f
}
