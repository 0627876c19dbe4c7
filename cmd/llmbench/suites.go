package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/llmbench/llmbench/suites"
)

func suitesCommand() *cli.Command {
	return &cli.Command{
		Name:  "suites",
		Usage: "list built-in suites and validate suite files",
		Subcommands: []*cli.Command{
			{
				Name:      "list",
				Usage:     "list the built-in suites and the scorers suite files can use",
				UsageText: "llmbench suites list",
				Action: func(c *cli.Context) error {
					if err := requireNoArgs(c); err != nil {
						return err
					}
					w := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
					fmt.Fprintln(w, "SUITE\tCASES\tSCORERS\tDESCRIPTION")
					for _, name := range suites.BuiltinNames() {
						s, err := suites.Builtin(name)
						if err != nil {
							return err
						}
						fmt.Fprintf(w, "%s\t%d\t%s\t%s\n", s.Name, len(s.Cases), strings.Join(s.Scorers, ","), s.Description)
					}
					w.Flush()
					fmt.Fprintf(c.App.Writer, "\nscorers: %s\n", strings.Join(suites.ScorerNames(), ", "))
					return nil
				},
			},
			{
				Name:      "validate",
				Usage:     "check suite files without running anything",
				UsageText: "llmbench suites validate PATH [PATH...]",
				Description: `Loads each suite file (and its cases and images) exactly as a run would, renders
the prompt for every case, and reports every problem with file and line.
Exits 1 when any suite has a problem.`,
				Action: func(c *cli.Context) error {
					if c.Args().Len() == 0 {
						return usageErrorf("suites validate needs at least one suite file (usage: llmbench suites validate PATH)")
					}
					bad := 0
					for _, p := range c.Args().Slice() {
						s, err := suites.Load(p)
						if err != nil {
							bad++
							fmt.Fprintf(c.App.ErrWriter, "%s\n", err)
							continue
						}
						fmt.Fprintf(c.App.Writer, "%s: ok: suite %q, %d cases, scorers %s\n", p, s.Name, len(s.Cases), strings.Join(s.Scorers, ","))
					}
					if bad > 0 {
						return fmt.Errorf("%d of %d suite files have problems", bad, c.Args().Len())
					}
					return nil
				},
			},
		},
	}
}
