package report

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/results"
)

// HistorySource is implemented by sources that keep many runs
// (*results.Store): Runs lists the runs of one config (its name:), newest
// first. Build finds it with a type assertion; a Source without it gives a
// report without trends and, unless Options.Previous names a run, without
// changed-since-previous marks. The calling contract is Source's.
type HistorySource interface {
	Runs(ctx context.Context, configName string) ([]results.Run, error)
}

var _ HistorySource = (*results.Store)(nil)

// MaxHistory bounds the runs a trend shows, the reported run included, so
// a report of a config run every night for years still reads a bounded
// amount: the reported run and the newest MaxHistory−1 completed runs of
// its config before it.
const MaxHistory = 20

// Values of Options.Previous.
const (
	// PreviousAuto compares with the newest completed run of the same
	// config before the reported one (the default; "" means the same).
	PreviousAuto = "auto"
	// PreviousNone turns the changed-since-previous marks off.
	PreviousNone = "none"
)

// Trend is the history of the reported run's config: each target's
// primary score per suite and p50 latency across the stored runs, with
// the paired comparison between each run and the one before it.
type Trend struct {
	// Runs are oldest first; the last is the reported run. Only completed
	// runs of the same config enter, besides the reported run.
	Runs []results.Run
	// Suites follow Data.Suites.
	Suites []SuiteTrend
	// Latency[t][k] is target t's p50 latency (Data.Targets order) over
	// the successful calls of all suites in run k (0 when it had none).
	Latency [][]time.Duration
	// Drops lists the points marked as a significant drop, by suite, then
	// target (display order), then run.
	Drops []TrendDrop
}

// TrendDrop is a significant drop of one target on one suite between run
// Run−1 and run Run (indices into Trend.Runs).
type TrendDrop struct {
	Suite, Target string
	Binary        bool
	Run           int
	Change        RunChange
}

// SuiteTrend is one suite's history.
type SuiteTrend struct {
	Suite  string
	Scorer string
	Binary bool
	// Points[t][k] is target t (Data.Targets order) in run k (Trend.Runs order).
	Points [][]TrendPoint
}

// TrendPoint is one target on one suite in one run.
type TrendPoint struct {
	// Present is true when the target has a scored answer on the suite in
	// the run; the other fields are meaningless otherwise.
	Present bool
	// Score is the primary score as the run's own report shows it: the
	// mean over cases of each case's mean score (the pass rate for
	// pass/fail scores without repeats). N counts the cases behind it.
	Score float64
	N     int
	// P50 is the median latency of the target's successful calls on the
	// suite.
	P50 time.Duration
	// Change compares the run with the run before it; nil for the first
	// run, when either has no scored answer, or when the suite's primary
	// scorer (or its kind, pass/fail or not) changed between them.
	Change *RunChange
}

// RunChange is the paired comparison of one target on one suite between
// two consecutive runs of a config. The unit is the case: cases are paired
// when both runs have a scored answer to a case with the same ID and the
// same content hash (an edited case is a different case), and each side's
// value is its mean over the case's samples.
//
// Significance comes from the paired test alone, McNemar exact for
// pass/fail scores with one sample per case on each side and Wilcoxon
// signed-rank otherwise (see Comparison): a change is significant when
// p < 1 − level. The paired bootstrap behind the baseline verdicts is not
// run across the history (up to MaxHistory−1 comparisons per cell would
// make every report slow); the test and the interval agree except at the
// margin.
type RunChange struct {
	// Delta is the mean over paired cases of this run − the run before.
	Delta float64
	// N counts the paired cases.
	N int
	// P is the two-sided p-value of Test.
	P    float64
	Test string
	// Significant is true when N > 0 and P < 1 − level; Drop when it is
	// significant and Delta < 0 (the score went down).
	Significant, Drop bool
}

// caseKey identifies a case across runs: its ID and content hash.
type caseKey struct{ id, hash string }

// caseMean is one side of a paired case: the mean of its scored samples.
type caseMean struct {
	mean    float64
	samples int
}

// caseEntry is one scored case of a cell.
type caseEntry struct {
	key caseKey
	caseMean
}

