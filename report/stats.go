package report

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultLevel is the confidence level of every interval in a report
// unless Options.Level says otherwise.
const DefaultLevel = 0.95

// z95 is the standard normal quantile for a two-sided 95% interval,
// Φ⁻¹(0.975).
const z95 = 1.959963984540054

// Resamples is the number of bootstrap resamples behind every bootstrap
// interval in a report.
const Resamples = 10000

// bootstrapSeed seeds every bootstrap. It is fixed so the same data always
// gives the same intervals (and the same report bytes).
const bootstrapSeed = 0x6c6c6d62656e6368 // "llmbench"

// Interval is an estimate with its confidence interval (95% unless the
// function or report says otherwise): Centre [Lo, Hi] over N observations.
// A zero N means there was nothing to estimate and the other fields are
// meaningless.
type Interval struct {
	Centre, Lo, Hi float64
	N              int
}

// checkLevel reports whether level is a usable confidence level: a number
// strictly between 0 and 1.
func checkLevel(level float64) error {
	if !(level > 0 && level < 1) {
		return fmt.Errorf("confidence level %v is not between 0 and 1 (exclusive)", level)
	}
	return nil
}

// levelOrDefault maps the zero level to DefaultLevel and panics on a level
// outside (0, 1): a programming error, since BuildWith checks user input.
func levelOrDefault(level float64) float64 {
	if level == 0 {
		return DefaultLevel
	}
	if err := checkLevel(level); err != nil {
		panic("report: " + err.Error())
	}
	return level
}

// zFor is the standard normal quantile of a two-sided interval at level:
//
//	z = Φ⁻¹((1+level)/2) = √2 · erf⁻¹(level)
//
// since Φ(x) = (1 + erf(x/√2))/2. At 0.95 it returns the exact constant
// z95 so the default intervals do not depend on erf⁻¹'s last bit.
func zFor(level float64) float64 {
	if level == DefaultLevel {
		return z95
	}
	return math.Sqrt2 * math.Erfinv(level)
}

// Wilson returns the pass rate pass/n with its 95% Wilson score interval
// (WilsonAt at DefaultLevel).
func Wilson(pass, n int) Interval { return WilsonAt(pass, n, DefaultLevel) }

// WilsonAt returns the pass rate pass/n with its Wilson score interval at
// the given confidence level (0 means DefaultLevel).
//
// With p̂ = pass/n and z = Φ⁻¹((1+level)/2):
//
//	centre of interval = (p̂ + z²/2n) / (1 + z²/n)
//	half-width         = z/(1 + z²/n) · √(p̂(1−p̂)/n + z²/4n²)
//
// (Wilson 1927; method 3 of Newcombe 1998.) These are the two roots p of
// (p̂ − p)² = z² p(1−p)/n: the proportions the score test at that level does
// not reject. Unlike the normal (Wald) interval it stays inside [0, 1] and
// does not collapse to a point at 0/n or n/n. The returned Centre is p̂
// itself (what a reader expects to see), so the interval is asymmetric
// around it. pass is clamped to [0, n]; n ≤ 0 gives the zero Interval.
func WilsonAt(pass, n int, level float64) Interval {
	level = levelOrDefault(level)
	if n <= 0 {
		return Interval{}
	}
	pass = max(0, min(n, pass))
	nf := float64(n)
	p := float64(pass) / nf
	z := zFor(level)
	z2 := z * z
	den := 1 + z2/nf
	mid := (p + z2/(2*nf)) / den
	half := z / den * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	lo, hi := math.Max(0, mid-half), math.Min(1, mid+half)
	// At 0/n and n/n the bound on the observed side is exactly p̂; keep it
	// exact rather than a rounding error away.
	if pass == 0 {
		lo = 0
	}
	if pass == n {
		hi = 1
	}
	return Interval{Centre: p, Lo: lo, Hi: hi, N: n}
}

// BootstrapMean returns the mean of xs with its 95% percentile-bootstrap
// interval (BootstrapMeanAt at DefaultLevel).
func BootstrapMean(xs []float64) Interval { return BootstrapMeanAt(xs, DefaultLevel) }

