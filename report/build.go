package report

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/llmbench/llmbench/bench"
	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// MaxTextBytes caps each prompt and answer kept for the drill-down tables;
// longer text is cut at a rune boundary and marked as truncated. Scores are
// computed from the stored results, never from the cut text.
const MaxTextBytes = 8 << 10

// Data is everything a report shows about one run, computed by Build.
// Renderers (WriteHTML, WriteText) only format it: the same Data always
// renders to the same bytes.
type Data struct {
	Run results.Run
	// Targets in display order: the baseline first, then by name.
	Targets []TargetSummary
	// Suites in the order the source lists them; suites seen only in
	// results follow, by name.
	Suites []SuiteSummary
	// Simulated is true when any target is the local simulator.
	Simulated bool
	// BaselineMissing is true when the run names a baseline that has no
	// target (no comparisons can be made).
	BaselineMissing bool
	// Level is the confidence level of every interval (DefaultLevel
	// unless Options.Level said otherwise).
	Level float64
	// Judge is the judge model of suites with the judge scorer, when the
	// source records one (see JudgeSource); nil otherwise.
	Judge *JudgeSummary
	// Cost is the Cost section: prices, exchange rate, totals and quotas
	// (see cost.go); the per-cell and per-target costs are on the cells
	// and targets.
	Cost *CostSummary
	// Trend is the history of the run's config (see HistorySource); nil
	// when fewer than two runs can be shown.
	Trend *Trend
	// Previous is the run the changed marks compare with (see
	// Options.Previous); nil when there is none.
	Previous *Previous
}

// Options tune Build. The zero value is the default.
type Options struct {
	// Level is the confidence level of every interval, strictly between 0
	// and 1: the Wilson z and the bootstrap percentiles follow it. Zero
	// means DefaultLevel (0.95).
	Level float64
	// Pricing, when set, is applied over the built-in price table and the
	// prices in the run's recorded config: its prices replace theirs for
	// the models it names, its exchange rate and quotas theirs. PricingFrom
	// names it in the report (a file name; default OriginOverride).
	Pricing     *bench.Pricing
	PricingFrom string
	// Previous chooses the run whose answers the changed-since-previous
	// marks compare with: PreviousAuto ("" too) for the newest completed
	// run of the same config before this one (when the source is a
	// HistorySource), PreviousNone for no marks, or a run ID.
	Previous string
}

// TargetSummary is a target with its figures over all suites.
type TargetSummary struct {
	results.Target
	// Baseline is true for the run's baseline target.
	Baseline bool
	// Colour is the target's palette index: its position among the target
	// names in sorted order, so it is the same in every plot and table.
	Colour int
	Calls
	// LatencySamples and TTFTSamples are the successful calls' latencies
	// and non-zero times to first token, sorted, for the ECDF plots.
	LatencySamples, TTFTSamples []time.Duration
	// Cost is the cost of the target's calls over all suites (judge calls
	// not included, even when the target is also the judge: see
	// CostSummary.Judging).
	Cost Cost
}

// Calls is what is known about a group of calls beyond their scores.
type Calls struct {
	// N counts the calls (results), failed ones included.
	N int
	// Errors counts failed calls other than refusals; Refusals counts
	// content-filter blocks (class content_filtered), which are never
	// scored as wrong answers.
	Errors, Refusals int
	// ErrorClasses breaks Errors and Refusals down by class, in the order of
	// providers.Classes (unknown classes last, by name).
	ErrorClasses []ClassCount
	// Cached counts the results answered from the cache (llmbench run
	// --cache; results.Result.Cached): not sent in this run, so they cost
	// nothing in it, and their timings are an earlier call's. They count
	// in N, in the scores and in the token sums, and are left out of
	// Latency, TTFT and TokensPerSecond (and the latency plots and Pareto
	// fronts), which are timings of this run's calls.
	Cached int
	// Latency is over successful calls made in this run (not from the
	// cache); TTFT over those of them that streamed.
	Latency, TTFT Latencies
	// TokensPerSecond is the median over those calls with output tokens of
	// OutputTokens / Latency (decode and prefill together).
	TokensPerSecond float64
	// InputTokens and OutputTokens are summed over all calls, cached ones
	// included; CachedInputTokens and CachedOutputTokens are the cached
	// results' part of them.
	InputTokens, OutputTokens             int64
	CachedInputTokens, CachedOutputTokens int64
}

