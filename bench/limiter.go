package bench

import (
	"context"
	"math"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/llmbench/llmbench/providers"
)

// Admitter is an optional Limiter that sees every attempt: the request
// before it is sent, to charge its estimated tokens, and through the
// returned Permit how it ended, to correct the charge by the reported usage
// and to back off when the provider answers 429. The runner finds it with
// a type assertion. Admit is called from many goroutines at once.
type Admitter interface {
	Limiter
	// Admit blocks until req may be sent or ctx is done (then it returns
	// ctx's error and no Permit).
	Admit(ctx context.Context, req *providers.Request) (Permit, error)
}

// Permit is one admitted attempt. Done must be called exactly once, when
// the attempt has ended, with its response or its classified error (a
// canceled attempt included).
type Permit interface {
	Done(resp *providers.Response, err *providers.Error)
}

// Limits are one target's limits, shared by every suite of a run.
type Limits struct {
	// RPM caps requests per minute (0: none).
	RPM float64
	// TPM caps tokens per minute, prompt and answer together, as providers
	// count them (0: none).
	TPM float64
	// Concurrency caps attempts in flight (0: no cap here). The runner's
	// workers already bound it; the limiter lowers it while backing off.
	Concurrency int
	// MinFactor is the least share of its limits a target is slowed to by
	// 429s (default 1/4), so a provider that refuses calls at random
	// (overload) slows a run at most that much. (A rate learnt by a
	// target without an rpm can be learnt again lower: see
	// TargetLimiter.)
	MinFactor float64
	// Recovery is how long a target slowed to nothing would take to get
	// back to its full limits (default 60s): recovery is linear in time,
	// so a halved rate is whole again after Recovery/2 without a 429.
	Recovery time.Duration
	// MaxPause caps how long a provider's delay hint pauses the target
	// (default 60s).
	MaxPause time.Duration
}

// Limiter defaults.
const (
	DefaultMinFactor = 1.0 / 4
	DefaultRecovery  = 60 * time.Second
	DefaultMaxPause  = 60 * time.Second
)

// What the rate learnt at a first 429 is measured over: the last
// observedCalls releases, within observedSpan.
const (
	observedCalls = 64
	observedSpan  = 10 * time.Second
)

// The rate halves when a quarter (1/shrinkShare) or more of the last
// shareWindow attempts sent since the last halving got a 429, at least
// minRound of them having ended: the rate, not chance, is then to blame. A
// provider that answers a few per cent of calls with a 429 whatever the
// rate is not slowed down for it: each such call still waits its hint.
const (
	shareWindow = 20
	minRound    = 10
	shrinkShare = 4
)

// learntCeiling is how far above a learnt rate a target may recover: the
// rate was measured when a 429 came, which may have been bad luck.
const learntCeiling = 4

// A learnt rate is re-learnt from below when, at its floor, the provider
// accepts fewer than 1/relearnShare of the calls per second the floor lets
// through (see TargetLimiter). The climb doubles the rate after
// relearnClean calls in a row without a 429 (a provider refusing 30% of
// calls at random lets that many through in a row about once in 1.5
// million tries; below a rate limit, every call goes through), and no
// sooner than relearnStep after the last doubling: a provider with a burst
// allowance takes time to run dry, and 2 s drains a second's worth (a
// per-second limit's) at 1.5 times its rate, so the climb does not pass a
// limit unseen.
//
// A step can also go on without either: just above a rate limit, the
// provider refuses too few calls for a round of 429s and too many for a
// clean run. After relearnStall calls the step decides as a round would.
const (
	relearnShare = 2
	relearnClean = 2 * shareWindow
	relearnStep  = 2 * time.Second
	relearnStall = 4 * relearnClean
)

// paceGuard widens the spacing between calls by 0.5%: over a second of
// calls that leaves 5 ms for the network and the scheduler to bunch
// arrivals at the provider before one more call could land in its
// 1-second window.
const paceGuard = 1.005

