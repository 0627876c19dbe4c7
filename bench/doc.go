// Package bench is the runner: it turns a Config into a Plan (every case of
// every suite × every target × repeats), makes the calls with a worker pool
// and rate limiter per target, retries what may be retried, scores each
// answer and hands each Result to a Sink (the results store's writer).
//
// Its place in the flow:
//
//	LoadConfig ─> Prepare (suites loaded, providers built; nothing contacted)
//	  ─> Execute: record the run ─> Runner.Run: limiter.Wait ─> Provider.Complete
//	     ─> Scorer.Score ─> Sink.Put
//	  ─> Runner.Judge (suites with the judge scorer): judge calls ─> verdicts
//	     ─> judge scores on the results ─> finish the run with its status
//
// The judge phase follows the answering calls: a judge model (the config's
// judge:, any provider) grades each answered result by the suite's rubric
// (a score from 1 to 10) or compares it with the baseline's answer in both
// orders (pairwise: win 1, tie ½, loss 0, averaged, so a position-biased
// judge cancels out). Its calls go through the same machinery as the
// answering calls: the attempt loop (timeout, classification, bounded
// retries), the judge target's limiter (one per target on a Runner, so a
// target that also judges keeps its rpm and tpm across both phases), the
// run's Budget (judge calls priced at the judge's price) and the response
// cache (an identical judge request is answered from a stored judge call).
// Each is stored, and a resume makes only the ones not stored.
//
// Cases stream: each target's producer reads a suite's cases as it reaches
// them (suites.Suite.Open), once per case however many repeats, and not at
// all when a resumed run has every call of the case (Plan.SkipDone keeps
// the done calls as a compact set of positions). A run holds the cases in
// flight, not its suites.
//
// A failed call is a Result with an error class, never a Go error; only
// infrastructure failures (the store, a suite that cannot render or whose
// cases file changed since it was loaded) end a run.
// Timing follows STYLE.md: the latency clock starts after the limiter lets
// the call go, the wait is kept apart, and time spent on failed attempts is
// kept apart from the final attempt's latency.
package bench
