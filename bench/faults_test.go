package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/sim"
	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// stormSuite writes a suite of n numeric cases to dir and loads it.
func stormSuite(t *testing.T, dir string, n int) *suites.Suite {
	t.Helper()
	var cases bytes.Buffer
	for i := range n {
		fmt.Fprintf(&cases, `{"id": "c%03d", "q": "Storm question %d: what is %d plus %d?", "reference": "%d"}`+"\n", i, i, i, 7*i, 8*i)
	}
	if err := os.WriteFile(filepath.Join(dir, "cases.jsonl"), cases.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	suite := "name: storm\nprompt: \"{{.q}}\"\nscorers: [numeric]\ncases: cases.jsonl\n"
	if err := os.WriteFile(filepath.Join(dir, "suite.yaml"), []byte(suite), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := suites.Load(filepath.Join(dir, "suite.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// serveSim starts the simulator with answers for s; the caller closes it.
func serveSim(t *testing.T, models []sim.Model, s *suites.Suite) (*sim.Server, string) {
	t.Helper()
	answers := map[string]string{}
	for _, c := range casesOf(t, s) {
		p, err := s.Render(&c)
		if err != nil {
			t.Fatal(err)
		}
		answers[sim.PromptKey(p)] = c.References[0]
	}
	srv := sim.NewServer(sim.Options{Models: models, Seed: 11, Answers: answers})
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return srv, url
}

// settleGoroutines waits (up to 10 s of real time) for the goroutine count
// to come back to before, and fails with every goroutine's stack if it
// does not: something the run started outlived it.
func settleGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			var b strings.Builder
			pprof.Lookup("goroutine").WriteTo(&b, 1)
			t.Fatalf("%d goroutines after the run, %d before; leaked:\n%s", runtime.NumGoroutine(), before, b.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestFaultStorm runs a few hundred cases against three targets served by
// a simulator injecting every fault it knows, at once: 429s with a delay
// hint, 5xx, resets, truncated bodies, invalid JSON, oversized bodies, slow
// first bytes past the attempt timeout and stalls that never end. The run
// must finish well inside its deadline (no hang: per-attempt timeout and
// stall detection), store exactly one result per case and target, each an
// answer or a classified error, with a retryable error only after the
// target's last attempt, and leave no goroutine behind.
func TestFaultStorm(t *testing.T) {
	before := runtime.NumGoroutine()
	// A hang fails the test at this deadline rather than the test binary's.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	dir := t.TempDir()
	const n = 200
	s := stormSuite(t, dir, n)
	var models []sim.Model
	for _, name := range []string{"a-sim", "b-sim", "c-sim"} {
		m := sim.Storm(sim.Model{Name: name, Accuracy: 0.8, RefusalRate: 0.02, TTFT: time.Millisecond, RetryAfter: 10 * time.Millisecond})
		m.SlowFirstByte = time.Second // past the attempt timeout below
		m.OversizeBytes = 2 << 20     // past the response limit below
		models = append(models, m)
	}
	srv, url := serveSim(t, models, s)
	defer srv.Close()

	// a streams, b gets whole answers, c streams with a single attempt, so
	// every fault that strikes it ends its call.
	maxAttempts := map[string]int{"a": 4, "b": 4, "c": 1}
	cfgText := fmt.Sprintf(`name: storm
targets:
  - {name: a, provider: sim, model: a-sim, base_url: %[1]q, concurrency: 16, rpm: 60000, timeout: 500ms, stall_timeout: 100ms, max_attempts: 4}
  - {name: b, provider: sim, model: b-sim, base_url: %[1]q, concurrency: 16, rpm: 60000, timeout: 500ms, stall_timeout: 100ms, max_attempts: 4, stream: false}
  - {name: c, provider: sim, model: c-sim, base_url: %[1]q, concurrency: 16, rpm: 60000, timeout: 500ms, stall_timeout: 100ms, max_attempts: 1}
suites: [suite.yaml]
`, url)
	cfg, err := ParseConfig(filepath.Join(dir, "storm.yaml"), []byte(cfgText))
	if err != nil {
		t.Fatal(err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	client := &http.Client{Transport: tr}
	defer tr.CloseIdleConnections()
	getenv := func(string) string { return "" }
	prep, err := Prepare(cfg, getenv, client)
	if err != nil {
		t.Fatal(err)
	}
	// Rebuild each provider as Prepare does, with a response limit small
	// enough that an oversized body costs the test little.
	for i := range prep.Targets {
		tc := &cfg.Targets[i]
		pc, err := tc.Credentials(getenv)
		if err != nil {
			t.Fatal(err)
		}
		pc.HTTPClient, pc.StallTimeout, pc.MaxResponseBytes = client, tc.StallTimeoutDuration(), 1<<20
		if prep.Targets[i].Provider, err = providers.New(pc); err != nil {
			t.Fatal(err)
		}
	}
	store, err := results.Open(filepath.Join(dir, "storm.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()

	// The targets' limiters are the default kind, adaptive to 429s, but
	// recover from a storm's 429s in a fraction of a second rather than a
	// minute, to keep the test short.
	newLimiter := func(rpm float64) Limiter {
		return NewTargetLimiter(Limits{RPM: rpm, Concurrency: 16, Recovery: 300 * time.Millisecond})
	}
	rep, err := Execute(ctx, prep, store, Options{Abort: ctx, Runner: Runner{NewLimiter: newLimiter,
		BackoffBase: 5 * time.Millisecond, BackoffMax: 20 * time.Millisecond, MaxRetryAfter: 20 * time.Millisecond}})
	if ctx.Err() != nil {
		t.Fatalf("the run did not finish within its deadline: %v", ctx.Err())
	}
	if err != nil {
		t.Fatal(err)
	}
	want := n * len(models)
	if rep.Run.Status != results.StatusCompleted || rep.Outcome.Stored != want || rep.Outcome.NotMade != 0 || rep.Outcome.Interrupted {
		t.Fatalf("run %s, outcome %+v; want completed with %d results", rep.Run.Status, rep.Outcome, want)
	}

	seen := map[results.Key]bool{}
	failed, retried := 0, map[string]int{}
	classes := map[string]map[string]int{} // target -> class[/code] -> count
	stallPartial := false
	for r, err := range store.Results(context.Background(), rep.Run.ID) {
		if err != nil {
			t.Fatal(err)
		}
		if seen[r.Key()] {
			t.Fatalf("two results for %+v", r.Key())
		}
		seen[r.Key()] = true
		max := maxAttempts[r.Target]
		if r.Attempts < 1 || r.Attempts > max {
			t.Errorf("%s/%s: %d attempts, max %d", r.Target, r.CaseID, r.Attempts, max)
		}
		if r.Attempts > 1 {
			retried[r.Target]++
		}
		if classes[r.Target] == nil {
			classes[r.Target] = map[string]int{}
		}
		if r.OK() {
			classes[r.Target]["ok"]++
			if len(r.Scores) == 0 || r.FinishReason == "" {
				t.Errorf("%s/%s: answer without scores or finish reason: %+v", r.Target, r.CaseID, r)
			}
			continue
		}
		failed++
		cls := providers.Class(r.ErrorClass)
		if !slices.Contains(providers.Classes, cls) || r.ErrorMessage == "" {
			t.Errorf("%s/%s: unclassified error %q: %s", r.Target, r.CaseID, r.ErrorClass, r.ErrorMessage)
		}
		switch {
		case cls.Retryable() && r.Attempts != max:
			t.Errorf("%s/%s: retryable %s gave up after %d of %d attempts", r.Target, r.CaseID, cls, r.Attempts, max)
		case !cls.Retryable() && cls != providers.ContentFiltered:
			t.Errorf("%s/%s: the storm caused a %s error: %s", r.Target, r.CaseID, cls, r.ErrorMessage)
		}
		key := r.ErrorClass
		if r.ErrorCode == providers.StallCode {
			key += "/" + r.ErrorCode
			stallPartial = stallPartial || r.Output != ""
		}
		classes[r.Target][key]++
	}
	if len(seen) != want {
		t.Errorf("%d distinct results, want %d", len(seen), want)
	}
	if failed != rep.Outcome.Failed {
		t.Errorf("%d stored errors, outcome says %d", failed, rep.Outcome.Failed)
	}
	// The storm did strike: retries were needed, and the single-attempt
	// target shows each kind of fault as its class.
	for _, target := range []string{"a", "b"} {
		if retried[target] < n/10 {
			t.Errorf("target %s: only %d of %d calls needed a retry", target, retried[target], n)
		}
	}
	for _, k := range []string{"ok", "rate_limited", "server", "bad_response", "timeout", "timeout/stall", "content_filtered"} {
		if classes["c"][k] == 0 {
			t.Errorf("target c: no %s among its results: %v", k, classes["c"])
		}
	}
	if !stallPartial {
		t.Errorf("no stalled stream kept its partial text")
	}
	t.Logf("classes by target: %v", classes)

	store.Close()
	srv.Close()
	tr.CloseIdleConnections()
	settleGoroutines(t, before)
}

// TestStallTimeoutConfig: stall_timeout is read, checked with its line,
// and reaches the provider: a target whose answers stall forever gets
// stall timeouts after stall_timeout, not after its attempt timeout.
func TestStallTimeoutConfig(t *testing.T) {
	target := "targets:\n  - name: a\n    provider: sim\n    model: m-sim\n"
	tests := []struct {
		name, value string
		want        time.Duration
		err         string
	}{
		{"default", "", 0, ""},
		{"set", "45s", 45 * time.Second, ""},
		{"off", "off", -1, ""},
		{"not a duration", "soon", 0, "c.yaml:5: target \"a\": stall_timeout \"soon\""},
		{"zero", "0s", 0, "c.yaml:5:"},
		{"negative", "-3s", 0, "c.yaml:5:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := target
			if tt.value != "" {
				src += "    stall_timeout: " + tt.value + "\n"
			}
			c, err := ParseConfig("c.yaml", []byte(src+"suites: [reasoning]\n"))
			if tt.err != "" {
				var ce *ConfigError
				if !errors.As(err, &ce) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want a *ConfigError containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Targets[0].StallTimeoutDuration(); got != tt.want {
				t.Errorf("StallTimeoutDuration = %v, want %v", got, tt.want)
			}
		})
	}

	t.Run("wired to the provider", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		dir := t.TempDir()
		s := stormSuite(t, dir, 3)
		m := sim.Model{Name: "stuck-sim", Accuracy: 1, StallRate: 1} // stalls until the client hangs up
		srv, url := serveSim(t, []sim.Model{m}, s)
		defer srv.Close()
		cfg, err := ParseConfig(filepath.Join(dir, "c.yaml"), []byte(fmt.Sprintf(
			"targets:\n  - {name: a, provider: sim, model: stuck-sim, base_url: %q, concurrency: 3, timeout: 1m, stall_timeout: 100ms, max_attempts: 1}\nsuites: [suite.yaml]\n", url)))
		if err != nil {
			t.Fatal(err)
		}
		prep, err := Prepare(cfg, func(string) string { return "" }, nil)
		if err != nil {
			t.Fatal(err)
		}
		store, err := results.Open(filepath.Join(dir, "c.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		rep, err := Execute(ctx, prep, store, Options{Abort: ctx})
		if err != nil || ctx.Err() != nil {
			t.Fatalf("run: %v (deadline: %v)", err, ctx.Err())
		}
		for r, err := range store.Results(ctx, rep.Run.ID) {
			if err != nil {
				t.Fatal(err)
			}
			if r.ErrorClass != string(providers.Timeout) || r.ErrorCode != providers.StallCode || r.Output == "" {
				t.Errorf("%s: class %q code %q output %q; want a stall timeout with partial text", r.CaseID, r.ErrorClass, r.ErrorCode, r.Output)
			}
		}
	})
}
