package suites

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestGSM8KScorersOnOracle: through the registry, both scorers give
// lm-eval's extracted string and exact_match for every oracle case, with
// the whole answer field and with the bare gold as the reference.
func TestGSM8KScorersOnOracle(t *testing.T) {
	f := loadGSM8KOracle(t)
	strict, err := LookupScorer("gsm8k-strict")
	if err != nil {
		t.Fatal(err)
	}
	flexible, err := LookupScorer("gsm8k-flexible")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range f.Cases {
		t.Run(c.ID, func(t *testing.T) {
			for _, ref := range []string{c.ReferenceAnswerField, c.Gold} {
				cs := &Case{References: []string{ref}}
				for _, m := range []struct {
					sc   Scorer
					want gsm8kOracleRun
				}{{strict, c.Strict}, {flexible, c.Flexible}} {
					want := Score{Scorer: m.sc.Name(), Binary: true, Extracted: m.want.Extracted, Version: gsm8kVersion}
					if m.want.ExactMatch {
						want.Value = 1
					}
					if diff := cmp.Diff(want, m.sc.Score(c.Output, cs)); diff != "" {
						t.Errorf("%s, reference %q (-want +got):\n%s", m.sc.Name(), ref, diff)
					}
				}
			}
		})
	}
}

func TestGSM8KScorer(t *testing.T) {
	tests := []struct {
		name   string
		scorer string
		output string
		refs   []string
		want   Score
	}{
		{"strict first hashes", "gsm8k-strict", "#### 7\nWait.\n#### 15", []string{"15"},
			Score{Value: 0, Extracted: "7"}},
		{"flexible last number", "gsm8k-flexible", "#### 7\nWait.\n#### 15", []string{"15"},
			Score{Value: 1, Extracted: "15"}},
		{"second reference", "gsm8k-strict", "#### 8", []string{"7", "8"},
			Score{Value: 1, Extracted: "8"}},
		{"decimal zero stays wrong", "gsm8k-strict", "#### 42.0", []string{"42"},
			Score{Value: 0, Extracted: "42.0"}},
		{"nothing", "gsm8k-flexible", "no idea", []string{"5"},
			Score{Value: 0, Extracted: "[invalid]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := LookupScorer(tt.scorer)
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Scorer, tt.want.Binary, tt.want.Version = tt.scorer, true, gsm8kVersion
			if diff := cmp.Diff(tt.want, sc.Score(tt.output, &Case{References: tt.refs})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestGSM8KCheckCase(t *testing.T) {
	tests := []struct {
		name    string
		refs    []string
		wantErr string
	}{
		{"number", []string{"6,250"}, ""},
		{"answer field", []string{"3 x 2 = <<3*2=6>>6\n#### 6"}, ""},
		{"none", nil, "no reference"},
		{"negative decimal", []string{"-0.5"}, ""},
		{"dollar only", []string{"$"}, "can never extract"},
		{"hashes only", []string{"work\n#### "}, "can never extract"},
		{"word", []string{"Paris"}, "can never extract"},
		{"fraction", []string{"3/4"}, "can never extract"},
		{"field without hashes", []string{"3 x 2 = 6"}, "can never extract"},
	}
	for _, name := range []string{"gsm8k-strict", "gsm8k-flexible"} {
		sc, err := LookupScorer(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range tests {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				checkErr(t, sc.(CaseChecker).CheckCase(&Case{References: tt.refs}), tt.wantErr)
			})
		}
	}
}
