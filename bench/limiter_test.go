package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/suites"
)

// maxInWindow is the most instants of the sorted list in any half-open
// window [t, t+w).
func maxInWindow(ts []time.Time, w time.Duration) int {
	best, j := 0, 0
	for i := range ts {
		for j < len(ts) && ts[j].Sub(ts[i]) < w {
			j++
		}
		best = max(best, j-i)
	}
	return best
}

// sumInWindow is the largest sum of weights of instants in any window
// [t, t+w); ts is sorted and ws parallel to it.
func sumInWindow(ts []time.Time, ws []int, w time.Duration) int {
	best, sum, j := 0, 0, 0
	for i := range ts {
		for j < len(ts) && ts[j].Sub(ts[i]) < w {
			sum += ws[j]
			j++
		}
		best = max(best, sum)
		sum -= ws[i]
	}
	return best
}

// releases drives lim with workers goroutines until n calls were released,
// each holding its permit for hold, and returns the release instants.
func releases(t *testing.T, lim *TargetLimiter, workers, n int, hold time.Duration) []time.Time {
	t.Helper()
	var (
		mu  sync.Mutex
		got []time.Time
		wg  sync.WaitGroup
	)
	req := &providers.Request{Messages: []providers.Message{{Role: "user", Text: "hello"}}}
	for range workers {
		wg.Go(func() {
			for {
				p, err := lim.Admit(context.Background(), req)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				done := len(got) >= n
				if !done {
					got = append(got, time.Now())
				}
				mu.Unlock()
				time.Sleep(hold)
				p.Done(&providers.Response{}, nil)
				if done {
					return
				}
			}
		})
	}
	wg.Wait()
	slices.SortFunc(got, time.Time.Compare)
	return got
}

func TestTargetLimiterRPMExact(t *testing.T) {
	tests := []struct {
		name       string
		rpm        float64
		workers, n int
		perSecond  int // the most calls any 1-second window may hold
	}{
		{name: "600 rpm", rpm: 600, workers: 64, n: 1500, perSecond: 10},
		{name: "90 rpm", rpm: 90, workers: 8, n: 200, perSecond: 2},
		{name: "30 rpm", rpm: 30, workers: 4, n: 70, perSecond: 1},
		{name: "6000 rpm", rpm: 6000, workers: 256, n: 12000, perSecond: 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				lim := NewTargetLimiter(Limits{RPM: tt.rpm, Concurrency: tt.workers})
				ts := releases(t, lim, tt.workers, tt.n, 30*time.Millisecond)
				if got := maxInWindow(ts, time.Second); got > tt.perSecond {
					t.Errorf("%d calls in one 1-second window, limit %d", got, tt.perSecond)
				}
				if got, limit := maxInWindow(ts, time.Minute), int(tt.rpm); got > limit {
					t.Errorf("%d calls in one minute, limit %d", got, limit)
				}
				span := ts[len(ts)-1].Sub(ts[0])
				achieved := float64(len(ts)-1) / span.Minutes()
				if achieved < 0.98*tt.rpm || achieved > tt.rpm {
					t.Errorf("achieved %.1f rpm, want within [98%%, 100%%] of %v", achieved, tt.rpm)
				}
			})
		})
	}
}

