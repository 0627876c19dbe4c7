package report

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// cellView is the part of a Cell the Build test pins down; intervals from
// the bootstrap are checked separately by their properties.
type cellView struct {
	Target                      string
	N, Errors, Refusals, Scored int
	Unscored                    int
	Centre, Lo, Hi              float64
	P50, P95                    time.Duration
	Cmp                         *cmpView
}

type cmpView struct {
	N, Better, Worse, Same int
	Excluded               Excluded
	Delta, P               float64
	Significant            bool
}

func viewCells(s SuiteSummary) []cellView {
	var out []cellView
	for _, c := range s.Cells {
		v := cellView{
			Target: c.Target, N: c.N, Errors: c.Errors, Refusals: c.Refusals,
			Scored: c.Score.N, Unscored: c.Unscored,
			Centre: c.Score.Centre, P50: c.Latency.P50, P95: c.Latency.P95,
		}
		if s.Binary {
			// Wilson bounds are exact; bootstrap bounds are checked apart.
			v.Lo, v.Hi = c.Score.Lo, c.Score.Hi
		}
		if c.Comparison != nil {
			v.Cmp = &cmpView{
				N: c.Comparison.Delta.N, Better: c.Comparison.Better, Worse: c.Comparison.Worse, Same: c.Comparison.Same,
				Excluded: c.Comparison.Excluded, Delta: c.Comparison.Delta.Centre, P: c.Comparison.P,
				Significant: c.Comparison.Significant,
			}
		}
		out = append(out, v)
	}
	return out
}

