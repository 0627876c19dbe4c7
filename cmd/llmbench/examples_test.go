package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmbench/llmbench/bench"
	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// TestWorkedExample keeps docs/writing-suites.md honest: its worked
// example validates, and its config runs it against the simulator, whole
// and narrowed by a tag, with the simulator's answers scored as the guide
// says.
func TestWorkedExample(t *testing.T) {
	dir := filepath.Join("..", "..", "examples", "suites")
	out, errOut, code := runCLI(t, "suites", "validate", filepath.Join(dir, "my-first-suite"))
	if code != ExitOK || !strings.Contains(out, `ok: suite "my-first-suite", 6 cases, scorers choice`) {
		t.Fatalf("validate exit %d:\n%s%s", code, out, errOut)
	}
	s, err := suites.Load(filepath.Join(dir, "my-first-suite", "suite.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	url, _ := quietSim(t, s)
	db := filepath.Join(t.TempDir(), "llmbench.db")
	ctx := context.Background()
	tests := []struct {
		tags  []string
		cases int
	}{
		{nil, 6},
		{[]string{"sale"}, 2},
		{[]string{"postage", "sale"}, 3},
	}
	for _, tt := range tests {
		t.Run(strings.Join(append([]string{"tags"}, tt.tags...), " "), func(t *testing.T) {
			cfg, err := bench.LoadConfig(filepath.Join(dir, "try-sim.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			if cfg, err = cfg.WithTags(tt.tags); err != nil {
				t.Fatal(err)
			}
			for i := range cfg.Targets { // the simulator of this test, not the default port
				cfg.Targets[i].BaseURL = url
			}
			var stdout, stderr bytes.Buffer
			if err := executeAndSummarise(ctx, ctx, cfg, db, "", nil, &stdout, &stderr); err != nil {
				t.Fatalf("run: %v\n%s%s", err, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), "my-first-suite") {
				t.Errorf("summary does not name the suite:\n%s", stdout.String())
			}
			store, err := results.Open(db)
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			run, err := store.LatestRun(ctx, "try-my-first-suite")
			if err != nil {
				t.Fatal(err)
			}
			got, scored := 0, 0
			for r, err := range store.Results(ctx, run.ID) {
				if err != nil {
					t.Fatal(err)
				}
				got++
				if len(r.Scores) > 0 && r.Scores[0].Scorer == "choice" && r.Scores[0].Extracted != "[invalid]" {
					scored++
				}
			}
			if got != 2*tt.cases || scored != got {
				t.Errorf("%d results, %d with a letter read; want %d, all", got, scored, 2*tt.cases)
			}
		})
	}
}
