package bench

import (
	"context"
	"fmt"
	"iter"
	"math"
	"strings"
	"sync"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/results"
)

// Budget stops a run from scheduling new calls once its projected spend
// would pass a limit (llmbench run --max-cost). The projected spend is
//
//	spent (priced tokens of the results stored so far, this session's included)
//	+ reserved (each call in flight, by estimate: its input tokens, see
//	  EstimateInput, and the mean answer of the target's stored results,
//	  or before there is one min(max_tokens, TypicalAnswerTokens))
//
// converted into the limit's currency. Since calls in flight are counted
// by estimate, the final spend can pass the limit by the difference
// between what they cost and their estimate: at most the target's
// concurrency × max_tokens answer tokens. A call whose reservation would take
// the projection past the limit is not made, and from then on no call is:
// the run ends incomplete and a resume (with a higher limit, or none)
// makes the rest. A call answered from the cache costs nothing. Judge
// calls are not counted.
//
// A Budget is safe for concurrent use.
type Budget struct {
	limit Money
	// rate converts each target's price into the limit's currency.
	prices map[string]targetPrice

	mu       sync.Mutex
	spent    float64 // stored results, in the limit's currency
	session  float64 // the part of spent stored by this invocation
	reserved float64
	stopped  bool
	answers  map[string]*mean // output tokens per call, by target
}

type mean struct{ sum, n float64 }

type targetPrice struct {
	price Price
	rate  float64 // limit-currency units per price-currency unit
}

// NewBudget builds a budget of limit for targets, priced by table (see
// Config.PriceTable) and converted with ex. It fails, naming them, when a
// target's model has no price or is priced in the other currency without
// an exchange rate: such a budget could not be enforced.
func NewBudget(limit Money, targets []Target, providerOf map[string]string, table []Price, ex *Exchange) (*Budget, error) {
	b := &Budget{limit: limit, prices: map[string]targetPrice{}, answers: map[string]*mean{}}
	var unpriced, unconverted []string
	for _, t := range targets {
		pr := FindPrice(table, providerOf[t.Name], t.Model)
		if pr == nil {
			unpriced = append(unpriced, fmt.Sprintf("%s (model %s)", t.Name, t.Model))
			continue
		}
		rate, ok := convert(1, pr.Currency, limit.Currency, ex)
		if !ok {
			unconverted = append(unconverted, fmt.Sprintf("%s (priced in %s)", t.Name, pr.Currency))
			continue
		}
		b.prices[t.Name] = targetPrice{price: *pr, rate: rate}
	}
	var problems []string
	if len(unpriced) > 0 {
		problems = append(problems, fmt.Sprintf("cannot enforce --max-cost: no price for %s; add them under prices: in the config", strings.Join(unpriced, ", ")))
	}
	if len(unconverted) > 0 {
		problems = append(problems, fmt.Sprintf("cannot enforce --max-cost in %s: %s; add exchange: {USD_CNY: …, date: …} to the config", limit.Currency, strings.Join(unconverted, ", ")))
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return b, nil
}

// Limit is the budget's limit.
func (b *Budget) Limit() Money { return b.limit }

// cost is what target's tokens cost in the limit's currency (0 for a
// target the budget does not know, such as a judge).
func (b *Budget) cost(target string, in, out int64) float64 {
	tp, ok := b.prices[target]
	if !ok {
		return 0
	}
	return tp.price.Cost(in, out) * tp.rate
}

// AddStored counts a result stored before this invocation (a resumed
// run's) as spent.
func (b *Budget) AddStored(r results.Result) {
	rp := &r
	c := b.cost(r.Target, int64(r.InputTokens), int64(r.OutputTokens))
	b.mu.Lock()
	b.spent += c
	b.noteAnswerLocked(rp)
	b.mu.Unlock()
}

// noteAnswerLocked adds a result's answer length to its target's mean.
func (b *Budget) noteAnswerLocked(r *results.Result) {
	if r == nil || r.Cached || r.OutputTokens <= 0 {
		return
	}
	m := b.answers[r.Target]
	if m == nil {
		m = &mean{}
		b.answers[r.Target] = m
	}
	m.sum += float64(r.OutputTokens)
	m.n++
}

// reservation is one call's share of the projection until it settles.
type reservation struct {
	target string
	in     int64
	amount float64
}

// reserve books a call of t with request req; ok is false, and the budget
// stopped, when the projection would pass the limit.
func (b *Budget) reserve(t *Target, req *providers.Request) (reservation, bool) {
	in := int64(EstimateInput(t.Model, req).Tokens)
	out := float64(TypicalAnswerTokens)
	if req.Params.MaxTokens != nil && *req.Params.MaxTokens > 0 {
		out = min(out, float64(*req.Params.MaxTokens))
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if m := b.answers[t.Name]; m != nil && m.n > 0 {
		out = m.sum / m.n
	}
	r := reservation{target: t.Name, in: in, amount: b.cost(t.Name, in, int64(math.Ceil(out)))}
	if b.stopped || b.spent+b.reserved+r.amount > b.limit.Amount {
		b.stopped = true
		return r, false
	}
	b.reserved += r.amount
	return r, true
}

// settle replaces a reservation by what the stored result cost: its
// reported tokens, or the estimate when a successful call reported none.
// res nil (the call was not stored) frees the reservation.
func (b *Budget) settle(r reservation, res *results.Result) {
	var c float64
	switch {
	case res == nil || res.Cached:
	case res.InputTokens+res.OutputTokens == 0 && res.OK():
		c = r.amount
	default:
		c = b.cost(r.target, int64(res.InputTokens), int64(res.OutputTokens))
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.reserved -= r.amount
	b.spent += c
	b.session += c
	b.noteAnswerLocked(res)
}

// Stopped reports whether the budget stopped the run.
func (b *Budget) Stopped() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stopped
}

// Spent is the cost of the run's stored results, and the part of it this
// invocation stored, in the limit's currency.
func (b *Budget) Spent() (total, session float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.spent, b.session
}

// NewBudget is the budget of limit for p's targets, priced by the config's
// price table and exchange rate.
func (p *Prepared) NewBudget(limit Money) (*Budget, error) {
	providerOf := map[string]string{}
	for _, tc := range p.Config.Targets {
		providerOf[tc.Name] = tc.Provider
	}
	return NewBudget(limit, p.Targets, providerOf, p.Config.PriceTable(), p.Config.Exchange)
}

// resultReader is an optional Store interface: a run's stored results, for
// the spend a resumed run starts from.
type resultReader interface {
	Results(ctx context.Context, runID string) iter.Seq2[results.Result, error]
}

var _ resultReader = (*results.Store)(nil)

// addStored counts the run's stored results against b.
func addStored(ctx context.Context, store Store, runID string, b *Budget) error {
	rr, ok := store.(resultReader)
	if !ok {
		return fmt.Errorf("this store cannot list results, so --max-cost cannot count what run %s spent", runID)
	}
	for r, err := range rr.Results(ctx, runID) {
		if err != nil {
			return err
		}
		b.AddStored(r)
	}
	return nil
}

// roundMoney rounds an amount to 6 decimals for notes.
func roundMoney(v float64) float64 { return math.Round(v*1e6) / 1e6 }