// ErrorRate is Errors / N (0 when N is 0).
func (c Calls) ErrorRate() float64 { return ratio(c.Errors, c.N) }

// RefusalRate is Refusals / N (0 when N is 0).
func (c Calls) RefusalRate() float64 { return ratio(c.Refusals, c.N) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// ClassCount is the number of failed calls of one error class.
type ClassCount struct {
	Class string
	N     int
}

// SuiteSummary is one suite's figures per target and its drill-down rows.
type SuiteSummary struct {
	results.SuiteInfo
	// Scorer is the primary scorer (the suite's first).
	Scorer string
	// Binary is true when every primary score is pass/fail: Score is then a
	// pass rate, else a mean.
	Binary bool
	// Repeats is the number of samples per case: the most (case, repeat)
	// rows any case of the suite has. Above 1 the statistics treat the case
	// as the unit (see Cell).
	Repeats int
	// Cells holds one entry per Data.Targets, in the same order.
	Cells []Cell
	// Cases holds one entry per case, in case order: each target's
	// samples, mean and variance on it.
	Cases []CaseSummary
	// Rows holds one entry per (case, repeat), in case order.
	Rows []Row
}

// CaseSummary is one case of a suite across its repeats.
type CaseSummary struct {
	CaseID string
	// Scores holds one entry per Data.Targets, in the same order.
	Scores []CaseScore
}

// CaseScore is one target's scored samples of one case. For pass/fail
// scores the values are 0 and 1, so Mean is the case's pass rate.
type CaseScore struct {
	// Samples counts the scored samples; Passes those that passed (binary
	// suites only).
	Samples, Passes int
	// Mean is the mean of the samples (0 when there are none).
	Mean float64
	// Var is their sample variance, Σ(x−Mean)²/(Samples−1): how much the
	// target's answers to the same case vary between repeats (0 with fewer
	// than two samples).
	Var float64
}

// Cell is one (suite, target) summary.
type Cell struct {
	Target    string
	Baseline  bool
	Simulated bool
	// Colour is the target's palette index (see TargetSummary.Colour).
	Colour int
	// Score is the pass rate or mean of the primary score, with its
	// interval at Data.Level.
	//
	// With one sample per case (SuiteSummary.Repeats ≤ 1) it is over the
	// calls that answered and were scored: a Wilson interval for pass
	// rates, a bootstrap one for means, and Score.N = Samples.
	//
	// With repeats, the case is the unit: Score is the mean over cases of
	// each case's mean over its scored samples, with a bootstrap interval
	// over cases (repeats of one case are not independent trials, so a
	// Wilson interval over samples would be too narrow), and Score.N is the
	// number of cases with at least one scored sample.
	Score Interval
	// Samples counts the scored calls behind Score.
	Samples int
	// RepeatSD is the pooled within-case standard deviation across repeats,
	// √(Σ(nᵢ−1)sᵢ² / Σ(nᵢ−1)) over cases with nᵢ ≥ 2 samples of variance
	// sᵢ²: the spread of the target's scores on the same case. It is 0
	// without repeats.
	RepeatSD float64
	// PassK is pass@k over cases for k = 2..SuiteSummary.Repeats, in
	// order of k, for pass/fail scores with repeats; nil otherwise.
	// (pass@1 is Score itself.)
	PassK []PassK
	// Unscored counts answered calls without a primary score (a NaN or
	// infinite score counts as none).
	Unscored int
	Calls
	// Comparison is nil for the baseline itself, when there is no
	// baseline, and when the target did not run the suite.
	Comparison *Comparison
	// NotRun is true when the target made no call for the suite (it is
	// limited to other suites, like a lead baseline).
	NotRun bool
	// Cost is the cost of the cell's calls; Front marks the cell on the
	// suite's quality-vs-cost and quality-vs-latency Pareto fronts.
	Cost  Cost
	Front Front
	// Judging is the spend on judging the cell's answers, one entry per
	// judge target that judged them (none outside judged suites). It is
	// not in Cost.
	Judging []Judging
}

// Row is one (case, repeat) of a suite with every target's answer.
type Row struct {
	CaseID string
	Repeat int
	Prompt string
	// PromptTruncated is true when Prompt was cut at MaxTextBytes.
	PromptTruncated bool
	References      []string
	Images          []Thumbnail
	// Answers holds one entry per Data.Targets, in the same order.
	Answers []Answer
	// Lost is true when some target's answer here is marked Lost.
	Lost bool
	// Changed is true when some target's answer here is marked Changed.
	Changed bool
}

// Answer is one target's result for a row.
type Answer struct {
	// Present is false when the target has no result for the row.
	Present bool
	Output  string
	// OutputBytes is the stored output's length; Output is cut at
	// MaxTextBytes when it is longer.
	OutputBytes int
	Scored      bool
	Score       float64
	ErrorClass  string
	ErrorMsg    string
	Latency     time.Duration
	// Cached is true when the answer came from the cache: Latency is then
	// the original call's, not a timing of this run.
	Cached bool
	// Lost is true when this answer was scored and, on this case, the
	// target's mean score is below the baseline's (both scored; without
	// repeats: this answer scored below the baseline's).
	Lost bool
	// Changed is true when the answer differs from the previous run's
	// (see Data.Previous); Was then says what that run had.
	Changed bool
	Was     *Was
}

// Truncated reports whether Output was cut.
func (a Answer) Truncated() bool { return len(a.Output) < a.OutputBytes }

// Build is BuildWith with the default Options: 95% intervals.
func Build(ctx context.Context, src Source, runID string) (*Data, error) {
	return BuildWith(ctx, src, runID, Options{})
}

// BuildWith reads run runID from src and computes its report data. Results
// are read in one streaming pass and grouped by (suite, target); for each
// pair only compact per-call figures are kept, plus the (cut) text the
// drill-down tables show. A Level outside (0, 1) is an error, reported
// before anything is read.
func BuildWith(ctx context.Context, src Source, runID string, opts Options) (*Data, error) {
	level := opts.Level
	if level == 0 {
		level = DefaultLevel
	}
	if err := checkLevel(level); err != nil {
		return nil, fmt.Errorf("report options: %w", err)
	}
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
	judge, targets, judgeUse, err := readJudge(ctx, src, runID, targets)
	if err != nil {
		return nil, err
	}
	hist, prev, err := readHistory(ctx, src, run, opts.Previous, level)
	if err != nil {
		return nil, err
	}
	b := newBuilder(run, targets, infos)
	b.prev = prev
	for c, err := range src.Cases(ctx, runID) {
		if err != nil {
			return nil, fmt.Errorf("read cases of run %s: %w", runID, err)
		}
		b.addCase(c)
	}
	n := 0
	for r, err := range src.Results(ctx, runID) {
		if err != nil {
			return nil, fmt.Errorf("read results of run %s: %w", runID, err)
		}
		if n++; n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("read results of run %s: %w", runID, err)
			}
		}
		b.addResult(&r)
	}
	d := b.finish(level)
	d.Judge = judge
	applyCosts(d, resolvePricing(run, opts), judgeUse)
	markChangedRows(d, prev)
	if hist != nil {
		hist.add(snapData(d, b.caseHash))
		d.Trend = hist.finish(d)
	}
	return d, nil
}

