package report

import (
	"context"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/llmbench/llmbench/results"
)

// JudgeSource is implemented by sources that record a judge model's calls
// (*results.Store). Build finds it with a type assertion; a Source without
// it gives a report without a Judge section. The calling contract is
// Source's.
type JudgeSource interface {
	Judges(ctx context.Context, runID string) ([]results.JudgeSuite, error)
	JudgeCalls(ctx context.Context, runID string) iter.Seq2[results.JudgeCall, error]
}

var _ JudgeSource = (*results.Store)(nil)

// JudgeSummary is the report's Judge section: which model judged, how, and
// how its calls went. The judge's scores themselves are the judged suites'
// scores and appear in the score tables like any other.
type JudgeSummary struct {
	// Target is the judge target as recorded with the run (provider,
	// model, parameters); only its Name is known if it was not recorded.
	Target results.Target
	// Only is true when the judge answers no suite: it then has no column
	// in the score tables.
	Only bool
	// Suites are the judged suites in run order, each with its mode and
	// its judge calls' figures.
	Suites []JudgeSuiteSummary
	// JudgeCalls is over every judged suite.
	JudgeCalls
}

// JudgeSuiteSummary is one judged suite.
type JudgeSuiteSummary struct {
	Suite string
	// Mode is "rubric" or "pairwise".
	Mode string
	// Rubric is the suite's rubric (guidance in pairwise mode; may be "").
	Rubric string
	JudgeCalls
}

// JudgeCalls are figures over a set of judge calls.
type JudgeCalls struct {
	// N counts the judge calls stored; Errors those with an error class,
	// of which Unparseable are answers with no readable verdict.
	N, Errors, Unparseable int
	// ErrorClasses breaks Errors down by class, in the order of
	// providers.Classes (unknown classes last, by name).
	ErrorClasses []ClassCount
	// Cached counts the calls answered from the cache (llmbench run
	// --cache): the judge was not called, so they cost nothing (see
	// CostSummary.Judging) and are left out of Latency.
	Cached int
	// Latency is over the calls that returned an answer (Unparseable
	// included: the judge answered) in this run: calls answered from the
	// cache carry an earlier call's timings and are left out.
	Latency Latencies
	// InputTokens and OutputTokens are summed over all judge calls,
	// cached ones included.
	InputTokens, OutputTokens int64
}

// unparseableCode is the error code bench gives a judge call whose answer
// held no readable verdict.
const unparseableCode = "no_verdict"

// judgeAcc accumulates JudgeCalls.
type judgeAcc struct {
	out     JudgeCalls
	classes map[string]int
	lat     []time.Duration
}

func (a *judgeAcc) add(c *results.JudgeCall) {
	a.out.N++
	a.out.InputTokens += int64(c.InputTokens)
	a.out.OutputTokens += int64(c.OutputTokens)
	answered := (c.OK() || c.ErrorCode == unparseableCode) && !c.Cached
	if c.Cached {
		a.out.Cached++
	}
	if !c.OK() {
		a.out.Errors++
		if c.ErrorCode == unparseableCode {
			a.out.Unparseable++
		}
		if a.classes == nil {
			a.classes = map[string]int{}
		}
		a.classes[c.ErrorClass]++
	}
	if answered && c.Latency > 0 {
		a.lat = append(a.lat, c.Latency)
	}
}

func (a *judgeAcc) finish() JudgeCalls {
	slices.Sort(a.lat)
	a.out.Latency = durationPercentiles(a.lat)
	a.out.ErrorClasses = classCounts(a.classes)
	return a.out
}

// judgeUse is what a run's judge calls used, for the Cost section: per
// judge target, and per judged (suite, target) and judge target.
type judgeUse struct {
	// judges are the judge targets: the run's judge first, then those the
	// calls name, in order of first call.
	judges []string
	// recorded are the run's recorded targets by name (the judge's among
	// them when it was recorded).
	recorded map[string]results.Target
	total    map[string]*tokenUse
	cells    map[judgedCell]*tokenUse
}

// judgedCell is the judge calls of one judge target about the answers of
// one (suite, target).
type judgedCell struct{ suite, target, judge string }

func newJudgeUse(judge string, targets []results.Target) *judgeUse {
	u := &judgeUse{recorded: map[string]results.Target{}, total: map[string]*tokenUse{}, cells: map[judgedCell]*tokenUse{}}
	for _, t := range targets {
		u.recorded[t.Name] = t
	}
	u.judge(judge)
	return u
}

// judge returns the use of judge target name, adding it when new.
func (u *judgeUse) judge(name string) *tokenUse {
	t := u.total[name]
	if t == nil {
		t = &tokenUse{}
		u.total[name] = t
		u.judges = append(u.judges, name)
	}
	return t
}

