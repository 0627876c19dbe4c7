package bench

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/results"
)

// budgetFixture is a budget of 0.01 USD over target "t" (model m, $2/M in,
// $4/M out) that also judges, and an inline judge "j" (model jm, ¥7/M in
// and out, at 7 CNY per USD).
func budgetFixture(t *testing.T) *Budget {
	t.Helper()
	table := []Price{
		{Model: "m", Input: 2, Output: 4, Currency: USD},
		{Model: "jm", Input: 7, Output: 7, Currency: CNY},
	}
	b, err := NewBudget(Money{Amount: 0.01, Currency: USD}, []Target{{Name: "t", Model: "m"}, {Name: "j", Model: "jm"}},
		map[string]string{"t": "fake", "j": "fake"}, table, &Exchange{USDCNY: 7})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBudgetStoredCalls: a resumed run's stored answers and judge calls
// count at their target's price, except those copied from the cache, which
// cost nothing.
func TestBudgetStoredCalls(t *testing.T) {
	tests := []struct {
		name    string
		results []results.Result
		calls   []results.JudgeCall
		want    float64 // USD
	}{
		{"an answer", []results.Result{{Target: "t", InputTokens: 1e6, OutputTokens: 1e6}}, nil, 6},
		{"a cached answer", []results.Result{{Target: "t", InputTokens: 1e6, OutputTokens: 1e6, Cached: true}}, nil, 0},
		{"a judge call, at the judge's price", nil, []results.JudgeCall{{JudgeTarget: "j", InputTokens: 1e6, OutputTokens: 1e6}}, 2},
		{"a target's judge call, at its price", nil, []results.JudgeCall{{JudgeTarget: "t", InputTokens: 1e6}}, 2},
		{"an unreadable verdict was still paid for", nil, []results.JudgeCall{{JudgeTarget: "j", OutputTokens: 1e6, ErrorClass: "bad_response", ErrorCode: unparseableCode}}, 1},
		{"a cached judge call", nil, []results.JudgeCall{{JudgeTarget: "j", InputTokens: 1e6, Cached: true}}, 0},
		{"all together", []results.Result{{Target: "t", OutputTokens: 1e6}}, []results.JudgeCall{{JudgeTarget: "j", InputTokens: 1e6}}, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := budgetFixture(t)
			for _, r := range tt.results {
				b.AddStored(r)
			}
			for _, c := range tt.calls {
				b.AddStoredJudgeCall(c)
			}
			total, session := b.Spent()
			if diff := cmp.Diff([]float64{tt.want, 0}, []float64{total, session}, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("spent, this session (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBudgetJudgeReservations: a judge call is reserved at the judge's
// price with the mean of the judge's own answers, kept apart from the
// answers of the same target; it settles at what it reported.
func TestBudgetJudgeReservations(t *testing.T) {
	b := budgetFixture(t)
	tgt := &Target{Name: "t", Model: "m"}
	req := &providers.Request{Model: "m", Messages: []providers.Message{{Role: providers.RoleUser, Text: "grade this"}}}
	in := int64(EstimateInput("m", req).Tokens)
	price := func(in, out float64) float64 { return (2*in + 4*out) / 1e6 }

	// Before anything is stored both reserve a typical answer.
	a, ok := b.reserve(tgt, req)
	if !ok {
		t.Fatal("reserve refused")
	}
	j, ok := b.reserveJudge(tgt, req)
	if !ok {
		t.Fatal("reserveJudge refused")
	}
	want := price(float64(in), TypicalAnswerTokens)
	if diff := cmp.Diff([]float64{want, want}, []float64{a.amount, j.amount}, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("first reservations (-want +got):\n%s", diff)
	}
	b.settle(a, &results.Result{Target: "t", InputTokens: 100, OutputTokens: 900})
	b.settleJudge(j, &results.JudgeCall{JudgeTarget: "t", InputTokens: 100, OutputTokens: 10})
	total, session := b.Spent()
	spent := price(100, 900) + price(100, 10)
	if diff := cmp.Diff([]float64{spent, spent}, []float64{total, session}, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("spent after settling (-want +got):\n%s", diff)
	}

	// Then each reserves its own mean answer.
	a, _ = b.reserve(tgt, req)
	j, _ = b.reserveJudge(tgt, req)
	if diff := cmp.Diff([]float64{price(float64(in), 900), price(float64(in), 10)}, []float64{a.amount, j.amount}, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("reservations by mean answer (-want +got):\n%s", diff)
	}
	b.settle(a, nil)
	b.settleJudge(j, nil)

	// A cached judge call settles at nothing; the limit refuses a
	// reservation past it and stops the budget.
	j, _ = b.reserveJudge(tgt, req)
	b.settleJudge(j, &results.JudgeCall{JudgeTarget: "t", InputTokens: 1e6, Cached: true})
	if got, _ := b.Spent(); math.Abs(got-spent) > 1e-12 {
		t.Errorf("a cached judge call cost %v", got-spent)
	}
	big := &providers.Request{Model: "m", Messages: []providers.Message{{Role: providers.RoleUser, Text: longText(5000)}}}
	if _, ok := b.reserveJudge(tgt, big); ok || !b.Stopped() {
		t.Errorf("a judge call of about $0.01 was reserved with $%.4f of a $0.01 budget spent (stopped %v)", spent, b.Stopped())
	}
	if _, ok := b.reserve(tgt, req); ok {
		t.Error("the budget stopped by a judge call reserved an answer")
	}
}

// longText is n tokens of words by the heuristic estimate.
func longText(n int) string { return strings.Repeat("word ", n) }
