package report

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// Thresholds decide what Diff calls a regression. The zero value of a
// field means its default (DefaultThresholds).
type Thresholds struct {
	// Level is the family-wise confidence level of the score and rate
	// tests: α = 1 − Level is shared by each family's comparisons with
	// Holm's step-down procedure. Default 0.95.
	Level float64
	// MinPassDrop is the least drop in a pass rate (a fraction: 0.02 is
	// 2 percentage points) that can be a regression. Default 0.02.
	MinPassDrop float64
	// MinScoreDrop is the least drop in a continuous score, as a fraction
	// of the scorer's range (1 for scores in [0, 1], 100 for BLEU and
	// chrF, 10 for CIDEr): 0.02 is 0.02 on [0, 1] and 2 BLEU points.
	// Default 0.02.
	MinScoreDrop float64
	// P50Ratio and P95Ratio are the latency growth factors above which a
	// median or 95th-percentile latency is a regression. Default 1.25 and
	// 1.5.
	P50Ratio, P95Ratio float64
	// MinLatencyRise is the least growth of a latency percentile, in
	// time, that can be a regression: a 5 ms call that takes 9 ms on a
	// busy night has grown 1.8 times but tells nothing about the provider.
	// Default 50 ms.
	MinLatencyRise time.Duration
	// MinLatencyN is the least number of successful calls on each side for
	// the latency checks to apply. Default 30.
	MinLatencyN int
	// MinRateRise is the least rise in the error or refusal rate (a
	// fraction) that can be a regression. Default 0.05.
	MinRateRise float64
}

// DefaultThresholds are the thresholds Diff uses for zero fields.
func DefaultThresholds() Thresholds {
	return Thresholds{Level: DefaultLevel, MinPassDrop: 0.02, MinScoreDrop: 0.02, P50Ratio: 1.25, P95Ratio: 1.5, MinLatencyRise: 50 * time.Millisecond, MinLatencyN: 30, MinRateRise: 0.05}
}

// WithDefaults fills zero fields with DefaultThresholds and checks the
// rest.
func (t Thresholds) WithDefaults() (Thresholds, error) {
	d := DefaultThresholds()
	if t.Level == 0 {
		t.Level = d.Level
	}
	if t.MinPassDrop == 0 {
		t.MinPassDrop = d.MinPassDrop
	}
	if t.MinScoreDrop == 0 {
		t.MinScoreDrop = d.MinScoreDrop
	}
	if t.P50Ratio == 0 {
		t.P50Ratio = d.P50Ratio
	}
	if t.P95Ratio == 0 {
		t.P95Ratio = d.P95Ratio
	}
	if t.MinLatencyRise == 0 {
		t.MinLatencyRise = d.MinLatencyRise
	}
	if t.MinLatencyN == 0 {
		t.MinLatencyN = d.MinLatencyN
	}
	if t.MinRateRise == 0 {
		t.MinRateRise = d.MinRateRise
	}
	if err := checkLevel(t.Level); err != nil {
		return t, fmt.Errorf("thresholds: %w", err)
	}
	for _, f := range []struct {
		name string
		v    float64
		min  float64
	}{{"min pass drop", t.MinPassDrop, 0}, {"min score drop", t.MinScoreDrop, 0}, {"min rate rise", t.MinRateRise, 0}, {"p50 ratio", t.P50Ratio, 1}, {"p95 ratio", t.P95Ratio, 1}} {
		if !(f.v > f.min) || math.IsInf(f.v, 0) {
			return t, fmt.Errorf("thresholds: %s %v must be above %v", f.name, f.v, f.min)
		}
	}
	if t.MinLatencyRise < 0 {
		return t, fmt.Errorf("thresholds: min latency rise %s is negative", t.MinLatencyRise)
	}
	if t.MinLatencyN < 1 {
		return t, fmt.Errorf("thresholds: min latency n %d must be at least 1", t.MinLatencyN)
	}
	return t, nil
}