// BootstrapMeanAt returns the mean of xs with a percentile-bootstrap
// interval at the given confidence level (0 means DefaultLevel): draw
// Resamples samples of len(xs) values with replacement, take each sample's
// mean, sort the means, and read the α/2 and 1−α/2 quantiles, α = 1−level,
// by nearest rank (see Percentile): at 95% the 250th and 9,750th of 10,000.
//
// The generator (PCG) is seeded with a constant and n, so the interval is a
// deterministic function of xs and the level. In rare, very skewed samples
// a percentile interval can miss the sample mean by a hair; the bounds are
// widened to include it so that "centre [lo, hi]" always reads as an
// interval around its centre.
//
// Edge cases: no values give the zero Interval; one value, or a sample
// whose values are all equal, gives the point interval [x, x] (every
// resample is the same); a NaN or infinite value makes Centre, Lo and Hi
// NaN (nothing is dropped silently; Build never passes one).
func BootstrapMeanAt(xs []float64, level float64) Interval {
	level = levelOrDefault(level)
	n := len(xs)
	if n == 0 {
		return Interval{}
	}
	constant := true
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			nan := math.NaN()
			return Interval{Centre: nan, Lo: nan, Hi: nan, N: n}
		}
		constant = constant && x == xs[0]
	}
	if constant {
		return Interval{Centre: xs[0], Lo: xs[0], Hi: xs[0], N: n}
	}
	mean := Mean(xs)
	means := bootstrapMeans(xs, Resamples)
	slices.Sort(means)
	alpha := (1 - level) / 2
	return Interval{
		Centre: mean,
		Lo:     math.Min(mean, means[quantileRank(Resamples, alpha)-1]),
		Hi:     math.Max(mean, means[quantileRank(Resamples, 1-alpha)-1]),
		N:      n,
	}
}

// quantileRank is the 1-based nearest rank ⌈q·n⌉ of the q-quantile among n
// sorted values, clamped to [1, n]. A tolerance of 1e-9 absorbs the
// rounding in q (1−0.95 is 0.050000000000000044 in floating point, and
// ⌈0.025000000000000022·10000⌉ would be 251, not 250).
func quantileRank(n int, q float64) int {
	r := int(math.Ceil(q*float64(n) - 1e-9))
	return max(1, min(n, r))
}

