package report

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var approx = cmpopts.EquateApprox(0, 1e-9)

func TestWilson(t *testing.T) {
	// Expected values worked out from the formula in the doc comment with
	// z = 1.959963984540054 (8/10 matches the textbook 0.490–0.943).
	tests := []struct {
		name    string
		pass, n int
		want    Interval
	}{
		{"8 of 10", 8, 10, Interval{Centre: 0.8, Lo: 0.4901624715, Hi: 0.9433178485, N: 10}},
		{"9 of 9", 9, 9, Interval{Centre: 1, Lo: 0.7008549516, Hi: 1, N: 9}},
		{"3 of 9", 3, 9, Interval{Centre: 1.0 / 3, Lo: 0.1205838184, Hi: 0.6457978644, N: 9}},
		{"0 of 10", 0, 10, Interval{Centre: 0, Lo: 0, Hi: 0.2775327999, N: 10}},
		{"1 of 1", 1, 1, Interval{Centre: 1, Lo: 0.2065493144, Hi: 1, N: 1}},
		{"empty", 0, 0, Interval{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Wilson(tt.pass, tt.n)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
				t.Errorf("Wilson(%d, %d) mismatch (-want +got):\n%s", tt.pass, tt.n, diff)
			}
		})
	}
}

func TestMcNemarExact(t *testing.T) {
	// p = min(1, 2·Σ_{k≤min(b,c)} C(b+c,k)/2^(b+c)), summed by hand.
	tests := []struct {
		name string
		b, c int
		want float64
	}{
		{"no discordant pairs", 0, 0, 1},
		{"0 vs 5", 0, 5, 2.0 / 32},                              // 2·1/32
		{"1 vs 6", 1, 6, 2 * 8.0 / 128},                         // 2·(1+7)/128
		{"6 vs 1 is symmetric", 6, 1, 2 * 8.0 / 128},            //
		{"2 vs 8", 2, 8, 2 * 56.0 / 1024},                       // 2·(1+10+45)/1024
		{"8 vs 1", 8, 1, 2 * 10.0 / 512},                        // 2·(1+9)/512
		{"balanced caps at 1", 3, 3, 1},                         // 2·42/64 > 1
		{"1 vs 0", 1, 0, 1},                                     // 2·1/2
		{"large one-sided table", 0, 1000, math.Ldexp(1, -999)}, // 2·2^-1000, far below what 2^-n·C(n,k) in float64 could hold midway
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := McNemarExact(tt.b, tt.c)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(1e-9, 0)); diff != "" {
				t.Errorf("McNemarExact(%d, %d) mismatch (-want +got):\n%s", tt.b, tt.c, diff)
			}
		})
	}
	t.Run("large table stays a probability", func(t *testing.T) {
		got := McNemarExact(480, 520)
		if math.IsNaN(got) || got <= 0 || got > 1 {
			t.Fatalf("McNemarExact(480, 520) = %v, want a p-value in (0, 1]", got)
		}
		// Normal approximation with continuity correction:
		// z = (|b−c|−1)/√(b+c) = 39/√1000 = 1.2333, p ≈ 0.2175.
		if math.Abs(got-0.2175) > 0.005 {
			t.Errorf("McNemarExact(480, 520) = %.4f, want ≈ 0.2175", got)
		}
	})
}