// cellSnap is one (suite, target) of one run, as a trend needs it.
type cellSnap struct {
	point TrendPoint
	// cases are the cell's scored cases, each once, sorted by key (see
	// sortCases): a slice rather than a map, so a large suite's history
	// costs its entries and nothing more.
	cases []caseEntry
}

// sortCases sorts a cell's cases by ID, then hash.
func sortCases(cs []caseEntry) {
	slices.SortFunc(cs, func(a, b caseEntry) int { return compareCaseKeys(a.key, b.key) })
}

func compareCaseKeys(a, b caseKey) int {
	if c := cmp.Compare(a.id, b.id); c != 0 {
		return c
	}
	return cmp.Compare(a.hash, b.hash)
}

// suiteSnap is one suite of one run.
type suiteSnap struct {
	scorer string
	binary bool
	cells  map[string]*cellSnap // by target name
}

// runSnap is one run, as a trend needs it.
type runSnap struct {
	run     results.Run
	suites  map[string]*suiteSnap
	latency map[string]time.Duration // overall p50 by target name
}

// history accumulates the runs of a trend, oldest first. It keeps the case
// means of the newest run only (the next run is compared with it), so
// memory does not grow with the number of runs.
type history struct {
	level  float64
	runs   []results.Run
	points map[string]map[string][]TrendPoint // suite → target → one per run
	lat    map[string][]time.Duration         // target → one per run
	last   *runSnap
}

func newHistory(level float64) *history {
	return &history{level: level, points: map[string]map[string][]TrendPoint{}, lat: map[string][]time.Duration{}}
}

// add appends run s, compared with the run added before it.
func (h *history) add(s *runSnap) {
	k := len(h.runs)
	h.runs = append(h.runs, s.run)
	for name, ss := range s.suites {
		byTarget := h.points[name]
		if byTarget == nil {
			byTarget = map[string][]TrendPoint{}
			h.points[name] = byTarget
		}
		for tg, c := range ss.cells {
			pts := byTarget[tg]
			for len(pts) < k {
				pts = append(pts, TrendPoint{})
			}
			pt := c.point
			if h.last != nil {
				if ps, ok := h.last.suites[name]; ok && ps.scorer == ss.scorer && ps.binary == ss.binary {
					if pc, ok := ps.cells[tg]; ok && pc.point.Present && pt.Present {
						pt.Change = pairRuns(pc.cases, c.cases, ss.binary, h.level)
					}
				}
			}
			byTarget[tg] = append(pts, pt)
		}
	}
	for tg, p50 := range s.latency {
		l := h.lat[tg]
		for len(l) < k {
			l = append(l, 0)
		}
		h.lat[tg] = append(l, p50)
	}
	h.last = s
}

// pairRuns compares one cell between two consecutive runs on the cases
// both answered (see RunChange). Both sides are sorted by key, so the
// paired cases are met in key order: the differences are summed in the
// same order whatever order the runs stored them in.
func pairRuns(before, after []caseEntry, binary bool, level float64) *RunChange {
	var ds []float64
	single := true
	better, worse := 0, 0
	for i, j := 0, 0; i < len(before) && j < len(after); {
		switch c := compareCaseKeys(before[i].key, after[j].key); {
		case c < 0:
			i++
		case c > 0:
			j++
		default:
			a, b := before[i].caseMean, after[j].caseMean
			d := b.mean - a.mean
			ds = append(ds, d)
			single = single && a.samples == 1 && b.samples == 1
			switch {
			case d > 0:
				better++
			case d < 0:
				worse++
			}
			i++
			j++
		}
	}
	ch := &RunChange{N: len(ds), P: 1, Test: TestWilcoxon}
	if len(ds) == 0 {
		return ch
	}
	ch.Delta = Mean(ds)
	if binary && single {
		ch.Test = TestMcNemar
		ch.P = McNemarExact(better, worse)
	} else {
		ch.P = WilcoxonSignedRank(ds)
	}
	ch.Significant = ch.P < 1-levelOrDefault(level)
	ch.Drop = ch.Significant && ch.Delta < 0
	return ch
}

