// Package bench is the runner: it turns a Config into a Plan (every case of
// every suite × every target × repeats), makes the calls with a worker pool
// and rate limiter per target, retries what may be retried, scores each
// answer and hands each Result to a Sink (the results store's writer).
//
// Its place in the flow:
//
//	LoadConfig ─> Prepare (suites loaded, providers built; nothing contacted)
//	  ─> Execute: record the run ─> Runner.Run: limiter.Wait ─> Provider.Complete
//	     ─> Scorer.Score ─> Sink.Put ─> finish the run with its status
//
// A failed call is a Result with an error class, never a Go error; only
// infrastructure failures (the store, a suite that cannot render) end a run.
// Timing follows STYLE.md: the latency clock starts after the limiter lets
// the call go, the wait is kept apart, and time spent on failed attempts is
// kept apart from the final attempt's latency.
package bench