func TestBuild(t *testing.T) {
	d, err := Build(context.Background(), fixture(), "run-0001")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("targets", func(t *testing.T) {
		type tv struct {
			Name                string
			Baseline, Simulated bool
			Colour, N           int
			Errors, Refusals    int
			P50, TTFT50         time.Duration
			TokensPerSecond     float64
			In, Out             int64
		}
		var got []tv
		for _, x := range d.Targets {
			got = append(got, tv{x.Name, x.Baseline, x.Simulated, x.Colour, x.N, x.Errors, x.Refusals, x.Latency.P50, x.TTFT.P50, x.TokensPerSecond, x.InputTokens, x.OutputTokens})
		}
		// Baseline first, then by name; colours by sorted name (claude,
		// gpt-4o, sim-fast). Medians are rank ⌈n/2⌉ of the sorted values:
		// gpt-4o has 16 latencies, 1.0–1.9s (arith) and 1.0–1.5s (summ),
		// rank 8 is 1.3s; TTFT 200–290 and 200–250ms, rank 8 is 230ms;
		// tokens/s 6/1.0…6/1.9 and 8/1.0…8/1.5, rank 8 is 6/1.2 = 5.
		// claude has 15 answered calls, 800–1200ms and 800–1050ms, rank 8
		// is 950ms; tokens/s rank 8 is 6/0.85.
		want := []tv{
			{"gpt-4o", true, false, 1, 16, 0, 0, 1300 * time.Millisecond, 230 * time.Millisecond, 5, 320, 108},
			{"claude", false, false, 0, 16, 1, 0, 950 * time.Millisecond, 0, 6 / 0.85, 320, 102},
			{"sim-fast", false, true, 2, 16, 1, 1, 13 * time.Millisecond, 0, 6 / 0.013, 320, 89},
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
			t.Errorf("targets mismatch (-want +got):\n%s", diff)
		}
		if !d.Simulated || d.BaselineMissing {
			t.Errorf("Simulated=%v BaselineMissing=%v, want true, false", d.Simulated, d.BaselineMissing)
		}
	})

	t.Run("arith", func(t *testing.T) {
		s := d.Suites[0]
		if s.Name != "arith" || s.Scorer != "exact_match" || !s.Binary {
			t.Fatalf("suite 0 = %s/%s binary=%v, want arith/exact_match binary", s.Name, s.Scorer, s.Binary)
		}
		// Wilson bounds as in TestWilson; McNemar p: claude 1 vs 0
		// discordant → 1, sim-fast 0 vs 5 → 2/32. sim-fast's 5 losses in 9
		// pairs: the chance a resample has none is (4/9)^9 < 0.1%, so the
		// interval excludes 0; claude's single win in 9 is missing from
		// (8/9)^9 ≈ 35% of resamples, so its interval starts at 0.
		want := []cellView{
			{Target: "gpt-4o", N: 10, Scored: 10, Centre: 0.8, Lo: 0.4901624715, Hi: 0.9433178485, P50: 1400 * time.Millisecond, P95: 1900 * time.Millisecond},
			{Target: "claude", N: 10, Errors: 1, Scored: 9, Centre: 1, Lo: 0.7008549516, Hi: 1, P50: 1000 * time.Millisecond, P95: 1200 * time.Millisecond,
				Cmp: &cmpView{N: 9, Better: 1, Same: 8, Excluded: Excluded{Errors: 1}, Delta: 1.0 / 9, P: 1}},
			{Target: "sim-fast", N: 10, Refusals: 1, Scored: 9, Centre: 1.0 / 3, Lo: 0.1205838184, Hi: 0.6457978644, P50: 14 * time.Millisecond, P95: 19 * time.Millisecond,
				Cmp: &cmpView{N: 9, Worse: 5, Same: 4, Excluded: Excluded{Refusals: 1}, Delta: -5.0 / 9, P: 2.0 / 32, Significant: true}},
		}
		if diff := cmp.Diff(want, viewCells(s), cmpopts.EquateApprox(0, 1e-9)); diff != "" {
			t.Errorf("cells mismatch (-want +got):\n%s", diff)
		}
		if got := s.Cells[2].Comparison.Verdict(); got[:9] != "-55.6 pp " {
			t.Errorf("sim-fast verdict = %q, want it to start with -55.6 pp", got)
		}
		if got, want := s.Cells[1].Comparison.Verdict(), "~ (p=1)"; got != want {
			t.Errorf("claude verdict = %q, want %q", got, want)
		}
	})

	t.Run("summ", func(t *testing.T) {
		s := d.Suites[1]
		if s.Name != "summ" || s.Scorer != "rouge_l" || s.Binary {
			t.Fatalf("suite 1 = %s/%s binary=%v, want summ/rouge_l continuous", s.Name, s.Scorer, s.Binary)
		}
		// sim-fast's answered latencies are 10, 11, 13, 14, 15ms (the
		// timeout is not a latency). Means in eighths: gpt-4o 27/48, claude 33/48, sim-fast 2/8.
		// Exact Wilcoxon p: claude's differences are all positive (n=5
		// non-zero), the most extreme of 2⁵ sign patterns: p = 2·1/32.
		// sim-fast's −2,−3,−1,−2 (eighths) are all negative, n=4: 2·1/16.
		want := []cellView{
			{Target: "gpt-4o", N: 6, Scored: 6, Centre: 27.0 / 48, P50: 1200 * time.Millisecond, P95: 1500 * time.Millisecond},
			{Target: "claude", N: 6, Scored: 6, Centre: 33.0 / 48, P50: 900 * time.Millisecond, P95: 1050 * time.Millisecond,
				Cmp: &cmpView{N: 6, Better: 5, Same: 1, Delta: 6.0 / 48, P: 2.0 / 32, Significant: true}},
			{Target: "sim-fast", N: 6, Errors: 1, Scored: 4, Unscored: 1, Centre: 0.25, P50: 13 * time.Millisecond, P95: 15 * time.Millisecond,
				Cmp: &cmpView{N: 4, Worse: 4, Excluded: Excluded{Errors: 1, Missing: 1}, Delta: -0.25, P: 2.0 / 16, Significant: true}},
		}
		if diff := cmp.Diff(want, viewCells(s), cmpopts.EquateApprox(0, 1e-9)); diff != "" {
			t.Errorf("cells mismatch (-want +got):\n%s", diff)
		}
		for _, c := range s.Cells {
			if !(c.Score.Lo <= c.Score.Centre && c.Score.Centre <= c.Score.Hi) {
				t.Errorf("%s: bootstrap interval [%v, %v] misses the mean %v", c.Target, c.Score.Lo, c.Score.Hi, c.Score.Centre)
			}
		}
		if c := s.Cells[2].Score; c.Lo != 0.25 || c.Hi != 0.25 {
			t.Errorf("sim-fast constant scores: interval [%v, %v], want [0.25, 0.25]", c.Lo, c.Hi)
		}
	})

	t.Run("rows", func(t *testing.T) {
		type rv struct {
			Case string
			Lost bool
			// Per target: "" for none, else P/F, a score, or an error class.
			Lostby []bool
		}
		var got []rv
		for _, s := range d.Suites {
			for _, r := range s.Rows {
				v := rv{Case: r.CaseID, Lost: r.Lost}
				for _, a := range r.Answers {
					v.Lostby = append(v.Lostby, a.Lost)
				}
				got = append(got, v)
			}
		}
		no := []bool{false, false, false}
		sim := []bool{false, false, true}
		want := []rv{
			{"a01", true, sim}, {"a02", true, sim}, {"a03", true, sim}, {"a04", true, sim}, {"a05", true, sim},
			{"a06", false, no}, {"a07", false, no}, {"a08", false, no}, {"a09", false, no}, {"a10", false, no},
			{"s1", true, sim}, {"s2", true, sim}, {"s3", false, no}, {"s4", true, sim}, {"s5", true, sim}, {"s6", false, no},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("rows mismatch (-want +got):\n%s", diff)
		}
		r := d.Suites[0].Rows[0]
		if r.Prompt != "What is 0+1? Answer with the number only." || len(r.References) != 1 || r.References[0] != "1" {
			t.Errorf("row a01 prompt/references = %q/%q", r.Prompt, r.References)
		}
		if len(r.Images) != 2 || r.Images[0].Width != 160 || r.Images[0].Height != 100 || len(r.Images[0].PNG) == 0 {
			t.Fatalf("row a01 images = %+v, want a 160×100 thumbnail and a note", r.Images)
		}
		if r.Images[1].PNG != nil || r.Images[1].Note == "" {
			t.Errorf("undecodable image got %+v, want a note and no picture", r.Images[1])
		}
		a := d.Suites[0].Rows[9].Answers[1] // a10, claude
		if !a.Present || a.ErrorClass != "server" || a.ErrorMsg != "upstream exploded" || a.Scored {
			t.Errorf("a10/claude answer = %+v, want the server error", a)
		}
	})
}

