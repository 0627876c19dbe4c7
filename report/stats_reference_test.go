package report

// Second-method checks: each statistic against an independent computation
// (exact rational arithmetic, brute-force enumeration, root finding,
// normal theory) or against values published in the literature.

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// binomRat is C(n, k) as an exact rational.
func binomRat(n, k int) *big.Rat {
	return new(big.Rat).SetInt(new(big.Int).Binomial(int64(n), int64(k)))
}

// TestMcNemarExactAgainstRationals recomputes the exact McNemar p-value
// with exact rational arithmetic, p = min(1, 2·Σ_{k≤min(b,c)} C(b+c,k)/2^(b+c)),
// where McNemarExact sums lgamma terms in floating point.
func TestMcNemarExactAgainstRationals(t *testing.T) {
	type bc struct{ b, c int }
	var cases []bc
	for b := range 31 {
		for c := range 31 {
			cases = append(cases, bc{b, c})
		}
	}
	cases = append(cases, bc{480, 520}, bc{100, 150}, bc{0, 300}, bc{997, 1003}, bc{40, 400})
	for _, x := range cases {
		n := x.b + x.c
		sum := new(big.Rat)
		for k := 0; k <= min(x.b, x.c); k++ {
			sum.Add(sum, binomRat(n, k))
		}
		sum.Mul(sum, big.NewRat(2, 1))
		sum.Quo(sum, new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), uint(n))))
		want, _ := sum.Float64()
		want = math.Min(1, want)
		if got := McNemarExact(x.b, x.c); math.Abs(got-want) > 1e-9*want {
			t.Errorf("McNemarExact(%d, %d) = %.15g, exact rational sum gives %.15g", x.b, x.c, got, want)
		}
	}
}

// averageRanks ranks |d| of the non-zero ds by counting, O(n²): the
// average rank of x is #{|d| < x} + (#{|d| = x} + 1)/2. It shares no code
// with signedRanks.
func averageRanks(ds []float64) (abs, ranks []float64, pos []bool) {
	for _, d := range ds {
		if d != 0 {
			abs = append(abs, math.Abs(d))
			pos = append(pos, d > 0)
		}
	}
	for _, x := range abs {
		var less, equal float64
		for _, y := range abs {
			switch {
			case y < x:
				less++
			case y == x:
				equal++
			}
		}
		ranks = append(ranks, less+(equal+1)/2)
	}
	return abs, ranks, pos
}

// wilcoxonBruteForce is the exact two-sided signed-rank p-value by
// enumerating all 2ⁿ sign patterns.
func wilcoxonBruteForce(ds []float64) float64 {
	_, ranks, pos := averageRanks(ds)
	n := len(ranks)
	if n == 0 {
		return 1
	}
	var w float64
	for i, r := range ranks {
		if pos[i] {
			w += r
		}
	}
	var le, ge float64
	for mask := range 1 << n {
		var s float64
		for i, r := range ranks {
			if mask&(1<<i) != 0 {
				s += r
			}
		}
		// Sums of half-ranks are exact in float64: compare directly.
		if s <= w {
			le++
		}
		if s >= w {
			ge++
		}
	}
	return math.Min(1, 2*math.Min(le, ge)/float64(int(1)<<n))
}

// TestWilcoxonExactAgainstEnumeration compares the dynamic-programming
// distribution with brute-force enumeration on seeded random samples of up
// to 14 differences, with ties and zeros.
func TestWilcoxonExactAgainstEnumeration(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 400 {
		n := 1 + trial%14
		ds := make([]float64, n)
		for i := range ds {
			// Few distinct magnitudes, so ties and zeros are common.
			ds[i] = float64(rng.IntN(9)-4) / 4
		}
		want := wilcoxonBruteForce(ds)
		if got := WilcoxonSignedRank(ds); math.Abs(got-want) > 1e-12 {
			t.Fatalf("WilcoxonSignedRank(%v) = %v, enumeration gives %v", ds, got, want)
		}
	}
}

