package anthropic_test

import (
	"net/http"
	"testing"

	"github.com/llmbench/llmbench/providers/providertest/e2e"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/providertest"
)

// TestEndToEnd runs the anthropic adapter the way `llmbench run` does,
// with base_url (the API root, without /v1) pointing at the Messages API
// fake (see e2e.Run).
func TestEndToEnd(t *testing.T) {
	const key = "sk-ant-api03-e2e-Sup3rS3cretValue-7c2e9a4f"
	e2e.Run(t, e2e.Target{
		Provider: "anthropic", Model: "claude-sonnet-4-5", Reported: "claude-sonnet-4-5-20250929",
		Keys:    []string{"api_key_env: E2E_ANTHROPIC_KEY"},
		Env:     map[string]string{"E2E_ANTHROPIC_KEY": key},
		Creds:   providers.Config{APIKey: key},
		Secrets: []string{key},
		KeyEnv:  "E2E_ANTHROPIC_KEY",
		Images:  true,
		Serve: func(b providertest.Behaviour, w http.ResponseWriter, r *http.Request) {
			fakeHandler(b).ServeHTTP(w, r)
		},
	})
}
