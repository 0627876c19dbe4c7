package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// Target is a configured target, ready to be called.
type Target struct {
	Name     string
	Model    string
	Provider providers.Provider
	Params   providers.Params
	Stream   bool
	// Concurrency is the number of calls in flight at once (≥ 1).
	Concurrency int
	// RPM caps requests per minute across every suite of the run (0: none).
	RPM float64
	// TPM caps tokens per minute (prompt and answer) across every suite of
	// the run (0: none).
	TPM float64
	// Timeout bounds one attempt (0: DefaultTimeout).
	Timeout time.Duration
	// MaxAttempts bounds the attempts per call, retries included (0: DefaultMaxAttempts).
	MaxAttempts int
	// KeyEnv names the credential variable, for messages when a target is stopped.
	KeyEnv string
	// Only, when non-nil, limits the target to the suites it names.
	Only map[string]bool
	// Identity names the endpoint for the response cache: provider, API
	// and base URL (see RequestHash).
	Identity string
}

// runs reports whether the target answers the suite.
func (t *Target) runs(suite string) bool { return t.Only == nil || t.Only[suite] }

// Plan is the set of calls of one run: every case of every suite, for every
// target and repeat. Targets proceed independently through the same case
// order, so their calls interleave case by case. Each target reads the
// cases as it reaches them (Suite.Open), so no worker holds a suite.
type Plan struct {
	RunID   string
	Suites  []*suites.Suite
	Targets []Target
	// Repeats is the number of samples per case and target (≥ 1).
	Repeats int

	// skip holds the calls that already have a stored result (SkipDone).
	skip map[planKey]struct{}
}

// planKey is one call of a plan by position: suite and target by their
// index in Suites and Targets, the case by its index in its suite. A
// resumed run of 100,000 cases keeps one 16-byte key per stored call,
// not the stored keys' strings.
type planKey struct {
	suite, target int32
	repeat, index uint32
}

// SkipDone marks the calls that already have a stored result (done is
// the store's answer for a resumed run) as made, so Run and Calls skip
// them; keys of suites, cases or targets the plan does not have are
// ignored. Call it once Suites and Targets are final. It reads each
// suite's case ids, not its cases. The plan keeps a compact set: done can
// be dropped once it returns.
func (p *Plan) SkipDone(done map[results.Key]bool) {
	p.skip = nil
	if len(done) == 0 {
		return
	}
	targets := make(map[string]int32, len(p.Targets))
	for ti := range p.Targets {
		targets[p.Targets[ti].Name] = int32(ti)
	}
	// Group the keys by suite so each suite's id index lives only while
	// its keys are matched.
	bySuite := map[string][]results.Key{}
	for k := range done {
		if _, ok := targets[k.Target]; ok && k.Repeat >= 0 && k.Repeat < p.repeats() {
			bySuite[k.Suite] = append(bySuite[k.Suite], k)
		}
	}
	p.skip = map[planKey]struct{}{}
	for si, s := range p.Suites {
		keys := bySuite[s.Name]
		if len(keys) == 0 {
			continue
		}
		index := make(map[string]int, s.Len())
		for i := range s.Len() {
			index[s.ID(i)] = i
		}
		for _, k := range keys {
			if ci, ok := index[k.CaseID]; ok {
				p.skip[planKey{suite: int32(si), target: targets[k.Target], repeat: uint32(k.Repeat), index: uint32(ci)}] = struct{}{}
			}
		}
	}
}

// skipped reports whether call (suite si, case ci, target ti, repeat rep)
// has a stored result.
func (p *Plan) skipped(si, ci, ti, rep int) bool {
	if len(p.skip) == 0 {
		return false
	}
	_, ok := p.skip[planKey{suite: int32(si), target: int32(ti), repeat: uint32(rep), index: uint32(ci)}]
	return ok
}

// Calls returns the number of calls the plan will make (skipped ones
// excluded). It reads no case.
func (p *Plan) Calls() int {
	n := 0
	for si, s := range p.Suites {
		for ti := range p.Targets {
			if !p.Targets[ti].runs(s.Name) {
				continue
			}
			n += s.Len() * p.repeats()
			if len(p.skip) == 0 {
				continue
			}
			for ci := range s.Len() {
				for rep := range p.repeats() {
					if p.skipped(si, ci, ti, rep) {
						n--
					}
				}
			}
		}
	}
	return n
}

func (p *Plan) repeats() int {
	if p.Repeats < 1 {
		return 1
	}
	return p.Repeats
}