func TestTargetLimiterTPM(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const tpm = 6000 // 100 tokens/s
		lim := NewTargetLimiter(Limits{TPM: tpm, Concurrency: 4})
		req := &providers.Request{Messages: []providers.Message{{Role: "user", Text: "one two three four five six seven eight"}}}
		est := EstimateTokens(req)
		var (
			mu   sync.Mutex
			ts   []time.Time
			used []int
			wg   sync.WaitGroup
		)
		// The provider counts twice the estimated prompt and answers in 20
		// tokens: the limiter must learn both from the reported usage.
		usage := providers.Usage{InputTokens: 2 * est, OutputTokens: 20}
		for range 4 {
			wg.Go(func() {
				for {
					p, err := lim.Admit(context.Background(), req)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					stop := len(ts) >= 400
					if !stop {
						ts = append(ts, time.Now())
						used = append(used, usage.InputTokens+usage.OutputTokens)
					}
					mu.Unlock()
					time.Sleep(200 * time.Millisecond)
					p.Done(&providers.Response{Usage: usage}, nil)
					if stop {
						return
					}
				}
			})
		}
		wg.Wait()
		per := usage.InputTokens + usage.OutputTokens
		// Calls in flight were charged before their usage was known: allow
		// the four in flight besides the window's own budget.
		if got := sumInWindow(ts, used, time.Minute); got > tpm+4*per {
			t.Errorf("%d tokens in one minute, limit %d (+%d for calls in flight)", got, tpm, 4*per)
		}
		if got := sumInWindow(ts, used, time.Second); got > tpm/60+4*per {
			t.Errorf("%d tokens in one second, limit %d (+%d for calls in flight)", got, tpm/60, 4*per)
		}
		span := ts[len(ts)-1].Sub(ts[0])
		rate := float64(per*(len(ts)-1)) / span.Minutes()
		if rate < 0.95*tpm {
			t.Errorf("achieved %.0f tokens/min, want ≥ 95%% of %d", rate, tpm)
		}
	})
}

// TestTargetLimiterCorrectsCharge checks that the reported usage, not the
// estimate, decides when the next call may go.
func TestTargetLimiterCorrectsCharge(t *testing.T) {
	tests := []struct {
		name      string
		usage     providers.Usage
		err       *providers.Error
		wantDrain int // tokens the first call is finally charged
	}{
		{name: "more than estimated", usage: providers.Usage{InputTokens: 400, OutputTokens: 800}, wantDrain: 1200},
		{name: "less than estimated", usage: providers.Usage{InputTokens: 10, OutputTokens: 5}, wantDrain: 15},
		{name: "refused with 400", err: &providers.Error{Class: providers.BadRequest, Status: 400}, wantDrain: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				const tpm = 6000 // 100 tokens/s
				lim := NewTargetLimiter(Limits{TPM: tpm, Concurrency: 1})
				req := &providers.Request{Messages: []providers.Message{{Role: "user", Text: "hello there"}}}
				start := time.Now()
				p, err := lim.Admit(context.Background(), req)
				if err != nil {
					t.Fatal(err)
				}
				var resp *providers.Response
				if tt.err == nil {
					resp = &providers.Response{Usage: tt.usage}
				}
				p.Done(resp, tt.err)
				// The next call is charged nothing: a plain Wait.
				if err := lim.Wait(context.Background()); err != nil {
					t.Fatal(err)
				}
				want := time.Duration(float64(tt.wantDrain) / (tpm / 60.0) * paceGuard * float64(time.Second))
				if got := time.Since(start); got < want-time.Millisecond || got > want+time.Millisecond {
					t.Errorf("next call after %v, want %v (%d tokens at %d/min)", got, want, tt.wantDrain, tpm)
				}
			})
		})
	}
}

