package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/llmbench/llmbench/bench"
	"github.com/llmbench/llmbench/report"
	"github.com/llmbench/llmbench/results"
)

// thresholdFlags are the regression thresholds nightly and runs diff take.
func thresholdFlags() []cli.Flag {
	d := report.DefaultThresholds()
	return []cli.Flag{
		&cli.Float64Flag{Name: "level", Value: d.Level, Usage: "family-wise confidence `LEVEL` of the score and rate tests (Holm-Bonferroni across the run's comparisons)"},
		&cli.Float64Flag{Name: "min-pass-drop", Value: d.MinPassDrop, Usage: "least drop in a pass rate that is a regression, as a `FRACTION` (0.02 = 2 pp)"},
		&cli.Float64Flag{Name: "min-score-drop", Value: d.MinScoreDrop, Usage: "least drop in a continuous score that is a regression, as a `FRACTION` of the scorer's range (0.02 = 0.02 on [0,1], 2 BLEU points)"},
		&cli.Float64Flag{Name: "p50-ratio", Value: d.P50Ratio, Usage: "median latency growth `FACTOR` above which it is a regression"},
		&cli.Float64Flag{Name: "p95-ratio", Value: d.P95Ratio, Usage: "95th-percentile latency growth `FACTOR` above which it is a regression"},
		&cli.DurationFlag{Name: "min-latency-rise", Value: d.MinLatencyRise, Usage: "least growth of a latency percentile, in `TIME`, that is a regression (a busy machine slows tiny latencies by large factors)"},
		&cli.IntFlag{Name: "min-latency-n", Value: d.MinLatencyN, Usage: "least successful calls on each side (`N`) for the latency checks"},
		&cli.Float64Flag{Name: "min-rate-rise", Value: d.MinRateRise, Usage: "least rise in the error or refusal rate that is a regression, as a `FRACTION` (0.05 = 5 pp)"},
	}
}

func thresholdsFrom(c *cli.Context) report.Thresholds {
	return report.Thresholds{
		Level: c.Float64("level"), MinPassDrop: c.Float64("min-pass-drop"), MinScoreDrop: c.Float64("min-score-drop"),
		P50Ratio: c.Float64("p50-ratio"), P95Ratio: c.Float64("p95-ratio"), MinLatencyRise: c.Duration("min-latency-rise"), MinLatencyN: c.Int("min-latency-n"), MinRateRise: c.Float64("min-rate-rise"),
	}
}

func nightlyCommand(abort context.Context) *cli.Command {
	return &cli.Command{
		Name:      "nightly",
		Usage:     "run a config unattended, compare with its previous run, write CI outputs and exit 3 on a regression",
		UsageText: "llmbench nightly --config FILE [--db FILE] [--out DIR] [--notify URL] [threshold flags]",
		Description: `Continues the config's most recent unfinished run if there is one (as
"run --resume last" does), else starts a new run. Then writes into --out:
report.html, summary.md, summary.json and junit.xml, comparing the run with the
previous completed run of the same config (its "name:").

A (suite, target) regresses when, on the cases both runs share with the same
content: its score dropped significantly (paired test, Holm-Bonferroni across
the night's comparisons, the drop's paired bootstrap interval at the adjusted
level below zero) by at least --min-pass-drop / --min-score-drop; or its p50
latency grew more than --p50-ratio times or p95 more than --p95-ratio times
and by at least --min-latency-rise (at least --min-latency-n calls each); or
its error or refusal rate rose by at least --min-rate-rise, significantly
(exact McNemar, Holm). Each regression
lists the cases that flipped. A change in the model name a provider reports is
said next to it. Being worse than the baseline is reported, never a regression.

--notify URL POSTs summary.json (application/json); a failed notification is a
warning, not a failed night.

The config may hold these settings in a nightly: section (keys level,
min_pass_drop, min_score_drop, p50_ratio, p95_ratio, min_latency_rise,
min_latency_n, min_rate_rise, out (relative to the config file) and notify);
a flag given on the command line wins over it.

Exit codes: 0 no regression (also the first night: nothing to compare with),
3 regression, 1 failed, 4 incomplete, 130 interrupted.`,
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "config", Aliases: []string{"c"}, Usage: "run config `FILE` (YAML; required)"},
			dbFlag(),
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: ".", Usage: "`DIR` for report.html, summary.md, summary.json and junit.xml"},
			&cli.StringFlag{Name: "notify", Usage: "POST summary.json to `URL` when done"},
			&cli.BoolFlag{Name: "wait-lock", Usage: "if another run is writing to the database, wait for it instead of failing"},
		}, thresholdFlags()...),
		Action: func(c *cli.Context) error {
			if err := requireNoArgs(c); err != nil {
				return err
			}
			if c.String("config") == "" {
				return usageErrorf("nightly needs --config FILE (see: llmbench nightly --help)")
			}
			cfg, err := bench.LoadConfig(c.String("config"))
			if err != nil {
				return err
			}
			o := nightlyOptions{DB: c.String("db"), Out: c.String("out"), Notify: c.String("notify"), WaitLock: c.Bool("wait-lock"), Thresholds: thresholdsFrom(c)}
			applyNightlyConfig(c, cfg, &o)
			return runNightly(c.Context, abort, cfg, o, c.App.Writer, c.App.ErrWriter)
		},
	}
}

