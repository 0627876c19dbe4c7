package hunyuan

import (
	"testing"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/providertest"
)

// TestConformanceOpenAI runs the kit against the OpenAI fake: the
// compatible endpoint speaks OpenAI's wire format, errors included ([MEM]).
func TestConformanceOpenAI(t *testing.T) {
	kit := &providertest.Kit{
		New:  New,
		Fake: providertest.OpenAIFake,
		Config: providers.Config{
			APIKey:    "sk-hunyuan-conformance-5ecret-0123456789",
			APIKeyEnv: KeyEnv,
		},
		Model: "hunyuan-turbos-latest",
	}
	kit.Run(t)
}

// TestConformanceNative runs the kit against the API 3.0 fake. The API
// reports no model name, so the adapter reports the requested one; the
// kit asks for the name it expects back.
func TestConformanceNative(t *testing.T) {
	kit := &providertest.Kit{
		New:  New,
		Fake: nativeFakeKit,
		Config: providers.Config{
			API:       APINative,
			AccessKey: "AKIDconformance0123456789abcdefEXAMPLE",
			SecretKey: "conformanceSecretKey0123456789EXAMPLE",
		},
		Model: "test-model-2024-08-06",
		Skip: map[string]string{
			"rate_limited": "Tencent sends no delay hint with RequestLimitExceeded; see TestRateLimit",
		},
	}
	kit.Run(t)
}
