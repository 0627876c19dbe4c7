package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/results"
	"github.com/llmbench/llmbench/suites"
)

// memSink collects results in memory.
type memSink struct {
	mu  sync.Mutex
	got []results.Result
}

func (s *memSink) Put(_ context.Context, r results.Result) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, r)
	return nil
}

var _ Sink = (*memSink)(nil)

func (s *memSink) byKey() map[results.Key]results.Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := map[results.Key]results.Result{}
	for _, r := range s.got {
		m[r.Key()] = r
	}
	return m
}

// fakeProvider answers from a script: for each prompt, the errors to return
// on successive attempts before answering "Answer: <n>".
type fakeProvider struct {
	mu       sync.Mutex
	attempts map[string]int
	fail     func(prompt string, attempt int) error
	answer   func(prompt string) string
	delay    time.Duration
	inflight int
	maxSeen  int
}

func (f *fakeProvider) Complete(ctx context.Context, req *providers.Request) (*providers.Response, error) {
	prompt := req.Messages[len(req.Messages)-1].Text
	f.mu.Lock()
	if f.attempts == nil {
		f.attempts = map[string]int{}
	}
	f.attempts[prompt]++
	n := f.attempts[prompt]
	f.inflight++
	f.maxSeen = max(f.maxSeen, f.inflight)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inflight--
		f.mu.Unlock()
	}()
	if f.delay > 0 {
		select {
		case <-time.After(f.delay):
		case <-ctx.Done():
			return nil, providers.Classify(ctx.Err())
		}
	}
	if f.fail != nil {
		if err := f.fail(prompt, n); err != nil {
			return nil, err
		}
	}
	text := "Answer: 0"
	if f.answer != nil {
		text = f.answer(prompt)
	}
	return &providers.Response{Text: text, Model: req.Model + "-2024", FinishReason: "stop", Usage: providers.Usage{InputTokens: 10, OutputTokens: 3}, Latency: f.delay}, nil
}

// testSuite writes a small numeric suite to a temp dir and loads it.
func testSuite(t *testing.T, n int) *suites.Suite { return testSuiteTB(t, n) }

