package results

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// validStatus reports whether s is one of the Status constants (the schema
// checks the same list).
func validStatus(s string) bool {
	switch s {
	case StatusRunning, StatusCompleted, StatusInterrupted, StatusIncomplete, StatusFailed:
		return true
	}
	return false
}

// CreateRun records a new run with its targets and suites, each kept in the
// order given (config order). An empty Status is stored as StatusRunning.
// It fails with ErrExists if the ID is taken.
func (s *Store) CreateRun(ctx context.Context, run Run, targets []Target, suites []SuiteInfo) error {
	if run.ID == "" {
		return errors.New("create run: empty run ID")
	}
	if run.Status == "" {
		run.Status = StatusRunning
	}
	if !validStatus(run.Status) {
		return fmt.Errorf("create run %s: unknown status %q", run.ID, run.Status)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		switch err := tx.QueryRowContext(ctx, `SELECT 1 FROM runs WHERE id = ?`, run.ID).Scan(&one); {
		case err == nil:
			return ErrExists
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO runs
    (id, config_name, config, baseline, harness_version, repeats, seed, started, ended, status, note)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			run.ID, run.ConfigName, run.Config, run.Baseline, run.HarnessVersion, run.Repeats, run.Seed,
			formatTime(run.Started), nullTime(run.Ended), run.Status, run.Note); err != nil {
			return err
		}
		for i, t := range targets {
			if _, err := tx.ExecContext(ctx, `INSERT INTO run_targets
    (run_id, position, name, provider, model, base_url, api, params, simulated)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				run.ID, i, t.Name, t.Provider, t.Model, t.BaseURL, t.API, t.Params, boolInt(t.Simulated)); err != nil {
				return fmt.Errorf("target %q: %w", t.Name, err)
			}
		}
		for i, su := range suites {
			scorers, err := json.Marshal(su.Scorers)
			if err != nil {
				return fmt.Errorf("suite %q: %w", su.Name, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO run_suites
    (run_id, position, name, description, path, hash, scorers)
VALUES (?, ?, ?, ?, ?, ?, ?)`,
				run.ID, i, su.Name, su.Description, su.Path, su.Hash, string(scorers)); err != nil {
				return fmt.Errorf("suite %q: %w", su.Name, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("create run %s: %w", run.ID, err)
	}
	return nil
}

// FinishRun records how a run ended: a status other than StatusRunning, a
// note saying why if it did not complete, and the end time.
func (s *Store) FinishRun(ctx context.Context, runID, status, note string, ended time.Time) error {
	if !validStatus(status) || status == StatusRunning {
		return fmt.Errorf("finish run %s: status %q is not an end status", runID, status)
	}
	res, err := s.db.ExecContext(ctx, `UPDATE runs SET status = ?, note = ?, ended = ? WHERE id = ?`,
		status, note, nullTime(ended), runID)
	if err != nil {
		return fmt.Errorf("finish run %s: %w", runID, err)
	}
	return affectedOne(res, "finish run", runID)
}

// ReopenRun puts a run back to StatusRunning to resume it: Ended and Note
// (which describe how it ended) are cleared.
func (s *Store) ReopenRun(ctx context.Context, runID string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE runs SET status = ?, note = '', ended = NULL WHERE id = ?`,
		StatusRunning, runID)
	if err != nil {
		return fmt.Errorf("reopen run %s: %w", runID, err)
	}
	return affectedOne(res, "reopen run", runID)
}

// DeleteRun deletes a run and everything recorded for it (targets, suites,
// cases, images, results, scores).
func (s *Store) DeleteRun(ctx context.Context, runID string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM runs WHERE id = ?`, runID)
	if err != nil {
		return fmt.Errorf("delete run %s: %w", runID, err)
	}
	return affectedOne(res, "delete run", runID)
}

func affectedOne(res sql.Result, what, runID string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s %s: %w", what, runID, err)
	}
	if n == 0 {
		return fmt.Errorf("%s %s: %w", what, runID, ErrNotFound)
	}
	return nil
}

const runColumns = `id, config_name, config, baseline, harness_version, repeats, seed, started, ended, status, note`

type scanner interface{ Scan(dest ...any) error }

func scanRun(row scanner) (Run, error) {
	var (
		r       Run
		started string
		ended   sql.NullString
	)
	if err := row.Scan(&r.ID, &r.ConfigName, &r.Config, &r.Baseline, &r.HarnessVersion, &r.Repeats, &r.Seed,
		&started, &ended, &r.Status, &r.Note); err != nil {
		return Run{}, err
	}
	var err error
	if r.Started, err = parseTime(started); err != nil {
		return Run{}, err
	}
	if r.Ended, err = parseNullTime(ended); err != nil {
		return Run{}, err
	}
	return r, nil
}

// Run returns the run with the given ID, or an error wrapping ErrNotFound.
func (s *Store) Run(ctx context.Context, runID string) (Run, error) {
	r, err := scanRun(s.db.QueryRowContext(ctx, `SELECT `+runColumns+` FROM runs WHERE id = ?`, runID))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return Run{}, fmt.Errorf("run %s: %w", runID, err)
	}
	return r, nil
}

