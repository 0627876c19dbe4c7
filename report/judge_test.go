package report

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// judgeSource is a fakeSource that also records a judge.
type judgeSource struct {
	*fakeSource
	judges []results.JudgeSuite
	calls  []results.JudgeCall
}

var _ JudgeSource = (*judgeSource)(nil)

func (j *judgeSource) Judges(context.Context, string) ([]results.JudgeSuite, error) {
	return j.judges, nil
}

func (j *judgeSource) JudgeCalls(context.Context, string) iter.Seq2[results.JudgeCall, error] {
	return func(yield func(results.JudgeCall, error) bool) {
		for _, c := range j.calls {
			if !yield(c, nil) {
				return
			}
		}
	}
}

// judgeFixture is a run of two judged suites: essay (rubric) and chat
// (pairwise against gpt-4o), judged by referee, which answers no suite.
// Letters per case: a digit is a rubric score, w/t/l a pairwise win, tie
// or loss in both orders, u an unreadable verdict, x a judge timeout.
func judgeFixture() *judgeSource {
	f := &fakeSource{
		run: results.Run{ID: "run-j", ConfigName: "judged", Baseline: "gpt-4o", Repeats: 1, Started: t0, Ended: t0.Add(time.Minute), Status: results.StatusCompleted,
			Config: "judge: {name: referee, provider: anthropic, model: claude-judge}\n"},
		targets: []results.Target{
			{Name: "gpt-4o", Provider: "openai", Model: "gpt-4o", Params: `{}`},
			{Name: "claude", Provider: "anthropic", Model: "claude-sonnet", Params: `{}`},
			{Name: "referee", Provider: "anthropic", Model: "claude-judge", Params: `{"temperature":0}`},
		},
		suites: []results.SuiteInfo{
			{Name: "essay", Scorers: []string{"judge"}},
			{Name: "chat", Scorers: []string{"judge"}},
		},
	}
	j := &judgeSource{fakeSource: f, judges: []results.JudgeSuite{
		{Suite: "essay", Judge: "referee", JudgeOnly: true, Mode: results.JudgeRubric, Rubric: "10: clear and correct <b>bold</b>; 1: wrong."},
		{Suite: "chat", Judge: "referee", JudgeOnly: true, Mode: results.JudgePairwise},
	}}
	rows := []struct {
		suite, mode string
		verdicts    map[string]string
	}{
		{"essay", results.JudgeRubric, map[string]string{"gpt-4o": "8796", "claude": "77u5"}},
		{"chat", results.JudgePairwise, map[string]string{"claude": "wtx"}},
	}
	n := 0
	for _, s := range rows {
		for i := range max(len(s.verdicts["gpt-4o"]), len(s.verdicts["claude"])) {
			caseID := fmt.Sprintf("%s%d", s.suite[:1], i+1)
			f.cases = append(f.cases, results.Case{Suite: s.suite, ID: caseID, Prompt: "Question " + caseID, References: []string{"ref " + caseID}})
			for _, tg := range []string{"gpt-4o", "claude"} {
				r := results.Result{RunID: "run-j", Suite: s.suite, CaseID: caseID, Target: tg, Output: tg + " on " + caseID,
					Latency: time.Second, Attempts: 1, OutputTokens: 10}
				v := byte('s') // the baseline's own pairwise score
				if vs := s.verdicts[tg]; vs != "" {
					v = vs[i]
				}
				ord := 1
				if s.mode == results.JudgePairwise {
					ord = 2
				}
				var sc *suites.Score
				for o := range ord {
					if v == 's' {
						break
					}
					n++
					c := results.JudgeCall{RunID: "run-j", Suite: s.suite, CaseID: caseID, Target: tg, JudgeTarget: "referee", Mode: s.mode, Ord: o,
						Prompt: "judge " + caseID, Latency: time.Duration(n) * 100 * time.Millisecond, Attempts: 1, InputTokens: 100, OutputTokens: 20}
					switch {
					case v == 'u':
						c.Output, c.ErrorClass, c.ErrorCode, c.ErrorMessage = "Looks fine.", "bad_response", unparseableCode, "no Score line"
					case v == 'x' && o == 1:
						c.ErrorClass, c.ErrorMessage, c.Latency, c.OutputTokens = "timeout", "deadline exceeded", 0, 0
					case s.mode == results.JudgeRubric:
						c.Output, c.Verdict = "Score: "+string(v), string(v)
					default:
						c.Verdict = map[byte][2]string{'w': {"B", "A"}, 't': {"tie", "tie"}, 'l': {"A", "B"}, 'x': {"B"}}[v][o]
						c.Output = "Verdict: " + c.Verdict
					}
					j.calls = append(j.calls, c)
				}
				switch {
				case v == 's':
					sc = &suites.Score{Scorer: "judge", Value: 0.5, Extracted: "self"}
				case v >= '1' && v <= '9':
					sc = &suites.Score{Scorer: "judge", Value: float64(v - '0'), Extracted: string(v)}
				case v == 'w':
					sc = &suites.Score{Scorer: "judge", Value: 1, Extracted: "B,A"}
				case v == 't':
					sc = &suites.Score{Scorer: "judge", Value: 0.5, Extracted: "tie,tie"}
				}
				if sc != nil {
					r.Scores = []suites.Score{*sc}
				}
				f.results = append(f.results, r)
			}
		}
	}
	return j
}