// Outcome kinds of one call, as the statistics see it.
const (
	kindMissing  uint8 = iota // no result
	kindScored                // answered, primary score present
	kindUnscored              // answered, no primary score
	kindRefused               // content_filtered
	kindError                 // any other error class
)

// outcome is the compact per-call record statistics are computed from.
type outcome struct {
	kind      uint8
	score     float64
	latency   time.Duration
	ttft      time.Duration
	inTokens  int32
	outTokens int32
	class     string
	// cached is true for a result answered from the cache: it is not
	// timed in this run.
	cached bool
}

type rowKey struct {
	caseID string
	repeat int
}

type rowAcc struct {
	key      rowKey
	outcomes []outcome // by target index
	answers  []Answer  // by target index
}

type suiteAcc struct {
	info      results.SuiteInfo
	scorer    string
	anyScore  bool
	allBinary bool
	caseOrder map[string]int
	cases     map[string]*caseAcc
	rows      map[rowKey]*rowAcc
}

// caseAcc is what a drill-down row shows about a case.
type caseAcc struct {
	hash       string
	prompt     string
	truncated  bool
	references []string
	images     []Thumbnail
}

type builder struct {
	run       results.Run
	targets   []results.Target // display order
	targetIdx map[string]int
	baseIdx   int // -1 without a baseline
	suites    []*suiteAcc
	suiteIdx  map[string]*suiteAcc
	extra     []string   // suites seen only in cases/results, in order of appearance
	prev      *storedRun // the previous run, for the changed marks; nil without
}

