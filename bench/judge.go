package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// Judge is a run's judge: the target whose calls score the suites that use
// the judge scorer.
type Judge struct {
	// Target is called for every judgement, with its concurrency, rpm,
	// timeout and max attempts; its Params have temperature 0 unless the
	// config set one.
	Target Target
	// Only is true when the judge answers no suite (written inline under
	// judge:); it is then recorded with the run's targets only to judge.
	Only bool
	// record is the inline judge's target record (nil for a target of
	// targets:, which is recorded as one).
	record *results.Target
}

// Judge score versions: the version stamped on every judge Score.
const (
	JudgeRubricVersion   = "judge-rubric-1"
	JudgePairwiseVersion = "judge-pairwise-1"
)

// JudgeStore is what the judge phase needs from the store. Execute finds
// it on its Store with a type assertion; *results.Store has it.
// PutJudgeCall is called from many goroutines at once.
type JudgeStore interface {
	Results(ctx context.Context, runID string) iter.Seq2[results.Result, error]
	AddScores(ctx context.Context, runID string, scores map[results.Key][]suites.Score) error
	PutJudges(ctx context.Context, runID string, judges []results.JudgeSuite) error
	PutJudgeCall(ctx context.Context, c results.JudgeCall) error
	JudgeCalls(ctx context.Context, runID string) iter.Seq2[results.JudgeCall, error]
	JudgeDone(ctx context.Context, runID string) (map[results.JudgeKey]bool, error)
}

var _ JudgeStore = (*results.Store)(nil)

// JudgeCache is where the judge phase finds an earlier judge call of the
// same request (llmbench run --cache): CachedJudgeCall returns the newest
// judge call, in any run, whose RequestHash is hash and that gave a
// verdict. The judge phase finds it on Runner.Cache with a type assertion
// (without it judge calls are not cached); it is called from many
// goroutines at once. *results.Store has it.
type JudgeCache interface {
	CachedJudgeCall(ctx context.Context, hash string) (results.JudgeCall, bool, error)
}

var _ JudgeCache = (*results.Store)(nil)

// JudgePlan is the judge phase of one run.
type JudgePlan struct {
	RunID string
	Judge *Judge
	// Suites are the run's suites; those that use the judge scorer are judged.
	Suites []*suites.Suite
	// Baseline is the target pairwise judgements compare with.
	Baseline string
}

// JudgeEvent reports one stored judge call to a progress display.
type JudgeEvent struct {
	Call *results.JudgeCall
	// Done counts judge calls stored so far in this phase; Total is the
	// number planned.
	Done, Total int
}

// JudgeOutcome summarises a judge phase.
type JudgeOutcome struct {
	// Judge is the judge target's name.
	Judge string
	// Planned is the number of judge calls this phase set out to make
	// (stored ones from an earlier, interrupted phase are not made again).
	Planned int
	// Made counts judge calls stored; Failed those of them with an error
	// class, of which Unparseable are answers with no readable verdict
	// (class bad_response); Cached those answered from the cache, without
	// calling the judge (Runner.Cache).
	Made, Failed, Unparseable, Cached int
	// NotMade counts planned judge calls not made (judge stopped, budget
	// spent, or interrupted); a resume makes them.
	NotMade int
	// Scored counts answered results of judged suites that have a judge
	// score after the phase (earlier phases' included); Unscored those
	// that do not: a judge call failed, its verdict was unreadable, it was
	// not made, or (pairwise) the baseline has no answer to compare with,
	// which NoBaseline counts.
	Scored, Unscored, NoBaseline int
	// Stopped is the auth or quota error that stopped the judge, if any.
	Stopped *providers.Error
	// BudgetStopped is true when the run's budget (Runner.Budget) stopped
	// judging: the next judge call's estimated cost would have taken the
	// projected spend past the limit.
	BudgetStopped bool
	// Interrupted is true when ctx was canceled before every judge call was made.
	Interrupted bool
	// Warnings are the judge provider's parameter adjustments.
	Warnings []string
}

// judgeAnswer is an answered result of a judged suite.
type judgeAnswer struct {
	key    results.Key
	output string
}

