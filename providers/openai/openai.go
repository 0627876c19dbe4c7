package openai

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/wiretime"
)

// DefaultBaseURL is the real OpenAI API root.
const DefaultBaseURL = "https://api.openai.com/v1"

// KeyEnv is the conventional variable holding an OpenAI API key.
const KeyEnv = "OPENAI_API_KEY"

func init() {
	providers.Register(providers.Info{
		Name:           "openai",
		Description:    "OpenAI Chat Completions API (or any OpenAI-compatible server given its base_url)",
		DefaultBaseURL: DefaultBaseURL,
		KeyEnv:         KeyEnv,
	}, New)
}

// Options are the quirks of an OpenAI-compatible server, for presets that
// reuse this adapter. The zero value speaks to OpenAI itself.
type Options struct {
	// DefaultBaseURL is used when Config.BaseURL is empty (DefaultBaseURL
	// when this is empty too).
	DefaultBaseURL string
	// KeyEnv names the key variable in auth errors when Config.APIKeyEnv is
	// empty.
	KeyEnv string
	// Path is appended to the base URL ("/chat/completions" when empty).
	Path string
	// MaxCompletionTokens always sends Params.MaxTokens as
	// "max_completion_tokens". Without it (and without LegacyMaxTokens) the
	// field follows the model name: see NeedsMaxCompletionTokens.
	MaxCompletionTokens bool
	// LegacyMaxTokens always sends Params.MaxTokens as "max_tokens", whatever
	// the model is called, for compatible servers that know only that name.
	// MaxCompletionTokens wins when both are set.
	LegacyMaxTokens bool
	// NoStreamOptions leaves out "stream_options" for servers that reject it
	// (usage is then whatever the server volunteers).
	NoStreamOptions bool
	// BareBase64Images sends image_url.url as bare base64 rather than a
	// data: URL (Zhipu).
	BareBase64Images bool
	// FilterFinishReasons are finish_reason values that mean a content-filter
	// block besides "content_filter" (e.g. "sensitive").
	FilterFinishReasons []string
	// Authorize sets credentials and any extra headers on each request. Nil
	// sends "Authorization: Bearer <Config.APIKey>" when the key is not
	// empty. An error from it fails the call with class auth.
	Authorize func(r *http.Request) error
	// Classify may claim an error before the generic rules: it is called
	// with the HTTP status (0 for an error inside a 200 body or a stream)
	// and the parsed error body; ok false falls through to the rules.
	Classify func(status int, e APIError) (class providers.Class, ok bool)
}

// Client is a configured connection to one OpenAI-compatible server. It is
// safe for concurrent use.
type Client struct {
	cfg     providers.Config
	opts    Options
	url     string
	http    *http.Client
	maxBody int64
	stall   time.Duration // 0: no stall detection
	keyEnv  string
}

var _ providers.Provider = (*Client)(nil)

// New builds a Client for OpenAI itself; it is the "openai" factory. The
// only API it speaks is "openai" (Config.API "" or "openai").
func New(cfg providers.Config) (providers.Provider, error) {
	if err := CheckAPI(cfg); err != nil {
		return nil, err
	}
	c, err := NewWith(cfg, Options{KeyEnv: KeyEnv})
	if err != nil {
		return nil, err // not a nil *Client inside a non-nil interface
	}
	return c, nil
}

// NewWith builds a Client for an OpenAI-compatible server with the given
// quirks.
func NewWith(cfg providers.Config, opts Options) (*Client, error) {
	base := cfg.BaseURL
	if base == "" {
		base = opts.DefaultBaseURL
	}
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil {
		// The parse error would quote the URL, password and all.
		return nil, fmt.Errorf("target %s: base url is not a valid URL", cfg.Name)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("target %s: base url %q is not an http(s) URL", cfg.Name, u.Redacted())
	}
	path := opts.Path
	if path == "" {
		path = "/chat/completions"
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = defaultClient
	}
	keyEnv := cfg.APIKeyEnv
	if keyEnv == "" {
		keyEnv = opts.KeyEnv
	}
	return &Client{
		cfg:     cfg,
		opts:    opts,
		url:     strings.TrimRight(base, "/") + "/" + strings.TrimLeft(path, "/"),
		http:    hc,
		maxBody: providers.MaxBody(cfg),
		stall:   providers.StallLimit(cfg),
		keyEnv:  keyEnv,
	}, nil
}

