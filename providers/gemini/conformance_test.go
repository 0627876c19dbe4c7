package gemini_test

import (
	"testing"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/gemini"
	"github.com/llmbench/llmbench/providers/providertest"
)

func TestConformance(t *testing.T) {
	kit := &providertest.Kit{
		New:  gemini.New,
		Fake: fake,
		Config: providers.Config{
			APIKey:    "AIzaSyConformance-5ecret-abcdef0123456789",
			APIKeyEnv: "GEMINI_API_KEY",
		},
		Model: "gemini-2.5-flash",
	}
	kit.Run(t)
}

// TestConformanceOpenAICompatible runs the kit through api "openai", the
// openai adapter aimed at Gemini's OpenAI-compatible endpoint.
func TestConformanceOpenAICompatible(t *testing.T) {
	kit := &providertest.Kit{
		New: func(cfg providers.Config) (providers.Provider, error) {
			cfg.API = "openai"
			return gemini.New(cfg)
		},
		Fake: providertest.OpenAIFake,
		Config: providers.Config{
			APIKey:    "AIzaSyConformance-5ecret-abcdef0123456789",
			APIKeyEnv: "GEMINI_API_KEY",
		},
		Model: "gemini-2.5-flash",
	}
	kit.Run(t)
}