type judgeJob struct {
	suite *suites.Suite
	c     *suites.Case
	// of is the judged result; base the baseline's answer (pairwise).
	of, base *judgeAnswer
	ord      int
}

// judgeCallsFor is the number of judge calls one answered result needs:
// one in rubric mode, two in pairwise mode (none for the baseline's own).
func judgeCallsFor(mode suites.JudgeMode, isBaseline bool) int {
	switch {
	case mode == suites.JudgePairwise && isBaseline:
		return 0
	case mode == suites.JudgePairwise:
		return 2
	}
	return 1
}

// Judge runs the judge phase of a run whose answering calls are done: for
// every answered result of every suite that uses the judge scorer it makes
// the judge calls not yet stored, stores each (with its verdict, or error
// class bad_response when no verdict can be read), and then writes the
// judge score of every result whose judge calls are all stored and gave a
// verdict.
//
// Rubric mode: one call per result; the score is the judge's N (1–10, not
// pass/fail), Extracted "N".
//
// Pairwise mode: two calls per result of a target other than the baseline,
// against the baseline's answer to the same case and repeat: ord 0 with
// the baseline's answer as A, ord 1 with it as B. Per order the target
// scores 1 for a win, 0.5 for a tie, 0 for a loss; its score is the mean of
// the two (Extracted "v0,v1", the two verdicts as given), so 0.5 means "as
// good as the baseline", and a judge that always prefers one position
// gives 0.5 whatever the answers. The baseline's own results score 0.5 by
// definition (Extracted "self"), with no judge call. A result whose
// baseline answer is missing or failed is not judged.
//
// Judge calls go through the runner's machinery like answering calls: the
// judge target's limiter (r.limiter: rpm, tpm, concurrency, adaptive
// back-off on 429s, the same limiter instance when the judge is one of
// the run's targets), retries, r.Budget (a judge call is reserved at the
// judge target's price before it is sent and settled by its usage; once
// the budget refuses one, no more are made and BudgetStopped says so) and
// r.Cache (when it is a JudgeCache: an identical request, by RequestHash
// over the judge's identity, model, parameters and prompt, that gave a
// verdict before is not sent again; its answer is copied and its verdict
// read again, at no cost and without waiting for the limiter).
//
// Like Run, it returns an error only for infrastructure failures. Canceling
// ctx stops scheduling (calls in flight finish and are stored); canceling
// r.Abort drops calls in flight. An auth or quota error stops the judge.
// Scores are written even then, for the results whose calls are complete.
func (r *Runner) Judge(ctx context.Context, store JudgeStore, plan *JudgePlan) (JudgeOutcome, error) {
	out := JudgeOutcome{}
	if plan.Judge == nil {
		return out, errors.New("judge phase without a judge")
	}
	jt := &plan.Judge.Target
	out.Judge = jt.Name
	abort := r.Abort
	if abort == nil {
		abort = context.WithoutCancel(ctx)
	}
	keep := context.WithoutCancel(ctx)

	judged := map[string]*suites.Suite{}
	for _, s := range plan.Suites {
		if !s.UsesJudge() {
			continue
		}
		if s.Judge == nil {
			return out, fmt.Errorf("suite %s lists the judge scorer but has no judge: key", s.Name)
		}
		judged[s.Name] = s
	}
	if len(judged) == 0 {
		return out, nil
	}

	// The answers to judge, in the store's order (suite, case, target,
	// repeat), and the judge score each already has.
	var answers []*judgeAnswer
	byKey := map[results.Key]*judgeAnswer{}
	stored := map[results.Key]suites.Score{}
	for res, err := range store.Results(keep, plan.RunID) {
		if err != nil {
			return out, err
		}
		if judged[res.Suite] == nil || !res.OK() {
			continue
		}
		a := &judgeAnswer{key: res.Key(), output: res.Output}
		answers = append(answers, a)
		byKey[a.key] = a
		for _, sc := range res.Scores {
			if sc.Scorer == suites.JudgeScorer {
				stored[a.key] = sc
			}
		}
	}
	done, err := store.JudgeDone(keep, plan.RunID)
	if err != nil {
		return out, err
	}

	cases := &judgedCases{suites: judged}
	defer cases.close()
	var jobs []judgeJob
	for _, a := range answers {
		s := judged[a.key.Suite]
		c, err := cases.get(a.key)
		if err != nil {
			return out, err
		}
		isBase := a.key.Target == plan.Baseline
		var base *judgeAnswer
		if s.Judge.Mode == suites.JudgePairwise && !isBase {
			bk := a.key
			bk.Target = plan.Baseline
			if base = byKey[bk]; base == nil {
				out.NoBaseline++
				continue
			}
		}
		for ord := range judgeCallsFor(s.Judge.Mode, isBase) {
			k := results.JudgeKey{Suite: a.key.Suite, CaseID: a.key.CaseID, Target: a.key.Target, Repeat: a.key.Repeat, Ord: ord}
			if !done[k] {
				jobs = append(jobs, judgeJob{suite: s, c: c, of: a, base: base, ord: ord})
			}
		}
	}
	out.Planned = len(jobs)

	if err := r.judgeCalls(ctx, abort, store, plan, jobs, &out); err != nil {
		return out, err
	}
	if err := writeJudgeScores(keep, store, plan, judged, answers, stored, &out); err != nil {
		return out, err
	}
	return out, nil
}

