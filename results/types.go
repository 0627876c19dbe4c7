package results

import (
	"time"

	"github.com/llmbench/llmbench/suites"
)

// Run statuses.
const (
	StatusRunning     = "running"
	StatusCompleted   = "completed"
	StatusInterrupted = "interrupted"
	StatusIncomplete  = "incomplete" // stopped by a budget or every target stopped by auth/quota
	StatusFailed      = "failed"
)

// Run is one planned set of calls. An interrupted run is resumed under the
// same ID.
type Run struct {
	ID string
	// ConfigName is the config's `name:`; runs with the same name form a history.
	ConfigName string
	// Config is the config file as given (YAML text). Secrets never appear in
	// it: keys come from the environment, never from the file.
	Config string
	// Baseline is the baseline target's name.
	Baseline string
	// HarnessVersion is the llmbench version that ran it.
	HarnessVersion string
	Repeats        int
	Seed           int64
	Started        time.Time
	Ended          time.Time // zero while running
	Status         string
	// Note says why a run ended as it did (interrupted, budget), if it did not complete.
	Note string
}

// Target is a target as configured for a run (no credentials).
type Target struct {
	Name     string
	Provider string
	Model    string
	BaseURL  string
	API      string
	// Params is the JSON of the generation parameters.
	Params string
	// Simulated is true when the target is the local simulator.
	Simulated bool
}

// SuiteInfo records a suite used by a run.
type SuiteInfo struct {
	Name        string
	Description string
	Path        string
	Hash        string
	Scorers     []string
}

// Case is a case as run: the rendered prompt and references, so a report
// can show them without the suite files.
type Case struct {
	Suite      string
	ID         string
	Prompt     string
	References []string
	// Images are the case's images as data (for thumbnails in the report).
	Images []Image
	Hash   string
}

// Image is a stored image.
type Image struct {
	Path string
	MIME string
	Data []byte
}

// Result is one call: timings, usage, output, error class and scores.
type Result struct {
	RunID  string
	Suite  string
	CaseID string
	Target string
	Repeat int

	Output string
	Scores []suites.Score

	// Started is when the final attempt was sent (wall clock, UTC).
	Started time.Time
	// Latency is the final attempt's time from send to end of body
	// (monotonic); queueing and limiter waits are not in it.
	Latency time.Duration
	// TTFT is the final attempt's time to first token (0 if not streamed).
	TTFT time.Duration
	// Wait is the time spent waiting for the rate limiter and concurrency slot.
	Wait time.Duration
	// RetryTime is the time spent on failed attempts and backoff before the final one.
	RetryTime time.Duration
	Attempts  int

	InputTokens  int
	OutputTokens int
	// ModelReported is the model name the server reported.
	ModelReported string
	FinishReason  string

	// ErrorClass is "" for a successful call, else a providers.Class value.
	ErrorClass   string
	ErrorCode    string
	ErrorMessage string

	// RequestHash is the hex SHA-256 of the request's canonical encoding
	// (see bench.RequestHash), "" when not recorded: the response cache's
	// key.
	RequestHash string
	// Cached is true when the result was copied from an earlier successful
	// result of the same request instead of calling the provider: Attempts
	// is 0; output, usage, latency and TTFT are the original's.
	Cached bool
}

// OK reports whether the call produced an answer.
func (r *Result) OK() bool { return r.ErrorClass == "" }

// Key identifies a result within a run.
type Key struct {
	Suite, CaseID, Target string
	Repeat                int
}

// Key returns the result's identity within its run.
func (r *Result) Key() Key {
	return Key{Suite: r.Suite, CaseID: r.CaseID, Target: r.Target, Repeat: r.Repeat}
}
