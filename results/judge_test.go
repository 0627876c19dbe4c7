package results

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// setupJudgedRun creates the fixture run plus a judge-only target, stores
// results for both reasoning cases from two targets, and records the judge
// of the reasoning suite.
func setupJudgedRun(t *testing.T, s *Store, id string) {
	t.Helper()
	ctx := context.Background()
	targets := append(fixtureTargets(), Target{Name: "claude-judge", Provider: "anthropic", Model: "claude-x", Params: `{}`})
	if err := s.CreateRun(ctx, fixtureRun(id), targets, fixtureSuites()); err != nil {
		t.Fatal(err)
	}
	if err := s.PutCases(ctx, id, fixtureCases()); err != nil {
		t.Fatal(err)
	}
	w := s.NewWriter(WriterOptions{})
	for _, c := range []string{"r1", "r2"} {
		for _, tg := range []string{"gpt-4o", "local-qwen"} {
			if err := w.Put(ctx, fullResult(id, "reasoning", c, tg, 0)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.PutJudges(ctx, id, []JudgeSuite{{Suite: "reasoning", Judge: "claude-judge", JudgeOnly: true, Mode: JudgePairwise, Rubric: "prefer the shorter"}}); err != nil {
		t.Fatal(err)
	}
}

func judgeCall(id, caseID, target string, ord int, verdict string) JudgeCall {
	return JudgeCall{
		RunID: id, Suite: "reasoning", CaseID: caseID, Target: target, Repeat: 0,
		JudgeTarget: "claude-judge", Mode: JudgePairwise, Ord: ord,
		Prompt: "Question: 6×7?\n[Answer A]\n42\n[Answer B]\n41", Output: "A is right.\nVerdict: " + verdict,
		Verdict: verdict, Started: t0.Add(time.Duration(ord) * time.Second),
		Latency: 812345678, TTFT: 123456789, InputTokens: 321, OutputTokens: 12, Attempts: 1 + ord,
	}
}

func TestJudgeCallsRoundTrip(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	setupJudgedRun(t, s, "r")

	js, err := s.Judges(ctx, "r")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]JudgeSuite{{Suite: "reasoning", Judge: "claude-judge", JudgeOnly: true, Mode: JudgePairwise, Rubric: "prefer the shorter"}}, js); diff != "" {
		t.Errorf("judges (-want +got):\n%s", diff)
	}

	bad := judgeCall("r", "r1", "local-qwen", 1, "")
	bad.Output, bad.ErrorClass, bad.ErrorMessage = "I cannot decide.", "bad_response", "no verdict line"
	// Put out of order: reads come back in result order, then ord.
	want := []JudgeCall{
		judgeCall("r", "r2", "gpt-4o", 0, "tie"),
		judgeCall("r", "r2", "local-qwen", 0, "A"),
		judgeCall("r", "r2", "local-qwen", 1, "B"),
		judgeCall("r", "r1", "local-qwen", 0, "A"),
		bad,
	}
	for _, i := range []int{4, 2, 0, 3, 1} {
		if err := s.PutJudgeCall(ctx, want[i]); err != nil {
			t.Fatal(err)
		}
	}
	var got []JudgeCall
	for c, err := range s.JudgeCalls(ctx, "r") {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, c)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("judge calls (-want +got):\n%s", diff)
	}
	if len(got) == 5 && (!got[0].OK() || got[4].OK()) {
		t.Errorf("OK: %v %v", got[0].OK(), got[4].OK())
	}

	done, err := s.JudgeDone(ctx, "r")
	if err != nil {
		t.Fatal(err)
	}
	wantDone := map[JudgeKey]bool{}
	for _, c := range want {
		wantDone[c.Key()] = true
	}
	if diff := cmp.Diff(wantDone, done); diff != "" {
		t.Errorf("done (-want +got):\n%s", diff)
	}
}

