package qianfan

import (
	"maps"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/llmbench/llmbench/providers/providertest/e2e"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/providertest"
)

// TestEndToEnd runs the qianfan adapter the way `llmbench run` does: v2
// with a bearer key (variable named by api_key_env), v1 with an OAuth token
// fetched from the conventional QIANFAN_AK and QIANFAN_SK, and v1 signed
// with BCE v1 from a pair named by access_key_env and secret_key_env. v1
// reports no model name, so the requested one is stored, and takes text
// only, so its runs have no picture. See runE2E.
func TestEndToEnd(t *testing.T) {
	const (
		key       = "bce-v3/ALTAK-e2eSup3rS3cret/0123456789abcdef"
		appKey    = "e2eAppApiKey0123456789"
		appSecret = "e2eAppSup3rS3cretKey0123456789"
		accessKey = "e2e0123456789abcdef0123456789abcd"
		secretKey = "e2eSup3rS3cretfedcba9876543210fe"
	)
	t.Run("v2", func(t *testing.T) {
		t.Parallel()
		e2e.Run(t, e2e.Target{
			Provider: "qianfan", API: APIV2, Model: "ernie-4.0-turbo-8k", Reported: "ernie-4.0-turbo-8k-0628", Path: "/v2",
			Keys:  []string{"api_key_env: E2E_QIANFAN_KEY"},
			Env:   map[string]string{"E2E_QIANFAN_KEY": key},
			Creds: providers.Config{APIKey: key}, Secrets: []string{key}, KeyEnv: "E2E_QIANFAN_KEY",
			Images: true, Serve: e2eProxy(t, v2Fake),
		})
	})
	t.Run("v1", func(t *testing.T) {
		t.Parallel()
		e2e.Run(t, e2e.Target{
			Provider: "qianfan", API: APIV1, Model: "ERNIE-4.0-8K", Reported: "ERNIE-4.0-8K",
			Env:   map[string]string{AKEnv: appKey, SKEnv: appSecret},
			Creds: providers.Config{AccessKey: appKey, SecretKey: appSecret}, Secrets: []string{appKey, appSecret},
			KeyEnv: AKEnv + " and " + SKEnv, Serve: e2eErnie(),
		})
	})
	t.Run("v1-bce", func(t *testing.T) {
		t.Parallel()
		e2e.Run(t, e2e.Target{
			Provider: "qianfan", API: APIV1BCE, Model: "ERNIE-4.0-8K", Reported: "ERNIE-4.0-8K",
			Keys:  []string{"access_key_env: E2E_BCE_AK", "secret_key_env: E2E_BCE_SK"},
			Env:   map[string]string{"E2E_BCE_AK": accessKey, "E2E_BCE_SK": secretKey},
			Creds: providers.Config{AccessKey: accessKey, SecretKey: secretKey}, Secrets: []string{accessKey, secretKey},
			KeyEnv: "E2E_BCE_AK and E2E_BCE_SK", Serve: e2eErnie(),
		})
	})
}

// e2eProxy serves each request through a fake started for its behaviour,
// for fakes that start a server rather than return a handler (v2Fake).
func e2eProxy(t *testing.T, start func(*testing.T, providertest.Behaviour) string) func(providertest.Behaviour, http.ResponseWriter, *http.Request) {
	return func(b providertest.Behaviour, w http.ResponseWriter, r *http.Request) {
		u, err := url.Parse(start(t, b))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		u.Path = ""
		httputil.NewSingleHostReverseProxy(u).ServeHTTP(w, r)
	}
}

// e2eErnie serves each request with a v1 fake of its own behaviour; the
// access tokens they issue are shared, as one service's would be.
func e2eErnie() func(providertest.Behaviour, http.ResponseWriter, *http.Request) {
	var mu sync.Mutex
	tokens := map[string]time.Time{}
	return func(b providertest.Behaviour, w http.ResponseWriter, r *http.Request) {
		f := newErnieFake(b)
		mu.Lock()
		maps.Copy(f.tokens, tokens)
		mu.Unlock()
		f.handler().ServeHTTP(w, r)
		f.mu.Lock()
		mu.Lock()
		maps.Copy(tokens, f.tokens)
		mu.Unlock()
		f.mu.Unlock()
	}
}