func testSuiteTB(t testing.TB, n int) *suites.Suite {
	t.Helper()
	dir := t.TempDir()
	var cases strings.Builder
	for i := range n {
		fmt.Fprintf(&cases, `{"id": "c%d", "q": "what is %d+%d?", "reference": "%d"}`+"\n", i, i, i, 2*i)
	}
	if err := os.WriteFile(filepath.Join(dir, "cases.jsonl"), []byte(cases.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	yml := "name: arith\nprompt: \"{{.q}}\"\nscorers: [numeric]\ncases: cases.jsonl\n"
	if err := os.WriteFile(filepath.Join(dir, "suite.yaml"), []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := suites.Load(filepath.Join(dir, "suite.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// casesOf reads every case of s, failing the test on an error.
func casesOf(t testing.TB, s *suites.Suite) []suites.Case {
	t.Helper()
	var out []suites.Case
	for c, err := range s.All() {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, *c)
	}
	return out
}

// caseRecordsOf is every case of s as the store records it.
func caseRecordsOf(t testing.TB, s *suites.Suite) []results.Case {
	t.Helper()
	var out []results.Case
	for _, c := range casesOf(t, s) {
		out = append(out, caseRecord(s, &c))
	}
	return out
}

// rightAnswer answers "what is i+i?" correctly.
func rightAnswer(prompt string) string {
	var a, b int
	fmt.Sscanf(prompt, "what is %d+%d?", &a, &b)
	return fmt.Sprintf("Let me think. Answer: %d", a+b)
}

func TestRunEveryCallOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := testSuite(t, 25)
		good := &fakeProvider{answer: rightAnswer, delay: 100 * time.Millisecond}
		flaky := &fakeProvider{answer: rightAnswer, delay: 50 * time.Millisecond, fail: func(p string, n int) error {
			switch {
			case strings.HasPrefix(p, "what is 3+") && n == 1:
				return &providers.Error{Class: providers.RateLimited, Status: 429, RetryAfter: 2 * time.Second}
			case strings.HasPrefix(p, "what is 4+"):
				return &providers.Error{Class: providers.Server, Status: 503}
			case strings.HasPrefix(p, "what is 5+"):
				return &providers.Error{Class: providers.ContentFiltered, Code: "content_filter"}
			}
			return nil
		}}
		plan := &Plan{RunID: "r1", Suites: []*suites.Suite{s}, Repeats: 2, Targets: []Target{
			{Name: "base", Model: "m", Provider: good, Concurrency: 3},
			{Name: "flaky", Model: "m", Provider: flaky, Concurrency: 5, MaxAttempts: 3},
		}}
		sink := &memSink{}
		var events int
		r := &Runner{Sink: sink, Progress: func(Event) { events++ }, BackoffBase: time.Second}
		out, err := r.Run(context.Background(), plan)
		if err != nil {
			t.Fatal(err)
		}
		if out.Planned != 100 || out.Stored != 100 || len(sink.got) != 100 || events != 100 {
			t.Fatalf("outcome %+v, stored %d, events %d; want 100 of each", out, len(sink.got), events)
		}
		got := sink.byKey()
		if len(got) != 100 {
			t.Fatalf("%d distinct results, want 100 (a call was stored twice)", len(got))
		}
		if good.maxSeen > 3 || flaky.maxSeen > 5 {
			t.Errorf("concurrency exceeded: base %d (limit 3), flaky %d (limit 5)", good.maxSeen, flaky.maxSeen)
		}
		// Both repeats of c3 send the same prompt; whichever was sent first
		// got the 429.
		r3 := got[results.Key{Suite: "arith", CaseID: "c3", Target: "flaky", Repeat: 0}]
		if r3.Attempts == 1 {
			r3 = got[results.Key{Suite: "arith", CaseID: "c3", Target: "flaky", Repeat: 1}]
		}
		if !r3.OK() || r3.Attempts != 2 || r3.RetryTime < 2*time.Second || r3.Scores[0].Value != 1 {
			t.Errorf("429 then success: %+v", r3)
		}
		r4 := got[results.Key{Suite: "arith", CaseID: "c4", Target: "flaky", Repeat: 1}]
		if r4.ErrorClass != "server" || r4.Attempts != 3 || len(r4.Scores) != 0 {
			t.Errorf("server error after bounded retries: %+v", r4)
		}
		r5 := got[results.Key{Suite: "arith", CaseID: "c5", Target: "flaky", Repeat: 0}]
		if r5.ErrorClass != "content_filtered" || r5.Attempts != 1 || len(r5.Scores) != 0 {
			t.Errorf("refusal must not be retried or scored: %+v", r5)
		}
		b := got[results.Key{Suite: "arith", CaseID: "c7", Target: "base", Repeat: 1}]
		if !b.OK() || b.Latency != 100*time.Millisecond || b.ModelReported != "m-2024" || b.InputTokens != 10 || b.Scores[0].Value != 1 {
			t.Errorf("plain result: %+v", b)
		}
	})
}

func TestRunAuthStopsTarget(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := testSuite(t, 20)
		bad := &fakeProvider{fail: func(string, int) error {
			return &providers.Error{Class: providers.Auth, Status: 401, Message: "invalid key"}
		}}
		good := &fakeProvider{answer: rightAnswer}
		plan := &Plan{RunID: "r", Suites: []*suites.Suite{s}, Targets: []Target{
			{Name: "bad", Provider: bad, Concurrency: 1, KeyEnv: "OPENAI_API_KEY"},
			{Name: "good", Provider: good, Concurrency: 2},
		}}
		sink := &memSink{}
		out, err := (&Runner{Sink: sink}).Run(context.Background(), plan)
		if err != nil {
			t.Fatal(err)
		}
		if out.Stopped["bad"] == nil || out.Stopped["bad"].Class != providers.Auth {
			t.Fatalf("bad target not stopped: %+v", out.Stopped)
		}
		var badN int
		for _, r := range sink.got {
			if r.Target == "bad" {
				badN++
				if !strings.Contains(r.ErrorMessage, "OPENAI_API_KEY") {
					t.Errorf("auth message %q does not name the variable", r.ErrorMessage)
				}
			}
		}
		if badN > 2 {
			t.Errorf("stopped target made %d calls; it should stop after the first auth error", badN)
		}
		if out.NotMade != 20-badN {
			t.Errorf("NotMade = %d, want %d", out.NotMade, 20-badN)
		}
		if out.Stored != 20+badN {
			t.Errorf("stored %d, want %d", out.Stored, 20+badN)
		}
	})
}

