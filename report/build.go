package report

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
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
	// SummaryOnly leaves out the drill-down: SuiteSummary.Rows stays nil,
	// and no prompt, reference, image or answer text is kept while
	// building. Every other field is the same as without it, so WriteText,
	// WriteMarkdown, WriteJSON, WriteCSV and NewSummary give the same
	// output; only WriteHTML shows rows. It is for summaries of large runs,
	// such as the one `llmbench run` prints after its run.
	SummaryOnly bool
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
// pair only compact per-call figures are kept (about 40 bytes a result,
// case IDs once per case), plus the (cut) text the drill-down tables show
// unless opts.SummaryOnly. A Level outside (0, 1) is an error, reported
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
	b := newBuilder(run, targets, infos, !opts.SummaryOnly, prev != nil || hist != nil)
	b.prev = prev
	// Sizing the columns once pays when they hold the answers' text; a
	// summary's columns are small, and growing them costs less than the
	// count (a query, and its SQLite page cache).
	if rc, ok := src.(resultCounter); ok && !opts.SummaryOnly {
		if b.expect, err = rc.CountResults(ctx, runID); err != nil {
			return nil, fmt.Errorf("count results of run %s: %w", runID, err)
		}
	}
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
	d, correct := b.finish(level)
	d.Judge = judge
	applyCosts(d, resolvePricing(run, opts), judgeUse, correct)
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

// outcome is the compact per-call record statistics are computed from: 40
// bytes and no pointers, so a run's outcomes cost the collector nothing to
// scan.
type outcome struct {
	score     float64
	latency   time.Duration
	ttft      time.Duration
	inTokens  int32
	outTokens int32
	// class indexes builder.classes; 0 is no error class.
	class uint32
	kind  uint8
	// cached is true for a result answered from the cache: it is not
	// timed in this run.
	cached bool
	// changed is true when the answer differs from the previous run's
	// (see storedRun.mark).
	changed bool
}

// answerText is what a drill-down row shows of an answer beyond its
// outcome. It is kept only when the rows are built.
type answerText struct {
	output   string // cut at MaxTextBytes
	errMsg   string
	outBytes int
	was      *Was // non-nil when the answer is marked Changed
}

// caseText is what a drill-down row shows about its case.
type caseText struct {
	prompt     string
	truncated  bool
	references []string
	images     []Thumbnail
}

// rowKey is a (case, repeat) of a suite; c indexes suiteAcc.caseIDs.
type rowKey struct {
	c, rep int
}

// suiteAcc accumulates one suite. Per result it keeps an outcome (and,
// when the rows are built, the answer's text) in per-target columns
// indexed by row; a case ID is stored once per case, never per result.
type suiteAcc struct {
	info      results.SuiteInfo
	scorer    string
	anyScore  bool
	allBinary bool
	// caseIdx indexes caseIDs. The cases the source listed come first, in
	// its order (indices below listed); cases seen only in results follow.
	caseIdx map[string]int
	caseIDs []string
	listed  int
	// hashes (when the builder keeps them) and texts (when it builds rows)
	// are by case index, for the listed cases.
	hashes []string
	texts  []caseText
	// keys holds each row's (case, repeat), in order of its first result.
	// rowOf[c·per + rep] is 1 + the index of row (c, rep) when
	// 0 ≤ rep < per (0 until it has one); rowIdx indexes the other rows.
	keys   []rowKey
	per    int
	rowOf  []int32
	rowIdx map[rowKey]int
	// out[t][row] is the outcome of target t (insertion order) on a row;
	// ans[t][row] its text, when the rows are built. Every column has a
	// slot for every row.
	out [][]outcome
	ans [][]answerText
}

// hash is the content hash of case ci ("" if unknown or not kept).
func (s *suiteAcc) hash(ci int) string {
	if ci < len(s.hashes) {
		return s.hashes[ci]
	}
	return ""
}

// addColumn adds a target's columns, with a slot for every row so far.
func (s *suiteAcc) addColumn(texts bool) {
	s.out = append(s.out, make([]outcome, len(s.keys), cap(s.keys)))
	if texts {
		s.ans = append(s.ans, make([]answerText, len(s.keys), cap(s.keys)))
	}
}

