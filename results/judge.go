package results

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/llmbench/llmbench/providers"
)

// Judge modes, as stored (suites.JudgeRubric and suites.JudgePairwise).
const (
	JudgeRubric   = "rubric"
	JudgePairwise = "pairwise"
)

// JudgeSuite records who judged a suite of a run, and how.
type JudgeSuite struct {
	Suite string
	// Judge is the judge target's name (one of the run's targets).
	Judge string
	// JudgeOnly is true when the judge target answers no suite: it was
	// configured only to judge, and reports leave it out of score tables.
	JudgeOnly bool
	// Mode is JudgeRubric or JudgePairwise.
	Mode string
	// Rubric is the suite's rubric (optional guidance in pairwise mode).
	Rubric string
}

// JudgeCall is one call to a judge model about one stored result. Rubric
// mode makes one (Ord 0); pairwise mode makes two: the baseline's answer as
// A (Ord 0), then as B (Ord 1).
type JudgeCall struct {
	RunID string
	// Suite, CaseID, Target and Repeat name the judged result.
	Suite, CaseID, Target string
	Repeat                int
	// JudgeTarget is the target that judged.
	JudgeTarget string
	Mode        string
	Ord         int
	// Prompt is the text sent to the judge; Output its answer.
	Prompt, Output string
	// Verdict is what was read from the judge's final line ("7", "A", "B",
	// "tie"); "" when the call failed or the verdict could not be read.
	Verdict string
	// Started is when the final attempt was sent (UTC).
	Started time.Time
	// Latency and TTFT are the final attempt's, as for a Result.
	Latency, TTFT time.Duration
	InputTokens   int
	OutputTokens  int
	Attempts      int
	// ErrorClass is "" for a judge call that gave a verdict; bad_response
	// when the judge answered but no verdict could be read.
	ErrorClass, ErrorCode, ErrorMessage string
	// RequestHash is the hex SHA-256 of the request sent to the judge (see
	// bench.RequestHash), "" when not recorded: the judge cache's key.
	RequestHash string
	// Cached is true when the judge was not called: output, usage,
	// latency and TTFT were copied from an earlier judge call of the same
	// request that gave a verdict, and Attempts is 0.
	Cached bool
}

// OK reports whether the call gave a verdict.
func (c *JudgeCall) OK() bool { return c.ErrorClass == "" }

// JudgeKey identifies a judge call within a run.
type JudgeKey struct {
	Suite, CaseID, Target string
	Repeat, Ord           int
}

// Key returns the call's identity within its run.
func (c *JudgeCall) Key() JudgeKey {
	return JudgeKey{Suite: c.Suite, CaseID: c.CaseID, Target: c.Target, Repeat: c.Repeat, Ord: c.Ord}
}

// Result is the key of the judged result.
func (k JudgeKey) Result() Key {
	return Key{Suite: k.Suite, CaseID: k.CaseID, Target: k.Target, Repeat: k.Repeat}
}

// String formats a key as suite/case/target#repeat/ord, for messages.
func (k JudgeKey) String() string { return fmt.Sprintf("%s/%d", k.Result(), k.Ord) }

func validMode(m string) bool { return m == JudgeRubric || m == JudgePairwise }

