package report

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// TestTargetLimitedToSomeSuites: a target that made no call for a suite (a
// lead baseline limited to summaries) is "not run" there, not a row of
// zeros with a comparison against nothing.
func TestTargetLimitedToSomeSuites(t *testing.T) {
	f := fixture()
	f.targets = append(f.targets, results.Target{Name: "lead-1", Provider: "lead", Model: "lead-1", Params: `{}`})
	for _, c := range f.cases {
		if c.Suite == "summ" {
			f.results = append(f.results, results.Result{RunID: f.run.ID, Suite: "summ", CaseID: c.ID, Target: "lead-1", Output: "lead", Latency: 1000})
		}
	}
	d, err := Build(context.Background(), f, f.run.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range d.Suites {
		for _, c := range s.Cells {
			if c.Target != "lead-1" {
				continue
			}
			if want := s.Name == "arith"; c.NotRun != want {
				t.Errorf("suite %s: NotRun = %v, want %v", s.Name, c.NotRun, want)
			}
			if c.NotRun && c.Comparison != nil {
				t.Errorf("suite %s: a target that did not run has a comparison", s.Name)
			}
		}
	}
	var text bytes.Buffer
	if err := WriteText(&text, d); err != nil {
		t.Fatal(err)
	}
	arith, summ, _ := strings.Cut(text.String(), "suite summ")
	if strings.Contains(arith, "lead-1") || !strings.Contains(summ, "lead-1") {
		t.Errorf("text summary should list lead-1 under summ only:\n%s", text.String())
	}
	var html bytes.Buffer
	if err := WriteHTML(&html, d); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(html.String(), "not run: this target is limited to other suites"); n != 1 {
		t.Errorf("%d not-run cells in the HTML matrix, want 1", n)
	}
}

func TestScoreAxisMax(t *testing.T) {
	cell := func(centre, hi float64) Cell { return Cell{Score: Interval{Centre: centre, Hi: hi, N: 5}} }
	tests := []struct {
		name  string
		cells []Cell
		want  float64
	}{
		{"rouge", []Cell{cell(0.4, 0.6), cell(0.9, 1)}, 1},
		{"cider", []Cell{cell(0.8, 1.3)}, 10},
		{"bleu", []Cell{cell(31, 42)}, 100},
		{"empty cells ignored", []Cell{{Score: Interval{Hi: 500}}, cell(0.2, 0.3)}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := scoreAxisMax(tt.cells); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestCaseOwnScorers: a case that replaces the suite's scorers (scorers:
// on the case) is scored by its own primary, written first, not counted as
// unscored; a judged suite never borrows another scorer's score.
func TestCaseOwnScorers(t *testing.T) {
	f := fixture()
	var n int
	for i := range f.results {
		r := &f.results[i]
		if r.Suite == "arith" && r.CaseID == "a02" && r.OK() {
			r.Scores = []suites.Score{{Scorer: "numeric", Value: 1, Binary: true}}
			n++
		}
	}
	if n == 0 {
		t.Fatal("fixture has no answered a02")
	}
	d, err := Build(context.Background(), f, f.run.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range d.Suites[0].Cells {
		if c.Unscored != 0 {
			t.Errorf("%s: %d unscored; a case's own primary should count", c.Target, c.Unscored)
		}
	}

	j := fixture()
	j.suites[0].Scorers = []string{"judge", "exact_match"}
	d, err = Build(context.Background(), j, j.run.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range d.Suites[0].Cells {
		if c.Score.N != 0 {
			t.Errorf("%s: judged suite without judge scores has n=%d; it must not borrow exact_match", c.Target, c.Score.N)
		}
	}
}
