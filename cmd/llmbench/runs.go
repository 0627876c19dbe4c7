package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/llmbench/llmbench/report"
	"github.com/llmbench/llmbench/results"
)

func runsCommand() *cli.Command {
	return &cli.Command{
		Name:  "runs",
		Usage: "list, show, compare, delete and prune stored runs",
		Subcommands: []*cli.Command{
			{
				Name:      "list",
				Usage:     "list the runs in a database, newest first",
				UsageText: "llmbench runs list [--db FILE] [--config NAME]",
				Flags: []cli.Flag{
					dbFlag(),
					&cli.StringFlag{Name: "config", Usage: "only runs of the config named `NAME`"},
				},
				Action: func(c *cli.Context) error {
					if err := requireNoArgs(c); err != nil {
						return err
					}
					store, err := openExisting(c.String("db"))
					if err != nil {
						return err
					}
					defer store.Close()
					runs, err := store.Runs(c.Context, c.String("config"))
					if err != nil {
						return err
					}
					if len(runs) == 0 {
						fmt.Fprintf(c.App.Writer, "no runs in %s\n", c.String("db"))
						return nil
					}
					w := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
					fmt.Fprintln(w, "RUN\tCONFIG\tSTATUS\tSTARTED (UTC)\tDURATION\tRESULTS\tBASELINE")
					for _, r := range runs {
						n, err := store.CountResults(c.Context, r.ID)
						if err != nil {
							return err
						}
						dur := "-"
						if !r.Ended.IsZero() {
							dur = r.Ended.Sub(r.Started).Round(100 * time.Millisecond).String()
						}
						fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", r.ID, r.ConfigName, r.Status, r.Started.UTC().Format("2006-01-02 15:04:05"), dur, n, r.Baseline)
					}
					return w.Flush()
				},
			},
			runsShowCommand(),
			runsDiffCommand(),
			runsDeleteCommand(),
			runsPruneCommand(),
		},
	}
}

// openExisting opens a database that must already exist: reading commands
// never create an empty one by mistake.
func openExisting(path string) (*results.Store, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("database %s does not exist (run llmbench demo or llmbench run first, or pass --db)", path)
	}
	return results.Open(path)
}

// oneArg returns the command's single argument (what names it in usage).
func oneArg(c *cli.Context, what string) (string, error) {
	if c.Args().Len() != 1 {
		return "", usageErrorf("%s needs exactly one %s (see: %s --help)", c.Command.HelpName, what, c.Command.HelpName)
	}
	return c.Args().First(), nil
}

func runsShowCommand() *cli.Command {
	return &cli.Command{
		Name:      "show",
		Usage:     "show a run: metadata, targets, suites with their hashes, counts and note",
		UsageText: "llmbench runs show [--db FILE] RUN_ID",
		Flags:     []cli.Flag{dbFlag()},
		Action: func(c *cli.Context) error {
			id, err := oneArg(c, "RUN_ID")
			if err != nil {
				return err
			}
			store, err := openExisting(c.String("db"))
			if err != nil {
				return err
			}
			defer store.Close()
			return showRun(c.Context, c.App.Writer, store, id)
		},
	}
}

