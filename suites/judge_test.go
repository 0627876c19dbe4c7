package suites

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/providers"
)

const judgeCases = `{"id": "a", "q": "Explain tides.", "reference": "The moon's gravity."}` + "\n"

func TestLoadJudge(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want *JudgeSpec
	}{
		{"rubric", "judge:\n  mode: rubric\n  rubric: |\n    10 if right.\n", &JudgeSpec{Mode: JudgeRubric, Rubric: "10 if right.\n"}},
		{"rubric is the default mode", "judge: {rubric: be strict}\n", &JudgeSpec{Mode: JudgeRubric, Rubric: "be strict"}},
		{"pairwise without guidance", "judge: {mode: pairwise}\n", &JudgeSpec{Mode: JudgePairwise}},
		{"pairwise with guidance", "judge: {mode: pairwise, rubric: prefer brevity}\n", &JudgeSpec{Mode: JudgePairwise, Rubric: "prefer brevity"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yml := "name: j\nprompt: \"{{.q}}\"\nscorers: [judge, rougeL]\ncases: c.jsonl\n" + tt.yaml
			s, err := Load(writeSuite(t, map[string]string{"suite.yaml": yml, "c.jsonl": judgeCases}))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, s.Judge); diff != "" {
				t.Errorf("judge (-want +got):\n%s", diff)
			}
			if !s.UsesJudge() {
				t.Error("UsesJudge = false")
			}
			list, err := s.BuildScorers()
			if err != nil {
				t.Fatal(err)
			}
			if !IsDeferred(list[0]) || IsDeferred(list[1]) {
				t.Errorf("deferred: judge %v, rougeL %v", IsDeferred(list[0]), IsDeferred(list[1]))
			}
		})
	}
}

func TestLoadJudgeErrors(t *testing.T) {
	base := "name: j\nprompt: \"{{.q}}\"\ncases: c.jsonl\n"
	tests := []struct {
		name string
		yaml string // appended to base
		want []want
	}{
		{"judge scorer without judge key", "scorers: [judge]\n", []want{{"suite.yaml", 4, "scorer judge needs a judge: mapping"}}},
		{"judge key without judge scorer", "scorers: [exact]\njudge: {mode: pairwise}\n", []want{{"suite.yaml", 5, "does not list judge"}}},
		{"rubric mode without rubric", "scorers: [judge]\njudge: {mode: rubric}\n", []want{{"suite.yaml", 5, "needs rubric:"}}},
		{"blank rubric", "scorers: [judge]\njudge:\n  rubric: \"  \"\n", []want{{"suite.yaml", 6, "needs rubric:"}}},
		{"unknown mode", "scorers: [judge]\njudge:\n  mode: ranking\n", []want{{"suite.yaml", 6, `judge mode "ranking" is not known`}}},
		{"mode not text", "scorers: [judge]\njudge:\n  mode: [a]\n", []want{{"suite.yaml", 6, `judge mode "list" is not known`}}},
		{"rubric not text", "scorers: [judge]\njudge:\n  rubric: {a: 1}\n", []want{{"suite.yaml", 6, "judge rubric must be text"}}},
		{"unknown key", "scorers: [judge]\njudge:\n  rubric: x\n  scale: 5\n", []want{{"suite.yaml", 7, `unknown judge key "scale"`}}},
		{"not a mapping", "scorers: [judge]\njudge: pairwise\n", []want{{"suite.yaml", 5, "judge must be a mapping"}}},
		{"judge takes no options", "scorers: [{name: judge, stem: true}]\njudge: {mode: pairwise}\n", []want{{"suite.yaml", 4, "takes no options"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(writeSuite(t, map[string]string{"suite.yaml": base + tt.yaml, "c.jsonl": judgeCases}))
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("error %v is not a *LoadError", err)
			}
			if len(le.Problems) != len(tt.want) {
				t.Fatalf("problems:\n%v\nwant %d", err, len(tt.want))
			}
			for i, w := range tt.want {
				p := le.Problems[i]
				if !strings.HasSuffix(p.File, w.file) || p.Line != w.line || !strings.Contains(p.Msg, w.msg) {
					t.Errorf("problem %d = %s, want %s:%d: …%s…", i, p, w.file, w.line, w.msg)
				}
			}
		})
	}
}

// TestJudgeHash: the judge key is part of the hash when set, and a suite
// without it hashes exactly as the definition did before the key existed.
func TestJudgeHash(t *testing.T) {
	load := func(yml string) *Suite {
		t.Helper()
		s, err := Load(writeSuite(t, map[string]string{"suite.yaml": yml, "c.jsonl": judgeCases}))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	head := "name: j\nprompt: \"{{.q}}\"\ncases: c.jsonl\n"
	plain := load(head + "scorers: [exact]\n")
	// The definition's canonical JSON as it was written before judge:.
	h := sha256.New()
	h.Write(canonicalJSON(struct {
		Name     string           `json:"name"`
		System   string           `json:"system"`
		Prompt   string           `json:"prompt"`
		Scorers  []string         `json:"scorers"`
		Params   providers.Params `json:"params"`
		Document string           `json:"document,omitempty"`
	}{plain.Name, plain.System, plain.PromptText, plain.Scorers, plain.Params, plain.DocumentField}))
	for _, c := range casesOf(t, plain) {
		h.Write([]byte("\n" + c.Hash))
	}
	if want := hex.EncodeToString(h.Sum(nil)); plain.Hash != want {
		t.Errorf("a suite without judge: hashes %s, want the old definition's %s", plain.Hash, want)
	}

	rubricA := load(head + "scorers: [judge]\njudge: {rubric: strict}\n")
	rubricB := load(head + "scorers: [judge]\njudge: {rubric: lenient}\n")
	pairwise := load(head + "scorers: [judge]\njudge: {mode: pairwise, rubric: strict}\n")
	again := load(head + "scorers: [judge]\njudge: {mode: rubric, rubric: strict}\n")
	if rubricA.Hash == rubricB.Hash || rubricA.Hash == pairwise.Hash {
		t.Error("changing the rubric or the mode left the hash alone")
	}
	if rubricA.Hash != again.Hash {
		t.Error("an explicit default mode changed the hash")
	}
}

func TestJudgeScorerIsInert(t *testing.T) {
	sc, err := LookupScorer(JudgeScorer)
	if err != nil {
		t.Fatal(err)
	}
	got := sc.Score("Answer: 7", &Case{ID: "a", References: []string{"7"}})
	if got.Value != 0 || math.IsNaN(got.Value) || got.Extracted != "[deferred]" || got.Scorer != JudgeScorer {
		t.Errorf("Score = %+v, want a NaN-free zero marked [deferred]", got)
	}
	if !IsDeferred(sc) {
		t.Error("judge is not Deferred")
	}
	ex, err := LookupScorer("exact")
	if err != nil {
		t.Fatal(err)
	}
	if IsDeferred(ex) {
		t.Error("exact is Deferred")
	}
}

func TestScorePairsRefusesJudge(t *testing.T) {
	pairs := []Pair{{ID: "a", Output: "x", References: []string{"x"}, Line: 1}}
	_, err := ScorePairs(pairs, []ScorerSpec{{Name: "exact"}, {Name: JudgeScorer}})
	if err == nil || !strings.Contains(err.Error(), "judge model") {
		t.Errorf("ScorePairs with judge: %v, want an error saying it needs a judge model", err)
	}
}
