package results

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/suites"
)

// ErrWriterClosed is returned by Put on a closed Writer.
var ErrWriterClosed = errors.New("results writer closed")

// The Writer is the runner's sink (bench.Sink), which bench declares; this is
// its method set.
var _ interface {
	Put(context.Context, Result) error
} = (*Writer)(nil)

// WriterOptions tune a Writer's batching. Zero values take the defaults.
type WriterOptions struct {
	// BatchSize is the most results one transaction commits (default 256).
	// It is also the queue length past which Put blocks.
	BatchSize int
	// FlushInterval is the longest a result waits in a partial batch
	// (default 200ms).
	FlushInterval time.Duration
}

// Writer stores results in batches: one goroutine owns the database writes
// and commits one transaction per BatchSize results or FlushInterval,
// whichever comes first. Put, Flush and Close are safe for concurrent use.
//
// A result whose key (run, suite, case, target, repeat) is already stored is
// ignored, with its scores, so a resumed run never stores a call twice; the
// one exception is a stored result of class canceled, which is replaced.
// Every result's case and target must be recorded first (CreateRun,
// PutCases).
//
// If a batch fails, the error is sticky: that batch is not stored, later
// results are dropped, and Put, Flush and Close return the error.
type Writer struct {
	store *Store
	opts  WriterOptions
	ops   chan op
	done  chan struct{} // closed when loop returns

	// mu is read-held by Put and Flush while they enqueue and write-held by
	// Close to set closed: once Close holds it, nothing can be enqueued
	// behind its final flush.
	mu     sync.RWMutex
	closed bool

	closeOnce sync.Once
	errMu     sync.Mutex
	err       error

	// beforeBatch, if set (by tests), runs in the loop before each batch
	// is written.
	beforeBatch func()
}

// op is a queued result or, when res is nil, a flush request answered on ack.
type op struct {
	res  *Result
	ack  chan error
	stop bool
}

// NewWriter starts a Writer on s. Close it before closing s.
func (s *Store) NewWriter(opts WriterOptions) *Writer { return s.newWriter(opts, nil) }

func (s *Store) newWriter(opts WriterOptions, beforeBatch func()) *Writer {
	if opts.BatchSize <= 0 {
		opts.BatchSize = 256
	}
	if opts.FlushInterval <= 0 {
		opts.FlushInterval = 200 * time.Millisecond
	}
	w := &Writer{
		store: s,
		opts:  opts,
		ops:   make(chan op, opts.BatchSize),
		done:  make(chan struct{}),

		beforeBatch: beforeBatch,
	}
	go w.loop()
	return w
}

