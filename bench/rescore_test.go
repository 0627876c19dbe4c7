package bench

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

func TestRescoreKeepsOldScores(t *testing.T) {
	s, err := suites.Builtin("reasoning")
	if err != nil {
		t.Fatal(err)
	}
	models := fastModels()[:2]
	url := startSim(t, models, s)
	prep, err := Prepare(simConfig(t, url, models), func(string) string { return "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	store, err := results.Open(filepath.Join(t.TempDir(), "db.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	rep, err := Execute(ctx, prep, store, Options{Runner: Runner{BackoffBase: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	// Pretend one result was scored by an older scorer that got it wrong.
	var key results.Key
	var want suites.Score
	for r, err := range store.Results(ctx, rep.Run.ID) {
		if err != nil {
			t.Fatal(err)
		}
		if r.OK() {
			key, want = r.Key(), r.Scores[0]
			break
		}
	}
	old := want
	old.Version, old.Value = "0-old", 1-want.Value
	if err := store.AddScores(ctx, rep.Run.ID, map[results.Key][]suites.Score{key: {old}}); err != nil {
		t.Fatal(err)
	}

	got, err := Rescore(ctx, store, rep.Run.ID, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	answered := rep.Outcome.Stored - rep.Outcome.Failed
	if got.Rescored != answered || len(got.Suites) != 1 {
		t.Errorf("rescored %d results in %v, want %d in [reasoning]", got.Rescored, got.Suites, answered)
	}
	versions, err := store.ScoreVersions(ctx, rep.Run.ID, key)
	if err != nil {
		t.Fatal(err)
	}
	var sawOld, sawNew bool
	for _, v := range versions {
		sawOld = sawOld || v.Version == "0-old"
		sawNew = sawNew || (v.Version == want.Version && v.Value == want.Value)
	}
	if !sawOld || !sawNew {
		t.Errorf("versions after rescore: %+v; want the old one kept and the current one", versions)
	}
	for r, err := range store.Results(ctx, rep.Run.ID) {
		if err != nil {
			t.Fatal(err)
		}
		if r.Key() == key && r.Scores[0].Value != want.Value {
			t.Errorf("newest score %v, want the rescored %v", r.Scores[0].Value, want.Value)
		}
	}
}
