package bench

import (
	"context"
	"fmt"
	"iter"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/results"
)

// Budget stops a run from scheduling new calls once its projected spend
// would pass a limit (llmbench run --max-cost). The projected spend is
//
//	spent (priced tokens of the results and judge calls stored so far,
//	  this session's included)
//	+ reserved (each call in flight, by estimate: its input tokens, see
//	  EstimateInput, and the mean answer of the target's stored results,
//	  or before there is one min(max_tokens, TypicalAnswerTokens))
//
// converted into the limit's currency. Judge calls are priced at the judge
// target's price and reserved like answers, with the mean of the judge's
// own stored answers (a target that also judges keeps the two means
// apart: a verdict is not an answer). Since calls in flight are counted
// by estimate, the final spend can pass the limit by the difference
// between what they cost and their estimate: at most the target's
// concurrency × max_tokens answer tokens. A call whose reservation would take
// the projection past the limit is not made, and from then on no call is,
// answering or judging: the run ends incomplete and a resume (with a
// higher limit, or none) makes the rest. A call answered from the cache
// costs nothing.
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
	answers  map[string]*mean // output tokens per call, by meanKey
}

// judgeMean is the key of a judge target's mean answer in Budget.answers
// (a target's own answers are under its name).
func judgeMean(target string) string { return target + "\x00judge" }

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
// target the budget does not know).
func (b *Budget) cost(target string, in, out int64) float64 {
	tp, ok := b.prices[target]
	if !ok {
		return 0
	}
	return tp.price.Cost(in, out) * tp.rate
}

// AddStored counts a result stored before this invocation (a resumed
// run's) as spent; a result copied from the cache cost nothing.
func (b *Budget) AddStored(r results.Result) {
	b.addStored(r.Target, r.Target, usageOf(&r))
}

// AddStoredJudgeCall counts a judge call stored before this invocation (a
// resumed run's) as spent, at its judge target's price; a call copied from
// the cache cost nothing.
func (b *Budget) AddStoredJudgeCall(c results.JudgeCall) {
	b.addStored(c.JudgeTarget, judgeMean(c.JudgeTarget), judgeUsageOf(&c))
}

func (b *Budget) addStored(target, meanKey string, u *callUsage) {
	var c float64
	if !u.cached {
		c = b.cost(target, int64(u.in), int64(u.out))
	}
	b.mu.Lock()
	b.spent += c
	b.noteAnswerLocked(meanKey, u)
	b.mu.Unlock()
}

// callUsage is what a stored call reported: its tokens, whether it gave an
// answer, and whether it came from the cache (then it cost nothing).
type callUsage struct {
	in, out    int
	ok, cached bool
}

func usageOf(r *results.Result) *callUsage {
	if r == nil {
		return nil
	}
	return &callUsage{in: r.InputTokens, out: r.OutputTokens, ok: r.OK(), cached: r.Cached}
}

// judgeUsageOf is a judge call's usage; an answer without a readable
// verdict is still an answer the judge was paid for.
func judgeUsageOf(c *results.JudgeCall) *callUsage {
	if c == nil {
		return nil
	}
	return &callUsage{in: c.InputTokens, out: c.OutputTokens, ok: c.OK() || c.ErrorCode == unparseableCode, cached: c.Cached}
}

// noteAnswerLocked adds a call's answer length to the mean under key.
func (b *Budget) noteAnswerLocked(key string, u *callUsage) {
	if u == nil || u.cached || u.out <= 0 {
		return
	}
	m := b.answers[key]
	if m == nil {
		m = &mean{}
		b.answers[key] = m
	}
	m.sum += float64(u.out)
	m.n++
}

// reservation is one call's share of the projection until it settles.
type reservation struct {
	target, meanKey string
	in              int64
	amount          float64
}

// reserve books an answering call of t with request req; ok is false, and
// the budget stopped, when the projection would pass the limit.
func (b *Budget) reserve(t *Target, req *providers.Request) (reservation, bool) {
	return b.reserveAs(t, t.Name, req)
}

// reserveJudge books a judge call of judge target t.
func (b *Budget) reserveJudge(t *Target, req *providers.Request) (reservation, bool) {
	return b.reserveAs(t, judgeMean(t.Name), req)
}

func (b *Budget) reserveAs(t *Target, meanKey string, req *providers.Request) (reservation, bool) {
	in := int64(EstimateInput(t.Model, req).Tokens)
	out := float64(TypicalAnswerTokens)
	if req.Params.MaxTokens != nil && *req.Params.MaxTokens > 0 {
		out = min(out, float64(*req.Params.MaxTokens))
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if m := b.answers[meanKey]; m != nil && m.n > 0 {
		out = m.sum / m.n
	}
	r := reservation{target: t.Name, meanKey: meanKey, in: in, amount: b.cost(t.Name, in, int64(math.Ceil(out)))}
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
func (b *Budget) settle(r reservation, res *results.Result) { b.settleUsage(r, usageOf(res)) }

// settleJudge is settle for a judge call.
func (b *Budget) settleJudge(r reservation, c *results.JudgeCall) { b.settleUsage(r, judgeUsageOf(c)) }

func (b *Budget) settleUsage(r reservation, u *callUsage) {
	var c float64
	switch {
	case u == nil || u.cached:
	case u.in+u.out == 0 && u.ok:
		c = r.amount
	default:
		c = b.cost(r.target, int64(u.in), int64(u.out))
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.reserved -= r.amount
	b.spent += c
	b.session += c
	b.noteAnswerLocked(r.meanKey, u)
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

// NewBudget is the budget of limit for p's targets and its judge, priced
// by the config's price table and exchange rate. A judge needs a price
// like any target: the budget covers the answers and their judging.
func (p *Prepared) NewBudget(limit Money) (*Budget, error) {
	providerOf := map[string]string{}
	for _, tc := range p.Config.Targets {
		providerOf[tc.Name] = tc.Provider
	}
	targets := p.Targets
	if j := p.Judge; j != nil && j.Only && p.Config.Judge != nil && p.Config.Judge.Inline != nil {
		targets = append(slices.Clip(targets), j.Target)
		providerOf[j.Target.Name] = p.Config.Judge.Inline.Provider
	}
	return NewBudget(limit, targets, providerOf, p.Config.PriceTable(), p.Config.Exchange)
}

// resultReader is an optional Store interface: a run's stored results, for
// the spend a resumed run starts from.
type resultReader interface {
	Results(ctx context.Context, runID string) iter.Seq2[results.Result, error]
}

var _ resultReader = (*results.Store)(nil)

// judgeCallReader is an optional Store interface: a run's stored judge
// calls, for the judging a resumed run has paid for.
type judgeCallReader interface {
	JudgeCalls(ctx context.Context, runID string) iter.Seq2[results.JudgeCall, error]
}

var _ judgeCallReader = (*results.Store)(nil)

// addStored counts the run's stored results and judge calls against b (a
// store without judge calls has none to count: Execute refuses a judged
// run on such a store).
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
	if jr, ok := store.(judgeCallReader); ok {
		for c, err := range jr.JudgeCalls(ctx, runID) {
			if err != nil {
				return err
			}
			b.AddStoredJudgeCall(c)
		}
	}
	return nil
}

// roundMoney rounds an amount to 6 decimals for notes.
func roundMoney(v float64) float64 { return math.Round(v*1e6) / 1e6 }