func TestTargetLimiterBacksOffOn429(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lim := NewTargetLimiter(Limits{RPM: 600, Concurrency: 16, Recovery: 20 * time.Second})
		req := &providers.Request{}
		limited := &providers.Error{Class: providers.RateLimited, Status: 429, RetryAfter: 3 * time.Second}
		// Ten calls in flight together; all get a 429.
		var ps []Permit
		for range 10 {
			p, err := lim.Admit(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			ps = append(ps, p)
		}
		hit := time.Now()
		for _, p := range ps {
			p.Done(nil, limited)
		}
		if got := lim.Factor(); got != 0.5 {
			t.Fatalf("factor after a round of 429s = %v, want 0.5 (halved once, not once per call)", got)
		}
		// The delay hint pauses the whole target.
		p, err := lim.Admit(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if waited := time.Since(hit); waited < 3*time.Second {
			t.Errorf("next call after %v, want ≥ the 3s hint", waited)
		}
		start := time.Now()
		p.Done(&providers.Response{}, nil)
		// At half rate the spacing doubles.
		p, _ = lim.Admit(context.Background(), req)
		if got, want := time.Since(start), 200*time.Millisecond; got < want {
			t.Errorf("spacing at half rate %v, want ≥ %v", got, want)
		}
		p.Done(&providers.Response{}, nil)
		// Two 429s in ten calls is chance: no halving, no pause.
		for i := range 8 {
			p, _ = lim.Admit(context.Background(), req)
			if i >= 6 {
				p.Done(nil, limited)
			} else {
				p.Done(&providers.Response{}, nil)
			}
		}
		// (It recovers meanwhile, by 1/20 a second.)
		f1 := lim.Factor()
		if want := 0.5 + time.Since(hit.Add(3*time.Second)).Seconds()/20; f1 < want-0.001 || f1 > want+0.001 {
			t.Errorf("factor after 2 429s in 10 calls = %v, want %v: not halved, recovering", f1, want)
		}
		// Three in eleven is a quarter or more: the rate halves again.
		p, _ = lim.Admit(context.Background(), req)
		f2 := lim.Factor()
		p.Done(nil, limited)
		if got := lim.Factor(); got < f2/2-0.001 || got > f2/2+0.001 {
			t.Errorf("factor after a second round = %v, want %v", got, f2/2)
		}
		// Recovery is linear once the pause is over: +0.375 in 7.5s.
		time.Sleep(3 * time.Second)
		f3 := lim.Factor()
		time.Sleep(7500 * time.Millisecond)
		if got := lim.Factor(); got < f3+0.374 || got > f3+0.376 {
			t.Errorf("factor 7.5s into recovery = %v, want %v", got, f3+0.375)
		}
		time.Sleep(15 * time.Second)
		if got := lim.Factor(); got != 1 {
			t.Errorf("factor after recovery = %v, want 1", got)
		}
	})
}

func TestTargetLimiterShrinksConcurrency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lim := NewTargetLimiter(Limits{Concurrency: 20, Recovery: time.Hour})
		var ps []Permit
		for range 20 {
			p, err := lim.Admit(context.Background(), &providers.Request{})
			if err != nil {
				t.Fatal(err)
			}
			ps = append(ps, p)
		}
		for _, p := range ps[:10] {
			p.Done(nil, &providers.Error{Class: providers.RateLimited, Status: 429})
		}
		// Capacity is now 10 with 10 in flight: a new call waits until only
		// 9 are left.
		admitted := make(chan Permit)
		go func() {
			p, err := lim.Admit(context.Background(), &providers.Request{})
			if err != nil {
				t.Error(err)
			}
			admitted <- p
		}()
		synctest.Wait()
		select {
		case <-admitted:
			t.Fatal("admitted with 10 in flight; capacity is 10")
		default:
		}
		ps[10].Done(&providers.Response{}, nil)
		synctest.Wait()
		select {
		case p := <-admitted:
			p.Done(&providers.Response{}, nil)
		default:
			t.Fatal("not admitted with 9 in flight")
		}
		for _, p := range ps[11:] {
			p.Done(&providers.Response{}, nil)
		}
	})
}

func TestTargetLimiterCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lim := NewTargetLimiter(Limits{RPM: 60, Concurrency: 1})
		p, err := lim.Admit(context.Background(), &providers.Request{})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		// Waiting for the only slot: canceled.
		if _, err := lim.Admit(ctx, &providers.Request{}); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Admit with a busy slot: %v, want the deadline", err)
		}
		p.Done(&providers.Response{}, nil)
		// Waiting for the next 1-second slot: canceled, and the slot it
		// held is given back.
		ctx2, cancel2 := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel2()
		if _, err := lim.Admit(ctx2, &providers.Request{}); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Admit before the slot: %v, want the deadline", err)
		}
		p, err = lim.Admit(context.Background(), &providers.Request{})
		if err != nil {
			t.Fatal(err)
		}
		p.Done(&providers.Response{}, nil)
	})
}

