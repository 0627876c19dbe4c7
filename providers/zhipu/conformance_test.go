package zhipu_test

import (
	"testing"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/providertest"
	"github.com/llmbench/llmbench/providers/zhipu"
)

// testKey has the id.secret form of real Zhipu keys.
const testKey = "0f3c9a1e5b7d4c2a8e6f1b3d5a7c9e0f.Zk3Sup3rS3cretQw"

func TestConformance(t *testing.T) {
	for _, api := range []string{"", "key", "jwt"} {
		t.Run("api="+api, func(t *testing.T) {
			kit := &providertest.Kit{
				New:    zhipu.New,
				Fake:   fakeZhipu,
				Config: providers.Config{API: api, APIKey: testKey, APIKeyEnv: zhipu.KeyEnv},
				Model:  "glm-4v-plus",
			}
			kit.Run(t)
		})
	}
}
