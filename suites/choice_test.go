package suites

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestChoiceScore(t *testing.T) {
	tests := []struct {
		name   string
		output string
		fields map[string]any
		refs   []string
		want   Score
	}{
		{"english marker", "The answer is (A).", nil, []string{"A"}, Score{Value: 1, Extracted: "A"}},
		{"chinese marker", "答案是B", nil, []string{"B"}, Score{Value: 1, Extracted: "B"}},
		{"lower-case reference", "Answer: d", nil, []string{"d"}, Score{Value: 1, Extracted: "D"}},
		{"bracketed reference", "选项C", nil, []string{"(C)"}, Score{Value: 1, Extracted: "C"}},
		{"wrong letter", "正确答案：B", nil, []string{"C"}, Score{Value: 0, Extracted: "B"}},
		{"second reference", "B. Paris", nil, []string{"A", "B"}, Score{Value: 1, Extracted: "B"}},
		{"article is not read", "A cat is a mammal.", nil, []string{"A"}, Score{Value: 0, Extracted: "[invalid]"}},
		{"five listed options", "Answer: E", map[string]any{"options": []any{"a", "b", "c", "d", "e"}}, []string{"E"},
			Score{Value: 1, Extracted: "E"}},
		{"three listed options", "Answer: D, or rather C", map[string]any{"choices": []any{"x", "y", "z"}}, []string{"C"},
			Score{Value: 1, Extracted: "C"}},
		{"options as a mapping", "The answer is E", map[string]any{"options": map[string]any{"A": 1, "B": 2, "C": 3, "D": 4, "E": 5}}, []string{"E"},
			Score{Value: 1, Extracted: "E"}},
		{"option letters as fields", "Answer: E", map[string]any{"A": "x", "B": "y", "C": "z", "D": "w", "E": "v"}, []string{"E"},
			Score{Value: 1, Extracted: "E"}},
		{"reference beyond D widens the range", "Answer: E", nil, []string{"E"}, Score{Value: 1, Extracted: "E"}},
		{"beyond D is not read by default", "Answer: E", nil, []string{"A"}, Score{Value: 0, Extracted: "[invalid]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.want.Scorer, tt.want.Binary, tt.want.Version = "choice", true, choiceVersion
			got := choiceScorer{}.Score(tt.output, &Case{Fields: tt.fields, References: tt.refs})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestChoiceCheckCase(t *testing.T) {
	tests := []struct {
		name    string
		fields  map[string]any
		refs    []string
		wantErr string
	}{
		{"letter", nil, []string{"B"}, ""},
		{"forms of a letter", nil, []string{"b", "(C)", "D.", "（Ａ）", "e)"}, ""},
		{"none", nil, nil, "no reference"},
		{"word", nil, []string{"Paris"}, "is not an option letter"},
		{"digit", nil, []string{"2"}, "is not an option letter"},
		{"beyond the listed options", map[string]any{"options": []any{"x", "y", "z"}}, []string{"D"}, "is not among the 3 options A–C"},
		{"within the listed options", map[string]any{"options": []any{"x", "y", "z"}}, []string{"C"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, choiceScorer{}.CheckCase(&Case{Fields: tt.fields, References: tt.refs}), tt.wantErr)
		})
	}
}