// Runs returns the runs of a config ("" for every config), newest first.
func (s *Store) Runs(ctx context.Context, configName string) ([]Run, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+runColumns+` FROM runs
WHERE ?1 = '' OR config_name = ?1
ORDER BY started DESC, rowid DESC`, configName)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	defer rows.Close()
	var runs []Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("list runs: %w", err)
		}
		runs = append(runs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	return runs, nil
}

// LatestRun returns the newest run of a config ("" for any config) whose
// status is one of statuses (any status if none are given), or an error
// wrapping ErrNotFound.
func (s *Store) LatestRun(ctx context.Context, configName string, statuses ...string) (Run, error) {
	q := `SELECT ` + runColumns + ` FROM runs WHERE (?1 = '' OR config_name = ?1)`
	args := []any{configName}
	if len(statuses) > 0 {
		q += ` AND status IN (?` + strings.Repeat(`, ?`, len(statuses)-1) + `)`
		for _, st := range statuses {
			args = append(args, st)
		}
	}
	q += ` ORDER BY started DESC, rowid DESC LIMIT 1`
	r, err := scanRun(s.db.QueryRowContext(ctx, q, args...))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return Run{}, fmt.Errorf("latest run of %q: %w", configName, err)
	}
	return r, nil
}

// Targets returns a run's targets in config order.
func (s *Store) Targets(ctx context.Context, runID string) ([]Target, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, provider, model, base_url, api, params, simulated
FROM run_targets WHERE run_id = ? ORDER BY position`, runID)
	if err != nil {
		return nil, fmt.Errorf("targets of run %s: %w", runID, err)
	}
	defer rows.Close()
	var ts []Target
	for rows.Next() {
		var t Target
		if err := rows.Scan(&t.Name, &t.Provider, &t.Model, &t.BaseURL, &t.API, &t.Params, &t.Simulated); err != nil {
			return nil, fmt.Errorf("targets of run %s: %w", runID, err)
		}
		ts = append(ts, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("targets of run %s: %w", runID, err)
	}
	if len(ts) == 0 {
		if err := s.checkRun(ctx, runID); err != nil {
			return nil, fmt.Errorf("targets of run %s: %w", runID, err)
		}
	}
	return ts, nil
}

// Suites returns a run's suites in config order.
func (s *Store) Suites(ctx context.Context, runID string) ([]SuiteInfo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, description, path, hash, scorers
FROM run_suites WHERE run_id = ? ORDER BY position`, runID)
	if err != nil {
		return nil, fmt.Errorf("suites of run %s: %w", runID, err)
	}
	defer rows.Close()
	var ss []SuiteInfo
	for rows.Next() {
		var (
			su      SuiteInfo
			scorers string
		)
		if err := rows.Scan(&su.Name, &su.Description, &su.Path, &su.Hash, &scorers); err != nil {
			return nil, fmt.Errorf("suites of run %s: %w", runID, err)
		}
		if err := json.Unmarshal([]byte(scorers), &su.Scorers); err != nil {
			return nil, fmt.Errorf("suites of run %s: suite %q scorers: %w", runID, su.Name, err)
		}
		ss = append(ss, su)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("suites of run %s: %w", runID, err)
	}
	if len(ss) == 0 {
		if err := s.checkRun(ctx, runID); err != nil {
			return nil, fmt.Errorf("suites of run %s: %w", runID, err)
		}
	}
	return ss, nil
}

// checkRun returns ErrNotFound if the run does not exist. Readers call it
// only when they found no rows, to tell an empty run from a missing one.
func (s *Store) checkRun(ctx context.Context, runID string) error {
	var one int
	err := s.db.QueryRowContext(ctx, `SELECT 1 FROM runs WHERE id = ?`, runID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}
