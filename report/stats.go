package report

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// z95 is the standard normal quantile for a two-sided 95% interval,
// Φ⁻¹(0.975).
const z95 = 1.959963984540054

// Resamples is the number of bootstrap resamples behind every bootstrap
// interval in a report.
const Resamples = 10000

// bootstrapSeed seeds every bootstrap. It is fixed so the same data always
// gives the same intervals (and the same report bytes).
const bootstrapSeed = 0x6c6c6d62656e6368 // "llmbench"

// Interval is an estimate with its 95% interval: Centre [Lo, Hi] over N
// observations. A zero N means there was nothing to estimate and the other
// fields are meaningless.
type Interval struct {
	Centre, Lo, Hi float64
	N              int
}

// Wilson returns the pass rate pass/n with its 95% Wilson score interval.
//
// With p̂ = pass/n and z = Φ⁻¹(0.975):
//
//	centre of interval = (p̂ + z²/2n) / (1 + z²/n)
//	half-width         = z/(1 + z²/n) · √(p̂(1−p̂)/n + z²/4n²)
//
// Unlike the normal (Wald) interval it stays inside [0, 1] and does not
// collapse to a point at 0/n or n/n. The returned Centre is p̂ itself (what
// a reader expects to see), so the interval is asymmetric around it.
func Wilson(pass, n int) Interval {
	if n <= 0 {
		return Interval{}
	}
	nf := float64(n)
	p := float64(pass) / nf
	z2 := z95 * z95
	den := 1 + z2/nf
	mid := (p + z2/(2*nf)) / den
	half := z95 / den * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	return Interval{Centre: p, Lo: math.Max(0, mid-half), Hi: math.Min(1, mid+half), N: n}
}

// BootstrapMean returns the mean of xs with a 95% percentile-bootstrap
// interval: draw Resamples samples of len(xs) values with replacement, take
// each sample's mean, sort the means, and read the 2.5th and 97.5th
// percentiles by nearest rank (see Percentile). The generator is seeded
// with a constant, so the interval is a deterministic function of xs. In
// rare, very skewed samples a percentile interval can miss the sample mean
// by a hair; the bounds are widened to include it so that "centre [lo, hi]"
// always reads as an interval around its centre.
func BootstrapMean(xs []float64) Interval {
	n := len(xs)
	if n == 0 {
		return Interval{}
	}
	mean := Mean(xs)
	// The stream depends on n as well as the constant seed so that samples
	// of different sizes do not share their first draws.
	rng := rand.New(rand.NewPCG(bootstrapSeed, uint64(n)))
	means := make([]float64, Resamples)
	for b := range means {
		var s float64
		for range n {
			s += xs[rng.IntN(n)]
		}
		means[b] = s / float64(n)
	}
	slices.Sort(means)
	return Interval{
		Centre: mean,
		Lo:     math.Min(mean, nearestRank(means, 2.5)),
		Hi:     math.Max(mean, nearestRank(means, 97.5)),
		N:      n,
	}
}

// Mean is the arithmetic mean (0 for no values).
func Mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// McNemarExact returns the two-sided exact McNemar p-value for a paired
// binary comparison with b pairs where only the target passed and c where
// only the baseline passed (the discordant pairs; concordant pairs carry no
// information about the difference).
//
// Under H0 each discordant pair is equally likely to go either way, so
// min(b, c) ~ Binomial(b+c, ½) and
//
//	p = min(1, 2 · Σ_{k=0}^{min(b,c)} C(b+c, k) · 2^−(b+c))
//
// With no discordant pairs p = 1. Terms are summed in log space (via
// lgamma) so large tables do not underflow.
func McNemarExact(b, c int) float64 {
	n := b + c
	if n == 0 {
		return 1
	}
	k := min(b, c)
	lgN, _ := math.Lgamma(float64(n + 1))
	logHalfN := float64(n) * math.Log(0.5)
	var tail float64
	for i := 0; i <= k; i++ {
		lgI, _ := math.Lgamma(float64(i + 1))
		lgNI, _ := math.Lgamma(float64(n - i + 1))
		tail += math.Exp(lgN - lgI - lgNI + logHalfN)
	}
	return math.Min(1, 2*tail)
}

