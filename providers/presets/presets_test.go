package presets_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/openai"
	"github.com/llmbench/llmbench/providers/presets"
	"github.com/llmbench/llmbench/providers/providertest"
)

// want is each preset's registration, as the README documents it.
var want = []providers.Info{
	{Name: "deepseek", DefaultBaseURL: "https://api.deepseek.com", KeyEnv: "DEEPSEEK_API_KEY"},
	{Name: "qwen", DefaultBaseURL: "https://dashscope.aliyuncs.com/compatible-mode/v1", KeyEnv: "DASHSCOPE_API_KEY"},
	{Name: "moonshot", DefaultBaseURL: "https://api.moonshot.cn/v1", KeyEnv: "MOONSHOT_API_KEY"},
	{Name: "ollama", DefaultBaseURL: "http://localhost:11434/v1"},
	{Name: "vllm", DefaultBaseURL: "http://localhost:8000/v1"},
	{Name: "llamacpp", DefaultBaseURL: "http://localhost:8080/v1"},
}

func TestRegistered(t *testing.T) {
	var listed []string
	for _, p := range presets.List() {
		listed = append(listed, p.Info.Name)
	}
	var names []string
	for _, w := range want {
		names = append(names, w.Name)
	}
	if diff := cmp.Diff(names, listed); diff != "" {
		t.Errorf("presets (-want +got):\n%s", diff)
	}
	for _, w := range want {
		t.Run(w.Name, func(t *testing.T) {
			info, ok := providers.Lookup(w.Name)
			if !ok {
				t.Fatalf("%s is not registered", w.Name)
			}
			w.Description = info.Description
			if diff := cmp.Diff(w, info); diff != "" || info.Description == "" {
				t.Errorf("registered info (-want +got):\n%s", diff)
			}
			p, err := providers.New(providers.Config{Name: "t", Provider: w.Name})
			if err != nil {
				t.Fatal(err)
			}
			c, ok := p.(*openai.Client)
			if !ok || c.URL() != w.DefaultBaseURL+"/chat/completions" {
				t.Errorf("providers.New(%s) = %T posting to %v", w.Name, p, c)
			}
			if _, err := providers.New(providers.Config{Name: "t", Provider: w.Name, API: "openai"}); err != nil {
				t.Errorf("api openai: %v", err)
			}
			if p, err := providers.New(providers.Config{Name: "t", Provider: w.Name, API: "native"}); err == nil || p != nil || !strings.Contains(err.Error(), w.Name) {
				t.Errorf("api native: %v, %v; want an error naming the provider", p, err)
			}
		})
	}
}

// TestConformance runs the kit against every preset through the OpenAI
// fake: a preset is the openai adapter, and its options must not break it.
func TestConformance(t *testing.T) {
	for _, p := range presets.List() {
		t.Run(p.Info.Name, func(t *testing.T) {
			cfg := providers.Config{}
			if p.Info.KeyEnv != "" {
				cfg = providers.Config{APIKey: "sk-" + p.Info.Name + "-conformance-5ecret-0123456789", APIKeyEnv: p.Info.KeyEnv}
			}
			kit := &providertest.Kit{New: p.New, Fake: providertest.OpenAIFake, Config: cfg, Model: "test-model"}
			kit.Run(t)
		})
	}
}

// TestKeylessCall: a local preset with no key sends no Authorization
// header and the call succeeds.
func TestKeylessCall(t *testing.T) {
	for _, name := range []string{"ollama", "vllm", "llamacpp"} {
		t.Run(name, func(t *testing.T) {
			var got providertest.Received
			url := providertest.OpenAIFake(t, providertest.Behaviour{
				Scenario: providertest.Answer, Model: "qwen2.5:7b", Text: "42",
				Record: func(r providertest.Received) { got = r },
			})
			p, err := providers.New(providers.Config{Name: "local", Provider: name, BaseURL: url})
			if err != nil {
				t.Fatal(err)
			}
			resp, err := p.Complete(context.Background(), &providers.Request{Model: "qwen2.5:7b", Messages: []providers.Message{{Role: providers.RoleUser, Text: "6×7?"}}})
			if err != nil || resp.Text != "42" || !got.Authenticated {
				t.Errorf("response %+v, error %v, authenticated %v", resp, err, got.Authenticated)
			}
		})
	}
}

