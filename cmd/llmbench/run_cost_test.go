package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/llmbench/llmbench/suites"
)

// writeCostConfig writes a config of two simulated targets at url answering
// the reasoning suite (the second limited to cases tagged nothing else),
// and an OpenAI target whose key is not set.
func writeCostConfig(t *testing.T, url string, models []string, extra string) string {
	t.Helper()
	dir := t.TempDir()
	cfg := "name: cost\ntargets:\n" +
		"  - {name: a, provider: sim, model: " + models[0] + ", base_url: " + url + ", params: {max_tokens: 100}}\n" +
		"  - {name: b, provider: sim, model: " + models[1] + ", base_url: " + url + "}\n" +
		"suites: [reasoning]\nrepeats: 2\n" + extra
	p := filepath.Join(dir, "cost.yaml")
	if err := os.WriteFile(p, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunDryRun(t *testing.T) {
	s, err := suites.Builtin("reasoning")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "llmbench.db")
	t.Setenv("OPENAI_API_KEY", "")
	// Nothing listens at this address: a dry run must not need it.
	cfgText := "name: plan\ntargets:\n" +
		"  - {name: gpt, provider: openai, model: gpt-4o, params: {max_tokens: 100}}\n" +
		"  - {name: glm, provider: sim, model: glm-4-sim, base_url: http://127.0.0.1:9/v1}\n" +
		"  - {name: local, provider: sim, model: local-sim, base_url: http://127.0.0.1:9/v1}\n" +
		"suites: [reasoning]\nrepeats: 2\n" +
		"prices:\n  - {model: glm-4-sim, input: 5, output: 5, currency: CNY, date: 2026-01}\n" +
		"exchange: {USD_CNY: 7, date: 2026-01}\n"
	cfg := filepath.Join(dir, "plan.yaml")
	if err := os.WriteFile(cfg, []byte(cfgText), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "run", "--dry-run", "--config", cfg, "--db", db, "--max-cost", "1USD")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("a dry run created the database (stat: %v)", err)
	}
	calls := 2 * s.Len()
	row := func(target string) []string {
		for _, l := range strings.Split(out, "\n") {
			if f := regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(l), -1); len(f) > 0 && f[0] == target {
				return f
			}
		}
		t.Fatalf("no row for %s in:\n%s", target, out)
		return nil
	}
	gpt, glm := row("gpt"), row("glm")
	for _, tc := range []struct {
		name      string
		got, want string
	}{
		{"gpt calls", gpt[2], strconv.Itoa(calls)},
		// The suite's max_tokens (1024) wins over the target's (100).
		{"gpt typical answers: min(1024, 256)", gpt[5], strconv.Itoa(calls * 256)},
		{"gpt answers at most", gpt[6], strconv.Itoa(calls * 1024)},
		{"gpt tokens by BPE", gpt[9], "o200k_base BPE"},
		{"glm typical answers", glm[5], strconv.Itoa(calls * 256)},
		{"gpt priced by the built-in table", gpt[7][:1], "$"},
		{"glm by the heuristic", glm[9], "heuristic: CJK char ≈ 1 token, else ≈ 4 bytes/token"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %q, want %q\n%s", tc.name, tc.got, tc.want, out)
		}
	}
	if !strings.HasPrefix(glm[7], "¥") || !strings.Contains(glm[7], "($") {
		t.Errorf("glm cost %q is not in CNY with USD", glm[7])
	}
	for _, want := range []string{"no price", "not in the total (no price): local", "OPENAI_API_KEY", "--max-cost 1 USD: cannot enforce --max-cost: no price for local (model local-sim)", "nothing contacted, nothing written"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestRunCacheAndMaxCost(t *testing.T) {
	s, err := suites.Builtin("reasoning")
	if err != nil {
		t.Fatal(err)
	}
	url, models := quietSim(t, s)
	db := filepath.Join(t.TempDir(), "llmbench.db")
	planned := 2 * 2 * s.Len()

	cfg := writeCostConfig(t, url, models, "")
	out, errOut, code := runCLI(t, "run", "--config", cfg, "--db", db, "--cache")
	if code != 0 {
		t.Fatalf("first run: exit %d: %s", code, errOut)
	}
	if want := "(0 failed calls, 0 from the cache)"; !strings.Contains(out, want) {
		t.Errorf("first run does not say %q:\n%s", want, out)
	}
	out, errOut, code = runCLI(t, "run", "--config", cfg, "--db", db, "--cache")
	if code != 0 {
		t.Fatalf("second run: exit %d: %s", code, errOut)
	}
	if want := "(0 failed calls, " + strconv.Itoa(planned) + " from the cache)"; !strings.Contains(out, want) {
		t.Errorf("second run does not say %q:\n%s", want, out)
	}

	// A budget far below the run's cost ends it incomplete (exit 4).
	priced := writeCostConfig(t, url, models, "prices:\n"+
		"  - {model: "+models[0]+", input: 1000, output: 1000, currency: USD, date: 2026-01}\n"+
		"  - {model: "+models[1]+", input: 1000, output: 1000, currency: USD, date: 2026-01}\n")
	out, errOut, code = runCLI(t, "run", "--config", priced, "--db", db, "--max-cost", "0.5USD")
	if code != ExitIncomplete {
		t.Fatalf("run under a budget: exit %d, want %d: %s\n%s", code, ExitIncomplete, errOut, out)
	}
	if !strings.Contains(out, "stopped by the budget (--max-cost 0.5 USD)") {
		t.Errorf("the note does not say the budget stopped the run:\n%s", out)
	}

	for _, tc := range []struct{ name, flag, want string }{
		{"no currency", "5", "no currency"},
		{"unpriced targets", "5USD", "no price for a (model " + models[0] + ")"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := runCLI(t, "run", "--config", cfg, "--db", db, "--max-cost", tc.flag)
			if code == 0 || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want an error saying %q", code, errOut, tc.want)
			}
		})
	}
}