// Sink receives finished results. Put is called from many goroutines at
// once and must be safe for that; an error from Put ends the run (it is an
// infrastructure failure, not a failed call).
type Sink interface {
	Put(ctx context.Context, r results.Result) error
}

// Limiter paces calls to one target. Wait blocks until a call may start or
// ctx is done; it is called from many goroutines at once.
type Limiter interface {
	Wait(ctx context.Context) error
}

var _ Limiter = (*rate.Limiter)(nil)

// Event reports one finished call to a progress display.
type Event struct {
	Result *results.Result
	// Done counts results stored so far in this invocation; Total is the
	// number of calls planned.
	Done, Total int
}

// Runner executes a Plan.
type Runner struct {
	Sink Sink
	// Progress, if set, is called once per stored result, serially.
	Progress func(Event)
	// Abort, if set, interrupts calls in flight when canceled (a second
	// Ctrl-C). Canceling the ctx given to Run only stops scheduling.
	Abort context.Context
	// BackoffBase and BackoffMax shape the exponential backoff between
	// attempts (defaults 500ms and 30s); a provider's delay hint overrides it,
	// up to MaxRetryAfter (default 60s).
	BackoffBase, BackoffMax, MaxRetryAfter time.Duration
	// NewLimiter, if set, builds the limiter of a target with an rpm
	// instead of the default, a TargetLimiter (exact rpm and tpm,
	// concurrency, adaptive backoff on 429s), which every target gets.
	NewLimiter func(rpm float64) Limiter
	// JudgeProgress, if set, is called once per stored judge call, serially.
	JudgeProgress func(JudgeEvent)
	// Cache, if set, answers a call from an earlier successful result of
	// the same request (RequestHash) instead of calling the provider.
	Cache Cache
	// Budget, if set, stops scheduling calls once the projected spend
	// would pass its limit.
	Budget *Budget

	// limiters holds every target's limiter once made, so the run's calls
	// and the judge's pace a target with one limiter (see limiter).
	limiters map[limiterKey]Limiter
}

// warnSet collects distinct warnings from many goroutines.
type warnSet struct {
	mu sync.Mutex
	m  map[string]bool
}

func (w *warnSet) add(s string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.m == nil {
		w.m = map[string]bool{}
	}
	w.m[s] = true
}

