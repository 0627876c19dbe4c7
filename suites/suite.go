package suites

import (
	"text/template"

	"github.com/llmbench/llmbench/providers"
)

// Suite is a named set of cases with the prompt template and scorers that
// apply to all of them.
type Suite struct {
	Name        string
	Description string
	// Path is the suite file ("builtin:NAME" for built-in suites).
	Path string
	// Builtin is true for the suites embedded in the binary.
	Builtin bool
	// System is an optional system prompt.
	System string
	// PromptText is the raw Go text/template source.
	PromptText string
	// Prompt is the parsed template (option missingkey=error).
	Prompt *template.Template
	// Turns, when set (suite key messages:), is the conversation each case
	// is asked instead of the single prompt: message templates rendered
	// over the case's fields. Prompt is then nil.
	Turns []Turn
	// Examples are few-shot examples (suite key examples:), sent as
	// earlier user/assistant turns unless a template calls examples.
	Examples []Example
	// Scorers names the scorers, in order; the first is the primary score
	// (a suite's primary: key moves the scorer it names to the front).
	Scorers []string
	// ScorerSpecs are the scorers with their options, parallel to Scorers
	// (see Specs; nil means plain names).
	ScorerSpecs []ScorerSpec
	// DocumentField names the case field holding the source text the
	// prompt is about (a summarisation article), for reference baselines
	// such as lead that answer from it without a model ("" if none).
	DocumentField string
	// Judge is the suite's judge: key (nil when not set): how the judge
	// scorer's scores are made. Set exactly when Scorers lists "judge".
	Judge *JudgeSpec
	// Params are per-suite generation parameters; target params override
	// nothing here: suite params win where set (a suite knows what it needs).
	Params providers.Params
	// cases are the suite's cases, in file order: read them with Len, ID,
	// All and Open (a large cases file is not held in memory).
	cases caseSet
	// Hash is the hex SHA-256 over the definition, the cases and the images:
	// a run records it so comparisons use only unchanged content.
	Hash string
}

// Case is one prompt plus what counts as right.
type Case struct {
	ID string
	// Fields are the case's fields for the template (everything on the line
	// except id, reference(s) and images).
	Fields map[string]any
	// References are the acceptable answers (reference and references merged).
	References []string
	// Images attached to the case, loaded into memory, in order.
	Images []providers.Image
	// ImagePaths are the images' paths as written in the case (for the report).
	ImagePaths []string
	// Line is the 1-based line in the cases file (0 for inline cases).
	Line int
	// Tags label the case for filtering (llmbench run --tag); not hashed.
	Tags []string
	// Scorers, when set, replace the suite's scorers for this case; the
	// first is the case's primary score.
	Scorers []ScorerSpec
	// Turns, when set (the case's "messages"), is the case's own
	// conversation, replacing the suite's prompt or messages for it.
	Turns []Turn
	// Hash is the hex SHA-256 of the case's content (fields, references, image bytes).
	Hash string
}

// Turn is one message of a conversation template: a role (system, user
// or assistant) and its content, a text/template over the case's fields.
type Turn struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Example is one few-shot example: a user message and the assistant's
// answer, both plain text.
type Example struct {
	User      string `json:"user"`
	Assistant string `json:"assistant"`
}

// Score is one scorer's verdict on one output.
type Score struct {
	// Scorer is the registry name.
	Scorer string `json:"scorer"`
	// Value is in [0,1] (ROUGE included), except for bleu, chrf and chrf++,
	// which keep sacreBLEU's 0–100 scale (their MaxValue method returns 100).
	Value float64 `json:"value"`
	// Binary is true for pass/fail scorers (Value is 0 or 1).
	Binary bool `json:"binary,omitempty"`
	// Extracted is the answer an extracting scorer read from the output.
	Extracted string `json:"extracted,omitempty"`
	// Tokenizer names the tokenizer a token-based scorer used.
	Tokenizer string `json:"tokenizer,omitempty"`
	// Version identifies the scorer implementation, so rescoring can tell
	// old scores from new.
	Version string `json:"version,omitempty"`
}

// Scorer scores one model output against a case. Implementations are
// stateless and safe for concurrent use.
type Scorer interface {
	Name() string
	Score(output string, c *Case) Score
}
