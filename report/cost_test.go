package report

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmbench/llmbench/bench"
	"github.com/llmbench/llmbench/results"
)

// morePlotCount is the number of Pareto and trend plots d renders.
func morePlotCount(t *testing.T, d *Data) int {
	t.Helper()
	m, err := renderMorePlots(d)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range m.Pareto {
		for _, svg := range []string{string(p.Cost), string(p.Latency)} {
			if svg != "" {
				n++
			}
		}
	}
	for _, svg := range m.Trend {
		if svg != "" {
			n++
		}
	}
	if m.TrendLatency != "" {
		n++
	}
	return n
}

// testPricing prices the fixture's claude in CNY (the built-in table
// prices gpt-4o in USD; sim-fast's model has no price), with a rate of
// 8 CNY per USD and two quotas.
func testPricing() *bench.Pricing {
	return &bench.Pricing{
		Prices: []bench.Price{
			{Model: "claude-sonnet", Input: 10, Output: 20, Currency: bench.CNY, Date: "2026-01", Source: "test table"},
		},
		Exchange: &bench.Exchange{USDCNY: 8, Date: "2026-02-03", Source: "test rate"},
		Quotas: []bench.Quota{
			{Target: "claude", Tokens: 100, Note: "trial"},
			{Target: "ghost", Tokens: 5000},
		},
	}
}

