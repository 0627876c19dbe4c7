package gemini

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/openai"
	"github.com/llmbench/llmbench/providers/wiretime"
)

// DefaultBaseURL is the real native API root.
const DefaultBaseURL = "https://generativelanguage.googleapis.com/v1beta"

// OpenAIBaseURL is the root of Gemini's OpenAI-compatible endpoint, used
// with api "openai".
const OpenAIBaseURL = "https://generativelanguage.googleapis.com/v1beta/openai"

// KeyEnv is the conventional variable holding a Gemini API key.
const KeyEnv = "GEMINI_API_KEY"

func init() {
	providers.Register(providers.Info{
		Name:           "gemini",
		Description:    "Google Gemini API, native generateContent (api: openai uses its OpenAI-compatible endpoint)",
		DefaultBaseURL: DefaultBaseURL,
		KeyEnv:         KeyEnv,
	}, New)
}

// Client is a configured connection to the native Gemini API. It is safe
// for concurrent use.
type Client struct {
	cfg     providers.Config
	base    string
	http    *http.Client
	maxBody int64
	stall   time.Duration // 0: no stall detection
	keyEnv  string
}

var _ providers.Provider = (*Client)(nil)

// New is the "gemini" factory: the native Client for api "" or "native",
// the openai adapter pointed at OpenAIBaseURL for api "openai".
func New(cfg providers.Config) (providers.Provider, error) {
	switch cfg.API {
	case "", "native":
		c, err := NewClient(cfg)
		if err != nil {
			return nil, err // not a nil *Client inside a non-nil interface
		}
		return c, nil
	case "openai":
		c, err := openai.NewWith(cfg, openai.Options{DefaultBaseURL: OpenAIBaseURL, KeyEnv: KeyEnv, LegacyMaxTokens: true})
		if err != nil {
			return nil, err
		}
		return c, nil
	}
	return nil, fmt.Errorf("target %s: provider gemini has no API %q (use \"native\" or \"openai\")", cfg.Name, cfg.API)
}

// NewClient builds a native Client. The base URL is the versioned root
// (DefaultBaseURL when empty); the model's path and method are appended.
func NewClient(cfg providers.Config) (*Client, error) {
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
	hc := cfg.HTTPClient
	if hc == nil {
		hc = defaultClient
	}
	keyEnv := cfg.APIKeyEnv
	if keyEnv == "" {
		keyEnv = KeyEnv
	}
	return &Client{cfg: cfg, base: strings.TrimRight(base, "/"), http: hc, maxBody: providers.MaxBody(cfg), stall: providers.StallLimit(cfg), keyEnv: keyEnv}, nil
}

// defaultClient has no overall timeout (the call's context bounds it) and
// keeps enough idle connections for a benchmark's concurrent workers. Its
// connections keep the kernel's receive stamps for the latency clock.
var defaultClient = func() *http.Client {
	return &http.Client{Transport: wiretime.NewTransport(64)}
}()

// URL is the endpoint a call to model posts to. A bare model name
// ("gemini-2.5-flash") is a base model under "models/"; a name with a
// collection ("models/gemini-2.5-flash", "tunedModels/my-model") is used
// as given.
func (c *Client) URL(model string, stream bool) string {
	name := model
	if !strings.Contains(name, "/") {
		name = "models/" + name
	}
	segs := strings.Split(name, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	u := c.base + "/" + strings.Join(segs, "/")
	if stream {
		return u + ":streamGenerateContent?alt=sse"
	}
	return u + ":generateContent"
}

// Complete performs one call. Every failure is a *providers.Error.
func (c *Client) Complete(ctx context.Context, req *providers.Request) (*providers.Response, error) {
	if err := providers.RefuseRemoteImages(req); err != nil {
		return nil, err
	}
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
	hreq, err := http.NewRequestWithContext(clk.Trace(ctx), http.MethodPost, c.URL(req.Model, req.Stream), bytes.NewReader(body))
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
	if c.cfg.APIKey != "" {
		hreq.Header.Set("x-goog-api-key", c.cfg.APIKey)
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
