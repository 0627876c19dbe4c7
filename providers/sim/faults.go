package sim

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Storm returns m with every fault the simulator can inject switched on,
// at rates that break about one attempt in four: 429s with a delay hint,
// 500/503s, connection resets, truncated bodies, invalid JSON, oversized
// bodies, a slow first byte (3 s) and stalls mid-body that last until the
// client gives up. A harness with bounded retries, a per-attempt timeout
// and stall detection still gets an answer for nearly every call (with
// four attempts, about 3 in 1,000 calls end in an error). Accuracy,
// speed, refusals and the delay hint are m's own.
func Storm(m Model) Model {
	m = NoFaults(m)
	m.RateLimitRate, m.ServerErrorRate = 0.05, 0.04
	m.ResetRate, m.TruncateRate, m.InvalidJSONRate, m.OversizeRate = 0.03, 0.03, 0.03, 0.02
	m.SlowFirstByteRate, m.SlowFirstByte = 0.04, 3*time.Second
	m.StallRate, m.Stall = 0.03, 0
	return m
}

// NoFaults returns m with every fault rate at zero: no 429s, 5xx or
// broken bodies. Refusals stay: they are a property of the prompt, not a
// fault of the server.
func NoFaults(m Model) Model {
	m.RateLimitRate, m.ServerErrorRate = 0, 0
	m.ResetRate, m.TruncateRate, m.InvalidJSONRate, m.OversizeRate = 0, 0, 0, 0
	m.SlowFirstByteRate, m.StallRate = 0, 0
	return m
}

// faultPresets are the profiles `llmbench sim --faults NAME` applies.
var faultPresets = map[string]func(Model) Model{
	"none":  NoFaults,
	"storm": Storm,
}

// FaultPresets lists the preset names WithFaults knows, sorted.
func FaultPresets() []string {
	out := make([]string, 0, len(faultPresets))
	for name := range faultPresets {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// WithFaults returns a copy of models with the named preset applied to
// each ("" leaves them as they are).
func WithFaults(models []Model, preset string) ([]Model, error) {
	out := append([]Model(nil), models...)
	if preset == "" {
		return out, nil
	}
	apply, ok := faultPresets[preset]
	if !ok {
		return nil, fmt.Errorf("unknown fault preset %q (known: %s)", preset, strings.Join(FaultPresets(), ", "))
	}
	for i := range out {
		out[i] = apply(out[i])
	}
	return out, nil
}

// FaultSummary describes m's faults in one line, for `llmbench sim`.
func (m Model) FaultSummary() string {
	var parts []string
	add := func(rate float64, what string) {
		if rate > 0 {
			parts = append(parts, fmt.Sprintf("%s %.1f%%", what, 100*rate))
		}
	}
	add(m.RateLimitRate, "429")
	add(m.ServerErrorRate, "5xx")
	add(m.ResetRate, "reset")
	add(m.TruncateRate, "truncated")
	add(m.InvalidJSONRate, "invalid JSON")
	add(m.OversizeRate, "oversized")
	if m.SlowFirstByteRate > 0 {
		parts = append(parts, fmt.Sprintf("slow first byte %.1f%% (%s)", 100*m.SlowFirstByteRate, m.slowFirstByte()))
	}
	if m.StallRate > 0 {
		d := "until the client hangs up"
		if m.Stall > 0 {
			d = m.Stall.String()
		}
		parts = append(parts, fmt.Sprintf("stall %.1f%% (%s)", 100*m.StallRate, d))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func (m *Model) slowFirstByte() time.Duration {
	if m.SlowFirstByte > 0 {
		return m.SlowFirstByte
	}
	return DefaultSlowFirstByte
}

func (m *Model) oversizeBytes() int64 {
	if m.OversizeBytes > 0 {
		return m.OversizeBytes
	}
	return DefaultOversizeBytes
}

// fault is what goes wrong in the body of one attempt's 200 answer.
type fault int

const (
	noFault fault = iota
	faultReset
	faultTruncate
	faultInvalidJSON
	faultOversize
)

// bodyFault picks the body fault for v, the part of the attempt's error
// draw left after the 429 and 5xx rates: uniform on [0, 1-429-5xx).
func (m *Model) bodyFault(v float64) fault {
	for _, f := range []struct {
		rate float64
		f    fault
	}{{m.ResetRate, faultReset}, {m.TruncateRate, faultTruncate}, {m.InvalidJSONRate, faultInvalidJSON}, {m.OversizeRate, faultOversize}} {
		if v < f.rate {
			return f.f
		}
		v -= f.rate
	}
	return noFault
}

// faults is the simulator's decision about one attempt's body.
type faults struct {
	fault fault
	// stall: go silent halfway through the body for stallFor (0: until
	// the request ends).
	stall    bool
	stallFor time.Duration
}

// pause waits d, or until ctx ends when d is 0; false when ctx ended.
func pause(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		<-ctx.Done()
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// reset ends the connection with a TCP RST, as a crashed upstream or a
// dropping proxy does. Where the connection cannot be taken over (HTTP/2)
// the handler is aborted instead, which also cuts the response short.
func reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0) // close sends RST, not FIN
	}
	conn.Close()
}

// invalidJSON turns an encoded answer or chunk into invalid JSON the way
// Python servers do: a NaN where a null was.
func invalidJSON(b []byte) []byte {
	out := bytes.Replace(b, []byte(`"logprobs":null`), []byte(`"logprobs":NaN`), 1)
	if bytes.Equal(out, b) && len(b) > 0 && b[0] == '{' {
		out = append([]byte(`{"score":NaN,`), b[1:]...)
	}
	return out
}

// filler is the text of an oversized answer, written a block at a time.
var filler = []byte(strings.Repeat("simulated oversized answer ", 64<<10/27+1)[:64<<10])

// writeFiller writes n bytes of filler; false when the client is gone.
func writeFiller(w http.ResponseWriter, n int64) bool {
	for n > 0 {
		b := filler
		if int64(len(b)) > n {
			b = b[:n]
		}
		if _, err := w.Write(b); err != nil {
			return false
		}
		n -= int64(len(b))
	}
	return true
}
