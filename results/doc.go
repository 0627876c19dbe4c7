// Package results is llmbench's store: one SQLite file holding runs, their
// targets, suites and cases as run, every call's Result and its scores.
//
// Place in the flow: bench.Run hands each Result to a Writer (the runner's
// Sink), whose one goroutine commits them in batches; report reads them back
// with Store.Results, an iterator that streams rows in a fixed order (suite,
// case, target, repeat) without loading a run into memory. A resumed run
// asks Store.Done which calls it can skip; the results table's unique key
// (run, suite, case, target, repeat) guarantees a call is never stored
// twice. Results of class canceled (cut off by an interruption) are the one
// exception: Done leaves them out, so a resumed run makes those calls again,
// and the Writer replaces them.
//
// Storage: mattn/go-sqlite3 with its pragmas in the DSN (WAL, busy timeout,
// foreign keys, BEGIN IMMEDIATE, synchronous=NORMAL), so a report can read
// while a run writes, from another process too. The schema is the embedded
// migrations/NNNN_*.sql files, applied in order in one transaction and
// recorded in schema_migrations; a change is a new file, never an edit.
// Tables are STRICT; durations are INTEGER nanoseconds; instants are RFC 3339
// UTC text with nine fractional digits. Scores live in their own table keyed
// by result, scorer and scorer version, so they can be queried with SQL
// (the latest_scores view has the newest per result and scorer) and a
// rescore (Store.AddScores) adds versions without losing the old ones.
// Nothing stores credentials: there is no column for them.
//
// LLM-as-judge: run_judges records who judged which suite and how
// (PutJudges, Judges); judge_calls holds every call to the judge model with
// its prompt, output, verdict and timings (PutJudgeCall, JudgeCalls,
// JudgeDone), keyed like the judged result plus an ord (the pairwise order),
// so a resumed run never repeats a stored judge call; each keeps the hash of
// its request, so CachedJudgeCall can serve an identical judge request
// from any run (llmbench run --cache). The judge's scores are ordinary
// scores of scorer "judge" on the judged results (AddScores).
package results