// judgedCases reads the cases of the judged suites as the answers name
// them: by id, each read once while its answers (which come case by case)
// are planned.
type judgedCases struct {
	suites map[string]*suites.Suite
	open   map[string]*judgedSuite
}

// judgedSuite is one judged suite's case ids by position, its reader and
// the case read last.
type judgedSuite struct {
	index map[string]int
	rd    *suites.CaseReader
	last  *suites.Case
}

// get returns the case of the answer k.
func (jc *judgedCases) get(k results.Key) (*suites.Case, error) {
	js := jc.open[k.Suite]
	if js == nil {
		s := jc.suites[k.Suite]
		rd, err := s.Open()
		if err != nil {
			return nil, fmt.Errorf("suite %s: %w", s.Name, err)
		}
		js = &judgedSuite{index: make(map[string]int, s.Len()), rd: rd}
		for i := range s.Len() {
			js.index[s.ID(i)] = i
		}
		if jc.open == nil {
			jc.open = map[string]*judgedSuite{}
		}
		jc.open[k.Suite] = js
	}
	if js.last != nil && js.last.ID == k.CaseID {
		return js.last, nil
	}
	i, ok := js.index[k.CaseID]
	if !ok {
		return nil, fmt.Errorf("result %s has no case in suite %s", k, k.Suite)
	}
	c, err := js.rd.Case(i)
	if err != nil {
		return nil, err
	}
	js.last = c
	return c, nil
}

// close closes the readers.
func (jc *judgedCases) close() {
	for _, js := range jc.open {
		js.rd.Close()
	}
}