// reserve makes room for n rows in every column.
func (s *suiteAcc) reserve(n int) {
	s.keys = grow(s.keys, n)
	for i := range s.out {
		s.out[i] = grow(s.out[i], n)
	}
	for i := range s.ans {
		s.ans[i] = grow(s.ans[i], n)
	}
	s.rowOf = grow(s.rowOf, min(n, s.listed*s.per))
}

// grow makes room for n elements in all.
func grow[T any](s []T, n int) []T {
	return slices.Grow(s, max(0, n-len(s)))
}

// row returns the index of row k, adding it (empty in every column) if new.
func (s *suiteAcc) row(k rowKey) int {
	slot := -1
	if k.rep >= 0 && k.rep < s.per {
		slot = k.c*s.per + k.rep
	}
	if slot >= 0 && slot < len(s.rowOf) && s.rowOf[slot] > 0 {
		return int(s.rowOf[slot] - 1)
	}
	if ri, ok := s.rowIdx[k]; ok {
		return ri
	}
	ri := len(s.keys)
	if slot >= 0 && ri < math.MaxInt32 {
		if slot >= len(s.rowOf) {
			s.rowOf = append(s.rowOf, make([]int32, slot+1-len(s.rowOf))...)
		}
		s.rowOf[slot] = int32(ri + 1)
	} else {
		s.rowIdx[k] = ri
	}
	s.keys = append(s.keys, k)
	for i := range s.out {
		s.out[i] = append(s.out[i], outcome{})
	}
	for i := range s.ans {
		s.ans[i] = append(s.ans[i], answerText{})
	}
	return ri
}

// sortedRows returns the row indices in display order: rows of the cases
// the source listed in case order, others after them by case ID; within a
// case, by repeat.
func (s *suiteAcc) sortedRows() []int {
	rows := make([]int, len(s.keys))
	for i := range rows {
		rows[i] = i
	}
	slices.SortFunc(rows, func(x, y int) int {
		kx, ky := s.keys[x], s.keys[y]
		lx, ly := kx.c < s.listed, ky.c < s.listed
		switch {
		case lx && !ly:
			return -1
		case ly && !lx:
			return 1
		case lx && ly && kx.c != ky.c:
			return cmp.Compare(kx.c, ky.c)
		}
		if kx.c != ky.c {
			if c := cmp.Compare(s.caseIDs[kx.c], s.caseIDs[ky.c]); c != 0 {
				return c
			}
		}
		return cmp.Compare(kx.rep, ky.rep)
	})
	return rows
}

// maxMessages bounds the distinct error messages the builder shares
// between answers: a failing target often gives every call the same
// message, but messages that differ per call must not grow a table.
const maxMessages = 1024

type builder struct {
	run       results.Run
	targets   []results.Target // insertion order; display order is fixed in finish
	targetIdx map[string]int
	suites    []*suiteAcc
	suiteIdx  map[string]*suiteAcc
	extra     []string   // suites seen only in cases/results, in order of appearance
	prev      *storedRun // the previous run, for the changed marks; nil without
	// rows is true when the drill-down rows are built (not
	// Options.SummaryOnly): only then are texts kept.
	rows bool
	// hashes is true when case content hashes are kept: the changed marks
	// and the trend pair cases by them.
	hashes bool
	// classes are the error classes seen, by outcome.class (0 is "").
	classes  []string
	classIdx map[string]uint32
	messages map[string]string
	// expect is the number of results the source holds (0 if unknown),
	// seen the number added so far: they size each suite's storage.
	expect, seen int
}

