package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmbench/llmbench/bench"
	"github.com/llmbench/llmbench/providers/sim"
	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// importFixtures are files written for the importers' tests.
const importFixtures = "../../suites/importers/testdata"

func TestSuitesImport(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "gsm8k")
	out, errOut, code := runCLI(t, "suites", "import", "--format", "gsm8k", "--dev", importFixtures+"/gsm8k/gsm8k_train_mini.jsonl", "--shots", "2",
		importFixtures+"/gsm8k/gsm8k_mini.jsonl", dest)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"imported 2 cases", filepath.Join(dest, "suite.yaml") + `: suite "gsm8k", 2 cases, scorers numeric, gsm8k-flexible, gsm8k-strict`, "next: llmbench suites validate"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if out, errOut, code := runCLI(t, "suites", "validate", filepath.Join(dest, "suite.yaml")); code != ExitOK || !strings.Contains(out, "ok") {
		t.Errorf("validate: exit %d\n%s%s", code, out, errOut)
	}
	// Again without --force: refused, exit 1; with it: replaced.
	if _, errOut, code := runCLI(t, "suites", "import", "--format", "gsm8k", importFixtures+"/gsm8k/gsm8k_mini.jsonl", dest); code != ExitFailed || !strings.Contains(errOut, "--force") {
		t.Errorf("second import: exit %d: %s", code, errOut)
	}
	if _, errOut, code := runCLI(t, "suites", "import", "--format", "gsm8k", "--force", "--limit", "1", importFixtures+"/gsm8k/gsm8k_mini.jsonl", dest); code != ExitOK {
		t.Errorf("forced import: exit %d: %s", code, errOut)
	}
}

func TestSuitesImportHelp(t *testing.T) {
	out, errOut, code := runCLI(t, "suites", "import", "--help")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, f := range []string{"gsm8k", "xsum", "cnn-dm", "lcsts", "coco-captions", "mmlu", "cmmlu", "ceval", "promptfoo", "--dev", "--images"} {
		if !strings.Contains(out, f) {
			t.Errorf("help lacks %q", f)
		}
	}
}

func TestSuitesImportErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte(`{"question": "q", "answer": "#### 1"}`+"\n"+`{"question": "r"`+"\n"), 0o644)
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no arguments", []string{"suites", "import", "--format", "gsm8k"}, ExitUsage, "needs SRC and DEST"},
		{"no format", []string{"suites", "import", bad, dir}, ExitUsage, "format"},
		{"unknown format", []string{"suites", "import", "--format", "squad", bad, filepath.Join(dir, "o1")}, ExitUsage, `unknown format "squad"`},
		{"flag the format does not take", []string{"suites", "import", "--format", "gsm8k", "--images", dir, bad, filepath.Join(dir, "o2")}, ExitUsage, "does not take --images"},
		{"flag after the arguments is taken", []string{"suites", "import", "--format", "gsm8k", bad, filepath.Join(dir, "o3"), "--limit", "2"}, ExitFailed, bad + ": 1 problem, nothing written"},
		{"bad source", []string{"suites", "import", "--format", "gsm8k", bad, filepath.Join(dir, "o4")}, ExitFailed, bad + ": 1 problem, nothing written:\n" + bad + ":2: not valid JSON"},
		{"missing source", []string{"suites", "import", "--format", "gsm8k", filepath.Join(dir, "none.jsonl"), filepath.Join(dir, "o5")}, ExitFailed, "none.jsonl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := runCLI(t, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.msg) {
				t.Errorf("exit %d (want %d), stderr:\n%s\nwant it to contain %q", code, tt.code, errOut, tt.msg)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "o4")); err == nil {
		t.Error("a refused import created its destination")
	}
}