func (w *warnSet) sorted() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.m))
	for s := range w.m {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// Outcome summarises a Run.
type Outcome struct {
	// Planned is the number of calls the plan asked for.
	Planned int
	// Stored is the number of results written.
	Stored int
	// Failed counts stored results that carry an error class.
	Failed int
	// Cached counts stored results answered from the cache.
	Cached int
	// NotMade counts calls skipped because their target was stopped or the
	// run was interrupted; a resume makes them.
	NotMade int
	// Stopped maps a target stopped by an auth or quota error to that error.
	Stopped map[string]*providers.Error
	// Interrupted is true when ctx was canceled before the plan finished.
	Interrupted bool
	// Warnings are the providers' parameter adjustments, one per distinct
	// change, prefixed with the target name, sorted.
	Warnings []string
}

type job struct {
	suite  *suites.Suite
	scorer []suites.Scorer
	c      *suites.Case
	repeat int
}

// Run makes every call of the plan and sends each result to r.Sink. It
// returns an error only for infrastructure failures (the sink, a suite that
// cannot render); failed calls are results with an error class.
//
// Canceling ctx stops scheduling: calls in flight finish and are stored,
// calls not yet started are left for a resume. Canceling r.Abort also cuts
// calls in flight; those are not stored.
func (r *Runner) Run(ctx context.Context, plan *Plan) (Outcome, error) {
	out := Outcome{Planned: plan.Calls(), Stopped: map[string]*providers.Error{}}
	if r.Sink == nil {
		return out, errors.New("runner has no sink")
	}
	abort := r.Abort
	if abort == nil {
		abort = context.WithoutCancel(ctx)
	}
	// failCtx ends everything on an infrastructure failure.
	failCtx, fail := context.WithCancelCause(ctx)
	defer fail(nil)
	abortCtx := abort

	scorers := map[string]*suites.ScorerSet{}
	for _, s := range plan.Suites {
		set, err := s.BuildScorerSet()
		if err != nil {
			return out, err
		}
		scorers[s.Name] = set.Filter(isInline)
	}

	var (
		mu       sync.Mutex
		done     int
		notMade  atomic.Int64
		stored   atomic.Int64
		failed   atomic.Int64
		cached   atomic.Int64
		wg       sync.WaitGroup
		stopMu   sync.Mutex
		firstErr error
	)
	setErr := func(err error) {
		stopMu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		stopMu.Unlock()
		fail(err)
	}
	emit := func(res *results.Result) {
		if r.Progress == nil {
			return
		}
		mu.Lock()
		done++
		r.Progress(Event{Result: res, Done: done, Total: out.Planned})
		mu.Unlock()
	}

	warns := &warnSet{}
	stoppedBy := make([]atomic.Pointer[providers.Error], len(plan.Targets))
	for ti := range plan.Targets {
		t := &plan.Targets[ti]
		jobs := make(chan job)
		stopped := &stoppedBy[ti]
		lim := r.limiter(t)
		// Producer: walks the plan in case order for this target, reading
		// each case once and only when a call of it is still to make.
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(jobs)
			for si, s := range plan.Suites {
				if !t.runs(s.Name) {
					continue
				}
				r.produce(failCtx, plan, si, ti, scorers[s.Name], jobs, stopped, &notMade, setErr)
			}
		}()
		conc := max(t.Concurrency, 1)
		for range conc {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range jobs {
					if stopped.Load() != nil || failCtx.Err() != nil {
						notMade.Add(1)
						continue
					}
					res, err := r.call(failCtx, abortCtx, plan.RunID, t, lim, j, warns)
					if err != nil {
						setErr(err)
						continue
					}
					if res == nil { // interrupted before it finished
						notMade.Add(1)
						continue
					}
					if cls := providers.Class(res.ErrorClass); cls.StopsTarget() {
						stopped.CompareAndSwap(nil, &providers.Error{Class: cls, Code: res.ErrorCode, Message: res.ErrorMessage})
					}
					if err := r.Sink.Put(context.WithoutCancel(ctx), *res); err != nil {
						setErr(fmt.Errorf("store result: %w", err))
						continue
					}
					stored.Add(1)
					if !res.OK() {
						failed.Add(1)
					}
					if res.Cached {
						cached.Add(1)
					}
					emit(res)
				}
			}()
		}
	}
	wg.Wait()
	out.Stored = int(stored.Load())
	out.Failed = int(failed.Load())
	out.Cached = int(cached.Load())
	out.NotMade = int(notMade.Load())
	out.Interrupted = ctx.Err() != nil
	stopMu.Lock()
	err := firstErr
	stopMu.Unlock()
	out.Warnings = warns.sorted()
	for ti := range plan.Targets {
		if e := stoppedBy[ti].Load(); e != nil {
			out.Stopped[plan.Targets[ti].Name] = e
		}
	}
	return out, err
}

// produce sends target ti's calls of suite si to jobs, in case order,
// reading each case only when one of its calls is to be made. A call not
// sent (the run failing or interrupted, the target or the budget stopped)
// counts as not made. A case that cannot be read is an infrastructure
// failure, given to fail (which cancels ctx), so the calls left count as
// not made.
func (r *Runner) produce(ctx context.Context, plan *Plan, si, ti int, set *suites.ScorerSet, jobs chan<- job, stopped *atomic.Pointer[providers.Error], notMade *atomic.Int64, fail func(error)) {
	s := plan.Suites[si]
	rd, err := s.Open() // nil on an error: every call then counts as not made
	if err != nil {
		fail(fmt.Errorf("suite %s: %w", s.Name, err))
	} else {
		defer rd.Close()
	}
	for ci := range s.Len() {
		var c *suites.Case
		for rep := range plan.repeats() {
			if plan.skipped(si, ci, ti, rep) {
				continue
			}
			if rd == nil || ctx.Err() != nil || stopped.Load() != nil || r.Budget != nil && r.Budget.Stopped() {
				notMade.Add(1)
				continue
			}
			if c == nil {
				if c, err = rd.Case(ci); err != nil {
					fail(err)
					notMade.Add(1)
					continue
				}
			}
			select {
			case jobs <- job{suite: s, scorer: set.For(c), c: c, repeat: rep}:
			case <-ctx.Done():
				notMade.Add(1)
			}
		}
	}
}

