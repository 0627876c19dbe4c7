package presets

import (
	"strings"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/openai"
)

// Preset is an OpenAI-compatible service registered under its own name.
type Preset struct {
	// Info is what the registry lists: name, API root, key variable.
	Info providers.Info
	// Options are the quirks given to openai.NewWith; DefaultBaseURL and
	// KeyEnv repeat Info's.
	Options openai.Options
}

// New builds the preset's provider from cfg: the openai adapter with the
// preset's options. Config.API must be "" or "openai".
func (p Preset) New(cfg providers.Config) (providers.Provider, error) {
	if cfg.Provider == "" {
		cfg.Provider = p.Info.Name
	}
	if err := openai.CheckAPI(cfg); err != nil {
		return nil, err
	}
	c, err := openai.NewWith(cfg, p.Options)
	if err != nil {
		return nil, err // not a nil *Client inside a non-nil interface
	}
	return c, nil
}

// preset fills the fields Info and Options share.
func preset(name, desc, base, keyEnv string, opts openai.Options) Preset {
	opts.DefaultBaseURL = base
	opts.KeyEnv = keyEnv
	// Every one of these services documents "max_tokens"; none needs the
	// newer name, whatever a local model happens to be called.
	opts.LegacyMaxTokens = true
	return Preset{
		Info:    providers.Info{Name: name, Description: desc, DefaultBaseURL: base, KeyEnv: keyEnv},
		Options: opts,
	}
}

// all are the presets, in the order List returns them.
var all = []Preset{
	// DeepSeek: no /v1 in the root. 402 "Insufficient Balance" (quota) and
	// 422 (bad_request) are covered by the generic rules. Under load the
	// server holds the connection with blank lines (non-streamed) or
	// ": keep-alive" comments (streamed), which the readers skip.
	// deepseek-reasoner's reasoning_content is not part of the answer, so
	// TTFT is the first token of the answer proper.
	preset("deepseek", "DeepSeek API (OpenAI-compatible)", "https://api.deepseek.com", "DEEPSEEK_API_KEY", openai.Options{}),

	// Qwen through DashScope's compatible mode (international accounts:
	// base_url https://dashscope-intl.aliyuncs.com/compatible-mode/v1).
	preset("qwen", "Alibaba Qwen via DashScope compatible mode (OpenAI-compatible)", "https://dashscope.aliyuncs.com/compatible-mode/v1", "DASHSCOPE_API_KEY",
		openai.Options{Classify: classifyDashScope}),

	// Moonshot (Kimi; international accounts: base_url
	// https://api.moonshot.ai/v1). Its stream has put usage inside the last
	// choice, on the last content chunk, or (with stream_options) in a
	// final choices:[] chunk; the reader takes it from any of them.
	preset("moonshot", "Moonshot Kimi API (OpenAI-compatible)", "https://api.moonshot.cn/v1", "MOONSHOT_API_KEY",
		openai.Options{Classify: classifyMoonshot}),

	// Local servers. No key by default; vLLM and llama.cpp started with
	// --api-key take one through api_key_env. Old vLLM error bodies
	// ({"object":"error",...}) and llama.cpp's 503 "Loading model" are
	// covered by the generic rules.
	preset("ollama", "Ollama's OpenAI-compatible endpoint (local; no key)", "http://localhost:11434/v1", "", openai.Options{}),
	preset("vllm", "vLLM's OpenAI-compatible server (local; no key unless started with --api-key)", "http://localhost:8000/v1", "", openai.Options{}),
	preset("llamacpp", "llama.cpp's llama-server, OpenAI-compatible (local; no key unless started with --api-key)", "http://localhost:8080/v1", "", openai.Options{}),
}

func init() {
	for _, p := range all {
		providers.Register(p.Info, p.New)
	}
}

// List returns every preset, in a fixed order.
func List() []Preset { return append([]Preset(nil), all...) }

// classifyDashScope claims DashScope's own error codes, which come in the
// OpenAI error shape ({"error":{"code","type","message"}}) or, from some
// gateways, in the native one ({"code","message","request_id"}):
//
//	data_inspection_failed / DataInspectionFailed  content_filtered (its moderation)
//	Arrearage                                      quota (the account is in arrears)
//	AllocationQuota.* (free tier only, exhausted)   quota
//	Throttling, Throttling.*, limit_requests        rate_limited
//
// insufficient_quota on a 429 is quota by the generic rules.
func classifyDashScope(status int, e openai.APIError) (providers.Class, bool) {
	for _, c := range []string{e.Code, e.Type} {
		switch {
		case strings.EqualFold(c, "data_inspection_failed") || strings.Contains(c, "DataInspectionFailed"):
			return providers.ContentFiltered, true
		case c == "Arrearage" || strings.HasPrefix(c, "AllocationQuota"):
			return providers.Quota, true
		case c == "Throttling" || strings.HasPrefix(c, "Throttling.") || c == "limit_requests":
			return providers.RateLimited, true
		}
	}
	if strings.Contains(e.Message, "DataInspectionFailed") {
		return providers.ContentFiltered, true
	}
	return "", false
}

// classifyMoonshot claims Moonshot's error types that the generic rules
// would misread: exceeded_current_quota_error (the account is out of
// balance, sent with 429 or 403) is quota, not a rate limit or bad
// credentials; engine_overloaded_error (429) is the server's load, not the
// account's rate, so it is server (retried either way).
func classifyMoonshot(status int, e openai.APIError) (providers.Class, bool) {
	switch e.Type {
	case "exceeded_current_quota_error":
		return providers.Quota, true
	case "engine_overloaded_error":
		return providers.Server, true
	}
	return "", false
}
