package sim_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/sim"
)

// faulty returns an answering model with one fault knob set to rate.
func faulty(kind string, rate float64) sim.Model {
	m := sim.Model{Name: kind + "-sim", Accuracy: 0.8, OversizeBytes: 96 << 10}
	switch kind {
	case "reset":
		m.ResetRate = rate
	case "truncate":
		m.TruncateRate = rate
	case "invalid":
		m.InvalidJSONRate = rate
	case "oversize":
		m.OversizeRate = rate
	case "slow":
		m.SlowFirstByteRate, m.SlowFirstByte = rate, 20*time.Millisecond
	case "stall":
		m.StallRate, m.Stall = rate, 20*time.Millisecond
	case "429":
		m.RateLimitRate, m.RetryAfter = rate, 10*time.Millisecond
	case "5xx":
		m.ServerErrorRate = rate
	default:
		panic("unknown fault " + kind)
	}
	return m
}

// provider builds the "sim" provider as a config would, with a response
// limit below the faulty models' oversized answers.
func provider(t *testing.T, base string) providers.Provider {
	t.Helper()
	p, err := providers.New(providers.Config{Name: "t", Provider: "sim", BaseURL: base, MaxResponseBytes: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestFaultClasses: every body fault reaches the adapter as the
// retryable class a real one would, streamed or not; a stream broken
// halfway keeps the half it delivered. A stall or a slow first byte
// shorter than the client's limits only delays the same answer.
func TestFaultClasses(t *testing.T) {
	const q = "What is 6 times 7?"
	refs := map[string]string{sim.PromptKey(q): "42"}
	kinds := []string{"reset", "truncate", "invalid", "oversize", "slow", "stall"}
	var models []sim.Model
	for _, k := range kinds {
		models = append(models, faulty(k, 1))
	}
	// Answers depend on the model's name: the clean server serves the
	// same names without faults.
	cleanModels, err := sim.WithFaults(models, "none")
	if err != nil {
		t.Fatal(err)
	}
	_, base := start(t, sim.NewServer(sim.Options{Models: models, Seed: 5, Answers: refs}))
	_, baseClean := start(t, sim.NewServer(sim.Options{Models: cleanModels, Seed: 5, Answers: refs}))
	p, pc := provider(t, base), provider(t, baseClean)

	tests := []struct {
		kind    string
		stream  bool
		class   providers.Class // "": the clean answer
		partial bool            // the first half of the answer is kept
	}{
		{"reset", false, providers.Server, false},
		{"reset", true, providers.BadResponse, false}, // a reset may drop data in flight
		{"truncate", false, providers.BadResponse, false},
		{"truncate", true, providers.BadResponse, true},
		{"invalid", false, providers.BadResponse, false},
		{"invalid", true, providers.BadResponse, true},
		{"oversize", false, providers.BadResponse, false},
		{"oversize", true, providers.BadResponse, true},
		{"slow", false, "", false},
		{"slow", true, "", false},
		{"stall", false, "", false},
		{"stall", true, "", false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/stream=%v", tt.kind, tt.stream), func(t *testing.T) {
			ref, err := pc.Complete(context.Background(), ask(tt.kind+"-sim", q, tt.stream))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := p.Complete(context.Background(), ask(tt.kind+"-sim", q, tt.stream))
			if tt.class == "" {
				if err != nil || resp.Text != ref.Text || resp.FinishReason != "stop" {
					t.Fatalf("got %+v, %v; want the clean answer %q", resp, err, ref.Text)
				}
				return
			}
			var pe *providers.Error
			if !errors.As(err, &pe) {
				t.Fatalf("got %+v, %v; want a %s error", resp, err, tt.class)
			}
			if pe.Class != tt.class || !pe.Class.Retryable() {
				t.Errorf("class %s, want %s: %v", pe.Class, tt.class, err)
			}
			if want := halfText(ref.Text); tt.partial && pe.Partial != want {
				t.Errorf("partial %q, want %q", pe.Partial, want)
			} else if !tt.partial && !tt.stream && pe.Partial != "" {
				t.Errorf("partial %q from a whole answer", pe.Partial)
			}
		})
	}
}

// halfText is what a stream broken halfway has delivered: the first half
// of the answer's deltas (rounded up). For the ASCII answers used here the
// simulator's deltas are runs of non-space characters with the spaces
// after them.
func halfText(text string) string {
	runs := wordRun.FindAllStringIndex(text, -1)
	if len(runs) == 0 {
		return ""
	}
	return text[:runs[(len(runs)+1)/2-1][1]]
}

var wordRun = regexp.MustCompile(`\s*\S+\s*`)

// TestFaultRates: each fault strikes about as often as its rate says,
// the same seed strikes the same attempts, and a retry gets through with
// the clean server's answer (the draw depends on the attempt).
func TestFaultRates(t *testing.T) {
	const n, rate = 120, 0.25
	prompts, refs := answers(n)
	kinds := []string{"reset", "truncate", "invalid", "oversize", "429", "5xx"}
	var models []sim.Model
	for _, k := range kinds {
		models = append(models, faulty(k, rate))
	}
	// Answers depend on the model's name: the clean server serves the
	// same names without faults.
	cleanModels, err := sim.WithFaults(models, "none")
	if err != nil {
		t.Fatal(err)
	}
	_, base := start(t, sim.NewServer(sim.Options{Models: models, Seed: 9, Answers: refs}))
	_, base2 := start(t, sim.NewServer(sim.Options{Models: models, Seed: 9, Answers: refs}))
	_, baseClean := start(t, sim.NewServer(sim.Options{Models: cleanModels, Seed: 9, Answers: refs}))
	p, p2, pc := provider(t, base), provider(t, base2), provider(t, baseClean)
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			var first, again []bool
			for i, q := range prompts {
				stream := i%2 == 1
				want, err := pc.Complete(context.Background(), ask(kind+"-sim", q, stream))
				if err != nil {
					t.Fatal(err)
				}
				_, err = p2.Complete(context.Background(), ask(kind+"-sim", q, stream))
				again = append(again, err != nil)
				for attempt := 0; ; attempt++ {
					resp, err := p.Complete(context.Background(), ask(kind+"-sim", q, stream))
					if attempt == 0 {
						first = append(first, err != nil)
					}
					if err == nil {
						if resp.Text != want.Text {
							t.Errorf("%q after %d faults: %q, clean server %q", q, attempt, resp.Text, want.Text)
						}
						break
					}
					var pe *providers.Error
					if !errors.As(err, &pe) || !pe.Class.Retryable() {
						t.Fatalf("%q: %v is not a retryable classified error", q, err)
					}
					if attempt == 20 {
						t.Fatalf("%q: still failing after 20 attempts: %v", q, err)
					}
				}
			}
			if diff := cmp.Diff(first, again); diff != "" {
				t.Errorf("same seed, different first attempts struck (-first +again):\n%s", diff)
			}
			// Binomial(120, 0.25): sd 4.7; allow over 3 sd.
			struck := 0
			for _, b := range first {
				if b {
					struck++
				}
			}
			if struck < 15 || struck > 45 {
				t.Errorf("%d of %d first attempts struck at rate %.2f", struck, n, rate)
			}
		})
	}
}