func buildWith(t *testing.T, src Source, id string, opts Options) *Data {
	t.Helper()
	d, err := BuildWith(context.Background(), src, id, opts)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// cellOf is the cell of target in suite.
func cellOf(t *testing.T, d *Data, suite, target string) *Cell {
	t.Helper()
	for si := range d.Suites {
		if d.Suites[si].Name != suite {
			continue
		}
		for ci := range d.Suites[si].Cells {
			if c := &d.Suites[si].Cells[ci]; c.Target == target {
				return c
			}
		}
	}
	t.Fatalf("no cell %s/%s", suite, target)
	return nil
}

func targetOf(t *testing.T, d *Data, name string) *TargetSummary {
	t.Helper()
	for i := range d.Targets {
		if d.Targets[i].Name == name {
			return &d.Targets[i]
		}
	}
	t.Fatalf("no target %s", name)
	return nil
}

// TestCosts checks the cost arithmetic by hand on the fixture. Every call
// has 20 input tokens; answers have 6 (pass/fail), 8 (scored summaries)
// or 3 (unscored) output tokens, errors 0.
//
//	gpt-4o (built-in $2.50 / $10.00 per 1M):
//	  arith 200 in, 60 out: 200×2.5e-6 + 60×1e-5 = $0.0011; 8 correct → $0.0001375 each
//	  summ  120 in, 48 out: 120×2.5e-6 + 48×1e-5 = $0.00078
//	claude (¥10 / ¥20 per 1M):
//	  arith 200 in, 54 out (one server error): 200×1e-5 + 54×2e-5 = ¥0.00308 = $0.000385 at 8
//	  summ  120 in, 48 out: 120×1e-5 + 48×2e-5 = ¥0.00216
//	sim-fast: model sim-1 has no price.
func TestCosts(t *testing.T) {
	d := buildWith(t, fixture(), "run-0001", Options{Pricing: testPricing(), PricingFrom: "prices.yaml"})
	approx := cmpopts.EquateApprox(0, 1e-12)
	type money struct {
		Priced            bool
		Currency          string
		Amount, USD, CNY  float64
		Converted         bool
		In, Out           int64
		Correct           int
		PerCorrect        float64
		PerCorrectDefined bool
	}
	view := func(c Cost) money {
		m := money{Priced: c.Priced(), Amount: c.Amount, USD: c.USD, CNY: c.CNY, Converted: c.Converted, In: c.InputTokens, Out: c.OutputTokens, Correct: c.Correct}
		if c.Price != nil {
			m.Currency = c.Price.Currency
		}
		m.PerCorrect, m.PerCorrectDefined = c.PerCorrect()
		return m
	}
	for _, tt := range []struct {
		suite, target string
		want          money
	}{
		{"arith", "gpt-4o", money{true, "USD", 0.0011, 0.0011, 0.0088, true, 200, 60, 8, 0.0011 / 8, true}},
		{"summ", "gpt-4o", money{true, "USD", 0.00078, 0.00078, 0.00624, true, 120, 48, 0, 0, false}},
		{"arith", "claude", money{true, "CNY", 0.00308, 0.000385, 0.00308, true, 200, 54, 9, 0.00308 / 9, true}},
		{"summ", "claude", money{true, "CNY", 0.00216, 0.00027, 0.00216, true, 120, 48, 0, 0, false}},
		{"arith", "sim-fast", money{In: 200, Out: 54, Correct: 3}},
	} {
		t.Run(tt.suite+"/"+tt.target, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, view(cellOf(t, d, tt.suite, tt.target).Cost), approx); diff != "" {
				t.Errorf("cost (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("targets", func(t *testing.T) {
		got := map[string]money{}
		for _, tg := range d.Targets {
			got[tg.Name] = view(tg.Cost)
		}
		want := map[string]money{
			"gpt-4o":   {true, "USD", 0.00188, 0.00188, 0.01504, true, 320, 108, 0, 0, false},
			"claude":   {true, "CNY", 0.00524, 0.000655, 0.00524, true, 320, 102, 0, 0, false},
			"sim-fast": {In: 320, Out: 89},
		}
		if diff := cmp.Diff(want, got, approx); diff != "" {
			t.Errorf("target costs (-want +got):\n%s", diff)
		}
	})
	t.Run("summary", func(t *testing.T) {
		cs := d.Cost
		if cs.Currency != bench.USD || cs.Exchange == nil || cs.ExchangeOrigin != "prices.yaml" {
			t.Errorf("currency %q, exchange %+v from %q", cs.Currency, cs.Exchange, cs.ExchangeOrigin)
		}
		if diff := cmp.Diff([]string{"sim-fast"}, cs.Unpriced); diff != "" {
			t.Errorf("unpriced (-want +got):\n%s", diff)
		}
		want := Total{USD: 0.00188 + 0.000655, CNY: 0.01504 + 0.00524, HasUSD: true, HasCNY: true, Converted: true}
		if diff := cmp.Diff(want, cs.Total, approx); diff != "" {
			t.Errorf("total (-want +got):\n%s", diff)
		}
		var origins []string
		for _, p := range cs.Prices {
			origins = append(origins, p.Model+" "+p.Origin)
		}
		if diff := cmp.Diff([]string{"gpt-4o " + OriginBuiltIn, "claude-sonnet prices.yaml"}, origins); diff != "" {
			t.Errorf("prices listed (-want +got):\n%s", diff)
		}
		quotas := []QuotaUse{
			{Quota: bench.Quota{Target: "claude", Tokens: 100, Note: "trial"}, Origin: "prices.yaml", Used: 422, InRun: true},
			{Quota: bench.Quota{Target: "ghost", Tokens: 5000}, Origin: "prices.yaml"},
		}
		if diff := cmp.Diff(quotas, cs.Quotas, cmpopts.IgnoreUnexported(bench.Quota{})); diff != "" {
			t.Errorf("quotas (-want +got):\n%s", diff)
		}
		if f := cs.Quotas[0].Fraction(); f != 4.22 {
			t.Errorf("quota fraction = %v, want 4.22 (over the quota)", f)
		}
	})
}

func TestCostsWithoutExchange(t *testing.T) {
	p := testPricing()
	p.Exchange = nil
	d := buildWith(t, fixture(), "run-0001", Options{Pricing: p})
	c := cellOf(t, d, "arith", "claude").Cost
	if c.Converted || c.USD != 0 {
		t.Errorf("without a rate a CNY cost has no USD figure: %+v", c)
	}
	if _, ok := c.In(bench.USD); ok {
		t.Error("In(USD) of a CNY cost is known without a rate")
	}
	if v, ok := c.In(bench.CNY); !ok || v != c.Amount {
		t.Errorf("In(CNY) = %v, %v; want the amount", v, ok)
	}
	// Two currencies and no rate: nothing to compare costs in, and the
	// total is kept per currency.
	if d.Cost.Currency != "" {
		t.Errorf("common currency = %q, want none", d.Cost.Currency)
	}
	if got, want := totalText(d.Cost.Total), "$0.00188 + ¥0.00524"; got != want {
		t.Errorf("total = %q, want %q", got, want)
	}
	for _, s := range d.Suites {
		for _, c := range s.Cells {
			if c.Front.Cost {
				t.Errorf("%s/%s is on a cost front without a common currency", s.Name, c.Target)
			}
		}
	}
}

func TestPricingLayers(t *testing.T) {
	for _, tt := range []struct {
		name     string
		config   string
		override *bench.Pricing
		target   results.Target
		want     string // "input currency origin", or "" for no price
		note     string // substring of the one note expected
	}{
		{"built-in", "", nil, results.Target{Model: "GPT-4O"}, "2.5 USD " + OriginBuiltIn, ""},
		{"run config replaces the built-in price",
			"name: n\nprices:\n  - {model: gpt-4o, input: 5, output: 20, currency: USD, date: 2027-01-01}\n", nil,
			results.Target{Model: "gpt-4o"}, "5 USD " + OriginRunConfig, ""},
		{"override replaces the run config",
			"prices: [{model: gpt-4o, input: 5, output: 20, currency: USD, date: 2027}]\n",
			&bench.Pricing{Prices: []bench.Price{{Model: "gpt-4o", Input: 7, Currency: bench.CNY, Date: "2027"}}},
			results.Target{Model: "gpt-4o"}, "7 CNY " + OriginOverride, ""},
		{"a provider's own price wins",
			"prices:\n  - {model: m, input: 1, output: 1, currency: USD, date: 2026}\n  - {model: m, provider: acme, input: 2, output: 2, currency: USD, date: 2026}\n", nil,
			results.Target{Model: "m", Provider: "ACME"}, "2 USD " + OriginRunConfig, ""},
		{"the generic price for other providers",
			"prices:\n  - {model: m, provider: acme, input: 2, output: 2, currency: USD, date: 2026}\n  - {model: m, input: 1, output: 1, currency: USD, date: 2026}\n", nil,
			results.Target{Model: "m", Provider: "other"}, "1 USD " + OriginRunConfig, ""},
		{"only a provider's price", "prices: [{model: m, provider: acme, input: 2, output: 2, currency: USD, date: 2026}]\n", nil,
			results.Target{Model: "m", Provider: "other"}, "", ""},
		{"unknown model", "", nil, results.Target{Model: "nobody-1"}, "", ""},
		{"a free model is priced at 0", "", nil, results.Target{Model: "hunyuan-lite"}, "0 CNY " + OriginBuiltIn, ""},
		{"an unreadable config is a note", "prices: [{model: gpt-4o}]\n", nil,
			results.Target{Model: "gpt-4o"}, "2.5 USD " + OriginBuiltIn, "config of run r:1: prices: gpt-4o has no currency"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := resolvePricing(results.Run{ID: "r", Config: tt.config}, Options{Pricing: tt.override})
			got := ""
			if pr := p.lookup(tt.target); pr != nil {
				got = fnum(pr.Input) + " " + pr.Currency + " " + pr.Origin
			}
			if got != tt.want {
				t.Errorf("price = %q, want %q", got, tt.want)
			}
			switch {
			case tt.note == "" && len(p.notes) > 0:
				t.Errorf("unexpected notes %q", p.notes)
			case tt.note != "" && (len(p.notes) != 1 || !strings.Contains(p.notes[0], tt.note)):
				t.Errorf("notes %q, want one containing %q", p.notes, tt.note)
			}
		})
	}
}

func TestMoneyText(t *testing.T) {
	for _, tt := range []struct {
		amount float64
		cur    string
		want   string
	}{
		{0, bench.USD, "$0"},
		{2.5, bench.USD, "$2.50"},
		{1234.567, bench.CNY, "¥1234.57"},
		{0.5, bench.USD, "$0.500"},
		{0.00188, bench.USD, "$0.00188"},
		{0.0000123, bench.CNY, "¥0.0000123"},
		{1e-12, bench.USD, "$0.00000000"},
	} {
		if got := moneyText(tt.amount, tt.cur); got != tt.want {
			t.Errorf("moneyText(%v, %s) = %q, want %q", tt.amount, tt.cur, got, tt.want)
		}
	}
	if got := costText(Cost{}); got != "no price" {
		t.Errorf("an unpriced cost reads %q, want \"no price\" (never 0)", got)
	}
	cny := &PriceEntry{Price: bench.Price{Currency: bench.CNY}}
	if got, want := costText(Cost{Price: cny, Amount: 8, USD: 1, CNY: 8, Converted: true}), "¥8.00 ($1.00)"; got != want {
		t.Errorf("converted cost = %q, want %q (own currency first)", got, want)
	}
}

// TestCostsJudge prices the judge's calls apart and counts them in its
// quota and the total.
func TestCostsJudge(t *testing.T) {
	src := judgeFixture()
	d := buildWith(t, src, src.run.ID, Options{Pricing: &bench.Pricing{
		Prices: []bench.Price{{Model: "claude-judge", Input: 1e6, Output: 1e6, Currency: bench.USD, Date: "2026"}},
		Quotas: []bench.Quota{{Target: "referee", Tokens: 1000}},
	}})
	if d.Judge == nil || len(d.Cost.Judging) != 1 {
		t.Fatalf("judging = %+v, want one judge target", d.Cost.Judging)
	}
	in, out := d.Judge.InputTokens, d.Judge.OutputTokens
	if in+out == 0 {
		t.Fatal("the judge fixture has no tokens: the test proves nothing")
	}
	j := d.Cost.Judging[0]
	if j.Judge.Name != "referee" || j.Calls != d.Judge.N {
		t.Errorf("judging %s with %d calls, want referee with %d", j.Judge.Name, j.Calls, d.Judge.N)
	}
	if got, want := j.Cost.Amount, float64(in+out); got != want {
		t.Errorf("judge cost = %v, want %v (1 per token)", got, want)
	}
	q := d.Cost.Quotas[0]
	if !q.InRun || q.Used < in+out {
		t.Errorf("judge quota %+v: want its %d judge tokens counted", q, in+out)
	}
}
