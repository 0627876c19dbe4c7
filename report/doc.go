// Package report turns one stored run into numbers a reader can trust and
// files a reader can open: statistics, SVG plots, a single self-contained
// HTML file and a benchstat-like terminal summary.
//
// It is the last step of the flow:
//
//	results.Store ─ Source ─> Build ─> *Data ─┬─> WriteHTML (report.html)
//	                                          ├─> WriteText (terminal)
//	                                          └─> WriteMarkdown, WriteJSON, WriteCSV
//
// Build reads the run through Source, a small interface that
// *results.Store satisfies, in one streaming pass over the results, and
// groups them by (suite, target). Per result it keeps a 40-byte outcome
// (case IDs once per case), plus the cut text of the drill-down rows
// unless Options.SummaryOnly, which the terminal summary after a run uses
// (at most about 27 MiB of heap for 100,000 results, 57 MiB when a
// previous run of the config is read for the trend and the changed
// marks). The primary score of a suite is its first scorer's. Each (suite, target) cell gets its score with n and an
// interval at the report's level (95% unless BuildWith's Options say
// otherwise: Wilson for pass rates, a seeded bootstrap for means), its
// error and refusal counts (a content-filter refusal is never a wrong
// answer), latency and time-to-first-token percentiles, and a paired
// comparison with the run's baseline target: the mean difference over
// cases with a paired bootstrap interval and a McNemar or Wilcoxon
// p-value, shown as "~" when the interval includes zero. With repeats the
// case is the unit: each side's score on a case is the mean of its
// samples, and pass@k is reported for pass/fail scores. stats.go and the
// stats_*.go files document every formula next to its code.
//
// Build also prices every cell and target (cost.go: tokens × the price of
// the target's model from bench's built-in table, replaced per model by the
// run's recorded config and Options.Pricing, found and applied by
// bench.FindPrice and bench.Price.Cost as bench's budget does, in both USD
// and CNY when an exchange rate is set) and the judge's calls, per judge
// target and per judged cell, apart from the targets' own costs (judging
// is in the run's total, never in a target's cost or its cost per correct
// answer); marks each suite's quality-vs-cost and quality-vs-latency Pareto
// fronts (pareto.go); and, when the source is a HistorySource, reads the
// config's earlier completed runs for the trend and the
// changed-since-previous marks (trend.go).
//
// Results and judge calls answered from the cache (llmbench run --cache)
// were not sent in the run: they cost nothing in it, and their timings are
// an earlier call's. They count in scores, calls and tokens, are counted
// as cached in every output, and are left out of every latency figure,
// plot and front (and of the trend's and Diff's latencies), since they
// were not timed in this run.
//
// Rendering is deterministic: no generation time, no randomness (the
// bootstrap has a fixed seed), a fixed palette indexed by sorted target
// name. The same Data renders to the same bytes, which the golden-file
// tests rely on (go test ./report -update rewrites them).
//
// The HTML file fetches nothing: CSS, SVG plots and the filter script are
// inline, case images are PNG thumbnails in data: URLs, and a
// Content-Security-Policy forbids any request. Everything that comes from
// a model, a suite or a config is escaped by html/template. A suite with
// more than PagedRows drill-down rows is the exception that keeps large
// runs usable (pages.go): its rows are a JSON data block, which
// encoding/json's HTML-safe escaping keeps free of '<', and the filter
// script builds PageSize rows at a time with textContent, filtering over
// all rows.
package report