// judgeCalls makes the jobs with the judge's worker pool and limiter and
// stores each call.
func (r *Runner) judgeCalls(ctx, abort context.Context, store JudgeStore, plan *JudgePlan, jobs []judgeJob, out *JudgeOutcome) error {
	jt := &plan.Judge.Target
	lim := r.limiter(jt)
	var cache JudgeCache
	if r.Cache != nil {
		cache, _ = r.Cache.(JudgeCache)
	}
	failCtx, fail := context.WithCancelCause(ctx)
	defer fail(nil)
	var (
		wg                              sync.WaitGroup
		mu                              sync.Mutex
		firstErr                        error
		stopped                         atomic.Pointer[providers.Error]
		made, failed, unparsed, notMade atomic.Int64
		cached                          atomic.Int64
		progressed                      int
		warns                           = &warnSet{}
		queue                           = make(chan judgeJob)
	)
	setErr := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		fail(err)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(queue)
		for _, j := range jobs {
			if failCtx.Err() != nil || stopped.Load() != nil || r.Budget != nil && r.Budget.Stopped() {
				notMade.Add(1)
				continue
			}
			select {
			case queue <- j:
			case <-failCtx.Done():
				notMade.Add(1)
			}
		}
	}()
	for range max(jt.Concurrency, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range queue {
				if stopped.Load() != nil || failCtx.Err() != nil {
					notMade.Add(1)
					continue
				}
				call, err := r.judgeCall(failCtx, abort, plan, lim, cache, j, warns)
				if err != nil {
					setErr(err)
					continue
				}
				if call == nil {
					notMade.Add(1)
					continue
				}
				if cls := providers.Class(call.ErrorClass); cls.StopsTarget() {
					stopped.CompareAndSwap(nil, &providers.Error{Class: cls, Code: call.ErrorCode, Message: call.ErrorMessage})
				}
				if err := store.PutJudgeCall(context.WithoutCancel(ctx), *call); err != nil {
					setErr(fmt.Errorf("store judge call: %w", err))
					continue
				}
				made.Add(1)
				if call.Cached {
					cached.Add(1)
				}
				if !call.OK() {
					failed.Add(1)
					if call.ErrorCode == unparseableCode {
						unparsed.Add(1)
					}
				}
				if r.JudgeProgress != nil {
					mu.Lock()
					progressed++
					r.JudgeProgress(JudgeEvent{Call: call, Done: progressed, Total: len(jobs)})
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	out.Made, out.Failed, out.Unparseable = int(made.Load()), int(failed.Load()), int(unparsed.Load())
	out.Cached = int(cached.Load())
	out.NotMade = int(notMade.Load())
	out.BudgetStopped = r.Budget != nil && r.Budget.Stopped() && out.NotMade > 0
	out.Stopped = stopped.Load()
	out.Interrupted = ctx.Err() != nil && out.NotMade > 0
	out.Warnings = warns.sorted()
	mu.Lock()
	defer mu.Unlock()
	return firstErr
}

// unparseableCode is the error code of a judge call whose answer held no
// readable verdict.
const unparseableCode = "no_verdict"

// judgeCall makes one judge call through the runner's attempt loop, or
// answers it from cache. It returns nil, nil when interrupted before the
// call finished, or when the budget did not allow it (nothing is stored;
// a resume makes it).
func (r *Runner) judgeCall(ctx, abort context.Context, plan *JudgePlan, lim Limiter, cache JudgeCache, j judgeJob, warns *warnSet) (*results.JudgeCall, error) {
	jt := &plan.Judge.Target
	base := ""
	if j.base != nil {
		base = j.base.output
	}
	prompt, err := judgePrompt(j.suite, j.c, j.ord, j.of.output, base)
	if err != nil {
		return nil, err
	}
	req := &providers.Request{
		Model:    jt.Model,
		Messages: []providers.Message{{Role: providers.RoleUser, Text: prompt, Images: j.c.Images}},
		Params:   jt.adjustParams(jt.Params, warns),
		Stream:   jt.Stream,
	}
	call := &results.JudgeCall{
		RunID: plan.RunID, Suite: j.of.key.Suite, CaseID: j.of.key.CaseID, Target: j.of.key.Target, Repeat: j.of.key.Repeat,
		JudgeTarget: jt.Name, Mode: string(j.suite.Judge.Mode), Ord: j.ord, Prompt: prompt,
		RequestHash: RequestHash(jt.Identity, req),
	}
	if cache != nil {
		// A local read: not cut short by ctx, so a Ctrl-C between the
		// check and the lookup is not taken for a store failure.
		c, ok, err := cache.CachedJudgeCall(context.WithoutCancel(ctx), call.RequestHash)
		if err != nil {
			return nil, err
		}
		if ok {
			call.Output, call.Started, call.Latency, call.TTFT = c.Output, c.Started, c.Latency, c.TTFT
			call.InputTokens, call.OutputTokens = c.InputTokens, c.OutputTokens
			call.Cached = true
			readVerdict(call, j.suite.Judge.Mode)
			return call, nil
		}
	}
	var resv reservation
	if r.Budget != nil {
		var ok bool
		if resv, ok = r.Budget.reserveJudge(jt, req); !ok {
			return nil, nil
		}
	}
	a, ok := r.attempt(ctx, abort, jt, lim, req)
	if !ok {
		if r.Budget != nil {
			r.Budget.settleJudge(resv, nil)
		}
		return nil, nil
	}
	call.Started, call.Latency, call.Attempts = a.Started, a.Latency, a.Attempts
	if a.Err != nil {
		call.Output = a.Err.Partial
		call.ErrorClass, call.ErrorCode, call.ErrorMessage = string(a.Err.Class), a.Err.Code, a.Message
	} else {
		call.Output = a.Resp.Text
		call.TTFT = a.Resp.TTFT
		call.InputTokens, call.OutputTokens = a.Resp.Usage.InputTokens, a.Resp.Usage.OutputTokens
		readVerdict(call, j.suite.Judge.Mode)
	}
	if r.Budget != nil {
		r.Budget.settleJudge(resv, call)
	}
	return call, nil
}

// judgePrompt is the text of judge call ord about answer to case c of
// judged suite s; base is the baseline's answer (pairwise: ord 0 shows it
// as A, ord 1 as B).
func judgePrompt(s *suites.Suite, c *suites.Case, ord int, answer, base string) (string, error) {
	question, err := s.Render(c)
	if err != nil {
		return "", fmt.Errorf("suite %s case %s: %w", s.Name, c.ID, err)
	}
	q := judgeQuestion{System: s.System, Prompt: question, References: c.References, Rubric: s.Judge.Rubric}
	switch {
	case s.Judge.Mode == suites.JudgeRubric:
		return rubricPrompt(q, answer), nil
	case ord == 0:
		return pairwisePrompt(q, base, answer), nil
	}
	return pairwisePrompt(q, answer, base), nil
}

// readVerdict reads the verdict of an answered judge call from its output;
// an output without one makes the call class bad_response.
func readVerdict(call *results.JudgeCall, mode suites.JudgeMode) {
	var perr error
	if mode == suites.JudgeRubric {
		var n int
		if n, perr = ParseScore(call.Output); perr == nil {
			call.Verdict = strconv.Itoa(n)
		}
	} else {
		call.Verdict, perr = ParseVerdict(call.Output)
	}
	if perr != nil {
		call.Verdict = ""
		call.ErrorClass, call.ErrorCode, call.ErrorMessage = string(providers.BadResponse), unparseableCode, perr.Error()
	}
}

// writeJudgeScores turns the stored judge calls into scores on the judged
// results and stores those that are new or changed.
func writeJudgeScores(ctx context.Context, store JudgeStore, plan *JudgePlan, judged map[string]*suites.Suite,
	answers []*judgeAnswer, stored map[results.Key]suites.Score, out *JudgeOutcome) error {
	verdicts := map[results.Key]*[2]string{}
	for c, err := range store.JudgeCalls(ctx, plan.RunID) {
		if err != nil {
			return err
		}
		if !c.OK() || c.Verdict == "" {
			continue
		}
		k := c.Key().Result()
		v := verdicts[k]
		if v == nil {
			v = &[2]string{}
			verdicts[k] = v
		}
		v[c.Ord] = c.Verdict
	}
	batch := map[results.Key][]suites.Score{}
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := store.AddScores(ctx, plan.RunID, batch); err != nil {
			return fmt.Errorf("store judge scores: %w", err)
		}
		batch = map[results.Key][]suites.Score{}
		return nil
	}
	for _, a := range answers {
		s := judged[a.key.Suite]
		sc, ok := judgeScore(s.Judge.Mode, a.key.Target == plan.Baseline, verdicts[a.key])
		if !ok {
			out.Unscored++
			continue
		}
		out.Scored++
		if prev, has := stored[a.key]; has && prev == sc {
			continue
		}
		batch[a.key] = []suites.Score{sc}
		if len(batch) >= rescoreBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// judgeScore is a result's judge score from its stored verdicts (v[ord];
// "" where there is none). ok is false when the result has no score yet.
func judgeScore(mode suites.JudgeMode, isBaseline bool, v *[2]string) (suites.Score, bool) {
	sc := suites.Score{Scorer: suites.JudgeScorer}
	if mode == suites.JudgeRubric {
		sc.Version = JudgeRubricVersion
		if v == nil || v[0] == "" {
			return sc, false
		}
		n, err := strconv.Atoi(v[0])
		if err != nil || n < ScoreMin || n > ScoreMax {
			return sc, false
		}
		sc.Value, sc.Extracted = float64(n), v[0]
		return sc, true
	}
	sc.Version = JudgePairwiseVersion
	if isBaseline {
		sc.Value, sc.Extracted = 0.5, "self"
		return sc, true
	}
	if v == nil || v[0] == "" || v[1] == "" {
		return sc, false
	}
	// ord 0 shows the target's answer as B, ord 1 as A.
	w0, ok0 := pairwiseWin(v[0], "B")
	w1, ok1 := pairwiseWin(v[1], "A")
	if !ok0 || !ok1 {
		return sc, false
	}
	sc.Value, sc.Extracted = (w0+w1)/2, v[0]+","+v[1]
	return sc, true
}

// pairwiseWin scores one verdict for the answer shown at position pos:
// 1 when the judge picked it, 0.5 for a tie, 0 when it picked the other.
func pairwiseWin(verdict, pos string) (float64, bool) {
	switch verdict {
	case pos:
		return 1, true
	case "tie":
		return 0.5, true
	case "A", "B":
		return 0, true
	}
	return 0, false
}

// prepareJudge builds the judge when a suite uses the judge scorer and
// returns the problems that stop the run: a judged suite without a judge
// in the config, a judge whose credentials are missing, a pairwise suite
// the baseline does not answer.
func (p *Prepared) prepareJudge(getenv func(string) string, client *http.Client) []string {
	cfg := p.Config
	var used []*suites.Suite
	for _, s := range p.Suites {
		if s.UsesJudge() {
			used = append(used, s)
		}
	}
	if len(used) == 0 {
		p.JudgeUnused = cfg.Judge != nil
		return nil
	}
	var problems []string
	if cfg.Judge == nil {
		for _, s := range used {
			problems = append(problems, fmt.Sprintf("suite %s uses the judge scorer but the config has no judge: add judge: <a target's name>, or a judge target mapping {name:, provider:, model:}", s.Name))
		}
		return problems
	}
	j := &Judge{}
	if cfg.Judge.Inline == nil {
		found := false
		for _, t := range p.Targets {
			if t.Name == cfg.Judge.Target {
				j.Target, found = t, true
			}
		}
		if !found {
			// The target could not be built; Prepare reports why.
			return nil
		}
		j.Target.Only = nil
	} else {
		tc := cfg.Judge.Inline
		t, simulated, err := buildTarget(tc, getenv, client)
		if err != nil {
			return []string{"judge: " + err.Error()}
		}
		rec := targetRecord(tc, simulated)
		j.Target, j.Only, j.record = t, true, &rec
		p.Simulated[tc.Name] = simulated
	}
	if j.Target.Params.Temperature == nil {
		zero := 0.0
		j.Target.Params.Temperature = &zero
	}
	if j.record != nil {
		params, _ := json.Marshal(j.Target.Params)
		j.record.Params = string(params)
	}
	for _, s := range used {
		if s.Judge == nil {
			problems = append(problems, fmt.Sprintf("suite %s lists the judge scorer but has no judge: key", s.Name))
			continue
		}
		if s.Judge.Mode != suites.JudgePairwise {
			continue
		}
		for _, t := range p.Targets {
			if t.Name == cfg.Baseline && !t.runs(s.Name) {
				problems = append(problems, fmt.Sprintf("suite %s is judged pairwise against the baseline, but baseline %s does not answer it (its suites: leaves it out)", s.Name, cfg.Baseline))
			}
		}
	}
	p.Judge = j
	return problems
}

// judgeRecords are the judged suites as recorded with the run.
func (p *Prepared) judgeRecords() []results.JudgeSuite {
	if p.Judge == nil {
		return nil
	}
	var out []results.JudgeSuite
	for _, s := range p.Suites {
		if !s.UsesJudge() || s.Judge == nil {
			continue
		}
		out = append(out, results.JudgeSuite{Suite: s.Name, Judge: p.Judge.Target.Name, JudgeOnly: p.Judge.Only, Mode: string(s.Judge.Mode), Rubric: s.Judge.Rubric})
	}
	return out
}