func newBuilder(run results.Run, targets []results.Target, infos []results.SuiteInfo) *builder {
	b := &builder{
		run:       run,
		targetIdx: map[string]int{},
		baseIdx:   -1,
		suiteIdx:  map[string]*suiteAcc{},
	}
	for _, t := range targets {
		b.addTarget(t)
	}
	for _, si := range infos {
		b.addSuite(si)
	}
	return b
}

func (b *builder) addTarget(t results.Target) int {
	if i, ok := b.targetIdx[t.Name]; ok {
		return i
	}
	b.targets = append(b.targets, t)
	// Display order: baseline first, then by name. Indices are fixed only
	// in finish; until then they are insertion order.
	b.targetIdx[t.Name] = len(b.targets) - 1
	for _, s := range b.suites {
		for _, r := range s.rows {
			r.outcomes = append(r.outcomes, outcome{})
			r.answers = append(r.answers, Answer{})
		}
	}
	return len(b.targets) - 1
}

func (b *builder) addSuite(si results.SuiteInfo) *suiteAcc {
	if s, ok := b.suiteIdx[si.Name]; ok {
		return s
	}
	s := &suiteAcc{
		info:      si,
		allBinary: true,
		caseOrder: map[string]int{},
		cases:     map[string]*caseAcc{},
		rows:      map[rowKey]*rowAcc{},
	}
	if len(si.Scorers) > 0 {
		s.scorer = si.Scorers[0]
	}
	b.suites = append(b.suites, s)
	b.suiteIdx[si.Name] = s
	return s
}

func (b *builder) suite(name string) *suiteAcc {
	if s, ok := b.suiteIdx[name]; ok {
		return s
	}
	b.extra = append(b.extra, name)
	return b.addSuite(results.SuiteInfo{Name: name})
}

func (b *builder) addCase(c results.Case) {
	s := b.suite(c.Suite)
	if _, dup := s.cases[c.ID]; dup {
		return
	}
	s.caseOrder[c.ID] = len(s.caseOrder)
	p, cut := clip(c.Prompt)
	s.cases[c.ID] = &caseAcc{hash: c.Hash, prompt: p, truncated: cut, references: c.References, images: thumbnails(c.Images)}
}