// finish lays the history out in d's suite and target order, the last
// run being d's own (already added).
func (h *history) finish(d *Data) *Trend {
	if len(h.runs) < 2 {
		return nil
	}
	n := len(h.runs)
	tr := &Trend{Runs: h.runs}
	series := func(pts []TrendPoint) []TrendPoint {
		out := make([]TrendPoint, n)
		copy(out, pts)
		return out
	}
	for _, s := range d.Suites {
		st := SuiteTrend{Suite: s.Name, Scorer: s.Scorer, Binary: s.Binary}
		for _, t := range d.Targets {
			pts := series(h.points[s.Name][t.Name])
			for k, p := range pts {
				if p.Change != nil && p.Change.Drop {
					tr.Drops = append(tr.Drops, TrendDrop{Suite: s.Name, Target: t.Name, Binary: s.Binary, Run: k, Change: *p.Change})
				}
			}
			st.Points = append(st.Points, pts)
		}
		tr.Suites = append(tr.Suites, st)
	}
	for _, t := range d.Targets {
		l := make([]time.Duration, n)
		copy(l, h.lat[t.Name])
		tr.Latency = append(tr.Latency, l)
	}
	return tr
}

// snapData is the reported run as a trend needs it, from its built Data;
// hashOf gives a case's content hash.
func snapData(d *Data, hashOf func(suite, caseID string) string) *runSnap {
	s := &runSnap{run: d.Run, suites: map[string]*suiteSnap{}, latency: map[string]time.Duration{}}
	for _, ss := range d.Suites {
		sn := &suiteSnap{scorer: ss.Scorer, binary: ss.Binary, cells: map[string]*cellSnap{}}
		for ti, c := range ss.Cells {
			if c.NotRun {
				continue
			}
			cs := &cellSnap{}
			if c.Score.N > 0 {
				cs.point = TrendPoint{Present: true, Score: c.Score.Centre, N: c.Score.N, P50: c.Latency.P50}
				cs.cases = make([]caseEntry, 0, c.Score.N)
			}
			for _, cas := range ss.Cases {
				if sc := cas.Scores[ti]; sc.Samples > 0 {
					cs.cases = append(cs.cases, caseEntry{caseKey{cas.CaseID, hashOf(ss.Name, cas.CaseID)}, caseMean{sc.Mean, sc.Samples}})
				}
			}
			sortCases(cs.cases)
			sn.cells[d.Targets[ti].Name] = cs
		}
		s.suites[ss.Name] = sn
	}
	for _, t := range d.Targets {
		if t.Latency.N > 0 {
			s.latency[t.Name] = t.Latency.P50
		}
	}
	return s
}

// storedRun is another run read for its trend figures and, when it is the
// previous run, the fingerprints of its answers. Like the builder it keeps
// a compact record per result, with case IDs once per case and target
// names and error classes once per run.
type storedRun struct {
	run    results.Run
	scorer map[string]string // primary scorer by suite
	binary map[string]bool   // every primary score pass/fail (and some score)
	suites map[string]*storedSuite
	// per is the repeats per case indexed densely (see storedSuite.rowOf).
	per       int
	targets   []string
	targetIdx map[string]int32
	classes   []string // error classes by storedResult.class; 0 is ""
	classIdx  map[string]uint32
}

// storedSuite is one suite of a stored run.
type storedSuite struct {
	// caseIdx indexes caseIDs: the cases the run recorded first (indices
	// below listed, with their content hashes), then cases seen only in
	// results.
	caseIdx map[string]int
	caseIDs []string
	hashes  []string
	listed  int
	// res holds one record per (case, target, repeat), in order of its
	// first result (a later duplicate replaces the record in place).
	// rowOf[t][c·per + rep] is 1 + its index when 0 ≤ rep < per; rowIdx
	// indexes the others.
	res    []storedResult
	rowOf  [][]int32
	rowIdx map[storedKey]int
}

// storedKey is a (case, target, repeat) of a stored suite.
type storedKey struct {
	c, t int32
	rep  int
}

// storedResult is what the trend and the changed marks need of one
// stored result.
type storedResult struct {
	score   float64
	latency time.Duration
	// hash is the answer text's (outputHash), kept with the answers.
	hash uint64
	c, t int32
	// class indexes storedRun.classes (kept with the answers).
	class  uint32
	kind   uint8
	cached bool
}

func (sr *storedRun) suite(name string) *storedSuite {
	st := sr.suites[name]
	if st == nil {
		st = &storedSuite{caseIdx: map[string]int{}, rowIdx: map[storedKey]int{}}
		sr.suites[name] = st
	}
	return st
}

