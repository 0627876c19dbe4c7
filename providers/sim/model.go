package sim

import "time"

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
	// ReportedModel is the model name put in responses (Name when empty),
	// like a real API reporting a dated snapshot.
	ReportedModel string
}

// DefaultRetryAfter is the 429 delay hint of a Model without one.
const DefaultRetryAfter = 200 * time.Millisecond

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