func (b *builder) addResult(r *results.Result) {
	s := b.suite(r.Suite)
	ti, ok := b.targetIdx[r.Target]
	if !ok {
		ti = b.addTarget(results.Target{Name: r.Target})
	}
	k := rowKey{r.CaseID, r.Repeat}
	row, ok := s.rows[k]
	if !ok {
		row = &rowAcc{key: k, outcomes: make([]outcome, len(b.targets)), answers: make([]Answer, len(b.targets))}
		s.rows[k] = row
	}
	// A duplicate (suite, case, target, repeat) replaces the earlier
	// result, so every call is counted once.
	o := outcome{
		latency:   r.Latency,
		ttft:      r.TTFT,
		inTokens:  int32(min(r.InputTokens, 1<<31-1)),
		outTokens: int32(min(r.OutputTokens, 1<<31-1)),
		class:     r.ErrorClass,
		cached:    r.Cached,
	}
	out, _ := clip(r.Output)
	a := Answer{Present: true, Output: out, OutputBytes: len(r.Output), ErrorClass: r.ErrorClass, ErrorMsg: r.ErrorMessage, Latency: r.Latency, Cached: r.Cached}
	switch {
	case r.ErrorClass == string(providers.ContentFiltered):
		o.kind = kindRefused
	case r.ErrorClass != "":
		o.kind = kindError
	default:
		o.kind = kindUnscored
		if s.scorer == "" && len(r.Scores) > 0 {
			// A suite the source did not describe: its first scorer seen
			// is taken as primary.
			s.scorer = r.Scores[0].Scorer
		}
		primary := s.scorer
		if len(r.Scores) > 0 && primary != suites.JudgeScorer && !hasScorer(r.Scores, primary) {
			// A case with its own scorers (scorers: on the case) has none
			// of the suite's; its own primary is written first. A judged
			// suite has no such cases, and a missing judge score must stay
			// missing rather than borrow another scorer's.
			primary = r.Scores[0].Scorer
		}
		for _, sc := range r.Scores {
			// A non-finite score is no score: it would turn every mean it
			// entered into NaN. The call counts as unscored.
			if sc.Scorer == primary && !math.IsNaN(sc.Value) && !math.IsInf(sc.Value, 0) {
				o.kind, o.score = kindScored, sc.Value
				a.Scored, a.Score = true, sc.Value
				s.anyScore = true
				s.allBinary = s.allBinary && sc.Binary
				break
			}
		}
	}
	if b.prev != nil {
		var caseHash string
		if c, ok := s.cases[r.CaseID]; ok {
			caseHash = c.hash
		}
		b.prev.mark(&a, r, o, caseHash)
	}
	row.outcomes[ti] = o
	row.answers[ti] = a
}

// caseHash is the content hash of a case of the run ("" if unknown).
func (b *builder) caseHash(suite, caseID string) string {
	if s, ok := b.suiteIdx[suite]; ok {
		if c, ok := s.cases[caseID]; ok {
			return c.hash
		}
	}
	return ""
}

func (b *builder) finish(level float64) *Data {
	d := &Data{Run: b.run, Level: level}

	// Display order and palette. perm maps display index → insertion index.
	names := make([]string, len(b.targets))
	for i, t := range b.targets {
		names[i] = t.Name
	}
	sorted := slices.Clone(names)
	slices.Sort(sorted)
	perm := make([]int, len(b.targets))
	for i := range perm {
		perm[i] = i
	}
	slices.SortFunc(perm, func(x, y int) int {
		bx, by := names[x] == b.run.Baseline, names[y] == b.run.Baseline
		switch {
		case bx && !by:
			return -1
		case by && !bx:
			return 1
		}
		return cmp.Compare(names[x], names[y])
	})
	base := -1
	for di, ii := range perm {
		t := b.targets[ii]
		isBase := t.Name == b.run.Baseline
		if isBase {
			base = di
		}
		col, _ := slices.BinarySearch(sorted, t.Name)
		d.Targets = append(d.Targets, TargetSummary{Target: t, Baseline: isBase, Colour: col})
		d.Simulated = d.Simulated || t.Simulated
	}
	d.BaselineMissing = b.run.Baseline != "" && base < 0

	// Per-target accumulators over all suites.
	all := make([]callsAcc, len(perm))

	extraSet := map[string]bool{}
	for _, n := range b.extra {
		extraSet[n] = true
	}
	order := make([]*suiteAcc, 0, len(b.suites))
	for _, s := range b.suites {
		if !extraSet[s.info.Name] {
			order = append(order, s)
		}
	}
	slices.Sort(b.extra)
	for _, n := range b.extra {
		order = append(order, b.suiteIdx[n])
	}

	for _, s := range order {
		ss := SuiteSummary{SuiteInfo: s.info, Scorer: s.scorer, Binary: s.anyScore && s.allBinary}
		rows := make([]*rowAcc, 0, len(s.rows))
		for _, r := range s.rows {
			rows = append(rows, r)
		}
		// Rows for case IDs the source listed come in case order; others
		// follow by ID. Within a case, by repeat.
		slices.SortFunc(rows, func(x, y *rowAcc) int {
			ox, okx := s.caseOrder[x.key.caseID]
			oy, oky := s.caseOrder[y.key.caseID]
			switch {
			case okx && !oky:
				return -1
			case oky && !okx:
				return 1
			case okx && oky && ox != oy:
				return cmp.Compare(ox, oy)
			}
			if c := cmp.Compare(x.key.caseID, y.key.caseID); c != 0 {
				return c
			}
			return cmp.Compare(x.key.repeat, y.key.repeat)
		})

		cells := make([]callsAcc, len(perm))
		for _, r := range rows {
			row := Row{CaseID: r.key.caseID, Repeat: r.key.repeat, Answers: make([]Answer, len(perm))}
			if c, ok := s.cases[r.key.caseID]; ok {
				row.Prompt = c.prompt
				row.PromptTruncated = c.truncated
				row.References = c.references
				row.Images = c.images
			}
			for di, ii := range perm {
				o := r.outcomes[ii]
				row.Answers[di] = r.answers[ii]
				cells[di].add(o)
				all[di].add(o)
			}
			ss.Rows = append(ss.Rows, row)
		}
		caseStats(&ss, rows, perm, base, cells, d, level)
		d.Suites = append(d.Suites, ss)
	}
	for di := range d.Targets {
		d.Targets[di].Calls = all[di].calls()
		d.Targets[di].LatencySamples = all[di].latency
		d.Targets[di].TTFTSamples = all[di].ttft
	}
	return d
}