// server answers every request with status and body, recording bodies.
func server(t *testing.T, status int, contentType, body string) (string, *[][]byte) {
	t.Helper()
	var bodies [][]byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, b)
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &bodies
}

const secret = "sk-preset-0123456789abcdefSECRET"

func call(t *testing.T, provider, url string, stream bool) (*providers.Response, error) {
	t.Helper()
	p, err := providers.New(providers.Config{Name: "t", Provider: provider, BaseURL: url, APIKey: secret, APIKeyEnv: "K"})
	if err != nil {
		t.Fatal(err)
	}
	max := 16
	return p.Complete(context.Background(), &providers.Request{Model: "o3-named-local-model", Stream: stream,
		Params:   providers.Params{MaxTokens: &max},
		Messages: []providers.Message{{Role: providers.RoleUser, Text: "hi"}}})
}

// TestQuirks pins what each preset adds to the generic rules.
func TestQuirks(t *testing.T) {
	tests := []struct {
		provider string
		name     string
		status   int
		body     string
		class    providers.Class
	}{
		{"qwen", "moderation (compatible shape)", 400,
			`{"error":{"code":"data_inspection_failed","param":null,"message":"Input data may contain inappropriate content.","type":"data_inspection_failed"},"id":"chatcmpl-1","request_id":"1"}`, providers.ContentFiltered},
		{"qwen", "moderation (native shape)", 400, `{"code":"DataInspectionFailed","message":"Output data may contain inappropriate content.","request_id":"1"}`, providers.ContentFiltered},
		{"qwen", "moderation mid-stream", 200, `{"error":{"code":"data_inspection_failed","message":"Output data may contain inappropriate content.","type":"data_inspection_failed"}}`, providers.ContentFiltered},
		{"qwen", "arrears", 400, `{"error":{"code":"Arrearage","message":"Access denied, please make sure your account is in good standing.","type":"Arrearage"}}`, providers.Quota},
		{"qwen", "free tier only, exhausted", 403, `{"error":{"code":"AllocationQuota.FreeTierOnly","message":"The free tier of the model has been exhausted.","type":"AllocationQuota.FreeTierOnly"}}`, providers.Quota},
		{"qwen", "throttling", 429, `{"error":{"code":"Throttling.RateQuota","message":"Requests rate limit exceeded, please try again later.","type":"Throttling.RateQuota"}}`, providers.RateLimited},
		{"qwen", "insufficient quota", 429, `{"error":{"code":"insufficient_quota","message":"You exceeded your current quota","type":"insufficient_quota"}}`, providers.Quota},
		{"moonshot", "out of balance on 429", 429, `{"error":{"message":"Your account is suspended due to insufficient balance","type":"exceeded_current_quota_error"}}`, providers.Quota},
		{"moonshot", "out of balance on 403", 403, `{"error":{"message":"Your account is not active","type":"exceeded_current_quota_error"}}`, providers.Quota},
		{"moonshot", "engine overloaded", 429, `{"error":{"message":"The engine is currently overloaded, please try again later","type":"engine_overloaded_error"}}`, providers.Server},
		{"moonshot", "rate limit", 429, `{"error":{"message":"request reached organization max RPM: 3","type":"rate_limit_reached_error"}}`, providers.RateLimited},
		{"moonshot", "content filter", 400, `{"error":{"message":"The request was rejected because it was considered high risk","type":"content_filter"}}`, providers.ContentFiltered},
		{"moonshot", "bad key", 401, `{"error":{"message":"Invalid Authentication","type":"invalid_authentication_error"}}`, providers.Auth},
		{"deepseek", "insufficient balance", 402, `{"error":{"message":"Insufficient Balance","type":"unknown_error","param":null,"code":"invalid_request_error"}}`, providers.Quota},
		{"deepseek", "invalid parameters", 422, `{"error":{"message":"Invalid Parameters","type":"invalid_request_error"}}`, providers.BadRequest},
		{"deepseek", "overloaded", 503, `{"error":{"message":"Server Overloaded","type":"server_error"}}`, providers.Server},
		{"vllm", "old error shape", 400, `{"object":"error","message":"max_tokens is too large","type":"BadRequestError","param":null,"code":400}`, providers.BadRequest},
		{"llamacpp", "loading model", 503, `{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}`, providers.Server},
	}
	for _, tt := range tests {
		t.Run(tt.provider+"/"+tt.name, func(t *testing.T) {
			ct, body, stream := "application/json", tt.body, false
			if tt.status == 200 {
				ct, stream = "text/event-stream", true
				body = `data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]}` + "\n\ndata: " + tt.body + "\n\n"
			}
			url, _ := server(t, tt.status, ct, body)
			_, err := call(t, tt.provider, url, stream)
			var pe *providers.Error
			if !errors.As(err, &pe) || pe.Class != tt.class {
				t.Errorf("error %v, want class %s", err, tt.class)
			}
			if err != nil && strings.Contains(err.Error(), secret) {
				t.Errorf("error leaks the key: %v", err)
			}
		})
	}
}

