package sim

import (
	"time"

	"github.com/llmbench/llmbench/providers"
)

// Model is one simulated model.
type Model struct {
	// Name is what requests ask for; by convention it ends in "-sim".
	Name string
	// TTFT is the mean time to the first token; TTFTJitter the half-width
	// of the uniform spread around it.
	TTFT, TTFTJitter time.Duration
	// TokensPerSec paces the tokens after the first (0: no pacing).
	TokensPerSec float64
	// Accuracy is the probability that an answer is right.
	Accuracy float64
	// RateLimitRate and ServerErrorRate are the per-attempt probabilities
	// of a 429 and of a 500/503; RefusalRate the per-prompt probability of
	// a content-filter refusal.
	RateLimitRate, ServerErrorRate, RefusalRate float64
	// RetryAfter is the delay hint sent with a 429 (200 ms when 0).
	RetryAfter time.Duration

	// Faults in the body of a 200 answer, each a per-attempt probability.
	// They share one draw with RateLimitRate and ServerErrorRate, so at
	// most one of the six strikes an attempt (taken in that order; rates
	// summing past 1 leave the later ones less). A stream is broken halfway
	// through its deltas, a whole answer halfway through its bytes:
	//
	//   - ResetRate: the connection is reset (TCP RST), before any byte of
	//     a whole answer, mid-stream for a stream;
	//   - TruncateRate: the body ends early: a stream in the middle of an
	//     event and without [DONE], a whole answer short of its
	//     Content-Length;
	//   - InvalidJSONRate: the answer (for a stream, one chunk) is not
	//     valid JSON (a NaN, as Python servers send);
	//   - OversizeRate: the answer carries OversizeBytes of text (a whole
	//     answer declares it in Content-Length).
	ResetRate, TruncateRate, InvalidJSONRate, OversizeRate float64
	// OversizeBytes is the size of an oversized answer
	// (DefaultOversizeBytes when 0: past the adapters' default limit).
	OversizeBytes int64
	// SlowFirstByteRate is the per-attempt probability that nothing, not
	// even the headers, is sent for SlowFirstByte (DefaultSlowFirstByte
	// when 0) before the attempt proceeds as it otherwise would.
	SlowFirstByteRate float64
	SlowFirstByte     time.Duration
	// StallRate is the per-attempt probability that a 200 answer with no
	// other fault goes silent halfway through its body for Stall, then
	// carries on; a Stall of 0 means until the client hangs up.
	StallRate float64
	Stall     time.Duration

	// ReportedModel is the model name put in responses (Name when empty),
	// like a real API reporting a dated snapshot.
	ReportedModel string
}

// Defaults for a Model's fault settings left at zero.
const (
	// DefaultRetryAfter is the 429 delay hint of a Model without one.
	DefaultRetryAfter = 200 * time.Millisecond
	// DefaultSlowFirstByte is the delay of a slow first byte.
	DefaultSlowFirstByte = 10 * time.Second
	// DefaultOversizeBytes is the size of an oversized answer: 1 MiB past
	// the response limit adapters apply by default.
	DefaultOversizeBytes = providers.DefaultMaxResponseBytes + 1<<20
)

// DefaultModels are the simulated models of the demo. The accuracies,
// speeds and error rates are invented to make a report worth reading; they
// are not measurements of the real models the names allude to.
func DefaultModels() []Model {
	return []Model{
		{
			Name: "gpt-4o-sim", ReportedModel: "gpt-4o-sim-2024-08-06",
			TTFT: 90 * time.Millisecond, TTFTJitter: 30 * time.Millisecond, TokensPerSec: 280,
			Accuracy: 0.85, RateLimitRate: 0.02, ServerErrorRate: 0.01, RefusalRate: 0.01,
		},
		{
			Name: "sensenova-5.5-sim", ReportedModel: "SenseChat-5-sim",
			TTFT: 220 * time.Millisecond, TTFTJitter: 80 * time.Millisecond, TokensPerSec: 120,
			Accuracy: 0.78, RateLimitRate: 0.03, ServerErrorRate: 0.02, RefusalRate: 0.03,
			RetryAfter: 300 * time.Millisecond,
		},
		{
			Name: "ernie-4.0-sim", ReportedModel: "ernie-4.0-8k-sim",
			TTFT: 300 * time.Millisecond, TTFTJitter: 90 * time.Millisecond, TokensPerSec: 70,
			Accuracy: 0.74, RateLimitRate: 0.04, ServerErrorRate: 0.02, RefusalRate: 0.05,
			RetryAfter: 400 * time.Millisecond,
		},
		{
			Name: "glm-4-sim", ReportedModel: "glm-4-sim",
			TTFT: 160 * time.Millisecond, TTFTJitter: 60 * time.Millisecond, TokensPerSec: 150,
			Accuracy: 0.80, RateLimitRate: 0.03, ServerErrorRate: 0.01, RefusalRate: 0.03,
		},
		{
			Name: "hunyuan-pro-sim", ReportedModel: "hunyuan-pro-sim",
			TTFT: 240 * time.Millisecond, TTFTJitter: 100 * time.Millisecond, TokensPerSec: 95,
			Accuracy: 0.71, RateLimitRate: 0.02, ServerErrorRate: 0.03, RefusalRate: 0.04,
			RetryAfter: 250 * time.Millisecond,
		},
	}
}
