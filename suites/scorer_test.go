package suites

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestScorerRegistry(t *testing.T) {
	if diff := cmp.Diff([]string{"bleu", "choice", "chrf", "chrf++", "cider", "exact", "gsm8k-flexible", "gsm8k-strict", "judge", "keywords", "numeric", "rouge1", "rouge2", "rougeL", "rougeLsum"}, ScorerNames()); diff != "" {
		t.Errorf("ScorerNames (-want +got):\n%s", diff)
	}
	for _, n := range ScorerNames() {
		s, err := LookupScorer(n)
		if err != nil {
			t.Fatalf("LookupScorer(%q): %v", n, err)
		}
		if s.Name() != n {
			t.Errorf("LookupScorer(%q).Name() = %q", n, s.Name())
		}
		sc := s.Score("x", &Case{References: []string{"x"}})
		if sc.Scorer != n || sc.Version == "" {
			t.Errorf("%s: Score carries Scorer %q Version %q", n, sc.Scorer, sc.Version)
		}
	}
	_, err := LookupScorer("no-such-scorer")
	if err == nil || !strings.Contains(err.Error(), `unknown scorer "no-such-scorer"`) || !strings.Contains(err.Error(), "numeric") {
		t.Errorf("LookupScorer(no-such-scorer) error = %v, want it to name the scorer and list the known ones", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("registering exact twice did not panic")
		}
	}()
	RegisterScorer(exactScorer{})
}

