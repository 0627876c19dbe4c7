package presets_test

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/llmbench/llmbench/providers/providertest/e2e"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/presets"
	"github.com/llmbench/llmbench/providers/providertest"
)

// TestEndToEnd runs every preset the way `llmbench run` does, each target
// naming only provider and model beyond base_url and its key variable.
// Each fake is the OpenAI fake under the preset's API root, with the
// service's own bodies for a rate limit and a content-filter block where
// the README documents them (DashScope, Moonshot); the local servers need
// no key, vLLM's takes one as when started with --api-key. See runE2E.
func TestEndToEnd(t *testing.T) {
	const (
		deepseekKey = "sk-e2e-deepseek-Sup3rS3cret-0123456789"
		qwenKey     = "sk-e2e-dashscope-Sup3rS3cret-0123456789"
		moonshotKey = "sk-e2e-moonshot-Sup3rS3cret-0123456789"
		vllmKey     = "e2e-vllm-Sup3rS3cret-token"
	)
	dashscope := map[providertest.Scenario]e2eError{
		providertest.RateLimit: {http.StatusTooManyRequests,
			`{"error":{"code":"Throttling.RateQuota","message":"Requests rate limit exceeded, please try again later.","type":"Throttling.RateQuota"},"id":"chatcmpl-e2e","request_id":"e2e"}`},
		providertest.ContentFilter: {http.StatusBadRequest,
			`{"error":{"code":"data_inspection_failed","param":null,"message":"Input data may contain inappropriate content.","type":"data_inspection_failed"},"id":"chatcmpl-e2e","request_id":"e2e"}`},
	}
	moonshot := map[providertest.Scenario]e2eError{
		providertest.RateLimit: {http.StatusTooManyRequests,
			`{"error":{"message":"request reached organization max RPM: 3","type":"rate_limit_reached_error"}}`},
		providertest.ContentFilter: {http.StatusBadRequest,
			`{"error":{"message":"The request was rejected because it was considered high risk","type":"content_filter"}}`},
	}
	tests := []e2e.Target{
		{Provider: "deepseek", Model: "deepseek-chat", Env: map[string]string{"DEEPSEEK_API_KEY": deepseekKey},
			Creds: providers.Config{APIKey: deepseekKey}, Secrets: []string{deepseekKey}, KeyEnv: "DEEPSEEK_API_KEY",
			Serve: e2eOpenAI("", nil)},
		{Provider: "qwen", Model: "qwen-vl-max", Path: "/compatible-mode/v1", Env: map[string]string{"DASHSCOPE_API_KEY": qwenKey},
			Creds: providers.Config{APIKey: qwenKey}, Secrets: []string{qwenKey}, KeyEnv: "DASHSCOPE_API_KEY", Images: true,
			Serve: e2eOpenAI("/compatible-mode/v1", dashscope)},
		{Provider: "moonshot", Model: "moonshot-v1-8k-vision-preview", Path: "/v1",
			Keys: []string{"api_key_env: E2E_MOONSHOT_KEY"}, Env: map[string]string{"E2E_MOONSHOT_KEY": moonshotKey},
			Creds: providers.Config{APIKey: moonshotKey}, Secrets: []string{moonshotKey}, KeyEnv: "E2E_MOONSHOT_KEY", Images: true,
			Serve: e2eOpenAI("/v1", moonshot)},
		{Provider: "ollama", Model: "qwen2.5vl:7b", Path: "/v1", Images: true, Serve: e2eOpenAI("/v1", nil)},
		{Provider: "vllm", Model: "Qwen/Qwen2.5-VL-7B-Instruct", Path: "/v1",
			Keys: []string{"api_key_env: E2E_VLLM_KEY"}, Env: map[string]string{"E2E_VLLM_KEY": vllmKey},
			Creds: providers.Config{APIKey: vllmKey}, Secrets: []string{vllmKey}, KeyEnv: "E2E_VLLM_KEY", Images: true,
			Serve: e2eOpenAI("/v1", nil)},
		{Provider: "llamacpp", Model: "qwen2.5-7b-instruct-q4_k_m.gguf", Path: "/v1", Serve: e2eOpenAI("/v1", nil)},
	}
	for _, p := range presets.List() {
		if !slices.ContainsFunc(tests, func(tt e2e.Target) bool { return tt.Provider == p.Info.Name }) {
			t.Errorf("preset %s has no end-to-end target here", p.Info.Name)
		}
	}
	for _, tt := range tests {
		// These services report the model as it was requested.
		tt.Reported = tt.Model
		t.Run(tt.Name(), func(t *testing.T) {
			t.Parallel()
			e2e.Run(t, tt)
		})
	}
}

// e2eError is a service's own error answer.
type e2eError struct {
	status int
	body   string
}

// e2eOpenAI serves the OpenAI fake under root (the preset's API root
// path), answering the scenarios in errs with the service's own bodies.
func e2eOpenAI(root string, errs map[providertest.Scenario]e2eError) func(providertest.Behaviour, http.ResponseWriter, *http.Request) {
	return func(b providertest.Behaviour, w http.ResponseWriter, r *http.Request) {
		if e, ok := errs[b.Scenario]; ok {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(e.status)
			io.WriteString(w, e.body)
			return
		}
		r.URL.Path, r.URL.RawPath = "/v1"+strings.TrimPrefix(r.URL.Path, root), ""
		providertest.OpenAIHandler(b).ServeHTTP(w, r)
	}
}
