package report

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// repeatsFixture is a run with repeats: suite "rb" (pass/fail, 4 repeats)
// and suite "rc" (continuous, 2 repeats), targets "base" (the baseline)
// and "cand". Each string lists a case's repeats in order, with the
// letters of fixture(): P pass, F fail, E server error, R refusal, U
// answered but unscored, - no result, a digit d the score d/8.
func repeatsFixture() *fakeSource {
	f := &fakeSource{
		run: results.Run{ID: "run-rep", ConfigName: "rep", Baseline: "base", Repeats: 4, Seed: 7,
			Started: t0, Ended: t0.Add(time.Minute), Status: results.StatusCompleted},
		targets: []results.Target{
			{Name: "cand", Provider: "openai", Model: "cand-1"},
			{Name: "base", Provider: "openai", Model: "base-1"},
		},
		suites: []results.SuiteInfo{
			{Name: "rb", Scorers: []string{"exact"}},
			{Name: "rc", Scorers: []string{"rougeL"}},
		},
	}
	spec := []struct {
		suite, scorer string
		binary        bool
		cases         []string
		rows          map[string][]string
	}{
		{"rb", "exact", true, []string{"c1", "c2", "c3", "c4", "c5"}, map[string][]string{
			"base": {"PFFF", "PPPP", "FFFF", "PPFF", "PPPP"},
			"cand": {"FFFP", "PPPE", "PPFF", "EEEE", "RFFP"},
		}},
		{"rc", "rougeL", false, []string{"d1", "d2", "d3"}, map[string][]string{
			"base": {"44", "26", "08"},
			"cand": {"66", "5-", "U8"},
		}},
	}
	for _, s := range spec {
		for ci, id := range s.cases {
			f.cases = append(f.cases, results.Case{Suite: s.suite, ID: id, Prompt: "prompt " + id})
			for rep := range len(s.rows["base"][ci]) {
				for _, tg := range []string{"base", "cand"} {
					ch := s.rows[tg][ci][rep]
					if ch == '-' {
						continue
					}
					r := results.Result{RunID: f.run.ID, Suite: s.suite, CaseID: id, Target: tg, Repeat: rep,
						Latency: time.Second, Attempts: 1}
					switch ch {
					case 'E':
						r.ErrorClass, r.ErrorMessage = "server", "boom"
					case 'R':
						r.ErrorClass, r.ErrorMessage = "content_filtered", "blocked"
					case 'U':
						r.Output = "?"
					case 'P', 'F':
						r.Output = string(ch)
						v := 0.0
						if ch == 'P' {
							v = 1
						}
						r.Scores = []suites.Score{{Scorer: s.scorer, Value: v, Binary: true}}
					default:
						r.Output = string(ch)
						r.Scores = []suites.Score{{Scorer: s.scorer, Value: float64(ch-'0') / 8}}
					}
					f.results = append(f.results, r)
				}
			}
		}
	}
	return f
}

