package report

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/llmbench/llmbench/bench"
	"github.com/llmbench/llmbench/results"
)

// Where a price, rate or quota came from, weakest first: a later layer
// replaces the prices of the models it names, and its rate and quotas.
const (
	// OriginBuiltIn is bench's built-in price table (bench.DefaultPrices).
	OriginBuiltIn = "built-in table"
	// OriginRunConfig is the prices:, exchange: and quotas: of the config
	// the run recorded.
	OriginRunConfig = "run config"
	// OriginOverride is Options.Pricing unless Options.PricingFrom names it.
	OriginOverride = "override"
)

// PriceEntry is a price as applied, with where it came from.
type PriceEntry struct {
	bench.Price
	// Origin is OriginBuiltIn, OriginRunConfig or Options.PricingFrom.
	Origin string
}

// Cost is what a group of calls cost in this run: the tokens of the calls
// made × the price (bench.Price.Cost):
//
//	Amount = InputTokens × Price.Input / 10⁶ + OutputTokens × Price.Output / 10⁶
//
// in the price's own currency. Tokens are those the provider reported for
// each call's final attempt, failed calls included (a provider may bill
// them); tokens of failed attempts before a retry are not recorded, so a
// run with retries may have cost a little more. A call answered from the
// cache (llmbench run --cache) was not sent, so it costs nothing: its
// tokens, the original call's, are in CachedInputTokens and
// CachedOutputTokens, not in InputTokens and OutputTokens.
type Cost struct {
	// Price is the price applied; nil when the target's model has none,
	// in which case the cost is unknown (shown as "no price", never 0).
	Price *PriceEntry
	// InputTokens and OutputTokens are the tokens priced: those of the
	// calls made in this run.
	InputTokens, OutputTokens int64
	// Amount is the cost in Price.Currency.
	Amount float64
	// USD and CNY are the cost in each currency when Converted (an
	// exchange rate is set); without one only the price's own currency is
	// known, and the other field is 0.
	USD, CNY  float64
	Converted bool
	// Cached counts the calls answered from the cache, and
	// CachedInputTokens and CachedOutputTokens their tokens: not priced.
	Cached                                int
	CachedInputTokens, CachedOutputTokens int64
	// Correct counts the passing answers behind the cost, for PerCorrect:
	// set on the cells of pass/fail suites only (0 elsewhere, and on
	// targets, whose cost spans suites of other kinds).
	Correct int
}

// Priced reports whether the cost is known.
func (c Cost) Priced() bool { return c.Price != nil }

// In returns the cost in currency cur (bench.USD or bench.CNY), and whether
// it is known in that currency.
func (c Cost) In(cur string) (float64, bool) {
	switch {
	case c.Price == nil:
		return 0, false
	case c.Price.Currency == cur:
		return c.Amount, true
	case !c.Converted:
		return 0, false
	case cur == bench.USD:
		return c.USD, true
	case cur == bench.CNY:
		return c.CNY, true
	}
	return 0, false
}

// PerCorrect is the cost of one correct answer in the price's currency,
// ListAmount / Correct, and whether it is defined (priced, some correct
// answers). It prices every answer, cached ones included, so it is the
// model's figure: what the cache saved this run does not lower it, and
// judging (CostSummary.Judging) is not in it.
func (c Cost) PerCorrect() (float64, bool) {
	if c.Price == nil || c.Correct == 0 {
		return 0, false
	}
	return c.ListAmount() / float64(c.Correct), true
}

// ListAmount is what every call behind the cost costs at the price, cached
// ones included, in Price.Currency (0 without a price): Amount when no
// call came from the cache.
func (c Cost) ListAmount() float64 {
	if c.Price == nil {
		return 0
	}
	if c.Cached == 0 {
		return c.Amount
	}
	return c.Price.Cost(c.InputTokens+c.CachedInputTokens, c.OutputTokens+c.CachedOutputTokens)
}

// listIn is ListAmount in currency cur, converted with ex when the price
// is in the other one, and whether it is known.
func (c Cost) listIn(cur string, ex *bench.Exchange) (float64, bool) {
	if c.Cached == 0 {
		return c.In(cur)
	}
	if c.Price == nil {
		return 0, false
	}
	v := c.ListAmount()
	switch {
	case c.Price.Currency == cur:
		return v, true
	case ex == nil:
		return 0, false
	}
	usd, cny := ex.Convert(v, c.Price.Currency)
	if cur == bench.USD {
		return usd, true
	}
	return cny, true
}

