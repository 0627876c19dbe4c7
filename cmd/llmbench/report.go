package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/llmbench/llmbench/bench"
	"github.com/llmbench/llmbench/report"
	"github.com/llmbench/llmbench/results"
)

func reportCommand() *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "write the report of a stored run: HTML, Markdown, JSON, CSV or text",
		UsageText: "llmbench report [--db FILE] [--run ID|last] [--format html|md|json|csv|text] [--out FILE|-] [--previous ID|auto|none] [--prices FILE]",
		Description: `Reads a run from the database and writes its report. The HTML report is one file
that needs no network: per suite, each target's score with its 95% interval against
the baseline (paired comparison, "~" when the difference is noise), latency
distributions, cost, quality against cost and latency with the Pareto front, the
trend over the config's earlier runs, error and refusal rates, and every answer.
Model output is shown as text, never run.

--format md writes a table per suite to paste in a pull request or chat, json every
aggregate in a stable schema (llmbench.report/v1), csv one row per suite and target,
text the terminal summary. Without --out, HTML goes to report.html and every other
format to standard output.

Costs use the built-in price table, replaced per model by the prices:, exchange:
and quotas: of the run's config, then of --prices FILE (same keys; a config file
will do). --previous picks the run the "changed since" marks compare with.`,
		Flags: []cli.Flag{
			dbFlag(),
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "write the report to `FILE` (\"-\": standard output; default report.html for html, standard output otherwise)"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "html", Usage: "`FORMAT` of the report: " + strings.Join(report.Formats, ", ")},
			&cli.StringFlag{Name: "run", Value: "last", Usage: "run `ID` to report, or \"last\" for the newest run"},
			&cli.Float64Flag{Name: "level", Value: report.DefaultLevel, Usage: "confidence `LEVEL` of every interval and significance verdict, in (0, 1)"},
			&cli.StringFlag{Name: "previous", Value: report.PreviousAuto, Usage: "run `ID` whose answers the changed-since marks compare with: auto (the newest completed run of the same config before this one) or none"},
			&cli.StringFlag{Name: "prices", Usage: "YAML `FILE` with prices:, exchange: and quotas: applied over the run's config (a config file will do)"},
		},
		Action: func(c *cli.Context) error {
			if err := requireNoArgs(c); err != nil {
				return err
			}
			format := c.String("format")
			if !slices.Contains(report.Formats, format) {
				return usageErrorf("--format %q is not one of %s", format, strings.Join(report.Formats, ", "))
			}
			level := c.Float64("level")
			if level <= 0 || level >= 1 {
				return usageErrorf("--level %v is not in (0, 1); use e.g. 0.95 or 0.9", level)
			}
			// Only the HTML report shows the drill-down rows; the other
			// formats are the same without them, and far lighter to build.
			opts := report.Options{Level: level, Previous: c.String("previous"), SummaryOnly: format != "html"}
			if opts.Previous == "" {
				return usageErrorf("--previous is empty: give a run ID, auto or none")
			}
			if path := c.String("prices"); path != "" {
				data, err := os.ReadFile(path)
				if err != nil {
					return fmt.Errorf("read prices: %w", err)
				}
				p, err := bench.ParsePricing(path, data)
				if err != nil {
					return err
				}
				opts.Pricing, opts.PricingFrom = &p, filepath.Base(path)
			}
			store, err := openExisting(c.String("db"))
			if err != nil {
				return err
			}
			defer store.Close()
			id, err := resolveRunID(c, store, c.String("run"))
			if err != nil {
				return err
			}
			if prev := opts.Previous; prev != report.PreviousAuto && prev != report.PreviousNone {
				if _, err := store.Run(c.Context, prev); errors.Is(err, results.ErrNotFound) {
					return fmt.Errorf("--previous: run %s not found in %s (see: llmbench runs list --db %s)", prev, c.String("db"), c.String("db"))
				}
			}
			data, err := report.BuildWith(c.Context, store, id, opts)
			if err != nil {
				return fmt.Errorf("build report of run %s: %w", id, err)
			}
			out := c.String("out")
			if !c.IsSet("out") {
				out = "-"
				if format == "html" {
					out = "report.html"
				}
			}
			if out == "-" {
				return report.Write(c.App.Writer, data, format)
			}
			if err := writeReportFile(out, format, data); err != nil {
				return err
			}
			fmt.Fprintf(c.App.Writer, "report of run %s written to %s\n", id, out)
			return nil
		},
	}
}

// writeReportFile writes the report atomically: a reader never sees half a
// file.
func writeReportFile(path, format string, d *report.Data) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".report-*")
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	defer os.Remove(f.Name())
	if err := report.Write(f, d, format); err != nil {
		f.Close()
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	return nil
}

// resolveRunID turns "last" into the newest run's id and checks a given id exists.
func resolveRunID(c *cli.Context, store *results.Store, id string) (string, error) {
	if id == "" || id == "last" {
		run, err := store.LatestRun(c.Context, "")
		if errors.Is(err, results.ErrNotFound) {
			return "", fmt.Errorf("database %s holds no runs yet (run: llmbench run --config FILE)", c.String("db"))
		}
		if err != nil {
			return "", err
		}
		return run.ID, nil
	}
	if _, err := store.Run(c.Context, id); err != nil {
		if errors.Is(err, results.ErrNotFound) {
			return "", fmt.Errorf("run %s not found in %s (see: llmbench runs list --db %s)", id, c.String("db"), c.String("db"))
		}
		return "", err
	}
	return id, nil
}
