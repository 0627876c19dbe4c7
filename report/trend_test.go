package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// historySource is many runs in memory, a Source and a HistorySource.
type historySource struct {
	runs []*fakeSource
}

var (
	_ Source        = (*historySource)(nil)
	_ HistorySource = (*historySource)(nil)
)

func (h *historySource) get(id string) (*fakeSource, error) {
	for _, r := range h.runs {
		if r.run.ID == id {
			return r, nil
		}
	}
	return nil, fmt.Errorf("run %s: %w", id, errNoRun)
}

func (h *historySource) Run(_ context.Context, id string) (results.Run, error) {
	r, err := h.get(id)
	if err != nil {
		return results.Run{}, err
	}
	return r.run, nil
}

func (h *historySource) Targets(ctx context.Context, id string) ([]results.Target, error) {
	r, err := h.get(id)
	if err != nil {
		return nil, err
	}
	return r.Targets(ctx, id)
}

func (h *historySource) Suites(ctx context.Context, id string) ([]results.SuiteInfo, error) {
	r, err := h.get(id)
	if err != nil {
		return nil, err
	}
	return r.Suites(ctx, id)
}

func (h *historySource) Cases(ctx context.Context, id string) iter.Seq2[results.Case, error] {
	r, err := h.get(id)
	if err != nil {
		return func(yield func(results.Case, error) bool) { yield(results.Case{}, err) }
	}
	return r.Cases(ctx, id)
}

func (h *historySource) Results(ctx context.Context, id string) iter.Seq2[results.Result, error] {
	r, err := h.get(id)
	if err != nil {
		return func(yield func(results.Result, error) bool) { yield(results.Result{}, err) }
	}
	return r.Results(ctx, id)
}

// Runs lists the runs of a config newest first, as *results.Store does.
func (h *historySource) Runs(_ context.Context, config string) ([]results.Run, error) {
	var out []results.Run
	for _, r := range h.runs {
		if config == "" || r.run.ConfigName == config {
			out = append(out, r.run)
		}
	}
	slices.SortStableFunc(out, func(a, b results.Run) int { return b.Started.Compare(a.Started) })
	return out, nil
}

// setArith sets one target's arith results from letters as in fixture():
// P pass, F fail, R refusal.
func setArith(f *fakeSource, target, letters string) {
	for i := range f.results {
		r := &f.results[i]
		if r.Suite != "arith" || r.Target != target {
			continue
		}
		var n int
		fmt.Sscanf(r.CaseID, "a%d", &n)
		r.ErrorClass, r.ErrorCode, r.ErrorMessage, r.Scores = "", "", "", nil
		r.Latency = 10*time.Millisecond + time.Duration(n-1)*time.Millisecond
		switch ch := letters[n-1]; ch {
		case 'R':
			r.ErrorClass, r.ErrorMessage, r.Latency, r.Output, r.OutputTokens = "content_filtered", "blocked", 0, "", 0
		default:
			v := 0.0
			r.Output = "I think it is 7."
			if ch == 'P' {
				v, r.Output = 1, fmt.Sprintf("The answer is %d.", 2*(n-1)+1)
			}
			r.OutputTokens = 6
			r.Scores = []suites.Score{{Scorer: "exact_match", Value: v, Binary: true}}
		}
	}
}

// withRun gives a fixture copy another ID, start and status.
func withRun(f *fakeSource, id string, started time.Time, status string) *fakeSource {
	f.run.ID, f.run.Started, f.run.Ended, f.run.Status = id, started, started.Add(time.Minute), status
	for i := range f.results {
		f.results[i].RunID = id
	}
	return f
}

