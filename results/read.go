package results

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"math"
	"time"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/suites"
)

// resultsQuery reads a run's results with their latest scores, one row per
// score (or one row with NULL score columns for a result without scores).
// CROSS JOIN fixes the join order suites → cases → targets → results, which
// walks the indexes in the order wanted: only each result's few scores are
// sorted, so rows stream without a sort of the whole run.
const resultsQuery = `SELECT r.id, r.suite, r.case_id, r.target, r.repeat, r.output, r.started,
    r.latency_ns, r.ttft_ns, r.wait_ns, r.retry_ns, r.attempts, r.input_tokens, r.output_tokens,
    r.model_reported, r.finish_reason, r.error_class, r.error_code, r.error_message,
    coalesce(r.request_hash, ''), r.cached,
    s.scorer, s.version, s.value, s.binary, s.extracted, s.tokenizer
FROM run_suites AS rs
CROSS JOIN cases AS c ON c.run_id = rs.run_id AND c.suite = rs.name
CROSS JOIN run_targets AS t ON t.run_id = rs.run_id
CROSS JOIN results AS r
    ON r.run_id = rs.run_id AND r.suite = c.suite AND r.case_id = c.case_id AND r.target = t.name
LEFT JOIN latest_scores AS s ON s.result_id = r.id
WHERE rs.run_id = ?
ORDER BY rs.position, c.seq, t.position, r.repeat, s.position, s.scorer`

// Results streams a run's results ordered by suite (config order), case (the
// order the cases were put), target (config order) and repeat. Each carries
// its scores: per scorer the latest version, in the order they were written.
// Breaking out of the loop releases the query. A missing run yields one error
// wrapping ErrNotFound.
func (s *Store) Results(ctx context.Context, runID string) iter.Seq2[Result, error] {
	return func(yield func(Result, error) bool) {
		fail := func(err error) { yield(Result{}, fmt.Errorf("results of run %s: %w", runID, err)) }
		rows, err := s.db.QueryContext(ctx, resultsQuery, runID)
		if err != nil {
			fail(err)
			return
		}
		defer rows.Close()
		var (
			cur     Result
			curID   int64
			started bool
		)
		for rows.Next() {
			var (
				id                         int64
				r                          Result
				startedAt                  sql.NullString
				latency, ttft, wait, retry int64
				scorer, version            sql.NullString
				extracted, tokenizer       sql.NullString
				value                      sql.NullFloat64
				binary                     sql.NullBool
			)
			if err := rows.Scan(&id, &r.Suite, &r.CaseID, &r.Target, &r.Repeat, &r.Output, &startedAt,
				&latency, &ttft, &wait, &retry, &r.Attempts, &r.InputTokens, &r.OutputTokens,
				&r.ModelReported, &r.FinishReason, &r.ErrorClass, &r.ErrorCode, &r.ErrorMessage,
				&r.RequestHash, &r.Cached,
				&scorer, &version, &value, &binary, &extracted, &tokenizer); err != nil {
				fail(err)
				return
			}
			if !started || id != curID {
				if started && !yield(cur, nil) {
					return
				}
				r.RunID = runID
				r.Latency, r.TTFT, r.Wait, r.RetryTime = time.Duration(latency), time.Duration(ttft), time.Duration(wait), time.Duration(retry)
				if r.Started, err = parseNullTime(startedAt); err != nil {
					fail(err)
					return
				}
				cur, curID, started = r, id, true
			}
			if scorer.Valid {
				sc := suites.Score{
					Scorer:    scorer.String,
					Version:   version.String,
					Value:     value.Float64,
					Binary:    binary.Bool,
					Extracted: extracted.String,
					Tokenizer: tokenizer.String,
				}
				if !value.Valid {
					sc.Value = math.NaN()
				}
				cur.Scores = append(cur.Scores, sc)
			}
		}
		if err := rows.Err(); err != nil {
			fail(err)
			return
		}
		if started {
			yield(cur, nil)
			return
		}
		if err := s.checkRun(ctx, runID); err != nil {
			fail(err)
		}
	}
}

// Done returns the keys of a run that need no new call on resume: those with
// a stored result, except results of class canceled (calls cut off by the
// interruption, which a resumed run makes again and the writer replaces).
func (s *Store) Done(ctx context.Context, runID string) (map[Key]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT suite, case_id, target, repeat FROM results
WHERE run_id = ? AND error_class <> ?`, runID, string(providers.Canceled))
	if err != nil {
		return nil, fmt.Errorf("done keys of run %s: %w", runID, err)
	}
	defer rows.Close()
	done := map[Key]bool{}
	for rows.Next() {
		var k Key
		if err := rows.Scan(&k.Suite, &k.CaseID, &k.Target, &k.Repeat); err != nil {
			return nil, fmt.Errorf("done keys of run %s: %w", runID, err)
		}
		done[k] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("done keys of run %s: %w", runID, err)
	}
	if len(done) == 0 {
		if err := s.checkRun(ctx, runID); err != nil {
			return nil, fmt.Errorf("done keys of run %s: %w", runID, err)
		}
	}
	return done, nil
}

// CountResults returns the number of results stored for a run (of every
// error class).
func (s *Store) CountResults(ctx context.Context, runID string) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM results WHERE run_id = ?`, runID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count results of run %s: %w", runID, err)
	}
	if n == 0 {
		if err := s.checkRun(ctx, runID); err != nil {
			return 0, fmt.Errorf("count results of run %s: %w", runID, err)
		}
	}
	return n, nil
}

