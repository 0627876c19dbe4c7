package report

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"iter"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// runsSource is an in-memory Source holding several runs.
type runsSource map[string]*fakeSource

var _ Source = runsSource(nil)

func (m runsSource) get(id string) (*fakeSource, error) {
	f, ok := m[id]
	if !ok {
		return nil, fmt.Errorf("run %s: %w", id, results.ErrNotFound)
	}
	return f, nil
}

func (m runsSource) Run(ctx context.Context, id string) (results.Run, error) {
	f, err := m.get(id)
	if err != nil {
		return results.Run{}, err
	}
	return f.run, nil
}

func (m runsSource) Targets(ctx context.Context, id string) ([]results.Target, error) {
	f, err := m.get(id)
	if err != nil {
		return nil, err
	}
	return f.targets, nil
}

func (m runsSource) Suites(ctx context.Context, id string) ([]results.SuiteInfo, error) {
	f, err := m.get(id)
	if err != nil {
		return nil, err
	}
	return f.suites, nil
}

func (m runsSource) Cases(ctx context.Context, id string) iter.Seq2[results.Case, error] {
	return m[id].Cases(ctx, id)
}

func (m runsSource) Results(ctx context.Context, id string) iter.Seq2[results.Result, error] {
	return m[id].Results(ctx, id)
}

// simTarget describes how a synthetic target behaves in one run.
type simTarget struct {
	name     string
	acc      float64       // probability of a pass (binary) or the mean score (continuous)
	latency  time.Duration // every successful call's latency, ± 10%
	errRate  float64       // probability of a server error
	refRate  float64
	model    string
	scoreMax float64 // 0: binary; else continuous scores in [0, scoreMax]
}

// synthRun makes a completed run of one suite with n cases; hashes maps a
// case index to a hash override (content changed).
func synthRun(id string, started time.Time, scorer string, n int, seed uint64, ts []simTarget, hashes map[int]string) *fakeSource {
	f := &fakeSource{run: results.Run{ID: id, ConfigName: "nightly", Baseline: ts[0].name, Started: started, Ended: started.Add(time.Minute), Status: results.StatusCompleted}}
	f.suites = []results.SuiteInfo{{Name: "s", Scorers: []string{scorer}, Hash: "h"}}
	for i := range n {
		h := fmt.Sprintf("hash-%d", i)
		if o, ok := hashes[i]; ok {
			h = o
		}
		f.cases = append(f.cases, results.Case{Suite: "s", ID: fmt.Sprintf("c%03d", i), Hash: h})
	}
	for ti, t := range ts {
		f.targets = append(f.targets, results.Target{Name: t.name, Provider: "sim", Model: t.name})
		rng := rand.New(rand.NewPCG(seed, uint64(ti)))
		for i := range n {
			r := results.Result{RunID: id, Suite: "s", CaseID: fmt.Sprintf("c%03d", i), Target: t.name, ModelReported: t.model}
			u := rng.Float64()
			switch {
			case u < t.errRate:
				r.ErrorClass = string(providers.Server)
			case u < t.errRate+t.refRate:
				r.ErrorClass = string(providers.ContentFiltered)
			default:
				r.Latency = time.Duration(float64(t.latency) * (0.9 + 0.2*rng.Float64()))
				if t.scoreMax == 0 {
					v := 0.0
					if rng.Float64() < t.acc {
						v = 1
					}
					r.Scores = []suites.Score{{Scorer: scorer, Value: v, Binary: true}}
				} else {
					v := min(t.scoreMax, max(0, t.acc*t.scoreMax+(rng.Float64()-0.5)*0.2*t.scoreMax))
					r.Scores = []suites.Score{{Scorer: scorer, Value: v}}
				}
			}
			f.results = append(f.results, r)
		}
	}
	return f
}

func findingKinds(d *RunDiff) map[string][]string {
	out := map[string][]string{}
	for _, c := range d.Cells {
		for _, f := range c.Findings {
			out[c.Target+"×"+c.Suite] = append(out[c.Target+"×"+c.Suite], f.Kind)
		}
	}
	return out
}