// Finding kinds.
const (
	FindScore     = "score"
	FindP50       = "latency_p50"
	FindP95       = "latency_p95"
	FindErrors    = "errors"
	FindRefusals  = "refusals"
	FindScoreRise = "score_improved" // informational, never a regression
)

// Finding is one regression of a cell (or, for FindScoreRise, a note).
type Finding struct {
	Kind string
	// Message is the evidence in one line, e.g. "pass rate 85.0% → 45.0%:
	// -40.0 pp [-55.0, -25.0] at 99.2%, p<0.001 (McNemar exact, Holm)".
	Message string
}

// Flip is a case whose score dropped between the runs by more than the
// minimum effect (for pass/fail scores without repeats: pass → fail).
type Flip struct {
	CaseID        string
	Before, After float64
}

// Rate is a count among n paired calls.
type Rate struct {
	Count, N int
}

// Value is Count / N (0 when N is 0).
func (r Rate) Value() float64 { return ratio(r.Count, r.N) }

// ModelChange is a target whose provider reported a different model name
// in the later run (a new snapshot behind the same alias, say). The name
// is the one most of the run's successful calls reported.
type ModelChange struct {
	Target        string
	Before, After string
}

// CellDiff is one (suite, target) compared across two runs of a config.
type CellDiff struct {
	Suite, Target string
	// Scorer is the suite's primary scorer; Binary is true for pass/fail
	// scores; Scale is the scorer's range (1, or 100 for BLEU/chrF, 10
	// for CIDEr), the unit of Thresholds.MinScoreDrop.
	Scorer string
	Binary bool
	Scale  float64
	// InBefore is false when the earlier run has no result for the cell
	// (a new target or suite): nothing is compared.
	InBefore bool
	// Shared counts the cases both runs scored with the same case hash;
	// ContentChanged the cases in both runs whose content (hash) differs,
	// left out; Unpaired the cases scored on one side only, left out.
	Shared, ContentChanged, Unpaired int
	// Before and After are the mean scores over the shared cases (each
	// case's mean over its scored samples).
	Before, After float64
	// Delta is After − Before over the shared cases with its paired
	// bootstrap interval at DeltaLevel (the Holm-adjusted level of this
	// comparison; see Diff).
	Delta      Interval
	DeltaLevel float64
	// P is the two-sided p-value of Test; PHolm the Holm-adjusted one.
	P, PHolm float64
	Test     string
	// Worse and Better count shared cases whose score fell or rose.
	Worse, Better int
	// Flipped lists the cases whose score dropped by more than the
	// minimum effect, in case order.
	Flipped []Flip
	// LatBefore and LatAfter are latency percentiles of successful calls
	// on shared cases, made in each run (not answered from the cache).
	LatBefore, LatAfter Latencies
	// ErrBefore/ErrAfter and RefBefore/RefAfter are error and refusal
	// counts over the (case, repeat) calls both runs made on shared-hash
	// cases; ErrP and RefP their exact McNemar p-values, ErrPHolm and
	// RefPHolm Holm-adjusted.
	ErrBefore, ErrAfter, RefBefore, RefAfter Rate
	ErrP, ErrPHolm, RefP, RefPHolm           float64
	// Calls is the number of results of the cell in the later run and
	// Time the sum of their latencies (those answered from the cache took
	// none in it).
	Calls int
	Time  time.Duration
	// Model is the model name the later run's provider reported;
	// ModelChange is set when it differs from the earlier run's.
	Model       string
	ModelChange *ModelChange
	// Findings are the regressions found (plus a FindScoreRise note for
	// a significant improvement).
	Findings []Finding

	ds []float64 // the paired differences, for the interval
}

// Regressed reports whether the cell has a finding other than a note.
func (c *CellDiff) Regressed() bool {
	for _, f := range c.Findings {
		if f.Kind != FindScoreRise {
			return true
		}
	}
	return false
}

// RunDiff compares a run with an earlier run of the same config.
type RunDiff struct {
	// Before is the zero Run when there was no earlier run to compare
	// with: the cells then describe After alone.
	Before, After results.Run
	Thresholds    Thresholds
	// Cells in the later run's suite order, then its target order.
	Cells []CellDiff
	// ModelChanges lists every target whose reported model changed.
	ModelChanges []ModelChange
}

