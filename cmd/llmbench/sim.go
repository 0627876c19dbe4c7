package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/llmbench/llmbench/providers/sim"
)

func simCommand() *cli.Command {
	return &cli.Command{
		Name:      "sim",
		Usage:     "serve simulated models on an OpenAI-compatible endpoint (127.0.0.1 only)",
		UsageText: "llmbench sim [--addr 127.0.0.1:8089] [--seed N]",
		Description: `Serves SIMULATED models with their own latency, error (429 with Retry-After, 5xx,
content-filter refusals) and quality profiles at http://ADDR/v1, speaking OpenAI's
Chat Completions wire format. Point a target at it with provider: sim (or
provider: openai and base_url: http://ADDR/v1). It answers the built-in suites
right or wrong as each model's accuracy says, deterministically from the seed.
Runs until Ctrl-C. It only listens on loopback.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:8089", Usage: "listen on `HOST:PORT` (loopback only)"},
			&cli.Int64Flag{Name: "seed", Value: 1, Usage: "the same seed gives the same answers"},
		},
		Action: func(c *cli.Context) error {
			if err := requireNoArgs(c); err != nil {
				return err
			}
			srv, url, err := startSim(c.String("addr"), c.Int64("seed"))
			if err != nil {
				return err
			}
			defer srv.Close()
			w := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
			fmt.Fprintf(w, "simulator listening on %s (press Ctrl-C to stop)\n\nMODEL (SIMULATED)\tACCURACY\tTTFT\tTOKENS/S\t429 RATE\t5XX RATE\tREFUSALS\n", url)
			for _, m := range sim.DefaultModels() {
				fmt.Fprintf(w, "%s\t%.0f%%\t%s\t%.0f\t%.1f%%\t%.1f%%\t%.1f%%\n", m.Name, 100*m.Accuracy, m.TTFT, m.TokensPerSec, 100*m.RateLimitRate, 100*m.ServerErrorRate, 100*m.RefusalRate)
			}
			w.Flush()
			<-c.Context.Done()
			fmt.Fprintln(c.App.ErrWriter, "simulator stopped")
			return nil
		},
	}
}