// WilcoxonSignedRank returns the two-sided p-value of the Wilcoxon
// signed-rank test that the paired differences ds are centred on zero,
// by the normal approximation:
//
//   - zero differences are dropped (Wilcoxon's original treatment), leaving
//     n non-zero differences; with n = 0 the p-value is 1;
//   - |d| are ranked 1..n, tied magnitudes get the average of their ranks;
//   - W⁺ is the sum of the ranks of the positive differences, with
//     E[W⁺] = n(n+1)/4 and
//     Var[W⁺] = n(n+1)(2n+1)/24 − Σ(t³−t)/48 over groups of t tied magnitudes;
//   - z = (W⁺ − E[W⁺] ∓ ½)/√Var, the ½ a continuity correction towards
//     zero, and p = 2·(1 − Φ(|z|)) = erfc(|z|/√2).
//
// The approximation is rough below about ten non-zero pairs; the report
// shows n next to every p so a reader can judge.
func WilcoxonSignedRank(ds []float64) float64 {
	type signed struct {
		abs float64
		pos bool
	}
	ps := make([]signed, 0, len(ds))
	for _, d := range ds {
		if d != 0 {
			ps = append(ps, signed{math.Abs(d), d > 0})
		}
	}
	n := len(ps)
	if n == 0 {
		return 1
	}
	slices.SortStableFunc(ps, func(a, b signed) int { return cmp.Compare(a.abs, b.abs) })
	var wPlus, tieSum float64
	for i := 0; i < n; {
		j := i
		for j+1 < n && ps[j+1].abs == ps[i].abs {
			j++
		}
		// Ranks i+1..j+1 share their average.
		rank := float64(i+j+2) / 2
		for k := i; k <= j; k++ {
			if ps[k].pos {
				wPlus += rank
			}
		}
		t := float64(j - i + 1)
		tieSum += t*t*t - t
		i = j + 1
	}
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

// PairedBootstrap returns the mean of the paired differences ds with its
// 95% percentile-bootstrap interval. Resampling whole pairs (the
// differences) keeps the pairing, so case difficulty cancels out. Same
// generator and percentile rule as BootstrapMean.
func PairedBootstrap(ds []float64) Interval { return BootstrapMean(ds) }

// Percentile returns the p-th percentile (0 < p ≤ 100) of xs by the
// nearest-rank method: sort xs ascending and take the value at 1-based rank
// ⌈p/100 · n⌉. It is always one of the observed values (no interpolation),
// so p99 of fewer than 100 values is the maximum. xs is not modified.
func Percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return nearestRank(s, p)
}

// nearestRank is Percentile on an already sorted, non-empty slice.
func nearestRank[T any](sorted []T, p float64) T {
	n := len(sorted)
	r := int(math.Ceil(p / 100 * float64(n)))
	r = max(1, min(n, r))
	return sorted[r-1]
}

// Latencies summarises a set of durations by nearest-rank percentiles
// (see Percentile).
type Latencies struct {
	N             int
	P50, P95, P99 time.Duration
}

// durationPercentiles computes Latencies over sorted durations.
func durationPercentiles(sorted []time.Duration) Latencies {
	if len(sorted) == 0 {
		return Latencies{}
	}
	return Latencies{
		N:   len(sorted),
		P50: nearestRank(sorted, 50),
		P95: nearestRank(sorted, 95),
		P99: nearestRank(sorted, 99),
	}
}

