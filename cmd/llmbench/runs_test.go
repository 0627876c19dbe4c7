package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llmbench/llmbench/providers/sim"
)

// TestNightlyResumesAnInterruptedRun interrupts a night after a few calls
// (as a first Ctrl-C would) and checks that the next nightly continues the
// same run instead of starting another.
func TestNightlyResumesAnInterruptedRun(t *testing.T) {
	if testing.Short() {
		t.Skip("a simulated night")
	}
	answers, err := simAnswers()
	if err != nil {
		t.Fatal(err)
	}
	m := nightModel("base-sim", 0.85, 20*time.Millisecond, "")
	s := sim.NewServer(sim.Options{Models: []sim.Model{m}, Seed: 1, Answers: answers})
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/chat/completions") && calls.Add(1) == 5 {
			stop()
		}
		s.ServeHTTP(w, r)
	}))
	defer srv.Close()
	dir := t.TempDir()
	cfg := nightConfig(t, dir, srv.URL+"/v1", m)
	db := filepath.Join(dir, "llmbench.db")
	args := []string{"llmbench", "nightly", "--config", cfg, "--db", db, "--out", dir}

	var out, errOut bytes.Buffer
	err = run(ctx, context.Background(), args, strings.NewReader(""), &out, &errOut)
	if code := exitCode(err); code != ExitInterrupted {
		t.Fatalf("interrupted night: exit %d (%v)\n%s", code, err, errOut.String())
	}
	first := regexp.MustCompile(`(?m)^run (\S+)$`).FindStringSubmatch(out.String())
	if first == nil {
		t.Fatalf("no run id in:\n%s", out.String())
	}
	if s := readSummary(t, dir); s.Verdict != "not_compared" {
		t.Errorf("interrupted night's verdict %q, want not_compared", s.Verdict)
	}

	stdout, stderr, code := runCLI(t, args[1:]...)
	if code != ExitOK {
		t.Fatalf("resumed night: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "resuming unfinished run "+first[1]) || !strings.Contains(stdout, "run "+first[1]+" completed") {
		t.Errorf("the next night did not continue run %s:\n%s\n%s", first[1], stdout, stderr)
	}
	if s := readSummary(t, dir); s.Run.ID != first[1] || s.Verdict != "first_run" {
		t.Errorf("summary of run %s verdict %q; want run %s, first_run", s.Run.ID, s.Verdict, first[1])
	}
}

// TestRunsShowDeletePrune keeps a short history and walks it with the runs
// commands.
func TestRunsShowDeletePrune(t *testing.T) {
	if testing.Short() {
		t.Skip("three simulated nights")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "llmbench.db")
	m := nightModel("base-sim", 0.85, 10*time.Millisecond, "base-sim-v1")
	var ids []string
	// History is under test here, not latency: a busy machine must not
	// turn a 10 ms model's jitter into a latency regression.
	calm := []string{"--min-latency-rise", "10s"}
	for seed := int64(1); seed <= 3; seed++ {
		stdout, stderr, code := night(t, dir, db, dir, seed, calm, m)
		if code != ExitOK {
			t.Fatalf("night %d: exit %d\n%s", seed, code, stderr)
		}
		ids = append(ids, regexp.MustCompile(`(?m)^run (\S+)$`).FindStringSubmatch(stdout)[1])
	}

	out, _, code := runCLI(t, "runs", "show", "--db", db, ids[0])
	for _, want := range []string{ids[0], "nightly-test", "completed", "base-sim-v1", "reasoning", "40"} {
		if code != ExitOK || !strings.Contains(out, want) {
			t.Errorf("runs show (exit %d) lacks %q:\n%s", code, want, out)
		}
	}
	if _, _, code := runCLI(t, "runs", "show", "--db", db, "no-such-run"); code != ExitFailed {
		t.Errorf("runs show of a missing run: exit %d", code)
	}

	out, _, code = runCLI(t, "runs", "prune", "--db", db, "--keep", "2")
	if code != ExitOK || !strings.Contains(out, "deleted run "+ids[0]) || !strings.Contains(out, "pruned 1 runs") {
		t.Errorf("runs prune (exit %d):\n%s", code, out)
	}
	out, _, code = runCLI(t, "runs", "delete", "--db", db, ids[1])
	if code != ExitOK || !strings.Contains(out, "deleted run "+ids[1]) {
		t.Errorf("runs delete (exit %d):\n%s", code, out)
	}
	out, _, _ = runCLI(t, "runs", "list", "--db", db)
	if strings.Contains(out, ids[0]) || strings.Contains(out, ids[1]) || !strings.Contains(out, ids[2]) {
		t.Errorf("runs list after prune and delete:\n%s", out)
	}
	if _, _, code := runCLI(t, "runs", "delete", "--db", db, ids[1]); code != ExitFailed {
		t.Errorf("deleting a deleted run: exit %d", code)
	}
}
