package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/llmbench/llmbench/bench"
)

func rescoreCommand() *cli.Command {
	return &cli.Command{
		Name:      "rescore",
		Usage:     "recompute a stored run's scores with the current scorers, calling no provider",
		UsageText: "llmbench rescore [--db FILE] --run ID|last [--config-dir DIR]",
		Description: `Scores every answered result of a stored run again with this version's scorers
(after a scorer fix, say) without calling any model. Old scores are kept beside
the new ones, each with its scorer version; reports show the newest. The run's
suites are loaded again (built-in ones, or files relative to --config-dir) and
must be unchanged since the run, or nothing is rescored.`,
		Flags: []cli.Flag{
			dbFlag(),
			&cli.StringFlag{Name: "run", Value: "last", Usage: "run `ID`, or \"last\" for the newest run"},
			&cli.StringFlag{Name: "config-dir", Value: ".", Usage: "`DIR` the run's config lived in (suite paths are relative to it)"},
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
			rep, err := bench.Rescore(c.Context, store, id, c.String("config-dir"))
			if err != nil {
				return err
			}
			fmt.Fprintf(c.App.Writer, "run %s: rescored %d results in %s; old scores kept\n", id, rep.Rescored, strings.Join(rep.Suites, ", "))
			return nil
		},
	}
}