func TestEstimateTokens(t *testing.T) {
	msg := func(text string, images int) providers.Message {
		return providers.Message{Role: "user", Text: text, Images: make([]providers.Image, images)}
	}
	tests := []struct {
		name string
		msgs []providers.Message
		want int
	}{
		{name: "empty", msgs: nil, want: 0},
		{name: "short words", msgs: []providers.Message{msg("what is 2+2?", 0)}, want: 4 + 1 + 1 + 1},
		{name: "long word", msgs: []providers.Message{msg("internationalisation", 0)}, want: 4 + 5},
		{name: "chinese", msgs: []providers.Message{msg("今天天气很好", 0)}, want: 4 + 6},
		{name: "mixed", msgs: []providers.Message{msg("答案是 42。", 0)}, want: 4 + 3 + 1 + 1},
		{name: "image and system", msgs: []providers.Message{{Role: "system", Text: "be brief"}, msg("describe", 1)}, want: 4 + 2 + 1 + 4 + 2 + 85},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EstimateTokens(&providers.Request{Messages: tt.msgs}); got != tt.want {
				t.Errorf("EstimateTokens = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestRunHonoursDelayHint checks the runner end to end: when half of a
// wave of calls gets a 429 with a 2s hint, the whole target pauses for the
// hint (the calls that succeeded wait too, in the limiter), and the
// limiter's wait is kept out of latency.
func TestRunHonoursDelayHint(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := testSuite(t, 40)
		// Of the first twenty calls, in flight together, ten get a 429.
		limitedCase := map[string]bool{}
		for i := range 10 {
			limitedCase[fmt.Sprintf("what is %d+%d?", i, i)] = true
		}
		var (
			mu     sync.Mutex
			starts []time.Time
			hitAt  time.Time
		)
		begin := time.Now()
		p := &fakeProvider{answer: rightAnswer, delay: 50 * time.Millisecond, fail: func(prompt string, n int) error {
			mu.Lock()
			defer mu.Unlock()
			starts = append(starts, time.Now().Add(-50*time.Millisecond)) // fail runs after the delay
			if limitedCase[prompt] && n == 1 {
				hitAt = time.Now()
				return &providers.Error{Class: providers.RateLimited, Status: 429, RetryAfter: 2 * time.Second}
			}
			return nil
		}}
		sink := &memSink{}
		out, err := (&Runner{Sink: sink}).Run(context.Background(), &Plan{RunID: "r", Suites: []*suites.Suite{s},
			Targets: []Target{{Name: "a", Provider: p, Concurrency: 20}}})
		if err != nil {
			t.Fatal(err)
		}
		if out.Stored != 40 || out.Failed != 0 {
			t.Fatalf("outcome %+v", out)
		}
		if hitAt.Sub(begin) != 50*time.Millisecond {
			t.Fatalf("the 429s came at %v, want in the first wave", hitAt.Sub(begin))
		}
		var inHint []time.Duration
		for _, st := range starts {
			if d := st.Sub(hitAt); d > 0 && d < 2*time.Second {
				inHint = append(inHint, d)
			}
		}
		if len(inHint) > 0 {
			t.Errorf("%d calls started inside the 2s hint after the 429s: %v", len(inHint), inHint)
		}
		var maxWait time.Duration
		retried := 0
		for _, r := range sink.got {
			if r.Latency != 50*time.Millisecond {
				t.Errorf("latency %v, want the provider's 50ms (limiter wait must not count)", r.Latency)
			}
			maxWait = max(maxWait, r.Wait)
			if r.Attempts == 2 {
				retried++
				if r.RetryTime < 2*time.Second {
					t.Errorf("retried after %v, want ≥ the 2s hint", r.RetryTime)
				}
			}
		}
		if retried != 10 {
			t.Errorf("%d calls retried, want the 10 that got a 429", retried)
		}
		// The workers whose calls succeeded waited out the pause in the
		// limiter: kept as wait, never as latency.
		if maxWait < 1900*time.Millisecond {
			t.Errorf("longest limiter wait %v, want ≈2s (the pause)", maxWait)
		}
	})
}

func TestMaxInWindow(t *testing.T) {
	base := time.Unix(0, 0)
	at := func(ms ...int) []time.Time {
		var out []time.Time
		for _, m := range ms {
			out = append(out, base.Add(time.Duration(m)*time.Millisecond))
		}
		return out
	}
	got := []int{
		maxInWindow(at(0, 100, 999, 1000, 1500), time.Second),
		maxInWindow(nil, time.Second),
		sumInWindow(at(0, 500, 1000), []int{3, 4, 5}, time.Second),
	}
	if diff := cmp.Diff([]int{3, 0, 9}, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// bucket is a provider's own rate limit: rps requests per second with a
// burst, as a token bucket.
type bucket struct {
	mu     sync.Mutex
	rps    float64
	burst  float64
	tokens float64
	at     time.Time
}

func (b *bucket) allow(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.at.IsZero() {
		b.tokens = b.burst
	} else {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.at).Seconds()*b.rps)
	}
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// drive runs workers goroutines against lim for dur, each sending calls
// that take hold and that allow accepts (else they get a 429 with the hint
// ra). It counts the calls accepted and refused by the second they were
// sent in.
func drive(t *testing.T, lim *TargetLimiter, workers int, hold, ra, dur time.Duration, allow func(time.Time) bool) (ok, limited []int) {
	t.Helper()
	start := time.Now()
	seconds := int(dur / time.Second)
	ok, limited = make([]int, seconds), make([]int, seconds)
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	limitedErr := &providers.Error{Class: providers.RateLimited, Status: 429, RetryAfter: ra}
	for range workers {
		wg.Go(func() {
			for time.Since(start) < dur {
				p, err := lim.Admit(context.Background(), &providers.Request{})
				if err != nil {
					t.Error(err)
					return
				}
				sec := int(time.Since(start) / time.Second)
				allowed := allow(time.Now())
				time.Sleep(hold)
				mu.Lock()
				switch {
				case sec >= seconds: // sent as time ran out
				case allowed:
					ok[sec]++
				default:
					limited[sec]++
				}
				mu.Unlock()
				if allowed {
					p.Done(&providers.Response{}, nil)
				} else {
					p.Done(nil, limitedErr)
				}
			}
		})
	}
	wg.Wait()
	return ok, limited
}

// perSecond is the mean of counts over [from, to) seconds.
func perSecond(counts []int, from, to int) float64 {
	n := 0
	for _, c := range counts[from:to] {
		n += c
	}
	return float64(n) / float64(to-from)
}

// TestTargetLimiterLearnsARate drives a target with no rpm at a provider
// with a rate limit: after the first 429s the limiter settles near that
// rate, and 429s become rare. The rate learnt first, in the start-up
// burst, can be hundreds of times the provider's (its floor still far
// above it), so the limiter has to learn it again from below.
func TestTargetLimiterLearnsARate(t *testing.T) {
	tests := []struct {
		name       string
		rps, burst float64
		workers    int
		hold, ra   time.Duration
	}{
		{name: "20/s, quick calls", rps: 20, burst: 5, workers: 16, hold: 5 * time.Millisecond, ra: 100 * time.Millisecond},
		{name: "20/s, no delay hint", rps: 20, burst: 5, workers: 16, hold: 5 * time.Millisecond},
		{name: "20/s, few workers", rps: 20, burst: 5, workers: 4, hold: 5 * time.Millisecond, ra: 100 * time.Millisecond},
		{name: "5/s, slow calls, 1s hints", rps: 5, burst: 5, workers: 16, hold: 200 * time.Millisecond, ra: time.Second},
		{name: "100/s, a second's burst", rps: 100, burst: 100, workers: 64, hold: 50 * time.Millisecond, ra: time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				lim := NewTargetLimiter(Limits{Concurrency: tt.workers})
				prov := &bucket{rps: tt.rps, burst: tt.burst}
				ok, limited := drive(t, lim, tt.workers, tt.hold, tt.ra, 2*time.Minute, prov.allow)
				if perSecond(limited, 0, 60) == 0 {
					t.Fatal("the provider never refused: the test does not exercise backing off")
				}
				rate := perSecond(ok, 60, 120)
				share := perSecond(limited, 60, 120) / (rate + perSecond(limited, 60, 120))
				lim.mu.Lock()
				learnt := 1 / lim.interval.Seconds()
				lim.mu.Unlock()
				t.Logf("second minute: %.1f ok/s, %.1f%% 429s; learnt %.1f/s", rate, 100*share, learnt)
				if rate < 0.8*tt.rps || rate > 1.025*tt.rps {
					t.Errorf("settled at %.1f successful calls/s, want near the provider's %v", rate, tt.rps)
				}
				// Recovering means probing past the limit now and then: some
				// 429s remain (without learning a rate, about 30%).
				if share > 0.20 {
					t.Errorf("%.1f%% of calls got 429 once settled, want under 20%%", 100*share)
				}
				// The rate learnt last is the one at which 429s came back as
				// the target climbed from below: above the provider's, and
				// within about a doubling of it.
				if learnt < tt.rps || learnt > 2.5*tt.rps {
					t.Errorf("learnt %.1f calls/s, want between %v and 2.5 times that", learnt, tt.rps)
				}
			})
		})
	}
}