// bootstrapMeans returns b resample means of xs (len(xs) ≥ 1), drawn
// with the report's fixed seed.
//
// This is the hot loop of every report (a paired bootstrap over 10,000
// cases is 10⁸ draws), so it avoids math/rand's per-call overhead: each
// 64-bit PCG output gives two 32-bit draws, and a draw becomes an index
// in [0, n) by Lemire's multiply-shift with rejection ("Fast random
// integer generation in an interval", 2019), which is exactly uniform. The
// sequence is a pure function of the seed and n.
func bootstrapMeans(xs []float64, b int) []float64 {
	n := len(xs)
	// The stream depends on n as well as the constant seed so that samples
	// of different sizes do not share their first draws.
	src := rand.NewPCG(bootstrapSeed, uint64(n))
	means := make([]float64, b)
	if uint64(n) > math.MaxUint32 {
		rng := rand.New(src)
		for i := range means {
			var s float64
			for range n {
				s += xs[rng.Uint64N(uint64(n))]
			}
			means[i] = s / float64(n)
		}
		return means
	}
	un := uint64(n)
	// Products whose low 32 bits fall below 2³² mod n would make some
	// indices more likely than others; they are rejected and redrawn.
	thresh := uint32(-uint32(n)) % uint32(n)
	var (
		buf  uint64
		half bool
	)
	next := func() uint32 {
		if half {
			half = false
			return uint32(buf >> 32)
		}
		buf, half = src.Uint64(), true
		return uint32(buf)
	}
	for i := range means {
		var s float64
		for range n {
			m := uint64(next()) * un
			for uint32(m) < thresh {
				m = uint64(next()) * un
			}
			s += xs[m>>32]
		}
		means[i] = s / float64(n)
	}
	return means
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

// PairedBootstrap returns the mean of the paired differences ds with its
// 95% paired-bootstrap interval (PairedBootstrapAt at DefaultLevel).
func PairedBootstrap(ds []float64) Interval { return PairedBootstrapAt(ds, DefaultLevel) }

// PairedBootstrapAt returns the mean of the paired differences ds (one per
// case: target − baseline) with its percentile-bootstrap interval at the
// given level. Resampling whole pairs (the differences) keeps the pairing,
// so case difficulty cancels out. Same generator, percentile rule and edge
// cases as BootstrapMeanAt.
func PairedBootstrapAt(ds []float64, level float64) Interval { return BootstrapMeanAt(ds, level) }

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
	return sorted[quantileRank(len(sorted), p/100)-1]
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

// Tests behind a Comparison's p-value.
const (
	// TestMcNemar is the exact McNemar test (see McNemarExact), used for
	// pass/fail scores with one sample per case on each side.
	TestMcNemar = "McNemar exact"
	// TestWilcoxon is the Wilcoxon signed-rank test (see
	// WilcoxonSignedRank), used for continuous scores and for pass rates
	// averaged over repeats.
	TestWilcoxon = "Wilcoxon signed-rank"
)

// Comparison is a target's paired comparison with the baseline on one
// suite. The unit is the case: each side's score on a case is the mean of
// its scored samples of that case (one sample without repeats), and only
// cases where both sides have at least one scored sample enter it. Repeats
// of a case are never treated as independent cases.
type Comparison struct {
	// Baseline is the baseline target's name.
	Baseline string
	// Binary is true when the scores are pass/fail: Delta is then a
	// difference of pass rates, shown in percentage points.
	Binary bool
	// Level is the confidence level of Delta's interval.
	Level float64
	// Delta is the mean over paired cases of target − baseline with its
	// paired-bootstrap interval at Level; Delta.N is the number of paired
	// cases.
	Delta Interval
	// P is the two-sided p-value of Test; it is shown beside the interval,
	// which alone decides significance.
	P float64
	// Test names the test behind P: TestMcNemar when Binary and every
	// paired case has one sample on each side, else TestWilcoxon.
	Test string
	// Significant is true when Delta's interval excludes zero.
	Significant bool
	// Better, Worse and Same count the paired cases where the target scored
	// above, below and equal to the baseline (under TestMcNemar, Better and
	// Worse are McNemar's discordant cells).
	Better, Worse, Same int
	// Repeats is the suite's number of samples per case (1 without
	// repeats). Partial counts paired cases where either side has fewer
	// scored samples than that (some repeats failed or are missing); their
	// means are over the samples that were scored.
	Repeats, Partial int
	// Excluded counts the cases left out, by reason.
	Excluded Excluded
}

// Excluded counts the cases left out of a comparison because the target or
// the baseline has no scored sample of them. Among the sides without a
// scored sample, the first reason that applies is counted: a refusal
// (content filter), then an error, then a missing result or score.
type Excluded struct {
	Refusals, Errors, Missing int
}

// Total is the number of excluded cases.
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

// pairing is what compare needs besides the per-case differences.
type pairing struct {
	baseline string
	binary   bool
	// single is true when every paired case has exactly one scored sample
	// on each side, so each difference is one McNemar pair.
	single           bool
	repeats, partial int
	excluded         Excluded
	level            float64
}

// compare computes a paired comparison from the per-case differences
// target − baseline.
func compare(ds []float64, pr pairing) *Comparison {
	level := levelOrDefault(pr.level)
	c := &Comparison{
		Baseline: pr.baseline, Binary: pr.binary, Level: level,
		Repeats: max(1, pr.repeats), Partial: pr.partial, Excluded: pr.excluded,
		Test: TestWilcoxon,
	}
	if pr.binary && pr.single {
		c.Test = TestMcNemar
	}
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
	c.Delta = PairedBootstrapAt(ds, level)
	if c.Test == TestMcNemar {
		c.P = McNemarExact(c.Better, c.Worse)
	} else {
		c.P = WilcoxonSignedRank(ds)
	}
	c.Significant = c.Delta.Lo > 0 || c.Delta.Hi < 0
	return c
}

// Verdict is the benchstat-like delta text: "+3.1 pp [+0.8, +5.4] p=0.01"
// for pass rates, "+0.031 [+0.008, +0.054] p=0.01" for continuous scores
// (in the scorer's own units), "~ (p=0.43)" when the interval includes
// zero, and "no pairs" when nothing could be paired.
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

// PairsNote reads like "n paired = 37, 3 excluded: 3 errors", or with
// repeats "n paired = 37 cases (means of 5 repeats), 2 on fewer repeats".
func (c *Comparison) PairsNote() string {
	if c == nil {
		return ""
	}
	s := fmt.Sprintf("n paired = %d", c.Delta.N)
	if c.Repeats > 1 {
		s += fmt.Sprintf(" cases (means of %d repeats)", c.Repeats)
	}
	if ex := c.Excluded.String(); ex != "" {
		s += ", " + ex
	}
	if c.Partial > 0 {
		s += fmt.Sprintf(", %d on fewer repeats", c.Partial)
	}
	return s
}

// levelText is a confidence level as a percentage: "95%", "90%", "99.9%".
func levelText(level float64) string {
	pct := math.Round(1e6*levelOrDefault(level)) / 1e4 // drop float noise: 0.57 → 57, not 56.99999999999999
	return strconv.FormatFloat(pct, 'f', -1, 64) + "%"
}

// FormatP formats a p-value with two significant digits ("p=0.043"),
// or "p<0.001".
func FormatP(p float64) string {
	if p < 0.001 {
		return "p<0.001"
	}
	return "p=" + strconv.FormatFloat(p, 'g', 2, 64)
}