func (sr *storedRun) target(name string) int32 {
	if t, ok := sr.targetIdx[name]; ok {
		return t
	}
	t := int32(len(sr.targets))
	sr.targets = append(sr.targets, name)
	sr.targetIdx[name] = t
	return t
}

func (sr *storedRun) class(c string) uint32 {
	if i, ok := sr.classIdx[c]; ok {
		return i
	}
	i := uint32(len(sr.classes))
	sr.classes = append(sr.classes, c)
	sr.classIdx[c] = i
	return i
}

// addCase records a case of the run; a case recorded twice keeps the
// later hash.
func (st *storedSuite) addCase(id, hash string) {
	if ci, ok := st.caseIdx[id]; ok {
		st.hashes[ci] = hash
		return
	}
	st.caseIdx[id] = len(st.caseIDs)
	st.caseIDs = append(st.caseIDs, id)
	st.hashes = append(st.hashes, hash)
	st.listed++
}

// hash is the content hash of case ci, and whether the run recorded the
// case.
func (st *storedSuite) hash(ci int) (string, bool) {
	if ci < st.listed {
		return st.hashes[ci], true
	}
	return "", false
}

// slot is where key k sits in rowOf[k.t] (-1 when it is not indexed
// densely).
func (st *storedSuite) slot(k storedKey, per int) int {
	if k.rep >= 0 && k.rep < per {
		return int(k.c)*per + k.rep
	}
	return -1
}

// find returns the index in res of key k.
func (st *storedSuite) find(k storedKey, per int) (int, bool) {
	if sl := st.slot(k, per); sl >= 0 && int(k.t) < len(st.rowOf) && sl < len(st.rowOf[k.t]) && st.rowOf[k.t][sl] > 0 {
		return int(st.rowOf[k.t][sl] - 1), true
	}
	i, ok := st.rowIdx[k]
	return i, ok
}

// add appends a record for new key k and returns its index.
func (st *storedSuite) add(k storedKey, per int) int {
	i := len(st.res)
	st.res = append(st.res, storedResult{c: k.c, t: k.t})
	if sl := st.slot(k, per); sl >= 0 && i < math.MaxInt32 {
		for int(k.t) >= len(st.rowOf) {
			st.rowOf = append(st.rowOf, nil)
		}
		if col := st.rowOf[k.t]; sl >= len(col) {
			st.rowOf[k.t] = append(col, make([]int32, sl+1-len(col))...)
		}
		st.rowOf[k.t][sl] = int32(i + 1)
	} else {
		st.rowIdx[k] = i
	}
	return i
}

// lookup finds the stored result for a suite, target, case and repeat.
func (sr *storedRun) lookup(suite, target, caseID string, repeat int) (storedResult, bool) {
	st := sr.suites[suite]
	if st == nil {
		return storedResult{}, false
	}
	ci, ok := st.caseIdx[caseID]
	if !ok {
		return storedResult{}, false
	}
	t, ok := sr.targetIdx[target]
	if !ok {
		return storedResult{}, false
	}
	i, ok := st.find(storedKey{int32(ci), t, repeat}, sr.per)
	if !ok {
		return storedResult{}, false
	}
	return st.res[i], true
}

// caseRef returns the run's own strings for a case ID and its content
// hash ("" if the run did not record the case), and whether the run has
// the case at all.
func (sr *storedRun) caseRef(suite, caseID string) (id, hash string, ok bool) {
	st := sr.suites[suite]
	if st == nil {
		return "", "", false
	}
	ci, ok := st.caseIdx[caseID]
	if !ok {
		return "", "", false
	}
	hash, _ = st.hash(ci)
	return st.caseIDs[ci], hash, true
}

// caseHash is the content hash the run recorded for a case, and whether
// it recorded the case.
func (sr *storedRun) caseHash(suite, caseID string) (string, bool) {
	st := sr.suites[suite]
	if st == nil {
		return "", false
	}
	ci, ok := st.caseIdx[caseID]
	if !ok {
		return "", false
	}
	return st.hash(ci)
}