// Put queues r to be stored. It returns the Writer's sticky error if a batch
// failed, blocks while the queue is full (back-pressure), and returns
// ctx.Err() if ctx ends first; then r is not queued. Returning nil means r
// will be committed by the next Flush or Close, unless a batch fails.
func (w *Writer) Put(ctx context.Context, r Result) error {
	if r.RunID == "" || r.Suite == "" || r.CaseID == "" || r.Target == "" || r.Repeat < 0 {
		return fmt.Errorf("put result %s in run %q: incomplete key", r.Key(), r.RunID)
	}
	if err := w.Err(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	r.Scores = slices.Clone(r.Scores) // the caller may reuse its slice
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.closed {
		return ErrWriterClosed
	}
	select {
	case w.ops <- op{res: &r}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Flush waits until every result queued by a Put that returned before Flush
// was called is committed, and returns the sticky error, if any.
func (w *Writer) Flush(ctx context.Context) error {
	ack := make(chan error, 1)
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		select { // Close flushes; wait for it
		case <-w.done:
			return w.Err()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	select {
	case w.ops <- op{ack: ack}:
		w.mu.RUnlock()
	case <-ctx.Done():
		w.mu.RUnlock()
		return ctx.Err()
	}
	select {
	case err := <-ack:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close flushes what was queued, stops the Writer and returns the sticky
// error, if any. It is idempotent; later Puts return ErrWriterClosed.
func (w *Writer) Close() error {
	w.closeOnce.Do(func() {
		w.mu.Lock()
		w.closed = true
		w.mu.Unlock()
		w.ops <- op{ack: make(chan error, 1), stop: true}
		<-w.done
	})
	return w.Err()
}

// Err returns the sticky error: the first batch failure, or nil.
func (w *Writer) Err() error {
	w.errMu.Lock()
	defer w.errMu.Unlock()
	return w.err
}

func (w *Writer) setErr(err error) {
	w.errMu.Lock()
	defer w.errMu.Unlock()
	if w.err == nil {
		w.err = err
	}
}

// loop is the one goroutine that writes. Results are batched; a batch is
// committed when full, when the oldest result in it has waited
// FlushInterval, or when a flush is requested. After a failure it keeps
// draining the queue so that no Put blocks forever.
func (w *Writer) loop() {
	defer close(w.done)
	timer := time.NewTimer(w.opts.FlushInterval)
	timer.Stop()
	defer timer.Stop()
	batch := make([]*Result, 0, w.opts.BatchSize)
	flush := func() {
		timer.Stop()
		if len(batch) == 0 {
			return
		}
		if w.beforeBatch != nil {
			w.beforeBatch()
		}
		if w.Err() == nil {
			if err := w.store.writeBatch(context.Background(), batch); err != nil {
				w.setErr(err)
			}
		}
		clear(batch)
		batch = batch[:0]
	}
	for {
		select {
		case o := <-w.ops:
			if o.res != nil {
				batch = append(batch, o.res)
				switch {
				case len(batch) >= w.opts.BatchSize:
					flush()
				case len(batch) == 1:
					timer.Reset(w.opts.FlushInterval)
				}
				continue
			}
			flush()
			o.ack <- w.Err()
			if o.stop {
				return
			}
		case <-timer.C:
			flush()
		}
	}
}

// insertResultSQL adds a result unless its key is stored; the statement's
// change count says whether it did (1) or not (0), and then the last
// inserted rowid is its id. (Exec with the change count costs less than a
// RETURNING query, which needs a row cursor per result.)
const insertResultSQL = `INSERT INTO results
    (run_id, suite, case_id, target, repeat, output, started, latency_ns, ttft_ns, wait_ns, retry_ns,
     attempts, input_tokens, output_tokens, model_reported, finish_reason, error_class, error_code, error_message,
     request_hash, cached)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)
ON CONFLICT DO NOTHING`

// replaceCanceledSQL overwrites a stored result of class canceled (a call
// cut off by an interruption and made again on resume) with the same
// parameters; RETURNING yields its id only when it did.
const replaceCanceledSQL = `UPDATE results SET
    output = ?6, started = ?7, latency_ns = ?8, ttft_ns = ?9, wait_ns = ?10, retry_ns = ?11,
    attempts = ?12, input_tokens = ?13, output_tokens = ?14, model_reported = ?15, finish_reason = ?16,
    error_class = ?17, error_code = ?18, error_message = ?19, request_hash = ?20, cached = ?21
WHERE run_id = ?1 AND suite = ?2 AND case_id = ?3 AND target = ?4 AND repeat = ?5 AND error_class = ?22
RETURNING id`

// writeBatch stores a batch in one transaction: all of it or none.
func (s *Store) writeBatch(ctx context.Context, batch []*Result) error {
	now := formatTime(time.Now())
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		ins, err := tx.PrepareContext(ctx, insertResultSQL)
		if err != nil {
			return err
		}
		defer ins.Close()
		var repl, delScores *sql.Stmt // prepared when first needed: duplicates are rare
		defer func() {
			if repl != nil {
				repl.Close()
				delScores.Close()
			}
		}()
		scores := &scoreRows{tx: tx, now: now}
		defer scores.close()

		for _, r := range batch {
			args := []any{r.RunID, r.Suite, r.CaseID, r.Target, r.Repeat, r.Output, nullTime(r.Started),
				int64(r.Latency), int64(r.TTFT), int64(r.Wait), int64(r.RetryTime),
				r.Attempts, r.InputTokens, r.OutputTokens, r.ModelReported, r.FinishReason,
				r.ErrorClass, r.ErrorCode, r.ErrorMessage,
				sql.NullString{String: r.RequestHash, Valid: r.RequestHash != ""}, boolInt(r.Cached)}
			id, err := insertedID(ins.ExecContext(ctx, args...))
			if errors.Is(err, sql.ErrNoRows) {
				if repl == nil {
					if repl, err = tx.PrepareContext(ctx, replaceCanceledSQL); err != nil {
						return err
					}
					if delScores, err = tx.PrepareContext(ctx, `DELETE FROM scores WHERE result_id = ?`); err != nil {
						repl.Close()
						repl = nil
						return err
					}
				}
				err = repl.QueryRowContext(ctx, append(args, string(providers.Canceled))...).Scan(&id)
				if errors.Is(err, sql.ErrNoRows) {
					continue // stored before: keep it and its scores
				}
				if err == nil {
					_, err = delScores.ExecContext(ctx, id)
				}
			}
			if err != nil {
				return fmt.Errorf("result %s of run %s: %w", r.Key(), r.RunID, explain(err))
			}
			if err := scores.add(ctx, id, r.Scores); err != nil {
				return fmt.Errorf("scores of run %s: %w", r.RunID, err)
			}
		}
		if err := scores.flush(ctx); err != nil {
			return fmt.Errorf("scores of run %s: %w", batch[0].RunID, err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write batch of %d results: %w", len(batch), err)
	}
	return nil
}

// scoresPerInsert is the most score rows one INSERT statement carries
// (9 parameters each, well under SQLite's limit of 32,766).
const scoresPerInsert = 64

// scoreRows collects a batch's scores and inserts them scoresPerInsert rows
// per statement: one statement per score would cost more than the rows.
// Rows keep their order, so ids (and with them "the newest score of a
// scorer") follow the order the scores were added in.
type scoreRows struct {
	tx   *sql.Tx
	now  string
	full *sql.Stmt // scoresPerInsert rows, prepared when first needed
	args []any
	n    int
}

func (b *scoreRows) add(ctx context.Context, resultID int64, ss []suites.Score) error {
	for i, sc := range ss {
		value := sql.NullFloat64{Float64: sc.Value, Valid: !math.IsNaN(sc.Value)}
		b.args = append(b.args, resultID, sc.Scorer, sc.Version, i, value, boolInt(sc.Binary), sc.Extracted, sc.Tokenizer, b.now)
		b.n++
		if b.n < scoresPerInsert {
			continue
		}
		if b.full == nil {
			st, err := b.tx.PrepareContext(ctx, insertScoresSQL(scoresPerInsert))
			if err != nil {
				return err
			}
			b.full = st
		}
		if _, err := b.full.ExecContext(ctx, b.args...); err != nil {
			return err
		}
		b.args, b.n = b.args[:0], 0
	}
	return nil
}

// flush inserts the rows left over.
func (b *scoreRows) flush(ctx context.Context) error {
	if b.n == 0 {
		return nil
	}
	_, err := b.tx.ExecContext(ctx, insertScoresSQL(b.n), b.args...)
	b.args, b.n = b.args[:0], 0
	return err
}

func (b *scoreRows) close() {
	if b.full != nil {
		b.full.Close()
	}
}

// insertScoresSQL is insertScoreSQL with n rows of values.
func insertScoresSQL(n int) string {
	var sb strings.Builder
	head, _, _ := strings.Cut(insertScoreSQL, "VALUES")
	sb.WriteString(head)
	sb.WriteString("VALUES ")
	for i := range n {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?)")
	}
	return sb.String()
}

// insertedID is the rowid an INSERT ... ON CONFLICT DO NOTHING added, or
// sql.ErrNoRows when it added none.
func insertedID(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, sql.ErrNoRows
	}
	return res.LastInsertId()
}

// explain adds what SQLite's bare "FOREIGN KEY constraint failed" means here.
func explain(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintForeignKey {
		return fmt.Errorf("%w (the run, its target and the case must be recorded first with CreateRun and PutCases)", err)
	}
	return err
}
