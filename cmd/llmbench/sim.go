package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/llmbench/llmbench/providers/sim"
)

func simCommand() *cli.Command {
	return &cli.Command{
		Name:      "sim",
		Usage:     "serve simulated models on an OpenAI-compatible endpoint (127.0.0.1 only)",
		UsageText: "llmbench sim [--addr 127.0.0.1:8089] [--seed N] [--faults storm|none]",
		Description: `Serves SIMULATED models with their own latency, error (429 with Retry-After, 5xx,
content-filter refusals) and quality profiles at http://ADDR/v1, speaking OpenAI's
Chat Completions wire format. Point a target at it with provider: sim (or
provider: openai and base_url: http://ADDR/v1). It answers the built-in suites
right or wrong as each model's accuracy says, deterministically from the seed.
Runs until Ctrl-C. It only listens on loopback.

--faults storm adds every fault the simulator can inject, per attempt: 429s,
5xx, connection resets, truncated bodies, invalid JSON, oversized bodies, a
slow first byte and stalls mid-body that last until the client gives up. Use
it to check that a harness bounds its retries and detects stalls. --faults
none serves the same models without any 429, 5xx or broken body.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:8089", Usage: "listen on `HOST:PORT` (loopback only)"},
			&cli.Int64Flag{Name: "seed", Value: 1, Usage: "the same seed gives the same answers"},
			&cli.StringFlag{Name: "faults", Usage: "fault preset `NAME`: " + strings.Join(sim.FaultPresets(), " or ") + " (default: the models' own 429 and 5xx rates)"},
		},
		Action: func(c *cli.Context) error {
			if err := requireNoArgs(c); err != nil {
				return err
			}
			models, err := sim.WithFaults(sim.DefaultModels(), c.String("faults"))
			if err != nil {
				return usageErrorf("--faults: %v", err)
			}
			answers, err := simAnswers()
			if err != nil {
				return fmt.Errorf("load built-in suites: %w", err)
			}
			srv := sim.NewServer(sim.Options{Models: models, Seed: c.Int64("seed"), Answers: answers})
			url, err := srv.Start(c.String("addr"))
			if err != nil {
				return fmt.Errorf("start simulator: %w", err)
			}
			defer srv.Close()
			w := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
			fmt.Fprintf(w, "simulator listening on %s (press Ctrl-C to stop)\n\nMODEL (SIMULATED)\tACCURACY\tTTFT\tTOKENS/S\tREFUSALS\tFAULTS PER ATTEMPT\n", url)
			for _, m := range models {
				fmt.Fprintf(w, "%s\t%.0f%%\t%s\t%.0f\t%.1f%%\t%s\n", m.Name, 100*m.Accuracy, m.TTFT, m.TokensPerSec, 100*m.RefusalRate, m.FaultSummary())
			}
			w.Flush()
			<-c.Context.Done()
			fmt.Fprintln(c.App.ErrWriter, "simulator stopped")
			return nil
		},
	}
}