// TargetLimiter paces one target exactly and adapts to its 429s.
//
// Requests: calls are spaced evenly, at least 60s/RPM (×1.005, see
// paceGuard) apart, measured between the instants the limiter releases
// them, never between planned slots. So any window of length T holds at
// most ⌈T·RPM/60s⌉ calls: 10 in any second and 600 in any minute at 600
// rpm. Releases are serialised (one goroutine at a time waits for the next
// slot, the others queue behind it in arrival order), so what a 429 or a
// usage correction changes applies to the very next call.
//
// Tokens: each call is charged an estimate before it is sent (its prompt
// by EstimateTokens, scaled by the ratio of reported to estimated prompt
// tokens so far, plus the mean reported answer length) and the next call
// waits until the charge has drained at TPM/60s tokens per second. When
// the answer reports its usage the charge is corrected by the difference.
// Any window of length T then holds at most T·TPM/60s tokens plus one call's.
//
// Backing off: when a quarter or more of the last attempts sent since the
// last halving (shareWindow of them, at least minRound) got a 429, the
// target's rate, token rate and concurrency are halved, down to MinFactor
// of the limits, and every call to the target pauses for the provider's
// delay hint. A 429 to a call sent before the last halving says nothing of
// the rate now and is not counted. The limits then recover linearly in
// time (see Limits.Recovery).
//
// Learning a rate: a target without an rpm has no rate to halve. Its first
// round of 429s gives it one, the rate at which its last calls were
// released (at most the last observedCalls, over no more than
// observedSpan), which then halves and recovers like a configured rpm, up
// to learntCeiling times it: the provider's limit was near it. That first
// round usually comes in the start-up burst, when calls leave far faster
// than any provider's sustained rate, so the rate learnt can be a hundred
// times the provider's, its floor (MinFactor of it) still above it, and
// its recovery (linear in it) as much too fast. A target held at such a
// floor by the provider's pauses sees only a quarter or so of its calls
// refused, as a provider refusing at random would: the share of 429s alone
// cannot tell the two apart; what can is slowing down. So when, at the
// floor, the provider accepted fewer than half the calls per second the
// floor lets through (counted since the target reached it, pauses
// included: what the provider sustains), the target re-learns its rate
// from below. It drops to half that accepted rate, where a rate limit
// refuses nothing, and doubles the rate after every relearnClean calls in
// a row without a 429 (see relearnStep). The rate at which 429s come back
// (a round of them, or a step that neither passes cleanly nor draws a
// round, see relearnStall) is the new learnt rate, halved at once like the
// first: the provider's limit lies between it and the last rate passed
// cleanly. Should that happen at the first step, half the accepted rate,
// slowing did not help: the refusals are not the rate's fault, and the
// target goes back to the floor of the rate it had and does not try again
// for Recovery, so a provider refusing calls at random never drags a
// learnt rate down. Climbing back to the floor cleanly ends the attempt
// the same way. While it climbs, the target's concurrency stays at the
// floor's. A configured rpm is never re-learnt: its floor is the MinFactor
// guarantee.
//
// A TargetLimiter is safe for concurrent use. The time a call spends in
// Admit or Wait is the caller's wait, never its latency.
type TargetLimiter struct {
	lim     Limits
	tokRate float64 // tokens per second at full rate (0: no tpm)

	// turn is held by the one goroutine waiting for the next release;
	// wake tells it that the release may come sooner than it thought.
	turn chan struct{}
	wake chan struct{}

	mu sync.Mutex
	// interval is the spacing at full rate: from the rpm, or learnt from
	// the first 429 of a target without one (0: no rate limit yet).
	interval time.Duration
	learnt   bool                     // interval was learnt, not given
	recent   [observedCalls]time.Time // the last releases, a ring
	nRecent  int                      // releases so far
	factor   float64                  // share of the limits in force at factorAt
	factorAt time.Time                // recovery runs from here
	shrunkAt time.Time                // the last halving (or climbing step)
	// outcomes holds whether each of the last shareWindow attempts sent
	// since the last halving got a 429 (canceled ones aside), a ring;
	// nOutcomes counts them, n429 the 429s among those held.
	outcomes  [shareWindow]bool
	nOutcomes int
	n429      int
	// accepted counts the attempts sent since shrunkAt that ended without
	// a 429; lastAccepted is the latest of their releases.
	accepted     int
	lastAccepted time.Time
	// relearn is the rate (calls per second) a learnt target climbs while
	// it re-learns its rate from below (0: not re-learning), in steps
	// (doublings so far) since the present one began at stepAt; top is the
	// rate in force at the floor when it started. Of the calls sent at the
	// present step, stepCalls have ended, the last clean in a row without
	// a 429. No new attempt starts before relearnAfter.
	relearn      float64
	steps        int
	stepAt       time.Time
	top          float64
	stepCalls    int
	clean        int
	relearnAfter time.Time
	pausedUntil  time.Time
	last         time.Time // the last release
	tokFree      time.Time // when the token charges so far have drained
	inflight     int
	changed      chan struct{} // closed (and replaced) when inflight drops
	inRatio      float64       // reported / estimated prompt tokens (EWMA)
	outMean      float64       // reported answer tokens (EWMA; 0 before any)
	seenUsage    bool
}