func newBuilder(run results.Run, targets []results.Target, infos []results.SuiteInfo, rows, hashes bool) *builder {
	b := &builder{
		run:       run,
		targetIdx: map[string]int{},
		suiteIdx:  map[string]*suiteAcc{},
		rows:      rows,
		hashes:    hashes,
		classes:   []string{""},
		classIdx:  map[string]uint32{"": 0},
		messages:  map[string]string{},
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
		s.addColumn(b.rows)
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
		caseIdx:   map[string]int{},
		per:       b.densePer(),
		rowIdx:    map[rowKey]int{},
	}
	if len(si.Scorers) > 0 {
		s.scorer = si.Scorers[0]
	}
	for range b.targets {
		s.addColumn(b.rows)
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

// addCase lists a case. Every case is added before any result, so the
// listed cases hold the lowest indices.
func (b *builder) addCase(c results.Case) {
	s := b.suite(c.Suite)
	if _, dup := s.caseIdx[c.ID]; dup {
		return
	}
	id, hash := c.ID, c.Hash
	if b.prev != nil {
		// The previous run mostly has the same cases: share its strings
		// rather than hold a second copy of each ID and content hash.
		if pid, phash, ok := b.prev.caseRef(c.Suite, c.ID); ok {
			id = pid
			if phash == hash {
				hash = phash
			}
		}
	}
	s.caseIdx[id] = len(s.caseIDs)
	s.caseIDs = append(s.caseIDs, id)
	s.listed++
	if b.hashes {
		s.hashes = append(s.hashes, hash)
	}
	if b.rows {
		p, cut := clip(c.Prompt)
		s.texts = append(s.texts, caseText{prompt: p, truncated: cut, references: c.References, images: thumbnails(c.Images)})
	}
}

// rowsHint is how many rows to make room for when suite s gets its first
// result: its listed cases times the run's repeats (the rows of a complete
// run), but no more than the results left could fill with every target
// answering, so an interrupted run of a large plan does not reserve the
// plan.
func (b *builder) rowsHint(s *suiteAcc) int {
	nt := max(1, len(b.targets))
	hint := (b.expect - b.seen + nt - 1) / nt
	if per := max(1, b.run.Repeats); s.listed > 0 && per <= hint/s.listed {
		hint = s.listed * per
	}
	return hint
}

// maxDenseRepeats bounds the repeats per case that rows are indexed
// densely for (see suiteAcc.rowOf); rows of runs with more are in a map.
const maxDenseRepeats = 64

// densePer is the number of repeats per case indexed densely.
func (b *builder) densePer() int {
	if r := max(1, b.run.Repeats); r <= maxDenseRepeats {
		return r
	}
	return 0
}

// class interns an error class.
func (b *builder) class(c string) uint32 {
	if i, ok := b.classIdx[c]; ok {
		return i
	}
	i := uint32(len(b.classes))
	b.classes = append(b.classes, c)
	b.classIdx[c] = i
	return i
}

// message shares equal error messages between answers (up to maxMessages
// distinct ones).
func (b *builder) message(m string) string {
	if m == "" {
		return ""
	}
	if s, ok := b.messages[m]; ok {
		return s
	}
	if len(b.messages) < maxMessages {
		b.messages[m] = m
	}
	return m
}

func (b *builder) addResult(r *results.Result) {
	s := b.suite(r.Suite)
	ti, ok := b.targetIdx[r.Target]
	if !ok {
		ti = b.addTarget(results.Target{Name: r.Target})
	}
	ci, ok := s.caseIdx[r.CaseID]
	if !ok {
		// A case the source did not list: its rows follow the listed
		// cases' (see sortedRows).
		ci = len(s.caseIDs)
		s.caseIdx[r.CaseID] = ci
		s.caseIDs = append(s.caseIDs, r.CaseID)
	}
	if len(s.keys) == 0 && b.expect > b.seen {
		s.reserve(b.rowsHint(s))
	}
	b.seen++
	ri := s.row(rowKey{ci, r.Repeat})
	// A duplicate (suite, case, target, repeat) replaces the earlier
	// result, so every call is counted once.
	o := outcome{
		latency:   r.Latency,
		ttft:      r.TTFT,
		inTokens:  int32(min(r.InputTokens, 1<<31-1)),
		outTokens: int32(min(r.OutputTokens, 1<<31-1)),
		class:     b.class(r.ErrorClass),
		cached:    r.Cached,
	}
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
				s.anyScore = true
				s.allBinary = s.allBinary && sc.Binary
				break
			}
		}
	}
	var was *Was
	if b.prev != nil {
		was = b.prev.mark(r, o, s.hash(ci))
		o.changed = was != nil
	}
	s.out[ti][ri] = o
	if b.rows {
		out, _ := clip(r.Output)
		s.ans[ti][ri] = answerText{output: out, errMsg: b.message(r.ErrorMessage), outBytes: len(r.Output), was: was}
	}
}

