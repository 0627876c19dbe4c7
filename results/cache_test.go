package results

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestCached(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	setupRun(t, s, "a")
	setupRun(t, s, "b")

	ok1 := fullResult("a", "reasoning", "r1", "gpt-4o", 0)
	ok1.RequestHash = "h1"
	failed := fullResult("a", "reasoning", "r2", "gpt-4o", 0)
	failed.RequestHash = "h2"
	failed.ErrorClass, failed.ErrorMessage = "server", "503"
	newer := fullResult("b", "reasoning", "r1", "local-qwen", 0)
	newer.RequestHash = "h1"
	newer.Output = "the newer answer"
	copied := fullResult("b", "reasoning", "r2", "gpt-4o", 0)
	copied.RequestHash, copied.Cached, copied.Attempts = "h3", true, 0
	unhashed := fullResult("b", "vision", "v1", "gpt-4o", 0)

	w := s.NewWriter(WriterOptions{})
	for _, r := range []Result{ok1, failed, newer, copied, unhashed} {
		if err := w.Put(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	noScores := cmpopts.IgnoreFields(Result{}, "Scores")
	for _, tc := range []struct {
		name string
		hash string
		want *Result
	}{
		{"newest success of the hash, any run", "h1", &newer},
		{"failed calls are never cached", "h2", nil},
		{"a cached copy is itself reusable", "h3", &copied},
		{"unknown hash", "nope", nil},
		{"empty hash matches no unhashed result", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok, err := s.Cached(ctx, tc.hash)
			if err != nil {
				t.Fatal(err)
			}
			if ok != (tc.want != nil) {
				t.Fatalf("found = %v, want %v", ok, tc.want != nil)
			}
			if tc.want == nil {
				return
			}
			if diff := cmp.Diff(*tc.want, got, noScores); diff != "" {
				t.Errorf("cached result (-want +got):\n%s", diff)
			}
		})
	}

	// The hash and the cached flag round-trip through Results.
	got := map[Key]Result{}
	for _, r := range collect(t, s.Results(ctx, "b")) {
		got[r.Key()] = r
	}
	if r := got[copied.Key()]; r.RequestHash != "h3" || !r.Cached || r.Attempts != 0 {
		t.Errorf("Results: hash %q cached %v attempts %d, want h3 true 0", r.RequestHash, r.Cached, r.Attempts)
	}
	if r := got[unhashed.Key()]; r.RequestHash != "" || r.Cached {
		t.Errorf("Results of an unhashed result: hash %q cached %v", r.RequestHash, r.Cached)
	}
}
