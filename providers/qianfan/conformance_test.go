package qianfan

import (
	"testing"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/providertest"
)

// noHint is why the kit's rate_limited check, which wants the server's
// delay hint back, does not apply: Baidu documents none. TestRateLimit
// checks the class, and that a hint is honoured when a gateway adds one.
const noHint = "Qianfan sends no delay hint with a rate limit; see TestRateLimit"

func TestConformanceV2(t *testing.T) {
	kit := &providertest.Kit{
		New:  New,
		Fake: v2Fake,
		Config: providers.Config{
			APIKey:    "bce-v3/ALTAK-conformance5ecret/0123456789abcdef",
			APIKeyEnv: KeyEnv,
		},
		Model: "ernie-4.0-turbo-8k",
		Skip: map[string]string{
			"rate_limited": noHint,
			"quota":        "Baidu documents no billing error for v2 (reference §5a); v1's codes 17 and 19 are tested",
		},
	}
	kit.Run(t)
}

// The v1 body reports no model name, so the adapter reports the requested
// one; the kit asks for the name it expects back.
const v1Model = "test-model-2024-08-06"

func TestConformanceV1OAuth(t *testing.T) {
	kit := &providertest.Kit{
		New:  New,
		Fake: ernieFakeKit,
		Config: providers.Config{
			API:       APIV1,
			AccessKey: "conformanceAppApiKey0123",
			SecretKey: "conformanceAppSecretKey0123456789",
		},
		Model: v1Model,
		Skip: map[string]string{
			"rate_limited": noHint,
			"image":        "the v1 chat API takes text only",
		},
	}
	kit.Run(t)
}

func TestConformanceV1BCE(t *testing.T) {
	kit := &providertest.Kit{
		New:  New,
		Fake: ernieFakeKit,
		Config: providers.Config{
			API:       APIV1BCE,
			AccessKey: "0123456789abcdef0123456789abcdef",
			SecretKey: "fedcba9876543210fedcba9876543210",
		},
		Model: v1Model,
		Skip: map[string]string{
			"rate_limited": noHint,
			"image":        "the v1 chat API takes text only",
		},
	}
	kit.Run(t)
}