func TestBuildRepeats(t *testing.T) {
	d := buildFixture(t, repeatsFixture())
	if len(d.Targets) != 2 || d.Targets[0].Name != "base" {
		t.Fatalf("targets %+v, want base first", d.Targets)
	}

	type passKView struct {
		K, N, Short int
		Centre      float64
	}
	type cellView struct {
		Cases, Samples, Calls, Errors, Refusals, Unscored int
		Centre, RepeatSD                                  float64
		PassK                                             []passKView
	}
	type cmpView struct {
		N, Better, Worse, Same, Partial, Repeats int
		Excluded                                 Excluded
		Delta, P                                 float64
		Test                                     string
	}
	view := func(c Cell) cellView {
		v := cellView{Cases: c.Score.N, Samples: c.Samples, Calls: c.N, Errors: c.Errors, Refusals: c.Refusals,
			Unscored: c.Unscored, Centre: c.Score.Centre, RepeatSD: c.RepeatSD}
		for _, p := range c.PassK {
			v.PassK = append(v.PassK, passKView{p.K, p.N, p.Short, p.Centre})
		}
		return v
	}
	cmpOf := func(c *Comparison) cmpView {
		return cmpView{c.Delta.N, c.Better, c.Worse, c.Same, c.Partial, c.Repeats, c.Excluded, c.Delta.Centre, c.P, c.Test}
	}

	t.Run("pass/fail with repeats", func(t *testing.T) {
		s := d.Suites[0]
		if s.Name != "rb" || !s.Binary || s.Repeats != 4 {
			t.Fatalf("suite %s binary=%v repeats=%d, want rb, binary, 4", s.Name, s.Binary, s.Repeats)
		}
		// base: case pass rates 1/4, 1, 0, 1/2, 1 → 0.55 over 5 cases of 4
		// samples. Within-case variances 1/4 (c1) and 1/3 (c4), each on 3
		// degrees of freedom of 15: pooled sd √(1.75/15).
		// pass@k per case (n=4): c1 (c=1) 1/2, 3/4, 1; c2 1, 1, 1; c3 0, 0,
		// 0; c4 (c=2) 5/6, 1, 1; c5 1, 1, 1.
		//
		// cand: c1 1/4 (4 samples), c2 1 (3: one error), c3 1/2 (4), c4 no
		// sample (4 errors), c5 1/3 (3: one refusal) → 25/48 over 4 cases
		// and 14 samples. Variances 1/4 (3 df), 0 (2 df), 1/3 (3 df), 1/3
		// (2 df): pooled sd √(29/12/10).
		// pass@2: c1 1/2, c2 1, c3 1−C(2,2)/C(4,2) = 5/6, c5 1−C(2,2)/C(3,2)
		// = 2/3 → 3/4; pass@3: 3/4, 1, 1, 1 → 15/16; pass@4 only c1 and c3
		// have 4 samples: 1, and 2 short. c4 has no sample, so it is not
		// short: it is not among the cases at all.
		want := []cellView{
			{Cases: 5, Samples: 20, Calls: 20, Centre: 0.55, RepeatSD: math.Sqrt(1.75 / 15),
				PassK: []passKView{{2, 5, 0, (0.5 + 1 + 0 + 5.0/6 + 1) / 5}, {3, 5, 0, 0.75}, {4, 5, 0, 0.8}}},
			{Cases: 4, Samples: 14, Calls: 20, Errors: 5, Refusals: 1, Centre: 25.0 / 48, RepeatSD: math.Sqrt(29.0 / 120),
				PassK: []passKView{{2, 4, 0, 0.75}, {3, 4, 0, 15.0 / 16}, {4, 2, 2, 1}}},
		}
		var got []cellView
		for _, c := range s.Cells {
			got = append(got, view(c))
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
			t.Errorf("cells mismatch (-want +got):\n%s", diff)
		}

		// Paired per case: c1 1/4 vs 1/4 (same, although every repeat
		// index disagrees but two), c2 1 vs 1 on 3 samples (same,
		// partial), c3 +1/2, c4 excluded (cand only errors), c5 −2/3
		// (partial). Four pairs, not the 14 (case, repeat) pairs where both
		// have a score. Wilcoxon on +1/2, −2/3: ranks 1 (+), 2 (−), W⁺ = 1,
		// P(W⁺ ≤ 1) = 2/4, P(W⁺ ≥ 1) = 3/4, p = 1.
		wantCmp := cmpView{N: 4, Better: 1, Worse: 1, Same: 2, Partial: 2, Repeats: 4,
			Excluded: Excluded{Errors: 1}, Delta: (0.5 - 2.0/3) / 4, P: 1, Test: TestWilcoxon}
		if diff := cmp.Diff(wantCmp, cmpOf(s.Cells[1].Comparison), cmpopts.EquateApprox(0, 1e-12)); diff != "" {
			t.Errorf("comparison mismatch (-want +got):\n%s", diff)
		}
		if got, want := s.Cells[1].Comparison.PairsNote(), "n paired = 4 cases (means of 4 repeats), 1 excluded: 1 error, 2 on fewer repeats"; got != want {
			t.Errorf("PairsNote() = %q, want %q", got, want)
		}
		if s.Cells[0].Comparison != nil {
			t.Error("the baseline has a comparison with itself")
		}

		// Per-case summaries.
		wantCases := []CaseSummary{
			{"c1", []CaseScore{{4, 1, 0.25, 0.25}, {4, 1, 0.25, 0.25}}},
			{"c2", []CaseScore{{4, 4, 1, 0}, {3, 3, 1, 0}}},
			{"c3", []CaseScore{{4, 0, 0, 0}, {4, 2, 0.5, 1.0 / 3}}},
			{"c4", []CaseScore{{4, 2, 0.5, 1.0 / 3}, {}}},
			{"c5", []CaseScore{{4, 4, 1, 0}, {3, 1, 1.0 / 3, 1.0 / 3}}},
		}
		if diff := cmp.Diff(wantCases, s.Cases, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
			t.Errorf("cases mismatch (-want +got):\n%s", diff)
		}

		// Lost marks follow the case means: only c5, on cand's scored
		// answers (not its refusal); c1's repeat 0 (cand F, base P) is not
		// a loss because the case means are equal.
		var lost []string
		for _, r := range s.Rows {
			for di, a := range r.Answers {
				if a.Lost {
					lost = append(lost, fmt.Sprintf("%s/%d/%s", r.CaseID, r.Repeat, d.Targets[di].Name))
				}
			}
			if r.Lost != (r.CaseID == "c5" && r.Repeat > 0) {
				t.Errorf("row %s/%d Lost = %v", r.CaseID, r.Repeat, r.Lost)
			}
		}
		if diff := cmp.Diff([]string{"c5/1/cand", "c5/2/cand", "c5/3/cand"}, lost); diff != "" {
			t.Errorf("lost answers mismatch (-want +got):\n%s", diff)
		}
		if len(s.Rows) != 20 {
			t.Errorf("%d rows, want one per (case, repeat): 20", len(s.Rows))
		}
	})

	t.Run("continuous with repeats", func(t *testing.T) {
		s := d.Suites[1]
		if s.Name != "rc" || s.Binary || s.Repeats != 2 {
			t.Fatalf("suite %s binary=%v repeats=%d, want rc, continuous, 2", s.Name, s.Binary, s.Repeats)
		}
		// base: case means 1/2, 1/2, 1/2; variances 0, 1/8, 1/2 on 1 df
		// each. cand: 3/4, 5/8 (one missing), 1 (one unscored) → 19/24 over
		// 3 cases of 4 samples; only d1 has two samples (variance 0).
		want := []cellView{
			{Cases: 3, Samples: 6, Calls: 6, Centre: 0.5, RepeatSD: math.Sqrt(0.625 / 3)},
			{Cases: 3, Samples: 4, Calls: 5, Unscored: 1, Centre: 19.0 / 24, RepeatSD: 0},
		}
		var got []cellView
		for _, c := range s.Cells {
			got = append(got, view(c))
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
			t.Errorf("cells mismatch (-want +got):\n%s", diff)
		}
		// Differences +1/4, +1/8, +1/2, all positive, n=3: exact p = 2/8.
		wantCmp := cmpView{N: 3, Better: 3, Partial: 2, Repeats: 2, Delta: 7.0 / 24, P: 0.25, Test: TestWilcoxon}
		if diff := cmp.Diff(wantCmp, cmpOf(s.Cells[1].Comparison), cmpopts.EquateApprox(0, 1e-12)); diff != "" {
			t.Errorf("comparison mismatch (-want +got):\n%s", diff)
		}
		for _, c := range s.Cells {
			if c.PassK != nil {
				t.Errorf("%s has pass@k on a continuous score: %+v", c.Target, c.PassK)
			}
		}
	})

	t.Run("without repeats, pairs are cases as before", func(t *testing.T) {
		d := buildFixture(t, fixture())
		for _, s := range d.Suites {
			if s.Repeats != 1 {
				t.Errorf("%s: Repeats = %d, want 1", s.Name, s.Repeats)
			}
			for _, c := range s.Cells {
				if c.PassK != nil || c.RepeatSD != 0 || c.Samples != c.Score.N {
					t.Errorf("%s/%s: PassK %v RepeatSD %v samples %d n %d", s.Name, c.Target, c.PassK, c.RepeatSD, c.Samples, c.Score.N)
				}
				if c.Comparison != nil && s.Binary && c.Comparison.Test != TestMcNemar {
					t.Errorf("%s/%s: test %q, want McNemar", s.Name, c.Target, c.Comparison.Test)
				}
			}
		}
	})
}

func TestWriteTextRepeatsGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteText(&buf, buildFixture(t, repeatsFixture())); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary_repeats.txt.golden", buf.Bytes())
}

func TestBuildWithLevel(t *testing.T) {
	ctx := context.Background()
	d95 := buildFixture(t, fixture())
	d90, err := BuildWith(ctx, fixture(), "run-0001", Options{Level: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	if d95.Level != 0.95 || d90.Level != 0.9 {
		t.Fatalf("levels %v and %v, want 0.95 and 0.9", d95.Level, d90.Level)
	}
	for si, s := range d90.Suites {
		for ci, c := range s.Cells {
			c95 := d95.Suites[si].Cells[ci]
			if s.Binary {
				if want := WilsonAt(int(math.Round(c.Score.Centre*float64(c.Score.N))), c.Score.N, 0.9); c.Score != want {
					t.Errorf("%s/%s: score %+v, want the 90%% Wilson interval %+v", s.Name, c.Target, c.Score, want)
				}
			}
			if c.Score.Lo < c95.Score.Lo || c.Score.Hi > c95.Score.Hi {
				t.Errorf("%s/%s: 90%% interval %+v is not inside the 95%% one %+v", s.Name, c.Target, c.Score, c95.Score)
			}
			if c.Comparison != nil {
				if c.Comparison.Level != 0.9 || c.Comparison.P != c95.Comparison.P {
					t.Errorf("%s/%s: comparison level %v p %v, want 0.9 and the same p %v", s.Name, c.Target, c.Comparison.Level, c.Comparison.P, c95.Comparison.P)
				}
				if c.Comparison.Delta.Lo < c95.Comparison.Delta.Lo || c.Comparison.Delta.Hi > c95.Comparison.Delta.Hi {
					t.Errorf("%s/%s: 90%% delta %+v is not inside the 95%% one %+v", s.Name, c.Target, c.Comparison.Delta, c95.Comparison.Delta)
				}
			}
		}
	}

	var text bytes.Buffer
	if err := WriteText(&text, d90); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "intervals are 90% confidence intervals (not 95%).") {
		t.Errorf("the text summary does not state the 90%% level:\n%s", text.String())
	}
	text.Reset()
	if err := WriteText(&text, d95); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text.String(), "confidence intervals") {
		t.Errorf("the text summary states the default level:\n%s", text.String())
	}
	page := string(renderHTML(t, d90))
	if !strings.Contains(page, "90% interval") || strings.Contains(page, "95%") {
		t.Errorf("the 90%% HTML report does not say 90%% throughout")
	}

	for _, bad := range []float64{-0.5, 1, 1.2, 95, math.NaN(), math.Inf(1)} {
		t.Run(fmt.Sprintf("level %v", bad), func(t *testing.T) {
			if _, err := BuildWith(ctx, fixture(), "run-0001", Options{Level: bad}); err == nil || !strings.Contains(err.Error(), "confidence level") {
				t.Errorf("BuildWith(level %v) error = %v, want a confidence level error", bad, err)
			}
		})
	}
}

