package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmbench/llmbench/providers/sim"
	"github.com/llmbench/llmbench/report"
	"github.com/llmbench/llmbench/results"
)

// nightModel is a simulated model for the nightly tests: no pacing, no
// faults, a TTFT long enough that scheduling noise on a busy machine does
// not move its percentiles by the latency thresholds.
func nightModel(name string, acc float64, ttft time.Duration, reported string) sim.Model {
	return sim.Model{Name: name, Accuracy: acc, TTFT: ttft, TTFTJitter: ttft / 10, ReportedModel: reported}
}

// startNightSim starts a simulator on loopback for one night.
func startNightSim(t *testing.T, seed int64, models ...sim.Model) string {
	t.Helper()
	answers, err := simAnswers()
	if err != nil {
		t.Fatal(err)
	}
	srv := sim.NewServer(sim.Options{Models: models, Seed: seed, Answers: answers})
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return url
}

// nightConfig writes the nightly config for the simulator at url.
func nightConfig(t *testing.T, dir, url string, models ...sim.Model) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "name: nightly-test\nbaseline: %s\ntargets:\n", models[0].Name)
	for _, m := range models {
		fmt.Fprintf(&b, "  - name: %s\n    provider: sim\n    model: %s\n    base_url: %s\n    concurrency: 8\n    params: {temperature: 0, max_tokens: 256}\n", m.Name, m.Name, url)
	}
	b.WriteString("suites: [reasoning]\n")
	p := filepath.Join(dir, "nightly.yaml")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// night runs "llmbench nightly" against a fresh simulator with models.
func night(t *testing.T, dir, db, out string, seed int64, extra []string, models ...sim.Model) (string, string, int) {
	t.Helper()
	url := startNightSim(t, seed, models...)
	cfg := nightConfig(t, dir, url, models...)
	args := append([]string{"nightly", "--config", cfg, "--db", db, "--out", out}, extra...)
	return runCLI(t, args...)
}

func readSummary(t *testing.T, out string) *report.Summary {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s report.Summary
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	return &s
}