// Judging is what one judge target's calls cost in this run: the calls it
// made to score answers (see JudgeSummary), priced at its own price. Cached
// judge calls cost nothing (Cost.Cached counts them). Judging is never
// folded into a target's Cost: a target's cost, and its cost per correct
// answer, are its own answers'.
type Judging struct {
	// Judge is the judge target as recorded with the run; only its Name
	// is known when it was not recorded.
	Judge results.Target
	// Calls counts its judge calls stored for the run, cached ones
	// included.
	Calls int
	Cost  Cost
}

// CostSummary is the report's Cost section beyond the per-cell and
// per-target costs (Cell.Cost, TargetSummary.Cost).
type CostSummary struct {
	// Prices are the prices of the run's targets (and judge), one per
	// priced model, in target display order.
	Prices []PriceEntry
	// Unpriced names the targets whose model has no price, in display order.
	Unpriced []string
	// Exchange is the rate converting every cost into both currencies; nil
	// without one. ExchangeOrigin says where it came from.
	Exchange       *bench.Exchange
	ExchangeOrigin string
	// Currency is the one currency all costs can be compared in: USD with
	// an exchange rate, else the currency of every price when they share
	// one, else "" (quality-vs-cost plots need it).
	Currency string
	// Judging is the spend of each judge target on judge calls, the run's
	// judge first (it is listed even before its first call), then any
	// other judge target the calls name, in order of first call. Empty
	// without a judge.
	Judging []Judging
	// Total sums every priced cost of the run, judging included: in both
	// currencies with an exchange rate, else per currency (USD the sum of
	// the USD-priced costs, CNY of the CNY-priced ones). AnswerTotal is
	// its part spent on the targets' answers, JudgeTotal on judging.
	Total, AnswerTotal, JudgeTotal Total
	// Quotas are the free-token quotas with the tokens this run used.
	Quotas []QuotaUse
	// Notes are problems met while reading prices (an unreadable price
	// table in the run's config, for one).
	Notes []string
}

// Total is a sum of costs; see CostSummary.Total.
type Total struct {
	USD, CNY float64
	// HasUSD and HasCNY say whether any cost entered each sum.
	HasUSD, HasCNY bool
	// Converted is true when both sums are the whole total.
	Converted bool
}

// In returns the total in currency cur, and whether it is known in it:
// with an exchange rate always (once a cost entered), without one only
// when every cost that entered is in cur.
func (t Total) In(cur string) (float64, bool) {
	switch {
	case cur == bench.USD && t.HasUSD && (t.Converted || !t.HasCNY):
		return t.USD, true
	case cur == bench.CNY && t.HasCNY && (t.Converted || !t.HasUSD):
		return t.CNY, true
	}
	return 0, false
}

func (t *Total) add(c Cost) {
	if c.Price == nil {
		return
	}
	if c.Converted {
		t.USD += c.USD
		t.CNY += c.CNY
		t.HasUSD, t.HasCNY, t.Converted = true, true, true
		return
	}
	if c.Price.Currency == bench.USD {
		t.USD += c.Amount
		t.HasUSD = true
	} else {
		t.CNY += c.Amount
		t.HasCNY = true
	}
}

// QuotaUse is a free-token quota and how much of it the run used.
type QuotaUse struct {
	bench.Quota
	// Origin says where the quota is written.
	Origin string
	// Used counts the input and output tokens of the target's calls made
	// in this run, its judge calls included when it is the judge; calls
	// answered from the cache used none.
	Used int64
	// InRun is false when no target or judge of the run has the name.
	InRun bool
}

// Fraction is Used / Tokens.
func (q QuotaUse) Fraction() float64 {
	if q.Tokens <= 0 {
		return 0
	}
	return float64(q.Used) / float64(q.Tokens)
}

// pricing is the merged price table of a report.
type pricing struct {
	prices []PriceEntry
	// table is prices without their origins, in the same order, for
	// bench.FindPrice.
	table          []bench.Price
	exchange       *bench.Exchange
	exchangeOrigin string
	quotas         []QuotaUse
	notes          []string
}

// resolvePricing merges, weakest first, the built-in table, the prices in
// the run's recorded config, and opts.Pricing. A later layer's prices
// replace every earlier price of the same model (compared without case);
// its exchange rate replaces the earlier one, and its quota for a target
// the earlier quota for that target. An unreadable config is a note, not
// an error: the report still renders, with the other layers.
func resolvePricing(run results.Run, opts Options) pricing {
	var p pricing
	p.layer(bench.Pricing{Prices: bench.DefaultPrices()}, OriginBuiltIn)
	if strings.TrimSpace(run.Config) != "" {
		cfg, err := bench.ParsePricing("config of run "+run.ID, []byte(run.Config))
		if err != nil {
			p.notes = append(p.notes, fmt.Sprintf("The prices in the run's config could not be read, so they are not used: %v", err))
		} else {
			p.layer(cfg, OriginRunConfig)
		}
	}
	if opts.Pricing != nil {
		from := opts.PricingFrom
		if from == "" {
			from = OriginOverride
		}
		p.layer(*opts.Pricing, from)
	}
	return p
}

