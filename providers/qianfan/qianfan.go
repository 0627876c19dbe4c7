package qianfan

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/openai"
	"github.com/llmbench/llmbench/providers/wiretime"
)

// Endpoints and conventional variables.
const (
	// DefaultBaseURL is the v2 (OpenAI-compatible) API root.
	DefaultBaseURL = "https://qianfan.baidubce.com/v2"
	// V1BaseURL is the host of the legacy v1 API (wenxinworkshop) and of
	// its OAuth token endpoint.
	V1BaseURL = "https://aip.baidubce.com"
	// KeyEnv holds a v2 API key ("bce-v3/ALTAK-…/…").
	KeyEnv = "QIANFAN_API_KEY"
	// AKEnv and SKEnv conventionally hold an application's API Key and
	// Secret Key, exchanged for an OAuth access token (api: v1). The names
	// are the Qianfan SDK's; a config names them with access_key_env and
	// secret_key_env.
	AKEnv = "QIANFAN_AK"
	SKEnv = "QIANFAN_SK"
	// AccessKeyEnv and SecretKeyEnv conventionally hold an IAM Access Key
	// and Secret Key, used to sign each call (api: v1-bce).
	AccessKeyEnv = "QIANFAN_ACCESS_KEY"
	SecretKeyEnv = "QIANFAN_SECRET_KEY"
)

// The APIs a target can select with `api:`.
const (
	// APIV2 is the OpenAI-compatible v2 API with a bearer API key (the
	// default; "openai" is accepted as a synonym).
	APIV2 = "v2"
	// APIV1 is the legacy wenxinworkshop API authenticated with an OAuth
	// access token obtained from an application's API Key and Secret Key
	// ("native" is accepted as a synonym).
	APIV1 = "v1"
	// APIV1BCE is the same legacy API with every call signed (BCE auth v1)
	// by an IAM Access Key and Secret Key.
	APIV1BCE = "v1-bce"
)

func init() {
	providers.Register(providers.Info{
		Name: "qianfan",
		Description: "Baidu Qianfan (ERNIE): api v2 OpenAI-compatible with QIANFAN_API_KEY (default); " +
			"api v1 legacy wenxinworkshop with an OAuth token from an API Key + Secret Key pair; " +
			"api v1-bce the same, signed with an IAM Access Key + Secret Key pair",
		DefaultBaseURL: DefaultBaseURL,
		KeyEnv:         KeyEnv,
		Pairs: map[string]providers.PairEnv{
			APIV1:    {Access: AKEnv, Secret: SKEnv},
			"native": {Access: AKEnv, Secret: SKEnv},
			APIV1BCE: {Access: AccessKeyEnv, Secret: SecretKeyEnv},
		},
	}, New)
}

// Client is a configured connection to Qianfan through one of its APIs. It
// is safe for concurrent use.
type Client struct {
	api string
	v2  *openai.Client
	v1  *v1Client
}

var (
	_ providers.Provider      = (*Client)(nil)
	_ providers.ParamAdjuster = (*Client)(nil)
)

// New builds a Client; it is the "qianfan" factory. Config.API selects the
// API ("" is v2). v2 takes Config.APIKey; v1 and v1-bce take the pair
// Config.AccessKey and Config.SecretKey, and fail here without it.
func New(cfg providers.Config) (providers.Provider, error) {
	c, err := NewClient(cfg)
	if err != nil {
		return nil, err // not a nil *Client inside a non-nil interface
	}
	return c, nil
}

// NewClient is New with the concrete type.
func NewClient(cfg providers.Config) (*Client, error) {
	api, err := apiOf(cfg)
	if err != nil {
		return nil, err
	}
	c := &Client{api: api}
	switch api {
	case APIV2:
		if cfg.APIKey == "" && cfg.AccessKey != "" {
			return nil, fmt.Errorf("target %s: api v2 takes one API key (%s), not a key pair; "+
				"for an application's API Key + Secret Key use api: v1, for an IAM Access Key + Secret Key use api: v1-bce", cfg.Name, KeyEnv)
		}
		c.v2, err = openai.NewWith(cfg, openai.Options{
			DefaultBaseURL: DefaultBaseURL,
			KeyEnv:         KeyEnv,
			// The v2 request names the field max_completion_tokens
			// (the Qianfan SDK's ChatCompletionV2Request).
			MaxCompletionTokens: true,
		})
	default:
		c.v1, err = newV1(cfg, api == APIV1BCE)
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

func apiOf(cfg providers.Config) (string, error) {
	switch strings.ToLower(strings.TrimSpace(cfg.API)) {
	case "", APIV2, "openai":
		return APIV2, nil
	case APIV1, "native":
		return APIV1, nil
	case APIV1BCE:
		return APIV1BCE, nil
	}
	return "", fmt.Errorf("target %s: provider qianfan has no API %q (use v2, v1 or v1-bce)", cfg.Name, cfg.API)
}

// API is the API the client speaks (v2, v1 or v1-bce).
func (c *Client) API() string { return c.api }

// Complete performs one call. Every failure is a *providers.Error. The
// parameters are adjusted as AdjustParams says, so a caller that skipped
// it still sends what the API accepts.
func (c *Client) Complete(ctx context.Context, req *providers.Request) (*providers.Response, error) {
	r := *req
	r.Params, _ = adjustParams(req.Params, c.api)
	if c.v2 != nil {
		return c.v2.Complete(ctx, &r)
	}
	if err := providers.RefuseRemoteImages(req); err != nil {
		return nil, err
	}
	resp, perr := c.v1.complete(ctx, &r)
	if perr != nil {
		return nil, perr
	}
	return resp, nil
}

// AdjustParams implements providers.ParamAdjuster: ERNIE takes temperature
// in (0, 1] (0 is rejected), and the v1 API has no seed.
func (c *Client) AdjustParams(p providers.Params) (providers.Params, []string) {
	return adjustParams(p, c.api)
}

// MinTemperature is what a temperature of 0 (or below) becomes: the
// smallest value ERNIE's (0, 1] range comfortably accepts, as near to
// greedy decoding as the API allows.
const MinTemperature = 0.01

// adjustParams is pure: it never writes through p's pointers.
func adjustParams(p providers.Params, api string) (providers.Params, []string) {
	var warns []string
	if t := p.Temperature; t != nil {
		switch {
		case *t <= 0:
			v := MinTemperature
			p.Temperature = &v
			warns = append(warns, fmt.Sprintf("temperature %g is outside ERNIE's range (0, 1]; sending %g", *t, v))
		case *t > 1:
			v := 1.0
			p.Temperature = &v
			warns = append(warns, fmt.Sprintf("temperature %g is outside ERNIE's range (0, 1]; sending 1", *t))
		}
	}
	if api != APIV2 && p.Seed != nil {
		p.Seed = nil
		warns = append(warns, "seed is not sent: the Qianfan v1 API has no seed parameter")
	}
	return p, warns
}

// defaultClient has no overall timeout (the call's context bounds it) and
// keeps enough idle connections for a benchmark's concurrent workers. Its
// connections keep the kernel's receive stamps for the latency clock.
var defaultClient = func() *http.Client {
	return &http.Client{Transport: wiretime.NewTransport(64)}
}()

// parseBase checks a base URL and returns it without a trailing slash.
func parseBase(name, base string) (*url.URL, error) {
	u, err := url.Parse(base)
	if err != nil {
		// The parse error would quote the URL, password and all.
		return nil, fmt.Errorf("target %s: base url is not a valid URL", name)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("target %s: base url %q is not an http(s) URL", name, u.Redacted())
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}