// callsAcc accumulates the outcomes of a group of calls.
type callsAcc struct {
	n, errors, refusals, unscored int
	classes                       map[string]int
	latency, ttft                 []time.Duration
	tps                           []float64
	in, out                       int64
	cached                        int
	cachedIn, cachedOut           int64
}

func (a *callsAcc) add(o outcome) {
	if o.kind == kindMissing {
		return
	}
	a.n++
	a.in += int64(o.inTokens)
	a.out += int64(o.outTokens)
	if o.cached {
		a.cached++
		a.cachedIn += int64(o.inTokens)
		a.cachedOut += int64(o.outTokens)
	}
	switch o.kind {
	case kindRefused, kindError:
		if o.kind == kindRefused {
			a.refusals++
		} else {
			a.errors++
		}
		if a.classes == nil {
			a.classes = map[string]int{}
		}
		a.classes[o.class]++
		return
	case kindUnscored:
		a.unscored++
	}
	if o.cached {
		// Copied from an earlier call: not a timing of this run.
		return
	}
	a.latency = append(a.latency, o.latency)
	if o.ttft > 0 {
		a.ttft = append(a.ttft, o.ttft)
	}
	if o.outTokens > 0 && o.latency > 0 {
		a.tps = append(a.tps, float64(o.outTokens)/o.latency.Seconds())
	}
}

func (a *callsAcc) calls() Calls {
	slices.Sort(a.latency)
	slices.Sort(a.ttft)
	c := Calls{
		N:            a.n,
		Errors:       a.errors,
		Refusals:     a.refusals,
		ErrorClasses: classCounts(a.classes),
		Latency:      durationPercentiles(a.latency),
		TTFT:         durationPercentiles(a.ttft),
		InputTokens:  a.in,
		OutputTokens: a.out,

		Cached:             a.cached,
		CachedInputTokens:  a.cachedIn,
		CachedOutputTokens: a.cachedOut,
	}
	if len(a.tps) > 0 {
		c.TokensPerSecond = Percentile(a.tps, 50)
	}
	return c
}

// classCounts orders counts by providers.Classes, unknown classes last by name.
func classCounts(m map[string]int) []ClassCount {
	if len(m) == 0 {
		return nil
	}
	var out []ClassCount
	known := map[string]bool{}
	for _, c := range providers.Classes {
		known[string(c)] = true
		if n := m[string(c)]; n > 0 {
			out = append(out, ClassCount{string(c), n})
		}
	}
	var rest []string
	for c := range m {
		if !known[c] {
			rest = append(rest, c)
		}
	}
	slices.Sort(rest)
	for _, c := range rest {
		out = append(out, ClassCount{c, m[c]})
	}
	return out
}

// clip cuts s to at most MaxTextBytes at a rune boundary.
func clip(s string) (string, bool) {
	if len(s) <= MaxTextBytes {
		return s, false
	}
	cut := MaxTextBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut], true
}

// hasScorer reports whether scores hold one by the named scorer.
func hasScorer(scores []suites.Score, name string) bool {
	for _, sc := range scores {
		if sc.Scorer == name {
			return true
		}
	}
	return false
}