func (p *pricing) layer(l bench.Pricing, origin string) {
	named := map[string]bool{}
	for _, pr := range l.Prices {
		named[strings.ToLower(pr.Model)] = true
	}
	kept := p.prices[:0:0]
	for _, pr := range p.prices {
		if !named[strings.ToLower(pr.Model)] {
			kept = append(kept, pr)
		}
	}
	for _, pr := range l.Prices {
		kept = append(kept, PriceEntry{Price: pr, Origin: origin})
	}
	p.prices = kept
	p.table = make([]bench.Price, len(kept))
	for i, pr := range kept {
		p.table[i] = pr.Price
	}
	if l.Exchange != nil {
		e := *l.Exchange
		p.exchange, p.exchangeOrigin = &e, origin
	}
	for _, q := range l.Quotas {
		replaced := false
		for i := range p.quotas {
			if p.quotas[i].Target == q.Target {
				p.quotas[i] = QuotaUse{Quota: q, Origin: origin}
				replaced = true
			}
		}
		if !replaced {
			p.quotas = append(p.quotas, QuotaUse{Quota: q, Origin: origin})
		}
	}
}

// lookup finds the price of a target's model with bench.FindPrice (the
// rule bench's budget prices calls by): an entry for the model and the
// target's provider wins over one for the model alone, compared without
// regard to case.
func (p *pricing) lookup(t results.Target) *PriceEntry {
	pr := bench.FindPrice(p.table, t.Provider, t.Model)
	if pr == nil {
		return nil
	}
	for i := range p.table {
		if &p.table[i] == pr {
			return &p.prices[i]
		}
	}
	return nil
}

// tokenUse is the calls and tokens a Cost is priced from. in and out are
// every call's tokens, cached ones included; cachedIn and cachedOut the
// part of them that calls answered from the cache report.
type tokenUse struct {
	calls, cached                int
	in, out, cachedIn, cachedOut int64
}

func (u *tokenUse) add(in, out int64, cached bool) {
	u.calls++
	u.in += in
	u.out += out
	if cached {
		u.cached++
		u.cachedIn += in
		u.cachedOut += out
	}
}

// useOf is the token use of a group of results.
func useOf(c Calls) tokenUse {
	return tokenUse{calls: c.N, cached: c.Cached, in: c.InputTokens, out: c.OutputTokens,
		cachedIn: c.CachedInputTokens, cachedOut: c.CachedOutputTokens}
}

// cost prices the calls of u that were made (bench.Price.Cost); pr nil
// gives an unpriced Cost.
func (p *pricing) cost(pr *PriceEntry, u tokenUse) Cost {
	c := Cost{Price: pr, InputTokens: u.in - u.cachedIn, OutputTokens: u.out - u.cachedOut,
		Cached: u.cached, CachedInputTokens: u.cachedIn, CachedOutputTokens: u.cachedOut}
	if pr == nil {
		return c
	}
	c.Amount = pr.Cost(c.InputTokens, c.OutputTokens)
	if p.exchange != nil {
		c.USD, c.CNY = p.exchange.Convert(c.Amount, pr.Currency)
		c.Converted = true
	}
	return c
}

