package sim

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/openai"
)

// TestFaultTiming checks, in virtual time, when the delaying faults strike
// and what the adapter makes of them: a slow first byte delays the whole
// answer; a stall halfway through the body either ends (the answer is
// complete, later) or outlasts the client's stall limit (a timeout with
// code "stall", the first half kept).
func TestFaultTiming(t *testing.T) {
	const clientStall = 5 * time.Second
	tests := []struct {
		name   string
		set    func(m *Model)
		stream bool
		// want computes the expected latency (or time to the error) from
		// the clean answer's latency, its time to the stall point, and
		// reports whether the call fails with a stall.
		want func(clean, strike time.Duration) (time.Duration, bool)
	}{
		{"slow first byte, whole", func(m *Model) { m.SlowFirstByteRate, m.SlowFirstByte = 1, 3*time.Second }, false,
			func(clean, _ time.Duration) (time.Duration, bool) { return clean + 3*time.Second, false }},
		{"slow first byte, stream", func(m *Model) { m.SlowFirstByteRate, m.SlowFirstByte = 1, 3*time.Second }, true,
			func(clean, _ time.Duration) (time.Duration, bool) { return clean + 3*time.Second, false }},
		{"short stall, stream", func(m *Model) { m.StallRate, m.Stall = 1, 2*time.Second }, true,
			func(_, strike time.Duration) (time.Duration, bool) { return strike + 2*time.Second, false }},
		{"short stall, whole", func(m *Model) { m.StallRate, m.Stall = 1, 2*time.Second }, false,
			func(clean, _ time.Duration) (time.Duration, bool) { return clean + 2*time.Second, false }},
		{"endless stall, stream", func(m *Model) { m.StallRate = 1 }, true,
			func(_, strike time.Duration) (time.Duration, bool) { return strike + clientStall, true }},
		{"endless stall, whole", func(m *Model) { m.StallRate = 1 }, false,
			func(clean, _ time.Duration) (time.Duration, bool) { return clean + clientStall, true }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				clean, m := pacedServer()
				tt.set(&m)
				s := NewServer(Options{Models: []Model{m}, Answers: map[string]string{PromptKey(pacedPrompt): "42"}})
				text := clean.answer(&m, PromptKey(pacedPrompt), pacedPrompt)
				ps := pieces(text)
				at := (len(ps) + 1) / 2
				// The clean answer ends with its last piece; a stream's
				// stall strikes after the piece before the halfway one.
				cleanLatency := m.TTFT + time.Duration(len(ps)-1)*10*time.Millisecond
				strike := m.TTFT + time.Duration(at-1)*10*time.Millisecond
				wantLatency, wantStall := tt.want(cleanLatency, strike)

				ln := newPipeListener()
				hs := &http.Server{Handler: s}
				go hs.Serve(ln)
				tr := &http.Transport{DialContext: ln.dial}
				defer func() {
					tr.CloseIdleConnections()
					hs.Close()
				}()
				p, err := openai.NewWith(providers.Config{BaseURL: "http://127.0.0.1/v1", StallTimeout: clientStall,
					HTTPClient: &http.Client{Transport: tr}}, openai.Options{})
				if err != nil {
					t.Fatal(err)
				}
				req := &providers.Request{Model: m.Name, Stream: tt.stream, Messages: []providers.Message{{Role: providers.RoleUser, Text: pacedPrompt}}}
				start := time.Now()
				resp, err := p.Complete(context.Background(), req)
				took := time.Since(start)
				if took != wantLatency {
					t.Errorf("call took %v, want %v", took, wantLatency)
				}
				if !wantStall {
					if err != nil || resp.Text != text {
						t.Fatalf("got %+v, %v; want the clean answer", resp, err)
					}
					return
				}
				var pe *providers.Error
				if !errors.As(err, &pe) || pe.Class != providers.Timeout || pe.Code != providers.StallCode {
					t.Fatalf("error %v, want a stall timeout", err)
				}
				wantPartial := ""
				if tt.stream {
					wantPartial = strings.Join(ps[:at], "")
				}
				if pe.Partial != wantPartial {
					t.Errorf("partial %q, want %q", pe.Partial, wantPartial)
				}
			})
		})
	}
}