// Comparison is a target's paired comparison with the baseline on one
// suite: only (case, repeat) pairs that both answered and both got a
// primary score enter it.
type Comparison struct {
	// Baseline is the baseline target's name.
	Baseline string
	// Binary is true when the scores are pass/fail: Delta is then a
	// difference of pass rates (shown in percentage points) and P is from
	// the exact McNemar test; otherwise P is from the Wilcoxon signed-rank
	// test.
	Binary bool
	// Delta is the mean of target − baseline over the pairs with its paired
	// bootstrap 95% interval; Delta.N is the number of pairs.
	Delta Interval
	P     float64
	// Significant is true when Delta's interval excludes zero.
	Significant bool
	// Better, Worse and Same count the pairs where the target scored above,
	// below and equal to the baseline (for binary scores Better and Worse
	// are McNemar's discordant cells).
	Better, Worse, Same int
	Excluded            Excluded
}

// Excluded counts the (case, repeat) pairs left out of a comparison, by the
// first reason that applies: a refusal on either side, then an error on
// either side, then a missing result or score on either side.
type Excluded struct {
	Refusals, Errors, Missing int
}

// Total is the number of excluded pairs.
func (e Excluded) Total() int { return e.Refusals + e.Errors + e.Missing }

// String reads like "3 excluded: 2 errors, 1 refusal" ("" when none).
func (e Excluded) String() string {
	if e.Total() == 0 {
		return ""
	}
	var parts []string
	add := func(n int, one, many string) {
		switch {
		case n == 1:
			parts = append(parts, "1 "+one)
		case n > 1:
			parts = append(parts, fmt.Sprintf("%d %s", n, many))
		}
	}
	add(e.Errors, "error", "errors")
	add(e.Refusals, "refusal", "refusals")
	add(e.Missing, "missing", "missing")
	return fmt.Sprintf("%d excluded: %s", e.Total(), strings.Join(parts, ", "))
}

// compare computes a paired comparison from the differences target −
// baseline, one per pair.
func compare(baseline string, ds []float64, binary bool, ex Excluded) *Comparison {
	c := &Comparison{Baseline: baseline, Binary: binary, Excluded: ex}
	for _, d := range ds {
		switch {
		case d > 0:
			c.Better++
		case d < 0:
			c.Worse++
		default:
			c.Same++
		}
	}
	if len(ds) == 0 {
		c.P = 1
		return c
	}
	c.Delta = PairedBootstrap(ds)
	if binary {
		c.P = McNemarExact(c.Better, c.Worse)
	} else {
		c.P = WilcoxonSignedRank(ds)
	}
	c.Significant = c.Delta.Lo > 0 || c.Delta.Hi < 0
	return c
}

// Verdict is the benchstat-like delta text: "+3.1 pp [+0.8, +5.4] p=0.01"
// for pass rates, "+0.031 [+0.008, +0.054] p=0.01" for continuous scores,
// "~ (p=0.43)" when the interval includes zero, and "no pairs" when nothing
// could be paired.
func (c *Comparison) Verdict() string {
	if c == nil {
		return ""
	}
	if c.Delta.N == 0 {
		return "no pairs"
	}
	if !c.Significant {
		return "~ (" + FormatP(c.P) + ")"
	}
	if c.Binary {
		return fmt.Sprintf("%+.1f pp [%+.1f, %+.1f] %s", 100*c.Delta.Centre, 100*c.Delta.Lo, 100*c.Delta.Hi, FormatP(c.P))
	}
	return fmt.Sprintf("%+.3f [%+.3f, %+.3f] %s", c.Delta.Centre, c.Delta.Lo, c.Delta.Hi, FormatP(c.P))
}

// PairsNote reads like "n paired = 37, 3 excluded: 3 errors".
func (c *Comparison) PairsNote() string {
	if c == nil {
		return ""
	}
	s := fmt.Sprintf("n paired = %d", c.Delta.N)
	if ex := c.Excluded.String(); ex != "" {
		s += ", " + ex
	}
	return s
}

// FormatP formats a p-value with two significant digits ("p=0.043"),
// or "p<0.001".
func FormatP(p float64) string {
	if p < 0.001 {
		return "p<0.001"
	}
	return "p=" + strconv.FormatFloat(p, 'g', 2, 64)
}
