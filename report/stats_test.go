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
		{"0 of 1", 0, 1, Interval{Centre: 0, Lo: 0, Hi: 0.7934506856, N: 1}},
		{"empty", 0, 0, Interval{}},
		{"negative n", 0, -3, Interval{}},
		{"more passes than calls is clamped", 12, 10, Interval{Centre: 1, Lo: 0.7224672001, Hi: 1, N: 10}},
		{"negative passes are clamped", -1, 10, Interval{Centre: 0, Lo: 0, Hi: 0.2775327999, N: 10}},
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

func TestWilsonAt(t *testing.T) {
	// 8 of 10 at other levels, from the same formula with z = Φ⁻¹((1+L)/2)
	// (computed apart with Python's statistics.NormalDist):
	// z(0.90) = 1.6448536270, z(0.99) = 2.5758293035.
	tests := []struct {
		name  string
		level float64
		want  Interval
	}{
		{"default", 0, Interval{Centre: 0.8, Lo: 0.4901624715, Hi: 0.9433178485, N: 10}},
		{"95%", 0.95, Interval{Centre: 0.8, Lo: 0.4901624715, Hi: 0.9433178485, N: 10}},
		{"90%", 0.90, Interval{Centre: 0.8, Lo: 0.5407928057, Hi: 0.9314420123, N: 10}},
		{"99%", 0.99, Interval{Centre: 0.8, Lo: 0.4008186965, Hi: 0.9598688475, N: 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := WilsonAt(8, 10, tt.level)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
				t.Errorf("WilsonAt(8, 10, %v) mismatch (-want +got):\n%s", tt.level, diff)
			}
		})
	}
	for _, bad := range []float64{-0.1, 1, 1.5, 95, math.NaN(), math.Inf(1)} {
		t.Run(fmt.Sprintf("level %v panics", bad), func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("WilsonAt(8, 10, %v) did not panic", bad)
				}
			}()
			WilsonAt(8, 10, bad)
		})
	}
}

func TestZFor(t *testing.T) {
	// Standard normal quantiles Φ⁻¹((1+L)/2) from any table.
	tests := []struct {
		level, want float64
	}{
		{0.5, 0.6744897501960817},
		{0.8, 1.2815515655446004},
		{0.9, 1.6448536269514722},
		{0.95, 1.959963984540054},
		{0.99, 2.5758293035489004},
		{0.999, 3.2905267314918945},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.level), func(t *testing.T) {
			z := zFor(tt.level)
			if math.Abs(z-tt.want) > 1e-12 {
				t.Errorf("zFor(%v) = %.16g, want %.16g", tt.level, z, tt.want)
			}
			// And by its definition: the two tails outside ±z hold 1 − level.
			if tail := math.Erfc(z / math.Sqrt2); math.Abs(tail-(1-tt.level)) > 1e-12 {
				t.Errorf("tails outside ±%v = %v, want %v", z, tail, 1-tt.level)
			}
		})
	}
}

func TestLevelText(t *testing.T) {
	for level, want := range map[float64]string{0: "95%", 0.95: "95%", 0.9: "90%", 0.99: "99%", 0.999: "99.9%", 0.57: "57%", 0.8: "80%"} {
		if got := levelText(level); got != want {
			t.Errorf("levelText(%v) = %q, want %q", level, got, want)
		}
	}
}