// Compared reports whether there was an earlier run.
func (d *RunDiff) Compared() bool { return d.Before.ID != "" }

// Regressions counts the cells with a regression.
func (d *RunDiff) Regressions() int {
	n := 0
	for i := range d.Cells {
		if d.Cells[i].Regressed() {
			n++
		}
	}
	return n
}

// Diff compares run after with the earlier run before (before "" only
// describes after) and decides which (suite, target) cells regressed.
//
// Only cases both runs have with the same case hash are compared (a case
// whose prompt or references changed is left out and counted). With
// α = 1 − Thresholds.Level:
//
//   - Score. For each cell, d_i = after − before on each shared case (each
//     side's case score is the mean of its scored samples). Its two-sided
//     p-value comes from the exact McNemar test (pass/fail, one sample per
//     case on each side) or the Wilcoxon signed-rank test. The cells'
//     p-values form one family, corrected by Holm–Bonferroni: sorted
//     ascending p_(1) ≤ … ≤ p_(m), H_(k) is rejected while
//     p_(k) ≤ α/(m−k+1), stopping at the first that is not. The cell at
//     rank k gets its paired bootstrap interval of mean(d) at level
//     1 − α/(m−k+1). A cell regresses when its hypothesis is rejected,
//     that interval lies wholly below 0, and the drop −mean(d) is at least
//     MinPassDrop (pass/fail) or MinScoreDrop × the scorer's range.
//     PHolm is the Holm-adjusted p, max_{j≤k} min(1, (m−j+1)·p_(j)).
//   - Errors and refusals (two more families, each Holm-corrected the same
//     way): over the (case, repeat) calls both runs made on shared cases,
//     b calls failed only before and c only after; the rate rise is
//     (c − b)/n and its p-value the exact McNemar test on (b, c). A cell
//     regresses when the rise is at least MinRateRise and Holm rejects.
//     Refusals are content-filter blocks; errors every other class.
//   - Latency, a threshold rule without a test: over successful calls on
//     shared cases made in each run (answers from the cache carry an
//     earlier call's timings and are left out), with at least MinLatencyN
//     calls on each side, the
//     median grew more than P50Ratio times or the 95th percentile more
//     than P95Ratio times (nearest-rank percentiles), and by at least
//     MinLatencyRise in time.
//
// A significant score rise is recorded as a FindScoreRise note, never a
// regression. The model a target reports is compared too (ModelChanges).
func Diff(ctx context.Context, src Source, before, after string, th Thresholds) (*RunDiff, error) {
	th, err := th.WithDefaults()
	if err != nil {
		return nil, err
	}
	a, err := readSide(ctx, src, after)
	if err != nil {
		return nil, err
	}
	d := &RunDiff{After: a.run, Thresholds: th}
	var b *side
	if before != "" {
		if b, err = readSide(ctx, src, before); err != nil {
			return nil, err
		}
		d.Before = b.run
	}
	models := map[string]*ModelChange{}
	if b != nil {
		for _, t := range a.targets {
			mb, ma := b.model(t), a.model(t)
			if mb != "" && ma != "" && mb != ma {
				mc := &ModelChange{Target: t, Before: mb, After: ma}
				models[t] = mc
				d.ModelChanges = append(d.ModelChanges, *mc)
			}
		}
	}
	for _, s := range a.suites {
		for _, t := range a.targets {
			ca := a.cells[cellKey{s.name, t}]
			if ca == nil {
				continue
			}
			c := CellDiff{Suite: s.name, Target: t, Scorer: s.scorer, Binary: s.binary(), Scale: scorerScale(s.scorer),
				Calls: ca.calls, Time: ca.time, Model: a.model(t), ModelChange: models[t]}
			if b != nil {
				if cb := b.cells[cellKey{s.name, t}]; cb != nil {
					c.InBefore = true
					pairCells(&c, b.suite(s.name), s, cb, ca, th)
				}
			}
			d.Cells = append(d.Cells, c)
		}
	}
	holm(d.Cells, th, func(c *CellDiff) (float64, bool) { return c.P, c.InBefore && c.Shared > 0 }, func(c *CellDiff, k int, m int, padj float64) {
		c.PHolm = padj
		c.DeltaLevel = 1 - (1-th.Level)/float64(m-k)
	})
	holm(d.Cells, th, func(c *CellDiff) (float64, bool) { return c.ErrP, c.InBefore && c.ErrAfter.N > 0 }, func(c *CellDiff, _, _ int, padj float64) { c.ErrPHolm = padj })
	holm(d.Cells, th, func(c *CellDiff) (float64, bool) { return c.RefP, c.InBefore && c.RefAfter.N > 0 }, func(c *CellDiff, _, _ int, padj float64) { c.RefPHolm = padj })
	alpha := 1 - th.Level
	for i := range d.Cells {
		c := &d.Cells[i]
		if !c.InBefore || c.Shared == 0 {
			continue
		}
		findings(c, b.suite(c.Suite), a.suite(c.Suite), th, alpha)
	}
	return d, nil
}