func TestWilcoxonSignedRank(t *testing.T) {
	// Expected values from the formula in the doc comment, worked by hand:
	// W⁺, E = n(n+1)/4, Var = n(n+1)(2n+1)/24 − Σ(t³−t)/48, z with ½
	// continuity correction, p = erfc(|z|/√2).
	tests := []struct {
		name string
		ds   []float64
		want float64
	}{
		// n=5, W⁺=15, E=7.5, Var=13.75, z=7/√13.75
		{"all positive", []float64{1, 2, 3, 4, 5}, 0.05905822909053674},
		{"all negative", []float64{-5, -4, -3, -2, -1}, 0.05905822909053674},
		// zero dropped; |d| 1,1,2,3 → ranks 1.5,1.5,3,4; W⁺=7, n=4, E=5,
		// Var=7.5−(8−2)/48, z=1.5/√7.375
		{"ties and a zero", []float64{1, 1, -2, 3, 0}, 0.5807121621890252},
		// zero dropped; four tied at rank 2.5 and one at 5: W⁺=15, n=5,
		// Var=13.75−(64−4)/48=12.5, z=7/√12.5
		{"tied magnitudes", []float64{0.125, 0.125, 0.125, 0.125, 0, 0.25}, 0.04771488023735121},
		{"only zeros", []float64{0, 0, 0}, 1},
		{"empty", nil, 1},
		// n=2, W⁺=2, E=1.5: |W⁺−E| ≤ ½ so z=0
		{"balanced", []float64{1, -2}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := WilcoxonSignedRank(tt.ds)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("WilcoxonSignedRank(%v) mismatch (-want +got):\n%s", tt.ds, diff)
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	// The nearest-rank example: ranks ⌈p/100·5⌉ of {15, 20, 35, 40, 50}.
	xs := []float64{40, 15, 50, 35, 20}
	tests := []struct {
		name string
		p    float64
		want float64
	}{
		{"p5", 5, 15},
		{"p30", 30, 20},
		{"p40", 40, 20},
		{"p50", 50, 35},
		{"p95", 95, 50},
		{"p100", 100, 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percentile(xs, tt.p); got != tt.want {
				t.Errorf("Percentile(%v, %v) = %v, want %v", xs, tt.p, got, tt.want)
			}
		})
	}
	if !slices.Equal(xs, []float64{40, 15, 50, 35, 20}) {
		t.Errorf("Percentile reordered its input: %v", xs)
	}
	if got := Percentile(nil, 50); got != 0 {
		t.Errorf("Percentile(nil) = %v, want 0", got)
	}
}

func TestBootstrapMean(t *testing.T) {
	// 0, 0.01, …, 0.99: mean 0.495, sd 0.2901, so the standard error is
	// 0.02901 and a 95% interval is about 0.495 ± 0.0569.
	xs := make([]float64, 100)
	for i := range xs {
		xs[i] = float64(i) / 100
	}
	got := BootstrapMean(xs)
	if got.N != 100 || math.Abs(got.Centre-0.495) > 1e-12 {
		t.Fatalf("BootstrapMean centre/n = %v/%d, want 0.495/100", got.Centre, got.N)
	}
	if !(got.Lo < got.Centre && got.Centre < got.Hi) {
		t.Fatalf("interval [%v, %v] does not contain the mean %v", got.Lo, got.Hi, got.Centre)
	}
	if math.Abs(got.Lo-(0.495-0.0569)) > 0.01 || math.Abs(got.Hi-(0.495+0.0569)) > 0.01 {
		t.Errorf("interval [%.4f, %.4f], want about [0.438, 0.552]", got.Lo, got.Hi)
	}
	if again := BootstrapMean(xs); again != got {
		t.Errorf("BootstrapMean is not deterministic: %v then %v", got, again)
	}

	tests := []struct {
		name string
		xs   []float64
		want Interval
	}{
		{"constant sample", []float64{0.7, 0.7, 0.7}, Interval{Centre: 0.7, Lo: 0.7, Hi: 0.7, N: 3}},
		{"single value", []float64{0.25}, Interval{Centre: 0.25, Lo: 0.25, Hi: 0.25, N: 1}},
		{"empty", nil, Interval{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, BootstrapMean(tt.xs), approx); diff != "" {
				t.Errorf("BootstrapMean mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCompare(t *testing.T) {
	// 8 pairs where only the target passed, 1 where only the baseline did,
	// 11 ties: McNemar p = 2·(1+9)/512, mean difference 7/20.
	var ds []float64
	for range 8 {
		ds = append(ds, 1)
	}
	ds = append(ds, -1)
	for range 11 {
		ds = append(ds, 0)
	}
	c := compare("base", ds, true, Excluded{Errors: 2, Refusals: 1})
	if c.Better != 8 || c.Worse != 1 || c.Same != 11 || c.Delta.N != 20 {
		t.Fatalf("counts = %d/%d/%d n=%d, want 8/1/11 n=20", c.Better, c.Worse, c.Same, c.Delta.N)
	}
	if math.Abs(c.Delta.Centre-0.35) > 1e-12 || math.Abs(c.P-20.0/512) > 1e-12 {
		t.Errorf("delta %v p %v, want 0.35 and %v", c.Delta.Centre, c.P, 20.0/512)
	}
	if !c.Significant || c.Delta.Lo <= 0 {
		t.Errorf("want a significant improvement, got interval [%v, %v]", c.Delta.Lo, c.Delta.Hi)
	}
	if got, want := c.PairsNote(), "n paired = 20, 3 excluded: 2 errors, 1 refusal"; got != want {
		t.Errorf("PairsNote() = %q, want %q", got, want)
	}

	none := compare("base", nil, false, Excluded{Missing: 4})
	if none.Delta.N != 0 || none.P != 1 || none.Significant || none.Verdict() != "no pairs" {
		t.Errorf("compare without pairs = %+v, verdict %q", none, none.Verdict())
	}
}

func TestVerdict(t *testing.T) {
	tests := []struct {
		name string
		c    *Comparison
		want string
	}{
		{
			"pass rate up",
			&Comparison{Binary: true, Significant: true, P: 0.0123, Delta: Interval{Centre: 0.031, Lo: 0.008, Hi: 0.054, N: 40}},
			"+3.1 pp [+0.8, +5.4] p=0.012",
		},
		{
			"pass rate down",
			&Comparison{Binary: true, Significant: true, P: 0.0004, Delta: Interval{Centre: -0.2, Lo: -0.35, Hi: -0.05, N: 40}},
			"-20.0 pp [-35.0, -5.0] p<0.001",
		},
		{
			"continuous up",
			&Comparison{Significant: true, P: 0.01, Delta: Interval{Centre: 0.031, Lo: 0.008, Hi: 0.054, N: 40}},
			"+0.031 [+0.008, +0.054] p=0.01",
		},
		{
			"noise",
			&Comparison{Binary: true, P: 0.43, Delta: Interval{Centre: 0.01, Lo: -0.02, Hi: 0.04, N: 40}},
			"~ (p=0.43)",
		},
		{
			"p of one",
			&Comparison{P: 1, Delta: Interval{N: 3}},
			"~ (p=1)",
		},
		{"nil", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.Verdict(); got != tt.want {
				t.Errorf("Verdict() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestExcludedString(t *testing.T) {
	tests := []struct {
		name string
		e    Excluded
		want string
	}{
		{"none", Excluded{}, ""},
		{"errors only", Excluded{Errors: 3}, "3 excluded: 3 errors"},
		{"all kinds", Excluded{Errors: 1, Refusals: 2, Missing: 1}, "4 excluded: 1 error, 2 refusals, 1 missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func BenchmarkBootstrapMean(b *testing.B) {
	for _, n := range []int{100, 1000} {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(i%7) / 7
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				BootstrapMean(xs)
			}
		})
	}
}

// FuzzPValues checks that the tests always return a probability and that
// Wilcoxon is symmetric in the sign of the differences.
func FuzzPValues(f *testing.F) {
	f.Add(3, 1, 0.5, -0.25, 0.125)
	f.Add(0, 0, 0.0, 0.0, 0.0)
	f.Fuzz(func(t *testing.T, b, c int, d1, d2, d3 float64) {
		b, c = b&0x3ff, c&0x3ff
		if p := McNemarExact(b, c); !(p > 0 && p <= 1) {
			t.Fatalf("McNemarExact(%d, %d) = %v", b, c, p)
		}
		ds := []float64{d1, d2, d3}
		for _, d := range ds {
			if math.IsNaN(d) || math.IsInf(d, 0) {
				return
			}
		}
		p := WilcoxonSignedRank(ds)
		if !(p >= 0 && p <= 1) {
			t.Fatalf("WilcoxonSignedRank(%v) = %v", ds, p)
		}
		if q := WilcoxonSignedRank([]float64{-d1, -d2, -d3}); q != p {
			t.Fatalf("WilcoxonSignedRank not symmetric: %v vs %v", p, q)
		}
	})
}
