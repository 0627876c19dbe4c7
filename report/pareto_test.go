package report

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/bench"
)

func TestParetoFront(t *testing.T) {
	// x lower is better (cost, latency), y higher is better (score).
	tests := []struct {
		name   string
		xs, ys []float64
		want   []bool
	}{
		{"empty", nil, nil, []bool{}},
		{"one point", []float64{1}, []float64{0.5}, []bool{true}},
		{"cheaper and better dominates", []float64{1, 2}, []float64{0.9, 0.8}, []bool{true, false}},
		{"a trade-off keeps both", []float64{1, 2}, []float64{0.7, 0.8}, []bool{true, true}},
		{"equal cost, better score", []float64{1, 1}, []float64{0.7, 0.8}, []bool{false, true}},
		{"equal score, cheaper", []float64{1, 2}, []float64{0.8, 0.8}, []bool{true, false}},
		{"identical points both stay", []float64{1, 1}, []float64{0.8, 0.8}, []bool{true, true}},
		{"staircase with dominated points",
			// (0,0.2) free and poor; (1,0.6); (2,0.5) dominated by (1,0.6);
			// (3,0.9); (4,0.9) dominated by (3,0.9); (5,0.95).
			[]float64{0, 1, 2, 3, 4, 5}, []float64{0.2, 0.6, 0.5, 0.9, 0.9, 0.95},
			[]bool{true, true, false, true, false, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ParetoFront(tt.xs, tt.ys)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("front (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMarkFronts checks the fronts Build marks on the fixture: claude is
// better, cheaper and faster than gpt-4o on both suites; sim-fast is
// unpriced, worst and by far the fastest, so it is on the latency fronts.
func TestMarkFronts(t *testing.T) {
	p := testPricing()
	// claude is cheaper than gpt-4o at this rate and scores higher on
	// arith: gpt-4o is off the arith cost front.
	d := buildWith(t, fixture(), "run-0001", Options{Pricing: p})
	type fronts map[string]Front
	got := map[string]fronts{}
	for _, s := range d.Suites {
		got[s.Name] = fronts{}
		for _, c := range s.Cells {
			got[s.Name][c.Target] = c.Front
		}
	}
	want := map[string]fronts{
		// arith pass rates: gpt-4o 8/10, claude 9/9, sim-fast 3/9;
		// cost: claude $0.000385 < gpt-4o $0.0011, sim-fast no price;
		// p50: claude 1.0s, gpt-4o 1.4s, sim-fast 14ms.
		"arith": {"gpt-4o": {Cost: false, Latency: false}, "claude": {Cost: true, Latency: true}, "sim-fast": {Latency: true}},
		// summ means: gpt-4o 0.5625, claude 0.6875, sim-fast 0.25 (4 scored);
		// cost: claude ¥0.00216 = $0.00027 < gpt-4o $0.00078.
		"summ": {"gpt-4o": {}, "claude": {Cost: true, Latency: true}, "sim-fast": {Latency: true}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fronts (-want +got):\n%s", diff)
	}
	// A check of the premises, so the expectation above is not luck.
	if a, b := cellOf(t, d, "arith", "claude"), cellOf(t, d, "arith", "gpt-4o"); !(a.Score.Centre > b.Score.Centre && a.Cost.USD < b.Cost.USD && a.Latency.P50 < b.Latency.P50) {
		t.Errorf("fixture premises changed: claude %v %v %v, gpt-4o %v %v %v", a.Score.Centre, a.Cost.USD, a.Latency.P50, b.Score.Centre, b.Cost.USD, b.Latency.P50)
	}
}

// TestParetoPlots renders both plots of a suite and checks what they say:
// the front is labelled, targets without a price are named, and a suite
// with fewer than two priced targets gets no cost plot.
func TestParetoPlots(t *testing.T) {
	d := buildWith(t, fixture(), "run-0001", Options{Pricing: testPricing()})
	pp, err := paretoPlots(d, &d.Suites[0])
	if err != nil {
		t.Fatal(err)
	}
	if pp.Cost == "" || pp.Latency == "" {
		t.Fatalf("arith has no Pareto plot: cost %d bytes, latency %d bytes", len(pp.Cost), len(pp.Latency))
	}
	for _, svg := range []string{string(pp.Cost), string(pp.Latency)} {
		if !strings.Contains(svg, "Pareto front") || strings.Contains(svg, "<?xml") {
			t.Errorf("plot lacks the front's legend or keeps its prolog: %.120s", svg)
		}
	}
	if diff := cmp.Diff([]string{"sim-fast"}, pp.Unpriced); diff != "" {
		t.Errorf("unpriced (-want +got):\n%s", diff)
	}

	// Only gpt-4o priced (the built-in table): no cost plot, no cost front.
	d = buildWith(t, fixture(), "run-0001", Options{})
	pp, err = paretoPlots(d, &d.Suites[0])
	if err != nil {
		t.Fatal(err)
	}
	if pp.Cost != "" || pp.Latency == "" {
		t.Errorf("with one priced target: cost plot %d bytes (want none), latency %d bytes", len(pp.Cost), len(pp.Latency))
	}
	if c := cellOf(t, d, "arith", "gpt-4o"); c.Front.Cost {
		t.Error("a lone priced target is marked on a cost front")
	}
}

// TestParetoFreeModels: a free model costs 0, a real price, so it can be
// on the cost front; its plot still renders with every cost at zero.
func TestParetoFreeModels(t *testing.T) {
	p := &bench.Pricing{Prices: []bench.Price{
		{Model: "gpt-4o", Currency: bench.USD, Date: "2026"},
		{Model: "claude-sonnet", Currency: bench.USD, Date: "2026"},
	}}
	d := buildWith(t, fixture(), "run-0001", Options{Pricing: p})
	c, g := cellOf(t, d, "arith", "claude"), cellOf(t, d, "arith", "gpt-4o")
	if !c.Cost.Priced() || c.Cost.Amount != 0 || !c.Front.Cost || g.Front.Cost {
		t.Errorf("free models: claude %+v front %v, gpt-4o front %v; want claude alone on the front (same cost, higher score)", c.Cost, c.Front.Cost, g.Front.Cost)
	}
	if _, err := paretoPlots(d, &d.Suites[0]); err != nil {
		t.Fatal(err)
	}
}
