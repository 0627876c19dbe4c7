package report

import (
	"cmp"
	"math"
	"slices"
)

// WilcoxonExactMax is the largest number of non-zero differences for which
// WilcoxonSignedRank computes the exact distribution; above it the normal
// approximation is used, which by then is within 0.005 of the exact p (see
// TestWilcoxonNormalApproximation).
const WilcoxonExactMax = 50

// WilcoxonSignedRank returns the two-sided p-value of the Wilcoxon
// signed-rank test that the paired differences ds are centred on zero.
//
//   - Zero differences are dropped (Wilcoxon's original treatment), leaving
//     n non-zero differences; with n = 0 the p-value is 1.
//   - |d| are ranked 1..n; tied magnitudes get the average of their ranks.
//   - W⁺ is the sum of the ranks of the positive differences.
//
// For n ≤ WilcoxonExactMax the p-value is exact: under H0 each difference
// is equally likely to be positive or negative, so all 2ⁿ sign patterns of
// the observed ranks are equally likely, and
//
//	p = min(1, 2 · min(P(W⁺ ≤ w), P(W⁺ ≥ w)))
//
// with the distribution of W⁺ counted by dynamic programming over rank sums
// (ranks doubled, so tied half-ranks stay integers). Without ties this is
// the classical exact test (R's wilcox.test(exact = TRUE)); with ties it
// is the exact permutation distribution given the tied ranks.
//
// For larger n it uses the normal approximation (see wilcoxonNormal).
// A NaN or infinite difference gives NaN (Build never passes one).
func WilcoxonSignedRank(ds []float64) float64 {
	ranks2, w2, tieSum, ok := signedRanks(ds)
	if !ok {
		return math.NaN()
	}
	n := len(ranks2)
	switch {
	case n == 0:
		return 1
	case n <= WilcoxonExactMax:
		return wilcoxonExact(ranks2, w2)
	}
	return wilcoxonNormal(n, float64(w2)/2, tieSum)
}

// signedRanks ranks the non-zero |d| of ds. It returns each rank doubled
// (an integer even for average ranks of ties), twice W⁺, and Σ(t³−t) over
// groups of t tied magnitudes. ok is false if some d is NaN or infinite.
func signedRanks(ds []float64) (ranks2 []int, w2 int, tieSum float64, ok bool) {
	type signed struct {
		abs float64
		pos bool
	}
	ps := make([]signed, 0, len(ds))
	for _, d := range ds {
		if math.IsNaN(d) || math.IsInf(d, 0) {
			return nil, 0, 0, false
		}
		if d != 0 {
			ps = append(ps, signed{math.Abs(d), d > 0})
		}
	}
	n := len(ps)
	slices.SortFunc(ps, func(a, b signed) int { return cmp.Compare(a.abs, b.abs) })
	ranks2 = make([]int, n)
	for i := 0; i < n; {
		j := i
		for j+1 < n && ps[j+1].abs == ps[i].abs {
			j++
		}
		// Ranks i+1..j+1 share their average (i+j+2)/2; doubled, i+j+2.
		for k := i; k <= j; k++ {
			ranks2[k] = i + j + 2
			if ps[k].pos {
				w2 += i + j + 2
			}
		}
		t := float64(j - i + 1)
		tieSum += t*t*t - t
		i = j + 1
	}
	return ranks2, w2, tieSum, true
}

// wilcoxonExact is the exact two-sided p-value for doubled ranks ranks2
// (n ≤ WilcoxonExactMax, so the 2ⁿ counts are exact in a float64) and an
// observed doubled W⁺ of w2.
//
// count[s] is the number of sign patterns whose doubled W⁺ is s; adding a
// rank r either leaves a pattern's sum (negative sign) or adds r to it.
func wilcoxonExact(ranks2 []int, w2 int) float64 {
	total := 0
	for _, r := range ranks2 {
		total += r
	}
	count := make([]float64, total+1)
	count[0] = 1
	top := 0
	for _, r := range ranks2 {
		for s := top; s >= 0; s-- {
			count[s+r] += count[s]
		}
		top += r
	}
	var lower, upper float64
	for s, c := range count {
		if s <= w2 {
			lower += c
		}
		if s >= w2 {
			upper += c
		}
	}
	p := 2 * math.Min(lower, upper) / math.Ldexp(1, len(ranks2))
	return math.Min(1, p)
}

// wilcoxonNormal is the normal approximation to the two-sided p-value of
// the signed-rank test with n non-zero differences, W⁺ = wPlus and tie term
// tieSum = Σ(t³−t):
//
//	E[W⁺]   = n(n+1)/4
//	Var[W⁺] = n(n+1)(2n+1)/24 − Σ(t³−t)/48
//	z       = (W⁺ − E[W⁺] ∓ ½)/√Var   (½: continuity correction towards 0)
//	p       = 2·(1 − Φ(|z|)) = erfc(|z|/√2)
func wilcoxonNormal(n int, wPlus, tieSum float64) float64 {
	nf := float64(n)
	mean := nf * (nf + 1) / 4
	variance := nf*(nf+1)*(2*nf+1)/24 - tieSum/48
	if variance <= 0 {
		return 1
	}
	diff := wPlus - mean
	switch {
	case diff > 0.5:
		diff -= 0.5
	case diff < -0.5:
		diff += 0.5
	default:
		diff = 0
	}
	z := diff / math.Sqrt(variance)
	return math.Min(1, math.Erfc(math.Abs(z)/math.Sqrt2))
}