// limiter is a target's limiter: NewLimiter's for a target with an rpm
// when set, else a TargetLimiter for its rpm, tpm and concurrency. It is
// made once per target (by name and limits) and kept on the Runner: a
// target that also judges is paced by the same limiter in both phases, so
// the provider never sees more than its limits across them, and what the
// limiter learnt (usage, 429s) carries over.
func (r *Runner) limiter(t *Target) Limiter {
	k := limiterKey{name: t.Name, rpm: t.RPM, tpm: t.TPM, concurrency: max(t.Concurrency, 1)}
	limitersMu.Lock()
	defer limitersMu.Unlock()
	if lim, ok := r.limiters[k]; ok {
		return lim
	}
	var lim Limiter
	if r.NewLimiter != nil && t.RPM > 0 {
		lim = r.NewLimiter(t.RPM)
	} else {
		lim = NewTargetLimiter(Limits{RPM: t.RPM, TPM: t.TPM, Concurrency: k.concurrency})
	}
	if r.limiters == nil {
		r.limiters = map[limiterKey]Limiter{}
	}
	r.limiters[k] = lim
	return lim
}

// limiterKey identifies a target's limiter on a Runner.
type limiterKey struct {
	name        string
	rpm, tpm    float64
	concurrency int
}

// limitersMu guards every Runner's limiters (a Runner carries no mutex, so
// it can be copied before use, as Options.Runner is).
var limitersMu sync.Mutex

// call makes one planned call with retries. It returns nil, nil when the
// run was interrupted before the call finished, or the budget did not
// allow it (nothing is stored; a resume makes it again).
//
// With a Cache, a request answered before is not sent: its result is the
// earlier answer, scored again. With a Budget, the call is made only if
// its estimated cost fits, and its actual cost is counted once it ends.
func (r *Runner) call(ctx, abort context.Context, runID string, t *Target, lim Limiter, j job, warns *warnSet) (*results.Result, error) {
	msgs, err := j.suite.Messages(j.c)
	if err != nil {
		return nil, fmt.Errorf("suite %s case %s: %w", j.suite.Name, j.c.ID, err)
	}
	req := &providers.Request{
		Model:    t.Model,
		Messages: msgs,
		Params:   t.adjustParams(MergeParams(t.Params, j.suite.Params), warns),
		Stream:   t.Stream,
		Document: j.suite.Document(j.c),
	}
	hash := RequestHash(t.Identity, req)
	if r.Cache != nil {
		// A Ctrl-C landing now must not turn a store read into a failed
		// run: the worker already decided to make this call.
		c, ok, err := r.Cache.Cached(context.WithoutCancel(ctx), hash)
		if err != nil {
			return nil, err
		}
		if ok {
			res := &results.Result{RunID: runID, Suite: j.suite.Name, CaseID: j.c.ID, Target: t.Name, Repeat: j.repeat, RequestHash: hash}
			cachedResult(res, c)
			for _, sc := range j.scorer {
				res.Scores = append(res.Scores, sc.Score(res.Output, j.c))
			}
			return res, nil
		}
	}
	var resv reservation
	if r.Budget != nil {
		var ok bool
		if resv, ok = r.Budget.reserve(t, req); !ok {
			return nil, nil
		}
	}
	a, ok := r.attempt(ctx, abort, t, lim, req)
	if !ok {
		if r.Budget != nil {
			r.Budget.settle(resv, nil)
		}
		return nil, nil
	}
	res := &results.Result{
		RunID: runID, Suite: j.suite.Name, CaseID: j.c.ID, Target: t.Name, Repeat: j.repeat,
		Started: a.Started, Wait: a.Wait, RetryTime: a.RetryTime, Attempts: a.Attempts, Latency: a.Latency,
		RequestHash: hash,
	}
	if r.Budget != nil {
		defer func() { r.Budget.settle(resv, res) }()
	}
	if a.Err != nil {
		res.Output = a.Err.Partial
		res.ErrorClass, res.ErrorCode, res.ErrorMessage = string(a.Err.Class), a.Err.Code, a.Message
		return res, nil
	}
	resp := a.Resp
	res.Output = resp.Text
	res.TTFT = resp.TTFT
	res.InputTokens = resp.Usage.InputTokens
	res.OutputTokens = resp.Usage.OutputTokens
	res.ModelReported = resp.Model
	res.FinishReason = resp.FinishReason
	for _, sc := range j.scorer {
		res.Scores = append(res.Scores, sc.Score(resp.Text, j.c))
	}
	return res, nil
}

// adjustParams applies the provider's parameter adjustments, recording
// each change as a warning prefixed with the target's name.
func (t *Target) adjustParams(params providers.Params, warns *warnSet) providers.Params {
	adj, ok := t.Provider.(providers.ParamAdjuster)
	if !ok {
		return params
	}
	params, changed := adj.AdjustParams(params)
	for _, w := range changed {
		warns.add(t.Name + ": " + w)
	}
	return params
}