// historyFixture is five runs of config nightly and one of another:
//
//	run-a  t0−48h completed  the fixture (sim-fast arith FFFFFPPPRF)
//	run-b  t0−24h completed  sim-fast passes every arith case
//	run-c  t0−12h interrupted (never in a trend)
//	run-0001 t0   completed  the fixture again, case a06 edited (another hash): the reported run
//	run-z  t0+24h completed  after the reported run (never in its trend)
//	run-o  t0−6h  completed  config other
//
// So sim-fast's arith score goes 3/9 → 10/10 → 3/9: run-a → run-b is a
// significant rise (6 cases better: McNemar p = 2/2⁶ = 0.031) and run-b →
// run-0001 a significant drop (a01–a05 and a10 worse, a06 not paired as
// edited, a09 refused: p = 0.031).
func historyFixture() *historySource {
	a := withRun(fixture(), "run-a", t0.Add(-48*time.Hour), results.StatusCompleted)
	b := withRun(fixture(), "run-b", t0.Add(-24*time.Hour), results.StatusCompleted)
	setArith(b, "sim-fast", "PPPPPPPPPP")
	c := withRun(fixture(), "run-c", t0.Add(-12*time.Hour), results.StatusInterrupted)
	setArith(c, "sim-fast", "FFFFFFFFFF")
	cur := fixture()
	for i := range cur.cases {
		if cur.cases[i].ID == "a06" {
			cur.cases[i].Hash = "edited"
		}
	}
	z := withRun(fixture(), "run-z", t0.Add(24*time.Hour), results.StatusCompleted)
	setArith(z, "gpt-4o", "FFFFFFFFFF")
	o := withRun(fixture(), "run-o", t0.Add(-6*time.Hour), results.StatusCompleted)
	o.run.ConfigName = "other"
	setArith(o, "claude", "FFFFFFFFFF")
	for _, f := range []*fakeSource{a, b, c, z, o} {
		for i := range f.cases {
			if f.cases[i].ID == "a06" {
				f.cases[i].Hash = "before"
			}
		}
	}
	return &historySource{runs: []*fakeSource{a, b, c, cur, z, o}}
}

