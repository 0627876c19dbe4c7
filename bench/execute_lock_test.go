package bench

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// TestExecuteRunLock checks that a second run on a database in use fails
// with a clear error and writes nothing, or waits when asked.
func TestExecuteRunLock(t *testing.T) {
	s, err := suites.Builtin("reasoning")
	if err != nil {
		t.Fatal(err)
	}
	models := fastModels()[:1]
	models[0].RateLimitRate, models[0].ServerErrorRate, models[0].RefusalRate = 0, 0, 0
	url := startSim(t, models, s)
	prep, err := Prepare(simConfig(t, url, models), func(string) string { return "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(t.TempDir(), "db.sqlite")
	other, err := results.Open(dbPath) // the other process's handle
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	store, err := results.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	held, err := other.Lock(ctx, results.LockOptions{Owner: "the other run"})
	if err != nil {
		t.Fatal(err)
	}

	_, err = Execute(ctx, prep, store, Options{})
	if !errors.Is(err, results.ErrLocked) || !strings.Contains(err.Error(), "the other run") {
		t.Fatalf("Execute on a locked database: %v, want ErrLocked naming the holder", err)
	}
	if runs, err := store.Runs(ctx, ""); err != nil || len(runs) != 0 {
		t.Fatalf("a refused run recorded %d runs (err %v)", len(runs), err)
	}

	var told string
	rep, err := Execute(ctx, prep, store, Options{WaitLock: true, LockWaiting: func(holder string) {
		told = holder
		held.Unlock() // the other run finishes
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(told, "the other run") {
		t.Errorf("LockWaiting told %q, want the holder", told)
	}
	if rep.Run.Status != results.StatusCompleted || rep.Outcome.Stored != s.Len() {
		t.Errorf("run after waiting: %+v %+v", rep.Run, rep.Outcome)
	}
	// The lock is released when Execute returns.
	l, err := other.Lock(ctx, results.LockOptions{})
	if err != nil {
		t.Fatalf("lock after the run: %v", err)
	}
	l.Unlock()
}

// TestExecuteResumeCutOffRecording resumes a run killed while its cases
// were being recorded: the rest are recorded and every call is made once.
func TestExecuteResumeCutOffRecording(t *testing.T) {
	s, err := suites.Builtin("reasoning")
	if err != nil {
		t.Fatal(err)
	}
	models := fastModels()[:2]
	for i := range models {
		models[i].RateLimitRate, models[i].ServerErrorRate, models[i].RefusalRate = 0, 0, 0
	}
	url := startSim(t, models, s)
	prep, err := Prepare(simConfig(t, url, models), func(string) string { return "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	store, err := results.Open(filepath.Join(t.TempDir(), "db.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	// What a process killed after CreateRun and part of PutCases leaves.
	cfg := prep.Config
	run := results.Run{ID: "cut-off", ConfigName: cfg.Name, Config: cfg.Source, Baseline: cfg.Baseline, Repeats: 1, Status: results.StatusRunning}
	if err := store.CreateRun(ctx, run, prep.targetRecords(), suiteRecords(prep.Suites)); err != nil {
		t.Fatal(err)
	}
	half := s.Len() / 2
	if err := store.PutCases(ctx, run.ID, caseRecordsOf(t, prep.Suites[0])[:half]); err != nil {
		t.Fatal(err)
	}

	rep, err := Execute(ctx, prep, store, Options{Resume: "last"})
	if err != nil {
		t.Fatal(err)
	}
	want := s.Len() * len(models)
	if rep.Run.ID != run.ID || rep.Run.Status != results.StatusCompleted || rep.Outcome.Stored != want {
		t.Fatalf("resumed run %+v outcome %+v, want %d results", rep.Run, rep.Outcome, want)
	}
	n, err := store.CountCases(ctx, run.ID)
	if err != nil || n != s.Len() {
		t.Errorf("%d cases recorded (err %v), want %d", n, err, s.Len())
	}
}
