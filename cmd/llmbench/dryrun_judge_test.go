package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestRunDryRunJudge: with a judged suite the dry run has a row for the
// judge: its calls (one per answer in rubric mode), their estimated tokens
// and cost at the judge's price, counted in the total.
func TestRunDryRunJudge(t *testing.T) {
	dir := t.TempDir()
	writeOpenSuite(t, dir)
	cfgText := "name: judged\ntargets:\n" +
		"  - {name: glm, provider: sim, model: glm-4-sim, base_url: http://127.0.0.1:9/v1}\n" +
		"  - {name: local, provider: sim, model: local-sim, base_url: http://127.0.0.1:9/v1}\n" +
		"judge: {name: referee, provider: sim, model: judge-sim, base_url: http://127.0.0.1:9/v1, params: {max_tokens: 50}}\n" +
		"suites: [./open/suite.yaml]\nrepeats: 3\n" +
		"prices:\n  - {model: judge-sim, input: 3, output: 15, currency: USD, date: 2026-01}\n"
	cfg := filepath.Join(dir, "judged.yaml")
	if err := os.WriteFile(cfg, []byte(cfgText), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "run", "--dry-run", "--config", cfg, "--db", filepath.Join(dir, "llmbench.db"), "--max-cost", "1USD")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var judge []string
	for _, l := range strings.Split(out, "\n") {
		if f := regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(l), -1); len(f) > 0 && f[0] == "referee (judge)" {
			judge = f
		}
	}
	if judge == nil {
		t.Fatalf("no row for the judge in:\n%s", out)
	}
	calls := 2 * 2 * 3 // targets × cases × repeats
	if judge[1] != "judge-sim" || judge[2] != strconv.Itoa(calls) || judge[5] != strconv.Itoa(calls*50) || !strings.HasPrefix(judge[7], "$") {
		t.Errorf("judge row %q: want judge-sim, %d calls, %d answer tokens, a cost in USD", judge, calls, calls*50)
	}
	// The judge is priced; the targets are not, so the budget is refused
	// naming them, not the judge.
	for _, want := range []string{"not in the total (no price): glm, local", "no price for glm (model glm-4-sim), local (model local-sim);", "judge: one call per answer"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
