package bench

import (
	"fmt"
	"math"
)

// TargetPlan is what a run would ask of one target, estimated without
// contacting anything (llmbench run --dry-run).
type TargetPlan struct {
	Target   string
	Provider string
	Model    string
	// Calls is suites × cases × repeats, after tag filters and the
	// target's suites: limit.
	Calls int
	// Images counts the images sent, over all calls.
	Images int
	// InputTokens is the estimated input tokens of all calls (images
	// included), by InputMethod (see EstimateInput).
	InputTokens int64
	InputMethod string
	// OutputTypical is the answer tokens if each call answered
	// min(max_tokens, TypicalAnswerTokens); OutputMax the most the calls
	// may answer (their max_tokens), known only when Bounded: every call
	// sets max_tokens.
	OutputTypical, OutputMax int64
	Bounded                  bool
	// Price is the model's price (nil: none, so no cost).
	Price *Price
	// Cost and CostMax are the estimated cost in Price.Currency with the
	// typical and the largest answers (CostMax only when Bounded).
	Cost, CostMax float64
}

// DryRun estimates the calls, tokens and cost of p's run per target, in
// config order. Nothing is contacted and nothing written. A suite that
// cannot render a case is an error.
func (p *Prepared) DryRun() ([]TargetPlan, error) {
	table := p.Config.PriceTable()
	repeats := max(p.Config.Repeats, 1)
	var out []TargetPlan
	for ti := range p.Targets {
		t := &p.Targets[ti]
		tc := &p.Config.Targets[ti]
		tp := TargetPlan{Target: t.Name, Provider: tc.Provider, Model: t.Model, Bounded: true}
		_, tp.InputMethod = codecFor(t.Model)
		warns := &warnSet{}
		for _, s := range p.Suites {
			if !t.runs(s.Name) {
				continue
			}
			params := t.adjustParams(MergeParams(t.Params, s.Params), warns)
			answer := int64(TypicalAnswerTokens)
			if params.MaxTokens != nil && *params.MaxTokens > 0 {
				answer = min(answer, int64(*params.MaxTokens))
			} else {
				tp.Bounded = false
			}
			for ci := range s.Cases {
				c := &s.Cases[ci]
				msgs, err := s.Messages(c)
				if err != nil {
					return nil, fmt.Errorf("suite %s case %s: %w", s.Name, c.ID, err)
				}
				req := providersRequest(t.Model, msgs, params)
				est := EstimateInput(t.Model, req)
				n := int64(repeats)
				tp.Calls += repeats
				tp.InputTokens += n * int64(est.Tokens)
				for _, m := range msgs {
					tp.Images += repeats * len(m.Images)
				}
				tp.OutputTypical += n * answer
				if params.MaxTokens != nil {
					tp.OutputMax += n * int64(*params.MaxTokens)
				}
			}
		}
		if !tp.Bounded {
			tp.OutputMax = 0
		}
		if pr := FindPrice(table, tc.Provider, t.Model); pr != nil {
			cp := *pr
			tp.Price = &cp
			tp.Cost = pr.Cost(tp.InputTokens, tp.OutputTypical)
			if tp.Bounded {
				tp.CostMax = pr.Cost(tp.InputTokens, tp.OutputMax)
			}
		}
		out = append(out, tp)
	}
	return out, nil
}

// InCurrency returns amount (in currency from) in USD and CNY with ex;
// without ex only from's own is known (the other is NaN).
func InCurrency(amount float64, from string, ex *Exchange) (usd, cny float64) {
	if ex != nil {
		return ex.Convert(amount, from)
	}
	if from == USD {
		return amount, math.NaN()
	}
	return math.NaN(), amount
}