// attempted is the outcome of one call's attempts.
type attempted struct {
	// Resp is the final attempt's response; nil when Err is set.
	Resp *providers.Response
	// Err is the final attempt's classified error; Message is its text for
	// storage (with the credential variable to check after an auth error).
	Err     *providers.Error
	Message string
	// Started is when the final attempt was sent (UTC).
	Started time.Time
	// Latency is the final attempt's: the provider's figure, else the time
	// from send to return.
	Latency time.Duration
	// Wait is the time spent in the limiter; RetryTime the time from the
	// first attempt's send to the final one's.
	Wait, RetryTime time.Duration
	Attempts        int
}

// attempt sends req to t with the runner's retries: it waits for the
// limiter before each attempt, bounds each with the target's timeout,
// classifies failures and retries the retryable ones with backoff, up to
// the target's max attempts. ok is false when the run was interrupted
// before the call finished (ctx canceled while waiting, or abort canceled
// in flight): such a call is not stored, and a resume makes it again.
// Both the answering calls and the judge's calls go through it.
func (r *Runner) attempt(ctx, abort context.Context, t *Target, lim Limiter, req *providers.Request) (a attempted, ok bool) {
	maxAttempts := t.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	timeout := t.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	adm, _ := lim.(Admitter)
	var firstSend time.Time
	for n := 1; ; n++ {
		var permit Permit
		if lim != nil {
			w := time.Now()
			var err error
			if adm != nil {
				permit, err = adm.Admit(ctx, req)
			} else {
				err = lim.Wait(ctx)
			}
			if err != nil {
				return a, false
			}
			a.Wait += time.Since(w)
		} else if ctx.Err() != nil && n == 1 {
			return a, false
		}
		callCtx, cancel := context.WithTimeout(abort, timeout)
		start := time.Now()
		if n == 1 {
			firstSend = start
		}
		resp, err := t.Provider.Complete(callCtx, req)
		elapsed := time.Since(start)
		cancel()
		if permit != nil {
			permit.Done(resp, providers.Classify(err))
		}
		a.Attempts = n
		a.Started = start.UTC()
		a.RetryTime = start.Sub(firstSend)
		if err == nil {
			a.Resp, a.Err, a.Message = resp, nil, ""
			a.Latency = resp.Latency
			if a.Latency <= 0 {
				a.Latency = elapsed
			}
			return a, true
		}
		perr := providers.Classify(err)
		if perr.Class == providers.Canceled || abort.Err() != nil {
			return a, false
		}
		a.Latency = elapsed
		a.Err = perr
		a.Message = perr.Error()
		if perr.Class == providers.Auth && t.KeyEnv != "" {
			a.Message += " (check " + t.KeyEnv + ")"
		}
		if !perr.Class.Retryable() || n >= maxAttempts {
			return a, true
		}
		delay := r.backoff(n, perr.RetryAfter)
		timer := time.NewTimer(delay)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return a, false
		}
	}
}

// backoff is the wait before attempt n+1: the provider's hint when it gave
// one (capped at MaxRetryAfter), else exponential backoff with full jitter:
// a uniform draw from [base·2^(n-1)/2, base·2^(n-1)], capped at BackoffMax.
func (r *Runner) backoff(n int, hint time.Duration) time.Duration {
	base, maxB, maxHint := r.BackoffBase, r.BackoffMax, r.MaxRetryAfter
	if base <= 0 {
		base = 500 * time.Millisecond
	}
	if maxB <= 0 {
		maxB = 30 * time.Second
	}
	if maxHint <= 0 {
		maxHint = 60 * time.Second
	}
	if hint > 0 {
		return min(hint, maxHint)
	}
	d := base << min(n-1, 16)
	if d > maxB || d <= 0 {
		d = maxB
	}
	half := d / 2
	return half + rand.N(half+1)
}

// isInline is true for the scorers that score an answer when it arrives:
// every one but the deferred (the judge), whose scores come from a later
// phase, never from Score.
func isInline(sc suites.Scorer) bool { return !suites.IsDeferred(sc) }

// MergeParams returns the target's parameters with the suite's set ones on
// top: a suite knows what its cases need (e.g. a longer max_tokens).
func MergeParams(target, suite providers.Params) providers.Params {
	p := target
	if suite.Temperature != nil {
		p.Temperature = suite.Temperature
	}
	if suite.TopP != nil {
		p.TopP = suite.TopP
	}
	if suite.MaxTokens != nil {
		p.MaxTokens = suite.MaxTokens
	}
	if suite.Seed != nil {
		p.Seed = suite.Seed
	}
	if suite.Stop != nil {
		p.Stop = suite.Stop
	}
	return p
}
