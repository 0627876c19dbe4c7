package bench

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// memJudgeStore is an in-memory Sink and JudgeStore, for judge phases run
// inside a synctest bubble (where a SQLite store's goroutines do not belong).
type memJudgeStore struct {
	mu     sync.Mutex
	res    []results.Result
	calls  map[results.JudgeKey]results.JudgeCall
	order  []results.JudgeKey
	scores map[results.Key][]suites.Score
}

var (
	_ Sink       = (*memJudgeStore)(nil)
	_ JudgeStore = (*memJudgeStore)(nil)
)

func (m *memJudgeStore) Put(_ context.Context, r results.Result) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.res = append(m.res, r)
	return nil
}

func (m *memJudgeStore) Results(context.Context, string) iter.Seq2[results.Result, error] {
	m.mu.Lock()
	rs := slices.Clone(m.res)
	for i := range rs {
		if sc, ok := m.scores[rs[i].Key()]; ok {
			rs[i].Scores = append(slices.Clone(rs[i].Scores), sc...)
		}
	}
	m.mu.Unlock()
	return func(yield func(results.Result, error) bool) {
		for _, r := range rs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func (m *memJudgeStore) AddScores(_ context.Context, _ string, scores map[results.Key][]suites.Score) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.scores == nil {
		m.scores = map[results.Key][]suites.Score{}
	}
	for k, sc := range scores {
		m.scores[k] = sc
	}
	return nil
}

func (m *memJudgeStore) PutJudges(context.Context, string, []results.JudgeSuite) error { return nil }

func (m *memJudgeStore) PutJudgeCall(_ context.Context, c results.JudgeCall) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.calls == nil {
		m.calls = map[results.JudgeKey]results.JudgeCall{}
	}
	k := c.Key()
	if old, ok := m.calls[k]; ok && old.ErrorClass != string(providers.Canceled) {
		return nil
	} else if !ok {
		m.order = append(m.order, k)
	}
	m.calls[k] = c
	return nil
}

func (m *memJudgeStore) JudgeCalls(context.Context, string) iter.Seq2[results.JudgeCall, error] {
	m.mu.Lock()
	cs := make([]results.JudgeCall, 0, len(m.order))
	for _, k := range m.order {
		cs = append(cs, m.calls[k])
	}
	m.mu.Unlock()
	return func(yield func(results.JudgeCall, error) bool) {
		for _, c := range cs {
			if !yield(c, nil) {
				return
			}
		}
	}
}

func (m *memJudgeStore) JudgeDone(context.Context, string) (map[results.JudgeKey]bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	done := map[results.JudgeKey]bool{}
	for k, c := range m.calls {
		if c.ErrorClass != string(providers.Canceled) {
			done[k] = true
		}
	}
	return done, nil
}

// clock records when each call reached a provider and the tokens it
// reported, in the order of arrival.
type clock struct {
	mu     sync.Mutex
	at     []time.Time
	tokens []int
	judged int
}

func (c *clock) note(tokens int, judge bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = append(c.at, time.Now())
	c.tokens = append(c.tokens, tokens)
	if judge {
		c.judged++
	}
}

// clocked is a provider that notes every call on a clock before answering
// like inner.
type clocked struct {
	inner providers.Provider
	c     *clock
}

func (p *clocked) Complete(ctx context.Context, req *providers.Request) (*providers.Response, error) {
	resp, err := p.inner.Complete(ctx, req)
	tokens := 0
	if resp != nil {
		tokens = resp.Usage.InputTokens + resp.Usage.OutputTokens
	}
	p.c.note(tokens, strings.Contains(req.Messages[len(req.Messages)-1].Text, "[Answer to grade]"))
	return resp, err
}

// answerOrGrade answers the arithmetic questions right and grades every
// answer 8: one model that answers and judges.
func answerOrGrade(prompt string) string {
	if strings.Contains(prompt, "[Answer to grade]") {
		return "Fine.\nScore: 8"
	}
	return rightAnswer(prompt)
}