// TestTargetLimiterRandomRefusals drives a target with no rpm at a
// provider that refuses 30% of calls at random whatever the rate. The
// first 429s give the target a rate, and it slows to its floor; but
// slowing further does not lower the share refused, so its rate must not
// be learnt again lower and lower: the calls it gets through per second
// in the second minute stay near those of its first ten seconds.
func TestTargetLimiterRandomRefusals(t *testing.T) {
	tests := []struct {
		name     string
		hold, ra time.Duration
	}{
		{name: "quick calls, 100ms hints", hold: 5 * time.Millisecond, ra: 100 * time.Millisecond},
		{name: "100ms calls, no delay hint", hold: 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				lim := NewTargetLimiter(Limits{Concurrency: 16})
				var mu sync.Mutex
				rnd := rand.New(rand.NewPCG(1, 2))
				allow := func(time.Time) bool {
					mu.Lock()
					defer mu.Unlock()
					return rnd.Float64() >= 0.3
				}
				ok, limited := drive(t, lim, 16, tt.hold, tt.ra, 2*time.Minute, allow)
				first, later := perSecond(ok, 0, 10), perSecond(ok, 60, 120)
				share := perSecond(limited, 60, 120) / (later + perSecond(limited, 60, 120))
				t.Logf("first ten seconds: %.1f ok/s; second minute: %.1f ok/s, %.1f%% 429s", first, later, 100*share)
				lim.mu.Lock()
				learnt := lim.learnt
				lim.mu.Unlock()
				if !learnt {
					t.Fatal("no rate learnt: the test does not exercise a learnt rate")
				}
				if later < first/2 {
					t.Errorf("%.1f successful calls/s in the second minute, %.1f in the first ten seconds: the learnt rate collapsed", later, first)
				}
			})
		})
	}
}