// AddScores adds scores to stored results of a run (a rescore), in one
// transaction. Scores of a new scorer version are added beside the old ones,
// which stay queryable (ScoreVersions); Results then reports the newest
// write per scorer. Writing a scorer version that is already stored replaces
// it and makes it the newest. If any key has no result, nothing is written
// and the error wraps ErrNotFound.
func (s *Store) AddScores(ctx context.Context, runID string, scores map[Key][]suites.Score) error {
	now := formatTime(time.Now())
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		find, err := tx.PrepareContext(ctx, `SELECT id FROM results
WHERE run_id = ? AND suite = ? AND case_id = ? AND target = ? AND repeat = ?`)
		if err != nil {
			return err
		}
		defer find.Close()
		ins, err := tx.PrepareContext(ctx, insertScoreSQL)
		if err != nil {
			return err
		}
		defer ins.Close()
		for k, ss := range scores {
			var id int64
			err := find.QueryRowContext(ctx, runID, k.Suite, k.CaseID, k.Target, k.Repeat).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("result %s: %w", k, ErrNotFound)
			}
			if err != nil {
				return fmt.Errorf("result %s: %w", k, err)
			}
			if err := insertScores(ctx, ins, id, ss, now); err != nil {
				return fmt.Errorf("result %s: %w", k, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("add scores to run %s: %w", runID, err)
	}
	return nil
}

// ScoreVersions returns every score stored for one result, all versions of
// all scorers, oldest write first.
func (s *Store) ScoreVersions(ctx context.Context, runID string, k Key) ([]suites.Score, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.id, s.scorer, s.version, s.value, s.binary, s.extracted, s.tokenizer
FROM results AS r LEFT JOIN scores AS s ON s.result_id = r.id
WHERE r.run_id = ? AND r.suite = ? AND r.case_id = ? AND r.target = ? AND r.repeat = ?
ORDER BY s.id`, runID, k.Suite, k.CaseID, k.Target, k.Repeat)
	if err != nil {
		return nil, fmt.Errorf("score versions of %s in run %s: %w", k, runID, err)
	}
	defer rows.Close()
	var (
		out   []suites.Score
		found bool
	)
	for rows.Next() {
		found = true
		var (
			id                                    int64
			scorer, version, extracted, tokenizer sql.NullString
			value                                 sql.NullFloat64
			binary                                sql.NullBool
		)
		if err := rows.Scan(&id, &scorer, &version, &value, &binary, &extracted, &tokenizer); err != nil {
			return nil, fmt.Errorf("score versions of %s in run %s: %w", k, runID, err)
		}
		if !scorer.Valid {
			continue
		}
		sc := suites.Score{Scorer: scorer.String, Version: version.String, Value: value.Float64,
			Binary: binary.Bool, Extracted: extracted.String, Tokenizer: tokenizer.String}
		if !value.Valid {
			sc.Value = math.NaN()
		}
		out = append(out, sc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("score versions of %s in run %s: %w", k, runID, err)
	}
	if !found {
		return nil, fmt.Errorf("score versions of %s in run %s: %w", k, runID, ErrNotFound)
	}
	return out, nil
}

// String formats a key as suite/case/target#repeat, for messages.
func (k Key) String() string {
	return fmt.Sprintf("%s/%s/%s#%d", k.Suite, k.CaseID, k.Target, k.Repeat)
}

// insertScoreSQL writes one score; OR REPLACE makes a rewrite of the same
// scorer version a new row (a higher id), i.e. the newest.
const insertScoreSQL = `INSERT OR REPLACE INTO scores
    (result_id, scorer, version, position, value, binary, extracted, tokenizer, created)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`

func insertScores(ctx context.Context, ins *sql.Stmt, resultID int64, ss []suites.Score, now string) error {
	for i, sc := range ss {
		value := sql.NullFloat64{Float64: sc.Value, Valid: !math.IsNaN(sc.Value)}
		if _, err := ins.ExecContext(ctx, resultID, sc.Scorer, sc.Version, i, value, boolInt(sc.Binary),
			sc.Extracted, sc.Tokenizer, now); err != nil {
			return fmt.Errorf("score %q: %w", sc.Scorer, err)
		}
	}
	return nil
}
