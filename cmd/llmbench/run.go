package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/llmbench/llmbench/bench"
	"github.com/llmbench/llmbench/report"
	"github.com/llmbench/llmbench/results"
)

func runCommand(abort context.Context) *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "run a config's suites against its targets and store the results",
		UsageText: "llmbench run --config FILE [--db FILE] [--resume ID|last] [--wait-lock] [--tag T ...] [--dry-run] [--max-cost 5USD] [--cache]",
		Description: `Runs every case of every suite in the config against every target, concurrently
(each target's concurrency and rpm apply across all suites), scores each answer and
stores it in the database. Prints "run <ID>" first on stdout, progress on stderr,
and a summary table comparing every target with the baseline at the end.

A failed call (rate limit, server error, refusal, timeout) is stored with its error
class and the run goes on. Ctrl-C stops scheduling and saves what finished; continue
with --resume. Every result is on disk once committed, so a run killed any other way
(kill -9, a crash, a power cut of the process) is continued the same way.

One run at a time writes to a database: a second "llmbench run" on it fails with an
error naming the run in progress, or waits for it with --wait-lock. Reports and
"runs list" read while a run writes. API keys are read from environment variables,
never from the config.

--tag T asks only the cases whose "tags" include T (give it again for more tags: a
case with any of them is asked). The tags are recorded with the run's config, and
each suite is hashed over the cases asked, so a narrowed run is never compared as
the whole suite.

--dry-run loads the config and suites, contacts nothing, writes nothing, and prints
per target the calls, the estimated input tokens (OpenAI's o200k/cl100k BPE for
OpenAI models, else a heuristic: a CJK character ≈ 1 token, other text ≈ 4 bytes per
token; images by OpenAI's 512-px tile rule), the answer tokens (typical:
min(max_tokens, 256) per call; at most: max_tokens) and the estimated cost.

--max-cost 5USD (or 30CNY) stops scheduling calls once the run's projected spend
(its stored answers and judge calls plus the calls in flight, by estimate) would
pass the amount; the run ends incomplete (exit 4) with the spend in its note, and
--resume continues it. Every target, and the judge, needs a price (and exchange:
when currencies differ).

--cache answers each call from an earlier successful result of the identical request
(same provider, base URL, model, parameters and messages, images by their bytes) in
the database, if there is one: a re-run to re-score or re-report costs nothing.
Cached results keep the original's output, usage and latency, with 0 attempts.
Judge calls too: an identical judge request (same judge endpoint, model, parameters
and prompt) that gave a verdict before is not sent again.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "config", Aliases: []string{"c"}, Usage: "run config `FILE` (YAML; required)"},
			dbFlag(),
			&cli.StringFlag{Name: "resume", Usage: "continue run `ID` (or \"last\": the config's latest unfinished run), calling only what has no result yet"},
			&cli.BoolFlag{Name: "wait-lock", Usage: "if another run is writing to the database, wait for it to finish instead of failing"},
			&cli.StringSliceFlag{Name: "tag", Usage: "ask only the cases tagged `T` (repeatable: a case with any of them is asked; resume with the same tags)"},
			&cli.BoolFlag{Name: "dry-run", Usage: "print the plan (calls, estimated tokens and cost per target); contact nothing, write nothing"},
			&cli.StringFlag{Name: "max-cost", Usage: "stop scheduling calls before the run's spend passes `AMOUNT` (5USD, 30CNY); resume continues"},
			&cli.BoolFlag{Name: "cache", Usage: "reuse the stored answer to an identical earlier request instead of calling"},
		},
		Action: func(c *cli.Context) error {
			if err := requireNoArgs(c); err != nil {
				return err
			}
			if c.String("config") == "" {
				return usageErrorf("run needs --config FILE (see: llmbench run --help; to try llmbench without a config: llmbench demo)")
			}
			cfg, err := bench.LoadConfig(c.String("config"))
			if err != nil {
				return err
			}
			if cfg, err = cfg.WithTags(c.StringSlice("tag")); err != nil {
				return withCode(ExitUsage, err)
			}
			ro := runOptions{DB: c.String("db"), Resume: c.String("resume"), WaitLock: c.Bool("wait-lock"), Cache: c.Bool("cache")}
			if v := c.String("max-cost"); v != "" {
				m, err := bench.ParseMoney(v)
				if err != nil {
					return usageErrorf("--max-cost: %v", err)
				}
				ro.MaxCost = &m
			}
			if c.Bool("dry-run") {
				return dryRun(cfg, ro, c.App.Writer)
			}
			return executeRun(c.Context, abort, cfg, ro, nil, c.App.Writer, c.App.ErrWriter)
		},
	}
}

// runOptions are the run command's flags that executeRun passes on.
type runOptions struct {
	DB, Resume string
	// WaitLock waits for another run on the database instead of failing.
	WaitLock bool
	// Cache reuses stored answers to identical requests (--cache).
	Cache bool
	// MaxCost is the run's budget (--max-cost), nil for none.
	MaxCost *bench.Money
}

// executeAndSummarise runs a config and prints the run id, progress and the
// summary; shared by run and demo. It maps the run's status to exit codes.
func executeAndSummarise(ctx, abort context.Context, cfg *bench.Config, dbPath, resume string, onDone func(*results.Store, *bench.Report) error, stdout, stderr io.Writer) error {
	return executeRun(ctx, abort, cfg, runOptions{DB: dbPath, Resume: resume}, onDone, stdout, stderr)
}

// executeRun is executeAndSummarise with every run option.
func executeRun(ctx, abort context.Context, cfg *bench.Config, ro runOptions, onDone func(*results.Store, *bench.Report) error, stdout, stderr io.Writer) error {
	dbPath, resume := ro.DB, ro.Resume
	for _, k := range cfg.Unused() {
		fmt.Fprintf(stderr, "note: %s: the %q key is reserved and not used by this version\n", cfg.Path, k)
	}
	restoreGC := leanLoading()
	prep, err := bench.Prepare(cfg, os.Getenv, nil)
	restoreGC()
	if err != nil {
		return err
	}
	store, err := results.Open(dbPath)
	if err != nil {
		return err
	}
	defer store.Close()

	unbound := boundHeap()
	prog := newProgress(stderr)
	rep, err := bench.Execute(ctx, prep, store, bench.Options{
		Resume:   resume,
		Version:  harnessString(),
		Abort:    abort,
		WaitLock: ro.WaitLock,
		LockWaiting: func(holder string) {
			fmt.Fprintf(stderr, "waiting: database %s is in use by another run (%s)\n", dbPath, holder)
		},
		Started: func(run results.Run, planned int) {
			fmt.Fprintf(stdout, "run %s\n", run.ID)
			prog.start(run.ID, planned)
		},
		Progress:      prog.event,
		JudgeProgress: prog.judgeEvent,
		Cache:         ro.Cache,
		MaxCost:       ro.MaxCost,
	})
	prog.finish()
	unbound()
	prep = nil // its suites are recorded: the summary may have their memory
	defer boundHeap()()
	if err != nil {
		if errors.Is(err, bench.ErrNothingToResume) {
			return withCode(ExitUsage, err)
		}
		if errors.Is(err, results.ErrLocked) {
			return fmt.Errorf("%w; wait for it to finish, or pass --wait-lock to wait for it", err)
		}
		return err
	}
	if onDone != nil {
		if err := onDone(store, rep); err != nil {
			return err
		}
	}
	// The summary shows no drill-down rows, so none are built: a large
	// run's answers are never held in memory.
	data, err := report.BuildWith(context.WithoutCancel(ctx), store, rep.Run.ID, report.Options{SummaryOnly: true})
	if err != nil {
		return fmt.Errorf("summarise run %s: %w", rep.Run.ID, err)
	}
	fmt.Fprintln(stdout)
	if err := report.WriteText(stdout, data); err != nil {
		return err
	}
	o := rep.Outcome
	cached := ""
	if ro.Cache {
		cached = fmt.Sprintf(", %d from the cache", o.Cached)
	}
	fmt.Fprintf(stdout, "\nrun %s %s: %d results stored (%d failed calls%s), database %s\n", rep.Run.ID, rep.Run.Status, o.Stored, o.Failed, cached, dbPath)
	if j := rep.Judge; j != nil && j.Planned > 0 {
		cachedJ := ""
		if ro.Cache {
			cachedJ = fmt.Sprintf(", %d from the cache", j.Cached)
		}
		fmt.Fprintf(stdout, "judge %s: %d of %d judge calls made (%d failed%s)\n", j.Judge, j.Made, j.Planned, j.Failed, cachedJ)
	}
	if rep.Run.Note != "" {
		fmt.Fprintf(stdout, "note: %s\n", rep.Run.Note)
	}
	switch rep.Run.Status {
	case results.StatusInterrupted:
		return withCode(ExitInterrupted, fmt.Errorf("run %s interrupted; resume with: llmbench run --config %s --db %s --resume %s", rep.Run.ID, cfg.Path, dbPath, rep.Run.ID))
	case results.StatusIncomplete:
		return withCode(ExitIncomplete, fmt.Errorf("run %s incomplete: %s", rep.Run.ID, rep.Run.Note))
	}
	return nil
}

// runHeadroom is how far the heap may grow past what a run holds (its
// suites' case indexes, the plan) before the collector runs.
const runHeadroom = 32 << 20

// boundHeap sets a soft memory limit of what the process holds now plus
// runHeadroom, unless GOMEMLIMIT is set, and returns a function restoring
// the previous limit. A run holds little that grows: a suite read from a
// cases file keeps an index of it (under 100 bytes a case, about 8 MiB
// for 100,000), cases are read from the file when the plan reaches them,
// and results stream to the store. But every call makes garbage: the case
// decoded again, its images read again (up to 20 MiB each), the request
// and the answer. The bound keeps that garbage near what the run holds
// rather than letting the collector double the heap first. The limit is
// soft: past it the collector works harder (at most half the CPU),
// nothing fails.
func boundHeap() (restore func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	debug.FreeOSMemory() // collect, and give back what loading left free
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	held := ms.HeapAlloc + ms.StackInuse + ms.MSpanInuse + ms.MCacheInuse + ms.GCSys + ms.OtherSys + ms.BuckHashSys
	prev := debug.SetMemoryLimit(int64(held) + runHeadroom)
	return func() { debug.SetMemoryLimit(prev) }
}

// leanLoading has the collector run when the heap grows by a quarter
// rather than double while suites load, unless GOGC is set, and returns a
// function restoring the previous setting: checking a large cases file
// decodes every case, images and all, and keeps only its index, so
// loading is mostly garbage.
func leanLoading() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	prev := debug.SetGCPercent(25)
	return func() { debug.SetGCPercent(prev) }
}

// progress shows a bar on a terminal and plain lines otherwise (logs, CI).
type progress struct {
	w      io.Writer
	tty    bool
	mu     sync.Mutex
	bar    *progressbar.ProgressBar
	total  int
	failed int
	last   time.Time
	begin  time.Time

	judgeFailed int
	judgeLast   time.Time
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
	}
	return p
}

func (p *progress) start(runID string, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total, p.begin = total, time.Now()
	if p.tty {
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription("calls"),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("calls"),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
		return
	}
	fmt.Fprintf(p.w, "run %s: %d calls to make\n", runID, total)
}

func (p *progress) event(e bench.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !e.Result.OK() {
		p.failed++
	}
	if p.bar != nil {
		_ = p.bar.Add(1)
		return
	}
	if e.Done == e.Total || time.Since(p.last) >= 2*time.Second {
		p.last = time.Now()
		fmt.Fprintf(p.w, "progress: %d/%d calls done, %d failed, %s elapsed\n", e.Done, e.Total, p.failed, time.Since(p.begin).Round(time.Second))
	}
}

// judgeEvent reports the judge phase, which follows the answering calls:
// a plain line every 2 s and at the end (the calls bar is full by then).
func (p *progress) judgeEvent(e bench.JudgeEvent) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e.Call != nil && !e.Call.OK() {
		p.judgeFailed++
	}
	if e.Done == e.Total || time.Since(p.judgeLast) >= 2*time.Second {
		p.judgeLast = time.Now()
		prefix := ""
		if p.bar != nil {
			prefix = "\n"
		}
		fmt.Fprintf(p.w, "%sjudging: %d/%d judge calls done, %d failed\n", prefix, e.Done, e.Total, p.judgeFailed)
	}
}

func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Finish()
		fmt.Fprintln(p.w, strings.TrimSpace(fmt.Sprintf("%d calls in %s, %d failed", p.total, time.Since(p.begin).Round(100*time.Millisecond), p.failed)))
	}
}