// PutJudges records the judged suites of a run, in one transaction. The
// suites and the judge target must be recorded first (CreateRun).
func (s *Store) PutJudges(ctx context.Context, runID string, judges []JudgeSuite) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, j := range judges {
			if !validMode(j.Mode) {
				return fmt.Errorf("suite %s: unknown judge mode %q", j.Suite, j.Mode)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO run_judges
    (run_id, suite, judge_target, judge_only, mode, rubric) VALUES (?, ?, ?, ?, ?, ?)`,
				runID, j.Suite, j.Judge, boolInt(j.JudgeOnly), j.Mode, j.Rubric); err != nil {
				return fmt.Errorf("suite %s: %w", j.Suite, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record judges of run %s: %w", runID, err)
	}
	return nil
}

// Judges returns the judged suites of a run in config order (none when no
// suite of the run used the judge). A missing run is an error wrapping
// ErrNotFound.
func (s *Store) Judges(ctx context.Context, runID string) ([]JudgeSuite, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT j.suite, j.judge_target, j.judge_only, j.mode, j.rubric
FROM run_judges AS j JOIN run_suites AS rs ON rs.run_id = j.run_id AND rs.name = j.suite
WHERE j.run_id = ? ORDER BY rs.position`, runID)
	if err != nil {
		return nil, fmt.Errorf("judges of run %s: %w", runID, err)
	}
	defer rows.Close()
	var out []JudgeSuite
	for rows.Next() {
		var j JudgeSuite
		if err := rows.Scan(&j.Suite, &j.Judge, &j.JudgeOnly, &j.Mode, &j.Rubric); err != nil {
			return nil, fmt.Errorf("judges of run %s: %w", runID, err)
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("judges of run %s: %w", runID, err)
	}
	if len(out) == 0 {
		if err := s.checkRun(ctx, runID); err != nil {
			return nil, fmt.Errorf("judges of run %s: %w", runID, err)
		}
	}
	return out, nil
}

// putJudgeCallSQL inserts a judge call; a call already stored is kept
// (a resumed run never repeats one), except one of class canceled, which
// the new call replaces, as the Writer does for results.
const putJudgeCallSQL = `INSERT INTO judge_calls
    (run_id, suite, case_id, target, repeat, judge_target, mode, ord, prompt, output, verdict,
     started, latency_ns, ttft_ns, input_tokens, output_tokens, attempts,
     error_class, error_code, error_message, request_hash, cached)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?22, ?23)
ON CONFLICT (run_id, suite, case_id, target, repeat, ord) DO UPDATE SET
    judge_target = excluded.judge_target, mode = excluded.mode, prompt = excluded.prompt,
    output = excluded.output, verdict = excluded.verdict, started = excluded.started,
    latency_ns = excluded.latency_ns, ttft_ns = excluded.ttft_ns,
    input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,
    attempts = excluded.attempts, error_class = excluded.error_class,
    error_code = excluded.error_code, error_message = excluded.error_message,
    request_hash = excluded.request_hash, cached = excluded.cached
WHERE judge_calls.error_class = ?21`

// PutJudgeCall stores one judge call. A call with the same key that is
// already stored stays as it is (insert or ignore), unless it is of class
// canceled. The judged result must be stored first: the schema's foreign
// keys refuse a judge call about a result, case or target the run lacks.
// Safe for concurrent use: each call is its own transaction.
func (s *Store) PutJudgeCall(ctx context.Context, c JudgeCall) error {
	if !validMode(c.Mode) {
		return fmt.Errorf("judge call %s of run %s: unknown mode %q", c.Key(), c.RunID, c.Mode)
	}
	if _, err := s.db.ExecContext(ctx, putJudgeCallSQL,
		c.RunID, c.Suite, c.CaseID, c.Target, c.Repeat, c.JudgeTarget, c.Mode, c.Ord, c.Prompt, c.Output, c.Verdict,
		nullTime(c.Started), int64(c.Latency), int64(c.TTFT), c.InputTokens, c.OutputTokens, c.Attempts,
		c.ErrorClass, c.ErrorCode, c.ErrorMessage, string(providers.Canceled),
		sql.NullString{String: c.RequestHash, Valid: c.RequestHash != ""}, boolInt(c.Cached)); err != nil {
		return fmt.Errorf("judge call %s of run %s: %w", c.Key(), c.RunID, explainJudge(err))
	}
	return nil
}

// explainJudge adds what a foreign-key failure means for a judge call.
func explainJudge(err error) error {
	if e := explain(err); e != err {
		return fmt.Errorf("%w; a judge call needs its result stored first and its judge target recorded with the run", err)
	}
	return err
}

// judgeCallsQuery walks a run's judge calls in the order of its results:
// suite (config order), case, judged target (config order), repeat, ord.
const judgeCallsQuery = `SELECT j.suite, j.case_id, j.target, j.repeat, j.judge_target, j.mode, j.ord,
    j.prompt, j.output, j.verdict, j.started, j.latency_ns, j.ttft_ns, j.input_tokens, j.output_tokens,
    j.attempts, j.error_class, j.error_code, j.error_message, coalesce(j.request_hash, ''), j.cached
FROM judge_calls AS j
JOIN run_suites AS rs ON rs.run_id = j.run_id AND rs.name = j.suite
JOIN cases AS c ON c.run_id = j.run_id AND c.suite = j.suite AND c.case_id = j.case_id
JOIN run_targets AS t ON t.run_id = j.run_id AND t.name = j.target
WHERE j.run_id = ?
ORDER BY rs.position, c.seq, t.position, j.repeat, j.ord`

// JudgeCalls streams a run's judge calls in result order (suite, case,
// judged target, repeat), then ord. Breaking out of the loop releases the
// query. A missing run yields one error wrapping ErrNotFound.
func (s *Store) JudgeCalls(ctx context.Context, runID string) iter.Seq2[JudgeCall, error] {
	return func(yield func(JudgeCall, error) bool) {
		fail := func(err error) { yield(JudgeCall{}, fmt.Errorf("judge calls of run %s: %w", runID, err)) }
		rows, err := s.db.QueryContext(ctx, judgeCallsQuery, runID)
		if err != nil {
			fail(err)
			return
		}
		defer rows.Close()
		found := false
		for rows.Next() {
			var (
				c             JudgeCall
				started       sql.NullString
				latency, ttft int64
			)
			if err := rows.Scan(&c.Suite, &c.CaseID, &c.Target, &c.Repeat, &c.JudgeTarget, &c.Mode, &c.Ord,
				&c.Prompt, &c.Output, &c.Verdict, &started, &latency, &ttft, &c.InputTokens, &c.OutputTokens,
				&c.Attempts, &c.ErrorClass, &c.ErrorCode, &c.ErrorMessage, &c.RequestHash, &c.Cached); err != nil {
				fail(err)
				return
			}
			c.RunID = runID
			c.Latency, c.TTFT = time.Duration(latency), time.Duration(ttft)
			if c.Started, err = parseNullTime(started); err != nil {
				fail(err)
				return
			}
			found = true
			if !yield(c, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			fail(err)
			return
		}
		if !found {
			if err := s.checkRun(ctx, runID); err != nil {
				fail(err)
			}
		}
	}
}

// JudgeDone returns the keys of a run's judge calls that a resumed run
// must not make again: every stored call except those of class canceled.
func (s *Store) JudgeDone(ctx context.Context, runID string) (map[JudgeKey]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT suite, case_id, target, repeat, ord FROM judge_calls
WHERE run_id = ? AND error_class <> ?`, runID, string(providers.Canceled))
	if err != nil {
		return nil, fmt.Errorf("judged keys of run %s: %w", runID, err)
	}
	defer rows.Close()
	done := map[JudgeKey]bool{}
	for rows.Next() {
		var k JudgeKey
		if err := rows.Scan(&k.Suite, &k.CaseID, &k.Target, &k.Repeat, &k.Ord); err != nil {
			return nil, fmt.Errorf("judged keys of run %s: %w", runID, err)
		}
		done[k] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("judged keys of run %s: %w", runID, err)
	}
	if len(done) == 0 {
		if err := s.checkRun(ctx, runID); err != nil {
			return nil, fmt.Errorf("judged keys of run %s: %w", runID, err)
		}
	}
	return done, nil
}

// CachedJudgeCall returns the newest judge call, in any run of the
// database, whose RequestHash is hash and that gave a verdict (the judge
// cache of llmbench run --cache), and whether there is one. Failed calls
// and answers without a readable verdict are never returned. The call
// carries its stored output, verdict, usage, timings and attempts; the
// caller reads the verdict again from the output with its own parser.
// Safe for concurrent use.
func (s *Store) CachedJudgeCall(ctx context.Context, hash string) (JudgeCall, bool, error) {
	var (
		c             JudgeCall
		started       sql.NullString
		latency, ttft int64
	)
	err := s.db.QueryRowContext(ctx, `SELECT run_id, suite, case_id, target, repeat, judge_target, mode, ord,
    prompt, output, verdict, started, latency_ns, ttft_ns, input_tokens, output_tokens, attempts,
    request_hash, cached
FROM judge_calls INDEXED BY judge_calls_by_request_hash
WHERE request_hash = ? AND error_class = ''
ORDER BY id DESC LIMIT 1`, hash).Scan(&c.RunID, &c.Suite, &c.CaseID, &c.Target, &c.Repeat, &c.JudgeTarget, &c.Mode, &c.Ord,
		&c.Prompt, &c.Output, &c.Verdict, &started, &latency, &ttft, &c.InputTokens, &c.OutputTokens, &c.Attempts,
		&c.RequestHash, &c.Cached)
	if errors.Is(err, sql.ErrNoRows) {
		return JudgeCall{}, false, nil
	}
	if err != nil {
		return JudgeCall{}, false, fmt.Errorf("look up cached judge call %.12s: %w", hash, err)
	}
	c.Latency, c.TTFT = time.Duration(latency), time.Duration(ttft)
	if c.Started, err = parseNullTime(started); err != nil {
		return JudgeCall{}, false, fmt.Errorf("look up cached judge call %.12s: %w", hash, err)
	}
	return c, true, nil
}