// TestPutJudgeCallKeepsStored: a stored call is never replaced (a resume
// cannot make it twice), except one of class canceled.
func TestPutJudgeCallKeepsStored(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	setupJudgedRun(t, s, "r")

	first := judgeCall("r", "r1", "gpt-4o", 0, "A")
	if err := s.PutJudgeCall(ctx, first); err != nil {
		t.Fatal(err)
	}
	second := first
	second.Verdict, second.Output = "B", "Verdict: B"
	if err := s.PutJudgeCall(ctx, second); err != nil {
		t.Fatal(err)
	}
	canceled := judgeCall("r", "r1", "gpt-4o", 1, "")
	canceled.ErrorClass = "canceled"
	if err := s.PutJudgeCall(ctx, canceled); err != nil {
		t.Fatal(err)
	}
	done, err := s.JudgeDone(ctx, "r")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[JudgeKey]bool{first.Key(): true}, done); diff != "" {
		t.Errorf("done leaves out canceled calls (-want +got):\n%s", diff)
	}
	redo := judgeCall("r", "r1", "gpt-4o", 1, "tie")
	if err := s.PutJudgeCall(ctx, redo); err != nil {
		t.Fatal(err)
	}
	var got []JudgeCall
	for c, err := range s.JudgeCalls(ctx, "r") {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, c)
	}
	if diff := cmp.Diff([]JudgeCall{first, redo}, got); diff != "" {
		t.Errorf("after rewrites (-want +got):\n%s", diff)
	}
}

func TestJudgeCallErrors(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	setupJudgedRun(t, s, "r")
	tests := []struct {
		name string
		edit func(c *JudgeCall)
		want string
	}{
		{"no such result", func(c *JudgeCall) { c.Target = "glm-sim" }, "FOREIGN KEY"},
		{"judge not a target", func(c *JudgeCall) { c.JudgeTarget = "nobody" }, "FOREIGN KEY"},
		{"no such run", func(c *JudgeCall) { c.RunID = "zz" }, "FOREIGN KEY"},
		{"unknown mode", func(c *JudgeCall) { c.Mode = "vote" }, `unknown mode "vote"`},
		{"ord out of range", func(c *JudgeCall) { c.Ord = 2 }, "CHECK"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := judgeCall("r", "r1", "gpt-4o", 0, "A")
			tt.edit(&c)
			err := s.PutJudgeCall(ctx, c)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("PutJudgeCall = %v, want an error with %q", err, tt.want)
			}
		})
	}
	if err := s.PutJudges(ctx, "r", []JudgeSuite{{Suite: "vision", Judge: "claude-judge", Mode: "vote"}}); err == nil {
		t.Error("PutJudges took an unknown mode")
	}
	if err := s.PutJudges(ctx, "r", []JudgeSuite{{Suite: "nope", Judge: "claude-judge", Mode: JudgeRubric}}); err == nil {
		t.Error("PutJudges took a suite the run lacks")
	}
}

func TestJudgeReadsOfMissingRun(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	setupRun(t, s, "plain")
	if js, err := s.Judges(ctx, "plain"); err != nil || len(js) != 0 {
		t.Errorf("Judges of a run without judge = %v, %v; want none, no error", js, err)
	}
	if done, err := s.JudgeDone(ctx, "plain"); err != nil || len(done) != 0 {
		t.Errorf("JudgeDone of a run without judge calls = %v, %v", done, err)
	}
	if _, err := s.Judges(ctx, "missing"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Judges of a missing run: %v", err)
	}
	if _, err := s.JudgeDone(ctx, "missing"); !errors.Is(err, ErrNotFound) {
		t.Errorf("JudgeDone of a missing run: %v", err)
	}
	n := 0
	for _, err := range s.JudgeCalls(ctx, "missing") {
		n++
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("JudgeCalls of a missing run: %v", err)
		}
	}
	if n != 1 {
		t.Errorf("JudgeCalls of a missing run yielded %d times, want 1 error", n)
	}
	for c, err := range s.JudgeCalls(ctx, "plain") {
		t.Errorf("JudgeCalls of a run without judge calls yielded %+v, %v", c, err)
	}
}

func TestDeleteRunCascadesToJudge(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	setupJudgedRun(t, s, "r")
	setupJudgedRun(t, s, "keep")
	for _, id := range []string{"r", "keep"} {
		if err := s.PutJudgeCall(ctx, judgeCall(id, "r1", "gpt-4o", 0, "A")); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteRun(ctx, "r"); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"judge_calls", "run_judges"} {
		var left, kept int
		if err := s.db.QueryRow(`SELECT count(*) FILTER (WHERE run_id = 'r'), count(*) FILTER (WHERE run_id = 'keep') FROM `+table).Scan(&left, &kept); err != nil {
			t.Fatal(err)
		}
		if left != 0 || kept != 1 {
			t.Errorf("%s after deleting run r: %d rows of r, %d of the other run; want 0 and 1", table, left, kept)
		}
	}
}