func TestTrend(t *testing.T) {
	src := historyFixture()
	d := buildWith(t, src, "run-0001", Options{})
	tr := d.Trend
	if tr == nil {
		t.Fatal("no trend")
	}
	var ids []string
	for _, r := range tr.Runs {
		ids = append(ids, r.ID)
	}
	if diff := cmp.Diff([]string{"run-a", "run-b", "run-0001"}, ids); diff != "" {
		t.Errorf("runs (-want +got):\n%s", diff)
	}
	type pt struct {
		Score float64
		N     int
		Delta float64
		P     float64
		Test  string
		Sig   bool
		Drop  bool
	}
	view := func(pts []TrendPoint) []pt {
		var out []pt
		for _, p := range pts {
			v := pt{Score: p.Score, N: p.N}
			if p.Change != nil {
				v.Delta, v.P, v.Test, v.Sig, v.Drop = p.Change.Delta, p.Change.P, p.Change.Test, p.Change.Significant, p.Change.Drop
			}
			out = append(out, v)
		}
		return out
	}
	series := func(suite, target string) []TrendPoint {
		for si, s := range tr.Suites {
			if s.Suite != suite {
				continue
			}
			for ti, tg := range d.Targets {
				if tg.Name == target {
					return tr.Suites[si].Points[ti]
				}
			}
		}
		t.Fatalf("no series %s/%s", suite, target)
		return nil
	}
	approx := cmpopts.EquateApprox(0, 1e-12)
	t.Run("sim-fast arith rises, then drops", func(t *testing.T) {
		want := []pt{
			{Score: 3.0 / 9, N: 9},
			// run-a → run-b: 9 pairs (a09 refused in run-a), 6 better.
			{Score: 1, N: 10, Delta: 6.0 / 9, P: 2.0 / 64, Test: TestMcNemar, Sig: true},
			// run-b → run-0001: 8 pairs (a06 edited, a09 refused), 6 worse.
			{Score: 3.0 / 9, N: 9, Delta: -6.0 / 8, P: 2.0 / 64, Test: TestMcNemar, Sig: true, Drop: true},
		}
		if diff := cmp.Diff(want, view(series("arith", "sim-fast")), approx); diff != "" {
			t.Errorf("points (-want +got):\n%s", diff)
		}
	})
	t.Run("unchanged targets", func(t *testing.T) {
		want := []pt{{Score: 0.8, N: 10}, {Score: 0.8, N: 10, P: 1, Test: TestMcNemar}, {Score: 0.8, N: 10, P: 1, Test: TestMcNemar}}
		if diff := cmp.Diff(want, view(series("arith", "gpt-4o")), approx); diff != "" {
			t.Errorf("gpt-4o arith (-want +got):\n%s", diff)
		}
		// summ is continuous: Wilcoxon, no difference at all.
		for _, p := range series("summ", "claude")[1:] {
			if p.Change == nil || p.Change.Test != TestWilcoxon || p.Change.P != 1 || p.Change.Significant || p.Change.N != 6 {
				t.Errorf("claude summ change %+v, want Wilcoxon p=1 over 6 cases", p.Change)
			}
		}
	})
	t.Run("drops", func(t *testing.T) {
		if len(tr.Drops) != 1 {
			t.Fatalf("drops = %+v, want one", tr.Drops)
		}
		dr := tr.Drops[0]
		if dr.Suite != "arith" || dr.Target != "sim-fast" || dr.Run != 2 || !dr.Binary {
			t.Errorf("drop %+v", dr)
		}
		if got, want := changeText(dr.Change, dr.Binary), "-75.0 pp, p=0.031 (McNemar exact, n=8)"; got != want {
			t.Errorf("change text %q, want %q", got, want)
		}
	})
	t.Run("latency", func(t *testing.T) {
		// The p50 over all suites' successful calls: 16 for gpt-4o, 15
		// for claude; sim-fast has 15 in run-b (10 arith + 5 summ), 14 in
		// the others.
		want := [][]time.Duration{
			{1300 * time.Millisecond, 1300 * time.Millisecond, 1300 * time.Millisecond},
			{950 * time.Millisecond, 950 * time.Millisecond, 950 * time.Millisecond},
			{13 * time.Millisecond, 14 * time.Millisecond, 13 * time.Millisecond},
		}
		if diff := cmp.Diff(want, tr.Latency); diff != "" {
			t.Errorf("latency (-want +got):\n%s", diff)
		}
	})
	t.Run("the reported run's points are its own figures", func(t *testing.T) {
		for si, s := range d.Suites {
			for ti, c := range s.Cells {
				p := tr.Suites[si].Points[ti][2]
				if p.Present != (c.Score.N > 0) || p.Score != c.Score.Centre || p.N != c.Score.N || p.P50 != c.Latency.P50 {
					t.Errorf("%s/%s: trend point %+v, cell %v n=%d p50=%v", s.Name, c.Target, p, c.Score.Centre, c.Score.N, c.Latency.P50)
				}
			}
		}
	})
	t.Run("stored runs give the same figures", func(t *testing.T) {
		// run-a is the fixture: its stored-run figures must equal those
		// Build computes for the same data.
		snap := historyFixture()
		a, _ := snap.get("run-a")
		sr, err := readStored(context.Background(), a, a.run, false)
		if err != nil {
			t.Fatal(err)
		}
		got := sr.snap()
		own := buildWith(t, a, "run-a", Options{})
		for _, s := range own.Suites {
			for ti, c := range s.Cells {
				p := got.suites[s.Name].cells[own.Targets[ti].Name].point
				if p.Score != c.Score.Centre || p.N != c.Score.N || p.P50 != c.Latency.P50 {
					t.Errorf("%s/%s: stored %+v, built %v n=%d p50=%v", s.Name, c.Target, p, c.Score.Centre, c.Score.N, c.Latency.P50)
				}
			}
		}
	})
}