// readStored reads run id from src in one pass over its suites, cases and
// results. With answers set it also keeps each answer's fingerprint (its
// error class and the hash of its text).
func readStored(ctx context.Context, src Source, run results.Run, answers bool) (*storedRun, error) {
	id := run.ID
	sr := &storedRun{
		run: run, scorer: map[string]string{}, binary: map[string]bool{}, suites: map[string]*storedSuite{},
		targetIdx: map[string]int32{}, classes: []string{""}, classIdx: map[string]uint32{"": 0},
	}
	if r := max(1, run.Repeats); r <= maxDenseRepeats {
		sr.per = r
	}
	infos, err := src.Suites(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("read suites of run %s: %w", id, err)
	}
	for _, si := range infos {
		if len(si.Scorers) > 0 {
			sr.scorer[si.Name] = si.Scorers[0]
		}
	}
	for c, err := range src.Cases(ctx, id) {
		if err != nil {
			return nil, fmt.Errorf("read cases of run %s: %w", id, err)
		}
		sr.suite(c.Suite).addCase(c.ID, c.Hash)
	}
	anyScore := map[string]bool{}
	n := 0
	for r, err := range src.Results(ctx, id) {
		if err != nil {
			return nil, fmt.Errorf("read results of run %s: %w", id, err)
		}
		if n++; n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("read results of run %s: %w", id, err)
			}
		}
		st := sr.suite(r.Suite)
		ci, ok := st.caseIdx[r.CaseID]
		if !ok {
			ci = len(st.caseIDs)
			st.caseIdx[r.CaseID] = ci
			st.caseIDs = append(st.caseIDs, r.CaseID)
		}
		k := storedKey{int32(ci), sr.target(r.Target), r.Repeat}
		i, seen := st.find(k, sr.per)
		if !seen {
			i = st.add(k, sr.per)
			if _, ok := sr.binary[r.Suite]; !ok {
				sr.binary[r.Suite] = true
			}
		}
		// The same classification as the report's own (builder.addResult).
		o := storedResult{c: k.c, t: k.t, latency: r.Latency, cached: r.Cached}
		switch {
		case r.ErrorClass == string(providers.ContentFiltered):
			o.kind = kindRefused
		case r.ErrorClass != "":
			o.kind = kindError
		default:
			o.kind = kindUnscored
			scorer, ok := sr.scorer[r.Suite]
			if !ok && len(r.Scores) > 0 {
				scorer = r.Scores[0].Scorer
				sr.scorer[r.Suite] = scorer
			}
			for _, sc := range r.Scores {
				if sc.Scorer == scorer && !math.IsNaN(sc.Value) && !math.IsInf(sc.Value, 0) {
					o.kind, o.score = kindScored, sc.Value
					anyScore[r.Suite] = true
					sr.binary[r.Suite] = sr.binary[r.Suite] && sc.Binary
					break
				}
			}
		}
		if answers {
			o.class, o.hash = sr.class(r.ErrorClass), outputHash(r.Output)
		}
		st.res[i] = o
	}
	for s := range sr.binary {
		sr.binary[s] = sr.binary[s] && anyScore[s]
	}
	return sr, nil
}

