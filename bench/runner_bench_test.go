package bench

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// BenchmarkRunToStore measures the engine end to end without a network: an
// in-process provider that answers at once, numeric scoring, and the real
// SQLite writer. It reports results/s; one op is one whole run.
func BenchmarkRunToStore(b *testing.B) {
	const cases = 2000
	s := testSuiteTB(b, cases)
	store, err := results.Open(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	p := &fakeProvider{answer: rightAnswer}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		runID := NewRunID(time.Now()) + string(rune('a'+i%26))
		if err := store.CreateRun(ctx, results.Run{ID: runID, ConfigName: "bench", Started: time.Now()}, []results.Target{{Name: "t"}}, []results.SuiteInfo{{Name: s.Name, Scorers: s.Scorers}}); err != nil {
			b.Fatal(err)
		}
		if err := store.PutCases(ctx, runID, caseRecordsOf(b, s)); err != nil {
			b.Fatal(err)
		}
		w := store.NewWriter(results.WriterOptions{})
		out, err := (&Runner{Sink: w}).Run(ctx, &Plan{RunID: runID, Suites: []*suites.Suite{s}, Targets: []Target{{Name: "t", Provider: p, Concurrency: 32}}})
		if err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		if out.Stored != cases {
			b.Fatalf("stored %d", out.Stored)
		}
	}
	b.ReportMetric(float64(cases*b.N)/time.Since(start).Seconds(), "results/s")
}
