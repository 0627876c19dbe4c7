package bench

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/sim"
	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// startSim serves the simulator on loopback with answers for the given suites.
func startSim(t *testing.T, models []sim.Model, ss ...*suites.Suite) string {
	t.Helper()
	answers := map[string]string{}
	for _, s := range ss {
		for _, c := range casesOf(t, s) {
			p, err := s.Render(&c)
			if err != nil {
				t.Fatal(err)
			}
			answers[sim.PromptKey(p)] = c.References[0]
		}
	}
	srv := sim.NewServer(sim.Options{Models: models, Seed: 7, Answers: answers})
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return url
}

func simConfig(t *testing.T, url string, models []sim.Model) *Config {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "name: e2e\nbaseline: %s\ntargets:\n", models[0].Name)
	for _, m := range models {
		fmt.Fprintf(&b, "  - name: %s\n    provider: sim\n    model: %s\n    base_url: %s\n    concurrency: 6\n", m.Name, m.Name, url)
	}
	b.WriteString("suites: [reasoning]\n")
	cfg, err := ParseConfig(filepath.Join(t.TempDir(), "e2e.yaml"), []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func fastModels() []sim.Model {
	ms := sim.DefaultModels()
	for i := range ms {
		ms[i].TTFT, ms[i].TTFTJitter, ms[i].TokensPerSec = time.Millisecond, 0, 5000
		ms[i].RetryAfter = 5 * time.Millisecond
	}
	// One target misbehaves a lot, so failure paths are exercised.
	ms[1].RateLimitRate, ms[1].ServerErrorRate, ms[1].RefusalRate = 0.2, 0.1, 0.1
	return ms
}

// TestExecuteAgainstSimulator runs the built-in reasoning suite against the
// simulator over loopback through the real openai adapter and the real
// store: every case × target lands exactly once, failures are classified.
func TestExecuteAgainstSimulator(t *testing.T) {
	s, err := suites.Builtin("reasoning")
	if err != nil {
		t.Fatal(err)
	}
	models := fastModels()
	url := startSim(t, models, s)
	cfg := simConfig(t, url, models)
	prep, err := Prepare(cfg, func(string) string { return "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	store, err := results.Open(filepath.Join(t.TempDir(), "db.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	rep, err := Execute(ctx, prep, store, Options{Version: "test", Runner: Runner{BackoffBase: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	want := s.Len() * len(models)
	if rep.Run.Status != results.StatusCompleted || rep.Outcome.Stored != want {
		t.Fatalf("run %+v outcome %+v, want %d results", rep.Run, rep.Outcome, want)
	}
	classes := map[string]int{}
	seen := map[results.Key]bool{}
	right := map[string]int{}
	for r, err := range store.Results(ctx, rep.Run.ID) {
		if err != nil {
			t.Fatal(err)
		}
		if seen[r.Key()] {
			t.Fatalf("duplicate %+v", r.Key())
		}
		seen[r.Key()] = true
		classes[r.ErrorClass]++
		if r.OK() {
			if len(r.Scores) == 0 || r.ModelReported == "" || r.Latency <= 0 || r.TTFT <= 0 || r.OutputTokens == 0 {
				t.Errorf("incomplete result %+v", r)
			}
			if r.Scores[0].Value == 1 {
				right[r.Target]++
			}
		} else if r.ErrorClass != string(providers.ContentFiltered) && r.ErrorClass != string(providers.RateLimited) && r.ErrorClass != string(providers.Server) {
			t.Errorf("unexpected class %q: %s", r.ErrorClass, r.ErrorMessage)
		}
	}
	if len(seen) != want {
		t.Errorf("%d distinct results, want %d", len(seen), want)
	}
	if classes[string(providers.ContentFiltered)] == 0 {
		t.Errorf("no refusal recorded from the misbehaving target: %v", classes)
	}
	// The baseline is right far more often than chance.
	if right[models[0].Name] < s.Len()/2 {
		t.Errorf("baseline right on %d of %d", right[models[0].Name], s.Len())
	}
}

// countingSink cancels the run after n results, like a Ctrl-C mid-run.
type cancelAfter struct {
	n      int64
	cancel context.CancelFunc
	seen   atomic.Int64
}

func TestExecuteResumeLast(t *testing.T) {
	s, err := suites.Builtin("reasoning")
	if err != nil {
		t.Fatal(err)
	}
	models := fastModels()[:3]
	for i := range models {
		models[i].RateLimitRate, models[i].ServerErrorRate, models[i].RefusalRate = 0, 0, 0
	}
	url := startSim(t, models, s)
	cfg := simConfig(t, url, models)
	prep, err := Prepare(cfg, func(string) string { return "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(t.TempDir(), "db.sqlite")
	store, err := results.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()

	if _, err := Execute(context.Background(), prep, store, Options{Resume: "last"}); !errors.Is(err, ErrNothingToResume) {
		t.Fatalf("resume with nothing to resume: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	ca := &cancelAfter{n: 30, cancel: cancel}
	rep, err := Execute(ctx, prep, store, Options{Progress: func(Event) {
		if ca.seen.Add(1) == ca.n {
			ca.cancel()
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	total := s.Len() * len(models)
	if rep.Run.Status != results.StatusInterrupted || rep.Outcome.Stored >= total || rep.Outcome.Stored < 30 {
		t.Fatalf("interrupted run: %+v %+v", rep.Run, rep.Outcome)
	}
	first := rep.Outcome.Stored

	rep2, err := Execute(context.Background(), prep, store, Options{Resume: "last"})
	if err != nil {
		t.Fatal(err)
	}
	if !rep2.Resumed || rep2.Run.ID != rep.Run.ID || rep2.Run.Status != results.StatusCompleted {
		t.Fatalf("resume: %+v", rep2)
	}
	if rep2.Outcome.Planned != total-first || rep2.Outcome.Stored != total-first {
		t.Errorf("resume made %d of %d planned calls, want %d", rep2.Outcome.Stored, rep2.Outcome.Planned, total-first)
	}
	n, err := store.CountResults(context.Background(), rep.Run.ID)
	if err != nil || n != total {
		t.Errorf("after resume %d results (err %v), want %d", n, err, total)
	}

	// A changed config cannot be resumed into the same run.
	cfg2 := *cfg
	cfg2.Source += "# edited\n"
	prep2 := *prep
	prep2.Config = &cfg2
	if _, err := Execute(context.Background(), &prep2, store, Options{Resume: rep.Run.ID}); err == nil || !strings.Contains(err.Error(), "changed") {
		t.Errorf("resume of a changed config: %v", err)
	}
}