// snap computes the trend figures of a stored run the way Build computes
// the reported run's: per (suite, target) the mean over cases of each
// case's mean primary score (pass/fail scores as 0/1), and the p50 latency
// of successful calls made in that run (not from the cache), per suite and
// over all suites. A cell's case means are averaged in the order of their
// cases' first results.
func (sr *storedRun) snap() *runSnap {
	s := &runSnap{run: sr.run, suites: map[string]*suiteSnap{}, latency: map[string]time.Duration{}}
	overall := make([][]time.Duration, len(sr.targets))
	for name, st := range sr.suites {
		if len(st.res) == 0 {
			continue
		}
		ss := &suiteSnap{scorer: sr.scorer[name], binary: sr.binary[name], cells: map[string]*cellSnap{}}
		s.suites[name] = ss
		present := make([]bool, len(sr.targets))
		latency := make([][]time.Duration, len(sr.targets))
		for _, r := range st.res {
			present[r.t] = true
			if (r.kind == kindScored || r.kind == kindUnscored) && !r.cached {
				latency[r.t] = append(latency[r.t], r.latency)
				overall[r.t] = append(overall[r.t], r.latency)
			}
		}
		// One target at a time, with one array of sums by case reused.
		sums := make([]caseMean, len(st.caseIDs))
		var order []int32
		for t := range sr.targets {
			if !present[t] {
				continue
			}
			order = order[:0]
			for _, r := range st.res {
				if int(r.t) != t || r.kind != kindScored {
					continue
				}
				v := r.score
				if ss.binary {
					v = passValue(v)
				}
				m := &sums[r.c]
				if m.samples == 0 {
					order = append(order, r.c)
				}
				m.mean += v // a sum until divided below
				m.samples++
			}
			c := &cellSnap{cases: make([]caseEntry, 0, len(order))}
			means := make([]float64, 0, len(order))
			for _, ci := range order {
				m := sums[ci]
				sums[ci] = caseMean{}
				m.mean /= float64(m.samples)
				h, _ := st.hash(int(ci))
				c.cases = append(c.cases, caseEntry{caseKey{st.caseIDs[ci], h}, m})
				means = append(means, m.mean)
			}
			if len(means) > 0 {
				slices.Sort(latency[t])
				c.point = TrendPoint{Present: true, Score: Mean(means), N: len(means), P50: durationPercentiles(latency[t]).P50}
			}
			sortCases(c.cases)
			ss.cells[sr.targets[t]] = c
		}
	}
	for t, l := range overall {
		if len(l) > 0 {
			slices.Sort(l)
			s.latency[sr.targets[t]] = durationPercentiles(l).P50
		}
	}
	return s
}

// readHistory reads what the trend and the changed marks need from the
// runs before the reported one: the completed runs of its config (newest
// MaxHistory−1, oldest first, each compared with the one before), and the
// previous run's answers. previous is Options.Previous. It returns a nil
// history when there is none to show.
func readHistory(ctx context.Context, src Source, run results.Run, previous string, level float64) (*history, *storedRun, error) {
	var older []results.Run
	if hs, ok := src.(HistorySource); ok && run.ConfigName != "" {
		runs, err := hs.Runs(ctx, run.ConfigName)
		if err != nil {
			return nil, nil, fmt.Errorf("read runs of config %s: %w", run.ConfigName, err)
		}
		at := slices.IndexFunc(runs, func(r results.Run) bool { return r.ID == run.ID })
		for i, r := range runs {
			// Runs are newest first: the older ones follow the reported run
			// (or, if it is not listed, started before it).
			if at >= 0 && i <= at || at < 0 && !r.Started.Before(run.Started) {
				continue
			}
			if r.Status == results.StatusCompleted && r.ID != run.ID {
				older = append(older, r)
			}
		}
		if len(older) > MaxHistory-1 {
			older = older[:MaxHistory-1]
		}
	}
	prevID := ""
	switch previous {
	case "", PreviousAuto:
		if len(older) > 0 {
			prevID = older[0].ID
		}
	case PreviousNone:
	default:
		if previous == run.ID {
			return nil, nil, fmt.Errorf("previous run %s is the reported run itself", previous)
		}
		prevID = previous
	}

	var (
		h    *history
		prev *storedRun
	)
	if len(older) > 0 {
		h = newHistory(level)
		for i := len(older) - 1; i >= 0; i-- {
			r := older[i]
			sr, err := readStored(ctx, src, r, r.ID == prevID)
			if err != nil {
				return nil, nil, err
			}
			if r.ID == prevID {
				prev = sr
			}
			h.add(sr.snap())
		}
	}
	if prevID != "" && prev == nil {
		r, err := src.Run(ctx, prevID)
		if err != nil {
			return nil, nil, fmt.Errorf("read previous run %s: %w", prevID, err)
		}
		if prev, err = readStored(ctx, src, r, true); err != nil {
			return nil, nil, err
		}
	}
	return h, prev, nil
}

// changeText is a run-to-run change: "−12.0 pp, p=0.003 (McNemar exact,
// n=40)" for pass rates, "−0.041, p=0.02 (Wilcoxon signed-rank, n=12)"
// for means.
func changeText(c RunChange, binary bool) string {
	d := fmt.Sprintf("%+.3f", c.Delta)
	if binary {
		d = fmt.Sprintf("%+.1f pp", 100*c.Delta)
	}
	return fmt.Sprintf("%s, %s (%s, n=%d)", d, FormatP(c.P), c.Test, c.N)
}