// junitFailures parses junit.xml, checks the attributes CI systems need and
// that its counts agree, and returns the failing cases as "suite/target".
func junitFailures(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	type failure struct {
		Message *string `xml:"message,attr"`
		Type    *string `xml:"type,attr"`
	}
	type testcase struct {
		Name      string    `xml:"name,attr"`
		Classname string    `xml:"classname,attr"`
		Time      *float64  `xml:"time,attr"`
		Failures  []failure `xml:"failure"`
	}
	type testsuite struct {
		Name     string     `xml:"name,attr"`
		Tests    *int       `xml:"tests,attr"`
		Failures *int       `xml:"failures,attr"`
		Time     *float64   `xml:"time,attr"`
		Cases    []testcase `xml:"testcase"`
	}
	var root struct {
		XMLName  xml.Name    `xml:"testsuites"`
		Tests    *int        `xml:"tests,attr"`
		Failures *int        `xml:"failures,attr"`
		Time     *float64    `xml:"time,attr"`
		Suites   []testsuite `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &root); err != nil {
		t.Fatalf("junit.xml: %v", err)
	}
	if root.Tests == nil || root.Failures == nil || root.Time == nil {
		t.Fatal("testsuites lacks tests, failures or time")
	}
	var failed []string
	total, totalFailed := 0, 0
	for _, s := range root.Suites {
		if s.Name == "" || s.Tests == nil || s.Failures == nil || s.Time == nil {
			t.Fatalf("testsuite %q lacks name, tests, failures or time", s.Name)
		}
		nf := 0
		for _, c := range s.Cases {
			if c.Name == "" || c.Classname == "" || c.Time == nil {
				t.Fatalf("testcase %q lacks name, classname or time", c.Name)
			}
			if len(c.Failures) > 0 {
				for _, f := range c.Failures {
					if f.Message == nil || *f.Message == "" || f.Type == nil || *f.Type == "" {
						t.Fatalf("failure of %s lacks message or type", c.Name)
					}
				}
				nf++
				failed = append(failed, s.Name+"/"+c.Name)
			}
		}
		if *s.Tests != len(s.Cases) || *s.Failures != nf {
			t.Fatalf("testsuite %s says tests=%d failures=%d, has %d and %d", s.Name, *s.Tests, *s.Failures, len(s.Cases), nf)
		}
		total += len(s.Cases)
		totalFailed += nf
	}
	if *root.Tests != total || *root.Failures != totalFailed {
		t.Fatalf("testsuites says tests=%d failures=%d, has %d and %d", *root.Tests, *root.Failures, total, totalFailed)
	}
	slices.Sort(failed)
	return failed
}

// TestNightlyFindsRegressions runs two nights against the simulator: on the
// second, one target's accuracy falls from 0.85 to 0.45 and another's
// latency more than doubles, and the baseline's provider reports a new
// snapshot. The verdict names exactly those two cells.
func TestNightlyFindsRegressions(t *testing.T) {
	if testing.Short() {
		t.Skip("two simulated nights")
	}
	dir := t.TempDir()
	db, out := filepath.Join(dir, "llmbench.db"), filepath.Join(dir, "out")
	hook := newHook(t)

	first := []sim.Model{
		nightModel("base-sim", 0.85, 100*time.Millisecond, "base-sim-2024-08-06"),
		nightModel("dumb-sim", 0.85, 100*time.Millisecond, ""),
		nightModel("slow-sim", 0.80, 100*time.Millisecond, ""),
	}
	stdout, stderr, code := night(t, dir, db, out, 1, []string{"--notify", hook.url}, first...)
	if code != ExitOK {
		t.Fatalf("first night: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "no previous run to compare with") {
		t.Errorf("first night does not say there was nothing to compare with:\n%s", stdout)
	}
	if s := readSummary(t, out); s.Verdict != report.VerdictFirstRun || s.Previous != nil {
		t.Errorf("first night: verdict %q, previous %v", s.Verdict, s.Previous)
	}

	second := []sim.Model{
		nightModel("base-sim", 0.85, 100*time.Millisecond, "base-sim-2024-11-20"),
		nightModel("dumb-sim", 0.45, 100*time.Millisecond, ""),
		nightModel("slow-sim", 0.80, 250*time.Millisecond, ""),
	}
	stdout, stderr, code = night(t, dir, db, out, 2, []string{"--notify", hook.url}, second...)
	if code != ExitRegression {
		t.Fatalf("second night: exit %d, want %d\n%s\n%s", code, ExitRegression, stdout, stderr)
	}
	s := readSummary(t, out)
	got := map[string][]string{}
	for _, c := range s.Cells {
		if c.Regressed {
			for _, f := range c.Findings {
				got[c.Target+"×"+c.Suite] = append(got[c.Target+"×"+c.Suite], f.Kind)
			}
		}
	}
	want := map[string][]string{
		"dumb-sim×reasoning": {report.FindScore},
		"slow-sim×reasoning": {report.FindP50, report.FindP95},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("regressions (-want +got):\n%s\n%s", diff, stdout)
	}
	if diff := cmp.Diff([]string{"reasoning/dumb-sim", "reasoning/slow-sim"}, junitFailures(t, filepath.Join(out, "junit.xml"))); diff != "" {
		t.Errorf("junit failures (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]report.SummaryModelChange{{Target: "base-sim", Before: "base-sim-2024-08-06", After: "base-sim-2024-11-20"}}, s.ModelChanges); diff != "" {
		t.Errorf("model changes (-want +got):\n%s", diff)
	}
	if !strings.Contains(stdout, "base-sim now reports base-sim-2024-11-20 (was base-sim-2024-08-06)") {
		t.Errorf("stdout does not report the model change:\n%s", stdout)
	}

	// The flipped cases are exactly the dumb target's cases that passed on
	// the first night and failed on the second.
	prev, cur := s.Previous.ID, s.Run.ID
	pass := passes(t, db, "dumb-sim")
	var wantFlips []string
	for id, p := range pass[prev] {
		if q, ok := pass[cur][id]; ok && p && !q {
			wantFlips = append(wantFlips, id)
		}
	}
	var gotFlips []string
	for _, c := range s.Cells {
		if c.Target == "dumb-sim" {
			for _, f := range c.Flipped {
				gotFlips = append(gotFlips, f.Case)
			}
		}
	}
	if len(wantFlips) == 0 {
		t.Fatal("the degraded target flipped no case")
	}
	if diff := cmp.Diff(wantFlips, gotFlips, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("flipped cases (-want +got):\n%s", diff)
	}
	md, err := os.ReadFile(filepath.Join(out, "summary.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"dumb-sim × reasoning", "pass to fail", "`base-sim-2024-11-20`"} {
		if !strings.Contains(string(md), w) {
			t.Errorf("summary.md lacks %q", w)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "report.html")); err != nil {
		t.Error(err)
	}

	// The webhook got both nights' summaries as JSON.
	bodies := hook.got()
	if len(bodies) != 2 {
		t.Fatalf("webhook got %d posts, want 2", len(bodies))
	}
	var posted report.Summary
	if err := json.Unmarshal(bodies[1], &posted); err != nil || posted.Verdict != report.VerdictRegression || posted.Run.ID != cur {
		t.Errorf("webhook body: verdict %q run %q, err %v", posted.Verdict, posted.Run.ID, err)
	}

	// runs diff says the same about the same two runs.
	dout, _, dcode := runCLI(t, "runs", "diff", "--db", db, "--json", prev, cur)
	if dcode != ExitRegression {
		t.Errorf("runs diff: exit %d, want %d", dcode, ExitRegression)
	}
	var ds report.Summary
	if err := json.Unmarshal([]byte(dout), &ds); err != nil || ds.Regressions != 2 {
		t.Errorf("runs diff: %d regressions, err %v", ds.Regressions, err)
	}
	// And the reverse comparison is an improvement, not a regression.
	if _, _, rcode := runCLI(t, "runs", "diff", "--db", db, "--p50-ratio", "1.25", cur, prev); rcode != ExitOK {
		t.Errorf("reverse runs diff: exit %d, want 0", rcode)
	}
}

// passes reads each run's pass/fail per case of target from the database.
func passes(t *testing.T, db, target string) map[string]map[string]bool {
	t.Helper()
	store, err := results.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	runs, err := store.Runs(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]bool{}
	for _, r := range runs {
		out[r.ID] = map[string]bool{}
		for res, err := range store.Results(context.Background(), r.ID) {
			if err != nil {
				t.Fatal(err)
			}
			if res.Target == target && res.OK() && len(res.Scores) > 0 {
				out[r.ID][res.CaseID] = res.Scores[0].Value == 1
			}
		}
	}
	return out
}

// TestNightlyNoFalseAlarms runs four nights of unchanged targets, each
// with its own simulator seed (so answers differ night to night as a
// real model's do): no night may report a regression.
func TestNightlyNoFalseAlarms(t *testing.T) {
	if testing.Short() {
		t.Skip("four simulated nights")
	}
	dir := t.TempDir()
	db, out := filepath.Join(dir, "llmbench.db"), filepath.Join(dir, "out")
	models := []sim.Model{
		nightModel("base-sim", 0.85, 100*time.Millisecond, "base-sim-1"),
		nightModel("mid-sim", 0.7, 100*time.Millisecond, "mid-sim-1"),
		nightModel("weak-sim", 0.5, 100*time.Millisecond, "weak-sim-1"),
	}
	for seed := int64(11); seed <= 14; seed++ {
		stdout, stderr, code := night(t, dir, db, out, seed, nil, models...)
		if code != ExitOK {
			t.Fatalf("seed %d: exit %d\n%s\n%s", seed, code, stdout, stderr)
		}
		s := readSummary(t, out)
		want := report.VerdictOK
		if seed == 11 {
			want = report.VerdictFirstRun
		}
		if s.Verdict != want || s.Regressions != 0 || len(s.ModelChanges) != 0 {
			t.Errorf("seed %d: verdict %q, %d regressions, model changes %v", seed, s.Verdict, s.Regressions, s.ModelChanges)
		}
		if got := junitFailures(t, filepath.Join(out, "junit.xml")); len(got) != 0 {
			t.Errorf("seed %d: junit failures %v", seed, got)
		}
	}
}

// TestNightlyNotifyFailureIsAWarning: a webhook that cannot be reached
// does not fail the night.
func TestNightlyNotifyFailureIsAWarning(t *testing.T) {
	if testing.Short() {
		t.Skip("a simulated night")
	}
	dead := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
	}))
	defer dead.Close()
	dir := t.TempDir()
	m := nightModel("base-sim", 0.85, 20*time.Millisecond, "")
	stdout, stderr, code := night(t, dir, filepath.Join(dir, "x.db"), dir, 1, []string{"--notify", dead.URL}, m)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "warning: notify") || !strings.Contains(stderr, "503") {
		t.Errorf("stderr lacks the notify warning:\n%s", stderr)
	}
}

func TestNightlyUsage(t *testing.T) {
	dir := t.TempDir()
	cfg := nightConfig(t, dir, "http://127.0.0.1:1/v1", nightModel("a-sim", 0.5, time.Millisecond, ""))
	for _, tt := range []struct {
		name string
		args []string
		msg  string
	}{
		{"no config", []string{"nightly"}, "needs --config"},
		{"bad level", []string{"nightly", "--config", cfg, "--db", filepath.Join(dir, "x.db"), "--level", "1.5"}, "confidence level"},
		{"bad ratio", []string{"nightly", "--config", cfg, "--db", filepath.Join(dir, "x.db"), "--p50-ratio", "0.5"}, "p50 ratio"},
		{"diff needs two runs", []string{"runs", "diff", "--db", filepath.Join(dir, "x.db"), "a"}, "two run IDs"},
		{"prune needs keep", []string{"runs", "prune", "--db", filepath.Join(dir, "x.db")}, "--keep"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := runCLI(t, tt.args...)
			if code != ExitUsage || !strings.Contains(stderr, tt.msg) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, ExitUsage, tt.msg)
			}
		})
	}
}

func TestNightlyHelp(t *testing.T) {
	for _, c := range [][]string{{"nightly"}, {"runs", "show"}, {"runs", "diff"}, {"runs", "delete"}, {"runs", "prune"}} {
		out, errOut, code := runCLI(t, append(c, "--help")...)
		if code != ExitOK || !strings.Contains(out, "USAGE") {
			t.Errorf("%v --help: exit %d\n%s%s", c, code, out, errOut)
		}
	}
	out, _, _ := runCLI(t, "nightly", "--help")
	for _, want := range []string{"--min-pass-drop", "--p95-ratio", "--notify", "Holm"} {
		if !strings.Contains(out, want) {
			t.Errorf("nightly --help lacks %q", want)
		}
	}
}

// hook is a webhook receiver on loopback.
type hook struct {
	url    string
	mu     sync.Mutex
	bodies [][]byte
}

func newHook(t *testing.T) *hook {
	h := &hook{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "want a JSON POST", http.StatusBadRequest)
			return
		}
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.bodies = append(h.bodies, b)
		h.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	h.url = srv.URL
	return h
}

func (h *hook) got() [][]byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.bodies)
}

// The config's nightly: section sets the outputs' directory and the
// thresholds; a flag given on the command line wins over it.
func TestNightlyConfigSection(t *testing.T) {
	dir := t.TempDir()
	models := []sim.Model{nightModel("base", 0.9, 5*time.Millisecond, "")}
	url := startNightSim(t, 1, models...)
	cfg := nightConfig(t, dir, url, models...)
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(f, "nightly:\n  out: nights\n  level: 0.99\n  min_pass_drop: 0.1\n  min_latency_rise: 200ms\n")
	f.Close()
	db := filepath.Join(dir, "llmbench.db")

	// Run from another directory: out: is relative to the config file.
	t.Chdir(t.TempDir())
	if _, stderr, code := runCLI(t, "nightly", "--config", cfg, "--db", db); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	th := readSummary(t, filepath.Join(dir, "nights")).Thresholds
	if th.Level != 0.99 || th.MinPassDrop != 0.1 || th.MinLatencyRiseMS != 200 {
		t.Errorf("thresholds from the config: %+v", th)
	}
	if th.MinScoreDrop != report.DefaultThresholds().MinScoreDrop {
		t.Errorf("min score drop %v: an unset key must keep the default", th.MinScoreDrop)
	}

	out := filepath.Join(dir, "flags")
	if _, stderr, code := runCLI(t, "nightly", "--config", cfg, "--db", db, "--out", out, "--min-pass-drop", "0.03"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	th = readSummary(t, out).Thresholds
	if th.MinPassDrop != 0.03 || th.Level != 0.99 {
		t.Errorf("flag then config: %+v, want min pass drop 0.03 (flag) and level 0.99 (config)", th)
	}
}
