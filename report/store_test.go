package report

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/results"
)

// TestBuildFromStore stores the fixture in a real SQLite store and checks
// that the report built from it is byte for byte the one built from the
// in-memory source: the store is a faithful Source.
func TestBuildFromStore(t *testing.T) {
	ctx := context.Background()
	f := fixture()
	st, err := results.Open(filepath.Join(t.TempDir(), "llmbench.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	run := f.run
	run.Status, run.Ended = results.StatusRunning, time.Time{}
	if err := st.CreateRun(ctx, run, f.targets, f.suites); err != nil {
		t.Fatal(err)
	}
	if err := st.PutCases(ctx, run.ID, f.cases); err != nil {
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
	if err := st.FinishRun(ctx, run.ID, f.run.Status, f.run.Note, f.run.Ended); err != nil {
		t.Fatal(err)
	}

	d, err := Build(ctx, st, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	var fromStore, fromFake bytes.Buffer
	if err := WriteHTML(&fromStore, d); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&fromFake, buildFixture(t, fixture())); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fromFake.String(), fromStore.String()); diff != "" {
		t.Errorf("report from the store differs (-in-memory +store):\n%s", diff)
	}
}
