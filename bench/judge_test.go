package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// The "fake" provider builds, for a target, the in-process provider a test
// put under the target's base_url, so Prepare and Execute run unchanged
// against in-process fakes.
var fakes sync.Map // base_url → providers.Provider

func init() {
	providers.Register(providers.Info{Name: "fake", Description: "in-process fake for bench tests"},
		func(cfg providers.Config) (providers.Provider, error) {
			p, ok := fakes.Load(cfg.BaseURL)
			if !ok {
				return nil, fmt.Errorf("no fake at %q", cfg.BaseURL)
			}
			return p.(providers.Provider), nil
		})
}

// fakeJudge is a deterministic judge. It reads the prompt the way a model
// would: an answer is right when it ends with the reference ("Answer: N").
// Rubric: "Score: 9" for a right answer, "Score: 2" otherwise. Pairwise:
// the right one of A and B wins, else a tie. bias, when set, is the
// verdict it always gives; garble, when it returns true for an answer,
// makes the reply unreadable.
type fakeJudge struct {
	mu      sync.Mutex
	calls   map[string]int // prompt → calls
	bias    string
	garble  func(answer string) bool
	fail    func(n int) error // by call number, 1-based
	n       int
	onCall  func()
	prompts []string
}

func between(s, start, end string) string {
	_, after, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	in, _, _ := strings.Cut(after, end)
	return strings.TrimSpace(in)
}

func (f *fakeJudge) Complete(ctx context.Context, req *providers.Request) (*providers.Response, error) {
	prompt := req.Messages[len(req.Messages)-1].Text
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[prompt]++
	f.prompts = append(f.prompts, prompt)
	f.n++
	n := f.n
	f.mu.Unlock()
	if f.onCall != nil {
		f.onCall()
	}
	if f.fail != nil {
		if err := f.fail(n); err != nil {
			return nil, err
		}
	}
	ref := between(prompt, "[Reference answer]\n", "\n[End of reference answer]")
	right := func(answer string) bool { return strings.HasSuffix(strings.TrimSpace(answer), "Answer: "+ref) }
	resp := func(text string) (*providers.Response, error) {
		return &providers.Response{Text: text, Model: req.Model, Usage: providers.Usage{InputTokens: len(prompt) / 4, OutputTokens: 12}, Latency: time.Millisecond}, nil
	}
	if strings.Contains(prompt, "[Answer to grade]") {
		a := between(prompt, "[Answer to grade]\n", "\n[End of answer to grade]")
		switch {
		case f.garble != nil && f.garble(a):
			return resp("This answer is fine, I suppose.")
		case right(a):
			return resp("The answer matches the reference.\n**Score:** 9")
		}
		return resp("The answer is wrong.\nScore: 2")
	}
	a := between(prompt, "[Answer A]\n", "\n[End of answer A]")
	b := between(prompt, "[Answer B]\n", "\n[End of answer B]")
	switch {
	case f.garble != nil && (f.garble(a) || f.garble(b)):
		return resp("Both have merits.")
	case f.bias != "":
		return resp("Reasoning.\nVerdict: " + f.bias)
	case right(a) && !right(b):
		return resp("A is right.\nVerdict: A")
	case right(b) && !right(a):
		return resp("B is right.\n判定：B")
	}
	return resp("Equally good.\nVerdict: tie")
}

func (f *fakeJudge) maxRepeats() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := 0
	for _, n := range f.calls {
		m = max(m, n)
	}
	return m
}

func (f *fakeJudge) total() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

// answerEven answers right on even-numbered cases and wrong on odd ones.
func answerEven(prompt string) string {
	var a, b int
	fmt.Sscanf(prompt, "what is %d+%d?", &a, &b)
	if a%2 == 0 {
		return fmt.Sprintf("Answer: %d", a+b)
	}
	return "Answer: -1"
}

func answerWrong(string) string { return "I am not sure. Answer: -1" }