func TestDiffFindsWhatChanged(t *testing.T) {
	base := simTarget{name: "base", acc: 0.85, latency: 100 * time.Millisecond, model: "base-1"}
	steady := simTarget{name: "steady", acc: 0.8, latency: 150 * time.Millisecond, model: "steady-1"}
	tests := []struct {
		name   string
		scorer string
		before []simTarget
		after  []simTarget
		hashes map[int]string
		want   map[string][]string
	}{
		{
			name:   "accuracy drop and latency doubling",
			scorer: "exact",
			before: []simTarget{base, steady, {name: "slow", acc: 0.8, latency: 100 * time.Millisecond}, {name: "dumb", acc: 0.85, latency: 100 * time.Millisecond}},
			after:  []simTarget{base, steady, {name: "slow", acc: 0.8, latency: 200 * time.Millisecond}, {name: "dumb", acc: 0.45, latency: 100 * time.Millisecond}},
			want:   map[string][]string{"slow×s": {FindP50, FindP95}, "dumb×s": {FindScore}},
		},
		{
			name:   "tiny latencies doubling is below the minimum rise",
			scorer: "exact",
			before: []simTarget{base, {name: "fast", acc: 0.8, latency: 5 * time.Millisecond}},
			after:  []simTarget{base, {name: "fast", acc: 0.8, latency: 10 * time.Millisecond}},
			want:   map[string][]string{},
		},
		{
			name:   "error and refusal rates rise",
			scorer: "exact",
			before: []simTarget{base, {name: "flaky", acc: 0.8, latency: 100 * time.Millisecond}},
			after:  []simTarget{base, {name: "flaky", acc: 0.8, latency: 100 * time.Millisecond, errRate: 0.3, refRate: 0.3}},
			want:   map[string][]string{"flaky×s": {FindErrors, FindRefusals}},
		},
		{
			name:   "small drop on a 0-100 scorer is below the scaled minimum effect",
			scorer: "bleu",
			before: []simTarget{base, {name: "t", acc: 0.50, latency: 100 * time.Millisecond, scoreMax: 100}},
			after:  []simTarget{base, {name: "t", acc: 0.49, latency: 100 * time.Millisecond, scoreMax: 100}},
			want:   map[string][]string{},
		},
		{
			name:   "large drop on a 0-100 scorer",
			scorer: "bleu",
			before: []simTarget{base, {name: "t", acc: 0.50, latency: 100 * time.Millisecond, scoreMax: 100}},
			after:  []simTarget{base, {name: "t", acc: 0.40, latency: 100 * time.Millisecond, scoreMax: 100}},
			want:   map[string][]string{"t×s": {FindScore}},
		},
		{
			name:   "a rise is a note, not a regression",
			scorer: "exact",
			before: []simTarget{base, {name: "t", acc: 0.45, latency: 100 * time.Millisecond}},
			after:  []simTarget{base, {name: "t", acc: 0.9, latency: 100 * time.Millisecond}},
			want:   map[string][]string{"t×s": {FindScoreRise}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := runsSource{
				"a": synthRun("a", t0, tt.scorer, 120, 1, tt.before, nil),
				"b": synthRun("b", t0.Add(24*time.Hour), tt.scorer, 120, 2, tt.after, tt.hashes),
			}
			d, err := Diff(context.Background(), src, "a", "b", Thresholds{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, findingKinds(d), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			wantN := 0
			for _, ks := range tt.want {
				if !slices.Equal(ks, []string{FindScoreRise}) {
					wantN++
				}
			}
			if got := d.Regressions(); got != wantN {
				t.Errorf("Regressions() = %d, want %d", got, wantN)
			}
		})
	}
}

// TestDiffNoFalseAlarms compares runs of unchanged targets drawn with
// different seeds: no cell may regress.
func TestDiffNoFalseAlarms(t *testing.T) {
	ts := []simTarget{
		{name: "base", acc: 0.85, latency: 100 * time.Millisecond, errRate: 0.02, refRate: 0.01},
		{name: "b", acc: 0.7, latency: 200 * time.Millisecond, errRate: 0.05, refRate: 0.05},
		{name: "c", acc: 0.5, latency: 50 * time.Millisecond, errRate: 0.1},
		{name: "d", acc: 0.95, latency: 300 * time.Millisecond},
	}
	for seed := range uint64(20) {
		src := runsSource{
			"a": synthRun("a", t0, "exact", 80, 100+2*seed, ts, nil),
			"b": synthRun("b", t0.Add(time.Hour), "exact", 80, 101+2*seed, ts, nil),
		}
		d, err := Diff(context.Background(), src, "a", "b", Thresholds{})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range d.Cells {
			if c.Regressed() {
				t.Errorf("seed %d: false alarm on %s × %s: %v", seed, c.Target, c.Suite, c.Findings)
			}
		}
	}
}

func TestDiffFlipsHashesAndModels(t *testing.T) {
	before := []simTarget{{name: "base", acc: 0.9, latency: time.Second, model: "m-2024-08-06"}}
	after := []simTarget{{name: "base", acc: 0.3, latency: time.Second, model: "m-2024-11-20"}}
	changed := map[int]string{0: "new-0", 1: "new-1", 2: "new-2"}
	a := synthRun("a", t0, "exact", 60, 7, before, nil)
	b := synthRun("b", t0.Add(time.Hour), "exact", 60, 8, after, changed)
	d, err := Diff(context.Background(), runsSource{"a": a, "b": b}, "a", "b", Thresholds{})
	if err != nil {
		t.Fatal(err)
	}
	c := d.Cells[0]
	if c.ContentChanged != 3 || c.Shared != 57 {
		t.Errorf("content changed %d, shared %d; want 3, 57", c.ContentChanged, c.Shared)
	}
	// The flipped cases are exactly the shared ones that passed before and
	// failed after, in case order.
	score := func(f *fakeSource, id string) float64 {
		for _, r := range f.results {
			if r.CaseID == id {
				return r.Scores[0].Value
			}
		}
		return -1
	}
	var want []Flip
	for i := 3; i < 60; i++ {
		id := fmt.Sprintf("c%03d", i)
		if score(a, id) == 1 && score(b, id) == 0 {
			want = append(want, Flip{CaseID: id, Before: 1, After: 0})
		}
	}
	if diff := cmp.Diff(want, c.Flipped); diff != "" {
		t.Errorf("flipped (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]ModelChange{{Target: "base", Before: "m-2024-08-06", After: "m-2024-11-20"}}, d.ModelChanges); diff != "" {
		t.Errorf("model changes (-want +got):\n%s", diff)
	}
	if !strings.Contains(c.Findings[0].Message, "model changed: m-2024-08-06 → m-2024-11-20") {
		t.Errorf("score finding does not mention the model change: %s", c.Findings[0].Message)
	}
}

func TestHolm(t *testing.T) {
	ps := []float64{0.04, 0.01, 0.03, 0.5}
	cells := make([]CellDiff, len(ps))
	for i, p := range ps {
		cells[i].P = p
	}
	type got struct {
		Rank  int
		PHolm float64
	}
	gots := make([]got, len(ps))
	holm(cells, DefaultThresholds(), func(c *CellDiff) (float64, bool) { return c.P, true }, func(c *CellDiff, k, m int, padj float64) {
		for i := range cells {
			if &cells[i] == c {
				gots[i] = got{k, padj}
			}
		}
	})
	// Sorted: 0.01, 0.03, 0.04, 0.5 → 4·0.01, 3·0.03, max(0.09, 2·0.04), max(0.09, 0.5).
	want := []got{{2, 0.09}, {0, 0.04}, {1, 0.09}, {3, 0.5}}
	if diff := cmp.Diff(want, gots, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("holm (-want +got):\n%s", diff)
	}
}

func TestThresholdsChecked(t *testing.T) {
	for _, th := range []Thresholds{{Level: 1.5}, {MinLatencyRise: -time.Second}, {P50Ratio: 0.9}, {MinLatencyN: -1}, {MinPassDrop: -0.1}} {
		if _, err := Diff(context.Background(), runsSource{}, "", "x", th); err == nil || !strings.Contains(err.Error(), "thresholds") {
			t.Errorf("%+v: err = %v, want a thresholds error", th, err)
		}
	}
}

// JUnit structs mirroring the schema CI systems read, with every attribute
// kept as text so a missing one can be told from a zero.
type (
	xSuites struct {
		XMLName  xml.Name `xml:"testsuites"`
		Tests    *string  `xml:"tests,attr"`
		Failures *string  `xml:"failures,attr"`
		Time     *string  `xml:"time,attr"`
		Suites   []xSuite `xml:"testsuite"`
	}
	xSuite struct {
		Name     *string `xml:"name,attr"`
		Tests    *string `xml:"tests,attr"`
		Failures *string `xml:"failures,attr"`
		Time     *string `xml:"time,attr"`
		Cases    []xCase `xml:"testcase"`
	}
	xCase struct {
		Name      *string   `xml:"name,attr"`
		Classname *string   `xml:"classname,attr"`
		Time      *string   `xml:"time,attr"`
		Failures  []xFailed `xml:"failure"`
	}
	xFailed struct {
		Message *string `xml:"message,attr"`
		Type    *string `xml:"type,attr"`
	}
)

// CheckJUnit parses JUnit XML and checks the shape CI systems read:
// required attributes present, numbers well formed, counts consistent. It
// returns the failing test cases as "classname/name".
func checkJUnit(t *testing.T, data []byte) []string {
	t.Helper()
	var root xSuites
	if err := xml.Unmarshal(data, &root); err != nil {
		t.Fatalf("junit does not parse: %v\n%s", err, data)
	}
	num := func(what string, s *string) float64 {
		t.Helper()
		if s == nil {
			t.Fatalf("%s missing", what)
		}
		var f float64
		if _, err := fmt.Sscan(*s, &f); err != nil || f < 0 {
			t.Fatalf("%s = %q is not a non-negative number", what, *s)
		}
		return f
	}
	var failed []string
	tests, failures := 0, 0
	for _, s := range root.Suites {
		if s.Name == nil || *s.Name == "" {
			t.Fatal("testsuite without name")
		}
		num("testsuite time", s.Time)
		sf := 0
		for _, c := range s.Cases {
			if c.Name == nil || c.Classname == nil || *c.Name == "" || *c.Classname == "" {
				t.Fatal("testcase without name or classname")
			}
			num("testcase time", c.Time)
			if len(c.Failures) > 0 {
				for _, f := range c.Failures {
					if f.Message == nil || *f.Message == "" || f.Type == nil || *f.Type == "" {
						t.Fatal("failure without message or type")
					}
				}
				sf++
				failed = append(failed, *c.Classname+"/"+*c.Name)
			}
		}
		if int(num("testsuite tests", s.Tests)) != len(s.Cases) || int(num("testsuite failures", s.Failures)) != sf {
			t.Fatalf("testsuite %s counts tests=%s failures=%s, has %d cases, %d failing", *s.Name, *s.Tests, *s.Failures, len(s.Cases), sf)
		}
		tests += len(s.Cases)
		failures += sf
	}
	num("testsuites time", root.Time)
	if int(num("testsuites tests", root.Tests)) != tests || int(num("testsuites failures", root.Failures)) != failures {
		t.Fatalf("testsuites counts tests=%s failures=%s, want %d, %d", *root.Tests, *root.Failures, tests, failures)
	}
	return failed
}

func TestSummaryOutputs(t *testing.T) {
	before := []simTarget{{name: "base", acc: 0.85, latency: 100 * time.Millisecond, model: "gpt-x-1"}, {name: "dumb", acc: 0.85, latency: 100 * time.Millisecond}}
	after := []simTarget{{name: "base", acc: 0.85, latency: 100 * time.Millisecond, model: "gpt-x-2"}, {name: "dumb", acc: 0.3, latency: 100 * time.Millisecond}}
	src := runsSource{
		"a": synthRun("a", t0, "exact", 80, 1, before, nil),
		"b": synthRun("b", t0.Add(time.Hour), "exact", 80, 2, after, nil),
	}
	for _, tt := range []struct {
		name, before, verdict string
		failed                []string
	}{
		{"compared", "a", VerdictRegression, []string{"llmbench.nightly.s/dumb"}},
		{"first night", "", VerdictFirstRun, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Diff(context.Background(), src, tt.before, "b", Thresholds{})
			if err != nil {
				t.Fatal(err)
			}
			s := NewSummary(d, nil)
			if s.Verdict != tt.verdict {
				t.Errorf("verdict %q, want %q (%s)", s.Verdict, tt.verdict, s.Message)
			}
			var x bytes.Buffer
			if err := WriteJUnit(&x, s); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.failed, checkJUnit(t, x.Bytes()), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("junit failures (-want +got):\n%s", diff)
			}
			var j bytes.Buffer
			if err := WriteSummaryJSON(&j, s); err != nil {
				t.Fatal(err)
			}
			var back Summary
			if err := json.Unmarshal(j.Bytes(), &back); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(s, &back); diff != "" {
				t.Errorf("summary.json does not round-trip (-want +got):\n%s", diff)
			}
			var md bytes.Buffer
			if err := WriteSummaryMarkdown(&md, s); err != nil {
				t.Fatal(err)
			}
			if tt.before != "" {
				for _, want := range []string{"dumb × s", "pass to fail", "now reports model `gpt-x-2` (was `gpt-x-1`)"} {
					if !strings.Contains(md.String(), want) {
						t.Errorf("summary.md lacks %q:\n%s", want, md.String())
					}
				}
			} else if !strings.Contains(md.String(), "no previous run to compare with") {
				t.Errorf("first night's summary.md does not say so:\n%s", md.String())
			}
		})
	}
}
