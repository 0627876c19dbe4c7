package bench

import (
	"fmt"
	"math"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/suites"
)

// TargetPlan is what a run would ask of one target, estimated without
// contacting anything (llmbench run --dry-run), or of its judge.
type TargetPlan struct {
	Target   string
	Provider string
	Model    string
	// Judge is true for the judge's row: the judge calls the run would
	// make if every planned answer came back (a failed answer is not
	// judged), priced at the judge target's price. A target that also
	// judges has a row for its answers and one for its judging.
	Judge bool
	// Calls is suites × cases × repeats, after tag filters and the
	// target's suites: limit.
	Calls int
	// Images counts the images sent, over all calls.
	Images int
	// InputTokens is the estimated input tokens of all calls (images
	// included), by InputMethod (see EstimateInput). A judge prompt holds
	// the answers it judges: they count as typical answers, in tokens of
	// the answering model (min(max_tokens, TypicalAnswerTokens) each);
	// InputMax counts them at their max_tokens (known only when Bounded).
	// For a target's row the two are equal.
	InputTokens, InputMax int64
	InputMethod           string
	// OutputTypical is the answer tokens if each call answered
	// min(max_tokens, TypicalAnswerTokens); OutputMax the most the calls
	// may answer (their max_tokens), known only when Bounded: every call
	// sets max_tokens (for the judge's row, every answer it judges too).
	OutputTypical, OutputMax int64
	Bounded                  bool
	// Price is the model's price (nil: none, so no cost).
	Price *Price
	// Cost and CostMax are the estimated cost in Price.Currency with the
	// typical and the largest answers (CostMax only when Bounded).
	Cost, CostMax float64
}

// DryRun estimates the calls, tokens and cost of p's run per target, in
// config order, then of its judge when a suite is judged. Nothing is
// contacted and nothing written. A suite that cannot render a case is an
// error.
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
			for c, err := range s.All() {
				if err != nil {
					return nil, err
				}
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
		tp.InputMax = tp.InputTokens
		tp.price(table)
		out = append(out, tp)
	}
	if p.Judge != nil {
		jp, err := p.judgeDryRun()
		if err != nil {
			return nil, err
		}
		jp.price(table)
		out = append(out, jp)
	}
	return out, nil
}

// price sets tp's price and costs from table, and clears the largest
// figures unless Bounded.
func (tp *TargetPlan) price(table []Price) {
	if !tp.Bounded {
		tp.OutputMax, tp.InputMax = 0, 0
	}
	pr := FindPrice(table, tp.Provider, tp.Model)
	if pr == nil {
		return
	}
	cp := *pr
	tp.Price = &cp
	tp.Cost = pr.Cost(tp.InputTokens, tp.OutputTypical)
	if tp.Bounded {
		tp.CostMax = pr.Cost(tp.InputMax, tp.OutputMax)
	}
}

// answerSize is the size of t's answers to s: typical
// (min(max_tokens, TypicalAnswerTokens)) and at most (max_tokens; bounded
// is false without one).
func answerSize(t *Target, s *suites.Suite) (typical, most int64, bounded bool) {
	params := t.adjustParams(MergeParams(t.Params, s.Params), &warnSet{})
	if params.MaxTokens == nil || *params.MaxTokens <= 0 {
		return TypicalAnswerTokens, 0, false
	}
	n := int64(*params.MaxTokens)
	return min(TypicalAnswerTokens, n), n, true
}

// judgeDryRun is the judge's row of a dry run: per judged suite, case and
// repeat, the calls judgeCallsFor gives for each target answering it, each
// with the judge's prompt (by the judge model's tokenizer, case images
// included) holding the answers it judges at their estimated size.
func (p *Prepared) judgeDryRun() (TargetPlan, error) {
	jt := &p.Judge.Target
	provider := ""
	if p.Config.Judge != nil && p.Config.Judge.Inline != nil {
		provider = p.Config.Judge.Inline.Provider
	}
	for _, tc := range p.Config.Targets {
		if !p.Judge.Only && tc.Name == jt.Name {
			provider = tc.Provider
		}
	}
	tp := TargetPlan{Target: jt.Name, Provider: provider, Model: jt.Model, Judge: true, Bounded: true}
	_, tp.InputMethod = codecFor(jt.Model)
	params := jt.adjustParams(jt.Params, &warnSet{})
	verdict := int64(TypicalAnswerTokens)
	if params.MaxTokens != nil && *params.MaxTokens > 0 {
		verdict = min(verdict, int64(*params.MaxTokens))
	} else {
		tp.Bounded = false
	}
	repeats := int64(max(p.Config.Repeats, 1))
	// judged is one answering target's judge calls per case and repeat, and
	// the size of the answers each of its judge prompts holds.
	type judged struct {
		calls         int64
		typical, most int64
	}
	for _, s := range p.Suites {
		if !s.UsesJudge() || s.Judge == nil {
			continue
		}
		var baseTyp, baseMost int64
		for ti := range p.Targets {
			if t := &p.Targets[ti]; t.Name == p.Config.Baseline {
				var ok bool
				baseTyp, baseMost, ok = answerSize(t, s)
				tp.Bounded = tp.Bounded && (ok || s.Judge.Mode != suites.JudgePairwise)
			}
		}
		var who []judged
		for ti := range p.Targets {
			t := &p.Targets[ti]
			n := judgeCallsFor(s.Judge.Mode, t.Name == p.Config.Baseline)
			if !t.runs(s.Name) || n == 0 {
				continue
			}
			typ, most, ok := answerSize(t, s)
			tp.Bounded = tp.Bounded && ok
			if s.Judge.Mode == suites.JudgePairwise {
				typ, most = typ+baseTyp, most+baseMost
			}
			who = append(who, judged{calls: int64(n), typical: typ, most: most})
		}
		if len(who) == 0 {
			continue
		}
		for c, err := range s.All() {
			if err != nil {
				return tp, err
			}
			prompt, err := judgePrompt(s, c, 0, "", "")
			if err != nil {
				return tp, err
			}
			req := &providers.Request{Model: jt.Model, Messages: []providers.Message{{Role: providers.RoleUser, Text: prompt, Images: c.Images}}, Params: params}
			frame := int64(EstimateInput(jt.Model, req).Tokens)
			for _, w := range who {
				calls := w.calls * repeats
				tp.Calls += int(calls)
				tp.Images += int(calls) * len(c.Images)
				tp.InputTokens += calls * (frame + w.typical)
				tp.InputMax += calls * (frame + w.most)
				tp.OutputTypical += calls * verdict
				if params.MaxTokens != nil {
					tp.OutputMax += calls * int64(*params.MaxTokens)
				}
			}
		}
	}
	return tp, nil
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