// TestWilcoxonPublishedTable checks the exact test against the classical
// table of the signed-rank statistic (Wilcoxon 1945; reproduced e.g. as
// Table A12 in Conover, Practical Nonparametric Statistics, and in every
// table of critical values): for n = 10 without ties, T = min(W⁺, W⁻) = 8
// is the largest value significant at the two-sided 5% level, with
// P(T ≤ 8) = 25/1024 = 0.0244 one-sided, and P(T ≤ 9) = 33/1024 = 0.0322.
// Likewise n = 8: T = 3 is the critical value, P(T ≤ 3) = 5/256 = 0.0195
// and P(T ≤ 4) = 7/256 = 0.0273; and n = 6: T = 0, P = 1/64 = 0.0156.
// The two-sided p-value is twice the one-sided one.
func TestWilcoxonPublishedTable(t *testing.T) {
	// signsFor gives differences 1..n with the ranks in neg negative.
	signsFor := func(n int, neg ...int) []float64 {
		ds := make([]float64, n)
		for i := range ds {
			ds[i] = float64(i + 1)
		}
		for _, r := range neg {
			ds[r-1] = -ds[r-1]
		}
		return ds
	}
	tests := []struct {
		name string
		ds   []float64
		want float64
	}{
		{"n=10 T=8", signsFor(10, 1, 3, 4), 2 * 25.0 / 1024},
		{"n=10 T=9", signsFor(10, 2, 3, 4), 2 * 33.0 / 1024},
		{"n=6 T=0", signsFor(6), 2 * 1.0 / 64},
		{"n=8 T=3", signsFor(8, 1, 2), 2 * 5.0 / 256},
		{"n=8 T=4", signsFor(8, 4), 2 * 7.0 / 256},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := WilcoxonSignedRank(tt.ds); math.Abs(got-tt.want) > 1e-12 {
				t.Errorf("WilcoxonSignedRank(%v) = %v, want %v", tt.ds, got, tt.want)
			}
		})
	}
}

// TestWilcoxonNormalApproximation documents why the normal approximation
// is used only above WilcoxonExactMax: there, for every possible W⁺ without
// ties and with a heavily tied pattern, it is within 0.005 of the exact
// p-value (at n = 20 the gap reaches 0.008).
func TestWilcoxonNormalApproximation(t *testing.T) {
	const tol = 0.005
	for _, n := range []int{WilcoxonExactMax, WilcoxonExactMax + 1} {
		t.Run(fmt.Sprintf("n=%d distinct", n), func(t *testing.T) {
			r2 := make([]int, n)
			for i := range r2 {
				r2[i] = 2 * (i + 1)
			}
			for w := 0; w <= n*(n+1)/2; w++ {
				exact := wilcoxonExact(r2, 2*w)
				approx := wilcoxonNormal(n, float64(w), 0)
				if math.Abs(exact-approx) > tol {
					t.Fatalf("W⁺=%d: normal %v, exact %v", w, approx, exact)
				}
			}
		})
		t.Run(fmt.Sprintf("n=%d tied", n), func(t *testing.T) {
			// Magnitudes in groups of five equal values.
			ds := make([]float64, n)
			for i := range ds {
				ds[i] = float64(1 + i/5)
			}
			rng := rand.New(rand.NewPCG(3, uint64(n)))
			for range 200 {
				for i := range ds {
					ds[i] = math.Abs(ds[i])
					if rng.IntN(3) == 0 {
						ds[i] = -ds[i]
					}
				}
				r2, w2, tieSum, _ := signedRanks(ds)
				exact := wilcoxonExact(r2, w2)
				approx := wilcoxonNormal(n, float64(w2)/2, tieSum)
				if math.Abs(exact-approx) > tol {
					t.Fatalf("%v: normal %v, exact %v", ds, approx, exact)
				}
			}
		})
	}
}

// TestWilsonNewcombe checks WilsonAt against Newcombe (1998), "Two-sided
// confidence intervals for the single proportion: comparison of seven
// methods", Statistics in Medicine 17:857–872, Table II, method 3 (score
// interval without continuity correction), given there to four decimals.
func TestWilsonNewcombe(t *testing.T) {
	tests := []struct {
		pass, n int
		lo, hi  float64
	}{
		{81, 263, 0.2553, 0.3662},
		{15, 148, 0.0624, 0.1605},
		{0, 20, 0, 0.1611},
		{1, 29, 0.0061, 0.1718},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d of %d", tt.pass, tt.n), func(t *testing.T) {
			got := WilsonAt(tt.pass, tt.n, 0.95)
			want := Interval{Centre: float64(tt.pass) / float64(tt.n), Lo: tt.lo, Hi: tt.hi, N: tt.n}
			if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 0.5e-4)); diff != "" {
				t.Errorf("WilsonAt mismatch with Newcombe's table (-want +got):\n%s", diff)
			}
		})
	}
}

