package results

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/suites"
)

func TestDuplicatePutIgnored(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		flush bool // commit the first before putting the duplicate
	}{
		{"same batch", false},
		{"later batch", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := openStore(t)
			setupRun(t, s, "r")
			first := fullResult("r", "vision", "v1", "gpt-4o", 0)
			dup := first
			dup.Output = "a second answer"
			dup.Scores = []suites.Score{{Scorer: "numeric", Value: 0, Binary: true, Version: "numeric/2"}}
			dup.ErrorClass = string(providers.Server) // not canceled: never replaces

			w := s.NewWriter(WriterOptions{FlushInterval: time.Hour})
			if err := w.Put(ctx, first); err != nil {
				t.Fatal(err)
			}
			if tc.flush {
				if err := w.Flush(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Put(ctx, dup); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			got := collect(t, s.Results(ctx, "r"))
			if diff := cmp.Diff([]Result{first}, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			all, err := s.ScoreVersions(ctx, "r", first.Key())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(first.Scores, all); diff != "" {
				t.Errorf("stored scores (-want +got):\n%s", diff)
			}
		})
	}
}

// TestResume walks an interrupted run being resumed: Done tells the runner
// what to skip, a repeated call is not stored twice, and a call cut off by
// the interruption (class canceled) is made again and replaced.
func TestResume(t *testing.T) {
	ctx := context.Background()
	s, p := openStore(t)
	setupRun(t, s, "r")

	ok := fullResult("r", "vision", "v1", "gpt-4o", 0)
	failed := fullResult("r", "vision", "v1", "local-qwen", 0)
	failed.ErrorClass, failed.Output, failed.Scores = string(providers.RateLimited), "", nil
	cut := fullResult("r", "reasoning", "r2", "gpt-4o", 1)
	cut.ErrorClass, cut.Output = string(providers.Canceled), ""
	cut.Scores = []suites.Score{{Scorer: "numeric", Value: 0, Binary: true}}

	w := s.NewWriter(WriterOptions{})
	for _, r := range []Result{ok, failed, cut} {
		if err := w.Put(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishRun(ctx, "r", StatusInterrupted, "interrupted", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}

	// Resume from another Store on the same file, as a new process would.
	s2, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if err := s2.ReopenRun(ctx, "r"); err != nil {
		t.Fatal(err)
	}
	done, err := s2.Done(ctx, "r")
	if err != nil {
		t.Fatal(err)
	}
	wantDone := map[Key]bool{ok.Key(): true, failed.Key(): true}
	if diff := cmp.Diff(wantDone, done); diff != "" {
		t.Errorf("Done (-want +got):\n%s", diff)
	}
	if n, err := s2.CountResults(ctx, "r"); err != nil || n != 3 {
		t.Errorf("CountResults = %d, %v; want 3 (canceled results count as stored)", n, err)
	}

	redo := fullResult("r", "reasoning", "r2", "gpt-4o", 1)
	again := ok
	again.Output = "must not replace a stored answer"
	w2 := s2.NewWriter(WriterOptions{})
	for _, r := range []Result{redo, again} {
		if err := w2.Put(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w2.Close(); err != nil {
		t.Fatal(err)
	}
	got := collect(t, s2.Results(ctx, "r"))
	want := []Result{ok, failed, redo} // vision before reasoning; v1 targets in config order
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Results (-want +got):\n%s", diff)
	}
	// The canceled call's score is gone with it.
	all, err := s2.ScoreVersions(ctx, "r", cut.Key())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(redo.Scores, all); diff != "" {
		t.Errorf("scores of the replaced result (-want +got):\n%s", diff)
	}
	if done, err = s2.Done(ctx, "r"); err != nil || len(done) != 3 {
		t.Errorf("Done after resume = %d keys, %v; want 3", len(done), err)
	}
}

func TestConcurrentPuts(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	setupRun(t, s, "r")
	const goroutines, perGoroutine = 16, 60
	w := s.NewWriter(WriterOptions{BatchSize: 7, FlushInterval: time.Millisecond})
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		want = map[Key]bool{}
	)
	cases, targets := fixtureCases(), fixtureTargets()
	for g := range goroutines {
		wg.Go(func() {
			for i := range perGoroutine {
				c := cases[i%len(cases)]
				r := fullResult("r", c.Suite, c.ID, targets[g%len(targets)].Name, g*perGoroutine+i)
				if err := w.Put(ctx, r); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				want[r.Key()] = true
				mu.Unlock()
				if i%25 == 0 {
					if err := w.Flush(ctx); err != nil {
						t.Error(err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	done, err := s.Done(ctx, "r")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, done); diff != "" {
		t.Errorf("stored keys (-want +got):\n%s", diff)
	}
	var nScores int
	if err := s.db.QueryRow(`SELECT count(*) FROM scores`).Scan(&nScores); err != nil {
		t.Fatal(err)
	}
	if nScores != 2*goroutines*perGoroutine {
		t.Errorf("%d scores stored, want %d", nScores, 2*goroutines*perGoroutine)
	}
	checkIntegrity(t, s)
}

// TestReadWhileWriting reads a run from a second Store on the same file while
// a Writer commits it: every read succeeds (WAL: readers never wait for the
// writer), sees whole batches only, and the counts never go down.
func TestReadWhileWriting(t *testing.T) {
	ctx := context.Background()
	writerStore, p := openStore(t)
	setupRun(t, writerStore, "r")
	reader, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()

	const batch, batches = 10, 30
	w := writerStore.NewWriter(WriterOptions{BatchSize: batch, FlushInterval: time.Hour})
	writeErr := make(chan error, 1)
	go func() {
		for i := range batch * batches {
			if err := w.Put(ctx, fullResult("r", "vision", "v1", "gpt-4o", i)); err != nil {
				writeErr <- err
				return
			}
		}
		writeErr <- w.Close()
	}()

	const total = batch * batches
	last, reads, writerDone := -1, 0, false
	for {
		n, prev := 0, -1
		for r, err := range reader.Results(ctx, "r") {
			if err != nil {
				t.Fatalf("read %d: %v", reads, err)
			}
			if r.Repeat != prev+1 {
				t.Fatalf("read %d: repeat %d after %d", reads, r.Repeat, prev)
			}
			prev = r.Repeat
			n++
		}
		reads++
		if n%batch != 0 {
			t.Fatalf("read %d saw %d results: part of a batch", reads, n)
		}
		if n < last {
			t.Fatalf("read %d saw %d results after %d", reads, n, last)
		}
		last = n
		if n == total {
			break
		}
		if writerDone {
			t.Fatalf("the writer closed but a new reader sees %d of %d results", n, total)
		}
		select {
		case err := <-writeErr:
			if err != nil {
				t.Fatal(err)
			}
			writerDone = true
		default:
		}
	}
	t.Logf("%d reads while writing", reads)
	checkIntegrity(t, reader)
}

// TestPutBackPressure checks that Put blocks while the queue is full and
// that its context ends the wait. The Writer's loop is held inside a batch
// by a hook; synctest.Wait tells when every goroutine is blocked.
func TestPutBackPressure(t *testing.T) {
	s, _ := openStore(t)
	setupRun(t, s, "r")
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		release := make(chan struct{})
		w := s.newWriter(WriterOptions{BatchSize: 1}, func() { <-release })
		put := func(ctx context.Context, rep int) error {
			return w.Put(ctx, fullResult("r", "vision", "v1", "gpt-4o", rep))
		}
		if err := put(ctx, 1); err != nil { // taken by the loop, which blocks in the hook
			t.Fatal(err)
		}
		synctest.Wait()
		if err := put(ctx, 2); err != nil { // fills the queue (BatchSize 1)
			t.Fatal(err)
		}
		cctx, cancel := context.WithCancel(ctx)
		third := make(chan error, 1)
		go func() { third <- put(cctx, 3) }()
		synctest.Wait()
		select {
		case err := <-third:
			t.Fatalf("Put on a full queue returned %v without blocking", err)
		default:
		}
		cancel()
		synctest.Wait()
		select {
		case err := <-third:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("blocked Put = %v, want context.Canceled", err)
			}
		default:
			t.Fatal("canceling the context did not end a blocked Put")
		}
		close(release)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	})
	done, err := s.Done(context.Background(), "r")
	if err != nil {
		t.Fatal(err)
	}
	want := map[Key]bool{{"vision", "v1", "gpt-4o", 1}: true, {"vision", "v1", "gpt-4o", 2}: true}
	if diff := cmp.Diff(want, done); diff != "" {
		t.Errorf("stored (-want +got):\n%s", diff)
	}
}

func TestWriterStickyError(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	setupRun(t, s, "r")
	w := s.NewWriter(WriterOptions{})
	good := fullResult("r", "vision", "v1", "gpt-4o", 0)
	bad := fullResult("r", "vision", "v1", "no-such-target", 0)
	for _, r := range []Result{good, bad} {
		if err := w.Put(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	err := w.Flush(ctx)
	if err == nil {
		t.Fatal("Flush succeeded with an unknown target")
	}
	for _, want := range []string{"no-such-target", "FOREIGN KEY", "PutCases"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if err2 := w.Put(ctx, fullResult("r", "vision", "v1", "glm-sim", 0)); err2 != err {
		t.Errorf("Put after failure = %v, want the sticky error", err2)
	}
	if err2 := w.Close(); err2 != err {
		t.Errorf("Close = %v, want the sticky error", err2)
	}
	// The failed batch is all or nothing.
	if n, err := s.CountResults(ctx, "r"); err != nil || n != 0 {
		t.Errorf("CountResults = %d, %v; want 0", n, err)
	}
}

func TestWriterLifecycle(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	setupRun(t, s, "r")

	t.Run("Put checks the key", func(t *testing.T) {
		w := s.NewWriter(WriterOptions{})
		defer w.Close()
		for _, r := range []Result{
			{Suite: "vision", CaseID: "v1", Target: "gpt-4o"},
			{RunID: "r", CaseID: "v1", Target: "gpt-4o"},
			{RunID: "r", Suite: "vision", Target: "gpt-4o"},
			{RunID: "r", Suite: "vision", CaseID: "v1"},
			{RunID: "r", Suite: "vision", CaseID: "v1", Target: "gpt-4o", Repeat: -1},
		} {
			if err := w.Put(ctx, r); err == nil {
				t.Errorf("Put(%+v) succeeded", r.Key())
			}
		}
		if err := w.Flush(ctx); err != nil {
			t.Errorf("a refused Put made the writer fail: %v", err)
		}
	})

	t.Run("canceled context", func(t *testing.T) {
		w := s.NewWriter(WriterOptions{})
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := w.Put(cctx, fullResult("r", "vision", "v1", "gpt-4o", 5)); !errors.Is(err, context.Canceled) {
			t.Errorf("Put = %v, want context.Canceled", err)
		}
		if err := w.Flush(cctx); !errors.Is(err, context.Canceled) {
			t.Errorf("Flush = %v, want context.Canceled", err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if done, err := s.Done(ctx, "r"); err != nil || done[Key{"vision", "v1", "gpt-4o", 5}] {
			t.Errorf("a result refused by Put was stored (err %v)", err)
		}
	})

	t.Run("closed", func(t *testing.T) {
		w := s.NewWriter(WriterOptions{})
		if err := w.Put(ctx, fullResult("r", "vision", "v1", "gpt-4o", 6)); err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			if err := w.Close(); err != nil {
				t.Fatalf("Close %d: %v", i, err)
			}
		}
		if err := w.Put(ctx, fullResult("r", "vision", "v1", "gpt-4o", 7)); !errors.Is(err, ErrWriterClosed) {
			t.Errorf("Put after Close = %v, want ErrWriterClosed", err)
		}
		if err := w.Flush(ctx); err != nil {
			t.Errorf("Flush after Close = %v", err)
		}
		done, err := s.Done(ctx, "r")
		if err != nil {
			t.Fatal(err)
		}
		if !done[Key{"vision", "v1", "gpt-4o", 6}] || done[Key{"vision", "v1", "gpt-4o", 7}] {
			t.Errorf("Close did not store exactly what was put before it: %v", done)
		}
	})

	t.Run("concurrent Close and Put", func(t *testing.T) {
		w := s.NewWriter(WriterOptions{BatchSize: 2})
		var wg sync.WaitGroup
		accepted := make(chan Key, 100)
		for g := range 4 {
			wg.Go(func() {
				for i := range 20 {
					r := fullResult("r", "reasoning", "r1", "glm-sim", 100+g*20+i)
					if err := w.Put(ctx, r); err != nil {
						if !errors.Is(err, ErrWriterClosed) {
							t.Error(err)
						}
						return
					}
					accepted <- r.Key()
				}
			})
		}
		wg.Go(func() {
			if err := w.Close(); err != nil {
				t.Error(err)
			}
		})
		wg.Wait()
		close(accepted)
		done, err := s.Done(ctx, "r")
		if err != nil {
			t.Fatal(err)
		}
		// Every Put that returned nil is stored once Close has returned.
		for k := range accepted {
			if !done[k] {
				t.Errorf("accepted %v not stored", k)
			}
		}
	})
}

// TestIntegrity runs the whole lifecycle and then asks SQLite to check the
// file and every foreign key.
func TestIntegrity(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	for _, id := range []string{"a", "b", "c"} {
		setupRun(t, s, id)
		w := s.NewWriter(WriterOptions{BatchSize: 3})
		for _, c := range fixtureCases() {
			for _, tg := range fixtureTargets() {
				if err := w.Put(ctx, fullResult(id, c.Suite, c.ID, tg.Name, 0)); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishRun(ctx, id, StatusCompleted, "", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddScores(ctx, "a", map[Key][]suites.Score{
		{Suite: "vision", CaseID: "v1", Target: "gpt-4o"}: {{Scorer: "exact", Value: 1, Binary: true, Version: "2"}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRun(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	checkIntegrity(t, s)
}

func checkIntegrity(t *testing.T, s *Store) {
	t.Helper()
	var ok string
	if err := s.db.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	if ok != "ok" {
		t.Errorf("integrity_check: %s", ok)
	}
	rows, err := s.db.Query(`PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		t.Error("foreign_key_check found a dangling reference")
		break
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// FuzzResultText round-trips arbitrary text (NUL bytes, invalid UTF-8,
// SQL-looking strings) through every text column of a result and a score.
func FuzzResultText(f *testing.F) {
	for _, seed := range []string{"", "42", "答案是 42", "a\x00b", "\xff\xfe", "'); DROP TABLE results; --", "%s?#"} {
		f.Add(seed)
	}
	s, _ := openStore(f)
	ctx := context.Background()
	setupRun(f, s, "r")
	n := 0
	f.Fuzz(func(t *testing.T, text string) {
		n++
		id := fmt.Sprintf("c%d", n)
		if err := s.PutCases(ctx, "r", []Case{{Suite: "vision", ID: id, Prompt: text, References: []string{text}, Hash: text}}); err != nil {
			t.Fatal(err)
		}
		want := Result{RunID: "r", Suite: "vision", CaseID: id, Target: "gpt-4o",
			Output: text, ModelReported: text, FinishReason: text, ErrorClass: text, ErrorCode: text, ErrorMessage: text,
			Scores: []suites.Score{{Scorer: text, Extracted: text, Tokenizer: text, Version: text, Value: 0.5}}}
		if text == string(providers.Canceled) {
			want.ErrorClass = "" // canceled results are replaceable; not what this checks
		}
		w := s.NewWriter(WriterOptions{})
		if err := w.Put(ctx, want); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		for got, err := range s.Results(ctx, "r") {
			if err != nil {
				t.Fatal(err)
			}
			if got.CaseID != id {
				continue
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		}
		for c, err := range s.Cases(ctx, "r") {
			if err != nil {
				t.Fatal(err)
			}
			// References are JSON, which holds valid UTF-8 only.
			refOK := len(c.References) == 1 && (c.References[0] == text || !utf8.ValidString(text))
			if c.ID == id && (c.Prompt != text || c.Hash != text || !refOK) {
				t.Errorf("case text did not round-trip: %+v", c)
			}
		}
	})
}

// BenchmarkWriter measures stored results per second through one Writer
// with the default options, scores included.
func BenchmarkWriter(b *testing.B) {
	ctx := context.Background()
	s, _ := openStore(b)
	setupRun(b, s, "r")
	w := s.NewWriter(WriterOptions{})
	r := fullResult("r", "vision", "v1", "gpt-4o", 0)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := range b.N {
		r.Repeat = i
		if err := w.Put(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "results/s")
	// CPU time per result is steadier than results/s on a shared machine.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/result")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestWriterManyScores stores batches holding more scores than one INSERT
// carries (scoresPerInsert), with 0 to 3 scores per result and a NaN, and
// reads every result back with its scores in order.
func TestWriterManyScores(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	setupRun(t, s, "r")
	w := s.NewWriter(WriterOptions{BatchSize: 200})
	cases, targets := fixtureCases(), fixtureTargets()
	want := map[Key][]suites.Score{}
	for i := range 300 {
		c := cases[i%len(cases)]
		r := fullResult("r", c.Suite, c.ID, targets[i%len(targets)].Name, i)
		r.Scores = nil
		for k := range i % 4 {
			r.Scores = append(r.Scores, suites.Score{Scorer: fmt.Sprintf("s%d", k), Value: float64(i) / 300, Version: "1", Extracted: fmt.Sprint(i)})
		}
		if i == 7 {
			r.Scores[1].Value = math.NaN()
		}
		want[r.Key()] = r.Scores
		if err := w.Put(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got := map[Key][]suites.Score{}
	for r, err := range s.Results(ctx, "r") {
		if err != nil {
			t.Fatal(err)
		}
		got[r.Key()] = r.Scores
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty(), cmpopts.EquateNaNs()); diff != "" {
		t.Errorf("scores read back (-want +got):\n%s", diff)
	}
	checkIntegrity(t, s)
}
