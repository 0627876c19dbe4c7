package results

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestPruneRuns(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2025, 3, 1, 2, 0, 0, 0, time.UTC)
	// Per config, oldest first: statuses of its nightly runs.
	history := map[string][]string{
		"a": {StatusCompleted, StatusInterrupted, StatusCompleted, StatusFailed, StatusCompleted, StatusCompleted, StatusRunning},
		"b": {StatusCompleted, StatusCompleted},
	}
	setup := func(t *testing.T) *Store {
		s, _ := openStore(t)
		for cfg, sts := range history {
			for i, st := range sts {
				r := Run{ID: fmt.Sprintf("%s%d", cfg, i), ConfigName: cfg, Started: t0.Add(time.Duration(i) * 24 * time.Hour), Status: st}
				if err := s.CreateRun(ctx, r, nil, nil); err != nil {
					t.Fatal(err)
				}
			}
		}
		return s
	}
	tests := []struct {
		name    string
		config  string
		keep    int
		deleted []string
	}{
		{"keep 2 of every config", "", 2, []string{"a2", "a0"}},
		{"keep 1 of a", "a", 1, []string{"a4", "a2", "a0"}},
		{"keep 0 of b", "b", 0, []string{"b1", "b0"}},
		{"keep more than there are", "", 10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := setup(t)
			got, err := s.PruneRuns(ctx, tt.config, tt.keep)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.deleted, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("deleted (-want +got):\n%s", diff)
			}
			for _, id := range got {
				if _, err := s.Run(ctx, id); err == nil {
					t.Errorf("run %s still there", id)
				}
			}
			// Runs that are not completed are never pruned.
			for _, id := range []string{"a1", "a3", "a6"} {
				if _, err := s.Run(ctx, id); err != nil {
					t.Errorf("run %s was pruned: %v", id, err)
				}
			}
		})
	}
	if _, err := setup(t).PruneRuns(ctx, "", -1); err == nil {
		t.Error("negative keep accepted")
	}
}
