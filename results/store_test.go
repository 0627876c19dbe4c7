package results

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmbench/llmbench/suites"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// openStore opens a store in a fresh temporary directory, closed at cleanup.
func openStore(t testing.TB) (*Store, string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "llmbench.db")
	s, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s, p
}

var t0 = time.Date(2026, 3, 14, 9, 26, 53, 589793238, time.UTC)

func fixtureRun(id string) Run {
	return Run{
		ID:             id,
		ConfigName:     "nightly-zh",
		Config:         "name: nightly-zh\ntargets: []\n",
		Baseline:       "gpt-4o",
		HarnessVersion: "v0.1.0 (abc123)",
		Repeats:        2,
		Seed:           -42,
		Started:        t0,
		Status:         StatusRunning,
	}
}

func fixtureTargets() []Target {
	return []Target{
		{Name: "gpt-4o", Provider: "openai", Model: "gpt-4o", BaseURL: "https://api.openai.com/v1",
			Params: `{"temperature":0,"max_tokens":512}`},
		{Name: "local-qwen", Provider: "openai", Model: "qwen2.5-7b-instruct", BaseURL: "http://127.0.0.1:8000/v1",
			API: "openai", Params: `{}`},
		{Name: "glm-sim", Provider: "sim", Model: "glm-4", Simulated: true},
	}
}

func fixtureSuites() []SuiteInfo {
	return []SuiteInfo{
		{Name: "vision", Description: "images the project draws", Path: "builtin:vision", Hash: "aa11",
			Scorers: []string{"exact"}},
		{Name: "reasoning", Description: "word problems, 中文 and English", Path: "./suites/reasoning/suite.yaml",
			Hash: "bb22", Scorers: []string{"numeric", "exact"}},
	}
}

func fixtureCases() []Case {
	return []Case{
		{Suite: "reasoning", ID: "r2", Prompt: "What is 6×7?", References: []string{"42", "42.0"}, Hash: "h-r2"},
		{Suite: "vision", ID: "v1", Prompt: "How many circles?", References: []string{"3"}, Hash: "h-v1",
			Images: []Image{
				{Path: "img/circles.png", MIME: "image/png", Data: []byte("\x89PNG\r\n\x1a\n\x00\x01")},
				{Path: "img/more.jpg", MIME: "image/jpeg", Data: []byte{0xff, 0xd8, 0x00, 0xff}},
			}},
		{Suite: "reasoning", ID: "r1", Prompt: "小明有3个苹果…", References: nil, Hash: "h-r1"},
	}
}

// setupRun creates the fixture run with its cases.
func setupRun(t testing.TB, s *Store, id string) {
	t.Helper()
	ctx := context.Background()
	if err := s.CreateRun(ctx, fixtureRun(id), fixtureTargets(), fixtureSuites()); err != nil {
		t.Fatal(err)
	}
	if err := s.PutCases(ctx, id, fixtureCases()); err != nil {
		t.Fatal(err)
	}
}

// fullResult fills every field of a Result, varying with the key.
func fullResult(runID, suite, caseID, target string, repeat int) Result {
	n := len(suite) + len(caseID)*3 + len(target)*7 + repeat
	return Result{
		RunID: runID, Suite: suite, CaseID: caseID, Target: target, Repeat: repeat,
		Output: fmt.Sprintf("The answer is %d.\n答案", n),
		Scores: []suites.Score{
			{Scorer: "numeric", Value: 1, Binary: true, Extracted: "42", Version: "numeric/2"},
			{Scorer: "rougeL", Value: 0.625, Tokenizer: "rouge-zh-char", Version: "1"},
		},
		Started:       t0.Add(time.Duration(n) * time.Second),
		Latency:       1234567891 * time.Nanosecond,
		TTFT:          98765432 * time.Nanosecond,
		Wait:          time.Duration(n) * time.Millisecond,
		RetryTime:     3 * time.Second,
		Attempts:      2,
		InputTokens:   100 + n,
		OutputTokens:  20 + n,
		ModelReported: "gpt-4o-2024-08-06",
		FinishReason:  "stop",
		ErrorCode:     "",
	}
}

