package zhipu

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/openai"
)

// DefaultBaseURL is the BigModel open platform's v4 API root. The
// international Z.ai platform is https://api.z.ai/api/paas/v4 (give it as
// base_url).
const DefaultBaseURL = "https://open.bigmodel.cn/api/paas/v4"

// KeyEnv is the conventional variable holding a Zhipu API key (the
// official SDK's name).
const KeyEnv = "ZHIPUAI_API_KEY"

// The values of Config.API.
const (
	apiKey = "key" // Bearer API key (also selected by "")
	apiJWT = "jwt" // legacy HS256 JWT signed with the key's secret half
)

func init() {
	providers.Register(providers.Info{
		Name:           "zhipu",
		Description:    "Zhipu AI GLM (BigModel v4 chat completions; api: key (default) or jwt)",
		DefaultBaseURL: DefaultBaseURL,
		KeyEnv:         KeyEnv,
	}, New)
}

// Client is a configured connection to the Zhipu API. It is safe for
// concurrent use.
type Client struct {
	api    *openai.Client
	tokens *tokenSource // nil unless api: jwt
	// secret is the secret half of an id.secret key, kept out of errors
	// like the whole key.
	secret string
}

var (
	_ providers.Provider      = (*Client)(nil)
	_ providers.ParamAdjuster = (*Client)(nil)
)

// New builds a Client; it is the "zhipu" factory. cfg.API selects the
// credentials: "" or "key" sends the API key as a bearer token, "jwt"
// signs the legacy JWT with it.
func New(cfg providers.Config) (providers.Provider, error) {
	c, err := newClient(cfg)
	if err != nil {
		return nil, err // not a nil *Client inside a non-nil interface
	}
	return c, nil
}

func newClient(cfg providers.Config) (*Client, error) {
	c := &Client{}
	if _, secret, ok := splitKey(cfg.APIKey); ok {
		c.secret = secret
	}
	keyEnv := cfg.APIKeyEnv
	if keyEnv == "" {
		keyEnv = KeyEnv
	}
	opts := openai.Options{
		DefaultBaseURL:   DefaultBaseURL,
		KeyEnv:           KeyEnv,
		BareBase64Images: true,
		// The last content chunk carries usage unasked ([MEM]; the SDK's
		// chunk type has an optional usage); the SDK never sends
		// stream_options, so neither does this adapter.
		NoStreamOptions:     true,
		FilterFinishReasons: []string{"sensitive"},
		Classify:            classify,
	}
	switch cfg.API {
	case "", apiKey:
	case apiJWT:
		id, secret, ok := splitKey(cfg.APIKey)
		if !ok {
			return nil, fmt.Errorf("target %s: api: jwt needs a key of the form id.secret in %s", cfg.Name, keyEnv)
		}
		c.tokens = &tokenSource{id: id, secret: secret}
		opts.Authorize = func(r *http.Request) error {
			r.Header.Set("Authorization", "Bearer "+c.tokens.token())
			return nil
		}
	default:
		return nil, fmt.Errorf("target %s: zhipu has no api %q (use %q, the default, or %q)", cfg.Name, cfg.API, apiKey, apiJWT)
	}
	api, err := openai.NewWith(cfg, opts)
	if err != nil {
		return nil, err
	}
	c.api = api
	return c, nil
}

// URL is the endpoint the client posts to.
func (c *Client) URL() string { return c.api.URL() }

// Complete performs one call with the parameters AdjustParams gives. Every
// failure is a *providers.Error with no credential in its message.
func (c *Client) Complete(ctx context.Context, req *providers.Request) (*providers.Response, error) {
	if req == nil {
		return nil, &providers.Error{Class: providers.BadRequest, Message: "no request"}
	}
	r := *req
	r.Params, _ = c.AdjustParams(req.Params)
	resp, err := c.api.Complete(ctx, &r)
	if err == nil && resp.FinishReason == "network_error" {
		// [MEM] Zhipu ends a generation its backend lost with this
		// reason; the text is cut short, so it is a server failure, not an
		// answer to score.
		resp, err = nil, &providers.Error{Class: providers.Server, Code: "network_error",
			Message: "generation interrupted on the server (finish_reason network_error)", Partial: resp.Text}
	}
	if err != nil {
		var pe *providers.Error
		if errors.As(err, &pe) {
			secrets := []string{c.secret}
			if c.tokens != nil {
				secrets = append(secrets, c.tokens.issued()...)
			}
			pe.Message = providers.Redact(pe.Message, secrets...)
		}
		return nil, err
	}
	return resp, nil
}

// The sampling bounds the official SDK enforces before sending (the API
// took temperature and top_p in the open interval (0, 1)).
const (
	minTemperature = 0.01
	maxTemperature = 0.99
	minTopP        = 0.01
	maxTopP        = 0.99
)

// AdjustParams clamps temperature and top_p into the range Zhipu's SDK
// sends: a temperature <= 0 becomes 0.01 and one >= 1 becomes 0.99; top_p
// is held to [0.01, 0.99]. (For temperature <= 0 the SDK also sends
// do_sample=false; this adapter does not, so sampling at 0.01 is near
// greedy rather than greedy.) max_tokens, seed and stop pass unchanged.
func (c *Client) AdjustParams(p providers.Params) (providers.Params, []string) {
	var warns []string
	if t := p.Temperature; t != nil {
		switch {
		case *t <= 0:
			p.Temperature = ptr(minTemperature)
		case *t >= 1:
			p.Temperature = ptr(maxTemperature)
		}
		if *p.Temperature != *t {
			warns = append(warns, fmt.Sprintf("temperature %g sent as %g: Zhipu takes temperatures in (0, 1) and its SDK clamps them the same way", *t, *p.Temperature))
		}
	}
	if tp := p.TopP; tp != nil {
		p.TopP = ptr(min(max(*tp, minTopP), maxTopP))
		if *p.TopP != *tp {
			warns = append(warns, fmt.Sprintf("top_p %g sent as %g: Zhipu takes top_p in [0.01, 0.99]", *tp, *p.TopP))
		}
	}
	return p, warns
}

func ptr[T any](v T) *T { return &v }

// classify maps Zhipu's business codes (docs.bigmodel.cn api-code, the
// reference's table) to classes; codes it does not know fall through to
// the HTTP status rules of the openai adapter.
//
//	1000–1004             auth (missing, invalid or expired token)
//	1113                  quota (account in arrears / no balance)
//	1110–1121 otherwise   auth (account states; which is which is [MEM]: fix the account behind the key)
//	1210–1222, 1261       bad_request (parameters, model not found, prompt too long, API access)
//	1301                  content_filtered (unsafe input or output)
//	1302, 1303, 1305, 1312  rate_limited (concurrency, frequency, model overloaded or busy)
//	1304, 1308, 1310      quota (daily, periodic and weekly/monthly usage caps: retrying within a run is pointless)
func classify(status int, e openai.APIError) (providers.Class, bool) {
	n, err := strconv.Atoi(e.Code)
	if err != nil {
		return "", false
	}
	switch {
	case n >= 1000 && n <= 1004:
		return providers.Auth, true
	case n == 1113:
		return providers.Quota, true
	case n >= 1110 && n <= 1121:
		return providers.Auth, true
	case n >= 1210 && n <= 1222, n == 1261:
		return providers.BadRequest, true
	case n == 1301:
		return providers.ContentFiltered, true
	case n == 1302, n == 1303, n == 1305, n == 1312:
		return providers.RateLimited, true
	case n == 1304, n == 1308, n == 1310:
		return providers.Quota, true
	}
	return "", false
}
