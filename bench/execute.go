package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/wiretime"
	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// Store is what a run needs from the results store.
type Store interface {
	CreateRun(ctx context.Context, run results.Run, targets []results.Target, suites []results.SuiteInfo) error
	PutCases(ctx context.Context, runID string, cases []results.Case) error
	ReopenRun(ctx context.Context, runID string) error
	FinishRun(ctx context.Context, runID, status, note string, ended time.Time) error
	Run(ctx context.Context, runID string) (results.Run, error)
	Suites(ctx context.Context, runID string) ([]results.SuiteInfo, error)
	LatestRun(ctx context.Context, configName string, statuses ...string) (results.Run, error)
	Done(ctx context.Context, runID string) (map[results.Key]bool, error)
	NewWriter(opts results.WriterOptions) *results.Writer
}

var _ Store = (*results.Store)(nil)

// Locker is an optional Store interface: a lock that only one process
// holds at a time. Execute holds it from before it reads what to resume
// until the run is finished, so two processes never run into one database
// at once. *results.Store has it (a lock file beside the database, dropped
// by the operating system when its holder dies, kill -9 included).
type Locker interface {
	Lock(ctx context.Context, opts results.LockOptions) (*results.RunLock, error)
}

var _ Locker = (*results.Store)(nil)

// caseCounter is an optional Store interface: how many cases of a run are
// recorded, so a resumed run whose recording was cut off (kill -9 between
// CreateRun and the last PutCases) records the rest.
type caseCounter interface {
	CountCases(ctx context.Context, runID string) (int, error)
}

var _ caseCounter = (*results.Store)(nil)

// Options control Execute.
type Options struct {
	// Resume is a run id to continue, or "last" for the most recent
	// unfinished run of the same config; "" starts a new run.
	Resume string
	// Version is the harness version recorded with the run.
	Version string
	// Getenv reads credentials (default os.Getenv).
	Getenv func(string) string
	// HTTPClient is given to every provider (default: providers' own).
	HTTPClient *http.Client
	// Progress is called once per stored result.
	Progress func(Event)
	// JudgeProgress is called once per stored judge call.
	JudgeProgress func(JudgeEvent)
	// Abort interrupts calls in flight when canceled (second Ctrl-C).
	Abort context.Context
	// Started is called once the run is recorded, before any call is made.
	Started func(run results.Run, planned int)
	// Runner tunes retries and pacing (zero value: defaults).
	Runner Runner
	// WaitLock waits for another process's run on the same database to
	// finish instead of failing with an error wrapping results.ErrLocked.
	WaitLock bool
	// LockWaiting, if set, is called once with a description of the lock's
	// holder when WaitLock is set and the lock is taken.
	LockWaiting func(holder string)
	// Cache answers each call from an earlier successful result of the
	// same request in the database when there is one (the store must be a
	// Cache, as *results.Store is).
	Cache bool
	// MaxCost, if set, is the run's budget (see Budget): its stored and
	// in-flight spend never passes it. Every target must have a price.
	MaxCost *Money
}

// Report is what Execute did.
type Report struct {
	Run     results.Run
	Outcome Outcome
	// Judge is what the judge phase did (nil when no suite is judged or
	// the phase did not start: the answering calls were interrupted).
	Judge *JudgeOutcome
	// Resumed is true when an existing run was continued.
	Resumed bool
	// Budget is the run's budget when Options.MaxCost was set.
	Budget *Budget
}

// ErrNothingToResume is returned by Execute for Resume "last" when no run
// of the config is unfinished.
var ErrNothingToResume = errors.New("nothing to resume")

// Prepared is a config with its suites loaded and providers built: nothing
// has been contacted and nothing written yet.
type Prepared struct {
	Config  *Config
	Suites  []*suites.Suite
	Targets []Target
	// Simulated maps target names to whether they are the local simulator.
	Simulated map[string]bool
	// Judge scores the suites that use the judge scorer (nil when none does).
	Judge *Judge
	// JudgeUnused is true when the config names a judge but no suite uses
	// the judge scorer.
	JudgeUnused bool
}

