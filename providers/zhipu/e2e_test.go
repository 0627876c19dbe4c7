package zhipu_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/llmbench/llmbench/providers/providertest/e2e"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/providertest"
	"github.com/llmbench/llmbench/providers/zhipu"
)

// TestEndToEnd runs the zhipu adapter the way `llmbench run` does, with
// the key sent as a bearer token (API: key, the key in a variable named by
// api_key_env) and signed into the legacy JWT (API: jwt, the key in the
// conventional ZHIPUAI_API_KEY). See runE2E.
func TestEndToEnd(t *testing.T) {
	const key = "7d1e3f5a9b2c4e6f8a0b1c2d3e4f5a6b.E2eSup3rS3cretHalf"
	_, secretHalf, _ := strings.Cut(key, ".")
	tests := []e2e.Target{
		{API: "key", Keys: []string{"api_key_env: E2E_ZHIPU_KEY"}, Env: map[string]string{"E2E_ZHIPU_KEY": key}, KeyEnv: "E2E_ZHIPU_KEY"},
		{API: "jwt", Env: map[string]string{zhipu.KeyEnv: key}, KeyEnv: zhipu.KeyEnv},
	}
	for _, tt := range tests {
		tt.Provider, tt.Model, tt.Reported, tt.Path = "zhipu", "glm-4v-plus", "glm-4v-plus-0111", "/api/paas/v4"
		tt.Creds = providers.Config{APIKey: key}
		tt.Secrets, tt.Images = []string{key, secretHalf}, true
		tt.Serve = func(b providertest.Behaviour, w http.ResponseWriter, r *http.Request) {
			zhipuHandler(b).ServeHTTP(w, r)
		}
		t.Run(tt.Name(), func(t *testing.T) {
			t.Parallel()
			e2e.Run(t, tt)
		})
	}
}