// holm applies Holm's step-down procedure to the p-values that get
// selects, calling set with each one's 0-based rank k among the m tested
// and its Holm-adjusted p-value. A hypothesis at rank k is rejected when
// every rank up to it has adjusted p ≤ α, which is the same as adjusted
// p ≤ α since the adjusted p-values are made monotone.
func holm(cells []CellDiff, th Thresholds, get func(*CellDiff) (float64, bool), set func(c *CellDiff, k, m int, padj float64)) {
	var idx []int
	for i := range cells {
		if _, ok := get(&cells[i]); ok {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(x, y int) int {
		px, _ := get(&cells[x])
		py, _ := get(&cells[y])
		return cmp.Compare(px, py)
	})
	m := len(idx)
	running := 0.0
	for k, i := range idx {
		p, _ := get(&cells[i])
		running = math.Max(running, math.Min(1, float64(m-k)*p))
		set(&cells[i], k, m, running)
	}
}

// pairCells fills the paired statistics of c from both sides' cells.
func pairCells(c *CellDiff, sb, sa *suiteSide, cb, ca *cellSide, th Thresholds) {
	var ds []float64
	single := true
	var sumB, sumA float64
	var latB, latA []time.Duration
	for _, id := range sa.order {
		ha, hb := sa.hash[id], sb.hash[id]
		xa, okA := ca.cases[id]
		xb, okB := cb.cases[id]
		if !okA && !okB {
			continue
		}
		if !okA || !okB {
			c.Unpaired++
			continue
		}
		if _, inB := sb.hash[id]; inB && ha != hb {
			c.ContentChanged++
			continue
		}
		latB = append(latB, xb.lat...)
		latA = append(latA, xa.lat...)
		for rep, oa := range xa.outcomes {
			ob, ok := xb.outcomes[rep]
			if !ok {
				continue
			}
			c.ErrAfter.N++
			c.ErrBefore.N++
			if oa == kindError {
				c.ErrAfter.Count++
			}
			if ob == kindError {
				c.ErrBefore.Count++
			}
			if oa == kindRefused {
				c.RefAfter.Count++
			}
			if ob == kindRefused {
				c.RefBefore.Count++
			}
		}
		if xa.n == 0 || xb.n == 0 {
			continue
		}
		single = single && xa.n == 1 && xb.n == 1
		ma, mb := xa.sum/float64(xa.n), xb.sum/float64(xb.n)
		sumA += ma
		sumB += mb
		ds = append(ds, ma-mb)
		c.Shared++
		switch {
		case ma < mb:
			c.Worse++
		case ma > mb:
			c.Better++
		}
	}
	c.RefAfter.N, c.RefBefore.N = c.ErrAfter.N, c.ErrBefore.N
	c.ErrP = rateP(ca, cb, sa, sb, kindError)
	c.RefP = rateP(ca, cb, sa, sb, kindRefused)
	slices.Sort(latB)
	slices.Sort(latA)
	c.LatBefore, c.LatAfter = durationPercentiles(latB), durationPercentiles(latA)
	c.P = 1
	c.Test = TestWilcoxon
	if c.Binary && single {
		c.Test = TestMcNemar
	}
	if c.Shared == 0 {
		return
	}
	c.Before, c.After = sumB/float64(c.Shared), sumA/float64(c.Shared)
	if c.Test == TestMcNemar {
		c.P = McNemarExact(c.Better, c.Worse)
	} else {
		c.P = WilcoxonSignedRank(ds)
	}
	c.Delta = Interval{Centre: Mean(ds), N: len(ds)}
	c.ds = ds
}

// rateP is the exact McNemar p-value for calls of kind on the paired
// (case, repeat) calls of shared-hash cases: b failed only before, c only
// after.
func rateP(ca, cb *cellSide, sa, sb *suiteSide, kind uint8) float64 {
	var onlyB, onlyA int
	for id, xa := range ca.cases {
		xb, ok := cb.cases[id]
		if !ok || sa.hash[id] != sb.hash[id] {
			continue
		}
		for rep, oa := range xa.outcomes {
			ob, ok := xb.outcomes[rep]
			if !ok {
				continue
			}
			switch {
			case ob == kind && oa != kind:
				onlyB++
			case oa == kind && ob != kind:
				onlyA++
			}
		}
	}
	return McNemarExact(onlyB, onlyA)
}

// findings decides c's regressions once the Holm-adjusted values are set.
func findings(c *CellDiff, sb, sa *suiteSide, th Thresholds, alpha float64) {
	before, after := sb.cases(c.Target), sa.cases(c.Target)
	minDrop := th.MinPassDrop
	if !c.Binary {
		minDrop = th.MinScoreDrop * c.Scale
	}
	if c.Delta.N > 0 {
		iv := PairedBootstrapAt(c.ds, c.DeltaLevel)
		c.Delta = iv
		rejected := c.PHolm <= alpha
		switch {
		case rejected && iv.Hi < 0 && -iv.Centre >= minDrop:
			c.Findings = append(c.Findings, Finding{Kind: FindScore, Message: c.scoreEvidence()})
		case rejected && iv.Lo > 0 && iv.Centre >= minDrop:
			c.Findings = append(c.Findings, Finding{Kind: FindScoreRise, Message: c.scoreEvidence()})
		}
	}
	// Flipped cases, in case order.
	for _, id := range sa.order {
		xa, xb := after[id], before[id]
		if xa == nil || xb == nil || xa.n == 0 || xb.n == 0 || xa.hash != xb.hash {
			continue
		}
		ma, mb := xa.sum/float64(xa.n), xb.sum/float64(xb.n)
		if mb-ma > minDrop {
			c.Flipped = append(c.Flipped, Flip{CaseID: id, Before: mb, After: ma})
		}
	}
	if c.LatBefore.N >= th.MinLatencyN && c.LatAfter.N >= th.MinLatencyN {
		if r := durRatio(c.LatAfter.P50, c.LatBefore.P50); r > th.P50Ratio && c.LatAfter.P50-c.LatBefore.P50 >= th.MinLatencyRise {
			c.Findings = append(c.Findings, Finding{Kind: FindP50, Message: fmt.Sprintf("p50 latency %s → %s (×%.2f > ×%.2f; n=%d, %d)",
				durText(c.LatBefore.P50), durText(c.LatAfter.P50), r, th.P50Ratio, c.LatBefore.N, c.LatAfter.N)})
		}
		if r := durRatio(c.LatAfter.P95, c.LatBefore.P95); r > th.P95Ratio && c.LatAfter.P95-c.LatBefore.P95 >= th.MinLatencyRise {
			c.Findings = append(c.Findings, Finding{Kind: FindP95, Message: fmt.Sprintf("p95 latency %s → %s (×%.2f > ×%.2f; n=%d, %d)",
				durText(c.LatBefore.P95), durText(c.LatAfter.P95), r, th.P95Ratio, c.LatBefore.N, c.LatAfter.N)})
		}
	}
	rate := func(kind, what string, rb, ra Rate, p, padj float64) {
		rise := ra.Value() - rb.Value()
		if ra.N > 0 && rise >= th.MinRateRise && padj <= alpha {
			c.Findings = append(c.Findings, Finding{Kind: kind, Message: fmt.Sprintf("%s rate %.1f%% → %.1f%% (%+.1f pp ≥ %.1f pp; %s, Holm %s, McNemar exact on %d paired calls)",
				what, 100*rb.Value(), 100*ra.Value(), 100*rise, 100*th.MinRateRise, FormatP(p), FormatP(padj), ra.N)})
		}
	}
	rate(FindErrors, "error", c.ErrBefore, c.ErrAfter, c.ErrP, c.ErrPHolm)
	rate(FindRefusals, "refusal", c.RefBefore, c.RefAfter, c.RefP, c.RefPHolm)
}

// scoreEvidence is the score change in one line.
func (c *CellDiff) scoreEvidence() string {
	lvl := levelText(c.DeltaLevel)
	var s string
	if c.Binary {
		s = fmt.Sprintf("pass rate %.1f%% → %.1f%%: %+.1f pp [%+.1f, %+.1f] at %s", 100*c.Before, 100*c.After, 100*c.Delta.Centre, 100*c.Delta.Lo, 100*c.Delta.Hi, lvl)
	} else {
		s = fmt.Sprintf("mean %s %.3f → %.3f: %+.3f [%+.3f, %+.3f] at %s", c.Scorer, c.Before, c.After, c.Delta.Centre, c.Delta.Lo, c.Delta.Hi, lvl)
	}
	s += fmt.Sprintf(", %s, Holm %s (%s); %d shared cases, %d worse, %d better", FormatP(c.P), FormatP(c.PHolm), c.Test, c.Shared, c.Worse, c.Better)
	if c.ContentChanged > 0 {
		s += fmt.Sprintf(", %d left out (content changed)", c.ContentChanged)
	}
	if c.ModelChange != nil {
		s += fmt.Sprintf("; model changed: %s → %s", c.ModelChange.Before, c.ModelChange.After)
	}
	return s
}

func durRatio(a, b time.Duration) float64 {
	if b <= 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// scorerScale is the range of a scorer's values: its MaxValue when the
// registered scorer has one (100 for BLEU and chrF, 10 for CIDEr), else 1.
// A spec with options ("bleu?tokenizer=zh") is looked up by its name.
func scorerScale(spec string) float64 {
	name, _, _ := strings.Cut(spec, "?")
	sc, err := suites.LookupScorer(name)
	if err != nil {
		return 1
	}
	if m, ok := sc.(interface{ MaxValue() float64 }); ok && m.MaxValue() > 0 {
		return m.MaxValue()
	}
	return 1
}

// side is one run read for Diff: per (suite, target) and case, the scored
// samples, outcomes by repeat and successful latencies.
type side struct {
	run     results.Run
	targets []string
	suites  []*suiteSide
	byName  map[string]*suiteSide
	cells   map[cellKey]*cellSide
	models  map[string]map[string]int // target → reported model → successful calls
}

type cellKey struct{ suite, target string }

type suiteSide struct {
	name, scorer string
	anyScore     bool
	allBinary    bool
	order        []string
	hash         map[string]string
	byTarget     map[string]map[string]*runCase
}

func (s *suiteSide) binary() bool { return s.anyScore && s.allBinary }

func (s *suiteSide) cases(target string) map[string]*runCase { return s.byTarget[target] }

type cellSide struct {
	cases map[string]*runCase
	calls int
	time  time.Duration
}

type runCase struct {
	hash     string
	sum      float64
	n        int
	outcomes map[int]uint8 // repeat → kind
	lat      []time.Duration
}

func (sd *side) suite(name string) *suiteSide {
	if s, ok := sd.byName[name]; ok {
		return s
	}
	s := &suiteSide{name: name, allBinary: true, hash: map[string]string{}, byTarget: map[string]map[string]*runCase{}}
	sd.suites = append(sd.suites, s)
	sd.byName[name] = s
	return s
}

// model is the model name most of target's successful calls reported
// (ties: the smallest name), "" when none reported one.
func (sd *side) model(target string) string {
	best, n := "", 0
	for m, k := range sd.models[target] {
		if k > n || (k == n && m < best) {
			best, n = m, k
		}
	}
	return best
}

func readSide(ctx context.Context, src Source, runID string) (*side, error) {
	run, err := src.Run(ctx, runID)
	if err != nil {
		return nil, fmt.Errorf("read run %s: %w", runID, err)
	}
	targets, err := src.Targets(ctx, runID)
	if err != nil {
		return nil, fmt.Errorf("read targets of run %s: %w", runID, err)
	}
	infos, err := src.Suites(ctx, runID)
	if err != nil {
		return nil, fmt.Errorf("read suites of run %s: %w", runID, err)
	}
	sd := &side{run: run, byName: map[string]*suiteSide{}, cells: map[cellKey]*cellSide{}, models: map[string]map[string]int{}}
	known := map[string]bool{}
	for _, t := range targets {
		sd.targets = append(sd.targets, t.Name)
		known[t.Name] = true
	}
	for _, si := range infos {
		s := sd.suite(si.Name)
		if len(si.Scorers) > 0 {
			s.scorer = si.Scorers[0]
		}
	}
	for c, err := range src.Cases(ctx, runID) {
		if err != nil {
			return nil, fmt.Errorf("read cases of run %s: %w", runID, err)
		}
		s := sd.suite(c.Suite)
		if _, dup := s.hash[c.ID]; !dup {
			s.hash[c.ID] = c.Hash
			s.order = append(s.order, c.ID)
		}
	}
	for r, err := range src.Results(ctx, runID) {
		if err != nil {
			return nil, fmt.Errorf("read results of run %s: %w", runID, err)
		}
		if !known[r.Target] {
			known[r.Target] = true
			sd.targets = append(sd.targets, r.Target)
		}
		s := sd.suite(r.Suite)
		if _, ok := s.hash[r.CaseID]; !ok {
			s.hash[r.CaseID] = ""
			s.order = append(s.order, r.CaseID)
		}
		k := cellKey{r.Suite, r.Target}
		cell := sd.cells[k]
		if cell == nil {
			cell = &cellSide{cases: map[string]*runCase{}}
			sd.cells[k] = cell
			s.byTarget[r.Target] = cell.cases
		}
		cell.calls++
		if !r.Cached {
			// A result from the cache took no time in this run.
			cell.time += r.Latency
		}
		cs := cell.cases[r.CaseID]
		if cs == nil {
			cs = &runCase{hash: s.hash[r.CaseID], outcomes: map[int]uint8{}}
			cell.cases[r.CaseID] = cs
		}
		switch {
		case r.ErrorClass == string(providers.ContentFiltered):
			cs.outcomes[r.Repeat] = kindRefused
			continue
		case r.ErrorClass != "":
			cs.outcomes[r.Repeat] = kindError
			continue
		}
		cs.outcomes[r.Repeat] = kindUnscored
		if !r.Cached {
			// A cached answer's latency is an earlier call's: comparing it
			// would hide a change in the model's speed.
			cs.lat = append(cs.lat, r.Latency)
		}
		if r.ModelReported != "" {
			if sd.models[r.Target] == nil {
				sd.models[r.Target] = map[string]int{}
			}
			sd.models[r.Target][r.ModelReported]++
		}
		if s.scorer == "" && len(r.Scores) > 0 {
			s.scorer = r.Scores[0].Scorer
		}
		name, _, _ := strings.Cut(s.scorer, "?")
		for _, sc := range r.Scores {
			if (sc.Scorer == s.scorer || sc.Scorer == name) && !math.IsNaN(sc.Value) && !math.IsInf(sc.Value, 0) {
				cs.outcomes[r.Repeat] = kindScored
				cs.sum += sc.Value
				cs.n++
				s.anyScore = true
				s.allBinary = s.allBinary && sc.Binary
				break
			}
		}
	}
	return sd, nil
}