var (
	_ Admitter = (*TargetLimiter)(nil)
	_ Permit   = (*permit)(nil)
)

// NewTargetLimiter returns a limiter for l.
func NewTargetLimiter(l Limits) *TargetLimiter {
	if l.MinFactor <= 0 || l.MinFactor > 1 {
		l.MinFactor = DefaultMinFactor
	}
	if l.Recovery <= 0 {
		l.Recovery = DefaultRecovery
	}
	if l.MaxPause <= 0 {
		l.MaxPause = DefaultMaxPause
	}
	t := &TargetLimiter{
		lim:     l,
		turn:    make(chan struct{}, 1),
		wake:    make(chan struct{}, 1),
		factor:  1,
		changed: make(chan struct{}),
		inRatio: 1,
	}
	if l.RPM > 0 {
		t.interval = time.Duration(float64(time.Minute) / l.RPM * paceGuard)
	}
	if l.TPM > 0 {
		t.tokRate = l.TPM / 60 / paceGuard
	}
	return t
}

// Wait blocks until a call without a token estimate may start (the
// Limiter method); it takes no concurrency slot and reports no outcome.
func (t *TargetLimiter) Wait(ctx context.Context) error {
	_, err := t.pace(ctx, nil)
	return err
}

// Admit blocks until req may be sent: a concurrency slot is free, the
// target is not paused, and the request and token rates allow it.
func (t *TargetLimiter) Admit(ctx context.Context, req *providers.Request) (Permit, error) {
	if err := t.acquire(ctx); err != nil {
		return nil, err
	}
	var c charge
	if t.tokRate > 0 && req != nil {
		c.est = float64(EstimateTokens(req))
		if req.Params.MaxTokens != nil && *req.Params.MaxTokens > 0 {
			c.maxOut = float64(*req.Params.MaxTokens)
		}
	}
	at, err := t.pace(ctx, &c)
	if err != nil {
		t.release()
		return nil, err
	}
	return &permit{t: t, at: at, est: c.est, cost: c.cost}, nil
}

// charge is a call's token charge: est, its prompt's raw estimate, and
// maxOut, its answer limit (0: none), are known before the call waits;
// cost is set when it is released, from what usage has taught by then.
type charge struct {
	est, maxOut, cost float64
}

// Factor is the share of its limits the target runs at now: 1, or less
// while it recovers from 429s.
func (t *TargetLimiter) Factor() float64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.factorLocked(time.Now())
}

func (t *TargetLimiter) factorLocked(now time.Time) float64 {
	ceiling := 1.0
	if t.learnt {
		ceiling = learntCeiling
	}
	if t.factor >= ceiling || now.Before(t.factorAt) || t.relearn > 0 {
		return t.factor // (held at the floor while re-learning)
	}
	f := t.factor + float64(now.Sub(t.factorAt))/float64(t.lim.Recovery)
	return min(f, ceiling)
}

// acquire takes a concurrency slot, waiting while the slots in force (the
// limit times the factor, at least one) are taken.
func (t *TargetLimiter) acquire(ctx context.Context) error {
	for {
		t.mu.Lock()
		capacity := math.MaxInt
		if t.lim.Concurrency > 0 {
			capacity = max(1, int(float64(t.lim.Concurrency)*min(1, t.factorLocked(time.Now()))))
		}
		if t.inflight < capacity {
			t.inflight++
			t.mu.Unlock()
			return nil
		}
		ch := t.changed
		t.mu.Unlock()
		// A recovering factor raises the capacity without a release:
		// look again now and then.
		timer := time.NewTimer(t.lim.Recovery / 100)
		select {
		case <-ch:
			timer.Stop()
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		}
	}
}