// TestSuitesImportPromptfoo: the promptfoo import prints what it could
// not map, and its targets.yaml is a config llmbench accepts.
func TestSuitesImportPromptfoo(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "pf")
	out, errOut, code := runCLI(t, "suites", "import", "--format", "promptfoo", importFixtures+"/promptfoo/translate/promptfooconfig.yaml", dest)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"imported 2 suites", "targets.yaml: targets, for llmbench run --config", "not mapped or changed (also in " + dest + "/IMPORT_NOTES.md):",
		"provider vertex:gemini-pro is not mapped", "custom code is not run by llmbench"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	cfg, err := bench.LoadConfig(filepath.Join(dest, "targets.yaml"))
	if err != nil {
		t.Fatalf("targets.yaml is not a config llmbench accepts: %v", err)
	}
	if len(cfg.Targets) != 4 || len(cfg.Suites) != 2 || cfg.Repeats != 3 {
		t.Errorf("config: %d targets, suites %v, repeats %d", len(cfg.Targets), cfg.Suites, cfg.Repeats)
	}
	for _, s := range cfg.Suites {
		if _, err := suites.Load(filepath.Join(dest, s)); err != nil {
			t.Errorf("suite %s named by targets.yaml: %v", s, err)
		}
	}
}

// TestImportedSuitesRun imports one source of each kind and runs them all
// against a simulated target through the real run path: what import
// writes runs as is.
func TestImportedSuitesRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the simulator")
	}
	dir := t.TempDir()
	imports := []struct {
		dest string
		args []string
	}{
		{"gsm8k", []string{"--format", "gsm8k", importFixtures + "/gsm8k/gsm8k_mini.jsonl"}},
		{"ceval", []string{"--format", "ceval", "--dev", importFixtures + "/ceval/computer_network_dev.csv", importFixtures + "/ceval/computer_network_val.csv"}},
		{"cnndm", []string{"--format", "cnn-dm", importFixtures + "/cnndm/cnn_dm_mini.jsonl"}},
		{"lcsts", []string{"--format", "lcsts", importFixtures + "/lcsts/lcsts_mini.tsv"}},
		{"coco", []string{"--format", "coco-captions", "--images", importFixtures + "/coco/val_mini", importFixtures + "/coco/captions_val_mini.json"}},
		{"pf", []string{"--format", "promptfoo", importFixtures + "/promptfoo/translate/promptfooconfig.yaml"}},
	}
	var paths []string
	answers := map[string]string{}
	total := 0
	for _, im := range imports {
		dest := filepath.Join(dir, im.dest)
		args := append([]string{"suites", "import"}, im.args[:len(im.args)-1]...)
		args = append(args, im.args[len(im.args)-1], dest)
		if _, errOut, code := runCLI(t, args...); code != ExitOK {
			t.Fatalf("import %s: exit %d: %s", im.dest, code, errOut)
		}
		files, _ := filepath.Glob(filepath.Join(dest, "suite*.yaml"))
		for _, f := range files {
			s, err := suites.Load(f)
			if err != nil {
				t.Fatal(err)
			}
			paths = append(paths, f)
			total += s.Len()
			// The simulator answers right as often as its model says.
			for _, c := range casesOf(t, s) {
				text, err := s.Render(&c)
				if err != nil {
					t.Fatal(err)
				}
				if refs := c.References; len(refs) > 0 {
					answers[sim.PromptKey(text)] = refs[0]
				}
			}
		}
	}
	var model sim.Model
	for _, m := range sim.DefaultModels() {
		if m.Name == "gpt-4o-sim" {
			model = m
		}
	}
	srv := sim.NewServer(sim.Options{Models: []sim.Model{model}, Seed: 1, Answers: answers})
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cfgPath := filepath.Join(dir, "run.yaml")
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "name: imported\ntargets:\n  - name: gpt-4o-sim\n    provider: sim\n    model: gpt-4o-sim\n    base_url: %s\n    concurrency: 4\nsuites:\n", url)
	for _, p := range paths {
		fmt.Fprintf(&cfg, "  - %q\n", p)
	}
	if err := os.WriteFile(cfgPath, []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "llmbench.db")
	out, errOut, code := runCLI(t, "run", "--config", cfgPath, "--db", db)
	if code != ExitOK {
		t.Fatalf("run: exit %d\n%s\n%s", code, out, errOut)
	}
	store, err := results.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	run, err := store.LatestRun(context.Background(), "imported")
	if err != nil {
		t.Fatal(err)
	}
	n, err := store.CountResults(context.Background(), run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != results.StatusCompleted || n != total {
		t.Errorf("run %s: %d results for %d cases", run.Status, n, total)
	}
}