// TestWilsonAgainstRootFinding checks the closed form at several levels
// against its definition: the bounds are the proportions p where the score
// statistic |p̂ − p| / √(p(1−p)/n) equals z, found here by bisection, with
// z from the level by inverting Φ (erfc) by bisection too.
func TestWilsonAgainstRootFinding(t *testing.T) {
	bisect := func(f func(float64) float64, lo, hi float64) float64 {
		for range 200 {
			mid := (lo + hi) / 2
			if (f(lo) < 0) == (f(mid) < 0) {
				lo = mid
			} else {
				hi = mid
			}
		}
		return (lo + hi) / 2
	}
	for _, level := range []float64{0.5, 0.8, 0.9, 0.95, 0.99, 0.999} {
		// Two-sided tail mass outside ±z is erfc(z/√2) = 1 − level.
		z := bisect(func(z float64) float64 { return math.Erfc(z/math.Sqrt2) - (1 - level) }, 0, 10)
		for _, x := range []struct{ pass, n int }{{0, 7}, {3, 7}, {7, 7}, {13, 40}, {81, 263}, {999, 1000}} {
			t.Run(fmt.Sprintf("%v %d/%d", level, x.pass, x.n), func(t *testing.T) {
				ph := float64(x.pass) / float64(x.n)
				score := func(p float64) float64 {
					return math.Abs(ph-p)/math.Sqrt(p*(1-p)/float64(x.n)) - z
				}
				want := Interval{Centre: ph, Lo: 0, Hi: 1, N: x.n}
				if x.pass > 0 {
					want.Lo = bisect(score, 1e-15, min(ph, 1-1e-15))
				}
				if x.pass < x.n {
					want.Hi = bisect(score, max(ph, 1e-15), 1-1e-15)
				}
				got := WilsonAt(x.pass, x.n, level)
				if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
					t.Errorf("WilsonAt(%d, %d, %v) mismatch with root finding (-want +got):\n%s", x.pass, x.n, level, diff)
				}
			})
		}
	}
}

// TestBootstrapAgainstNormalTheory compares the percentile bootstrap with
// the normal-theory interval mean ± z·s/√n on large samples, where the
// central limit theorem makes them agree. With Resamples = 10,000 the
// Monte Carlo error of a bootstrap bound is about 1.5% (95%) to 2% (99%)
// of the half-width, so each bound must be within 8% of the half-width.
func TestBootstrapAgainstNormalTheory(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	samples := map[string][]float64{}
	exp := make([]float64, 2000)
	for i := range exp {
		exp[i] = rng.ExpFloat64() // skewed
	}
	samples["exponential"] = exp
	pass := make([]float64, 2000)
	for i := range pass {
		if rng.Float64() < 0.3 {
			pass[i] = 1
		}
	}
	samples["pass/fail"] = pass
	diffs := make([]float64, 2000)
	for i := range diffs {
		diffs[i] = float64(rng.IntN(3) - 1) // paired pass/fail differences
	}
	samples["differences"] = diffs

	for name, xs := range samples {
		for _, level := range []float64{0.9, 0.95, 0.99} {
			t.Run(fmt.Sprintf("%s %v", name, level), func(t *testing.T) {
				n := float64(len(xs))
				mean := Mean(xs)
				var ss float64
				for _, x := range xs {
					ss += (x - mean) * (x - mean)
				}
				half := zFor(level) * math.Sqrt(ss/(n-1)/n)
				got := BootstrapMeanAt(xs, level)
				if math.Abs(got.Lo-(mean-half)) > 0.08*half || math.Abs(got.Hi-(mean+half)) > 0.08*half {
					t.Errorf("bootstrap [%.5f, %.5f], normal theory [%.5f, %.5f]", got.Lo, got.Hi, mean-half, mean+half)
				}
			})
		}
	}
}

// TestPassAtKAgainstBinomials checks the product form against the
// definition 1 − C(n−c, k)/C(n, k) in exact rationals.
func TestPassAtKAgainstBinomials(t *testing.T) {
	for n := 1; n <= 30; n++ {
		for c := 0; c <= n; c++ {
			for k := 1; k <= n; k++ {
				want := 1.0
				if n-c >= k {
					r := new(big.Rat).Quo(binomRat(n-c, k), binomRat(n, k))
					f, _ := r.Float64()
					want = 1 - f
				}
				if got := PassAtK(n, c, k); math.Abs(got-want) > 1e-12 {
					t.Fatalf("PassAtK(%d, %d, %d) = %v, binomials give %v", n, c, k, got, want)
				}
			}
		}
	}
}

// TestPassAtKBySimulation checks the estimator's meaning: the chance that
// k samples drawn without replacement from n, c of them passing, include a
// pass, counted over every k-subset.
func TestPassAtKBySimulation(t *testing.T) {
	const n = 10
	for c := 0; c <= n; c++ {
		for k := 1; k <= n; k++ {
			var subsets, hit int
			for mask := range 1 << n {
				if popcount(mask) != k {
					continue
				}
				subsets++
				// Samples 0..c−1 pass.
				if mask&(1<<c-1) != 0 {
					hit++
				}
			}
			want := float64(hit) / float64(subsets)
			if got := PassAtK(n, c, k); math.Abs(got-want) > 1e-12 {
				t.Errorf("PassAtK(%d, %d, %d) = %v, counting subsets gives %v", n, c, k, got, want)
			}
		}
	}
}

func popcount(x int) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}