// TestTargetLimiterConcurrentLearning starts many calls at once, before any
// usage is known: what the first answers teach applies to the calls still
// waiting, and their over-estimates do not hold the target up.
func TestTargetLimiterConcurrentLearning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const tpm = 6000 // 100 tokens/s
		lim := NewTargetLimiter(Limits{TPM: tpm, Concurrency: 16})
		req := &providers.Request{Messages: []providers.Message{{Role: "user", Text: "Case 5: spell the number 5 in digits."}}}
		usage := providers.Usage{InputTokens: 8, OutputTokens: 1} // 9 tokens a call
		var wg sync.WaitGroup
		start := time.Now()
		for range 16 {
			wg.Go(func() {
				for range 10 {
					p, err := lim.Admit(context.Background(), req)
					if err != nil {
						t.Error(err)
						return
					}
					time.Sleep(time.Millisecond)
					p.Done(&providers.Response{Usage: usage}, nil)
				}
			})
		}
		wg.Wait()
		// 160 calls of 9 tokens at 100 tokens/s: about 14.4 s (the first
		// call, charged 256 answer tokens before any usage, is refunded).
		if got := time.Since(start); got > 16*time.Second {
			t.Errorf("160 calls of 9 tokens at %d tpm took %v, want ≈14.4s", tpm, got)
		}
	})
}
