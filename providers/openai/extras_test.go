package openai_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/openai"
)

func TestNeedsMaxCompletionTokens(t *testing.T) {
	tests := []struct {
		model string
		want  bool
	}{
		{"gpt-4o", false},
		{"gpt-4o-2024-08-06", false},
		{"gpt-4.1-mini", false},
		{"gpt-3.5-turbo", false},
		{"chatgpt-4o-latest", false},
		{"o1", true},
		{"o1-mini", true},
		{"o1-2024-12-17", true},
		{"o3-mini", true},
		{"o3-pro", true},
		{"o4-mini-2025-04-16", true},
		{"gpt-5", true},
		{"gpt-5-mini", true},
		{"gpt-5.1", true},
		{"GPT-5-Chat-Latest", true},
		{"gpt-10", true},
		{"openai/o3-mini", true},
		{"ft:o4-mini-2025-04-16:acme::abc123", true},
		{"ft:gpt-4o-mini-2024-07-18:acme::abc123", false},
		{"omni-moderation-latest", false},
		{"o", false},
		{"o0", false},
		{"gpt-50x", false},
		{"qwen2.5-7b-instruct", false},
		{"deepseek-reasoner", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.model, func(t *testing.T) {
			if got := openai.NeedsMaxCompletionTokens(tt.model); got != tt.want {
				t.Errorf("NeedsMaxCompletionTokens(%q) = %v, want %v", tt.model, got, tt.want)
			}
		})
	}
}

// TestMaxTokensField: the limit goes out under exactly one name, chosen by
// the options first and the model name second.
func TestMaxTokensField(t *testing.T) {
	tests := []struct {
		name  string
		model string
		opts  openai.Options
		want  string
	}{
		{"gpt-4o keeps max_tokens", "gpt-4o", openai.Options{}, "max_tokens"},
		{"o3-mini gets max_completion_tokens", "o3-mini", openai.Options{}, "max_completion_tokens"},
		{"gpt-5 gets max_completion_tokens", "gpt-5-mini", openai.Options{}, "max_completion_tokens"},
		{"forced new name", "gpt-4o", openai.Options{MaxCompletionTokens: true}, "max_completion_tokens"},
		{"forced old name", "o3-mini", openai.Options{LegacyMaxTokens: true}, "max_tokens"},
		{"new name wins when both are forced", "gpt-4o", openai.Options{MaxCompletionTokens: true, LegacyMaxTokens: true}, "max_completion_tokens"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, url := serve(t, 200, nil, okBody)
			req := userRequest("hi")
			req.Model = tt.model
			req.Params.MaxTokens = ptr(8)
			if _, err := newClient(t, url, tt.opts).Complete(context.Background(), req); err != nil {
				t.Fatal(err)
			}
			var body map[string]any
			if err := json.Unmarshal(c.bodies[0], &body); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, k := range []string{"max_tokens", "max_completion_tokens"} {
				if v, ok := body[k]; ok {
					got = append(got, k)
					if v != 8.0 {
						t.Errorf("%s = %v, want 8", k, v)
					}
				}
			}
			if diff := cmp.Diff([]string{tt.want}, got); diff != "" {
				t.Errorf("limit fields sent (-want +got):\n%s", diff)
			}
		})
	}
}

// TestQuotaAndRateLimitFamilies: a billing code means quota whatever the
// 4xx status and is never retryable; a plain 429 is a retryable rate limit
// whose delay may come from an exhausted window's reset header.
func TestQuotaAndRateLimitFamilies(t *testing.T) {
	errBody := func(typ, code string) string {
		b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": "m", "type": typ, "code": code}})
		return string(b)
	}
	tests := []struct {
		name       string
		status     int
		header     map[string]string
		body       string
		class      providers.Class
		retryAfter time.Duration
	}{
		{"billing hard limit on 400", 400, nil, errBody("invalid_request_error", "billing_hard_limit_reached"), providers.Quota, 0},
		{"inactive billing on 403", 403, nil, errBody("billing_not_active", "billing_not_active"), providers.Quota, 0},
		{"quota 429 ignores retry hints", 429, map[string]string{"Retry-After": "20", "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "1s"},
			errBody("insufficient_quota", "insufficient_quota"), providers.Quota, 0},
		{"requests window exhausted", 429, map[string]string{"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "1.5s", "x-ratelimit-remaining-tokens": "1000", "x-ratelimit-reset-tokens": "6m0s"},
			errBody("requests", "rate_limit_exceeded"), providers.RateLimited, 1500 * time.Millisecond},
		{"both windows exhausted: the later reset", 429, map[string]string{"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "120ms", "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "6m0s"},
			errBody("tokens", "rate_limit_exceeded"), providers.RateLimited, 6 * time.Minute},
		{"Retry-After wins over the window", 429, map[string]string{"Retry-After": "3", "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "1s"},
			errBody("requests", "rate_limit_exceeded"), providers.RateLimited, 3 * time.Second},
		{"epoch reset is not a duration", 429, map[string]string{"X-RateLimit-Remaining-Requests": "0", "X-RateLimit-Reset-Requests": "1741569952"},
			errBody("rate_limit_reached_error", ""), providers.RateLimited, 0},
		{"Azure content filter", 400, nil,
			`{"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation"}}}`,
			providers.ContentFiltered, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, url := serve(t, tt.status, tt.header, tt.body)
			_, err := newClient(t, url, openai.Options{}).Complete(context.Background(), userRequest("hi"))
			pe := wantClass(t, err, tt.class)
			if pe == nil {
				return
			}
			if pe.RetryAfter != tt.retryAfter {
				t.Errorf("RetryAfter = %v, want %v", pe.RetryAfter, tt.retryAfter)
			}
			if tt.class == providers.Quota && pe.Class.Retryable() {
				t.Errorf("quota is retryable")
			}
		})
	}
}

// TestRateLimitHeadersKept: a successful answer carries the server's
// x-ratelimit-* headers, streamed or not, and nothing else.
func TestRateLimitHeadersKept(t *testing.T) {
	header := map[string]string{
		"x-ratelimit-limit-requests": "500", "X-RateLimit-Remaining-Tokens": "149984",
		"x-request-id": "req_1", "openai-processing-ms": "120",
	}
	want := map[string]string{"x-ratelimit-limit-requests": "500", "x-ratelimit-remaining-tokens": "149984"}
	for _, stream := range []bool{false, true} {
		h := map[string]string{}
		for k, v := range header {
			h[k] = v
		}
		body := okBody
		if stream {
			h["Content-Type"] = "text/event-stream"
			body = sseBody(roleChunk, helloChunk, loChunk, stopChunk, usageChunk, doneEvent)
		}
		_, url := serve(t, 200, h, body)
		req := userRequest("hi")
		req.Stream = stream
		resp, err := newClient(t, url, openai.Options{}).Complete(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, resp.RateLimit); diff != "" {
			t.Errorf("stream=%v: rate-limit headers (-want +got):\n%s", stream, diff)
		}
	}
}

func TestNewRejectsOtherAPIs(t *testing.T) {
	for _, api := range []string{"", "openai"} {
		if _, err := openai.New(providers.Config{Name: "t", Provider: "openai", API: api}); err != nil {
			t.Errorf("api %q: %v", api, err)
		}
	}
	p, err := openai.New(providers.Config{Name: "t", Provider: "openai", API: "native"})
	if err == nil || p != nil {
		t.Errorf("api native: %v, %v; want a nil provider and an error", p, err)
	}
}
