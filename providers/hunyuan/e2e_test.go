package hunyuan

import (
	"net/http"
	"testing"

	"github.com/llmbench/llmbench/providers/providertest/e2e"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/providertest"
)

// TestEndToEnd runs the hunyuan adapter the way `llmbench run` does: the
// OpenAI-compatible endpoint with an API key (variable named by
// api_key_env), and the native API 3.0 signed with TC3-HMAC-SHA256 from the
// conventional TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, its
// base_url's host being the signed Host. The native API reports no model
// name, so the requested one is stored. See runE2E.
func TestEndToEnd(t *testing.T) {
	const (
		key       = "sk-hunyuan-e2e-Sup3rS3cretValue-0123456789"
		secretID  = "AKIDe2e0123456789abcdefEXAMPLE"
		secretKey = "e2eSup3rS3cretKey0123456789EXAMPLE"
	)
	tests := []e2e.Target{
		{
			API: APIOpenAI, Model: "hunyuan-turbos-latest", Reported: "hunyuan-turbos-20250604", Path: "/v1",
			Keys:  []string{"api_key_env: E2E_HUNYUAN_KEY"},
			Env:   map[string]string{"E2E_HUNYUAN_KEY": key},
			Creds: providers.Config{APIKey: key}, Secrets: []string{key}, KeyEnv: "E2E_HUNYUAN_KEY",
			Serve: func(b providertest.Behaviour, w http.ResponseWriter, r *http.Request) {
				providertest.OpenAIHandler(b).ServeHTTP(w, r)
			},
		},
		{
			API: APINative, Model: "hunyuan-turbos-latest", Reported: "hunyuan-turbos-latest", Path: "/",
			Env:   map[string]string{SecretIDEnv: secretID, SecretKeyEnv: secretKey},
			Creds: providers.Config{AccessKey: secretID, SecretKey: secretKey},
			// The SecretId travels in clear in every Authorization header
			// and Tencent's own errors quote it (AuthFailure.SecretIdNotFound);
			// the adapter redacts it so no stored message holds it.
			Secrets: []string{secretKey, secretID},
			KeyEnv:  SecretIDEnv + " and " + SecretKeyEnv,
			Serve: func(b providertest.Behaviour, w http.ResponseWriter, r *http.Request) {
				newNativeFake(b).serveHTTP(w, r)
			},
		},
	}
	for _, tt := range tests {
		tt.Provider, tt.Images = "hunyuan", true
		t.Run(tt.Name(), func(t *testing.T) {
			t.Parallel()
			e2e.Run(t, tt)
		})
	}
}