// BenchmarkPutJudgeCall measures one judge call's insert (its own
// transaction): judge calls take seconds each, so this only has to be far
// below that.
func BenchmarkPutJudgeCall(b *testing.B) {
	s, _ := openStore(b)
	ctx := context.Background()
	targets := append(fixtureTargets(), Target{Name: "claude-judge", Provider: "anthropic", Model: "claude-x", Params: `{}`})
	if err := s.CreateRun(ctx, fixtureRun("b"), targets, fixtureSuites()); err != nil {
		b.Fatal(err)
	}
	if err := s.PutCases(ctx, "b", fixtureCases()); err != nil {
		b.Fatal(err)
	}
	w := s.NewWriter(WriterOptions{})
	for rep := range b.N {
		if err := w.Put(ctx, fullResult("b", "reasoning", "r1", "gpt-4o", rep)); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for rep := range b.N {
		c := judgeCall("b", "r1", "gpt-4o", 0, "A")
		c.Repeat = rep
		if err := s.PutJudgeCall(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCachedJudgeCall: the judge cache returns the newest judge call of a
// request hash that gave a verdict, from any run; failed calls and
// unreadable verdicts are never reused; hash and flag round-trip.
func TestCachedJudgeCall(t *testing.T) {
	s, _ := openStore(t)
	ctx := context.Background()
	setupJudgedRun(t, s, "a")
	setupJudgedRun(t, s, "b")

	older := judgeCall("a", "r1", "gpt-4o", 0, "A")
	older.RequestHash = "h1"
	unreadable := judgeCall("a", "r1", "gpt-4o", 1, "")
	unreadable.RequestHash = "h2"
	unreadable.ErrorClass, unreadable.ErrorCode, unreadable.ErrorMessage = "bad_response", "no_verdict", "no verdict line"
	failed := judgeCall("a", "r2", "gpt-4o", 0, "")
	failed.RequestHash = "h3"
	failed.ErrorClass, failed.ErrorMessage = "server", "503"
	newer := judgeCall("b", "r1", "local-qwen", 0, "B")
	newer.RequestHash, newer.Output = "h1", "B is better.\nVerdict: B"
	copied := judgeCall("b", "r2", "local-qwen", 1, "tie")
	copied.RequestHash, copied.Cached, copied.Attempts = "h4", true, 0
	unhashed := judgeCall("b", "r2", "gpt-4o", 0, "A")
	for _, c := range []JudgeCall{older, unreadable, failed, newer, copied, unhashed} {
		if err := s.PutJudgeCall(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		hash string
		want *JudgeCall
	}{
		{"newest verdict of the hash, any run", "h1", &newer},
		{"an unreadable verdict is not reused", "h2", nil},
		{"a failed call is not reused", "h3", nil},
		{"a cached copy is itself reusable", "h4", &copied},
		{"unknown hash", "nope", nil},
		{"empty hash matches no unhashed call", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok, err := s.CachedJudgeCall(ctx, tc.hash)
			if err != nil {
				t.Fatal(err)
			}
			if ok != (tc.want != nil) {
				t.Fatalf("found = %v, want %v", ok, tc.want != nil)
			}
			if tc.want == nil {
				return
			}
			if diff := cmp.Diff(*tc.want, got); diff != "" {
				t.Errorf("cached judge call (-want +got):\n%s", diff)
			}
		})
	}

	got := map[JudgeKey]JudgeCall{}
	for c, err := range s.JudgeCalls(ctx, "b") {
		if err != nil {
			t.Fatal(err)
		}
		got[c.Key()] = c
	}
	if c := got[copied.Key()]; c.RequestHash != "h4" || !c.Cached || c.Attempts != 0 {
		t.Errorf("JudgeCalls: hash %q cached %v attempts %d, want h4 true 0", c.RequestHash, c.Cached, c.Attempts)
	}
	if c := got[unhashed.Key()]; c.RequestHash != "" || c.Cached {
		t.Errorf("JudgeCalls of an unhashed call: hash %q cached %v", c.RequestHash, c.Cached)
	}
}