// applyCosts prices every cell and target of d, the judge calls of ju
// (nil without a judge), and the quotas, and marks the Pareto fronts
// (which need the costs). correct[s][t] counts the passing answers of
// suite s and target t (see builder.finish).
func applyCosts(d *Data, p pricing, ju *judgeUse, correct [][]int) {
	cs := &CostSummary{Exchange: p.exchange, ExchangeOrigin: p.exchangeOrigin, Notes: p.notes}
	prices := make([]*PriceEntry, len(d.Targets))
	listed := map[*PriceEntry]bool{}
	list := func(pr *PriceEntry) {
		if pr != nil && !listed[pr] {
			listed[pr] = true
			cs.Prices = append(cs.Prices, *pr)
		}
	}
	for i := range d.Targets {
		t := &d.Targets[i]
		prices[i] = p.lookup(t.Target)
		list(prices[i])
		if prices[i] == nil {
			cs.Unpriced = append(cs.Unpriced, t.Name)
		}
		t.Cost = p.cost(prices[i], useOf(t.Calls))
	}
	for si := range d.Suites {
		s := &d.Suites[si]
		for ti := range s.Cells {
			c := &s.Cells[ti]
			if c.NotRun {
				continue
			}
			c.Cost = p.cost(prices[ti], useOf(c.Calls))
			if s.Binary {
				c.Cost.Correct = correct[si][ti]
			}
		}
	}
	if ju != nil {
		judgePrices := make([]*PriceEntry, len(ju.judges))
		for i, name := range ju.judges {
			jt := ju.target(name)
			pr := p.lookup(jt)
			judgePrices[i] = pr
			list(pr)
			if pr == nil && !slices.Contains(cs.Unpriced, name) {
				cs.Unpriced = append(cs.Unpriced, name)
			}
			var u tokenUse
			if tu := ju.total[name]; tu != nil {
				u = *tu
			}
			cs.Judging = append(cs.Judging, Judging{Judge: jt, Calls: u.calls, Cost: p.cost(pr, u)})
		}
		for si := range d.Suites {
			s := &d.Suites[si]
			for ti := range s.Cells {
				c := &s.Cells[ti]
				for i, name := range ju.judges {
					if u := ju.cells[judgedCell{suite: s.Name, target: c.Target, judge: name}]; u != nil {
						c.Judging = append(c.Judging, Judging{Judge: cs.Judging[i].Judge, Calls: u.calls, Cost: p.cost(judgePrices[i], *u)})
					}
				}
			}
		}
	}

	// The one currency costs can be compared in.
	switch {
	case p.exchange != nil:
		cs.Currency = bench.USD
	default:
		for _, pr := range cs.Prices {
			if cs.Currency == "" {
				cs.Currency = pr.Currency
			} else if cs.Currency != pr.Currency {
				cs.Currency = ""
				break
			}
		}
	}
	for i := range d.Targets {
		cs.AnswerTotal.add(d.Targets[i].Cost)
		cs.Total.add(d.Targets[i].Cost)
	}
	for _, j := range cs.Judging {
		cs.JudgeTotal.add(j.Cost)
		cs.Total.add(j.Cost)
	}
	converted := p.exchange != nil
	cs.Total.Converted, cs.AnswerTotal.Converted, cs.JudgeTotal.Converted = converted, converted, converted

	for _, q := range p.quotas {
		for i := range d.Targets {
			if t := &d.Targets[i]; t.Name == q.Target {
				q.InRun = true
				q.Used += t.Cost.InputTokens + t.Cost.OutputTokens
			}
		}
		for _, j := range cs.Judging {
			if j.Judge.Name == q.Target {
				q.InRun = true
				q.Used += j.Cost.InputTokens + j.Cost.OutputTokens
			}
		}
		cs.Quotas = append(cs.Quotas, q)
	}
	d.Cost = cs
	markFronts(d)
}

// moneyText formats an amount with its currency sign: "$2.50", "¥0.0123",
// "$0" for a free model. Amounts under 1 keep three significant digits,
// so a cheap suite never reads as $0.00.
func moneyText(amount float64, cur string) string {
	sign := "$"
	if cur == bench.CNY {
		sign = "¥"
	}
	if amount == 0 {
		return sign + "0"
	}
	dec := 2
	if a := math.Abs(amount); a < 1 {
		dec = min(8, max(2, 2-int(math.Floor(math.Log10(a)))))
	}
	return sign + strconv.FormatFloat(amount, 'f', dec, 64)
}

// costText is a cost for people: "$0.0123 (¥0.0876)" with an exchange
// rate, "¥0.0876" without, "no price" when the model has none.
func costText(c Cost) string {
	if c.Price == nil {
		return "no price"
	}
	if !c.Converted {
		return moneyText(c.Amount, c.Price.Currency)
	}
	// The price's own currency first.
	if c.Price.Currency == bench.CNY {
		return moneyText(c.CNY, bench.CNY) + " (" + moneyText(c.USD, bench.USD) + ")"
	}
	return moneyText(c.USD, bench.USD) + " (" + moneyText(c.CNY, bench.CNY) + ")"
}

// perCorrectText is the cost of one correct answer, "—" when undefined.
func perCorrectText(c Cost) string {
	v, ok := c.PerCorrect()
	if !ok {
		return "—"
	}
	return moneyText(v, c.Price.Currency)
}

// totalText is "$1.23 (¥8.76)" with a rate, "$1.23 + ¥8.76" without,
// "—" when nothing was priced.
func totalText(t Total) string {
	switch {
	case t.Converted && t.HasUSD:
		return moneyText(t.USD, bench.USD) + " (" + moneyText(t.CNY, bench.CNY) + ")"
	case t.HasUSD && t.HasCNY:
		return moneyText(t.USD, bench.USD) + " + " + moneyText(t.CNY, bench.CNY)
	case t.HasUSD:
		return moneyText(t.USD, bench.USD)
	case t.HasCNY:
		return moneyText(t.CNY, bench.CNY)
	}
	return "—"
}

// priceText is "$2.50 / $10.00 per 1M in / out".
func priceText(p bench.Price) string {
	return moneyText(p.Input, p.Currency) + " / " + moneyText(p.Output, p.Currency)
}