func TestQuantileRank(t *testing.T) {
	tests := []struct {
		n    int
		q    float64
		want int
	}{
		{10000, (1 - 0.95) / 2, 250}, // 0.025000000000000022 in floating point
		{10000, 1 - (1-0.95)/2, 9750},
		{10000, (1 - 0.9) / 2, 500},
		{10000, (1 - 0.99) / 2, 50},
		{10000, 1 - (1-0.99)/2, 9950},
		{5, 0.3, 2},
		{5, 0, 1},
		{5, 1, 5},
		{5, 2, 5},
	}
	for _, tt := range tests {
		if got := quantileRank(tt.n, tt.q); got != tt.want {
			t.Errorf("quantileRank(%d, %v) = %d, want %d", tt.n, tt.q, got, tt.want)
		}
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
	// Exact p-values counted by hand: all 2ⁿ sign patterns of the non-zero
	// ranks are equally likely; p = 2·min(P(W⁺ ≤ w), P(W⁺ ≥ w)), capped at 1.
	tests := []struct {
		name string
		ds   []float64
		want float64
	}{
		// W⁺=15 is the largest of 32 patterns (R: wilcox.test(1:5) gives 0.0625).
		{"all positive", []float64{1, 2, 3, 4, 5}, 2.0 / 32},
		{"all negative", []float64{-5, -4, -3, -2, -1}, 2.0 / 32},
		// Zero dropped; ranks 1.5, 1.5, 3, 4 and W⁺=7. Subset sums ≥ 7 of
		// {1.5, 1.5, 3, 4}: 7, 7, 8.5, 8.5, 10, so p = 2·5/16.
		{"ties and a zero", []float64{1, 1, -2, 3, 0}, 10.0 / 16},
		// Zero dropped; ranks 2.5 ×4 and 5, all positive: p = 2·1/32.
		{"tied magnitudes", []float64{0.125, 0.125, 0.125, 0.125, 0, 0.25}, 2.0 / 32},
		// n=3, W⁺=4 (ranks 1, 3): sums ≤ 4 of {1,2,3} are 0,1,2,3,3,4 (6 of
		// 8), sums ≥ 4 are 4,5,6 (3 of 8): p = 2·3/8.
		{"mixed signs", []float64{0.5, -2, 3}, 6.0 / 8},
		{"only zeros", []float64{0, 0, 0}, 1},
		{"empty", nil, 1},
		{"one difference", []float64{-3}, 1},
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
	t.Run("non-finite difference", func(t *testing.T) {
		if p := WilcoxonSignedRank([]float64{1, math.NaN(), 2}); !math.IsNaN(p) {
			t.Errorf("WilcoxonSignedRank with a NaN = %v, want NaN", p)
		}
		if p := WilcoxonSignedRank([]float64{1, math.Inf(-1)}); !math.IsNaN(p) {
			t.Errorf("WilcoxonSignedRank with −Inf = %v, want NaN", p)
		}
	})
	t.Run("large samples use the normal approximation", func(t *testing.T) {
		// 60 differences 1..60, the first 20 negative: W⁺ = Σ21..60 = 1620,
		// n=60, no ties.
		ds := make([]float64, 60)
		for i := range ds {
			ds[i] = float64(i + 1)
			if i < 20 {
				ds[i] = -ds[i]
			}
		}
		if got, want := WilcoxonSignedRank(ds), wilcoxonNormal(60, 1620, 0); got != want {
			t.Errorf("WilcoxonSignedRank(n=60) = %v, want the normal approximation %v", got, want)
		}
	})
}

func TestWilcoxonNormal(t *testing.T) {
	// Worked by hand from the formula in the doc comment: E = n(n+1)/4,
	// Var = n(n+1)(2n+1)/24 − Σ(t³−t)/48, z with ½ continuity correction,
	// p = erfc(|z|/√2).
	tests := []struct {
		name          string
		n             int
		wPlus, tieSum float64
		want          float64
	}{
		// n=5, W⁺=15, E=7.5, Var=13.75, z=7/√13.75
		{"all positive", 5, 15, 0, 0.05905822909053674},
		{"all negative", 5, 0, 0, 0.05905822909053674},
		// n=4, W⁺=7, ties 2 → Σ(t³−t)=6: E=5, Var=7.5−6/48, z=1.5/√7.375
		{"ties", 4, 7, 6, 0.5807121621890252},
		// n=5, one group of four ties: Var=13.75−60/48=12.5, z=7/√12.5
		{"tied magnitudes", 5, 15, 60, 0.04771488023735121},
		// n=2, W⁺=2, E=1.5: |W⁺−E| ≤ ½ so z=0
		{"balanced", 2, 2, 0, 1},
		// n=2, both tied: Var=1.25−6/48=1.125, W⁺=3, z=(1.5−½)/√1.125
		{"two tied", 2, 3, 6, 0.34577858615116},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := wilcoxonNormal(tt.n, tt.wPlus, tt.tieSum)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("wilcoxonNormal(%d, %v, %v) mismatch (-want +got):\n%s", tt.n, tt.wPlus, tt.tieSum, diff)
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
		// Exact, not approximately: 0.7+0.7+0.7 is not 2.1 in floating point.
		{"constant sample", []float64{0.7, 0.7, 0.7}, Interval{Centre: 0.7, Lo: 0.7, Hi: 0.7, N: 3}},
		{"single value", []float64{0.25}, Interval{Centre: 0.25, Lo: 0.25, Hi: 0.25, N: 1}},
		{"empty", nil, Interval{}},
		// Two values: a resample is {a,a}, {a,b}, {b,a} or {b,b}, so the
		// 2.5th and 97.5th percentiles of 10,000 are the extremes.
		{"two values", []float64{0, 1}, Interval{Centre: 0.5, Lo: 0, Hi: 1, N: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, BootstrapMean(tt.xs)); diff != "" {
				t.Errorf("BootstrapMean mismatch (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("non-finite values poison the interval", func(t *testing.T) {
		for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
			got := BootstrapMean([]float64{0.1, bad, 0.3})
			if got.N != 3 || !math.IsNaN(got.Centre) || !math.IsNaN(got.Lo) || !math.IsNaN(got.Hi) {
				t.Errorf("BootstrapMean with %v = %+v, want NaN bounds over n=3", bad, got)
			}
		}
	})
	t.Run("intervals widen with the level", func(t *testing.T) {
		prev := Interval{Lo: math.Inf(1), Hi: math.Inf(-1)}
		for _, level := range []float64{0.5, 0.8, 0.9, 0.95, 0.99} {
			got := BootstrapMeanAt(xs, level)
			if !(got.Lo < prev.Lo && got.Hi > prev.Hi) || got.Centre != 0.495 {
				t.Errorf("level %v: %+v is not wider than the level below (%+v)", level, got, prev)
			}
			prev = got
		}
		if got := BootstrapMeanAt(xs, 0); got != BootstrapMean(xs) {
			t.Errorf("level 0 = %+v, want the 95%% interval %+v", got, BootstrapMean(xs))
		}
	})
}

func TestBootstrapMeansAreUniformResamples(t *testing.T) {
	// Resampling the indicator of one value out of n: each draw hits it
	// with probability 1/n, so over Resamples·n draws the share of hits
	// (the mean of the resample means) is 1/n within a few standard errors.
	for _, n := range []int{2, 3, 7, 1000} {
		xs := make([]float64, n)
		xs[n-1] = 1
		means := bootstrapMeans(xs, Resamples)
		got := Mean(means)
		want := 1 / float64(n)
		se := math.Sqrt(want * (1 - want) / float64(Resamples*n))
		if math.Abs(got-want) > 5*se {
			t.Errorf("n=%d: mean of resample means %v, want %v ± %v", n, got, want, 5*se)
		}
		if again := bootstrapMeans(xs, Resamples); !slices.Equal(means, again) {
			t.Errorf("n=%d: bootstrapMeans is not deterministic", n)
		}
	}
}

func TestPassAtK(t *testing.T) {
	tests := []struct {
		name    string
		n, c, k int
		want    float64
	}{
		{"pass@1 is the pass rate", 5, 2, 1, 2.0 / 5},
		{"no passes", 5, 0, 3, 0},
		{"all pass", 5, 5, 3, 1},
		{"too few failures to fill k", 5, 3, 3, 1},
		// 1 − C(3,2)/C(5,2) = 1 − 3/10
		{"2 of 5 at k=2", 5, 2, 2, 0.7},
		// 1 − C(8,3)/C(10,3) = 1 − 56/120
		{"2 of 10 at k=3", 10, 2, 3, 1 - 56.0/120},
		{"k = n", 4, 1, 4, 1},
		{"k = n, none pass", 4, 0, 4, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PassAtK(tt.n, tt.c, tt.k); math.Abs(got-tt.want) > 1e-12 {
				t.Errorf("PassAtK(%d, %d, %d) = %v, want %v", tt.n, tt.c, tt.k, got, tt.want)
			}
		})
	}
	for _, bad := range [][3]int{{3, 1, 4}, {3, 1, 0}, {3, 4, 2}, {3, -1, 2}} {
		t.Run(fmt.Sprintf("PassAtK%v panics", bad), func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("PassAtK(%d, %d, %d) did not panic", bad[0], bad[1], bad[2])
				}
			}()
			PassAtK(bad[0], bad[1], bad[2])
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
	c := compare(ds, pairing{baseline: "base", binary: true, single: true, repeats: 1, excluded: Excluded{Errors: 2, Refusals: 1}})
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
	if c.Test != TestMcNemar || c.Level != DefaultLevel {
		t.Errorf("test %q level %v, want %q at %v", c.Test, c.Level, TestMcNemar, DefaultLevel)
	}

	// The same differences as means over repeats: not McNemar pairs.
	rep := compare(ds, pairing{baseline: "base", binary: true, repeats: 3, partial: 2, excluded: Excluded{Missing: 1}, level: 0.9})
	if rep.Test != TestWilcoxon || rep.P != WilcoxonSignedRank(ds) || rep.Level != 0.9 {
		t.Errorf("repeated comparison: test %q p %v level %v, want Wilcoxon's %v at 0.9", rep.Test, rep.P, rep.Level, WilcoxonSignedRank(ds))
	}
	if rep.Delta != PairedBootstrapAt(ds, 0.9) {
		t.Errorf("repeated comparison delta %+v, want the 90%% paired bootstrap %+v", rep.Delta, PairedBootstrapAt(ds, 0.9))
	}
	if got, want := rep.PairsNote(), "n paired = 20 cases (means of 3 repeats), 1 excluded: 1 missing, 2 on fewer repeats"; got != want {
		t.Errorf("PairsNote() = %q, want %q", got, want)
	}

	none := compare(nil, pairing{baseline: "base", excluded: Excluded{Missing: 4}})
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

// BenchmarkPairedBootstrap10k is the size issue 3 budgets for: a paired
// bootstrap over 10,000 cases with Resamples resamples should take under a
// second on one core (go test -run '^$' -bench PairedBootstrap -cpu 1 ./report).
func BenchmarkPairedBootstrap10k(b *testing.B) {
	ds := make([]float64, 10000)
	for i := range ds {
		// Pass/fail differences: mostly ties, some wins and losses.
		ds[i] = float64(i%5/3) - float64(i%7/6)
	}
	for b.Loop() {
		PairedBootstrap(ds)
	}
}