func TestBuildJudge(t *testing.T) {
	d, err := Build(context.Background(), judgeFixture(), "run-j")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tg := range d.Targets {
		names = append(names, tg.Name)
	}
	if diff := cmp.Diff([]string{"gpt-4o", "claude"}, names); diff != "" {
		t.Errorf("targets (-want +got): a judge that answers no suite has no column\n%s", diff)
	}
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	want := &JudgeSummary{
		Target: results.Target{Name: "referee", Provider: "anthropic", Model: "claude-judge", Params: `{"temperature":0}`},
		Only:   true,
		Suites: []JudgeSuiteSummary{
			{Suite: "essay", Mode: "rubric", Rubric: "10: clear and correct <b>bold</b>; 1: wrong.", JudgeCalls: JudgeCalls{
				N: 8, Errors: 1, Unparseable: 1, ErrorClasses: []ClassCount{{"bad_response", 1}},
				Latency:     Latencies{N: 8, P50: ms(400), P95: ms(800), P99: ms(800)},
				InputTokens: 800, OutputTokens: 160,
			}},
			{Suite: "chat", Mode: "pairwise", JudgeCalls: JudgeCalls{
				N: 6, Errors: 1, ErrorClasses: []ClassCount{{"timeout", 1}},
				Latency:     Latencies{N: 5, P50: ms(1100), P95: ms(1300), P99: ms(1300)},
				InputTokens: 600, OutputTokens: 100,
			}},
		},
		JudgeCalls: JudgeCalls{
			N: 14, Errors: 2, Unparseable: 1, ErrorClasses: []ClassCount{{"timeout", 1}, {"bad_response", 1}},
			Latency:     Latencies{N: 13, P50: ms(700), P95: ms(1300), P99: ms(1300)},
			InputTokens: 1400, OutputTokens: 260,
		},
	}
	if diff := cmp.Diff(want, d.Judge); diff != "" {
		t.Errorf("judge (-want +got):\n%s", diff)
	}
	// The judge's scores are the suites' scores: rubric means on 1–10,
	// pairwise around 0.5, unreadable verdicts unscored.
	essay, chat := d.Suites[0], d.Suites[1]
	if c := essay.Cells[1]; s2(c.Score.Centre) != s2(19.0/3) || c.Unscored != 1 || essay.Binary {
		t.Errorf("essay claude: %+v", c)
	}
	if c := chat.Cells[1]; c.Score.Centre != 0.75 || c.Unscored != 1 {
		t.Errorf("chat claude: %+v", c)
	}
	if c := chat.Cells[0]; c.Score.Centre != 0.5 || !c.Baseline {
		t.Errorf("chat baseline: %+v", c)
	}
}

func s2(f float64) string { return fmt.Sprintf("%.6f", f) }

