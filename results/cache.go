package results

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Cached returns the newest successful result, in any run of the database,
// whose RequestHash is hash (the response cache of llmbench run --cache),
// and whether there is one. Failed calls are never returned. The result
// carries its stored output, usage, timings and attempts, without scores
// (the caller scores it again with its own scorers).
func (s *Store) Cached(ctx context.Context, hash string) (Result, bool, error) {
	var (
		r                          Result
		startedAt                  sql.NullString
		latency, ttft, wait, retry int64
	)
	err := s.db.QueryRowContext(ctx, `SELECT run_id, suite, case_id, target, repeat, output, started,
    latency_ns, ttft_ns, wait_ns, retry_ns, attempts, input_tokens, output_tokens, model_reported,
    finish_reason, request_hash, cached
FROM results INDEXED BY results_by_request_hash
WHERE request_hash = ? AND error_class = ''
ORDER BY id DESC LIMIT 1`, hash).Scan(&r.RunID, &r.Suite, &r.CaseID, &r.Target, &r.Repeat, &r.Output, &startedAt,
		&latency, &ttft, &wait, &retry, &r.Attempts, &r.InputTokens, &r.OutputTokens, &r.ModelReported,
		&r.FinishReason, &r.RequestHash, &r.Cached)
	if errors.Is(err, sql.ErrNoRows) {
		return Result{}, false, nil
	}
	if err != nil {
		return Result{}, false, fmt.Errorf("look up cached response %.12s: %w", hash, err)
	}
	r.Latency, r.TTFT, r.Wait, r.RetryTime = time.Duration(latency), time.Duration(ttft), time.Duration(wait), time.Duration(retry)
	if r.Started, err = parseNullTime(startedAt); err != nil {
		return Result{}, false, fmt.Errorf("look up cached response %.12s: %w", hash, err)
	}
	return r, true, nil
}
