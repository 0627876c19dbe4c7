package suites

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmbench/llmbench/suites/metrics"
)

func ciderCases() []Case {
	return []Case{
		{ID: "1", References: []string{"a man rides a horse on the beach", "a person riding a horse near the sea"}},
		{ID: "2", References: []string{"two dogs play with a red ball", "a pair of dogs chase a ball"}},
		{ID: "3", References: []string{"一只猫坐在窗台上", "窗台上有一只猫"}},
	}
}

// TestCIDErPrepared: the prepared scorer gives metrics.CorpusCIDErD's
// per-case scores, with the suite's cases as the corpus.
func TestCIDErPrepared(t *testing.T) {
	cases := ciderCases()
	outputs := []string{"A man riding a horse on the beach.", "a cat on a sofa", "一只猫在窗台上"}
	p, err := ciderScorer{}.Prepare(ptrs(cases))
	if err != nil {
		t.Fatal(err)
	}
	var refSets [][]string
	for _, c := range cases {
		refSets = append(refSets, c.References)
	}
	_, want := metrics.CorpusCIDErD(outputs, refSets)
	for i := range cases {
		got := p.Score(outputs[i], &cases[i])
		w := Score{Scorer: "cider", Value: want[i], Tokenizer: ciderTokenizer, Version: ciderVersion}
		if diff := cmp.Diff(w, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
			t.Errorf("case %s (-want +got):\n%s", cases[i].ID, diff)
		}
		if !(got.Value >= 0 && got.Value <= 10) {
			t.Errorf("case %s: value %v outside 0..10", cases[i].ID, got.Value)
		}
	}
	// A close caption beats an unrelated one; Chinese is scored, not 0.
	if s0, s1 := p.Score(outputs[0], &cases[0]).Value, p.Score(outputs[1], &cases[0]).Value; !(s0 > s1) {
		t.Errorf("close caption %v does not beat unrelated %v", s0, s1)
	}
	if v := p.Score(outputs[2], &cases[2]).Value; !(v > 1) {
		t.Errorf("Chinese caption scores %v", v)
	}
}

// TestCIDErThroughBuildScorers: a suite naming cider gets a prepared
// scorer from BuildScorers, as the runner uses it.
func TestCIDErThroughBuildScorers(t *testing.T) {
	s := &Suite{Name: "captions", Scorers: []string{"cider"}}
	s.setCases(ciderCases())
	list, err := s.BuildScorers()
	if err != nil {
		t.Fatal(err)
	}
	if got := list[0].Score("two dogs play with a ball", &casesOf(t, s)[1]).Value; math.IsNaN(got) || got <= 0 {
		t.Errorf("prepared cider scored %v", got)
	}
	one := &Suite{Name: "one", Scorers: []string{"cider"}}
	one.setCases(ciderCases()[:1])
	if _, err := one.BuildScorers(); err == nil {
		t.Error("a one-case suite was prepared")
	}
}

func TestCIDErPrepareRefuses(t *testing.T) {
	tests := []struct {
		name  string
		cases []Case
	}{
		{"no cases", nil},
		{"one case", ciderCases()[:1]},
		{"one case with references", []Case{ciderCases()[0], {ID: "x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ciderScorer{}.Prepare(ptrs(tt.cases))
			checkErr(t, err, "cider needs at least 2 cases with references")
		})
	}
}

// TestCIDErUnprepared: the registered template has no corpus and says so
// with NaN rather than a number; preparing does not change it.
func TestCIDErUnprepared(t *testing.T) {
	sc, err := LookupScorer("cider")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sc.(Preparer).Prepare(ptrs(ciderCases())); err != nil {
		t.Fatal(err)
	}
	cases := ciderCases()
	got := sc.Score("a man rides a horse", &cases[0])
	if !math.IsNaN(got.Value) || got.Scorer != "cider" || got.Version != ciderVersion || got.Binary {
		t.Errorf("unprepared score %+v, want NaN from a non-binary cider", got)
	}
	checkErr(t, sc.(CaseChecker).CheckCase(&Case{}), "no reference")
}
