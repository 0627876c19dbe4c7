package results

import (
	"context"
	"fmt"
)

// PruneRuns deletes the completed runs of a config ("" for every config)
// beyond the newest keep of each config, with everything recorded for
// them, and returns the IDs deleted, oldest last. Runs in any other status
// are never deleted: a running run may be writing, and an interrupted,
// failed or incomplete one may still be resumed (delete those with
// DeleteRun).
func (s *Store) PruneRuns(ctx context.Context, configName string, keep int) ([]string, error) {
	if keep < 0 {
		return nil, fmt.Errorf("prune runs: keep %d is negative", keep)
	}
	runs, err := s.Runs(ctx, configName)
	if err != nil {
		return nil, fmt.Errorf("prune runs: %w", err)
	}
	kept := map[string]int{}
	var deleted []string
	for _, r := range runs {
		if r.Status != StatusCompleted {
			continue
		}
		if kept[r.ConfigName] < keep {
			kept[r.ConfigName]++
			continue
		}
		if err := s.DeleteRun(ctx, r.ID); err != nil {
			return deleted, fmt.Errorf("prune runs: %w", err)
		}
		deleted = append(deleted, r.ID)
	}
	return deleted, nil
}
