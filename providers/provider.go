package providers

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"
)

// Role of a message in a chat request.
const (
	RoleSystem    = "system"
	RoleUser      = "user"
	RoleAssistant = "assistant"
)

// Image is an image sent with a message. Data holds the raw bytes; MIME is
// its media type (image/png, image/jpeg).
type Image struct {
	MIME string
	Data []byte
	// URL, when set, is an http(s) address the provider fetches the image
	// from itself; Data and MIME are then empty. Only adapters whose API
	// takes image URLs send it (the OpenAI dialect, Anthropic); the others
	// refuse the call with RefuseRemoteImages.
	URL string
}

// RefuseRemoteImages returns a bad_request *Error when req carries an
// image given by URL, for adapters whose API takes image bytes only.
func RefuseRemoteImages(req *Request) error {
	for _, m := range req.Messages {
		for _, img := range m.Images {
			if img.URL != "" {
				return &Error{Class: BadRequest, Message: "remote images are not supported by this provider; download it into the suite folder (" + img.URL + ")"}
			}
		}
	}
	return nil
}

// Message is one chat turn: text and, for user turns, optional images that
// follow the text.
type Message struct {
	Role   string
	Text   string
	Images []Image
}

// Params are the common generation parameters. A nil field is "not set":
// the adapter sends nothing and the provider's default applies.
type Params struct {
	Temperature *float64 `json:"temperature,omitempty" yaml:"temperature"`
	TopP        *float64 `json:"top_p,omitempty" yaml:"top_p"`
	MaxTokens   *int     `json:"max_tokens,omitempty" yaml:"max_tokens"`
	Seed        *int64   `json:"seed,omitempty" yaml:"seed"`
	Stop        []string `json:"stop,omitempty" yaml:"stop"`
}

// Request is one call to a model.
type Request struct {
	Model    string
	Messages []Message
	Params   Params
	// Stream asks for a streamed answer; adapters that can stream use it to
	// measure time to first token.
	Stream bool
	// Document is the case's source text when its suite names one
	// (document: in the suite file). Model adapters ignore it: the prompt
	// already holds it. Reference baselines such as lead answer from it.
	Document string
}

// Usage is the token accounting the provider reported (0 when it did not).
type Usage struct {
	InputTokens  int `json:"input_tokens"`
	OutputTokens int `json:"output_tokens"`
}

// Response is the outcome of one successful call.
type Response struct {
	Text string
	// Model is the model name the server reported (may differ from the
	// requested alias, e.g. a dated snapshot).
	Model        string
	FinishReason string
	Usage        Usage
	// TTFT is the time from sending the request to the first content token
	// (streaming only; 0 otherwise).
	TTFT time.Duration
	// Latency is the time from sending the request to the end of the body.
	Latency time.Duration
	// RateLimit holds the provider's rate-limit headers (lower-case names),
	// for `providers check` and diagnostics. Never holds secrets.
	RateLimit map[string]string
}

// Provider is one configured target's connection to a model API.
//
// Complete performs exactly one attempt: retries, pacing and timing of the
// wait belong to the runner. It returns a *Error for every failure the
// provider or the network caused. Implementations must be safe for
// concurrent use by many goroutines.
type Provider interface {
	Complete(ctx context.Context, req *Request) (*Response, error)
}

// Config is what a factory needs to build a Provider. Secrets are resolved
// from the environment by the caller and live only here, in memory.
type Config struct {
	// Name is the user's target name (for messages).
	Name string
	// Provider is the registry name ("openai", "sim", ...).
	Provider string
	// API selects between a provider's APIs ("native", "openai"); "" is the
	// provider's default.
	API string
	// BaseURL is the provider's API root; "" means the real endpoint.
	BaseURL string
	// APIKey, AccessKey and SecretKey are credentials. Never log them.
	APIKey    string
	AccessKey string
	SecretKey string
	// APIKeyEnv names the variable the key came from, for error messages.
	APIKeyEnv string
	// HTTPClient is used for every request; nil means a default client.
	HTTPClient *http.Client
	// MaxResponseBytes caps how much of a body is read (0: DefaultMaxResponseBytes).
	MaxResponseBytes int64
	// StallTimeout bounds the silence inside a response body: once the
	// headers have arrived, an attempt that receives no byte for this long
	// fails with class timeout and code StallCode, keeping any partial
	// text (0: DefaultStallTimeout; negative: no stall detection). The
	// wait for the headers is bounded by the attempt's own timeout.
	StallTimeout time.Duration
}

// DefaultMaxResponseBytes caps a response body read into memory.
const DefaultMaxResponseBytes = 16 << 20

// DefaultStallTimeout is the stall limit of a Config that sets none.
const DefaultStallTimeout = 30 * time.Second

// StallCode is the Error.Code of a timeout caused by a stalled body.
const StallCode = "stall"

// Info describes a registered provider for `providers list` and the README.
type Info struct {
	Name string
	// Description says what it speaks.
	Description string
	// DefaultBaseURL is the real endpoint root.
	DefaultBaseURL string
	// KeyEnv is the conventional environment variable for the API key ("" if none needed).
	KeyEnv string
	// Simulated is true for the local simulator.
	Simulated bool
	// Pairs maps an api: value to the conventional key-pair variables of an
	// API that signs with a key pair. A target that names no
	// access_key_env/secret_key_env reads these.
	Pairs map[string]PairEnv
}

// PairEnv names the conventional variables of a key pair.
type PairEnv struct {
	Access, Secret string
	// OrKey is true when the API also accepts the single key (KeyEnv)
	// instead of the pair.
	OrKey bool
}

// Factory builds a Provider from a Config.
type Factory func(cfg Config) (Provider, error)

var (
	regMu    sync.RWMutex
	registry = map[string]entry{}
)

type entry struct {
	info    Info
	factory Factory
}

// Register adds a provider under info.Name. It panics on a duplicate name:
// registration happens in init functions and a clash is a programming error.
func Register(info Info, f Factory) {
	regMu.Lock()
	defer regMu.Unlock()
	if _, dup := registry[info.Name]; dup {
		panic("providers: duplicate registration of " + info.Name)
	}
	registry[info.Name] = entry{info: info, factory: f}
}

// Lookup returns the Info of a registered provider.
func Lookup(name string) (Info, bool) {
	regMu.RLock()
	defer regMu.RUnlock()
	e, ok := registry[name]
	return e.info, ok
}

// New builds the provider cfg.Provider names.
func New(cfg Config) (Provider, error) {
	regMu.RLock()
	e, ok := registry[cfg.Provider]
	regMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown provider %q (known: %v)", cfg.Provider, Names())
	}
	return e.factory(cfg)
}

// List returns every registered provider, sorted by name.
func List() []Info {
	regMu.RLock()
	defer regMu.RUnlock()
	out := make([]Info, 0, len(registry))
	for _, e := range registry {
		out = append(out, e.info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Names returns the sorted registered provider names.
func Names() []string {
	var out []string
	for _, i := range List() {
		out = append(out, i.Name)
	}
	return out
}

// ParamAdjuster is implemented by providers that lack a common parameter or
// restrict its range (ERNIE wants temperature > 0; native Hunyuan has no
// max-tokens field). AdjustParams returns the parameters the adapter will
// actually send and one warning per change; the runner records the
// warnings on the run, so no change is silent. It must be pure and safe
// for concurrent use.
type ParamAdjuster interface {
	AdjustParams(p Params) (Params, []string)
}
