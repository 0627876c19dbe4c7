package openai_test

import (
	"net/http"
	"testing"

	"github.com/llmbench/llmbench/providers/providertest/e2e"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/providertest"
)

// TestEndToEnd runs the openai adapter the way `llmbench run` does, with
// base_url pointing at the OpenAI fake (see e2e.Run).
func TestEndToEnd(t *testing.T) {
	const key = "sk-proj-e2e-Sup3rS3cretValue-5f1c0a9b7d3e"
	e2e.Run(t, e2e.Target{
		Provider: "openai", Model: "gpt-4o", Reported: "gpt-4o-2024-08-06",
		Path:    "/v1",
		Keys:    []string{"api_key_env: E2E_OPENAI_KEY"},
		Env:     map[string]string{"E2E_OPENAI_KEY": key},
		Creds:   providers.Config{APIKey: key},
		Secrets: []string{key},
		KeyEnv:  "E2E_OPENAI_KEY",
		Images:  true,
		Serve: func(b providertest.Behaviour, w http.ResponseWriter, r *http.Request) {
			providertest.OpenAIHandler(b).ServeHTTP(w, r)
		},
	})
}