// applyNightlyConfig takes what the config's nightly: section sets for
// every flag not given on the command line.
func applyNightlyConfig(c *cli.Context, cfg *bench.Config, o *nightlyOptions) {
	n := cfg.Nightly
	if n == nil {
		return
	}
	t := &o.Thresholds
	for _, f := range []struct {
		flag string
		v    float64
		dst  *float64
	}{
		{"level", n.Level, &t.Level}, {"min-pass-drop", n.MinPassDrop, &t.MinPassDrop}, {"min-score-drop", n.MinScoreDrop, &t.MinScoreDrop},
		{"p50-ratio", n.P50Ratio, &t.P50Ratio}, {"p95-ratio", n.P95Ratio, &t.P95Ratio}, {"min-rate-rise", n.MinRateRise, &t.MinRateRise},
	} {
		if f.v != 0 && !c.IsSet(f.flag) {
			*f.dst = f.v
		}
	}
	if n.MinLatencyRise != "" && !c.IsSet("min-latency-rise") {
		t.MinLatencyRise = n.LatencyRise
	}
	if n.MinLatencyN != 0 && !c.IsSet("min-latency-n") {
		t.MinLatencyN = n.MinLatencyN
	}
	if out := cfg.NightlyOut(); out != "" && !c.IsSet("out") {
		o.Out = out
	}
	if n.Notify != "" && !c.IsSet("notify") {
		o.Notify = n.Notify
	}
}

// nightlyOptions are the nightly command's flags.
type nightlyOptions struct {
	DB, Out, Notify string
	WaitLock        bool
	Thresholds      report.Thresholds
}