func (u *judgeUse) add(c *results.JudgeCall) {
	in, out := int64(c.InputTokens), int64(c.OutputTokens)
	u.judge(c.JudgeTarget).add(in, out, c.Cached)
	k := judgedCell{suite: c.Suite, target: c.Target, judge: c.JudgeTarget}
	cell := u.cells[k]
	if cell == nil {
		cell = &tokenUse{}
		u.cells[k] = cell
	}
	cell.add(in, out, c.Cached)
}

// target is judge target name as recorded with the run, or only its name.
func (u *judgeUse) target(name string) results.Target {
	if t, ok := u.recorded[name]; ok {
		return t
	}
	return results.Target{Name: name}
}

// readJudge reads the run's judge from src when src records one. It
// returns the summary (nil without a judge), the targets to report (a
// judge that answers no suite is taken out of them, so it gets no column),
// and what the judge calls used (nil without a judge).
func readJudge(ctx context.Context, src Source, runID string, targets []results.Target) (*JudgeSummary, []results.Target, *judgeUse, error) {
	js, ok := src.(JudgeSource)
	if !ok {
		return nil, targets, nil, nil
	}
	judged, err := js.Judges(ctx, runID)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("read judges of run %s: %w", runID, err)
	}
	if len(judged) == 0 {
		return nil, targets, nil, nil
	}
	j := &JudgeSummary{Target: results.Target{Name: judged[0].Judge}, Only: judged[0].JudgeOnly}
	use := newJudgeUse(j.Target.Name, targets)
	kept := make([]results.Target, 0, len(targets))
	for _, t := range targets {
		if t.Name == j.Target.Name {
			j.Target = t
			if j.Only {
				continue
			}
		}
		kept = append(kept, t)
	}
	accs := make([]judgeAcc, len(judged))
	idx := map[string]int{}
	for i, s := range judged {
		idx[s.Suite] = i
	}
	var all judgeAcc
	for c, err := range js.JudgeCalls(ctx, runID) {
		if err != nil {
			return nil, nil, nil, fmt.Errorf("read judge calls of run %s: %w", runID, err)
		}
		all.add(&c)
		use.add(&c)
		if i, ok := idx[c.Suite]; ok {
			accs[i].add(&c)
		}
	}
	for i, s := range judged {
		j.Suites = append(j.Suites, JudgeSuiteSummary{Suite: s.Suite, Mode: s.Mode, Rubric: s.Rubric, JudgeCalls: accs[i].finish()})
	}
	j.JudgeCalls = all.finish()
	return j, kept, use, nil
}

// Name says who judged: "referee (anthropic claude-sonnet)".
func (j *JudgeSummary) Name() string {
	t := j.Target
	var what []string
	for _, s := range []string{t.Provider, t.Model} {
		if s != "" {
			what = append(what, s)
		}
	}
	if len(what) == 0 {
		return t.Name
	}
	return t.Name + " (" + strings.Join(what, " ") + ")"
}

// Modes lists each judged suite with its mode: "arith rubric, summ pairwise".
func (j *JudgeSummary) Modes() string {
	parts := make([]string, len(j.Suites))
	for i, s := range j.Suites {
		parts[i] = s.Suite + " " + s.Mode
	}
	return strings.Join(parts, ", ")
}

// writeJudgeLine is the text summary's one line about the judge.
func writeJudgeLine(w io.Writer, d *Data) {
	j := d.Judge
	if j == nil {
		return
	}
	role := "also a target"
	if j.Only {
		role = "judges only"
	}
	name := j.Name()
	if j.Target.Simulated {
		name += " (simulated)"
	}
	fmt.Fprintf(w, "judge: %s, %s; %s; %d judge calls", name, role, j.Modes(), j.N)
	if j.Cached > 0 {
		fmt.Fprintf(w, " (%d from the cache)", j.Cached)
	}
	fmt.Fprintf(w, ", %s", judgeErrorsText(j.JudgeCalls))
	fmt.Fprintf(w, ", p50 %s, tokens %d in / %d out\n", durText(j.Latency.P50), j.InputTokens, j.OutputTokens)
}

// judgeErrorsText is "0 errors" or "3 errors (2 unparseable verdicts)".
func judgeErrorsText(c JudgeCalls) string {
	s := fmt.Sprintf("%d errors", c.Errors)
	if c.Errors == 1 {
		s = "1 error"
	}
	if c.Unparseable > 0 {
		s += fmt.Sprintf(" (%d unparseable)", c.Unparseable)
	}
	return s
}

//go:embed judge.html.tmpl
var judgeHTML string

// The Judge section is a template of its own, added to the report's
// template set; report.html.tmpl calls it with the view.
var _ = template.Must(htmlTemplate.New("judge.html.tmpl").Parse(judgeHTML))