// TestJudgeSharesTargetLimiter: a target that also judges is paced by one
// limiter across both phases, so its rpm holds across the boundary between
// the last answers and the first judge calls (a limiter of its own would
// release the first judge call at once).
func TestJudgeSharesTargetLimiter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, err := suites.Load(writeJudgedSuite(t, t.TempDir(), 8, "judge: {rubric: fair}\n"))
		if err != nil {
			t.Fatal(err)
		}
		clk := &clock{}
		const rpm = 60
		target := Target{Name: "base", Model: "m", Provider: &clocked{inner: &fakeProvider{answer: answerOrGrade}, c: clk}, Concurrency: 4, RPM: rpm}
		store := &memJudgeStore{}
		r := &Runner{Sink: store}
		ctx := context.Background()
		out, err := r.Run(ctx, &Plan{RunID: "r", Suites: []*suites.Suite{s}, Targets: []Target{target}})
		if err != nil || out.Stored != 8 {
			t.Fatalf("run: %+v, %v", out, err)
		}
		jo, err := r.Judge(ctx, store, &JudgePlan{RunID: "r", Judge: &Judge{Target: target}, Suites: []*suites.Suite{s}, Baseline: "base"})
		if err != nil {
			t.Fatal(err)
		}
		if jo.Made != 8 || jo.Scored != 8 || clk.judged != 8 {
			t.Fatalf("judge outcome %+v, %d judge calls seen", jo, clk.judged)
		}
		at := slices.SortedFunc(slices.Values(clk.at), time.Time.Compare)
		// 60 rpm: calls at least a second apart, answers and judge calls alike.
		if got := maxInWindow(at, time.Minute/rpm); got > 1 {
			t.Errorf("%d calls within %v across the answering and judging phases; the limit allows 1", got, time.Minute/rpm)
		}
		if got := maxInWindow(at, time.Minute); got > rpm {
			t.Errorf("%d calls within a minute, limit %d", got, rpm)
		}
		if l1, l2 := r.limiter(&target), r.limiter(&target); l1 != l2 {
			t.Error("the runner made a target two limiters")
		}
	})
}

// TestJudgeTPM: an inline judge with only a tpm is paced by a
// TargetLimiter (tokens charged by estimate, corrected by usage): in any
// minute the judge is sent at most its tpm plus one call's tokens.
func TestJudgeTPM(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, err := suites.Load(writeJudgedSuite(t, t.TempDir(), 12, "judge: {rubric: fair}\n"))
		if err != nil {
			t.Fatal(err)
		}
		clk := &clock{}
		const tpm = 600
		answerer := Target{Name: "base", Model: "m", Provider: &fakeProvider{answer: rightAnswer}, Concurrency: 4}
		referee := Target{Name: "referee", Model: "j", Provider: &clocked{inner: &fakeJudge{}, c: clk}, Concurrency: 4, TPM: tpm}
		store := &memJudgeStore{}
		r := &Runner{Sink: store}
		ctx := context.Background()
		if _, err := r.Run(ctx, &Plan{RunID: "r", Suites: []*suites.Suite{s}, Targets: []Target{answerer}}); err != nil {
			t.Fatal(err)
		}
		begin := time.Now()
		jo, err := r.Judge(ctx, store, &JudgePlan{RunID: "r", Judge: &Judge{Target: referee, Only: true}, Suites: []*suites.Suite{s}, Baseline: "base"})
		if err != nil || jo.Made != 12 {
			t.Fatalf("judge: %+v, %v", jo, err)
		}
		total := 0
		for _, n := range clk.tokens {
			total += n
		}
		if total <= 2*tpm {
			t.Fatalf("the judge was sent %d tokens in all; the test needs more than two minutes' worth", total)
		}
		at, tokens := clk.at, clk.tokens
		idx := make([]int, len(at))
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(a, b int) int { return at[a].Compare(at[b]) })
		sorted, ws := make([]time.Time, len(idx)), make([]int, len(idx))
		for i, k := range idx {
			sorted[i], ws[i] = at[k], tokens[k]
		}
		if got, most := sumInWindow(sorted, ws, time.Minute), slices.Max(ws); got > tpm+most {
			t.Errorf("%d tokens within a minute; tpm %d allows %d plus one call's %d", got, tpm, tpm, most)
		}
		if took := time.Since(begin); took < time.Duration(float64(total-tpm-slices.Max(ws))/tpm*float64(time.Minute)) {
			t.Errorf("%d tokens judged in %v: faster than %d tpm allows", total, took, tpm)
		}
	})
}

// asked is the number of calls f answered or failed.
func asked(f *fakeProvider) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, k := range f.attempts {
		n += k
	}
	return n
}

