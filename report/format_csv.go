package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/llmbench/llmbench/bench"
)

// CSVHeader is the header row of WriteCSV. Columns are only ever added at
// the end, so scripts may read them by position or by name.
var CSVHeader = []string{
	"run", "suite", "scorer", "kind", "target", "baseline", "simulated", "ran",
	"n", "samples", "score", "score_lo", "score_hi",
	"delta", "delta_lo", "delta_hi", "p", "test", "verdict", "paired_n",
	"calls", "errors", "refusals", "unscored",
	"p50_ms", "p95_ms", "p99_ms", "ttft_p50_ms",
	"input_tokens", "output_tokens",
	"currency", "cost", "cost_usd", "cost_cny", "cost_per_correct",
	"pareto_cost", "pareto_latency",
	"cached", "judge_calls", "judge_cached", "judge_cost_usd", "judge_cost_cny",
}

// WriteCSV writes one row per (suite, target) after CSVHeader, suites in
// report order and targets in display order (baseline first):
//
//   - kind is "pass_rate" or "mean"; score, score_lo and score_hi are the
//     primary score and its interval at the report's level, as fractions
//     for pass rates (0.8, not 80); n is Score.N (cases with repeats);
//   - delta, delta_lo, delta_hi, p and test are the paired comparison with
//     the baseline (same units as score), verdict is better, worse, same
//     (not significant), no_pairs, or empty (the baseline; no baseline);
//   - ran is false for a target limited to other suites (its other
//     columns are empty or 0);
//   - latencies are in milliseconds over successful calls;
//   - currency, cost is the cost in the price's currency; cost_usd and
//     cost_cny are filled when known (an exchange rate converts); all are
//     empty when the model has no price; cost_per_correct (pass/fail
//     suites) is in the price's currency;
//   - pareto_cost and pareto_latency say whether the cell is on the
//     suite's quality-vs-cost and quality-vs-latency fronts;
//   - cached counts the cell's results answered from the cache: they are
//     in calls, the scores and the tokens, not in the latencies, and cost
//     nothing (cost prices the other calls; cost_per_correct every answer);
//   - judge_calls and judge_cached count the judge calls about the cell's
//     answers and those of them answered from the cache; judge_cost_usd
//     and judge_cost_cny are what judging them cost (not in cost), filled
//     when known: 0 without judge calls, empty when the judge has no price
//     or its currency cannot be converted.
//
// Numbers are written at full precision. Empty means unknown.
func WriteCSV(w io.Writer, d *Data) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for si := range d.Suites {
		s := &d.Suites[si]
		for _, c := range s.Cells {
			row := make([]string, 0, len(CSVHeader))
			row = append(row, d.Run.ID, s.Name, s.Scorer, kindWord(s), c.Target,
				strconv.FormatBool(c.Baseline), strconv.FormatBool(c.Simulated), strconv.FormatBool(!c.NotRun))
			row = append(row, strconv.Itoa(c.Score.N), strconv.Itoa(c.Samples))
			if c.Score.N > 0 {
				row = append(row, fnum(c.Score.Centre), fnum(c.Score.Lo), fnum(c.Score.Hi))
			} else {
				row = append(row, "", "", "")
			}
			if cp := c.Comparison; cp != nil && cp.Delta.N > 0 {
				row = append(row, fnum(cp.Delta.Centre), fnum(cp.Delta.Lo), fnum(cp.Delta.Hi), fnum(cp.P), cp.Test, verdictWord(cp), strconv.Itoa(cp.Delta.N))
			} else {
				row = append(row, "", "", "", "", "", verdictWord(cp), "0")
			}
			row = append(row, strconv.Itoa(c.N), strconv.Itoa(c.Errors), strconv.Itoa(c.Refusals), strconv.Itoa(c.Unscored))
			lat := func(v float64, ok bool) string {
				if !ok {
					return ""
				}
				return fnum(v)
			}
			row = append(row,
				lat(ms(c.Latency.P50), c.Latency.N > 0), lat(ms(c.Latency.P95), c.Latency.N > 0), lat(ms(c.Latency.P99), c.Latency.N > 0),
				lat(ms(c.TTFT.P50), c.TTFT.N > 0))
			row = append(row, strconv.FormatInt(c.InputTokens, 10), strconv.FormatInt(c.OutputTokens, 10))
			if c.Cost.Priced() {
				usd, okU := c.Cost.In(bench.USD)
				cny, okC := c.Cost.In(bench.CNY)
				pc, okP := c.Cost.PerCorrect()
				row = append(row, c.Cost.Price.Currency, fnum(c.Cost.Amount), lat(usd, okU), lat(cny, okC), lat(pc, okP))
			} else {
				row = append(row, "", "", "", "", "")
			}
			row = append(row, strconv.FormatBool(c.Front.Cost), strconv.FormatBool(c.Front.Latency))
			calls, cached, total, priced := judgingSum(c.Judging)
			row = append(row, strconv.Itoa(c.Cached), strconv.Itoa(calls), strconv.Itoa(cached))
			for _, cur := range []string{bench.USD, bench.CNY} {
				v, ok := total.In(cur)
				switch {
				case calls == 0:
					row = append(row, "0")
				case priced && ok:
					row = append(row, fnum(v))
				default:
					row = append(row, "")
				}
			}
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("write csv: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// judgingSum adds up js: its calls, those from the cache, the total of
// their costs, and whether every judge target in it has a price.
func judgingSum(js []Judging) (calls, cached int, total Total, priced bool) {
	priced = true
	for _, j := range js {
		calls += j.Calls
		cached += j.Cost.Cached
		total.add(j.Cost)
		priced = priced && j.Cost.Priced()
	}
	return calls, cached, total, priced
}