// runNightly resumes or starts the config's run, writes the outputs and
// maps the verdict to the exit code.
func runNightly(ctx, abort context.Context, cfg *bench.Config, o nightlyOptions, stdout, stderr io.Writer) error {
	if _, err := o.Thresholds.WithDefaults(); err != nil {
		return withCode(ExitUsage, err)
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	var sum *report.Summary
	onDone := func(store *results.Store, rep *bench.Report) error {
		s, err := writeNightly(context.WithoutCancel(ctx), store, rep.Run, o, stdout, stderr)
		sum = s
		return err
	}
	resume, err := nightlyResume(ctx, cfg, o.DB, stderr)
	if err != nil {
		return err
	}
	ro := runOptions{DB: o.DB, Resume: resume, WaitLock: o.WaitLock}
	err = executeRun(ctx, abort, cfg, ro, onDone, stdout, stderr)
	if resume != "" && errors.Is(err, bench.ErrNothingToResume) {
		ro.Resume = ""
		err = executeRun(ctx, abort, cfg, ro, onDone, stdout, stderr)
	}
	if err != nil {
		return err
	}
	if sum != nil && sum.Verdict == report.VerdictRegression {
		return withCode(ExitRegression, fmt.Errorf("%s (see %s)", sum.Message, filepath.Join(o.Out, "summary.md")))
	}
	return nil
}

// nightlyResume chooses what to resume: "last" (the config's most recent
// unfinished run), unless that run's config text differs from the file's
// (it could not be resumed), in which case a new run starts.
func nightlyResume(ctx context.Context, cfg *bench.Config, dbPath string, stderr io.Writer) (string, error) {
	if _, err := os.Stat(dbPath); errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	store, err := results.Open(dbPath)
	if err != nil {
		return "", err
	}
	defer store.Close()
	run, err := store.LatestRun(ctx, cfg.Name, results.StatusInterrupted, results.StatusRunning, results.StatusFailed, results.StatusIncomplete)
	if errors.Is(err, results.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(run.Config) != strings.TrimSpace(cfg.Source) {
		fmt.Fprintf(stderr, "note: run %s of config %q is unfinished but the config changed since; starting a new run\n", run.ID, cfg.Name)
		return "", nil
	}
	fmt.Fprintf(stderr, "resuming unfinished run %s (%s)\n", run.ID, run.Status)
	return "last", nil
}

// previousCompleted is the newest completed run of run's config started
// before it ("" when there is none).
func previousCompleted(ctx context.Context, store *results.Store, run results.Run) (string, error) {
	runs, err := store.Runs(ctx, run.ConfigName)
	if err != nil {
		return "", err
	}
	seen := false
	for _, r := range runs {
		if r.ID == run.ID {
			seen = true
			continue
		}
		// Runs are newest first; a run listed before this one started
		// after it, unless it started at the same instant.
		if r.Status == results.StatusCompleted && (seen || r.Started.Before(run.Started)) {
			return r.ID, nil
		}
	}
	return "", nil
}

// writeNightly compares the run with the previous completed one and writes
// the four outputs, then notifies.
func writeNightly(ctx context.Context, store *results.Store, run results.Run, o nightlyOptions, stdout, stderr io.Writer) (*report.Summary, error) {
	prev := ""
	if run.Status == results.StatusCompleted {
		var err error
		if prev, err = previousCompleted(ctx, store, run); err != nil {
			return nil, err
		}
	}
	diff, err := report.Diff(ctx, store, prev, run.ID, o.Thresholds)
	if err != nil {
		return nil, fmt.Errorf("compare run %s: %w", run.ID, err)
	}
	data, err := report.Build(ctx, store, run.ID)
	if err != nil {
		return nil, fmt.Errorf("build report: %w", err)
	}
	sum := report.NewSummary(diff, data)
	if err := writeHTMLFile(filepath.Join(o.Out, "report.html"), data); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name  string
		write func(io.Writer, *report.Summary) error
	}{
		{"summary.json", report.WriteSummaryJSON},
		{"summary.md", report.WriteSummaryMarkdown},
		{"junit.xml", report.WriteJUnit},
	} {
		var b bytes.Buffer
		if err := f.write(&b, sum); err != nil {
			return nil, fmt.Errorf("write %s: %w", f.name, err)
		}
		if err := writeFileAtomic(filepath.Join(o.Out, f.name), b.Bytes()); err != nil {
			return nil, err
		}
	}
	printVerdict(stdout, sum, o.Out)
	if o.Notify != "" {
		if err := notify(ctx, o.Notify, sum); err != nil {
			fmt.Fprintf(stderr, "warning: notify %s: %v\n", o.Notify, err)
		}
	}
	return sum, nil
}

// printVerdict says the night's outcome in a few lines.
func printVerdict(w io.Writer, s *report.Summary, out string) {
	fmt.Fprintf(w, "\nnightly %s: %s\n", s.Verdict, s.Message)
	for _, m := range s.ModelChanges {
		fmt.Fprintf(w, "  model changed: %s now reports %s (was %s)\n", m.Target, m.After, m.Before)
	}
	for _, c := range s.Cells {
		if !c.Regressed {
			continue
		}
		for _, f := range c.Findings {
			if f.Kind != report.FindScoreRise {
				fmt.Fprintf(w, "  REGRESSION %s × %s: %s\n", c.Target, c.Suite, f.Message)
			}
		}
		if n := len(c.Flipped); n > 0 {
			ids := make([]string, 0, min(n, 10))
			for _, f := range c.Flipped[:min(n, 10)] {
				ids = append(ids, f.Case)
			}
			more := ""
			if n > 10 {
				more = fmt.Sprintf(", … (%d in all)", n)
			}
			fmt.Fprintf(w, "    flipped cases: %s%s\n", strings.Join(ids, ", "), more)
		}
	}
	for _, v := range s.VsBaseline {
		fmt.Fprintf(w, "  worse than baseline %s (not a regression): %s × %s %s\n", v.Baseline, v.Target, v.Suite, v.Text)
	}
	fmt.Fprintf(w, "wrote report.html, summary.md, summary.json, junit.xml in %s\n", out)
}

// notifyTimeout bounds the webhook call.
const notifyTimeout = 30 * time.Second

// notify POSTs summary.json to url.
func notify(ctx context.Context, url string, s *report.Summary) error {
	var b bytes.Buffer
	if err := report.WriteSummaryJSON(&b, s); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, notifyTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, &b)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "llmbench/"+version)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("server answered %s", resp.Status)
	}
	return nil
}

// writeFileAtomic writes data to path through a temporary file and a
// rename, so a reader never sees half a file.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
