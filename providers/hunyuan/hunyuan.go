package hunyuan

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/openai"
	"github.com/llmbench/llmbench/providers/wiretime"
)

// Endpoints, API names and conventional variables.
const (
	// DefaultBaseURL is the OpenAI-compatible API root (api: openai, the
	// default).
	DefaultBaseURL = "https://api.hunyuan.cloud.tencent.com/v1"
	// NativeBaseURL is the Tencent Cloud API 3.0 endpoint (api: native).
	NativeBaseURL = "https://hunyuan.tencentcloudapi.com/"
	// KeyEnv holds an API key for the OpenAI-compatible endpoint.
	KeyEnv = "HUNYUAN_API_KEY"
	// SecretIDEnv and SecretKeyEnv conventionally hold the Tencent Cloud
	// key pair that signs native calls; a config names them with
	// access_key_env and secret_key_env.
	SecretIDEnv  = "TENCENTCLOUD_SECRET_ID"
	SecretKeyEnv = "TENCENTCLOUD_SECRET_KEY"

	// APIOpenAI and APINative are the values of a target's `api:`.
	APIOpenAI = "openai"
	APINative = "native"

	// Action, Version and Service identify native ChatCompletions in API
	// 3.0 (X-TC-Action, X-TC-Version, and the TC3 credential scope).
	Action  = "ChatCompletions"
	Version = "2023-09-01"
	Service = "hunyuan"
)

func init() {
	providers.Register(providers.Info{
		Name: "hunyuan",
		Description: "Tencent Hunyuan: api openai, the OpenAI-compatible endpoint with HUNYUAN_API_KEY (default); " +
			"api native, Tencent Cloud API 3.0 ChatCompletions signed with TC3-HMAC-SHA256 by a SecretId + SecretKey pair",
		DefaultBaseURL: DefaultBaseURL,
		KeyEnv:         KeyEnv,
		Pairs: map[string]providers.PairEnv{
			APINative: {Access: SecretIDEnv, Secret: SecretKeyEnv},
		},
	}, New)
}

// Client is a configured connection to Hunyuan through one of its APIs.
// It is safe for concurrent use.
type Client struct {
	api    string
	compat *openai.Client
	native *nativeClient
}

var (
	_ providers.Provider      = (*Client)(nil)
	_ providers.ParamAdjuster = (*Client)(nil)
)

// New builds a Client; it is the "hunyuan" factory. Config.API selects
// the API ("" is openai). openai takes Config.APIKey; native takes the
// pair Config.AccessKey (the SecretId) and Config.SecretKey, and fails
// here without it.
func New(cfg providers.Config) (providers.Provider, error) {
	c, err := NewClient(cfg)
	if err != nil {
		return nil, err // not a nil *Client inside a non-nil interface
	}
	return c, nil
}

// NewClient is New with the concrete type.
func NewClient(cfg providers.Config) (*Client, error) {
	var err error
	c := &Client{}
	switch strings.ToLower(strings.TrimSpace(cfg.API)) {
	case "", APIOpenAI:
		c.api = APIOpenAI
		if cfg.APIKey == "" && cfg.AccessKey != "" {
			return nil, fmt.Errorf("target %s: api openai takes one API key (%s), not a key pair; for a SecretId + SecretKey pair use api: native", cfg.Name, KeyEnv)
		}
		c.compat, err = openai.NewWith(cfg, openai.Options{
			DefaultBaseURL: DefaultBaseURL,
			KeyEnv:         KeyEnv,
			// The compatible endpoint documents max_tokens.
			LegacyMaxTokens: true,
			// Hunyuan's moderation finish ([MEM] for this endpoint: it
			// is the native API's value).
			FilterFinishReasons: []string{"sensitive"},
			Classify:            compatClass,
		})
	case APINative:
		c.api = APINative
		c.native, err = newNative(cfg)
	default:
		return nil, fmt.Errorf("target %s: provider hunyuan has no API %q (use openai or native)", cfg.Name, cfg.API)
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// compatClass classifies a Tencent Cloud error code should the compatible
// endpoint send one (its error bodies are [MEM] OpenAI-style); other codes
// fall through to the OpenAI rules.
func compatClass(status int, e openai.APIError) (providers.Class, bool) {
	return knownCodeClass(e.Code)
}

// API is the API the client speaks (openai or native).
func (c *Client) API() string { return c.api }

// Complete performs one call. Every failure is a *providers.Error. The
// parameters are adjusted as AdjustParams says, so a caller that skipped
// it still sends what the API accepts.
func (c *Client) Complete(ctx context.Context, req *providers.Request) (*providers.Response, error) {
	if c.compat != nil {
		return c.compat.Complete(ctx, req)
	}
	if err := providers.RefuseRemoteImages(req); err != nil {
		return nil, err
	}
	r := *req
	r.Params, _ = adjustNative(req.Params)
	resp, perr := c.native.complete(ctx, &r)
	if perr != nil {
		return nil, perr
	}
	return resp, nil
}

// AdjustParams implements providers.ParamAdjuster. The compatible API
// takes the common parameters as they are. Native ChatCompletions has no
// max-tokens field (dropped), takes Temperature in [0, 2], TopP in
// [0, 1] and a Seed from 1 to 10000, and stops after a stop sequence
// rather than before it; each change is a warning.
func (c *Client) AdjustParams(p providers.Params) (providers.Params, []string) {
	if c.api != APINative {
		return p, nil
	}
	return adjustNative(p)
}

// adjustNative is pure: it never writes through p's pointers.
func adjustNative(p providers.Params) (providers.Params, []string) {
	var warns []string
	if p.MaxTokens != nil {
		warns = append(warns, fmt.Sprintf("max_tokens %d is not sent: native Hunyuan ChatCompletions has no max-tokens field (api: openai has one)", *p.MaxTokens))
		p.MaxTokens = nil
	}
	clamp := func(name string, v **float64, lo, hi float64) {
		if *v == nil || (**v >= lo && **v <= hi) {
			return
		}
		x := min(max(**v, lo), hi)
		warns = append(warns, fmt.Sprintf("%s %g is outside native Hunyuan's range [%g, %g]; sending %g", name, **v, lo, hi, x))
		*v = &x
	}
	clamp("temperature", &p.Temperature, 0, 2)
	clamp("top_p", &p.TopP, 0, 1)
	if p.Seed != nil && (*p.Seed < 1 || *p.Seed > 10000) {
		warns = append(warns, fmt.Sprintf("seed %d is not sent: native Hunyuan takes a seed from 1 to 10000", *p.Seed))
		p.Seed = nil
	}
	if len(p.Stop) > 0 {
		warns = append(warns, "stop sequences are sent, but native Hunyuan stops after a match, so the answer ends with it")
	}
	return p, warns
}

// defaultClient has no overall timeout (the call's context bounds it) and
// keeps enough idle connections for a benchmark's concurrent workers. Its
// connections keep the kernel's receive stamps for the latency clock.
var defaultClient = func() *http.Client {
	return &http.Client{Transport: wiretime.NewTransport(64)}
}()