func showRun(ctx context.Context, w io.Writer, store *results.Store, id string) error {
	run, err := store.Run(ctx, id)
	if err != nil {
		return err
	}
	targets, err := store.Targets(ctx, id)
	if err != nil {
		return err
	}
	infos, err := store.Suites(ctx, id)
	if err != nil {
		return err
	}
	n, err := store.CountResults(ctx, id)
	if err != nil {
		return err
	}
	nc, err := store.CountCases(ctx, id)
	if err != nil {
		return err
	}
	// Per (suite, target): results and failed calls.
	type cnt struct{ n, failed int }
	counts := map[[2]string]*cnt{}
	models := map[string]map[string]bool{}
	for r, err := range store.Results(ctx, id) {
		if err != nil {
			return err
		}
		k := [2]string{r.Suite, r.Target}
		if counts[k] == nil {
			counts[k] = &cnt{}
		}
		counts[k].n++
		if !r.OK() {
			counts[k].failed++
		}
		if r.ModelReported != "" {
			if models[r.Target] == nil {
				models[r.Target] = map[string]bool{}
			}
			models[r.Target][r.ModelReported] = true
		}
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "run\t%s\n", run.ID)
	fmt.Fprintf(tw, "config\t%s\n", run.ConfigName)
	fmt.Fprintf(tw, "status\t%s\n", run.Status)
	fmt.Fprintf(tw, "started (UTC)\t%s\n", run.Started.UTC().Format(time.RFC3339))
	if !run.Ended.IsZero() {
		fmt.Fprintf(tw, "ended (UTC)\t%s (%s)\n", run.Ended.UTC().Format(time.RFC3339), run.Ended.Sub(run.Started).Round(100*time.Millisecond))
	}
	fmt.Fprintf(tw, "baseline\t%s\n", run.Baseline)
	fmt.Fprintf(tw, "harness\t%s\n", run.HarnessVersion)
	fmt.Fprintf(tw, "repeats, seed\t%d, %d\n", run.Repeats, run.Seed)
	fmt.Fprintf(tw, "cases, results\t%d, %d\n", nc, n)
	if run.Note != "" {
		fmt.Fprintf(tw, "note\t%s\n", run.Note)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\ntargets:")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tPROVIDER\tMODEL\tREPORTED MODEL\tBASE URL\tSIMULATED")
	for _, t := range targets {
		var rep []string
		for m := range models[t.Name] {
			rep = append(rep, m)
		}
		slices.Sort(rep)
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%v\n", t.Name, t.Provider, t.Model, orDash(strings.Join(rep, ", ")), orDash(t.BaseURL), t.Simulated)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nsuites:")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tHASH\tSCORERS\tPATH")
	for _, s := range infos {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", s.Name, s.Hash, strings.Join(s.Scorers, ","), orDash(s.Path))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nresults:")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  SUITE\tTARGET\tRESULTS\tFAILED")
	for _, s := range infos {
		for _, t := range targets {
			if k := counts[[2]string{s.Name, t.Name}]; k != nil {
				fmt.Fprintf(tw, "  %s\t%s\t%d\t%d\n", s.Name, t.Name, k.n, k.failed)
			}
		}
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func runsDiffCommand() *cli.Command {
	return &cli.Command{
		Name:      "diff",
		Usage:     "compare run B with an earlier run A as nightly does; exit 3 when B regressed",
		UsageText: "llmbench runs diff [--db FILE] [--json] [threshold flags] A B",
		Description: `Compares run B with run A on the cases both share with the same content, by
the same rules as "llmbench nightly" (see its help), and prints the summary as
Markdown (or summary.json with --json). Exits 3 when B regressed against A.`,
		Flags: append([]cli.Flag{dbFlag(), &cli.BoolFlag{Name: "json", Usage: "print summary.json instead of Markdown"}}, thresholdFlags()...),
		Action: func(c *cli.Context) error {
			if c.Args().Len() != 2 {
				return usageErrorf("runs diff needs two run IDs, the earlier first (see: llmbench runs diff --help)")
			}
			th := thresholdsFrom(c)
			if _, err := th.WithDefaults(); err != nil {
				return withCode(ExitUsage, err)
			}
			store, err := openExisting(c.String("db"))
			if err != nil {
				return err
			}
			defer store.Close()
			a, b := c.Args().Get(0), c.Args().Get(1)
			diff, err := report.Diff(c.Context, store, a, b, th)
			if err != nil {
				return err
			}
			sum := report.NewSummary(diff, nil)
			if c.Bool("json") {
				err = report.WriteSummaryJSON(c.App.Writer, sum)
			} else {
				err = report.WriteSummaryMarkdown(c.App.Writer, sum)
			}
			if err != nil {
				return err
			}
			if n := diff.Regressions(); n > 0 {
				return withCode(ExitRegression, fmt.Errorf("run %s regressed against run %s in %d (suite, target) cells", b, a, n))
			}
			return nil
		},
	}
}

func runsDeleteCommand() *cli.Command {
	return &cli.Command{
		Name:      "delete",
		Usage:     "delete a run and everything recorded for it",
		UsageText: "llmbench runs delete [--db FILE] RUN_ID",
		Description: `Deletes the run with its targets, suites, cases, results and scores. A run that
is still running is refused while another process holds the database's run lock.`,
		Flags: []cli.Flag{dbFlag()},
		Action: func(c *cli.Context) error {
			id, err := oneArg(c, "RUN_ID")
			if err != nil {
				return err
			}
			store, err := openExisting(c.String("db"))
			if err != nil {
				return err
			}
			defer store.Close()
			run, err := store.Run(c.Context, id)
			if err != nil {
				return err
			}
			if run.Status == results.StatusRunning {
				// A run left "running" by a crash may be deleted; one that
				// another process is writing may not: its lock says which.
				lock, err := store.Lock(c.Context, results.LockOptions{})
				if err != nil {
					return fmt.Errorf("run %s is running: %w", id, err)
				}
				defer lock.Unlock()
			}
			if err := store.DeleteRun(c.Context, id); err != nil {
				return err
			}
			fmt.Fprintf(c.App.Writer, "deleted run %s (%s, %s)\n", id, run.ConfigName, run.Status)
			return nil
		},
	}
}

func runsPruneCommand() *cli.Command {
	return &cli.Command{
		Name:      "prune",
		Usage:     "keep the newest N completed runs of each config, delete older completed runs",
		UsageText: "llmbench runs prune --keep N [--db FILE] [--config NAME]",
		Description: `Deletes completed runs beyond the newest --keep of each config (or of --config
only). Running, interrupted, failed and incomplete runs are never pruned (delete
them with "runs delete").`,
		Flags: []cli.Flag{
			dbFlag(),
			&cli.IntFlag{Name: "keep", Value: -1, Usage: "completed runs to keep per config (`N`, required)"},
			&cli.StringFlag{Name: "config", Usage: "prune only the config named `NAME`"},
		},
		Action: func(c *cli.Context) error {
			if err := requireNoArgs(c); err != nil {
				return err
			}
			if c.Int("keep") < 0 {
				return usageErrorf("runs prune needs --keep N (N ≥ 0)")
			}
			store, err := openExisting(c.String("db"))
			if err != nil {
				return err
			}
			defer store.Close()
			deleted, err := store.PruneRuns(c.Context, c.String("config"), c.Int("keep"))
			for _, id := range deleted {
				fmt.Fprintf(c.App.Writer, "deleted run %s\n", id)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(c.App.Writer, "pruned %d runs\n", len(deleted))
			return nil
		},
	}
}
