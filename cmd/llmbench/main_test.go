package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmbench/llmbench/results"
)

// runCLI runs the CLI in-process and returns stdout, stderr and the exit code.
func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	return runCLIInput(t, "", args...)
}

// runCLIInput is runCLI with stdin.
func runCLIInput(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	ctx := context.Background()
	err := run(ctx, ctx, append([]string{"llmbench"}, args...), strings.NewReader(stdin), &out, &errOut)
	if err != nil {
		errOut.WriteString("llmbench: " + err.Error() + "\n")
	}
	return out.String(), errOut.String(), exitCode(err)
}

func TestHelpForEveryCommand(t *testing.T) {
	cmds := [][]string{{}, {"run"}, {"report"}, {"demo"}, {"sim"}, {"score"}, {"rescore"}, {"nightly"}, {"suites"}, {"suites", "list"}, {"suites", "validate"}, {"suites", "new"}, {"suites", "schema"}, {"suites", "import"}, {"providers"}, {"providers", "list"}, {"providers", "check"}, {"runs"}, {"runs", "list"}, {"runs", "show"}, {"runs", "diff"}, {"runs", "delete"}, {"runs", "prune"}}
	for _, c := range cmds {
		t.Run(strings.Join(append([]string{"llmbench"}, c...), " "), func(t *testing.T) {
			out, errOut, code := runCLI(t, append(c, "--help")...)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if !strings.Contains(out, "USAGE") && !strings.Contains(out, "Usage") {
				t.Errorf("no usage in help:\n%s", out)
			}
			if len(c) == 0 && !strings.Contains(out, "EXIT CODES") {
				t.Errorf("top-level help does not list exit codes:\n%s", out)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	out, _, code := runCLI(t, "--version")
	if code != ExitOK || !strings.HasPrefix(out, "llmbench "+version+" (commit ") {
		t.Errorf("exit %d, output %q", code, out)
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	badSuite := filepath.Join(dir, "suite.yaml")
	os.WriteFile(badSuite, []byte("name: x\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases:\n  - {id: a, q: hi, reference: hi}\n  - {id: a, q: ho, reference: ho}\n"), 0o644)
	badConfig := filepath.Join(dir, "c.yaml")
	os.WriteFile(badConfig, []byte("targets:\n  - name: a\n    provider: openai\n    model: m\n    base_url: http://127.0.0.1:1/v1\nsuites: [suite.yaml]\n"), 0o644)
	// Saved on Windows, with a misspelt key on line 6.
	malformed := filepath.Join(dir, "malformed.yaml")
	os.WriteFile(malformed, []byte("# nightly\r\ntargets:\r\n  - name: a\r\n    provider: sim\r\n    model: m\r\n    concurency: 4\r\nsuites: [reasoning]\r\n"), 0o644)
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"unknown flag", []string{"run", "--nope"}, ExitUsage, "flag provided but not defined"},
		{"missing required flag", []string{"run"}, ExitUsage, "config"},
		{"unknown command", []string{"frobnicate"}, ExitUsage, ""},
		{"stray argument", []string{"runs", "list", "extra"}, ExitUsage, `unexpected argument "extra"`},
		{"validate without path", []string{"suites", "validate"}, ExitUsage, "needs at least one"},
		{"broken suite", []string{"suites", "validate", badSuite}, ExitFailed, "suite.yaml:"},
		{"broken suite in run: nothing runs", []string{"run", "--config", badConfig, "--db", filepath.Join(dir, "x.db")}, ExitFailed, "suite.yaml:6:"},
		{"malformed config in run: nothing runs", []string{"run", "--config", malformed, "--db", filepath.Join(dir, "x.db")}, ExitFailed, "malformed.yaml:6:"},
		{"missing config", []string{"run", "--config", filepath.Join(dir, "none.yaml")}, ExitFailed, "none.yaml"},
		{"unknown fault preset", []string{"sim", "--faults", "hurricane", "--addr", "127.0.0.1:0"}, ExitUsage, "storm"},
		{"report without db", []string{"report", "--db", filepath.Join(dir, "none.db")}, ExitFailed, "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := runCLI(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, errOut)
			}
			if !strings.Contains(errOut, tt.msg) {
				t.Errorf("stderr %q does not contain %q", errOut, tt.msg)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "x.db")); err == nil {
		t.Error("a run with a broken suite or config created a database")
	}
}

func TestListCommands(t *testing.T) {
	out, _, code := runCLI(t, "suites", "list")
	for _, want := range []string{"reasoning", "summarisation", "vision", "numeric"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("suites list (exit %d) lacks %q:\n%s", code, want, out)
		}
	}
	out, _, code = runCLI(t, "providers", "list")
	for _, want := range []string{"openai", "OPENAI_API_KEY", "sim", "SIMULATED"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("providers list (exit %d) lacks %q:\n%s", code, want, out)
		}
	}
}

// TestDemo runs the README's main command end to end: simulator on
// loopback, real adapter over HTTP, SQLite, report.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("demo takes a few seconds")
	}
	dir := t.TempDir()
	db, out := filepath.Join(dir, "llmbench.db"), filepath.Join(dir, "report.html")
	stdout, stderr, code := runCLI(t, "demo", "--db", db, "--out", out)
	if code != ExitOK {
		t.Fatalf("demo exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	first, _, _ := strings.Cut(stdout, "\n")
	if !strings.HasPrefix(first, "run ") {
		t.Errorf("first stdout line %q is not 'run <ID>'", first)
	}
	for _, want := range []string{"gpt-4o-sim", "reasoning", "summarisation", "vision", "report:", "SIMULATED"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	html, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(html), "<svg"); n < 3 {
		t.Errorf("report has %d plots", n)
	}
	if !strings.Contains(strings.ToLower(string(html)), "simulated") {
		t.Error("report does not say simulated")
	}

	store, err := results.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	run, err := store.LatestRun(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != results.StatusCompleted || run.Baseline != "gpt-4o-sim" {
		t.Errorf("run %+v", run)
	}
	targets, _ := store.Targets(ctx, run.ID)
	if len(targets) < 5 {
		t.Fatalf("%d targets", len(targets))
	}
	want := 0
	for _, tg := range targets {
		if tg.Provider == "lead" {
			want += 20 // summarisation only
			continue
		}
		if !tg.Simulated {
			t.Errorf("target %s not marked simulated", tg.Name)
		}
	}
	cases := 0
	for _, err := range store.Cases(ctx, run.ID) {
		if err != nil {
			t.Fatal(err)
		}
		cases++
	}
	n, _ := store.CountResults(ctx, run.ID)
	if want += cases * (len(targets) - 1); n != want {
		t.Errorf("%d results, want %d (%d cases × %d simulated targets + lead on summarisation)", n, want, cases, len(targets)-1)
	}

	// The report command reads the same run back.
	out2 := filepath.Join(dir, "again.html")
	if _, errOut, code := runCLI(t, "report", "--db", db, "--out", out2, "--run", run.ID); code != 0 {
		t.Fatalf("report exit %d: %s", code, errOut)
	}
	again, _ := os.ReadFile(out2)
	if !bytes.Equal(html, again) {
		t.Error("the same run rendered twice gives different bytes")
	}
	lst, _, _ := runCLI(t, "runs", "list", "--db", db)
	if !strings.Contains(lst, run.ID) || !strings.Contains(lst, "completed") {
		t.Errorf("runs list:\n%s", lst)
	}
}
