package report

import (
	"context"
	"iter"

	"github.com/llmbench/llmbench/results"
)

// Source reads one stored run. *results.Store satisfies it.
//
// Build calls the methods one after another from a single goroutine and
// drains each iterator before calling the next method, so an
// implementation needs no more than that; it must not hold locks across
// yields that would stop a concurrent writer from finishing. An iterator
// reports a failure by yielding a non-nil error, after which Build stops.
type Source interface {
	Run(ctx context.Context, runID string) (results.Run, error)
	Targets(ctx context.Context, runID string) ([]results.Target, error)
	Suites(ctx context.Context, runID string) ([]results.SuiteInfo, error)
	Cases(ctx context.Context, runID string) iter.Seq2[results.Case, error]
	Results(ctx context.Context, runID string) iter.Seq2[results.Result, error]
}

var _ Source = (*results.Store)(nil)

// resultCounter is implemented by sources that count a run's results
// cheaply (*results.Store). Build finds it with a type assertion and sizes
// each suite's storage once, rather than growing it as results arrive.
type resultCounter interface {
	CountResults(ctx context.Context, runID string) (int, error)
}

var _ resultCounter = (*results.Store)(nil)
