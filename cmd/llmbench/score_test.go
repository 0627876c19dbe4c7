package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestScoreContract(t *testing.T) {
	in := `{"id": "a", "output": "so the answer is $1,234.", "reference": "1234"}
{"id": 7, "output": "I think 41", "references": ["42", "forty-two"]}

{"id": "c", "output": "Answer: 42.0", "reference": "42"}
`
	out, errOut, code := runCLIInput(t, in, "score", "--metric", "numeric,exact")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d output lines for 3 inputs:\n%s", len(lines), out)
	}
	type line struct {
		ID        string             `json:"id"`
		Scores    map[string]float64 `json:"scores"`
		Extracted map[string]string  `json:"extracted"`
	}
	var got []line
	for _, l := range lines {
		var v line
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		got = append(got, v)
	}
	want := []line{
		{ID: "a", Scores: map[string]float64{"numeric": 1, "exact": 0}},
		{ID: "7", Scores: map[string]float64{"numeric": 0, "exact": 0}},
		{ID: "c", Scores: map[string]float64{"numeric": 1, "exact": 0}},
	}
	// The extracted text is the scorer's business (its own tests pin it);
	// the contract is that it is there, under the metric's name.
	for i, digits := range []string{"234", "41", "42"} {
		if x := got[i].Extracted["numeric"]; !strings.Contains(x, digits) {
			t.Errorf("line %d: extracted %q, want it to hold %s", i+1, x, digits)
		}
		got[i].Extracted = nil
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	corpus, _, code := runCLIInput(t, in, "score", "--metric", "numeric", "--corpus")
	if code != ExitOK || strings.TrimSpace(corpus) != `{"corpus":{"numeric":0.6666666666666666}}` {
		t.Errorf("corpus (exit %d): %s", code, corpus)
	}
}

func TestScoreBadInput(t *testing.T) {
	tests := []struct {
		name, in string
		args     []string
		code     int
		want     []string
	}{
		{"every bad line named, nothing printed", "{\"id\":\"1\",\"output\":\"x\"}\nnot json\n{\"id\":\"2\",\"output\":\"y\",\"reference\":\"z\"}\n{\"id\":\"2\",\"output\":\"y\",\"reference\":\"z\"}\n{\"output\":\"y\",\"reference\":\"z\"}\n",
			[]string{"--metric", "numeric"}, ExitFailed, []string{"stdin:1:", "stdin:2:", "stdin:4: id \"2\" is also on line 3", "stdin:5: missing \"id\""}},
		{"no metric", "", nil, ExitUsage, []string{"needs --metric"}},
		{"unknown metric", "", []string{"--metric", "nope"}, ExitUsage, []string{"unknown scorer \"nope\""}},
		{"tokenizer fits no metric", "", []string{"--metric", "numeric", "--tokenizer", "zh"}, ExitUsage, []string{"fits none"}},
		{"stem without rouge", "", []string{"--metric", "exact", "--stem"}, ExitUsage, []string{"ROUGE metrics only"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runCLIInput(t, tt.in, append([]string{"score"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (%s)", code, tt.code, errOut)
			}
			if out != "" {
				t.Errorf("printed %q on bad input", out)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q lacks %q", errOut, w)
				}
			}
		})
	}
}
