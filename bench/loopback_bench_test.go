package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/llmbench/llmbench/bench/internal/loopback"
	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"

	_ "github.com/llmbench/llmbench/providers/openai" // the "openai" provider
)

// exactSuite writes a suite of n cases scored by exact match and returns
// it with the loopback server's answers (right for every case).
func exactSuite(tb testing.TB, n int) (*suites.Suite, map[string]string) {
	tb.Helper()
	dir := tb.TempDir()
	var b strings.Builder
	answers := make(map[string]string, n)
	for i := range n {
		q := fmt.Sprintf("Case %d: spell the number %d in digits.", i, i)
		fmt.Fprintf(&b, "{\"id\": \"c%d\", \"q\": %q, \"reference\": \"%d\"}\n", i, q, i)
		answers[q] = fmt.Sprint(i)
	}
	if err := os.WriteFile(filepath.Join(dir, "cases.jsonl"), []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	yml := "name: exact\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases: cases.jsonl\n"
	if err := os.WriteFile(filepath.Join(dir, "suite.yaml"), []byte(yml), 0o644); err != nil {
		tb.Fatal(err)
	}
	s, err := suites.Load(filepath.Join(dir, "suite.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	return s, answers
}

// BenchmarkRunLoopback measures the engine end to end over HTTP: the
// openai adapter against a loopback server answering in 0 ms, exact-match
// scoring, and the real SQLite writer. One op is a run of 2,000 calls; it
// reports results/s. The server shares the machine, as any local server
// would.
func BenchmarkRunLoopback(b *testing.B) {
	for _, stream := range []bool{false, true} {
		b.Run(fmt.Sprintf("stream=%v", stream), func(b *testing.B) {
			const cases, conc = 2000, 32
			s, answers := exactSuite(b, cases)
			srv := &loopback.Server{Answers: answers}
			url, stop, err := srv.Start()
			if err != nil {
				b.Fatal(err)
			}
			defer stop()
			prov, err := providers.New(providers.Config{Name: "t", Provider: "openai", BaseURL: url, HTTPClient: targetClient(conc)})
			if err != nil {
				b.Fatal(err)
			}
			store, err := results.Open(filepath.Join(b.TempDir(), "bench.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer store.Close()
			ctx := context.Background()
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				runID := fmt.Sprintf("run-%d", i)
				if err := store.CreateRun(ctx, results.Run{ID: runID, ConfigName: "bench", Started: time.Now()}, []results.Target{{Name: "t"}}, []results.SuiteInfo{{Name: s.Name, Scorers: s.Scorers}}); err != nil {
					b.Fatal(err)
				}
				if err := putCases(ctx, store, runID, []*suites.Suite{s}); err != nil {
					b.Fatal(err)
				}
				w := store.NewWriter(results.WriterOptions{})
				out, err := (&Runner{Sink: w}).Run(ctx, &Plan{RunID: runID, Suites: []*suites.Suite{s},
					Targets: []Target{{Name: "t", Model: "m", Provider: prov, Concurrency: conc, Stream: stream}}})
				if err != nil {
					b.Fatal(err)
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
				if out.Stored != cases || out.Failed != 0 {
					b.Fatalf("outcome %+v", out)
				}
			}
			b.ReportMetric(float64(cases*b.N)/time.Since(start).Seconds(), "results/s")
		})
	}
}