func (t *TargetLimiter) release() {
	t.mu.Lock()
	t.inflight--
	close(t.changed)
	t.changed = make(chan struct{})
	t.mu.Unlock()
}

// pace waits for the next release and returns its instant; c (nil for a
// plain Wait) gets its cost then.
func (t *TargetLimiter) pace(ctx context.Context, c *charge) (time.Time, error) {
	t.mu.Lock()
	if t.interval == 0 && t.tokRate == 0 {
		// Only a pause can hold the call: no turn needed unless paused.
		now := time.Now()
		if !now.Before(t.pausedUntil) {
			t.noteLocked(now)
			t.mu.Unlock()
			return now, nil
		}
	}
	t.mu.Unlock()
	select {
	case t.turn <- struct{}{}:
	case <-ctx.Done():
		return time.Time{}, ctx.Err()
	}
	defer func() { <-t.turn }()
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		t.mu.Lock()
		now := time.Now()
		due := t.dueLocked(now)
		if !due.After(now) {
			t.last = now
			t.noteLocked(now)
			if t.tokRate > 0 && c != nil && c.est > 0 {
				c.cost = t.costLocked(c)
				t.tokFree = now.Add(t.tokDuration(c.cost, t.factorLocked(now)))
			}
			t.mu.Unlock()
			return now, nil
		}
		t.mu.Unlock()
		// Sleep until due, then look again: a 429 meanwhile may have moved
		// it later, a usage correction earlier (then wake says so).
		if timer == nil {
			timer = time.NewTimer(due.Sub(now))
		} else {
			timer.Reset(due.Sub(now))
		}
		select {
		case <-timer.C:
		case <-t.wake:
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		}
	}
}

// shrinkLocked halves the factor f and starts a new window of outcomes.
func (t *TargetLimiter) shrinkLocked(now time.Time, f float64) {
	t.factor = max(t.lim.MinFactor, f/2)
	t.factorAt = now
	t.newWindowLocked(now)
}

// newWindowLocked forgets the outcomes of the calls sent so far: only
// those sent from now on say what the rate now does.
func (t *TargetLimiter) newWindowLocked(now time.Time) {
	t.shrunkAt = now
	t.nOutcomes, t.n429 = 0, 0
	t.accepted, t.lastAccepted = 0, time.Time{}
}

// acceptedRateLocked is the rate at which calls sent since shrunkAt were
// accepted: their count over the time from then to the latest one's
// release, which takes in any pause the provider asked for, as its own
// accounting does (0: fewer than two, too few to tell).
func (t *TargetLimiter) acceptedRateLocked() float64 {
	span := t.lastAccepted.Sub(t.shrunkAt)
	if t.accepted < 2 || span <= 0 {
		return 0
	}
	return float64(t.accepted) / span.Seconds()
}

// relearnLocked starts re-learning a learnt rate from below (see
// TargetLimiter): from half the accepted rate, up to the rate in force.
func (t *TargetLimiter) relearnLocked(now time.Time, accepted, inForce float64) {
	t.relearn, t.steps, t.stepAt, t.top = accepted/2, 0, now, inForce
	t.stepCalls, t.clean = 0, 0
	t.factor, t.factorAt = t.lim.MinFactor, now
	t.newWindowLocked(now)
}

// stopRelearnLocked ends an attempt to re-learn that taught nothing: the
// target is back at the floor of the rate it had, and tries again no
// sooner than Recovery from now.
func (t *TargetLimiter) stopRelearnLocked(now time.Time) {
	t.relearn = 0
	t.relearnAfter = now.Add(t.lim.Recovery)
	t.shrinkLocked(now, t.lim.MinFactor)
}