func TestRunInterruptAndResume(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := testSuite(t, 40)
		p := &fakeProvider{answer: rightAnswer, delay: time.Second}
		targets := []Target{{Name: "a", Provider: p, Concurrency: 4}, {Name: "b", Provider: p, Concurrency: 4}}
		sink := &memSink{}
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(2500*time.Millisecond, cancel) // mid-way through the third wave
		out, err := (&Runner{Sink: sink}).Run(ctx, &Plan{RunID: "r", Suites: []*suites.Suite{s}, Targets: targets})
		if err != nil {
			t.Fatal(err)
		}
		// Calls in flight at the cancel finish and are stored: 3 waves of 4 per target.
		if !out.Interrupted || out.Stored != 24 || out.NotMade != 80-24 {
			t.Fatalf("interrupted run: %+v", out)
		}
		skip := map[results.Key]bool{}
		for k := range sink.byKey() {
			skip[k] = true
		}
		plan := &Plan{RunID: "r", Suites: []*suites.Suite{s}, Targets: targets}
		plan.SkipDone(skip)
		out2, err := (&Runner{Sink: sink}).Run(context.Background(), plan)
		if err != nil {
			t.Fatal(err)
		}
		if out2.Planned != 56 || out2.Stored != 56 {
			t.Fatalf("resume: %+v", out2)
		}
		if n := len(sink.byKey()); n != 80 || len(sink.got) != 80 {
			t.Fatalf("after resume: %d distinct of %d stored, want 80 of 80", n, len(sink.got))
		}
	})
}

func TestRunAbortDropsInflight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := testSuite(t, 10)
		p := &fakeProvider{answer: rightAnswer, delay: 10 * time.Second}
		sink := &memSink{}
		ctx, cancel := context.WithCancel(context.Background())
		abort, stop := context.WithCancel(context.Background())
		time.AfterFunc(time.Second, func() { cancel(); stop() })
		out, err := (&Runner{Sink: sink, Abort: abort}).Run(ctx, &Plan{RunID: "r", Suites: []*suites.Suite{s}, Targets: []Target{{Name: "a", Provider: p, Concurrency: 2}}})
		if err != nil {
			t.Fatal(err)
		}
		if out.Stored != 0 || out.NotMade != 10 {
			t.Fatalf("abort: %+v; cut calls must not be stored", out)
		}
	})
}

func TestRunRPM(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := testSuite(t, 30)
		var mu sync.Mutex
		var starts []time.Duration
		begin := time.Now()
		p := &fakeProvider{answer: func(q string) string {
			mu.Lock()
			starts = append(starts, time.Since(begin))
			mu.Unlock()
			return rightAnswer(q)
		}}
		sink := &memSink{}
		_, err := (&Runner{Sink: sink}).Run(context.Background(), &Plan{RunID: "r", Suites: []*suites.Suite{s}, Targets: []Target{{Name: "a", Provider: p, Concurrency: 16, RPM: 600}}})
		if err != nil {
			t.Fatal(err)
		}
		sort.Slice(starts, func(i, j int) bool { return starts[i] < starts[j] })
		// 600 rpm = 10/s: in no 1-second window more than 10 (+1 for the burst).
		for i := range starts {
			n := 0
			for j := i; j < len(starts) && starts[j]-starts[i] < time.Second; j++ {
				n++
			}
			if n > 11 {
				t.Fatalf("%d calls within 1s from %v; limit is 10/s", n, starts[i])
			}
		}
		if got := starts[len(starts)-1]; got < 2800*time.Millisecond {
			t.Errorf("30 calls at 10/s took %v, want ≈2.9s", got)
		}
		var waited time.Duration
		for _, r := range sink.got {
			waited += r.Wait
			if r.Latency != 0 {
				t.Errorf("limiter wait leaked into latency: %v", r.Latency)
			}
		}
		if waited == 0 {
			t.Error("no limiter wait recorded")
		}
	})
}

func TestMergeParams(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	i := func(v int) *int { return &v }
	got := MergeParams(providers.Params{Temperature: f(0), MaxTokens: i(512)}, providers.Params{MaxTokens: i(64), Stop: []string{"\n"}})
	want := providers.Params{Temperature: f(0), MaxTokens: i(64), Stop: []string{"\n"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestRunTargetLimitedToSuites(t *testing.T) {
	a, b := testSuite(t, 4), testSuite(t, 3)
	b.Name = "other"
	p := &fakeProvider{answer: rightAnswer}
	plan := &Plan{RunID: "r", Suites: []*suites.Suite{a, b}, Targets: []Target{
		{Name: "all", Provider: p, Concurrency: 2},
		{Name: "only-other", Provider: p, Concurrency: 2, Only: map[string]bool{"other": true}},
	}}
	if n := plan.Calls(); n != 4+3+3 {
		t.Fatalf("plan has %d calls, want 10", n)
	}
	sink := &memSink{}
	if _, err := (&Runner{Sink: sink}).Run(context.Background(), plan); err != nil {
		t.Fatal(err)
	}
	for _, r := range sink.got {
		if r.Target == "only-other" && r.Suite != "other" {
			t.Errorf("limited target ran suite %s", r.Suite)
		}
	}
	if len(sink.got) != 10 {
		t.Errorf("%d results, want 10", len(sink.got))
	}
}