func TestWithFaults(t *testing.T) {
	base := sim.DefaultModels()
	storm, err := sim.WithFaults(base, "storm")
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range storm {
		rates := []float64{m.RateLimitRate, m.ServerErrorRate, m.ResetRate, m.TruncateRate, m.InvalidJSONRate, m.OversizeRate, m.SlowFirstByteRate, m.StallRate}
		for j, r := range rates {
			if r <= 0 || r >= 0.1 {
				t.Errorf("%s: storm rate %d is %v, want a small positive rate", m.Name, j, r)
			}
		}
		if m.Accuracy != base[i].Accuracy || m.RefusalRate != base[i].RefusalRate || m.TTFT != base[i].TTFT || m.RetryAfter != base[i].RetryAfter {
			t.Errorf("%s: storm changed the model's own profile", m.Name)
		}
		if !strings.Contains(m.FaultSummary(), "stall") {
			t.Errorf("summary %q", m.FaultSummary())
		}
	}
	if base[0].ResetRate != 0 {
		t.Errorf("WithFaults changed its input")
	}
	none, err := sim.WithFaults(storm, "none")
	if err != nil || none[0].FaultSummary() != "none" || none[0].RefusalRate != base[0].RefusalRate {
		t.Errorf("none: %+v, %v", none[0], err)
	}
	same, err := sim.WithFaults(base, "")
	if err != nil || !cmp.Equal(same, base) {
		t.Errorf("empty preset changed the models: %v", err)
	}
	if _, err := sim.WithFaults(base, "hurricane"); err == nil || !strings.Contains(err.Error(), "storm") {
		t.Errorf("unknown preset: %v", err)
	}
}
