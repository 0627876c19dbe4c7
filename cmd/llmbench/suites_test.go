package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/llmbench/llmbench/providers/sim"
	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
	"github.com/llmbench/llmbench/suites/schema"
)

// quietSim serves the simulated models, fast and fault-free, on loopback,
// knowing the answers of the given suites' cases (so some answers are
// right); models are the first two, for a run config.
func quietSim(t *testing.T, ss ...*suites.Suite) (url string, models []string) {
	t.Helper()
	answers := map[string]string{}
	for _, s := range ss {
		for _, c := range casesOf(t, s) {
			msgs, err := s.Messages(&c)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.References) > 0 {
				answers[sim.PromptKey(msgs[len(msgs)-1].Text)] = c.References[0]
			}
		}
	}
	ms := sim.DefaultModels()
	for i := range ms {
		ms[i] = sim.NoFaults(ms[i])
		ms[i].TTFT, ms[i].TTFTJitter, ms[i].TokensPerSec = time.Millisecond, 0, 0
	}
	models = []string{ms[0].Name, ms[1].Name}
	srv := sim.NewServer(sim.Options{Models: ms, Seed: 3, Answers: answers})
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return url, models
}

// simRunConfig writes a run config with one target per simulated model
// (the first the baseline and, when judged, the judge) over suiteDirs.
func simRunConfig(t *testing.T, dir, url string, models []string, judged bool, suiteDirs ...string) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "name: try\nbaseline: %s\ntargets:\n", models[0])
	for _, m := range models {
		fmt.Fprintf(&b, "  - {name: %s, provider: sim, model: %s, base_url: %q, concurrency: 4}\n", m, m, url)
	}
	if judged {
		fmt.Fprintf(&b, "judge: %s\n", models[0])
	}
	fmt.Fprintf(&b, "suites: [%s]\n", strings.Join(suiteDirs, ", "))
	p := filepath.Join(dir, "try.yaml")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSuitesNewRunsAsIs: every kind `suites new` writes validates and runs
// as it is, end to end: the CLI, the simulator over loopback through the
// real adapter, the store.
func TestSuitesNewRunsAsIs(t *testing.T) {
	for _, kind := range suites.ScaffoldKinds {
		t.Run(kind, func(t *testing.T) {
			dir := t.TempDir()
			suiteDir := filepath.Join(dir, "my-"+kind)
			out, errOut, code := runCLI(t, "suites", "new", "--kind", kind, suiteDir)
			if code != ExitOK || !strings.Contains(out, "llmbench suites validate "+suiteDir) {
				t.Fatalf("suites new exit %d\n%s%s", code, out, errOut)
			}
			out, errOut, code = runCLI(t, "suites", "validate", suiteDir)
			if code != ExitOK || !strings.Contains(out, `ok: suite "my-`+kind+`", 3 cases`) {
				t.Fatalf("validate exit %d\n%s%s", code, out, errOut)
			}
			s, err := suites.Load(filepath.Join(suiteDir, "suite.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			url, models := quietSim(t, s)
			cfg := simRunConfig(t, dir, url, models, s.UsesJudge(), "my-"+kind)
			db := filepath.Join(dir, "llmbench.db")
			out, errOut, code = runCLI(t, "run", "--config", cfg, "--db", db)
			if code != ExitOK {
				t.Fatalf("run exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
			}
			store, err := results.Open(db)
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			run, err := store.LatestRun(context.Background(), "try")
			if err != nil {
				t.Fatal(err)
			}
			n, err := store.CountResults(context.Background(), run.ID)
			if err != nil || n != 3*len(models) || run.Status != results.StatusCompleted {
				t.Errorf("run %s: %d results (%v), status %s; want %d, completed", run.ID, n, err, run.Status, 3*len(models))
			}
		})
	}
}

func TestSuitesNewUsage(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no kind", []string{"suites", "new", filepath.Join(dir, "a")}, ExitUsage, "needs --kind, one of reasoning, summarisation, vision, judge, free"},
		{"unknown kind", []string{"suites", "new", "--kind", "poems", filepath.Join(dir, "a")}, ExitUsage, `unknown --kind "poems": one of reasoning`},
		{"no name", []string{"suites", "new", "--kind", "free"}, ExitUsage, "needs one folder name"},
		{"folder not empty", []string{"suites", "new", "--kind", "free", dir}, ExitFailed, "is not empty"},
	}
	if err := os.WriteFile(filepath.Join(dir, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := runCLI(t, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.msg) {
				t.Errorf("exit %d (want %d), stderr %q lacks %q", code, tt.code, errOut, tt.msg)
			}
		})
	}
}

// TestSuitesValidateReportsEverything: every problem of every suite is
// printed with its file and line (more than LoadError's text lists), and
// the command fails; ok suites print their notes.
func TestSuitesValidateReportsEverything(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad")
	if err := os.MkdirAll(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	var cases strings.Builder
	for i := range 150 {
		fmt.Fprintf(&cases, `{"id": "c%d", "question": "q"}`+"\n", i) // no reference: 150 problems
	}
	os.WriteFile(filepath.Join(bad, "suite.yaml"), []byte("name: bad\nprompt: \"{{.question}}\"\nscorers: [exact]\nextra: 1\ncases: cases.jsonl\n"), 0o644)
	os.WriteFile(filepath.Join(bad, "cases.jsonl"), []byte(cases.String()), 0o644)

	good := filepath.Join(dir, "good")
	if _, err := suites.Scaffold(good, "free"); err != nil {
		t.Fatal(err)
	}
	extra := `{"id": "web-1", "question": "What is shown?", "keywords": ["cat"], "images": ["https://example.org/cat.png"], "scorers": ["exact"], "reference": "cat"}` + "\n"
	f, err := os.OpenFile(filepath.Join(good, "cases.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(extra)
	f.Close()

	out, errOut, code := runCLI(t, "suites", "validate", good, bad, "reasoning", filepath.Join(dir, "missing.yaml"))
	if code != ExitFailed {
		t.Errorf("exit %d, want %d", code, ExitFailed)
	}
	if n := strings.Count(errOut, "cases.jsonl:"); n != 150 {
		t.Errorf("%d case problems printed, want all 150", n)
	}
	for _, want := range []string{
		filepath.Join(bad, "suite.yaml") + `:4: unknown key "extra"`,
		filepath.Join(bad, "cases.jsonl") + `:150: case "c149": scorer exact: no reference`,
		bad + ": 151 problems",
		"missing.yaml",
		"2 of 4 suites have problems",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q", want)
		}
	}
	for _, want := range []string{
		good + `: ok: suite "good", 4 cases`,
		"note: tags: geography (1), maths (1), science (1)",
		"note: 1 image given by http(s) URL",
		"note: 1 case list scorers of their own that do not start with the suite's primary scorer keywords",
		`reasoning: ok: suite "reasoning", 40 cases`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
}

func TestSuitesSchema(t *testing.T) {
	out, _, code := runCLI(t, "suites", "schema")
	if code != ExitOK || out != string(schema.JSON) {
		t.Errorf("exit %d; printed schema differs from the embedded one", code)
	}
}

// casesOf reads every case of s, failing the test on an error.
func casesOf(t testing.TB, s *suites.Suite) []suites.Case {
	t.Helper()
	var out []suites.Case
	for c, err := range s.All() {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, *c)
	}
	return out
}
