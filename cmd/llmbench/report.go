package main

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/llmbench/llmbench/report"
	"github.com/llmbench/llmbench/results"
)

func reportCommand() *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "write the self-contained HTML report of a stored run",
		UsageText: "llmbench report [--db FILE] [--out FILE] [--run ID|last]",
		Description: `Reads a run from the database and writes one HTML file that needs no network:
per suite, each target's score with its 95% interval against the baseline (paired
comparison, "~" when the difference is noise), latency distributions, error and
refusal rates, and every answer. Model output is shown as text, never run.`,
		Flags: []cli.Flag{
			dbFlag(),
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "report.html", Usage: "write the report to `FILE`"},
			&cli.StringFlag{Name: "run", Value: "last", Usage: "run `ID` to report, or \"last\" for the newest run"},
			&cli.Float64Flag{Name: "level", Value: report.DefaultLevel, Usage: "confidence `LEVEL` of every interval and significance verdict, in (0, 1)"},
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
			id, err := resolveRunID(c, store, c.String("run"))
			if err != nil {
				return err
			}
			level := c.Float64("level")
			if level <= 0 || level >= 1 {
				return usageErrorf("--level %v is not in (0, 1); use e.g. 0.95 or 0.9", level)
			}
			data, err := report.BuildWith(c.Context, store, id, report.Options{Level: level})
			if err != nil {
				return fmt.Errorf("build report of run %s: %w", id, err)
			}
			if err := writeHTMLFile(c.String("out"), data); err != nil {
				return err
			}
			fmt.Fprintf(c.App.Writer, "report of run %s written to %s\n", id, c.String("out"))
			return nil
		},
	}
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
