package anthropic

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

// DefaultBaseURL is the real API root; the adapter posts to {root}/v1/messages.
const DefaultBaseURL = "https://api.anthropic.com"

// KeyEnv is the conventional variable holding an Anthropic API key.
const KeyEnv = "ANTHROPIC_API_KEY"

// Version is the anthropic-version header the adapter speaks.
const Version = "2023-06-01"

// DefaultMaxTokens is sent as max_tokens when a target sets none (the API
// requires the field). Every current Claude model can produce this many.
const DefaultMaxTokens = 4096

func init() {
	providers.Register(providers.Info{
		Name:           "anthropic",
		Description:    "Anthropic Messages API (Claude); base_url is the root before /v1/messages",
		DefaultBaseURL: DefaultBaseURL,
		KeyEnv:         KeyEnv,
	}, New)
}

// Client is a configured connection to the Messages API. It is safe for
// concurrent use.
type Client struct {
	cfg     providers.Config
	url     string
	http    *http.Client
	maxBody int64
	stall   time.Duration // 0: no stall detection
	keyEnv  string
}

var (
	_ providers.Provider      = (*Client)(nil)
	_ providers.ParamAdjuster = (*Client)(nil)
)

// New is the "anthropic" factory.
func New(cfg providers.Config) (providers.Provider, error) {
	c, err := NewClient(cfg)
	if err != nil {
		return nil, err // not a nil *Client inside a non-nil interface
	}
	return c, nil
}

// NewClient builds a Client. Config.API must be "" or "native". The base
// URL is the API root ("https://api.anthropic.com", or a compatible
// endpoint's root); "/v1/messages" is appended, or just "/messages" when
// the root already ends in "/v1".
func NewClient(cfg providers.Config) (*Client, error) {
	if cfg.API != "" && cfg.API != "native" {
		return nil, fmt.Errorf("target %s: provider anthropic has no API %q (it speaks only \"native\")", cfg.Name, cfg.API)
	}
	base := cfg.BaseURL
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
	root := strings.TrimRight(base, "/")
	if strings.HasSuffix(strings.TrimRight(u.Path, "/"), "/v1") {
		root += "/messages"
	} else {
		root += "/v1/messages"
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = defaultClient
	}
	keyEnv := cfg.APIKeyEnv
	if keyEnv == "" {
		keyEnv = KeyEnv
	}
	return &Client{cfg: cfg, url: root, http: hc, maxBody: providers.MaxBody(cfg), stall: providers.StallLimit(cfg), keyEnv: keyEnv}, nil
}

// defaultClient has no overall timeout (the call's context bounds it) and
// keeps enough idle connections for a benchmark's concurrent workers. Its
// connections keep the kernel's receive stamps for the latency clock.
var defaultClient = func() *http.Client {
	return &http.Client{Transport: wiretime.NewTransport(64)}
}()

// URL is the endpoint the client posts to.
func (c *Client) URL() string { return c.url }

// AdjustParams fits the common parameters to the Messages API: max_tokens
// is required (DefaultMaxTokens when unset), there is no seed, and
// temperature stops at 1. It never writes through p's pointers.
func (c *Client) AdjustParams(p providers.Params) (providers.Params, []string) {
	var warns []string
	if p.MaxTokens == nil {
		n := DefaultMaxTokens
		p.MaxTokens = &n
		warns = append(warns, fmt.Sprintf("max_tokens is not set and Anthropic requires it: sending %d (set params.max_tokens to choose)", n))
	}
	if p.Seed != nil {
		p.Seed = nil
		warns = append(warns, "Anthropic has no seed parameter: seed is not sent")
	}
	if p.Temperature != nil && *p.Temperature > 1 {
		warns = append(warns, fmt.Sprintf("temperature %g is above Anthropic's maximum of 1: sending 1", *p.Temperature))
		one := 1.0
		p.Temperature = &one
	}
	return p, warns
}

// Complete performs one call. Every failure is a *providers.Error.
func (c *Client) Complete(ctx context.Context, req *providers.Request) (*providers.Response, error) {
	resp, perr := c.complete(ctx, req)
	if perr != nil {
		perr.Message = providers.Redact(perr.Message, c.cfg.APIKey)
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
	hreq.Header.Set("anthropic-version", Version)
	if c.cfg.APIKey != "" {
		hreq.Header.Set("x-api-key", c.cfg.APIKey)
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
	out := &providers.Response{RateLimit: RateLimitHeaders(hresp.Header)}
	rd := providers.LimitBody(raw, c.maxBody)
	if providers.IsStream(hresp.Header.Get("Content-Type"), req.Stream) {
		perr = c.readStream(ctx, rd, clk, out)
	} else {
		perr = c.readJSON(ctx, rd, clk, out)
	}
	if perr != nil {
		if perr.Status == 0 {
			perr.Status = hresp.StatusCode
		}
		return nil, perr
	}
	return out, nil
}

// RateLimitHeaders returns the response's rate-limit headers with
// lower-case names: Anthropic's anthropic-ratelimit-* family (limits,
// remaining and RFC 3339 reset times for requests, tokens, input and output
// tokens) and any x-ratelimit-* a proxy adds; nil when there are none.
func RateLimitHeaders(h http.Header) map[string]string {
	out := providers.RateLimitHeaders(h)
	for k, vs := range h {
		lk := strings.ToLower(k)
		if !strings.HasPrefix(lk, "anthropic-ratelimit-") {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[lk] = strings.Join(vs, ", ")
	}
	return out
}
