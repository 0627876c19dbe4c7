package sim

import (
	"fmt"
	"net"
	"net/url"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/openai"
)

// DefaultAddr is where `llmbench sim` listens unless told otherwise.
const DefaultAddr = "127.0.0.1:8089"

// DefaultBaseURL is the "sim" provider's base URL when a target gives none.
const DefaultBaseURL = "http://" + DefaultAddr + "/v1"

func init() {
	providers.Register(providers.Info{
		Name:           "sim",
		Description:    "llmbench's local simulator: SIMULATED models (names end in -sim) behind an OpenAI-compatible API on loopback; no real model is called",
		DefaultBaseURL: DefaultBaseURL,
		Simulated:      true,
	}, NewProvider)
}

// NewProvider is the "sim" factory: the openai adapter pointed at a
// simulator. It refuses a base URL that is not on a loopback address, since
// the simulator only ever listens there and a target marked simulated must
// not reach a real API.
func NewProvider(cfg providers.Config) (providers.Provider, error) {
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("target %s: simulator base url is not a valid URL", cfg.Name)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("target %s: simulator base url %q is not a loopback address", cfg.Name, u.Redacted())
	}
	c, err := openai.NewWith(cfg, openai.Options{DefaultBaseURL: DefaultBaseURL})
	if err != nil {
		return nil, err
	}
	return c, nil
}