// TestWireQuirks: the request each preset sends and the response shapes
// it must read.
func TestWireQuirks(t *testing.T) {
	t.Run("every preset sends max_tokens", func(t *testing.T) {
		for _, p := range presets.List() {
			url, bodies := server(t, 200, "application/json", `{"model":"m","choices":[{"index":0,"message":{"content":"ok"},"finish_reason":"stop"}]}`)
			if _, err := call(t, p.Info.Name, url, false); err != nil {
				t.Fatal(err)
			}
			var sent map[string]any
			json.Unmarshal((*bodies)[0], &sent)
			if sent["max_tokens"] != 16.0 || sent["max_completion_tokens"] != nil {
				t.Errorf("%s sent %s", p.Info.Name, (*bodies)[0])
			}
		}
	})
	t.Run("moonshot: usage from the choice", func(t *testing.T) {
		url, _ := server(t, 200, "text/event-stream",
			`data: {"id":"c","model":"moonshot-v1-8k","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`+"\n\n"+
				`data: {"id":"c","model":"moonshot-v1-8k","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}`+"\n\n"+
				`data: {"id":"c","model":"moonshot-v1-8k","choices":[{"index":0,"delta":{},"finish_reason":"stop","usage":{"prompt_tokens":8,"completion_tokens":2,"total_tokens":10}}]}`+"\n\n"+
				"data: [DONE]\n\n")
		resp, err := call(t, "moonshot", url, true)
		if err != nil {
			t.Fatal(err)
		}
		if resp.Text != "Hi" || resp.Usage != (providers.Usage{InputTokens: 8, OutputTokens: 2}) {
			t.Errorf("text %q, usage %+v", resp.Text, resp.Usage)
		}
	})
	t.Run("deepseek: keep-alive blank lines and comments", func(t *testing.T) {
		url, _ := server(t, 200, "application/json", "\n\n\n"+`{"model":"deepseek-chat","choices":[{"index":0,"message":{"content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"prompt_cache_hit_tokens":0,"prompt_cache_miss_tokens":3}}`)
		if resp, err := call(t, "deepseek", url, false); err != nil || resp.Text != "Hi" || resp.Usage.InputTokens != 3 {
			t.Errorf("non-streamed: %+v, %v", resp, err)
		}
		url, _ = server(t, 200, "text/event-stream", ": keep-alive\n\n: keep-alive\n\n"+
			`data: {"model":"deepseek-reasoner","choices":[{"index":0,"delta":{"reasoning_content":"Let me think"}}]}`+"\n\n"+
			`data: {"model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}`+"\n\n"+
			`data: {"model":"deepseek-reasoner","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":9}}`+"\n\ndata: [DONE]\n\n")
		if resp, err := call(t, "deepseek", url, true); err != nil || resp.Text != "Hi" || resp.Usage.OutputTokens != 9 {
			t.Errorf("streamed: %+v, %v", resp, err)
		}
	})
}
