package sensenova_test

import (
	"net/http"
	"testing"

	"github.com/llmbench/llmbench/providers/providertest/e2e"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/providertest"
	"github.com/llmbench/llmbench/providers/sensenova"
)

// TestEndToEnd runs the sensenova adapter the way `llmbench run` does: the
// default OpenAI-compatible mode with an API key, and the native API signed
// with an access key pair (variables named by access_key_env and
// secret_key_env) or, with no pair set, the API key from the conventional
// SENSENOVA_API_KEY. The native API reports no model name, so the
// requested one is stored. See runE2E.
func TestEndToEnd(t *testing.T) {
	const (
		key       = "sn-e2eKd93Sup3rS3cretApiKey0123456789"
		accessKey = "2YkE2EaCCESSid0456"
		secretKey = "Xq7E2ESup3rS3cretAccessKeySecret89"
	)
	native := func(b providertest.Behaviour, w http.ResponseWriter, r *http.Request) {
		nativeHandler(b).ServeHTTP(w, r)
	}
	tests := []e2e.Target{
		{
			Model: "SenseNova-V6-5-Pro", Reported: "SenseNova-V6-5-Pro-20250627", Path: "/compatible-mode/v1",
			Keys:  []string{"api_key_env: E2E_SENSENOVA_KEY"},
			Env:   map[string]string{"E2E_SENSENOVA_KEY": key},
			Creds: providers.Config{APIKey: key}, Secrets: []string{key}, KeyEnv: "E2E_SENSENOVA_KEY",
			Serve: func(b providertest.Behaviour, w http.ResponseWriter, r *http.Request) {
				http.StripPrefix("/compatible-mode", providertest.OpenAIHandler(b)).ServeHTTP(w, r)
			},
		},
		{
			API: "native", Label: "pair", Model: "SenseChat-5", Reported: "SenseChat-5", Path: "/v1/llm",
			Keys:  []string{"access_key_env: E2E_SENSENOVA_AK", "secret_key_env: E2E_SENSENOVA_SK"},
			Env:   map[string]string{"E2E_SENSENOVA_AK": accessKey, "E2E_SENSENOVA_SK": secretKey},
			Creds: providers.Config{AccessKey: accessKey, SecretKey: secretKey}, Secrets: []string{accessKey, secretKey},
			KeyEnv: "E2E_SENSENOVA_AK and E2E_SENSENOVA_SK", Serve: native,
		},
		{
			API: "native", Label: "key", Model: "SenseChat-5", Reported: "SenseChat-5", Path: "/v1/llm",
			Env:   map[string]string{sensenova.KeyEnv: key},
			Creds: providers.Config{APIKey: key}, Secrets: []string{key}, KeyEnv: sensenova.KeyEnv, Serve: native,
		},
	}
	for _, tt := range tests {
		tt.Provider, tt.Images = "sensenova", true
		t.Run(tt.Name(), func(t *testing.T) {
			t.Parallel()
			e2e.Run(t, tt)
		})
	}
}