func TestChangedSincePrevious(t *testing.T) {
	src := historyFixture()
	changedRows := func(d *Data) map[string]string {
		out := map[string]string{}
		for _, s := range d.Suites {
			for _, r := range s.Rows {
				var who []string
				for ti, a := range r.Answers {
					if a.Changed {
						who = append(who, d.Targets[ti].Name+": "+wasText(a, s.Binary))
					}
				}
				if r.Changed != (len(who) > 0) {
					t.Errorf("row %s: Changed %v but %d answers changed", r.CaseID, r.Changed, len(who))
				}
				if len(who) > 0 {
					out[r.CaseID] = strings.Join(who, "; ")
				}
			}
		}
		return out
	}
	t.Run("auto: the newest completed run before", func(t *testing.T) {
		d := buildWith(t, src, "run-0001", Options{})
		if d.Previous == nil || d.Previous.ID != "run-b" {
			t.Fatalf("previous = %+v, want run-b", d.Previous)
		}
		want := map[string]string{
			"a01": "sim-fast: was pass, text changed", "a02": "sim-fast: was pass, text changed",
			"a03": "sim-fast: was pass, text changed", "a04": "sim-fast: was pass, text changed",
			"a05": "sim-fast: was pass, text changed",
			"a06": "gpt-4o: case edited since the previous run; claude: case edited since the previous run; sim-fast: case edited since the previous run",
			"a09": "sim-fast: was pass, text changed",
			"a10": "sim-fast: was pass, text changed",
		}
		if diff := cmp.Diff(want, changedRows(d)); diff != "" {
			t.Errorf("changed rows (-want +got):\n%s", diff)
		}
		if d.Previous.Answers != 10 || d.Previous.Rows != 8 {
			t.Errorf("previous counts %d answers, %d rows; want 10, 8", d.Previous.Answers, d.Previous.Rows)
		}
	})
	t.Run("an explicit run", func(t *testing.T) {
		// run-a is the same fixture: only the edited case differs.
		d := buildWith(t, src, "run-0001", Options{Previous: "run-a"})
		if d.Previous == nil || d.Previous.ID != "run-a" || d.Previous.Rows != 1 {
			t.Fatalf("previous = %+v, want run-a with one changed row", d.Previous)
		}
		// Any run may be named, of any config and status.
		d = buildWith(t, src, "run-0001", Options{Previous: "run-o"})
		// run-o's claude failed every arith case: it now passes a01–a09
		// and errs on a10.
		want := map[string]string{}
		for i := 1; i <= 10; i++ {
			want[fmt.Sprintf("a%02d", i)] = "claude: was fail, text changed"
		}
		want["a06"] = "gpt-4o: case edited since the previous run; claude: case edited since the previous run; sim-fast: case edited since the previous run"
		if diff := cmp.Diff(want, changedRows(d)); diff != "" {
			t.Errorf("changed rows vs run-o (-want +got):\n%s", diff)
		}
	})
	t.Run("none", func(t *testing.T) {
		d := buildWith(t, src, "run-0001", Options{Previous: PreviousNone})
		if d.Previous != nil || len(changedRows(d)) != 0 {
			t.Errorf("previous %+v with marks: want neither", d.Previous)
		}
		if d.Trend == nil {
			t.Error("--previous none also dropped the trend")
		}
	})
	t.Run("errors", func(t *testing.T) {
		if _, err := BuildWith(context.Background(), src, "run-0001", Options{Previous: "run-nope"}); !errors.Is(err, errNoRun) {
			t.Errorf("unknown previous run: err = %v", err)
		}
		if _, err := BuildWith(context.Background(), src, "run-0001", Options{Previous: "run-0001"}); err == nil {
			t.Error("the run itself as its previous run: no error")
		}
	})
	t.Run("no history", func(t *testing.T) {
		// A plain Source keeps no history: no trend, no marks.
		d := buildWith(t, fixture(), "run-0001", Options{})
		if d.Trend != nil || d.Previous != nil {
			t.Errorf("trend %v, previous %v from a source without history", d.Trend != nil, d.Previous)
		}
	})
	t.Run("first run of its config", func(t *testing.T) {
		d := buildWith(t, src, "run-a", Options{})
		if d.Trend != nil || d.Previous != nil {
			t.Errorf("trend %v, previous %v for the oldest run", d.Trend != nil, d.Previous)
		}
	})
}

// TestTrendBounded: of 30 completed runs before the reported one, only
// the newest MaxHistory−1 are read.
func TestTrendBounded(t *testing.T) {
	src := &historySource{}
	for i := range 30 {
		f := withRun(fixture(), fmt.Sprintf("old-%02d", i), t0.Add(-time.Duration(30-i)*time.Hour), results.StatusCompleted)
		src.runs = append(src.runs, f)
	}
	src.runs = append(src.runs, fixture())
	counting := &countingSource{historySource: src}
	d := buildWith(t, counting, "run-0001", Options{})
	if n := len(d.Trend.Runs); n != MaxHistory {
		t.Fatalf("trend has %d runs, want %d", n, MaxHistory)
	}
	if first := d.Trend.Runs[0].ID; first != "old-11" {
		t.Errorf("oldest run in the trend = %s, want old-11", first)
	}
	if counting.reads != MaxHistory {
		t.Errorf("results read for %d runs, want %d", counting.reads, MaxHistory)
	}
}

// countingSource counts the runs whose results are read.
type countingSource struct {
	*historySource
	reads int
}

func (c *countingSource) Results(ctx context.Context, id string) iter.Seq2[results.Result, error] {
	c.reads++
	return c.historySource.Results(ctx, id)
}

