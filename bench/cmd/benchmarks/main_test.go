package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestMain(m *testing.M) {
	// The fidelity scenario runs this binary as its reference client.
	if len(os.Args) > 1 && os.Args[1] == "bare-client" {
		if err := bareClient(os.Args[2:]); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestScenariosRun runs every quick scenario at a fiftieth of its size
// against a freshly built llmbench: each must produce its rows, without
// error. Whether a target is met is not checked here (the figures of so
// small a run mean nothing); the rate-limit scenarios, which take a minute
// whatever the size, are left to bench/run_benchmarks.sh.
func TestScenariosRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds llmbench and runs it; skipped with -short")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool to build llmbench")
	}
	bin := filepath.Join(t.TempDir(), "llmbench")
	if out, err := exec.Command(goTool, "build", "-o", bin, "github.com/llmbench/llmbench/cmd/llmbench").CombinedOutput(); err != nil {
		t.Fatalf("build llmbench: %v\n%s", err, out)
	}
	var stdout, stderr strings.Builder
	code := run([]string{"-llmbench", bin, "-scale", "0.02", "-dir", t.TempDir(),
		"-only", "throughput,scheduling,memory,fidelity,store,report-while-writing"}, &stdout, &stderr)
	if code == 2 {
		t.Fatalf("usage error:\n%s", stderr.String())
	}
	out := stdout.String()
	if strings.Contains(out, "error:") {
		t.Errorf("a scenario failed:\n%s\n%s", out, stderr.String())
	}
	for _, want := range []string{"Throughput:", "Scheduling:", "Memory:", "Latency fidelity:", "bare Go net/http client",
		"batched writer", "per result beyond the stored texts", "while a run is writing"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q row in:\n%s", want, out)
		}
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{name: "no binary", args: nil},
		{name: "unknown scenario", args: []string{"-llmbench", "x", "-only", "speed"}},
		{name: "bad scale", args: []string{"-llmbench", "x", "-scale", "0"}},
		{name: "unknown flag", args: []string{"-fast"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			if code := run(tt.args, &stdout, &stderr); code != 2 || stderr.Len() == 0 {
				t.Errorf("exit %d, stderr %q; want 2 with a message", code, stderr.String())
			}
		})
	}
}
