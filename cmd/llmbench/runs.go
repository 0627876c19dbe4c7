package main

import (
	"errors"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/llmbench/llmbench/results"
)

func runsCommand() *cli.Command {
	return &cli.Command{
		Name:  "runs",
		Usage: "list stored runs",
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
