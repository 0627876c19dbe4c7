package openai_test

import (
	"testing"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/openai"
	"github.com/llmbench/llmbench/providers/providertest"
)

func TestConformance(t *testing.T) {
	kit := &providertest.Kit{
		New:  openai.New,
		Fake: providertest.OpenAIFake,
		Config: providers.Config{
			APIKey:    "sk-proj-conformance-5ecret-abcdef0123456789",
			APIKeyEnv: "OPENAI_API_KEY",
		},
		Model: "gpt-4o",
	}
	kit.Run(t)
}
