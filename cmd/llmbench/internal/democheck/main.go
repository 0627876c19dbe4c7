// Command democheck verifies what `llmbench demo` left behind, for CI: the
// newest run in the database completed, holds exactly one result per
// case × target of every suite, and the report exists and contains plots.
//
//	go run ./cmd/llmbench/internal/democheck DB REPORT
package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/llmbench/llmbench/results"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: democheck DB REPORT")
		os.Exit(2)
	}
	if err := check(context.Background(), os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "democheck: "+err.Error())
		os.Exit(1)
	}
}

func check(ctx context.Context, dbPath, reportPath string) error {
	store, err := results.Open(dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	run, err := store.LatestRun(ctx, "demo")
	if err != nil {
		return fmt.Errorf("latest demo run: %w", err)
	}
	if run.Status != results.StatusCompleted {
		return fmt.Errorf("run %s status %s, want completed", run.ID, run.Status)
	}
	targets, err := store.Targets(ctx, run.ID)
	if err != nil {
		return err
	}
	suites, err := store.Suites(ctx, run.ID)
	if err != nil {
		return err
	}
	if len(targets) < 5 || len(suites) < 3 {
		return fmt.Errorf("run %s has %d targets and %d suites, want ≥ 5 and ≥ 3", run.ID, len(targets), len(suites))
	}
	cases := map[string]int{}
	for c, err := range store.Cases(ctx, run.ID) {
		if err != nil {
			return err
		}
		cases[c.Suite]++
	}
	got := map[[2]string]int{}
	seen := map[results.Key]bool{}
	for r, err := range store.Results(ctx, run.ID) {
		if err != nil {
			return err
		}
		if seen[r.Key()] {
			return fmt.Errorf("result %+v stored twice", r.Key())
		}
		seen[r.Key()] = true
		got[[2]string{r.Suite, r.Target}]++
	}
	sims := 0
	for _, t := range targets {
		if t.Simulated {
			sims++
		}
	}
	if sims < 5 {
		return fmt.Errorf("run %s has %d simulated targets, want ≥ 5", run.ID, sims)
	}
	for _, s := range suites {
		for _, t := range targets {
			n := got[[2]string{s.Name, t.Name}]
			// Simulated targets answer every suite; a reference baseline
			// (lead) answers only the suites it is limited to.
			if (t.Simulated || n > 0) && n != cases[s.Name] {
				return fmt.Errorf("suite %s × target %s: %d results, want %d", s.Name, t.Name, n, cases[s.Name])
			}
		}
		fmt.Printf("suite %-14s %3d cases × %d targets: ok\n", s.Name, cases[s.Name], len(targets))
	}
	if got[[2]string{"summarisation", "lead-1"}] == 0 {
		return fmt.Errorf("no lead-1 results for summarisation")
	}
	html, err := os.ReadFile(reportPath)
	if err != nil {
		return err
	}
	if n := strings.Count(string(html), "<svg"); n < 3 {
		return fmt.Errorf("report %s has %d plots, want at least 3", reportPath, n)
	}
	for _, bad := range []string{`src="http`, `href="http`, `url(http`} {
		if strings.Contains(string(html), bad) {
			return fmt.Errorf("report %s references the network (%s)", reportPath, bad)
		}
	}
	fmt.Printf("report %s: %d bytes, %d plots: ok\n", reportPath, len(html), strings.Count(string(html), "<svg"))
	return nil
}