// judgePrices prices the fake answerers cheaply and the judge dearly.
const judgePrices = `prices:
  - {model: m-base, input: 1, output: 1, currency: USD, date: 2026-01}
  - {model: m-strong, input: 1, output: 1, currency: USD, date: 2026-01}
  - {model: judge-model, input: 1000, output: 1000, currency: USD, date: 2026-01}
`

// judgedSpend is what a run's stored answers and judge calls cost at
// judgePrices, in USD, and the most one judge call cost.
func judgedSpend(t *testing.T, jr *judgeRun, runID string) (total, mostJudge float64) {
	t.Helper()
	for r, err := range jr.store.Results(context.Background(), runID) {
		if err != nil {
			t.Fatal(err)
		}
		if !r.Cached {
			total += float64(r.InputTokens+r.OutputTokens) * 1 / 1e6
		}
	}
	for _, c := range jr.calls(runID) {
		if !c.Cached {
			cost := float64(c.InputTokens+c.OutputTokens) * 1000 / 1e6
			total += cost
			mostJudge = max(mostJudge, cost)
		}
	}
	return total, mostJudge
}

// TestJudgeBudgetStops: --max-cost covers the judge calls too. A budget
// the answers fit in but their judging does not stops the judge phase: the
// judge calls not made are left for a resume, the outcome and the run's
// note say the budget stopped judging, and the run is incomplete (exit 4).
// A resume under the same budget counts the judging already paid for.
func TestJudgeBudgetStops(t *testing.T) {
	judge := &fakeJudge{}
	yml := "judge: {name: referee, provider: fake, model: judge-model, base_url: \"{{fake}}\", concurrency: 1}\n" + judgePrices
	jr, cfg := newJudgeRun(t, 6, "judge: {rubric: fair}\n", []string{"base"}, yml,
		map[string]providers.Provider{"base": &fakeProvider{answer: rightAnswer}, "referee": judge})
	limit := Money{Amount: 0.7, Currency: USD}
	rep := jr.execute(context.Background(), cfg, Options{MaxCost: &limit})
	jo := rep.Judge
	if jo == nil || !jo.BudgetStopped || jo.Made == 0 || jo.NotMade == 0 || jo.Made+jo.NotMade != jo.Planned || jo.Planned != 6 {
		t.Fatalf("judge outcome %+v: want some of 6 judge calls made, the rest stopped by the budget", jo)
	}
	if rep.Outcome.Stored != 6 || rep.Outcome.NotMade != 0 {
		t.Errorf("answers: %+v; the budget fits all of them", rep.Outcome)
	}
	if rep.Run.Status != results.StatusIncomplete {
		t.Errorf("status %s, want incomplete (exit 4)", rep.Run.Status)
	}
	for _, want := range []string{"stopped by the budget (--max-cost 0.7 USD) in the judge phase", fmt.Sprintf("%d judge calls not made", jo.NotMade), "--resume " + rep.Run.ID} {
		if !strings.Contains(rep.Run.Note, want) {
			t.Errorf("note %q does not say %q", rep.Run.Note, want)
		}
	}
	if got := len(jr.calls(rep.Run.ID)); got != jo.Made || judge.total() != jo.Made {
		t.Errorf("%d judge calls stored, %d made by the judge; the outcome says %d", got, judge.total(), jo.Made)
	}
	total, most := judgedSpend(t, jr, rep.Run.ID)
	if sum, _ := rep.Budget.Spent(); fmt.Sprintf("%.9f", sum) != fmt.Sprintf("%.9f", total) {
		t.Errorf("budget counted %.9f USD, the stored answers and judge calls cost %.9f", sum, total)
	}
	// One judge call at a time: the spend passes the limit by at most one
	// call's difference from its estimate.
	if total > limit.Amount+most {
		t.Errorf("spent %.4f USD, over the %.4f limit by more than one judge call (%.4f)", total, limit.Amount, most)
	}

	// Under the same budget a resume counts the judging stored: it may not
	// spend the limit again.
	rep2 := jr.execute(context.Background(), cfg, Options{Resume: rep.Run.ID, MaxCost: &limit})
	if rep2.Run.Status != results.StatusIncomplete || rep2.Judge == nil || !rep2.Judge.BudgetStopped {
		t.Errorf("resume under the same budget: %s (%s), judge %+v", rep2.Run.Status, rep2.Run.Note, rep2.Judge)
	}
	if total, most := judgedSpend(t, jr, rep.Run.ID); total > limit.Amount+most {
		t.Errorf("after a resume under the same budget the run spent %.4f USD in all, limit %.4f", total, limit.Amount)
	}

	// Without a budget the resume makes the judge calls left, none twice.
	rep3 := jr.execute(context.Background(), cfg, Options{Resume: rep.Run.ID})
	if rep3.Run.Status != results.StatusCompleted || rep3.Judge.BudgetStopped || rep3.Judge.Scored != 6 {
		t.Errorf("resume without a budget: %s (%s), judge %+v", rep3.Run.Status, rep3.Run.Note, rep3.Judge)
	}
	if judge.total() != 6 || judge.maxRepeats() != 1 || len(jr.calls(rep.Run.ID)) != 6 {
		t.Errorf("judge called %d times (at most %d per prompt), %d stored; want 6 distinct", judge.total(), judge.maxRepeats(), len(jr.calls(rep.Run.ID)))
	}
}