func TestBuildNonFiniteScoreIsUnscored(t *testing.T) {
	f := fixture()
	// summ s1 for claude becomes NaN: the call is answered but unscored,
	// and the case drops out of claude's comparison as missing.
	for i := range f.results {
		r := &f.results[i]
		if r.Suite == "summ" && r.CaseID == "s1" && r.Target == "claude" {
			r.Scores[0].Value = math.NaN()
		}
		if r.Suite == "summ" && r.CaseID == "s2" && r.Target == "claude" {
			r.Scores[0].Value = math.Inf(1)
		}
	}
	d := buildFixture(t, f)
	c := d.Suites[1].Cells[1]
	if c.Target != "claude" || c.Unscored != 2 || c.Score.N != 4 || math.IsNaN(c.Score.Centre) || math.IsNaN(c.Score.Lo) {
		t.Errorf("claude on summ: unscored %d n %d score %+v, want 2 unscored and a finite score over 4", c.Unscored, c.Score.N, c.Score)
	}
	if cm := c.Comparison; cm.Delta.N != 4 || cm.Excluded.Missing != 2 || math.IsNaN(cm.P) {
		t.Errorf("claude comparison n %d excluded %+v p %v, want 4 pairs, 2 missing", cm.Delta.N, cm.Excluded, cm.P)
	}
	if a := d.Suites[1].Rows[0].Answers[1]; a.Scored {
		t.Errorf("the NaN answer is marked scored: %+v", a)
	}
}

func TestWriteHTMLRepeats(t *testing.T) {
	page := string(renderHTML(t, buildFixture(t, repeatsFixture())))
	for _, want := range []string{
		"n=5 cases · 20 samples",
		"n=4 cases · 14 samples",
		`<div class="muted small">pass@2 75.0 [`,
		`<div class="muted small">pass@4 100.0 [100.0, 100.0] (2 short)</div>`,
		"n paired = 4 cases (means of 4 repeats), 1 excluded: 1 error, 2 on fewer repeats",
		"With repeats the case is the unit",
		`<th class="num">n cases</th>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the report of a run with repeats lacks %q", want)
		}
	}
	if page := string(renderHTML(t, buildFixture(t, fixture()))); strings.Contains(page, "With repeats") || strings.Contains(page, "pass@") {
		t.Error("the report of a run without repeats talks about repeats")
	}
}