// judgeRun is a config, a judged suite and a store in a temporary folder,
// with fake providers behind every target.
type judgeRun struct {
	t     *testing.T
	dir   string
	store *results.Store
}

// newJudgeRun writes a suite of n cases scored by [judge, numeric] with
// the given judge: key, and a config naming the answerers (the first is the
// baseline) and the judge: YAML (which may use {{fake NAME}} for a base_url).
func newJudgeRun(t *testing.T, n int, suiteJudge string, answerers []string, judgeYAML string, fakesByName map[string]providers.Provider) (*judgeRun, *Config) {
	t.Helper()
	dir := t.TempDir()
	url := func(name string) string { return "fake://" + dir + "/" + name }
	for name, p := range fakesByName {
		fakes.Store(url(name), p)
		t.Cleanup(func() { fakes.Delete(url(name)) })
	}
	writeJudgedSuite(t, dir, n, suiteJudge)
	var c strings.Builder
	fmt.Fprintf(&c, "name: judged\nbaseline: %s\ntargets:\n", answerers[0])
	for _, a := range answerers {
		fmt.Fprintf(&c, "  - {name: %s, provider: fake, model: m-%s, base_url: %q, concurrency: 3}\n", a, a, url(a))
	}
	c.WriteString(strings.ReplaceAll(judgeYAML, "{{fake}}", url("referee")))
	c.WriteString("suites: [./arith/suite.yaml]\n")
	cfg, err := ParseConfig(filepath.Join(dir, "judged.yaml"), []byte(c.String()))
	if err != nil {
		t.Fatal(err)
	}
	store, err := results.Open(filepath.Join(dir, "llmbench.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return &judgeRun{t: t, dir: dir, store: store}, cfg
}

// writeJudgedSuite writes suite arith of n cases ("what is i+i?"),
// scored by [judge, numeric] with the given judge: key, to dir/arith and
// returns the path of its suite.yaml.
func writeJudgedSuite(t *testing.T, dir string, n int, suiteJudge string) string {
	t.Helper()
	var cases strings.Builder
	for i := range n {
		fmt.Fprintf(&cases, `{"id": "c%d", "q": "what is %d+%d?", "reference": "%d"}`+"\n", i, i, i, 2*i)
	}
	sdir := filepath.Join(dir, "arith")
	if err := os.MkdirAll(sdir, 0o755); err != nil {
		t.Fatal(err)
	}
	yml := "name: arith\nsystem: Be brief.\nprompt: \"{{.q}}\"\nscorers: [judge, numeric]\ncases: cases.jsonl\n" + suiteJudge
	for name, content := range map[string]string{"cases.jsonl": cases.String(), "suite.yaml": yml} {
		if err := os.WriteFile(filepath.Join(sdir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(sdir, "suite.yaml")
}

const inlineReferee = "judge: {name: referee, provider: fake, model: judge-model, base_url: \"{{fake}}\", concurrency: 2}\n"

func (j *judgeRun) execute(ctx context.Context, cfg *Config, opts Options) *Report {
	j.t.Helper()
	prep, err := Prepare(cfg, func(string) string { return "" }, nil)
	if err != nil {
		j.t.Fatal(err)
	}
	opts.Runner.BackoffBase = time.Millisecond
	rep, err := Execute(ctx, prep, j.store, opts)
	if err != nil {
		j.t.Fatal(err)
	}
	return rep
}

// scores returns each result's judge score (absent when it has none) and
// the results without one.
func (j *judgeRun) scores(runID string) map[results.Key]suites.Score {
	j.t.Helper()
	out := map[results.Key]suites.Score{}
	for r, err := range j.store.Results(context.Background(), runID) {
		if err != nil {
			j.t.Fatal(err)
		}
		for _, sc := range r.Scores {
			if sc.Scorer == suites.JudgeScorer {
				out[r.Key()] = sc
			}
		}
	}
	return out
}

func (j *judgeRun) calls(runID string) []results.JudgeCall {
	j.t.Helper()
	var out []results.JudgeCall
	for c, err := range j.store.JudgeCalls(context.Background(), runID) {
		if err != nil {
			j.t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

func key(c, target string) results.Key {
	return results.Key{Suite: "arith", CaseID: c, Target: target}
}

func TestJudgeRubricEndToEnd(t *testing.T) {
	judge := &fakeJudge{}
	flaky := &fakeProvider{answer: func(p string) string { return "Sure. " + rightAnswer(p) }, fail: func(p string, _ int) error {
		if strings.HasPrefix(p, "what is 1+") {
			return &providers.Error{Class: providers.BadRequest, Status: 400, Message: "nope"}
		}
		return nil
	}}
	jr, cfg := newJudgeRun(t, 4, "judge:\n  mode: rubric\n  rubric: 10 when the sum is right, 1 when it is wrong.\n",
		[]string{"base", "even", "flaky"}, inlineReferee,
		map[string]providers.Provider{"base": &fakeProvider{answer: rightAnswer}, "even": &fakeProvider{answer: answerEven}, "flaky": flaky, "referee": judge})
	rep := jr.execute(context.Background(), cfg, Options{})
	if rep.Run.Status != results.StatusCompleted || rep.Run.Note != "" {
		t.Fatalf("run %s: %s", rep.Run.Status, rep.Run.Note)
	}
	// Every successful result (12 minus flaky's failed case 1) is judged once.
	want := map[results.Key]suites.Score{}
	for i := range 4 {
		c := fmt.Sprintf("c%d", i)
		nine := suites.Score{Scorer: "judge", Value: 9, Extracted: "9", Version: JudgeRubricVersion}
		two := suites.Score{Scorer: "judge", Value: 2, Extracted: "2", Version: JudgeRubricVersion}
		want[key(c, "base")] = nine
		want[key(c, "even")] = map[bool]suites.Score{true: nine, false: two}[i%2 == 0]
		if i != 1 {
			want[key(c, "flaky")] = nine
		}
	}
	if diff := cmp.Diff(want, jr.scores(rep.Run.ID)); diff != "" {
		t.Errorf("judge scores (-want +got):\n%s", diff)
	}
	wantOut := &JudgeOutcome{Judge: "referee", Planned: 11, Made: 11, Scored: 11}
	if diff := cmp.Diff(wantOut, rep.Judge, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("judge outcome (-want +got):\n%s", diff)
	}
	if judge.total() != 11 || judge.maxRepeats() != 1 {
		t.Errorf("judge called %d times (max %d per prompt), want 11 distinct calls", judge.total(), judge.maxRepeats())
	}

	calls := jr.calls(rep.Run.ID)
	if len(calls) != 11 {
		t.Fatalf("%d judge calls stored, want 11", len(calls))
	}
	c := calls[0]
	if c.JudgeTarget != "referee" || c.Mode != "rubric" || c.Ord != 0 || c.Verdict != "9" || !c.OK() || c.Attempts != 1 || c.InputTokens == 0 {
		t.Errorf("judge call %+v", c)
	}
	for _, s := range []string{"what is 0+0?", "Be brief.", "10 when the sum is right", "Answer: 0", "Score: N"} {
		if !strings.Contains(c.Prompt, s) {
			t.Errorf("judge prompt lacks %q:\n%s", s, c.Prompt)
		}
	}

	// The judge is recorded with the run's targets, as judging only.
	ts, err := jr.store.Targets(context.Background(), rep.Run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if last := ts[len(ts)-1]; len(ts) != 4 || last.Name != "referee" || last.Model != "judge-model" || last.Params != `{"temperature":0}` {
		t.Errorf("targets %+v: want the judge last, with temperature 0", ts)
	}
	js, err := jr.store.Judges(context.Background(), rep.Run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]results.JudgeSuite{{Suite: "arith", Judge: "referee", JudgeOnly: true, Mode: "rubric", Rubric: "10 when the sum is right, 1 when it is wrong."}}, js); diff != "" {
		t.Errorf("judges (-want +got):\n%s", diff)
	}
	// The inline scorers still score as before.
	for r, err := range jr.store.Results(context.Background(), rep.Run.ID) {
		if err != nil {
			t.Fatal(err)
		}
		if r.OK() && (len(r.Scores) != 2 || r.Scores[1].Scorer != "numeric") {
			t.Errorf("%s scores %+v: want numeric beside judge", r.Key(), r.Scores)
		}
	}
}

// TestJudgePairwise: both orders are judged and the score is the mean of
// win 1 / tie ½ / loss 0 over them; the baseline scores ½ by definition.
func TestJudgePairwise(t *testing.T) {
	judge := &fakeJudge{}
	jr, cfg := newJudgeRun(t, 4, "judge: {mode: pairwise, rubric: Prefer the right sum.}\n",
		[]string{"base", "strong", "weak"}, inlineReferee,
		map[string]providers.Provider{
			"base":    &fakeProvider{answer: answerEven},
			"strong":  &fakeProvider{answer: rightAnswer},
			"weak":    &fakeProvider{answer: answerWrong},
			"referee": judge,
		})
	rep := jr.execute(context.Background(), cfg, Options{})
	if rep.Run.Status != results.StatusCompleted {
		t.Fatalf("run %s: %s", rep.Run.Status, rep.Run.Note)
	}
	pw := func(v float64, ex string) suites.Score {
		return suites.Score{Scorer: "judge", Value: v, Extracted: ex, Version: JudgePairwiseVersion}
	}
	want := map[results.Key]suites.Score{}
	for i := range 4 {
		c := fmt.Sprintf("c%d", i)
		want[key(c, "base")] = pw(0.5, "self")
		if i%2 == 0 { // the baseline is right: strong ties, weak loses
			want[key(c, "strong")] = pw(0.5, "tie,tie")
			want[key(c, "weak")] = pw(0, "A,B")
		} else { // the baseline is wrong: strong wins, weak ties
			want[key(c, "strong")] = pw(1, "B,A")
			want[key(c, "weak")] = pw(0.5, "tie,tie")
		}
	}
	if diff := cmp.Diff(want, jr.scores(rep.Run.ID)); diff != "" {
		t.Errorf("judge scores (-want +got):\n%s", diff)
	}
	calls := jr.calls(rep.Run.ID)
	if len(calls) != 16 || rep.Judge.Made != 16 || judge.maxRepeats() != 1 {
		t.Fatalf("%d judge calls stored, %d made: want 2 orders × 2 targets × 4 cases", len(calls), rep.Judge.Made)
	}
	// Order 0 shows the baseline's answer as A, order 1 as B.
	for _, c := range calls {
		a := between(c.Prompt, "[Answer A]\n", "\n[End of answer A]")
		b := between(c.Prompt, "[Answer B]\n", "\n[End of answer B]")
		base := answerEven(fmt.Sprintf("what is %s+%s?", c.CaseID[1:], c.CaseID[1:]))
		if (c.Ord == 0) != (a == base) || (c.Ord == 1) != (b == base) || a == "" || b == "" {
			t.Errorf("%s/%s ord %d: A %q, B %q; the baseline answered %q", c.CaseID, c.Target, c.Ord, a, b, base)
		}
		if !strings.Contains(c.Prompt, "Prefer the right sum.") {
			t.Error("pairwise prompt lacks the suite's guidance")
		}
	}
}

// TestJudgePositionBiasCancels: a judge that always prefers answer A
// gives every target 0.5, because each pair is judged in both orders.
func TestJudgePositionBiasCancels(t *testing.T) {
	jr, cfg := newJudgeRun(t, 3, "judge: {mode: pairwise}\n",
		[]string{"base", "strong", "weak"}, inlineReferee,
		map[string]providers.Provider{
			"base":    &fakeProvider{answer: answerEven},
			"strong":  &fakeProvider{answer: rightAnswer},
			"weak":    &fakeProvider{answer: answerWrong},
			"referee": &fakeJudge{bias: "A"},
		})
	rep := jr.execute(context.Background(), cfg, Options{})
	got := jr.scores(rep.Run.ID)
	if len(got) != 9 {
		t.Fatalf("%d judge scores, want 9", len(got))
	}
	for k, sc := range got {
		wantEx := "A,A"
		if k.Target == "base" {
			wantEx = "self"
		}
		if sc.Value != 0.5 || sc.Extracted != wantEx {
			t.Errorf("%s: %v (%s), want 0.5 (%s): position bias must cancel", k, sc.Value, sc.Extracted, wantEx)
		}
	}
}

// TestJudgeUnparseable: a judge answer without a verdict is a judge call of
// class bad_response and leaves its result unscored, never scored 0.
func TestJudgeUnparseable(t *testing.T) {
	judge := &fakeJudge{garble: func(a string) bool { return strings.Contains(a, "not sure") }}
	jr, cfg := newJudgeRun(t, 3, "judge: {mode: rubric, rubric: be fair}\n",
		[]string{"base", "weak"}, inlineReferee,
		map[string]providers.Provider{"base": &fakeProvider{answer: rightAnswer}, "weak": &fakeProvider{answer: answerWrong}, "referee": judge})
	rep := jr.execute(context.Background(), cfg, Options{})
	if rep.Run.Status != results.StatusCompleted {
		t.Fatalf("run %s: %s", rep.Run.Status, rep.Run.Note)
	}
	wantOut := &JudgeOutcome{Judge: "referee", Planned: 6, Made: 6, Failed: 3, Unparseable: 3, Scored: 3, Unscored: 3}
	if diff := cmp.Diff(wantOut, rep.Judge, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("judge outcome (-want +got):\n%s", diff)
	}
	scores := jr.scores(rep.Run.ID)
	for _, c := range jr.calls(rep.Run.ID) {
		_, scored := scores[results.Key{Suite: c.Suite, CaseID: c.CaseID, Target: c.Target}]
		if c.Target == "weak" {
			if c.ErrorClass != "bad_response" || c.Verdict != "" || !strings.Contains(c.ErrorMessage, "Score: N") || c.Output == "" || scored {
				t.Errorf("unreadable verdict: call %+v, scored %v", c, scored)
			}
		} else if !c.OK() || !scored {
			t.Errorf("readable verdict: call %+v, scored %v", c, scored)
		}
	}
	// Not retried: the call was made once (attempts bound provider errors,
	// not unreadable answers).
	if judge.total() != 6 {
		t.Errorf("judge called %d times, want 6", judge.total())
	}
}

// TestJudgeResume: a judge phase interrupted part-way is finished by a
// resume, which makes no judge call twice.
func TestJudgeResume(t *testing.T) {
	var cancel context.CancelFunc
	var seen sync.Mutex
	n := 0
	judge := &fakeJudge{onCall: func() {
		seen.Lock()
		defer seen.Unlock()
		if n++; n == 5 {
			cancel()
		}
	}}
	jr, cfg := newJudgeRun(t, 6, "judge: {mode: pairwise}\n",
		[]string{"base", "strong"}, inlineReferee,
		map[string]providers.Provider{"base": &fakeProvider{answer: answerEven}, "strong": &fakeProvider{answer: rightAnswer}, "referee": judge})
	ctx, c := context.WithCancel(context.Background())
	cancel = c
	rep := jr.execute(ctx, cfg, Options{})
	if rep.Run.Status != results.StatusInterrupted || rep.Judge == nil || !rep.Judge.Interrupted || rep.Judge.NotMade == 0 {
		t.Fatalf("run %s (%s), judge %+v: want the judge phase interrupted", rep.Run.Status, rep.Run.Note, rep.Judge)
	}
	if !strings.Contains(rep.Run.Note, "judge phase") || !strings.Contains(rep.Run.Note, "--resume "+rep.Run.ID) {
		t.Errorf("note %q does not say how to resume the judge phase", rep.Run.Note)
	}
	first := len(jr.calls(rep.Run.ID))
	if first != rep.Judge.Made || first == 0 || first >= 12 {
		t.Fatalf("%d judge calls stored before the interruption (made %d)", first, rep.Judge.Made)
	}
	if got := len(jr.scores(rep.Run.ID)); got > 6+first/2 {
		t.Errorf("%d scores after the interruption: more than the complete pairs allow", got)
	}

	rep2 := jr.execute(context.Background(), cfg, Options{Resume: "last"})
	if rep2.Run.ID != rep.Run.ID || rep2.Run.Status != results.StatusCompleted {
		t.Fatalf("resume: %s %s (%s)", rep2.Run.ID, rep2.Run.Status, rep2.Run.Note)
	}
	if rep2.Outcome.Planned != 0 || rep2.Judge.Planned != 12-first || rep2.Judge.Made != 12-first {
		t.Errorf("resume planned %d answers and %d judge calls (made %d); want 0 and %d", rep2.Outcome.Planned, rep2.Judge.Planned, rep2.Judge.Made, 12-first)
	}
	if judge.total() != 12 || judge.maxRepeats() != 1 {
		t.Errorf("judge called %d times, at most %d times per prompt; want 12 distinct calls", judge.total(), judge.maxRepeats())
	}
	if got := len(jr.calls(rep.Run.ID)); got != 12 {
		t.Errorf("%d judge calls stored, want 12", got)
	}
	if got := len(jr.scores(rep.Run.ID)); got != 12 {
		t.Errorf("%d results with a judge score, want all 12", got)
	}

	// A second resume has nothing left to judge and rewrites no score.
	rep3 := jr.execute(context.Background(), cfg, Options{Resume: rep.Run.ID})
	if rep3.Judge.Planned != 0 || rep3.Judge.Scored != 12 || judge.total() != 12 {
		t.Errorf("second resume: %+v, judge calls %d", rep3.Judge, judge.total())
	}
	versions, err := jr.store.ScoreVersions(context.Background(), rep.Run.ID, key("c1", "strong"))
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) != 2 {
		t.Errorf("score rows %+v: want numeric and one judge score", versions)
	}
}

// TestJudgeRetriesAndStops: judge calls go through the runner's attempt
// loop (a server error is retried), and an auth error stops the judge and
// leaves the run incomplete, resumable.
func TestJudgeRetriesAndStops(t *testing.T) {
	judge := &fakeJudge{fail: func(n int) error {
		switch {
		case n == 1:
			return &providers.Error{Class: providers.Server, Status: 503}
		case n >= 4:
			return &providers.Error{Class: providers.Auth, Status: 401, Message: "bad key"}
		}
		return nil
	}}
	yml := "judge: {name: referee, provider: fake, model: j, base_url: \"{{fake}}\", concurrency: 1, api_key_env: JUDGE_KEY}\n"
	jr, cfg := newJudgeRun(t, 5, "judge: {rubric: fair}\n", []string{"base"}, yml,
		map[string]providers.Provider{"base": &fakeProvider{answer: rightAnswer}, "referee": judge})
	prep, err := Prepare(cfg, func(k string) string { return map[string]string{"JUDGE_KEY": "k"}[k] }, nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Execute(context.Background(), prep, jr.store, Options{Runner: Runner{BackoffBase: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Run.Status != results.StatusIncomplete || !strings.Contains(rep.Run.Note, "judge referee stopped after an auth error") || !strings.Contains(rep.Run.Note, "JUDGE_KEY") {
		t.Errorf("run %s: %q", rep.Run.Status, rep.Run.Note)
	}
	calls := jr.calls(rep.Run.ID)
	if len(calls) != 3 {
		t.Fatalf("%d judge calls stored, want 3 (2 verdicts, then the auth error)", len(calls))
	}
	if calls[0].Attempts != 2 || !calls[0].OK() {
		t.Errorf("first judge call %+v: want a verdict on the second attempt", calls[0])
	}
	if calls[2].ErrorClass != "auth" || !strings.Contains(calls[2].ErrorMessage, "JUDGE_KEY") {
		t.Errorf("third judge call %+v: want the auth error naming the variable", calls[2])
	}
	if rep.Judge.NotMade != 2 || rep.Judge.Scored != 2 || rep.Judge.Unscored != 3 {
		t.Errorf("judge outcome %+v", rep.Judge)
	}
}

func TestJudgeNamedTarget(t *testing.T) {
	base := &fakeProvider{answer: func(p string) string {
		if strings.Contains(p, "[Answer to grade]") {
			return "Score: 8"
		}
		return rightAnswer(p)
	}}
	jr, cfg := newJudgeRun(t, 2, "judge: {rubric: fair}\n", []string{"base", "other"}, "judge: base\n",
		map[string]providers.Provider{"base": base, "other": &fakeProvider{answer: answerWrong}})
	rep := jr.execute(context.Background(), cfg, Options{})
	if rep.Judge == nil || rep.Judge.Judge != "base" || rep.Judge.Scored != 4 {
		t.Fatalf("judge outcome %+v", rep.Judge)
	}
	ts, err := jr.store.Targets(context.Background(), rep.Run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 2 {
		t.Errorf("targets %+v: a target that also judges is recorded once", ts)
	}
	js, err := jr.store.Judges(context.Background(), rep.Run.ID)
	if err != nil || len(js) != 1 || js[0].Judge != "base" || js[0].JudgeOnly {
		t.Errorf("judges %+v, %v", js, err)
	}
}

func TestJudgeConfigErrors(t *testing.T) {
	head := "targets:\n  - name: a\n    provider: openai\n    model: m\n    base_url: http://127.0.0.1:1/v1\nsuites: [reasoning]\n"
	tests := []struct {
		name, src, want string
	}{
		{"unknown judge target", head + "judge: gpt-5\n", `c.yaml:7: judge "gpt-5" is not one of the targets (known: a)`},
		{"empty judge", head + "judge: \"\"\n", "judge is empty"},
		{"inline unknown key", head + "judge:\n  provider: openai\n  model: j\n  temprature: 0\n", "c.yaml:10:"},
		{"inline unknown provider", head + "judge:\n  name: j\n  provider: nope\n  model: j\n", `c.yaml:9: judge: target "j": unknown provider "nope"`},
		{"inline without model", head + "judge:\n  name: j\n  provider: openai\n", `judge: target "j" has no model`},
		{"inline without name or model", head + "judge:\n  provider: openai\n", "judge: judge has no name and no model"},
		{"inline clashes with a target", head + "judge: {name: a, provider: openai, model: j}\n", `c.yaml:7: judge "a" has the name of a target`},
		{"inline with suites", head + "judge:\n  name: j\n  provider: openai\n  model: j\n  suites: [reasoning]\n", "suites: does not apply to a judge"},
		{"list", head + "judge: [a]\n", "c.yaml:7:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig("c.yaml", []byte(tt.src))
			var ce *ConfigError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want a *ConfigError with %q", err, tt.want)
			}
		})
	}
	ok := []struct{ name, src, judge string }{
		{"named", head + "judge: a\n", "a"},
		{"inline", head + "judge: {name: j, provider: openai, model: j-model}\n", "j"},
		{"inline named by model", head + "judge: {provider: openai, model: j-model}\n", "j-model"},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseConfig("c.yaml", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if c.Judge.Name() != tt.judge || len(c.Unused()) != 0 {
				t.Errorf("judge %q, unused %v; want %q and none", c.Judge.Name(), c.Unused(), tt.judge)
			}
			if c.Judge.Inline != nil && (c.Judge.Inline.Concurrency != DefaultConcurrency || c.Judge.Inline.MaxAttempts != DefaultMaxAttempts) {
				t.Errorf("inline judge defaults: %+v", c.Judge.Inline)
			}
		})
	}
}

// TestPrepareJudgeErrors: problems only visible once suites are loaded.
func TestPrepareJudgeErrors(t *testing.T) {
	tests := []struct {
		name       string
		suiteJudge string
		judgeYAML  string
		baselineTo string // suites: of the baseline target, "" for all
		want       string
	}{
		{"judged suite without judge", "judge: {rubric: fair}\n", "", "", "suite arith uses the judge scorer but the config has no judge"},
		{"pairwise without the baseline", "judge: {mode: pairwise}\n", inlineReferee, "other", "suite arith is judged pairwise against the baseline, but baseline base does not answer it"},
		{"judge credentials", "judge: {rubric: fair}\n", "judge: {name: referee, provider: fake, model: j, base_url: \"{{fake}}\", api_key_env: NO_SUCH_KEY}\n", "", "judge: target \"referee\": NO_SUCH_KEY is not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, cfg := newJudgeRun(t, 1, tt.suiteJudge, []string{"base"}, tt.judgeYAML,
				map[string]providers.Provider{"base": &fakeProvider{}, "referee": &fakeJudge{}})
			if tt.baselineTo != "" {
				cfg.Targets[0].Suites = []string{tt.baselineTo}
			}
			_, err := Prepare(cfg, func(string) string { return "" }, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Prepare: %v, want an error with %q", err, tt.want)
			}
		})
	}
}

// TestJudgeUnusedIsNoted: a judge with no judged suite makes no call and
// says so on the run.
func TestJudgeUnusedIsNoted(t *testing.T) {
	judge := &fakeJudge{}
	jr, cfg := newJudgeRun(t, 2, "judge: {rubric: fair}\n", []string{"base"}, inlineReferee,
		map[string]providers.Provider{"base": &fakeProvider{answer: rightAnswer}, "referee": judge})
	// Swap the judged suite for the plain built-in one.
	cfg.Suites = []string{"reasoning"}
	rep := jr.execute(context.Background(), cfg, Options{})
	if rep.Judge != nil || judge.total() != 0 || !strings.Contains(rep.Run.Note, "no suite lists the judge scorer") {
		t.Errorf("judge %+v, %d calls, note %q", rep.Judge, judge.total(), rep.Run.Note)
	}
}

func TestJudgeScore(t *testing.T) {
	tests := []struct {
		name     string
		mode     suites.JudgeMode
		baseline bool
		v        *[2]string
		want     float64
		ok       bool
	}{
		{"rubric", suites.JudgeRubric, false, &[2]string{"7"}, 7, true},
		{"rubric for the baseline too", suites.JudgeRubric, true, &[2]string{"10"}, 10, true},
		{"rubric missing", suites.JudgeRubric, false, nil, 0, false},
		{"rubric out of range", suites.JudgeRubric, false, &[2]string{"11"}, 0, false},
		{"pairwise win both", suites.JudgePairwise, false, &[2]string{"B", "A"}, 1, true},
		{"pairwise loss both", suites.JudgePairwise, false, &[2]string{"A", "B"}, 0, true},
		{"pairwise bias A", suites.JudgePairwise, false, &[2]string{"A", "A"}, 0.5, true},
		{"pairwise bias B", suites.JudgePairwise, false, &[2]string{"B", "B"}, 0.5, true},
		{"pairwise tie and win", suites.JudgePairwise, false, &[2]string{"tie", "A"}, 0.75, true},
		{"pairwise one order only", suites.JudgePairwise, false, &[2]string{"B", ""}, 0, false},
		{"pairwise baseline", suites.JudgePairwise, true, nil, 0.5, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := judgeScore(tt.mode, tt.baseline, tt.v)
			if ok != tt.ok || (ok && cmp.Diff(tt.want, got.Value, cmpopts.EquateApprox(0, 1e-12)) != "") {
				t.Errorf("judgeScore = %v, %v; want %v, %v", got.Value, ok, tt.want, tt.ok)
			}
		})
	}
}
