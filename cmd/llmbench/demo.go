package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/llmbench/llmbench/bench"
	"github.com/llmbench/llmbench/providers/sim"
	"github.com/llmbench/llmbench/report"
	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

func demoCommand(abort context.Context) *cli.Command {
	return &cli.Command{
		Name:      "demo",
		Usage:     "run the built-in suites against simulated targets, offline, and write a report",
		UsageText: "llmbench demo [--db FILE] [--out FILE] [--seed N]",
		Description: `Starts the built-in simulator on 127.0.0.1, runs the three built-in suites
(reasoning, summarisation, vision) against five SIMULATED targets through the
real OpenAI adapter over HTTP (the simulated GPT-4o is the baseline), stores the
results in a SQLite database, writes an HTML report and prints a summary.
Nothing leaves this machine and no API key is needed. Every simulated target's
name ends in "-sim", and the report says "simulated" on every page.`,
		Flags: []cli.Flag{
			dbFlag(),
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "report.html", Usage: "write the HTML report to `FILE`"},
			&cli.Int64Flag{Name: "seed", Value: 1, Usage: "simulator seed: the same seed gives the same answers"},
		},
		Action: func(c *cli.Context) error {
			if err := requireNoArgs(c); err != nil {
				return err
			}
			return runDemo(c.Context, abort, c.String("db"), c.String("out"), c.Int64("seed"), c)
		},
	}
}

// simAnswers maps every built-in case's prompt to its first reference, so
// the simulator can answer right or wrong as its models' accuracy says.
func simAnswers() (map[string]string, error) {
	answers := map[string]string{}
	for _, name := range suites.BuiltinNames() {
		s, err := suites.Builtin(name)
		if err != nil {
			return nil, err
		}
		for c, err := range s.All() {
			if err != nil {
				return nil, err
			}
			prompt, err := s.Render(c)
			if err != nil {
				return nil, err
			}
			if len(c.References) > 0 {
				answers[sim.PromptKey(prompt)] = c.References[0]
			}
		}
	}
	return answers, nil
}

func startSim(addr string, seed int64) (*sim.Server, string, error) {
	answers, err := simAnswers()
	if err != nil {
		return nil, "", fmt.Errorf("load built-in suites: %w", err)
	}
	srv := sim.NewServer(sim.Options{Models: sim.DefaultModels(), Seed: seed, Answers: answers})
	url, err := srv.Start(addr)
	if err != nil {
		return nil, "", fmt.Errorf("start simulator: %w", err)
	}
	return srv, url, nil
}

// demoConfig is the config the demo runs, written out as YAML so the run
// records it like any other.
func demoConfig(baseURL string, seed int64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# llmbench demo: every target is SIMULATED by the built-in simulator.\nname: demo\nbaseline: gpt-4o-sim\nseed: %d\ntargets:\n", seed)
	for _, m := range sim.DefaultModels() {
		fmt.Fprintf(&b, "  - name: %s\n    provider: sim\n    model: %s\n    base_url: %s\n    concurrency: 8\n    params: {temperature: 0, max_tokens: 512}\n", m.Name, m.Name, baseURL)
	}
	b.WriteString("  # The classic no-model reference point for summaries: the article's first sentence.\n")
	b.WriteString("  - name: lead-1\n    provider: lead\n    model: lead-1\n    suites: [summarisation]\n")
	b.WriteString("suites: [reasoning, summarisation, vision]\n")
	// Prices: each simulated model is charged its real counterpart's list
	// price (from the built-in table), so the demo's cost views show
	// something; the exchange rate is illustrative.
	b.WriteString(`prices:
  - {model: gpt-4o-sim, input: 2.50, output: 10.00, currency: USD, date: 2026-05-27, source: "demo: GPT-4o list price applied to its simulated stand-in"}
  - {model: sensenova-5.5-sim, input: 40, output: 100, currency: CNY, date: 2025-04, source: "demo: SenseChat-5 list price applied to its simulated stand-in"}
  - {model: ernie-4.0-sim, input: 30, output: 90, currency: CNY, date: 2025-03, source: "demo: ERNIE-4.0-8K list price applied to its simulated stand-in"}
  - {model: glm-4-sim, input: 5, output: 5, currency: CNY, date: 2026-01, source: "demo: glm-4-plus list price applied to its simulated stand-in"}
  - {model: hunyuan-pro-sim, input: 2.4, output: 9.6, currency: CNY, date: 2025-04, source: "demo: hunyuan-turbo-latest list price applied to its simulated stand-in"}
  - {model: lead-1, input: 0, output: 0, currency: USD, date: 2026-11-29, source: "no model, no cost"}
exchange: {USD_CNY: 7.1, date: 2026-11-29, source: "demo: illustrative rate, not a quote"}
quotas:
  - {target: ernie-4.0-sim, tokens: 20000, note: "demo: a free-token promotion"}
`)
	return b.String()
}

func runDemo(ctx, abort context.Context, dbPath, outPath string, seed int64, c *cli.Context) error {
	stdout, stderr := c.App.Writer, c.App.ErrWriter
	srv, url, err := startSim("127.0.0.1:0", seed)
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Fprintf(stderr, "simulator listening on %s (SIMULATED models: %s)\n", url, strings.Join(simModelNames(), ", "))
	cfg, err := bench.ParseConfig("demo.yaml", []byte(demoConfig(url, seed)))
	if err != nil {
		return err
	}
	begin := time.Now()
	writeReport := func(store *results.Store, rep *bench.Report) error {
		data, err := report.Build(context.WithoutCancel(ctx), store, rep.Run.ID)
		if err != nil {
			return fmt.Errorf("build report: %w", err)
		}
		if err := writeHTMLFile(outPath, data); err != nil {
			return err
		}
		return nil
	}
	err = executeAndSummarise(ctx, abort, cfg, dbPath, "", writeReport, stdout, stderr)
	if err != nil {
		return err
	}
	absDB, _ := filepath.Abs(dbPath)
	absOut, _ := filepath.Abs(outPath)
	fmt.Fprintf(stdout, "\ndemo finished in %s (all targets SIMULATED)\n  database: %s\n  report:   %s\n", time.Since(begin).Round(100*time.Millisecond), absDB, absOut)
	fmt.Fprintf(stdout, "next: open the report in a browser, or list runs with: llmbench runs list --db %s\n", dbPath)
	return nil
}

func simModelNames() []string {
	var out []string
	for _, m := range sim.DefaultModels() {
		out = append(out, m.Name)
	}
	return out
}

// writeHTMLFile writes the report atomically: a reader never sees half a file.
func writeHTMLFile(path string, d *report.Data) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".report-*.html")
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	defer os.Remove(f.Name())
	if err := report.WriteHTML(f, d); err != nil {
		f.Close()
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	return nil
}
