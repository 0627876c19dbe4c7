package anthropic_test

import (
	"testing"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/anthropic"
	"github.com/llmbench/llmbench/providers/providertest"
)

func TestConformance(t *testing.T) {
	kit := &providertest.Kit{
		New:  anthropic.New,
		Fake: fake,
		Config: providers.Config{
			APIKey:    "sk-ant-api03-conformance-5ecret-abcdef0123456789",
			APIKeyEnv: "ANTHROPIC_API_KEY",
		},
		Model: "claude-sonnet-4-5",
	}
	kit.Run(t)
}