// Prepare loads every suite and builds every provider. Any error means
// nothing may run.
func Prepare(cfg *Config, getenv func(string) string, client *http.Client) (*Prepared, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	p := &Prepared{Config: cfg, Simulated: map[string]bool{}}
	var problems []string
	seen := map[string]string{}
	for _, ref := range cfg.Suites {
		s, err := suites.Resolve(ref, cfg.Dir())
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		if prev, dup := seen[s.Name]; dup {
			problems = append(problems, fmt.Sprintf("%s: suite name %q is also used by %s; suite names must be unique in a config", ref, s.Name, prev))
			continue
		}
		seen[s.Name] = ref
		p.Suites = append(p.Suites, s)
	}
	var tagProblems []string
	p.Suites, tagProblems = narrowByTags(cfg.Tags, p.Suites)
	problems = append(problems, tagProblems...)
	for i := range cfg.Targets {
		tc := &cfg.Targets[i]
		t, simulated, err := buildTarget(tc, getenv, client)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		p.Simulated[tc.Name] = simulated
		var only map[string]bool
		if len(tc.Suites) > 0 {
			only = map[string]bool{}
			for _, name := range tc.Suites {
				if _, ok := seen[name]; !ok {
					problems = append(problems, fmt.Sprintf("target %q: suites: %q is not a suite of this config (suites are named by their name:, e.g. summarisation)", tc.Name, name))
				}
				only[name] = true
			}
		}
		t.Only = only
		p.Targets = append(p.Targets, t)
	}
	problems = append(problems, p.prepareJudge(getenv, client)...)
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	return p, nil
}

// buildTarget resolves a target's credentials and builds its provider.
// simulated reports whether it is the local simulator.
func buildTarget(tc *TargetConfig, getenv func(string) string, client *http.Client) (t Target, simulated bool, err error) {
	pc, err := tc.Credentials(getenv)
	if err != nil {
		return t, false, err
	}
	pc.HTTPClient = client
	if client == nil {
		pc.HTTPClient = targetClient(max(tc.Concurrency, DefaultConcurrency))
	}
	pc.StallTimeout = tc.StallTimeoutDuration()
	prov, err := providers.New(pc)
	if err != nil {
		return t, false, fmt.Errorf("target %q: %v", tc.Name, err)
	}
	info, _ := providers.Lookup(tc.Provider)
	rec := targetRecord(tc, info.Simulated)
	return Target{
		Identity:    rec.Provider + "\x00" + rec.API + "\x00" + rec.BaseURL,
		Name:        tc.Name,
		Model:       tc.Model,
		Provider:    prov,
		Params:      tc.Params,
		Stream:      tc.Streaming(),
		Concurrency: tc.Concurrency,
		RPM:         tc.RPM,
		TPM:         tc.TPM,
		Timeout:     tc.TimeoutDuration(),
		MaxAttempts: tc.MaxAttempts,
		KeyEnv:      pc.APIKeyEnv,
	}, info.Simulated, nil
}

// targetClient is a target's own HTTP client when the caller gives none.
// Its transport keeps an idle connection for every worker (the shared
// default keeps 100, at most 64 per host), so a target called at high
// concurrency reuses its connections after each burst instead of dialing
// anew. Its connections keep the kernel's receive stamps, so latency is
// timed on the wire (providers/wiretime).
func targetClient(concurrency int) *http.Client {
	t := wiretime.NewTransport(concurrency)
	t.MaxIdleConns = 0 // no overall cap
	return &http.Client{Transport: t}
}