// TestTrendFromStore stores three runs of a config in SQLite: the store's
// run history gives the same trend and marks as the in-memory source.
func TestTrendFromStore(t *testing.T) {
	ctx := context.Background()
	mem := historyFixture()
	st, err := results.Open(filepath.Join(t.TempDir(), "llmbench.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, f := range mem.runs {
		if err := st.CreateRun(ctx, f.run, f.targets, f.suites); err != nil {
			t.Fatal(err)
		}
		if err := st.PutCases(ctx, f.run.ID, f.cases); err != nil {
			t.Fatal(err)
		}
		w := st.NewWriter(results.WriterOptions{})
		for _, r := range f.results {
			if err := w.Put(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	fromStore, err := Build(ctx, st, "run-0001")
	if err != nil {
		t.Fatal(err)
	}
	fromMem := buildWith(t, mem, "run-0001", Options{})
	var a, b bytes.Buffer
	if err := WriteJSON(&a, fromMem); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&b, fromStore); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a.String(), b.String()); diff != "" {
		t.Errorf("report from the store differs (-in-memory +store):\n%s", diff)
	}
	if fromStore.Trend == nil || len(fromStore.Trend.Drops) != 1 || fromStore.Previous == nil {
		t.Error("the store's report lacks the trend or the previous run")
	}
}

func TestWriteHTMLTrendAndChanges(t *testing.T) {
	d := buildWith(t, historyFixture(), "run-0001", Options{Pricing: testPricing()})
	page := string(renderHTML(t, d))
	for _, want := range []string{
		`<section id="trend">`, `<section id="cost">`, `<section id="pareto">`,
		`class="only-changed"`, `data-changed="true"`, `data-changed="false"`,
		"case edited since the previous run", "Significant drops", "significant drop",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	tags, _ := startTags(page)
	if n, want := countTags(tags, "svg"), len(d.Suites)+3+morePlotCount(t, d); n != want || morePlotCount(t, d) != 2*len(d.Suites)+len(d.Suites)+1 {
		t.Errorf("page has %d svg elements, want %d: a score, two Pareto and a trend plot per suite, 3 more and the latency trend", n, want)
	}
	golden(t, "report_history.html.golden", []byte(page))
}

// benchHistory is n completed runs of a config, each of cases cases × 6
// targets on one pass/fail suite, the last being the reported run.
func benchHistory(runs, cases int) *historySource {
	src := &historySource{}
	targets := []string{"base", "t1", "t2", "t3", "t4", "t5"}
	for k := range runs {
		id := fmt.Sprintf("run-%02d", k)
		f := &fakeSource{run: results.Run{ID: id, ConfigName: "nightly", Baseline: "base", Repeats: 1,
			Started: t0.Add(time.Duration(k) * time.Hour), Status: results.StatusCompleted}}
		for _, tg := range targets {
			f.targets = append(f.targets, results.Target{Name: tg, Provider: "openai", Model: "gpt-4o"})
		}
		f.suites = []results.SuiteInfo{{Name: "qa", Scorers: []string{"exact"}}}
		for c := range cases {
			cid := fmt.Sprintf("c%05d", c)
			f.cases = append(f.cases, results.Case{Suite: "qa", ID: cid, Prompt: "question " + cid, Hash: "h" + cid})
			for ti, tg := range targets {
				v := float64((c*7 + ti*3 + k) % 5 / 4) // pass about one case in five
				f.results = append(f.results, results.Result{RunID: id, Suite: "qa", CaseID: cid, Target: tg,
					Output: fmt.Sprintf("answer %d", c%97), Latency: time.Duration(100+c%300) * time.Millisecond,
					InputTokens: 50, OutputTokens: 20, Scores: []suites.Score{{Scorer: "exact", Value: v, Binary: true}}})
			}
		}
		src.runs = append(src.runs, f)
	}
	return src
}

// BenchmarkBuildHistory builds a report of 1,000 cases × 6 targets with
// MaxHistory−1 earlier runs (trend and changed marks) and without.
func BenchmarkBuildHistory(b *testing.B) {
	src := benchHistory(MaxHistory, 1000)
	last := src.runs[len(src.runs)-1]
	for _, bc := range []struct {
		name string
		src  Source
	}{{"alone", last}, {"history", src}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := BuildWith(context.Background(), bc.src, last.run.ID, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
