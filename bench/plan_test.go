package bench

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// editCase rewrites case id's reference in s's cases file (testSuite's
// layout) without moving any other record, so only that case changes.
func editCase(t *testing.T, s *suites.Suite, id string) {
	t.Helper()
	path := filepath.Join(filepath.Dir(s.Path), "cases.jsonl")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, `{"id": "`+id+`",`) {
			at := strings.LastIndex(l, `"reference": "`) + len(`"reference": "`)
			lines[i] = l[:at] + "X" + l[at+1:]
			if err := os.WriteFile(path, []byte(strings.Join(lines, "")), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("no case %s in %s", id, path)
}

// TestResumeSkipsDoneWithoutReadingThem: a resumed plan skips the calls
// the store has, ignores keys that are not of the plan, and reads a case
// only when one of its calls is still to make: a case whose calls are all
// done is not read (its record may have changed), one with a call to
// make is, and a changed one then ends the run with its file and line.
func TestResumeSkipsDoneWithoutReadingThem(t *testing.T) {
	s := testSuite(t, 6) // c0 … c5
	targets := []Target{{Name: "a", Provider: &fakeProvider{answer: rightAnswer}, Concurrency: 2}}
	key := func(caseID string, rep int) results.Key {
		return results.Key{Suite: "arith", CaseID: caseID, Target: "a", Repeat: rep}
	}
	done := map[results.Key]bool{
		key("c0", 0): true, key("c0", 1): true,
		key("c1", 0): true, key("c1", 1): true,
		key("c2", 0): true, key("c2", 1): true,
		key("c3", 0): true,
		// Not of this plan: another suite, target, case or repeat.
		{Suite: "other", CaseID: "c4", Target: "a"}: true,
		{Suite: "arith", CaseID: "c4", Target: "b"}: true,
		key("c99", 0): true,
		key("c4", 2):  true,
	}
	newPlan := func() *Plan {
		p := &Plan{RunID: "r", Suites: []*suites.Suite{s}, Targets: targets, Repeats: 2}
		p.SkipDone(done)
		return p
	}
	if got := newPlan().Calls(); got != 12-7 {
		t.Fatalf("Calls = %d, want %d (12 planned, 7 done)", got, 12-7)
	}

	editCase(t, s, "c1") // all of c1's calls are done: never read
	sink := &memSink{}
	out, err := (&Runner{Sink: sink}).Run(context.Background(), newPlan())
	if err != nil {
		t.Fatal(err)
	}
	var made []string
	for k := range sink.byKey() {
		made = append(made, k.CaseID+"/"+string(rune('0'+k.Repeat)))
	}
	slices.Sort(made)
	if diff := cmp.Diff([]string{"c3/1", "c4/0", "c4/1", "c5/0", "c5/1"}, made); diff != "" {
		t.Errorf("calls made (-want +got):\n%s", diff)
	}
	if out.Planned != 5 || out.Stored != 5 || out.NotMade != 0 {
		t.Errorf("outcome %+v", out)
	}

	editCase(t, s, "c4") // c4 has calls to make: read, and refused
	_, err = (&Runner{Sink: &memSink{}}).Run(context.Background(), newPlan())
	if !errors.Is(err, suites.ErrChanged) || !strings.Contains(err.Error(), "cases.jsonl:5:") {
		t.Errorf("run over a changed case: error %v, want one wrapping suites.ErrChanged at cases.jsonl:5", err)
	}
}

// TestPlanReadsCasesLazily: each target reads the cases as it reaches
// them and each case once however many repeats: a case file cut short
// after loading fails the run at the first missing case, with the calls
// of the cases before it made.
func TestPlanReadsCasesLazily(t *testing.T) {
	s := testSuite(t, 4)
	path := filepath.Join(filepath.Dir(s.Path), "cases.jsonl")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	if err := os.WriteFile(path, []byte(strings.Join(lines[:2], "")), 0o644); err != nil {
		t.Fatal(err)
	}
	sink := &memSink{}
	targets := []Target{{Name: "a", Provider: &fakeProvider{answer: rightAnswer}}, {Name: "b", Provider: &fakeProvider{answer: rightAnswer}}}
	out, err := (&Runner{Sink: sink}).Run(context.Background(), &Plan{RunID: "r", Suites: []*suites.Suite{s}, Targets: targets, Repeats: 3})
	if !errors.Is(err, suites.ErrChanged) || !strings.Contains(err.Error(), "cases.jsonl:3:") {
		t.Fatalf("error %v, want one wrapping suites.ErrChanged at cases.jsonl:3", err)
	}
	for k := range sink.byKey() {
		if k.CaseID != "c0" && k.CaseID != "c1" {
			t.Errorf("call %v made for a case after the missing one", k)
		}
	}
	if out.Stored+out.NotMade != out.Planned {
		t.Errorf("outcome %+v: stored and not made do not add up to planned", out)
	}
}