// NewRunID returns a sortable, unique run id: UTC start time plus 16
// random bits.
func NewRunID(now time.Time) string {
	var b [2]byte
	_, _ = rand.Read(b[:])
	return now.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// Execute records a run (or reopens one to resume it), makes every call that
// has no result yet, and finishes the run with its status. Failed calls are
// data; the error is for infrastructure failures only.
func Execute(ctx context.Context, p *Prepared, store Store, opts Options) (*Report, error) {
	cfg := p.Config
	rep := &Report{}
	var js JudgeStore
	if p.Judge != nil {
		var ok bool
		if js, ok = store.(JudgeStore); !ok {
			return nil, fmt.Errorf("this store cannot record judge calls (%T has no PutJudgeCall)", store)
		}
	}
	var cache Cache
	if opts.Cache {
		var ok bool
		if cache, ok = store.(Cache); !ok {
			return nil, fmt.Errorf("this store cannot serve cached responses (%T has no Cached)", store)
		}
	}
	if opts.MaxCost != nil {
		b, err := p.NewBudget(*opts.MaxCost)
		if err != nil {
			return nil, err
		}
		rep.Budget = b
	}
	if l, ok := store.(Locker); ok {
		lock, err := l.Lock(ctx, results.LockOptions{
			Wait:    opts.WaitLock,
			Owner:   fmt.Sprintf("a run of config %q", cfg.Name),
			Waiting: opts.LockWaiting,
		})
		if err != nil {
			return nil, err
		}
		defer lock.Unlock()
	}
	var run results.Run
	var skip map[results.Key]bool
	if opts.Resume != "" {
		var err error
		run, err = resolveResume(ctx, store, cfg.Name, opts.Resume)
		if err != nil {
			return nil, err
		}
		if err := checkResumable(ctx, store, run, p); err != nil {
			return nil, err
		}
		if err := completeRecords(ctx, store, js, run.ID, p); err != nil {
			return nil, err
		}
		if skip, err = store.Done(ctx, run.ID); err != nil {
			return nil, fmt.Errorf("read results of run %s: %w", run.ID, err)
		}
		if rep.Budget != nil {
			if err := addStored(ctx, store, run.ID, rep.Budget); err != nil {
				return nil, err
			}
		}
		if err := store.ReopenRun(ctx, run.ID); err != nil {
			return nil, fmt.Errorf("reopen run %s: %w", run.ID, err)
		}
		rep.Resumed = true
	} else {
		run = results.Run{
			ID:             NewRunID(time.Now()),
			ConfigName:     cfg.Name,
			Config:         cfg.Source,
			Baseline:       cfg.Baseline,
			HarnessVersion: opts.Version,
			Repeats:        cfg.Repeats,
			Seed:           cfg.Seed,
			Started:        time.Now().UTC(),
			Status:         results.StatusRunning,
		}
		if err := store.CreateRun(ctx, run, p.targetRecords(), suiteRecords(p.Suites)); err != nil {
			return nil, fmt.Errorf("record run: %w", err)
		}
		if err := putCases(ctx, store, run.ID, p.Suites); err != nil {
			return nil, err
		}
		if js != nil {
			if err := js.PutJudges(ctx, run.ID, p.judgeRecords()); err != nil {
				return nil, err
			}
		}
	}
	plan := &Plan{RunID: run.ID, Suites: p.Suites, Targets: p.Targets, Repeats: cfg.Repeats}
	plan.SkipDone(skip) // a compact copy: the map is garbage once read
	if opts.Started != nil {
		opts.Started(run, plan.Calls())
	}

	w := store.NewWriter(results.WriterOptions{})
	runner := opts.Runner
	runner.Sink = w
	runner.Progress = opts.Progress
	runner.Abort = opts.Abort
	runner.JudgeProgress = opts.JudgeProgress
	runner.Cache = cache
	runner.Budget = rep.Budget
	out, runErr := runner.Run(ctx, plan)
	budgetStopped := rep.Budget != nil && rep.Budget.Stopped()
	closeErr := w.Close()
	rep.Outcome = out

	// The judge phase follows the answering calls, once they are all made
	// or stopped; after an interruption a resume runs it.
	var judgeErr error
	if p.Judge != nil && runErr == nil && closeErr == nil && !out.Interrupted && !budgetStopped {
		jo, err := runner.Judge(ctx, js, &JudgePlan{RunID: run.ID, Judge: p.Judge, Suites: p.Suites, Baseline: cfg.Baseline})
		rep.Judge, judgeErr = &jo, err
	}

	status, note := results.StatusCompleted, ""
	var notes []string
	for _, t := range p.Targets {
		if e, ok := out.Stopped[t.Name]; ok {
			msg := fmt.Sprintf("target %s stopped after %s %s error", t.Name, article(string(e.Class)), e.Class)
			if e.Class == providers.Auth && t.KeyEnv != "" {
				msg += " (check " + t.KeyEnv + ")"
			}
			notes = append(notes, msg)
		}
	}
	for _, w := range out.Warnings {
		notes = append(notes, "parameter changed: "+w)
	}
	jo := rep.Judge
	if jo != nil {
		for _, w := range jo.Warnings {
			notes = append(notes, "judge parameter changed: "+w)
		}
	}
	if p.JudgeUnused {
		notes = append(notes, "judge: is set but no suite lists the judge scorer, so nothing was judged")
	}
	switch {
	case runErr != nil || closeErr != nil || judgeErr != nil:
		status = results.StatusFailed
		notes = append(notes, fmt.Sprint(errors.Join(runErr, closeErr, judgeErr)))
	case out.Interrupted:
		status = results.StatusInterrupted
		notes = append(notes, fmt.Sprintf("interrupted with %d calls not made; resume with: llmbench run --config %s --resume %s", out.NotMade, cfg.Path, run.ID))
	case budgetStopped:
		status = results.StatusIncomplete
		lim := rep.Budget.Limit()
		total, session := rep.Budget.Spent()
		notes = append(notes, fmt.Sprintf("stopped by the budget (--max-cost %s) with %d calls not made: %s spent on stored calls (%s in this session); resume with a higher --max-cost or none: llmbench run --config %s --resume %s",
			lim, out.NotMade, Money{Amount: roundMoney(total), Currency: lim.Currency}, Money{Amount: roundMoney(session), Currency: lim.Currency}, cfg.Path, run.ID))
	case jo != nil && jo.Interrupted:
		status = results.StatusInterrupted
		notes = append(notes, fmt.Sprintf("interrupted in the judge phase with %d judge calls not made; resume with: llmbench run --config %s --resume %s", jo.NotMade, cfg.Path, run.ID))
	case jo != nil && jo.BudgetStopped:
		status = results.StatusIncomplete
		lim := rep.Budget.Limit()
		total, session := rep.Budget.Spent()
		notes = append(notes, fmt.Sprintf("stopped by the budget (--max-cost %s) in the judge phase with %d judge calls not made: %s spent on stored calls, answers and judge calls (%s in this session); resume with a higher --max-cost or none: llmbench run --config %s --resume %s",
			lim, jo.NotMade, Money{Amount: roundMoney(total), Currency: lim.Currency}, Money{Amount: roundMoney(session), Currency: lim.Currency}, cfg.Path, run.ID))
	case len(p.Targets) > 0 && len(out.Stopped) == len(p.Targets):
		status = results.StatusIncomplete
		notes = append(notes, "every target was stopped by auth or quota errors")
	case jo != nil && jo.Stopped != nil:
		status = results.StatusIncomplete
		msg := fmt.Sprintf("judge %s stopped after %s %s error with %d judge calls not made", jo.Judge, article(string(jo.Stopped.Class)), jo.Stopped.Class, jo.NotMade)
		if jo.Stopped.Class == providers.Auth && p.Judge.Target.KeyEnv != "" {
			msg += " (check " + p.Judge.Target.KeyEnv + ")"
		}
		notes = append(notes, msg+fmt.Sprintf("; fix the cause and resume with: llmbench run --config %s --resume %s", cfg.Path, run.ID))
	case out.NotMade > 0:
		notes = append(notes, fmt.Sprintf("%d calls not made; fix the cause and resume with: llmbench run --config %s --resume %s", out.NotMade, cfg.Path, run.ID))
	}
	note = strings.Join(notes, "; ")
	ended := time.Now().UTC()
	if err := store.FinishRun(context.WithoutCancel(ctx), run.ID, status, note, ended); err != nil {
		return rep, fmt.Errorf("finish run %s: %w", run.ID, err)
	}
	run.Status, run.Note, run.Ended = status, note, ended
	rep.Run = run
	if runErr != nil {
		return rep, runErr
	}
	if closeErr != nil {
		return rep, fmt.Errorf("flush results: %w", closeErr)
	}
	if judgeErr != nil {
		return rep, fmt.Errorf("judge phase: %w", judgeErr)
	}
	return rep, nil
}

// casesPerPut bounds the cases recorded per transaction, so a large suite
// is never rendered into memory whole.
const casesPerPut = 1000

// putCases records the suites' cases, reading them in order and writing
// casesPerPut at a time.
func putCases(ctx context.Context, store Store, runID string, ss []*suites.Suite) error {
	for _, s := range ss {
		batch := make([]results.Case, 0, min(casesPerPut, s.Len()))
		put := func() error {
			if len(batch) == 0 {
				return nil
			}
			if err := store.PutCases(ctx, runID, batch); err != nil {
				return fmt.Errorf("record cases of suite %s: %w", s.Name, err)
			}
			clear(batch) // drop the images and prompts before the next batch
			batch = batch[:0]
			return nil
		}
		for c, err := range s.All() {
			if err != nil {
				return fmt.Errorf("record cases of suite %s: %w", s.Name, err)
			}
			batch = append(batch, caseRecord(s, c))
			if len(batch) == casesPerPut {
				if err := put(); err != nil {
					return err
				}
			}
		}
		if err := put(); err != nil {
			return err
		}
	}
	return nil
}

// completeRecords finishes recording a resumed run whose recording was cut
// off after CreateRun (a crash or kill -9 before its cases or judges were
// all written): PutCases keeps what is stored and adds the rest.
func completeRecords(ctx context.Context, store Store, js JudgeStore, runID string, p *Prepared) error {
	want := 0
	for _, s := range p.Suites {
		want += s.Len()
	}
	cc, ok := store.(caseCounter)
	if !ok {
		return putCases(ctx, store, runID, p.Suites) // idempotent, only slower
	}
	have, err := cc.CountCases(ctx, runID)
	if err != nil {
		return fmt.Errorf("read cases of run %s: %w", runID, err)
	}
	if have < want {
		if err := putCases(ctx, store, runID, p.Suites); err != nil {
			return err
		}
	}
	if js == nil {
		return nil
	}
	type judgeLister interface {
		Judges(ctx context.Context, runID string) ([]results.JudgeSuite, error)
	}
	jl, ok := js.(judgeLister)
	if !ok {
		return nil
	}
	have2, err := jl.Judges(ctx, runID)
	if err != nil {
		return fmt.Errorf("read judges of run %s: %w", runID, err)
	}
	if recs := p.judgeRecords(); len(have2) == 0 && len(recs) > 0 {
		if err := js.PutJudges(ctx, runID, recs); err != nil {
			return err
		}
	}
	return nil
}

func resolveResume(ctx context.Context, store Store, configName, id string) (results.Run, error) {
	if id == "last" {
		run, err := store.LatestRun(ctx, configName, results.StatusInterrupted, results.StatusRunning, results.StatusFailed, results.StatusIncomplete)
		if errors.Is(err, results.ErrNotFound) {
			return run, fmt.Errorf("%w: config %q has no interrupted run", ErrNothingToResume, configName)
		}
		return run, err
	}
	run, err := store.Run(ctx, id)
	if errors.Is(err, results.ErrNotFound) {
		return run, fmt.Errorf("run %s not found in this database (see: llmbench runs list)", id)
	}
	return run, err
}

// checkResumable refuses to continue a run whose config or suites changed:
// mixing results of two different plans under one id would be dishonest.
func checkResumable(ctx context.Context, store Store, run results.Run, p *Prepared) error {
	if run.ConfigName != p.Config.Name {
		return fmt.Errorf("run %s belongs to config %q, not %q", run.ID, run.ConfigName, p.Config.Name)
	}
	if strings.TrimSpace(run.Config) != strings.TrimSpace(p.Config.Source) {
		return fmt.Errorf("the config file changed since run %s started; start a new run instead of resuming", run.ID)
	}
	stored, err := store.Suites(ctx, run.ID)
	if err != nil {
		return fmt.Errorf("read suites of run %s: %w", run.ID, err)
	}
	hashes := map[string]string{}
	for _, s := range stored {
		hashes[s.Name] = s.Hash
	}
	for _, s := range p.Suites {
		if h, ok := hashes[s.Name]; !ok || h != s.Hash {
			return fmt.Errorf("suite %s changed since run %s started; start a new run instead of resuming", s.Name, run.ID)
		}
	}
	return nil
}

// targetRecords are the run's targets as recorded: the config's targets in
// order, then a judge that only judges (so judge calls can name it).
func (p *Prepared) targetRecords() []results.Target {
	out := make([]results.Target, 0, len(p.Config.Targets)+1)
	for i := range p.Config.Targets {
		tc := &p.Config.Targets[i]
		out = append(out, targetRecord(tc, p.Simulated[tc.Name]))
	}
	if p.Judge != nil && p.Judge.record != nil {
		out = append(out, *p.Judge.record)
	}
	return out
}

func targetRecord(tc *TargetConfig, simulated bool) results.Target {
	params, _ := json.Marshal(tc.Params)
	base := tc.BaseURL
	if base == "" {
		if info, ok := providers.Lookup(tc.Provider); ok {
			base = info.DefaultBaseURL
		}
	}
	return results.Target{
		Name:      tc.Name,
		Provider:  tc.Provider,
		Model:     tc.Model,
		BaseURL:   base,
		API:       tc.API,
		Params:    string(params),
		Simulated: simulated,
	}
}

func suiteRecords(ss []*suites.Suite) []results.SuiteInfo {
	out := make([]results.SuiteInfo, 0, len(ss))
	for _, s := range ss {
		out = append(out, results.SuiteInfo{Name: s.Name, Description: s.Description, Path: s.Path, Hash: s.Hash, Scorers: s.Scorers})
	}
	return out
}

// caseRecord is c's record: its prompt as the report shows it, its
// references and images.
func caseRecord(s *suites.Suite, c *suites.Case) results.Case {
	prompt, err := s.Render(c)
	if err != nil {
		prompt = "(template error: " + err.Error() + ")"
	}
	rc := results.Case{Suite: s.Name, ID: c.ID, Prompt: prompt, References: c.References, Hash: c.Hash}
	for k, img := range c.Images {
		path := ""
		if k < len(c.ImagePaths) {
			path = c.ImagePaths[k]
		}
		rc.Images = append(rc.Images, results.Image{Path: path, MIME: img.MIME, Data: img.Data})
	}
	return rc
}

// article is "an" before a vowel sound, else "a": "an auth error".
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}
