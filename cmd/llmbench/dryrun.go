package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/llmbench/llmbench/bench"
)

// dryRun prints what a run of cfg would ask of each target, and what it
// would cost by estimate. It contacts nothing and writes nothing: the
// database is not opened. Unset key variables are listed, not an error,
// so a plan can be read before keys are at hand.
func dryRun(cfg *bench.Config, ro runOptions, w io.Writer) error {
	missing := map[string]bool{}
	getenv := func(k string) string {
		if v := os.Getenv(k); v != "" {
			return v
		}
		missing[k] = true
		return "unset-in-dry-run" // never sent: nothing is contacted
	}
	prep, err := bench.Prepare(cfg, getenv, nil)
	if err != nil {
		return err
	}
	plans, err := prep.DryRun()
	if err != nil {
		return err
	}
	ex := cfg.Exchange
	fmt.Fprintf(w, "dry run of %s: nothing contacted, nothing written\n\n", cfg.Path)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "target\tmodel\tcalls\timages\tinput tokens\toutput typical\toutput at most\tcost (typical)\tcost (at most)\tinput estimate")
	var totUSD, totCNY, maxUSD, maxCNY float64
	var unpriced []string
	allBounded := true
	for _, p := range plans {
		name := p.Target
		if p.Judge {
			name += " (judge)"
		}
		atMost := "no max_tokens"
		if p.Bounded {
			atMost = strconv.FormatInt(p.OutputMax, 10)
		}
		cost, costMax := "no price", "no price"
		if p.Price != nil {
			cost = moneyBoth(p.Cost, p.Price.Currency, ex)
			costMax = "no max_tokens"
			if p.Bounded {
				costMax = moneyBoth(p.CostMax, p.Price.Currency, ex)
			}
			u, c := bench.InCurrency(p.Cost, p.Price.Currency, ex)
			mu, mc := bench.InCurrency(p.CostMax, p.Price.Currency, ex)
			totUSD, totCNY = addKnown(totUSD, u), addKnown(totCNY, c)
			maxUSD, maxCNY = addKnown(maxUSD, mu), addKnown(maxCNY, mc)
			allBounded = allBounded && p.Bounded
		} else {
			unpriced = append(unpriced, name)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%s\t%s\t%s\t%s\n", name, p.Model, p.Calls, p.Images, p.InputTokens, p.OutputTypical, atMost, cost, costMax, p.InputMethod)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nestimated total: %s typical", totalBoth(totUSD, totCNY, ex))
	if allBounded {
		fmt.Fprintf(w, ", %s at most", totalBoth(maxUSD, maxCNY, ex))
	}
	fmt.Fprintln(w)
	if len(unpriced) > 0 {
		fmt.Fprintf(w, "not in the total (no price): %s\n", strings.Join(unpriced, ", "))
	}
	fmt.Fprintf(w, "how: input tokens by the model's BPE where named, else a CJK character ≈ 1 token and other text ≈ 4 bytes/token, plus 3 per message and 3 per reply; images by OpenAI's tile rule (85 + 170 per 512-px tile); typical answers min(max_tokens, %d) tokens; retries and cached-input discounts not counted\n", bench.TypicalAnswerTokens)
	for _, p := range plans {
		if p.Judge {
			fmt.Fprintf(w, "judge: one call per answer (two per non-baseline answer when pairwise), as if every call is answered; each judge prompt holds the answers it judges, counted as min(max_tokens, %d) tokens; its at-most figures need max_tokens on the judge and on every target it judges\n", bench.TypicalAnswerTokens)
			break
		}
	}
	if ro.MaxCost != nil {
		if _, err := prep.NewBudget(*ro.MaxCost); err != nil {
			fmt.Fprintf(w, "--max-cost %s: %v\n", ro.MaxCost, err)
		} else {
			fmt.Fprintf(w, "--max-cost %s: the run stops scheduling calls before its spend passes it\n", ro.MaxCost)
		}
	}
	if ro.Cache {
		fmt.Fprintln(w, "--cache: calls answered from the database cost nothing; the estimate counts every call")
	}
	if len(missing) > 0 {
		names := make([]string, 0, len(missing))
		for k := range missing {
			names = append(names, k)
		}
		sort.Strings(names)
		fmt.Fprintf(w, "note: not set in the environment (a real run needs them): %s\n", strings.Join(names, ", "))
	}
	return nil
}

// addKnown adds v unless it is NaN (unknown in that currency).
func addKnown(sum, v float64) float64 {
	if math.IsNaN(v) {
		return sum
	}
	return sum + v
}

// moneyBoth is "$1.23 (¥8.76)" with an exchange rate, else the amount in
// its own currency.
func moneyBoth(amount float64, cur string, ex *bench.Exchange) string {
	if ex == nil {
		return money(amount, cur)
	}
	usd, cny := ex.Convert(amount, cur)
	if cur == bench.CNY {
		return money(cny, bench.CNY) + " (" + money(usd, bench.USD) + ")"
	}
	return money(usd, bench.USD) + " (" + money(cny, bench.CNY) + ")"
}

// totalBoth is a total over costs in both currencies.
func totalBoth(usd, cny float64, ex *bench.Exchange) string {
	switch {
	case ex != nil:
		return money(usd, bench.USD) + " (" + money(cny, bench.CNY) + ")"
	case usd != 0 && cny != 0:
		return money(usd, bench.USD) + " + " + money(cny, bench.CNY)
	case cny != 0:
		return money(cny, bench.CNY)
	}
	return money(usd, bench.USD)
}

// money formats an amount with its sign, three significant digits below 1.
func money(v float64, cur string) string {
	sign := "$"
	if cur == bench.CNY {
		sign = "¥"
	}
	if v == 0 {
		return sign + "0"
	}
	dec := 2
	if a := math.Abs(v); a < 1 {
		dec = min(8, max(2, 2-int(math.Floor(math.Log10(a)))))
	}
	return sign + strconv.FormatFloat(v, 'f', dec, 64)
}
