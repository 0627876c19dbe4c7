package sensenova_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/providertest"
	"github.com/llmbench/llmbench/providers/sensenova"
)

const (
	testKey       = "sn-Kd93Sup3rS3cretApiKey0123456789"
	testAccessKey = "2YkD9aCCESSid0123"
	testSecretKey = "Xq7Sup3rS3cretAccessKeySecret89"
)

// reportedModel is the dated id the kit expects an answer to report. The
// native API names no model in its answers, so the adapter reports the
// requested one: requesting this id keeps the kit's answer and stream
// checks (text, usage, finish reason, timing) in force for it.
const reportedModel = "test-model-2024-08-06"

func TestConformance(t *testing.T) {
	tests := []struct {
		name  string
		cfg   providers.Config
		fake  func(*testing.T, providertest.Behaviour) string
		model string
	}{
		{"native/key", providers.Config{API: "native", APIKey: testKey, APIKeyEnv: sensenova.KeyEnv}, fakeNative, reportedModel},
		{"native/pair", providers.Config{API: "native", AccessKey: testAccessKey, SecretKey: testSecretKey}, fakeNative, reportedModel},
		{"openai", providers.Config{APIKey: testKey, APIKeyEnv: sensenova.KeyEnv}, fakeCompat, "SenseNova-V6-5-Pro"},
		{"openai/explicit", providers.Config{API: "openai", APIKey: testKey, APIKeyEnv: sensenova.KeyEnv}, fakeCompat, "SenseNova-V6-5-Pro"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kit := &providertest.Kit{New: sensenova.New, Fake: tt.fake, Config: tt.cfg, Model: tt.model}
			kit.Run(t)
		})
	}
}

// fakeCompat is the compatible mode: the OpenAI wire format under
// /compatible-mode/v1, with a Bearer API key.
func fakeCompat(t *testing.T, b providertest.Behaviour) string {
	srv := httptest.NewServer(http.StripPrefix("/compatible-mode", providertest.OpenAIHandler(b)))
	t.Cleanup(srv.Close)
	return srv.URL + "/compatible-mode/v1"
}

// TestFakeRejectsBadTokens proves the fake's JWT check has teeth: a token
// with the wrong secret, the wrong issuer, millisecond times, or outside
// its validity window is refused.
func TestFakeRejectsBadTokens(t *testing.T) {
	cfg := providers.Config{AccessKey: testAccessKey, SecretKey: testSecretKey}
	now := time.Unix(1700000000, 0)
	good := signForTest(`{"iss":"`+testAccessKey+`","exp":1700001800,"nbf":1699999995}`, testSecretKey)
	tests := []struct {
		name string
		cred string
		want bool
	}{
		{"valid", "Bearer " + good, true},
		{"no Bearer", good, false},
		{"wrong secret", "Bearer " + signForTest(`{"iss":"`+testAccessKey+`","exp":1700001800,"nbf":1699999995}`, "other"), false},
		{"wrong issuer", "Bearer " + signForTest(`{"iss":"someone","exp":1700001800,"nbf":1699999995}`, testSecretKey), false},
		{"expired", "Bearer " + signForTest(`{"iss":"`+testAccessKey+`","exp":1700000000,"nbf":1699998195}`, testSecretKey), false},
		{"not yet valid", "Bearer " + signForTest(`{"iss":"`+testAccessKey+`","exp":1700001900,"nbf":1700000100}`, testSecretKey), false},
		{"milliseconds", "Bearer " + signForTest(`{"iss":"`+testAccessKey+`","exp":1700001800000,"nbf":1699999995000}`, testSecretKey), false},
		{"tampered", "Bearer " + strings.Replace(good, ".", ".x", 1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := authOK(tt.cred, cfg, now); got != tt.want {
				t.Errorf("authOK = %v, want %v", got, tt.want)
			}
		})
	}
}