func TestBuildEdges(t *testing.T) {
	t.Run("unknown run", func(t *testing.T) {
		_, err := Build(context.Background(), fixture(), "nope")
		if !errors.Is(err, errNoRun) {
			t.Fatalf("err = %v, want it to wrap errNoRun", err)
		}
	})
	t.Run("iterator error stops the build", func(t *testing.T) {
		f := fixture()
		boom := errors.New("disk on fire")
		f.resultsErr = boom
		_, err := Build(context.Background(), f, "run-0001")
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v, want it to wrap %v", err, boom)
		}
	})
	t.Run("no baseline target", func(t *testing.T) {
		f := fixture()
		f.run.Baseline = "gpt-5"
		d, err := Build(context.Background(), f, "run-0001")
		if err != nil {
			t.Fatal(err)
		}
		if !d.BaselineMissing {
			t.Error("BaselineMissing = false, want true")
		}
		for _, s := range d.Suites {
			for _, c := range s.Cells {
				if c.Comparison != nil || c.Baseline {
					t.Errorf("%s/%s has a comparison without a baseline", s.Name, c.Target)
				}
			}
		}
	})
	t.Run("undeclared suite and target, duplicate result", func(t *testing.T) {
		f := fixture()
		extra := results.Result{RunID: "run-0001", Suite: "adhoc", CaseID: "x1", Target: "mystery", Output: "42",
			Latency: time.Second, Scores: []suites.Score{{Scorer: "numeric", Value: 1, Binary: true}}}
		f.results = append(f.results, extra)
		dup := f.results[0] // arith a01 gpt-4o, now failing
		dup.Scores = []suites.Score{{Scorer: "exact_match", Value: 0, Binary: true}}
		f.results = append(f.results, dup)
		d, err := Build(context.Background(), f, "run-0001")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, x := range d.Targets {
			names = append(names, x.Name)
		}
		if diff := cmp.Diff([]string{"gpt-4o", "claude", "mystery", "sim-fast"}, names); diff != "" {
			t.Fatalf("targets mismatch (-want +got):\n%s", diff)
		}
		last := d.Suites[len(d.Suites)-1]
		if last.Name != "adhoc" || last.Scorer != "numeric" || len(last.Rows) != 1 || len(last.Cells) != 4 {
			t.Fatalf("adhoc suite = %s/%s rows %d cells %d", last.Name, last.Scorer, len(last.Rows), len(last.Cells))
		}
		if c := last.Cells[2]; c.Score.N != 1 || c.Score.Centre != 1 {
			t.Errorf("mystery on adhoc = %+v, want one pass", c.Score)
		}
		base := d.Suites[0].Cells[0]
		if base.N != 10 || base.Score.Centre != 0.7 {
			t.Errorf("baseline on arith n=%d rate=%v, want the duplicate to replace (10 calls, 7/10)", base.N, base.Score.Centre)
		}
		// Rows created before the new target appeared still have a slot for it.
		for _, r := range d.Suites[0].Rows {
			if len(r.Answers) != 4 || r.Answers[2].Present {
				t.Fatalf("row %s answers = %d, want 4 and none from mystery", r.CaseID, len(r.Answers))
			}
		}
	})
	t.Run("long output is cut at a rune boundary", func(t *testing.T) {
		f := fixture()
		long := ""
		for len(long) < MaxTextBytes+10 {
			long += "é" // two bytes; MaxTextBytes is even, so offset by one below
		}
		long = "x" + long
		f.results[0].Output = long
		d, err := Build(context.Background(), f, "run-0001")
		if err != nil {
			t.Fatal(err)
		}
		a := d.Suites[0].Rows[0].Answers[0]
		if !a.Truncated() || a.OutputBytes != len(long) || len(a.Output) != MaxTextBytes-1 {
			t.Errorf("cut output: %d bytes of %d (truncated %v), want %d", len(a.Output), a.OutputBytes, a.Truncated(), MaxTextBytes-1)
		}
	})
}