// CheckAPI rejects a Config.API other than "" or "openai", for factories
// that speak only the OpenAI protocol.
func CheckAPI(cfg providers.Config) error {
	if cfg.API != "" && cfg.API != "openai" {
		return fmt.Errorf("target %s: provider %s has no API %q (it speaks only \"openai\")", cfg.Name, cfg.Provider, cfg.API)
	}
	return nil
}

// defaultClient has no overall timeout (the call's context bounds it) and
// keeps enough idle connections for a benchmark's concurrent workers, which
// all talk to one host.
var defaultClient = func() *http.Client {
	return &http.Client{Transport: wiretime.NewTransport(64)}
}()

// URL is the endpoint the client posts to.
func (c *Client) URL() string { return c.url }

// Complete performs one call. Every failure is a *providers.Error.
func (c *Client) Complete(ctx context.Context, req *providers.Request) (*providers.Response, error) {
	resp, perr := c.complete(ctx, req)
	if perr != nil {
		perr.Message = providers.Redact(perr.Message, c.cfg.APIKey, c.cfg.SecretKey)
		return nil, perr
	}
	return resp, nil
}

func (c *Client) complete(ctx context.Context, req *providers.Request) (*providers.Response, *providers.Error) {
	body, perr := c.body(req)
	if perr != nil {
		return nil, perr
	}
	// The attempt's own context lets the stall watchdog end it with a
	// cause that says so.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	clk := wiretime.New()
	hreq, err := http.NewRequestWithContext(clk.Trace(ctx), http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return nil, &providers.Error{Class: providers.BadRequest, Message: "build request: " + err.Error(), Err: err}
	}
	hreq.Header.Set("Content-Type", "application/json")
	if req.Stream {
		hreq.Header.Set("Accept", "text/event-stream")
	} else {
		hreq.Header.Set("Accept", "application/json")
	}
	hreq.Header.Set("User-Agent", "llmbench")
	if c.opts.Authorize != nil {
		if err := c.opts.Authorize(hreq); err != nil {
			return nil, &providers.Error{Class: providers.Auth, Message: fmt.Sprintf("prepare credentials: %v; check %s", err, c.keyName()), Err: err}
		}
	} else if c.cfg.APIKey != "" {
		hreq.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
	}

	clk.Begin()
	hresp, err := c.http.Do(hreq)
	if err != nil {
		return nil, providers.TransportError(ctx, err)
	}
	defer hresp.Body.Close()
	raw := providers.WatchStall(hresp.Body, c.stall, cancel)
	defer raw.Stop()

	if hresp.StatusCode < 200 || hresp.StatusCode > 299 {
		return nil, c.httpError(ctx, hresp, raw)
	}
	if perr := providers.TooLarge(hresp, c.maxBody); perr != nil {
		return nil, perr
	}
	out := &providers.Response{RateLimit: providers.RateLimitHeaders(hresp.Header)}
	body2 := providers.LimitBody(raw, c.maxBody)
	if providers.IsStream(hresp.Header.Get("Content-Type"), req.Stream) {
		perr = c.readStream(ctx, body2, clk, out)
	} else {
		perr = c.readJSON(ctx, body2, clk, out)
	}
	if perr != nil {
		if perr.Status == 0 {
			perr.Status = hresp.StatusCode
		}
		return nil, perr
	}
	return out, nil
}

func (c *Client) keyName() string {
	if c.keyEnv != "" {
		return "the API key in " + c.keyEnv
	}
	return "the target's API key"
}
