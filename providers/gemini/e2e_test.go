package gemini_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/llmbench/llmbench/providers/providertest/e2e"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/providertest"
)

// TestEndToEnd runs the gemini adapter the way `llmbench run` does, in
// both APIs: native generateContent against the native fake, and api
// openai against the OpenAI fake mounted where Gemini's compatible
// endpoint lives (base_url …/v1beta/openai). See runE2E.
func TestEndToEnd(t *testing.T) {
	const key = "AIzaSyE2E-Sup3rS3cretValue-0b8d6f2a41"
	tests := []e2e.Target{
		{
			Provider: "gemini", Model: "gemini-2.5-flash", Reported: "gemini-2.5-flash-preview-05-20",
			Path: "/v1beta",
			Serve: func(b providertest.Behaviour, w http.ResponseWriter, r *http.Request) {
				fakeHandler(b).ServeHTTP(w, r)
			},
		},
		{
			Provider: "gemini", API: "openai", Model: "gemini-2.5-flash", Reported: "gemini-2.5-flash-preview-05-20",
			Path: "/v1beta/openai",
			Serve: func(b providertest.Behaviour, w http.ResponseWriter, r *http.Request) {
				r.URL.Path, r.URL.RawPath = "/v1"+strings.TrimPrefix(r.URL.Path, "/v1beta/openai"), ""
				providertest.OpenAIHandler(b).ServeHTTP(w, r)
			},
		},
	}
	for _, tt := range tests {
		tt.Keys = []string{"api_key_env: E2E_GEMINI_KEY"}
		tt.Env = map[string]string{"E2E_GEMINI_KEY": key}
		tt.Creds = providers.Config{APIKey: key}
		tt.Secrets, tt.KeyEnv, tt.Images = []string{key}, "E2E_GEMINI_KEY", true
		t.Run(tt.Name(), func(t *testing.T) {
			t.Parallel()
			e2e.Run(t, tt)
		})
	}
}