// answer is target ti's answer on row ri in drill-down form.
func (b *builder) answer(s *suiteAcc, ti, ri int) Answer {
	o := s.out[ti][ri]
	if o.kind == kindMissing {
		return Answer{}
	}
	t := s.ans[ti][ri]
	return Answer{
		Present:     true,
		Output:      t.output,
		OutputBytes: t.outBytes,
		Scored:      o.kind == kindScored,
		Score:       o.score,
		ErrorClass:  b.classes[o.class],
		ErrorMsg:    t.errMsg,
		Latency:     o.latency,
		Cached:      o.cached,
		Changed:     t.was != nil,
		Was:         t.was,
	}
}

// caseHash is the content hash of a case of the run ("" if unknown).
func (b *builder) caseHash(suite, caseID string) string {
	if s, ok := b.suiteIdx[suite]; ok {
		if ci, ok := s.caseIdx[caseID]; ok {
			return s.hash(ci)
		}
	}
	return ""
}

// finish computes the report data. correct[s][t] counts the passing
// answers of Data.Suites[s] and Data.Targets[t] (for the cost per correct
// answer). Each suite's columns are let go once its figures are computed.
func (b *builder) finish(level float64) (d *Data, correct [][]int) {
	d = &Data{Run: b.run, Level: level}

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
	if b.prev != nil {
		d.Previous = &Previous{Run: b.prev.run}
	}

	// Per-target accumulators over all suites.
	nt := len(perm)
	all := make([]callsAcc, nt)

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
		rows := s.sortedRows()
		var answers []Answer
		if b.rows && len(rows) > 0 {
			ss.Rows = make([]Row, len(rows))
			answers = make([]Answer, len(rows)*nt)
		}
		cells := make([]callsAcc, nt)
		passes := make([]int, nt)
		for i, ri := range rows {
			changed := false
			for di, ii := range perm {
				o := s.out[ii][ri]
				cells[di].add(o)
				all[di].add(o)
				if o.kind == kindScored && passValue(o.score) == 1 {
					passes[di]++
				}
				if o.changed {
					d.Previous.Answers++
					changed = true
				}
			}
			if changed {
				d.Previous.Rows++
			}
			if ss.Rows == nil {
				continue
			}
			k := s.keys[ri]
			row := &ss.Rows[i]
			row.CaseID, row.Repeat, row.Changed = s.caseIDs[k.c], k.rep, changed
			if k.c < len(s.texts) {
				c := &s.texts[k.c]
				row.Prompt, row.PromptTruncated, row.References, row.Images = c.prompt, c.truncated, c.references, c.images
			}
			row.Answers = answers[i*nt : (i+1)*nt : (i+1)*nt]
			for di, ii := range perm {
				row.Answers[di] = b.answer(s, ii, ri)
			}
		}
		s.ans, s.texts, s.rowOf, s.rowIdx = nil, nil, nil, nil
		if !b.hashes {
			s.caseIdx = nil // caseHash is not called
		}
		caseStats(&ss, s, rows, perm, base, cells, b.classes, d, level)
		s.out, s.keys = nil, nil
		d.Suites = append(d.Suites, ss)
		correct = append(correct, passes)
	}
	for di := range d.Targets {
		d.Targets[di].Calls = all[di].calls(b.classes)
		d.Targets[di].LatencySamples = all[di].latency
		d.Targets[di].TTFTSamples = all[di].ttft
	}
	return d, correct
}

// callsAcc accumulates the outcomes of a group of calls.
type callsAcc struct {
	n, errors, refusals, unscored int
	classes                       []int // by outcome.class
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
		if int(o.class) >= len(a.classes) {
			a.classes = append(a.classes, make([]int, int(o.class)+1-len(a.classes))...)
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

// calls summarises the calls; classes names outcome.class.
func (a *callsAcc) calls(classes []string) Calls {
	slices.Sort(a.latency)
	slices.Sort(a.ttft)
	var byClass map[string]int
	for i, n := range a.classes {
		if n > 0 {
			if byClass == nil {
				byClass = map[string]int{}
			}
			byClass[classes[i]] += n
		}
	}
	c := Calls{
		N:            a.n,
		Errors:       a.errors,
		Refusals:     a.refusals,
		ErrorClasses: classCounts(byClass),
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
	// A copy, so the whole text is not kept alive by its first part.
	return strings.Clone(s[:cut]), true
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