// TestJudgeBudgetNeedsJudgePrice: a budget that cannot price the judge is
// refused before anything is called.
func TestJudgeBudgetNeedsJudgePrice(t *testing.T) {
	judge := &fakeJudge{}
	base := &fakeProvider{answer: rightAnswer}
	yml := inlineReferee + strings.ReplaceAll(judgePrices, "  - {model: judge-model, input: 1000, output: 1000, currency: USD, date: 2026-01}\n", "")
	jr, cfg := newJudgeRun(t, 2, "judge: {rubric: fair}\n", []string{"base"}, yml,
		map[string]providers.Provider{"base": base, "referee": judge})
	prep, err := Prepare(cfg, func(string) string { return "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	limit := Money{Amount: 1, Currency: USD}
	_, err = Execute(context.Background(), prep, jr.store, Options{MaxCost: &limit})
	if err == nil || !strings.Contains(err.Error(), "no price for referee (model judge-model)") {
		t.Errorf("Execute: %v; want the judge named as unpriced", err)
	}
	if judge.total() != 0 || asked(base) != 0 {
		t.Error("a refused budget called a model")
	}
}

// TestJudgeCache: with Options.Cache a second run of the same config calls
// no model at all, the judge included: every judge call is copied from the
// first run's (same verdicts, marked cached, 0 attempts), the outcome
// counts them, and under a budget they cost nothing. Without the cache, or
// with other judge parameters, the judge is called again.
func TestJudgeCache(t *testing.T) {
	judge := &fakeJudge{}
	base, strong := &fakeProvider{answer: answerEven}, &fakeProvider{answer: rightAnswer}
	jr, cfg := newJudgeRun(t, 3, "judge: {mode: pairwise}\n", []string{"base", "strong"}, inlineReferee+judgePrices,
		map[string]providers.Provider{"base": base, "strong": strong, "referee": judge})
	first := jr.execute(context.Background(), cfg, Options{Cache: true})
	const planned = 6 // 3 cases × 2 orders for strong
	if first.Judge.Made != planned || first.Judge.Cached != 0 || judge.total() != planned {
		t.Fatalf("first run: judge %+v, %d judge calls; want %d made, none cached", first.Judge, judge.total(), planned)
	}

	limit := Money{Amount: 1e-9, Currency: USD}
	second := jr.execute(context.Background(), cfg, Options{Cache: true, MaxCost: &limit})
	if judge.total() != planned {
		t.Errorf("second run called the judge %d times, want 0", judge.total()-planned)
	}
	if second.Outcome.Cached != 6 || asked(base)+asked(strong) != 6 {
		t.Errorf("second run: %d answers cached; answerers called %d times in both runs, want 6", second.Outcome.Cached, asked(base)+asked(strong))
	}
	wantOut := &JudgeOutcome{Judge: "referee", Planned: planned, Made: planned, Cached: planned, Scored: 6}
	if diff := cmp.Diff(wantOut, second.Judge, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("second run's judge outcome (-want +got):\n%s", diff)
	}
	if second.Run.Status != results.StatusCompleted {
		t.Errorf("second run under a budget of %s: %s (%s); cached calls cost nothing", limit, second.Run.Status, second.Run.Note)
	}
	if total, session := second.Budget.Spent(); total != 0 || session != 0 {
		t.Errorf("second run spent %v (%v this session), want 0", total, session)
	}
	if diff := cmp.Diff(jr.scores(first.Run.ID), jr.scores(second.Run.ID)); diff != "" {
		t.Errorf("judge scores differ between the called and the cached run (-first +second):\n%s", diff)
	}
	a, b := jr.calls(first.Run.ID), jr.calls(second.Run.ID)
	if len(a) != planned || len(b) != planned {
		t.Fatalf("%d and %d judge calls stored, want %d each", len(a), len(b), planned)
	}
	for i := range a {
		if a[i].Cached || a[i].RequestHash == "" || a[i].Attempts != 1 {
			t.Errorf("first run's call %s: cached %v, hash %q, attempts %d", a[i].Key(), a[i].Cached, a[i].RequestHash, a[i].Attempts)
		}
		if !b[i].Cached || b[i].Attempts != 0 || b[i].RequestHash != a[i].RequestHash || b[i].Output != a[i].Output ||
			b[i].Verdict != a[i].Verdict || b[i].InputTokens != a[i].InputTokens || b[i].Latency != a[i].Latency || b[i].RunID != second.Run.ID {
			t.Errorf("cached call differs from the original:\n%+v\n%+v", a[i], b[i])
		}
	}

	// Without the cache the judge is called again.
	third := jr.execute(context.Background(), cfg, Options{})
	if third.Judge.Cached != 0 || judge.total() != 2*planned {
		t.Errorf("run without cache: judge %+v, %d judge calls in all; want %d", third.Judge, judge.total(), 2*planned)
	}
	// Another judge temperature is another request.
	half := 0.5
	cfg.Judge.Inline.Params.Temperature = &half
	fourth := jr.execute(context.Background(), cfg, Options{Cache: true})
	if fourth.Judge.Cached != 0 || judge.total() != 3*planned || fourth.Outcome.Cached != 6 {
		t.Errorf("changed judge params: judge %+v, %d judge calls in all, %d answers cached", fourth.Judge, judge.total(), fourth.Outcome.Cached)
	}
}

// TestJudgeCacheKeepsUnreadable: a judge answer without a verdict is not
// reused: the cached run asks the judge again.
func TestJudgeCacheKeepsUnreadable(t *testing.T) {
	judge := &fakeJudge{garble: func(a string) bool { return strings.Contains(a, "not sure") }}
	jr, cfg := newJudgeRun(t, 2, "judge: {rubric: fair}\n", []string{"base", "weak"}, inlineReferee,
		map[string]providers.Provider{"base": &fakeProvider{answer: rightAnswer}, "weak": &fakeProvider{answer: answerWrong}, "referee": judge})
	jr.execute(context.Background(), cfg, Options{Cache: true})
	rep := jr.execute(context.Background(), cfg, Options{Cache: true})
	if rep.Judge.Cached != 2 || rep.Judge.Unparseable != 2 || judge.total() != 6 {
		t.Errorf("judge %+v after %d judge calls; want base's 2 verdicts cached and weak's 2 unreadable ones asked again", rep.Judge, judge.total())
	}
}

// TestRescoreJudgedRunCallsNoModel: rescoring a judged run calls no model,
// the judge included, and keeps the judge's scores: a rescore costs
// nothing, with or without --cache.
func TestRescoreJudgedRunCallsNoModel(t *testing.T) {
	judge := &fakeJudge{}
	base := &fakeProvider{answer: rightAnswer}
	jr, cfg := newJudgeRun(t, 3, "judge: {rubric: fair}\n", []string{"base"}, inlineReferee,
		map[string]providers.Provider{"base": base, "referee": judge})
	rep := jr.execute(context.Background(), cfg, Options{})
	before := jr.scores(rep.Run.ID)
	calls := judge.total()
	rr, err := Rescore(context.Background(), jr.store, rep.Run.ID, jr.dir)
	if err != nil {
		t.Fatal(err)
	}
	if rr.Rescored != 3 || judge.total() != calls || asked(base) != 3 {
		t.Errorf("rescore: %+v, judge calls %d → %d, answering calls %d (want 3)", rr, calls, judge.total(), asked(base))
	}
	if diff := cmp.Diff(before, jr.scores(rep.Run.ID)); diff != "" || len(before) != 3 {
		t.Errorf("judge scores after rescore (-before +after):\n%s", diff)
	}
}

// TestJudgeDryRun: a dry run lists the judge's calls and their estimated
// cost: one per answer in rubric mode, two per non-baseline answer in
// pairwise mode, on a row of its own (a target that also judges has two).
func TestJudgeDryRun(t *testing.T) {
	tests := []struct {
		name       string
		suiteJudge string
		judgeYAML  string
		answerers  []string
		judge      string
		calls      int
	}{
		{"rubric, inline judge", "judge: {rubric: fair}\n", "judge: {name: referee, provider: fake, model: judge-model, base_url: \"{{fake}}\", params: {max_tokens: 100}}\n",
			[]string{"base", "strong"}, "referee", 2 * 4 * 3},
		{"pairwise, inline judge", "judge: {mode: pairwise}\n", "judge: {name: referee, provider: fake, model: judge-model, base_url: \"{{fake}}\", params: {max_tokens: 100}}\n",
			[]string{"base", "strong", "weak"}, "referee", 2 * 2 * 4 * 3},
		{"rubric, a target judges", "judge: {rubric: fair}\n", "judge: base\n",
			[]string{"base", "strong"}, "base", 2 * 4 * 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fakesBy := map[string]providers.Provider{"referee": &fakeJudge{}}
			for _, a := range tt.answerers {
				fakesBy[a] = &fakeProvider{}
			}
			_, cfg := newJudgeRun(t, 4, tt.suiteJudge, tt.answerers, tt.judgeYAML+judgePrices+"repeats: 3\n", fakesBy)
			for i := range cfg.Targets {
				n := 1000
				cfg.Targets[i].Params.MaxTokens = &n
			}
			prep, err := Prepare(cfg, func(string) string { return "" }, nil)
			if err != nil {
				t.Fatal(err)
			}
			plans, err := prep.DryRun()
			if err != nil {
				t.Fatal(err)
			}
			if len(plans) != len(tt.answerers)+1 {
				t.Fatalf("%d rows, want one per target and the judge's", len(plans))
			}
			for _, p := range plans[:len(plans)-1] {
				if p.Judge || p.Calls != 4*3 {
					t.Errorf("target row %+v", p)
				}
			}
			jp := plans[len(plans)-1]
			if !jp.Judge || jp.Target != tt.judge || jp.Calls != tt.calls {
				t.Fatalf("judge row %s (judge %v): %d calls, want %s with %d", jp.Target, jp.Judge, jp.Calls, tt.judge, tt.calls)
			}
			verdict := int64(100) // the inline judge's max_tokens
			if tt.judge == "base" {
				verdict = TypicalAnswerTokens // min(1000, 256)
			}
			if jp.OutputTypical != int64(jp.Calls)*verdict || !jp.Bounded {
				t.Errorf("judge output %d (bounded %v), want %d", jp.OutputTypical, jp.Bounded, int64(jp.Calls)*verdict)
			}
			// Each judge prompt holds the answers it judges: typical ones
			// (256 tokens each) in InputTokens, max_tokens (1000) ones in
			// InputMax.
			perCall := int64(1)
			if strings.Contains(tt.suiteJudge, "pairwise") {
				perCall = 2
			}
			if got, want := jp.InputMax-jp.InputTokens, int64(jp.Calls)*perCall*(1000-TypicalAnswerTokens); got != want {
				t.Errorf("input at most − typical = %d, want %d (%d answers of 1000 − 256 more tokens)", got, want, int64(jp.Calls)*perCall)
			}
			if frame := jp.InputTokens - int64(jp.Calls)*perCall*TypicalAnswerTokens; frame < int64(jp.Calls)*20 {
				t.Errorf("judge prompts without their answers estimated at %d tokens for %d calls: too few for the instructions", frame, jp.Calls)
			}
			wantPrice := 1000.0
			if tt.judge == "base" {
				wantPrice = 1
			}
			if jp.Price == nil || jp.Price.Input != wantPrice {
				t.Fatalf("judge price %+v, want the judge model's", jp.Price)
			}
			if diff := cmp.Diff(jp.Price.Cost(jp.InputTokens, jp.OutputTypical), jp.Cost, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
				t.Errorf("judge cost (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(jp.Price.Cost(jp.InputMax, jp.OutputMax), jp.CostMax, cmpopts.EquateApprox(1e-12, 0)); diff != "" {
				t.Errorf("judge cost at most (-want +got):\n%s", diff)
			}
		})
	}
}