func TestExact(t *testing.T) {
	tests := []struct {
		name   string
		output string
		refs   []string
		want   float64
	}{
		{"same", "Paris", []string{"Paris"}, 1},
		{"case and space", "  the   Eiffel\tTower \n", []string{"the eiffel tower"}, 1},
		{"second reference", "B", []string{"A", "b"}, 1},
		{"extra word", "Paris, France", []string{"Paris"}, 0},
		{"no references", "Paris", nil, 0},
		{"empty output", "", []string{"Paris"}, 0},
		{"chinese", " 北京 ", []string{"北京"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := exactScorer{}.Score(tt.output, &Case{References: tt.refs})
			want := Score{Scorer: "exact", Value: tt.want, Binary: true, Version: exactVersion}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestKeywords(t *testing.T) {
	tests := []struct {
		name     string
		output   string
		keywords any // nil: no field
		refs     []string
		want     float64
	}{
		{"all found", "The bridge will close for six months.", []any{"bridge", "six months"}, nil, 1},
		{"half found", "The bridge will close.", []any{"bridge", "six months"}, nil, 0.5},
		{"alternatives", "Floods hit the town", []any{"flood|floods|flooding"}, nil, 1},
		{"case and full width", "ＮＡＳＡ said ４２ rockets", []any{"nasa", "42"}, nil, 1},
		{"not inside a word", "a category of things", []any{"cat"}, nil, 0},
		{"number not inside a number", "there are 17 and 7.5", []any{"7"}, nil, 0},
		{"number alone", "I count 7 circles.", []any{"7"}, nil, 1},
		{"number before full stop", "The total is 214.", []any{"214"}, nil, 1},
		{"thousands", "about 12,000 people", []any{"12,000|12000", "000"}, nil, 0.5},
		{"chinese anywhere", "青禾市地铁5号线南延段开通", []any{"地铁", "5号线", "南延", "试运营"}, nil, 0.75},
		{"space collapsed", "six\n  months", []any{"six months"}, nil, 1},
		{"references as keywords", "The answer is 214", nil, []string{"214"}, 1},
		{"single string field", "Room 214", "room", nil, 1},
		{"no keywords at all", "anything", nil, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Case{Fields: map[string]any{}, References: tt.refs}
			if tt.keywords != nil {
				c.Fields["keywords"] = tt.keywords
			}
			got := keywordsScorer{}.Score(tt.output, c)
			want := Score{Scorer: "keywords", Value: tt.want, Version: keywordsVersion}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestKeywordsCheckCase(t *testing.T) {
	tests := []struct {
		name    string
		fields  map[string]any
		refs    []string
		wantErr string
	}{
		{"list", map[string]any{"keywords": []any{"a", "b"}}, nil, ""},
		{"references instead", map[string]any{}, []string{"x"}, ""},
		{"nothing", map[string]any{}, nil, "no keywords"},
		{"empty list", map[string]any{"keywords": []any{}}, []string{"x"}, "is empty"},
		{"object in list", map[string]any{"keywords": []any{map[string]any{}}}, nil, "list strings only"},
		{"blank keyword", map[string]any{"keywords": []any{" | "}}, nil, "blank"},
		{"boolean field", map[string]any{"keywords": true}, nil, "make it a list of strings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := keywordsScorer{}.CheckCase(&Case{Fields: tt.fields, References: tt.refs})
			checkErr(t, err, tt.wantErr)
		})
	}
}

// checkErr wants no error when want is "", else an error containing want.
func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("unexpected error: %v", err)
	case want != "" && err == nil:
		t.Errorf("no error, want one containing %q", want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Errorf("error %q does not contain %q", err, want)
	}
}

// randomText mixes ASCII words, digits, Chinese, punctuation and space.
func randomText(r *rand.Rand) string {
	pieces := []string{"the", "cat", "42", "3/4", "1,234", "-7", "北京", "地铁", "。", ",", " ", "\n", "Answer:", "答案：", "####", "$", "%", "ＮＡＳＡ", "İ", "é", "😀"}
	var b strings.Builder
	for range r.IntN(12) {
		b.WriteString(pieces[r.IntN(len(pieces))])
		if r.IntN(2) == 0 {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// TestScorerProperties: every score is in [0,1] (and 0 or 1 when binary),
// or [0,100] for a scorer on a 0–100 scale (MaxValue), and an output
// identical to the reference scores the maximum whenever the scorer
// accepts the case (numeric refuses references that are not numbers).
func TestScorerProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, name := range ScorerNames() {
		s, _ := LookupScorer(name)
		t.Run(name, func(t *testing.T) {
			// top is the scale's maximum; limit lets 0–100 scores, which come
			// from exp(mean log precision) as in sacreBLEU, round above it.
			top, limit := 1.0, 1.0
			if m, ok := s.(interface{ MaxValue() float64 }); ok {
				top = m.MaxValue()
				limit = top * (1 + 1e-12)
			}
			if IsDeferred(s) {
				t.Skip("deferred: its scores come from the judge phase, not from Score")
			}
			if _, ok := s.(Preparer); ok {
				t.Skip("needs the suite's references first; tested prepared in cider_test.go")
			}
			// gsm8k-strict reads only "#### N", as lm-eval does, so a bare
			// copy of the reference is no answer to it.
			identicalTop := name != "gsm8k-strict"
			for range 2000 {
				out, ref := randomText(r), randomText(r)
				sc := s.Score(out, &Case{References: []string{ref}, Fields: map[string]any{}})
				if sc.Value < 0 || sc.Value > limit || sc.Value != sc.Value {
					t.Fatalf("Score(%q, ref %q) = %v, outside [0,%v]", out, ref, sc.Value, top)
				}
				if sc.Binary && sc.Value != 0 && sc.Value != 1 {
					t.Fatalf("binary Score(%q, ref %q) = %v", out, ref, sc.Value)
				}
			}
			for _, ref := range []string{"Paris", "42", "the cat sat", "北京地铁", "-3/4", "1,234.5", "ＮＡＳＡ 2024"} {
				if !identicalTop {
					break
				}
				c := &Case{References: []string{ref}, Fields: map[string]any{}}
				if cc, ok := s.(CaseChecker); ok && cc.CheckCase(c) != nil {
					continue
				}
				if got := s.Score(ref, c).Value; got != top && math.Abs(got-top) > limit-top {
					t.Errorf("identical output %q scored %v, want %v", ref, got, top)
				}
			}
		})
	}
}