func collect[T any](t testing.TB, seq func(func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

var cmpOpts = cmp.Options{cmpopts.EquateNaNs()}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	setupRun(t, s, "run-1")

	gotRun, err := s.Run(ctx, "run-1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fixtureRun("run-1"), gotRun); diff != "" {
		t.Errorf("Run (-want +got):\n%s", diff)
	}
	gotTargets, err := s.Targets(ctx, "run-1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fixtureTargets(), gotTargets); diff != "" {
		t.Errorf("Targets (-want +got):\n%s", diff)
	}
	gotSuites, err := s.Suites(ctx, "run-1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fixtureSuites(), gotSuites); diff != "" {
		t.Errorf("Suites (-want +got):\n%s", diff)
	}
	// Suites in config order (vision first), cases in the order put.
	fc := fixtureCases()
	wantCases := []Case{fc[1], fc[0], fc[2]}
	if diff := cmp.Diff(wantCases, collect(t, s.Cases(ctx, "run-1"))); diff != "" {
		t.Errorf("Cases (-want +got):\n%s", diff)
	}

	// The wanted order: suite (config), case (put order), target (config), repeat.
	var want []Result
	for _, c := range wantCases {
		for _, tg := range fixtureTargets() {
			for rep := range 2 {
				want = append(want, fullResult("run-1", c.Suite, c.ID, tg.Name, rep))
			}
		}
	}
	// Vary the fields that have special encodings.
	want[1].Started = time.Time{} // NULL
	want[1].Scores = nil          // no score rows
	want[2].ErrorClass = "content_filtered"
	want[2].ErrorCode = "1301"
	want[2].ErrorMessage = "blocked by the provider's filter"
	want[2].Output = ""
	want[3].Scores = []suites.Score{{Scorer: "exact", Value: math.NaN()}}
	want[4].Started = time.Date(2026, 3, 14, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

	w := s.NewWriter(WriterOptions{BatchSize: 4, FlushInterval: time.Hour})
	for i := len(want) - 1; i >= 0; i-- { // reverse: the read order must not depend on write order
		if err := w.Put(ctx, want[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got := collect(t, s.Results(ctx, "run-1"))
	if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
		t.Errorf("Results (-want +got):\n%s", diff)
	}
	if n, err := s.CountResults(ctx, "run-1"); err != nil || n != len(want) {
		t.Errorf("CountResults = %d, %v; want %d", n, err, len(want))
	}
	// Instants come back in UTC.
	if loc := got[4].Started.Location(); loc != time.UTC {
		t.Errorf("Started location = %v, want UTC", loc)
	}
}

func TestRunsAndLatestRun(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	mk := func(id, config, status string, started time.Time) {
		r := fixtureRun(id)
		r.ConfigName, r.Status, r.Started = config, status, started
		if err := s.CreateRun(ctx, r, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	mk("a1", "alpha", StatusCompleted, t0)
	mk("b1", "beta", StatusCompleted, t0.Add(time.Minute))
	mk("a2", "alpha", StatusInterrupted, t0.Add(2*time.Minute))
	mk("a3", "alpha", StatusRunning, t0.Add(2*time.Minute)) // same instant: the later insert is newer
	// Sub-second order must hold in the text encoding (no trimmed zeros).
	mk("b2", "beta", StatusFailed, t0.Add(time.Minute+500*time.Millisecond))

	ids := func(runs []Run) []string {
		var out []string
		for _, r := range runs {
			out = append(out, r.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		config string
		want   []string
	}{
		{"all", "", []string{"a3", "a2", "b2", "b1", "a1"}},
		{"alpha", "alpha", []string{"a3", "a2", "a1"}},
		{"beta", "beta", []string{"b2", "b1"}},
		{"none", "gamma", nil},
	} {
		t.Run("Runs/"+tc.name, func(t *testing.T) {
			runs, err := s.Runs(ctx, tc.config)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, ids(runs)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}

	for _, tc := range []struct {
		name     string
		config   string
		statuses []string
		want     string // "" = ErrNotFound
	}{
		{"any status", "alpha", nil, "a3"},
		{"completed", "alpha", []string{StatusCompleted}, "a1"},
		{"resumable", "alpha", []string{StatusInterrupted, StatusFailed}, "a2"},
		{"any config", "", []string{StatusCompleted}, "b1"},
		{"no match", "beta", []string{StatusRunning}, ""},
		{"no config", "gamma", nil, ""},
	} {
		t.Run("LatestRun/"+tc.name, func(t *testing.T) {
			r, err := s.LatestRun(ctx, tc.config, tc.statuses...)
			if tc.want == "" {
				if !errors.Is(err, ErrNotFound) {
					t.Fatalf("err = %v, want ErrNotFound", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.ID != tc.want {
				t.Errorf("got %s, want %s", r.ID, tc.want)
			}
		})
	}
}

func TestFinishAndReopen(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	setupRun(t, s, "r")
	ended := t0.Add(90 * time.Second)
	if err := s.FinishRun(ctx, "r", StatusInterrupted, "interrupted by Ctrl-C", ended); err != nil {
		t.Fatal(err)
	}
	got, err := s.Run(ctx, "r")
	if err != nil {
		t.Fatal(err)
	}
	want := fixtureRun("r")
	want.Status, want.Note, want.Ended = StatusInterrupted, "interrupted by Ctrl-C", ended
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after FinishRun (-want +got):\n%s", diff)
	}

	if err := s.ReopenRun(ctx, "r"); err != nil {
		t.Fatal(err)
	}
	got, err = s.Run(ctx, "r")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fixtureRun("r"), got); diff != "" {
		t.Errorf("after ReopenRun (-want +got):\n%s", diff)
	}

	for _, tc := range []struct{ name, status string }{
		{"running is not an end", StatusRunning},
		{"unknown", "done"},
		{"empty", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.FinishRun(ctx, "r", tc.status, "", ended); err == nil {
				t.Errorf("FinishRun(%q) succeeded", tc.status)
			}
		})
	}
}

func TestNotFound(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	setupRun(t, s, "exists")
	firstErr := func(seq func(func(Result, error) bool)) error {
		for _, err := range seq {
			return err
		}
		return nil
	}
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"Run", func() error { _, err := s.Run(ctx, "nope"); return err }},
		{"FinishRun", func() error { return s.FinishRun(ctx, "nope", StatusCompleted, "", t0) }},
		{"ReopenRun", func() error { return s.ReopenRun(ctx, "nope") }},
		{"DeleteRun", func() error { return s.DeleteRun(ctx, "nope") }},
		{"Targets", func() error { _, err := s.Targets(ctx, "nope"); return err }},
		{"Suites", func() error { _, err := s.Suites(ctx, "nope"); return err }},
		{"PutCases", func() error { return s.PutCases(ctx, "nope", nil) }},
		{"Cases", func() error {
			for _, err := range s.Cases(ctx, "nope") {
				return err
			}
			return nil
		}},
		{"Results", func() error { return firstErr(s.Results(ctx, "nope")) }},
		{"Done", func() error { _, err := s.Done(ctx, "nope"); return err }},
		{"CountResults", func() error { _, err := s.CountResults(ctx, "nope"); return err }},
		{"LatestRun", func() error { _, err := s.LatestRun(ctx, "nope"); return err }},
		{"AddScores", func() error {
			return s.AddScores(ctx, "exists", map[Key][]suites.Score{{Suite: "vision", CaseID: "v1", Target: "gpt-4o"}: nil})
		}},
		{"ScoreVersions", func() error {
			_, err := s.ScoreVersions(ctx, "exists", Key{Suite: "vision", CaseID: "v1", Target: "gpt-4o"})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); !errors.Is(err, ErrNotFound) {
				t.Errorf("err = %v, want one wrapping ErrNotFound", err)
			}
		})
	}

	// An existing run without results is empty, not missing.
	t.Run("empty run", func(t *testing.T) {
		if err := firstErr(s.Results(ctx, "exists")); err != nil {
			t.Errorf("Results: %v", err)
		}
		if n, err := s.CountResults(ctx, "exists"); err != nil || n != 0 {
			t.Errorf("CountResults = %d, %v", n, err)
		}
		if done, err := s.Done(ctx, "exists"); err != nil || len(done) != 0 {
			t.Errorf("Done = %v, %v", done, err)
		}
	})
}

func TestCreateRunErrors(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	setupRun(t, s, "taken")
	dupTargets := append(fixtureTargets(), Target{Name: "gpt-4o"})
	for _, tc := range []struct {
		name    string
		run     Run
		targets []Target
		suites  []SuiteInfo
		is      error
	}{
		{name: "taken ID", run: fixtureRun("taken"), is: ErrExists},
		{name: "empty ID", run: fixtureRun("")},
		{name: "bad status", run: func() Run { r := fixtureRun("x"); r.Status = "paused"; return r }()},
		{name: "duplicate target", run: fixtureRun("y"), targets: dupTargets},
		{name: "params not JSON", run: fixtureRun("z"), targets: []Target{{Name: "t", Params: "temperature=0"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.CreateRun(ctx, tc.run, tc.targets, tc.suites)
			if err == nil {
				t.Fatal("CreateRun succeeded")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("err = %v, want %v", err, tc.is)
			}
		})
	}
	// A failed CreateRun leaves nothing behind.
	runs, err := s.Runs(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 {
		t.Errorf("%d runs stored, want 1", len(runs))
	}
	// An empty status means running.
	r := fixtureRun("fresh")
	r.Status = ""
	if err := s.CreateRun(ctx, r, nil, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Run(ctx, "fresh"); err != nil || got.Status != StatusRunning {
		t.Errorf("status = %q, %v; want running", got.Status, err)
	}
}

func TestPutCasesIdempotent(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	setupRun(t, s, "r")
	again := fixtureCases()
	again[0].Prompt = "changed"           // stored before: ignored
	again[1].Images = again[1].Images[:1] // stored before: images not touched
	extra := Case{Suite: "vision", ID: "v0", Prompt: "new", References: []string{}, Hash: "h-v0"}
	if err := s.PutCases(ctx, "r", append(again, extra)); err != nil {
		t.Fatal(err)
	}
	fc := fixtureCases()
	want := []Case{fc[1], extra, fc[0], fc[2]} // v0 after v1: put later
	if diff := cmp.Diff(want, collect(t, s.Cases(ctx, "r"))); diff != "" {
		t.Errorf("Cases (-want +got):\n%s", diff)
	}

	err := s.PutCases(ctx, "r", []Case{{Suite: "summarisation", ID: "s1"}})
	if err == nil || !strings.Contains(err.Error(), `"summarisation"`) {
		t.Errorf("unknown suite: err = %v", err)
	}
}

func TestIteratorEarlyBreak(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	setupRun(t, s, "r")
	w := s.NewWriter(WriterOptions{})
	for _, c := range fixtureCases() {
		for _, tg := range fixtureTargets() {
			if err := w.Put(ctx, fullResult("r", c.Suite, c.ID, tg.Name, 0)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		loop func() int
	}{
		{"Results", func() int {
			n := 0
			for _, err := range s.Results(ctx, "r") {
				if err != nil {
					t.Fatal(err)
				}
				n++
				if n == 2 {
					break
				}
			}
			return n
		}},
		{"Cases", func() int {
			n := 0
			for _, err := range s.Cases(ctx, "r") {
				if err != nil {
					t.Fatal(err)
				}
				n++
				break
			}
			return n
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := tc.loop()
			if n == 0 {
				t.Fatal("no rows")
			}
			// The iterator closed its rows: no connection is left in use.
			if inUse := s.db.Stats().InUse; inUse != 0 {
				t.Errorf("%d connections in use after break", inUse)
			}
		})
	}
	// The store is still writable (no reader left holding anything).
	if err := s.FinishRun(ctx, "r", StatusCompleted, "", t0); err != nil {
		t.Fatal(err)
	}
}

func TestDeleteRunCascades(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	setupRun(t, s, "gone")
	setupRun(t, s, "kept")
	w := s.NewWriter(WriterOptions{})
	for _, id := range []string{"gone", "kept"} {
		for _, c := range fixtureCases() {
			if err := w.Put(ctx, fullResult(id, c.Suite, c.ID, "gpt-4o", 0)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	counts := func() map[string]int {
		out := map[string]int{}
		for _, table := range []string{"runs", "run_targets", "run_suites", "cases", "case_images", "results", "scores"} {
			var n int
			if err := s.db.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			out[table] = n
		}
		return out
	}
	before := counts()
	if err := s.DeleteRun(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	after := counts()
	for table, n := range before {
		if n == 0 || after[table] != n/2 {
			t.Errorf("%s: %d rows before, %d after; want half", table, n, after[table])
		}
	}
	if _, err := s.Run(ctx, "gone"); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted run: err = %v", err)
	}
	if got := collect(t, s.Results(ctx, "kept")); len(got) != 3 {
		t.Errorf("kept run has %d results, want 3", len(got))
	}
}

func TestAddScoresKeepsVersions(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	setupRun(t, s, "r")
	res := fullResult("r", "vision", "v1", "gpt-4o", 0)
	w := s.NewWriter(WriterOptions{})
	if err := w.Put(ctx, res); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	newNumeric := suites.Score{Scorer: "numeric", Value: 0, Binary: true, Extracted: "41", Version: "numeric/3"}
	keywords := suites.Score{Scorer: "keywords", Value: 0.5, Version: "1"}
	if err := s.AddScores(ctx, "r", map[Key][]suites.Score{res.Key(): {newNumeric, keywords}}); err != nil {
		t.Fatal(err)
	}

	got := collect(t, s.Results(ctx, "r"))
	if len(got) != 1 {
		t.Fatalf("%d results, want 1", len(got))
	}
	// Latest per scorer, in write position: numeric/3 (0), keywords (1), rougeL (1, older).
	want := []suites.Score{newNumeric, keywords, res.Scores[1]}
	if diff := cmp.Diff(want, got[0].Scores); diff != "" {
		t.Errorf("latest scores (-want +got):\n%s", diff)
	}
	all, err := s.ScoreVersions(ctx, "r", res.Key())
	if err != nil {
		t.Fatal(err)
	}
	wantAll := []suites.Score{res.Scores[0], res.Scores[1], newNumeric, keywords}
	if diff := cmp.Diff(wantAll, all); diff != "" {
		t.Errorf("all versions (-want +got):\n%s", diff)
	}

	// Rewriting an old version makes it the latest again.
	if err := s.AddScores(ctx, "r", map[Key][]suites.Score{res.Key(): {res.Scores[0]}}); err != nil {
		t.Fatal(err)
	}
	got = collect(t, s.Results(ctx, "r"))
	if diff := cmp.Diff([]suites.Score{res.Scores[0], keywords, res.Scores[1]}, got[0].Scores); diff != "" {
		t.Errorf("after rewrite (-want +got):\n%s", diff)
	}
	all, err = s.ScoreVersions(ctx, "r", res.Key())
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 4 {
		t.Errorf("%d stored versions, want 4 (rewrite replaces its own row)", len(all))
	}
}

func TestMigrationsIdempotent(t *testing.T) {
	ctx := context.Background()
	s, p := openStore(t)
	setupRun(t, s, "r")
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		s2, err := Open(p)
		if err != nil {
			t.Fatalf("reopen %d: %v", i, err)
		}
		var n, maxV int
		if err := s2.db.QueryRow(`SELECT count(*), max(version) FROM schema_migrations`).Scan(&n, &maxV); err != nil {
			t.Fatal(err)
		}
		if n != len(ms) || maxV != ms[len(ms)-1].version {
			t.Errorf("reopen %d: %d migrations recorded up to %d; want %d up to %d", i, n, maxV, len(ms), ms[len(ms)-1].version)
		}
		if _, err := s2.Run(ctx, "r"); err != nil {
			t.Errorf("reopen %d: %v", i, err)
		}
		if err := s2.Close(); err != nil {
			t.Fatal(err)
		}
	}

	// A database from a newer llmbench is refused, naming the file.
	if _, err := s.db.Exec(`INSERT INTO schema_migrations (version, name, applied) VALUES (9999, 'future', '')`); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(p); err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "9999") {
		t.Errorf("newer schema: err = %v", err)
	}
}

func TestEmbeddedMigrations(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		if m.version != i+1 {
			t.Errorf("migration %s has version %d, want %d (no gaps)", m.name, m.version, i+1)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, path string }{
		{"empty", ""},
		{"memory", ":memory:"},
		{"uri", "file:x.db?mode=memory"},
		{"missing directory", filepath.Join(dir, "no", "such", "dir", "x.db")},
		{"directory", dir},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(tc.path)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tc.path) {
				t.Errorf("error %q does not name the path", err)
			}
		})
	}
}

func TestOpenOddFileNames(t *testing.T) {
	for _, name := range []string{"a?b.db", "c#d.db", "e%20f.db", "g h.db", "中文.db"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, name)
			s, err := Open(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.CreateRun(context.Background(), fixtureRun("r"), nil, nil); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(p); err != nil {
				t.Errorf("the database is not at the path given: %v", err)
			}
		})
	}
}

// TestConnectionPragmas checks that the DSN pragmas reach every pooled
// connection, not just one.
func TestConnectionPragmas(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	var conns []interface{ Close() error }
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range 3 {
		c, err := s.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		var journal string
		var fk, busy, sync int
		if err := c.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&journal); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&busy); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync); err != nil {
			t.Fatal(err)
		}
		if journal != "wal" || fk != 1 || busy != 5000 || sync != 1 {
			t.Errorf("connection %d: journal_mode=%s foreign_keys=%d busy_timeout=%d synchronous=%d",
				i, journal, fk, busy, sync)
		}
	}
}

// TestSchema keeps the migrated schema in a golden file, so a schema change
// shows up in review (and must come as a new migration).
func TestSchema(t *testing.T) {
	s, _ := openStore(t)
	rows, err := s.db.Query(`SELECT type, name, sql FROM sqlite_schema
WHERE sql IS NOT NULL ORDER BY type, name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var typ, name, sql string
		if err := rows.Scan(&typ, &name, &sql); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "-- %s %s\n%s;\n\n", typ, name, sql)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "schema.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Errorf("schema differs from %s (-want +got):\n%s", golden, diff)
	}
	if strings.Contains(strings.ToLower(b.String()), "api_key") {
		t.Error("the schema has a column for API keys")
	}
}

// TestResultsQueryStreams checks the query plan: rows come in index order,
// so SQLite never sorts a whole run before the first row (only each result's
// few scores).
func TestResultsQueryStreams(t *testing.T) {
	s, _ := openStore(t)
	for _, tc := range []struct{ name, query string }{
		{"Results", resultsQuery},
		{"Cases", casesQuery},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := s.db.Query(`EXPLAIN QUERY PLAN `+tc.query, "r")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			for _, d := range plan {
				if d == "USE TEMP B-TREE FOR ORDER BY" || strings.HasPrefix(d, "SCAN ") {
					t.Errorf("plan sorts or scans the whole run:\n%s", strings.Join(plan, "\n"))
					break
				}
			}
		})
	}
}