// stepLocked records how a call sent at the present step of a climb
// ended, and reports whether that ended the step: after relearnClean in a
// row without a 429, relearnStep into the step, the rate doubles (and a
// climb back to the rate it started under ends); after relearnStall calls
// that are not such a clean run and drew no round of 429s, the step
// decides as a round would.
func (t *TargetLimiter) stepLocked(now time.Time, limited bool) bool {
	t.stepCalls++
	t.clean++
	if limited {
		t.clean = 0
	}
	switch {
	case t.clean >= relearnClean && now.Sub(t.stepAt) < relearnStep:
		return false // clean so far: the step goes on
	case t.clean >= relearnClean:
		t.relearn *= 2
		t.steps, t.stepAt, t.stepCalls, t.clean = t.steps+1, now, 0, 0
		if t.relearn >= t.top {
			t.stopRelearnLocked(now)
		} else {
			t.newWindowLocked(now)
		}
		return true
	case t.stepCalls >= relearnStall:
		t.settleRelearnLocked(now)
		return true
	}
	return false
}

// settleRelearnLocked ends a climb at a step that drew 429s. At its first
// step, half the rate the provider had accepted, they are not the rate's
// fault: the target goes back to the floor of the rate it had. Later, the
// provider's limit lies between the last step and this one, and this
// step's rate is the new learnt rate, halved at once like the first.
func (t *TargetLimiter) settleRelearnLocked(now time.Time) {
	if t.steps == 0 {
		t.stopRelearnLocked(now)
		return
	}
	t.interval = time.Duration(float64(time.Second) / t.relearn)
	t.relearn = 0
	t.shrinkLocked(now, 1)
}

// noteLocked records a release for the rate learnt at a first 429.
func (t *TargetLimiter) noteLocked(now time.Time) {
	if t.interval > 0 {
		return // a rate is set: nothing to learn
	}
	t.recent[t.nRecent%observedCalls] = now
	t.nRecent++
}

// learnLocked sets the rate of a target without one to that of its recent
// releases, when there were enough of them to tell.
func (t *TargetLimiter) learnLocked(now time.Time) {
	if t.interval > 0 {
		return
	}
	n := min(t.nRecent, observedCalls)
	first := now
	count := 0
	for i := range n {
		r := t.recent[(t.nRecent-1-i)%observedCalls]
		if now.Sub(r) > observedSpan {
			break
		}
		first, count = r, count+1
	}
	if count < 2 || !now.After(first) {
		return
	}
	t.interval = now.Sub(first) / time.Duration(count-1)
	t.learnt = true
	t.last = now
}

// dueLocked is the earliest instant the next call may be released.
func (t *TargetLimiter) dueLocked(now time.Time) time.Time {
	due := t.pausedUntil
	f := t.factorLocked(now)
	if t.interval > 0 && !t.last.IsZero() {
		spacing := time.Duration(float64(t.interval) / f)
		if t.relearn > 0 {
			spacing = time.Duration(float64(time.Second) / t.relearn)
		}
		if d := t.last.Add(spacing); d.After(due) {
			due = d
		}
	}
	if t.tokRate > 0 && t.tokFree.After(due) {
		due = t.tokFree
	}
	return due
}

// tokDuration is how long n tokens take to drain at factor f.
func (t *TargetLimiter) tokDuration(n, f float64) time.Duration {
	return time.Duration(n / (t.tokRate * f) * float64(time.Second))
}

// costLocked is what c is charged: its prompt estimate corrected by the
// usage seen so far, plus the expected answer.
func (t *TargetLimiter) costLocked(c *charge) float64 {
	out := t.outMean
	if !t.seenUsage {
		out = defaultAnswerTokens
		if c.maxOut > 0 {
			out = min(out, c.maxOut)
		}
	}
	return c.est*t.inRatio + out
}

// defaultAnswerTokens is the answer length charged before any usage is
// reported.
const defaultAnswerTokens = 256

// usageWeight is the weight of the newest call in the usage averages.
const usageWeight = 0.2

type permit struct {
	t         *TargetLimiter
	at        time.Time
	est, cost float64
	once      sync.Once
}

// Done records how the attempt ended and frees its concurrency slot.
func (p *permit) Done(resp *providers.Response, err *providers.Error) {
	p.once.Do(func() {
		p.t.done(p, resp, err)
		p.t.release()
	})
}

