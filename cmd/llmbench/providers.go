package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/llmbench/llmbench/providers"
)

func providersCommand() *cli.Command {
	return &cli.Command{
		Name:  "providers",
		Usage: "list the providers a target can use",
		Subcommands: []*cli.Command{
			{
				Name:      "list",
				Usage:     "list providers with their default endpoint and key variable",
				UsageText: "llmbench providers list",
				Action: func(c *cli.Context) error {
					if err := requireNoArgs(c); err != nil {
						return err
					}
					w := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
					fmt.Fprintln(w, "PROVIDER\tKEY VARIABLE\tDEFAULT BASE URL\tDESCRIPTION")
					for _, p := range providers.List() {
						key := p.KeyEnv
						if key == "" {
							key = "(none)"
						}
						desc := p.Description
						if p.Simulated {
							desc = "SIMULATED: " + desc
						}
						fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", p.Name, key, p.DefaultBaseURL, desc)
					}
					return w.Flush()
				},
			},
		},
	}
}
