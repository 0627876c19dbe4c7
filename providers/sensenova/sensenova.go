package sensenova

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/openai"
)

// DefaultBaseURL is the root of SenseNova's OpenAI-compatible mode, the
// default API. (The 2026 Token-Plan platform, https://token.sensenova.cn/v1,
// speaks the same dialect with its own keys and model ids: give it as
// base_url.)
const DefaultBaseURL = "https://api.sensenova.cn/compatible-mode/v1"

// NativeBaseURL is the root of the classic native API (api: native); the
// adapter posts to {base}/chat-completions.
const NativeBaseURL = "https://api.sensenova.cn/v1/llm"

// KeyEnv is the conventional variable holding a SenseNova API key. An
// access key pair (native API only) comes from the variables a target
// names with access_key_env and secret_key_env, by convention
// SENSENOVA_ACCESS_KEY_ID and SENSENOVA_SECRET_ACCESS_KEY.
const KeyEnv = "SENSENOVA_API_KEY"

// The values of Config.API.
const (
	apiOpenAI = "openai" // OpenAI-compatible mode (also selected by "")
	apiNative = "native" // classic native API
)

func init() {
	providers.Register(providers.Info{
		Name: "sensenova",
		Description: "SenseTime SenseNova (api: openai, the OpenAI-compatible mode (default); " +
			"api: native, the classic API, with an API key or an access key pair)",
		DefaultBaseURL: DefaultBaseURL,
		KeyEnv:         KeyEnv,
		Pairs: map[string]providers.PairEnv{
			"native": {Access: "SENSENOVA_ACCESS_KEY_ID", Secret: "SENSENOVA_SECRET_ACCESS_KEY", OrKey: true},
		},
	}, New)
}

// Client is a configured connection to SenseNova in one of its APIs. It
// is safe for concurrent use.
type Client struct {
	native bool
	compat *openai.Client // api: openai
	nat    *nativeClient  // api: native
}

var (
	_ providers.Provider      = (*Client)(nil)
	_ providers.ParamAdjuster = (*Client)(nil)
)

// New builds a Client; it is the "sensenova" factory. cfg.API "" or
// "openai" selects the OpenAI-compatible mode (credentials: the API key);
// "native" the classic API (credentials: the access key pair when given,
// signed into a JWT, else the API key).
func New(cfg providers.Config) (providers.Provider, error) {
	c, err := newClient(cfg)
	if err != nil {
		return nil, err // not a nil *Client inside a non-nil interface
	}
	return c, nil
}

func newClient(cfg providers.Config) (*Client, error) {
	if (cfg.AccessKey == "") != (cfg.SecretKey == "") {
		return nil, fmt.Errorf("target %s: an access key pair needs both the access key id and the secret", cfg.Name)
	}
	pair := cfg.AccessKey != ""
	switch cfg.API {
	case "", apiOpenAI:
		if pair && cfg.APIKey == "" {
			// The compatible mode is documented with API keys only.
			return nil, fmt.Errorf("target %s: an access key pair works with api: native only; set api: native, or use an API key (%s)", cfg.Name, KeyEnv)
		}
		compat, err := openai.NewWith(cfg, openai.Options{
			DefaultBaseURL: DefaultBaseURL,
			KeyEnv:         KeyEnv,
			Classify:       classifyCompat,
		})
		if err != nil {
			return nil, err
		}
		return &Client{compat: compat}, nil
	case apiNative:
		nat, err := newNative(cfg)
		if err != nil {
			return nil, err
		}
		return &Client{native: true, nat: nat}, nil
	}
	return nil, fmt.Errorf("target %s: sensenova has no api %q (use %q, the default, or %q)", cfg.Name, cfg.API, apiOpenAI, apiNative)
}

// URL is the endpoint the client posts to.
func (c *Client) URL() string {
	if c.native {
		return c.nat.url
	}
	return c.compat.URL()
}

// Complete performs one call with the parameters AdjustParams gives.
// Every failure is a *providers.Error with no credential in its message.
func (c *Client) Complete(ctx context.Context, req *providers.Request) (*providers.Response, error) {
	if req == nil {
		return nil, &providers.Error{Class: providers.BadRequest, Message: "no request"}
	}
	r := *req
	r.Params, _ = c.AdjustParams(req.Params)
	if c.native {
		if err := providers.RefuseRemoteImages(req); err != nil {
			return nil, err
		}
		resp, perr := c.nat.complete(ctx, &r)
		if perr != nil {
			perr.Message = providers.Redact(perr.Message, c.nat.secrets()...)
			return nil, perr
		}
		return resp, nil
	}
	return c.compat.Complete(ctx, &r)
}

// The sampling ranges SenseNova documents: temperature in (0, 2] (at most
// six decimals), top_p in the open interval (0, 1). Values outside are
// moved to the nearest of these.
const (
	minTemperature = 0.01
	maxTemperature = 2
	minTopP        = 0.01
	maxTopP        = 0.99
)

// AdjustParams moves temperature and top_p into SenseNova's ranges
// (temperature (0, 2], top_p (0, 1); the native API documents them, and
// LobeChat drops values outside them in the compatible mode too): a
// temperature <= 0 becomes 0.01, one above 2 becomes 2; top_p is held to
// [0.01, 0.99]. The native API has no seed and no stop field, so both are
// dropped there. Every change comes with a warning.
func (c *Client) AdjustParams(p providers.Params) (providers.Params, []string) {
	var warns []string
	if t := p.Temperature; t != nil {
		p.Temperature = ptr(min(max(*t, minTemperature), maxTemperature))
		if *p.Temperature != *t {
			warns = append(warns, fmt.Sprintf("temperature %g sent as %g: SenseNova takes temperatures in (0, 2]", *t, *p.Temperature))
		}
	}
	if tp := p.TopP; tp != nil {
		p.TopP = ptr(min(max(*tp, minTopP), maxTopP))
		if *p.TopP != *tp {
			warns = append(warns, fmt.Sprintf("top_p %g sent as %g: SenseNova takes top_p in the open interval (0, 1)", *tp, *p.TopP))
		}
	}
	if c.native {
		if p.Seed != nil {
			warns = append(warns, fmt.Sprintf("seed %d not sent: SenseNova's native API has no seed parameter", *p.Seed))
			p.Seed = nil
		}
		if len(p.Stop) > 0 {
			warns = append(warns, fmt.Sprintf("stop %q not sent: SenseNova's native API has no stop parameter", p.Stop))
			p.Stop = nil
		}
	}
	return p, warns
}

func ptr[T any](v T) *T { return &v }

// classifyCompat claims the native API's codes for unsafe content (18)
// and a too-long context (17) should the compatible mode pass them
// through ([unverified]: its error codes are not documented); everything
// else follows the openai adapter's rules.
func classifyCompat(status int, e openai.APIError) (providers.Class, bool) {
	switch e.Code {
	case "18":
		return providers.ContentFiltered, true
	case "17":
		return providers.BadRequest, true
	}
	return "", false
}

// checkBaseURL validates a base URL without ever quoting its password.
func checkBaseURL(name, base string) error {
	u, err := url.Parse(base)
	if err != nil {
		return fmt.Errorf("target %s: base url is not a valid URL", name)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("target %s: base url %q is not an http(s) URL", name, u.Redacted())
	}
	return nil
}

func joinURL(base, path string) string {
	return strings.TrimRight(base, "/") + "/" + strings.TrimLeft(path, "/")
}