func (t *TargetLimiter) done(p *permit, resp *providers.Response, err *providers.Error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	f := t.factorLocked(now)
	if t.tokRate > 0 && p.cost > 0 {
		used := 0.0
		switch {
		case resp != nil && resp.Usage.InputTokens+resp.Usage.OutputTokens > 0:
			u := resp.Usage
			used = float64(u.InputTokens + u.OutputTokens)
			if u.InputTokens > 0 && p.est > 0 {
				t.inRatio = blend(t.inRatio, float64(u.InputTokens)/p.est, t.seenUsage)
			}
			t.outMean = blend(t.outMean, float64(u.OutputTokens), t.seenUsage)
			t.seenUsage = true
		case err != nil && (err.Class == providers.RateLimited || err.Class == providers.BadRequest || err.Class == providers.Auth || err.Class == providers.Quota):
			// Refused before any generation: providers charge nothing.
		default:
			used = p.cost // no usage reported: keep the estimate
		}
		t.tokFree = t.tokFree.Add(t.tokDuration(used-p.cost, f))
		if used < p.cost {
			select { // the call waiting for its turn may go sooner
			case t.wake <- struct{}{}:
			default:
			}
		}
	}
	if err != nil && err.Class == providers.Canceled {
		return
	}
	limited := err != nil && err.Class == providers.RateLimited
	if !p.at.After(t.shrunkAt) {
		return // sent before the last halving: it says nothing of the rate now
	}
	i := t.nOutcomes % shareWindow
	if t.nOutcomes >= shareWindow && t.outcomes[i] {
		t.n429--
	}
	t.outcomes[i] = limited
	t.nOutcomes++
	if limited {
		t.n429++
	} else {
		t.accepted++
		if p.at.After(t.lastAccepted) {
			t.lastAccepted = p.at
		}
	}
	if t.relearn > 0 && t.stepLocked(now, limited) {
		return
	}
	held := min(t.nOutcomes, shareWindow)
	if !limited || held < minRound || t.n429*shrinkShare < held {
		return
	}
	t.factor, t.factorAt = f, now // the recovery so far, made firm
	inForce := 0.0                // calls per second
	if t.interval > 0 {
		inForce = f / t.interval.Seconds()
	}
	switch {
	case t.lim.RPM == 0 && t.interval == 0:
		t.learnLocked(now)
		t.shrinkLocked(now, f)
	case t.relearn > 0:
		t.settleRelearnLocked(now)
	case f > 1.1*t.lim.MinFactor: // above the floor, recovering or not
		t.shrinkLocked(now, f)
	case t.learnt && !now.Before(t.relearnAfter):
		// At the floor of a learnt rate the provider takes fewer than
		// half the calls per second the floor lets through: the rate was
		// learnt too high, or the refusals are not the rate's fault.
		// Slowing below what it accepts tells which.
		if a := t.acceptedRateLocked(); a > 0 && a*relearnShare < inForce {
			t.relearnLocked(now, a, inForce)
		}
	}
	// At the floor the target only pauses, and the window goes on.
	if err.RetryAfter > 0 {
		if until := now.Add(min(err.RetryAfter, t.lim.MaxPause)); until.After(t.pausedUntil) {
			t.pausedUntil = until
		}
	}
	if t.pausedUntil.After(t.factorAt) {
		t.factorAt = t.pausedUntil // recovery starts when the pause ends
	}
}

func blend(old, v float64, seen bool) float64 {
	if !seen {
		return v
	}
	return old + usageWeight*(v-old)
}

// EstimateTokens estimates a request's prompt tokens without a model's
// tokenizer: each CJK character (Han, kana, Hangul) is one token, other
// text one token per four bytes of each word (at least one per word),
// each message adds 4 tokens of framing and each image 85 (OpenAI's
// low-detail charge). It is the limiter's first guess; the TargetLimiter
// corrects it by the usage providers report.
func EstimateTokens(req *providers.Request) int {
	n := 0
	for _, m := range req.Messages {
		n += 4 + textTokens(m.Text) + 85*len(m.Images)
	}
	return n
}

func textTokens(s string) int {
	n, word := 0, 0
	flush := func() {
		if word > 0 {
			n += (word + 3) / 4
			word = 0
		}
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r < utf8.RuneSelf && (r == ' ' || r == '\n' || r == '\t' || r == '\r'):
			flush()
		case r >= utf8.RuneSelf && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
			flush()
			n++
		case r >= utf8.RuneSelf && unicode.IsSpace(r):
			flush()
		default:
			word += size
		}
	}
	flush()
	return n
}