func TestBuildJudgeAlsoTarget(t *testing.T) {
	j := judgeFixture()
	j.targets = j.targets[:2]
	for i := range j.judges {
		j.judges[i].Judge, j.judges[i].JudgeOnly = "claude", false
	}
	d, err := Build(context.Background(), j, "run-j")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Targets) != 2 || d.Judge == nil || d.Judge.Target.Model != "claude-sonnet" || d.Judge.Only {
		t.Errorf("targets %d, judge %+v: a target that also judges keeps its column", len(d.Targets), d.Judge)
	}
	var buf bytes.Buffer
	if err := WriteText(&buf, d); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "judge: claude (anthropic claude-sonnet), also a target;") {
		t.Errorf("summary:\n%s", buf.String())
	}
}

func TestNoJudge(t *testing.T) {
	if d := buildFixture(t, fixture()); d.Judge != nil {
		t.Errorf("a source without JudgeSource gave judge %+v", d.Judge)
	}
	j := judgeFixture()
	j.judges = nil
	d, err := Build(context.Background(), j, "run-j")
	if err != nil {
		t.Fatal(err)
	}
	if d.Judge != nil || len(d.Targets) != 3 {
		t.Errorf("a run without judged suites: judge %+v, %d targets", d.Judge, len(d.Targets))
	}
	var buf bytes.Buffer
	if err := WriteText(&buf, d); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "judge:") {
		t.Errorf("summary names a judge:\n%s", buf.String())
	}
}

func TestWriteTextJudgeGolden(t *testing.T) {
	d, err := Build(context.Background(), judgeFixture(), "run-j")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteText(&buf, d); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary_judge.txt.golden", buf.Bytes())
}

// TestWriteHTMLJudgeSection: the section's own golden, the header names
// the judge, and the judge has no column in any table.
func TestWriteHTMLJudgeSection(t *testing.T) {
	d, err := Build(context.Background(), judgeFixture(), "run-j")
	if err != nil {
		t.Fatal(err)
	}
	var sec bytes.Buffer
	if err := htmlTemplate.ExecuteTemplate(&sec, "judge.html.tmpl", view{Data: d}); err != nil {
		t.Fatal(err)
	}
	golden(t, "judge_section.html.golden", sec.Bytes())
	if strings.Contains(sec.String(), "<b>bold</b>") || !strings.Contains(sec.String(), "&lt;b&gt;bold&lt;/b&gt;") {
		t.Error("the rubric is not escaped")
	}

	page := string(renderHTML(t, d))
	if !strings.Contains(page, "<dt>Judge</dt><dd>referee (anthropic claude-judge) <span class=\"muted\">(essay rubric, chat pairwise)</span>") {
		t.Error("the header does not name the judge and its modes")
	}
	if !strings.Contains(page, sec.String()) {
		t.Error("the page does not hold the judge section")
	}
	if strings.Contains(page, `<th class="tgt c2">referee`) || strings.Count(page, "<strong>referee</strong>") != 1 {
		t.Error("the judge-only target appears as a target")
	}
}

// TestBuildJudgeFromStore: *results.Store is a JudgeSource, and a report
// built from it matches the in-memory one.
func TestBuildJudgeFromStore(t *testing.T) {
	ctx := context.Background()
	j := judgeFixture()
	st, err := results.Open(filepath.Join(t.TempDir(), "llmbench.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	run := j.run
	run.Status = results.StatusRunning
	if err := st.CreateRun(ctx, run, j.targets, j.suites); err != nil {
		t.Fatal(err)
	}
	if err := st.PutCases(ctx, run.ID, j.cases); err != nil {
		t.Fatal(err)
	}
	w := st.NewWriter(results.WriterOptions{})
	for _, r := range j.results {
		if err := w.Put(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := st.PutJudges(ctx, run.ID, j.judges); err != nil {
		t.Fatal(err)
	}
	for _, c := range j.calls {
		if err := st.PutJudgeCall(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.FinishRun(ctx, run.ID, j.run.Status, "", j.run.Ended); err != nil {
		t.Fatal(err)
	}
	fromStore, err := Build(ctx, st, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	fromFake, err := Build(ctx, judgeFixture(), run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(renderHTML(t, fromFake)), string(renderHTML(t, fromStore))); diff != "" {
		t.Errorf("report from the store differs (-in-memory +store):\n%s", diff)
	}
}
