package gemini_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/gemini"
	"github.com/llmbench/llmbench/providers/openai"
	"github.com/llmbench/llmbench/providers/providertest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const testKey = "AIzaSyTest-0123456789abcdefSECRET"

type capture struct {
	mu      sync.Mutex
	bodies  [][]byte
	headers []http.Header
	urls    []string
}

func serve(t *testing.T, status int, header map[string]string, body string) (*capture, string) {
	t.Helper()
	c := &capture{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		c.bodies = append(c.bodies, b)
		c.headers = append(c.headers, r.Header.Clone())
		c.urls = append(c.urls, r.URL.RequestURI())
		c.mu.Unlock()
		for k, v := range header {
			w.Header().Set(k, v)
		}
		if _, ok := header["Content-Type"]; !ok {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return c, srv.URL + "/v1beta"
}

func newClient(t *testing.T, baseURL string) *gemini.Client {
	t.Helper()
	c, err := gemini.NewClient(providers.Config{Name: "t", BaseURL: baseURL, APIKey: testKey, APIKeyEnv: "MY_GEMINI_KEY"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func userRequest(text string) *providers.Request {
	return &providers.Request{Model: "gemini-2.5-flash", Messages: []providers.Message{{Role: providers.RoleUser, Text: text}}}
}

func ptr[T any](v T) *T { return &v }

const okBody = `{"candidates":[{"content":{"parts":[{"text":"Hello!"}],"role":"model"},"finishReason":"STOP","index":0}],
"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":2,"totalTokenCount":7},"modelVersion":"gemini-2.5-flash","responseId":"abc"}`

func wantClass(t *testing.T, err error, class providers.Class) *providers.Error {
	t.Helper()
	var pe *providers.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *providers.Error", err, err)
	}
	if pe.Class != class {
		t.Errorf("class = %s, want %s (%v)", pe.Class, class, err)
	}
	if strings.Contains(err.Error(), testKey) {
		t.Errorf("error leaks the key: %v", err)
	}
	return pe
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

// TestRequestBody pins the JSON the adapter sends (golden files).
func TestRequestBody(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	tests := []struct {
		name string
		req  *providers.Request
	}{
		{name: "plain", req: &providers.Request{Model: "gemini-2.5-flash", Messages: []providers.Message{
			{Role: providers.RoleSystem, Text: "You are terse."},
			{Role: providers.RoleUser, Text: "What is 6×7?"},
		}}},
		{name: "params", req: &providers.Request{Model: "gemini-2.5-flash", Messages: []providers.Message{{Role: providers.RoleUser, Text: "hi"}},
			Params: providers.Params{Temperature: ptr(0.0), TopP: ptr(0.9), MaxTokens: ptr(256), Seed: ptr(int64(42)), Stop: []string{"\n\n", "END"}}}},
		{name: "images", req: &providers.Request{Model: "gemini-2.5-flash", Messages: []providers.Message{
			{Role: providers.RoleUser, Text: "How many shapes?", Images: []providers.Image{{MIME: "image/png", Data: png}, {Data: png}}},
			{Role: providers.RoleAssistant, Text: "Two."},
			{Role: providers.RoleUser, Images: []providers.Image{{MIME: "image/jpeg", Data: []byte{0xff, 0xd8, 0xff}}}},
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, url := serve(t, 200, nil, okBody)
			if _, err := newClient(t, url).Complete(context.Background(), tt.req); err != nil {
				t.Fatal(err)
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, c.bodies[0], "", "  "); err != nil {
				t.Fatal(err)
			}
			pretty.WriteByte('\n')
			golden(t, filepath.Join("testdata", "request_"+tt.name+".json"), pretty.Bytes())
		})
	}
}

func TestURLAndHeaders(t *testing.T) {
	tests := []struct {
		name, model string
		stream      bool
		want        string
	}{
		{"generate", "gemini-2.5-flash", false, "/v1beta/models/gemini-2.5-flash:generateContent"},
		{"stream", "gemini-2.5-flash", true, "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"},
		{"models prefix kept", "models/gemini-2.0-flash-001", false, "/v1beta/models/gemini-2.0-flash-001:generateContent"},
		{"tuned model", "tunedModels/my-model-123", false, "/v1beta/tunedModels/my-model-123:generateContent"},
		{"odd characters escaped", "gem?ini#1", false, "/v1beta/models/gem%3Fini%231:generateContent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, ct := okBody, "application/json"
			if tt.stream {
				body, ct = "data: "+strings.ReplaceAll(okBody, "\n", "")+"\r\n\r\n", "text/event-stream"
			}
			c, url := serve(t, 200, map[string]string{"Content-Type": ct}, body)
			req := userRequest("hi")
			req.Model, req.Stream = tt.model, tt.stream
			if _, err := newClient(t, url+"/").Complete(context.Background(), req); err != nil {
				t.Fatal(err)
			}
			h := c.headers[0]
			got := []string{c.urls[0], h.Get("x-goog-api-key"), h.Get("Content-Type"), h.Get("Authorization")}
			want := []string{tt.want, testKey, "application/json", ""}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("url, x-goog-api-key, content-type, authorization (-want +got):\n%s", diff)
			}
			if strings.Contains(c.urls[0], "key=") {
				t.Errorf("the key is in the URL")
			}
		})
	}
	c, err := gemini.NewClient(providers.Config{})
	if err != nil || c.URL("gemini-2.5-pro", false) != "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:generateContent" {
		t.Errorf("default URL = %v, %v", c, err)
	}
}

func TestNewAPIs(t *testing.T) {
	p, err := gemini.New(providers.Config{API: "openai"})
	oc, ok := p.(*openai.Client)
	if err != nil || !ok || oc.URL() != "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions" {
		t.Errorf("api openai: %T, %v", p, err)
	}
	for _, api := range []string{"", "native"} {
		if p, err := gemini.New(providers.Config{API: api}); err != nil {
			t.Errorf("api %q: %v", api, err)
		} else if _, ok := p.(*gemini.Client); !ok {
			t.Errorf("api %q built a %T", api, p)
		}
	}
	for _, cfg := range []providers.Config{{API: "vertex"}, {BaseURL: "ftp://x"}, {BaseURL: "http://"}} {
		if p, err := gemini.New(cfg); err == nil || p != nil {
			t.Errorf("config %+v accepted: %v, %v", cfg, p, err)
		}
	}
	_, err = gemini.New(providers.Config{BaseURL: "ftp://user:hunter2secret@example.com"})
	if err == nil || strings.Contains(err.Error(), "hunter2secret") {
		t.Errorf("error %v shows the password in the URL", err)
	}
}

func TestRegistered(t *testing.T) {
	info, ok := providers.Lookup("gemini")
	want := providers.Info{Name: "gemini", Description: info.Description, DefaultBaseURL: "https://generativelanguage.googleapis.com/v1beta", KeyEnv: "GEMINI_API_KEY"}
	if diff := cmp.Diff(want, info); !ok || diff != "" || info.Description == "" {
		t.Errorf("registered info (-want +got):\n%s", diff)
	}
}

func TestRequestRejectedBeforeSending(t *testing.T) {
	img := []providers.Image{{MIME: "image/png", Data: []byte{1}}}
	tests := []struct {
		name string
		req  *providers.Request
	}{
		{"no model", &providers.Request{Messages: []providers.Message{{Role: providers.RoleUser, Text: "hi"}}}},
		{"no messages", &providers.Request{Model: "m"}},
		{"only a system message", &providers.Request{Model: "m", Messages: []providers.Message{{Role: providers.RoleSystem, Text: "x"}}}},
		{"unknown role", &providers.Request{Model: "m", Messages: []providers.Message{{Role: "tool", Text: "x"}}}},
		{"image on assistant turn", &providers.Request{Model: "m", Messages: []providers.Message{{Role: providers.RoleAssistant, Text: "look", Images: img}}}},
		{"image on system turn", &providers.Request{Model: "m", Messages: []providers.Message{{Role: providers.RoleSystem, Images: img}, {Role: providers.RoleUser, Text: "x"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, url := serve(t, 200, nil, okBody)
			_, err := newClient(t, url).Complete(context.Background(), tt.req)
			wantClass(t, err, providers.BadRequest)
			if len(c.bodies) != 0 {
				t.Errorf("the request was sent")
			}
		})
	}
}

func rpc(code int, status, msg string, details ...string) string {
	return fmt.Sprintf(`{"error":{"code":%d,"message":%q,"status":%q,"details":[%s]}}`, code, msg, status, strings.Join(details, ","))
}

const (
	retry37    = `{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"37s"}`
	retry1500  = `{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1.5s"}`
	perMinute  = `{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaMetric":"generativelanguage.googleapis.com/generate_content_free_tier_requests","quotaId":"GenerateRequestsPerMinutePerProjectPerModel-FreeTier"}]}`
	perDay     = `{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaId":"GenerateRequestsPerMinutePerProjectPerModel-FreeTier"},{"quotaId":"GenerateRequestsPerDayPerProjectPerModel-FreeTier"}]}`
	keyInvalid = `{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com","metadata":{"service":"generativelanguage.googleapis.com"}}`
)

func TestErrorClassification(t *testing.T) {
	type want struct {
		Class      providers.Class
		Status     int
		Code       string
		RetryAfter time.Duration
		InMessage  string
	}
	tests := []struct {
		name   string
		status int
		header map[string]string
		body   string
		want   want
	}{
		{"429 per-minute with delay", 429, nil, rpc(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota", perMinute, retry37),
			want{providers.RateLimited, 429, "RESOURCE_EXHAUSTED", 37 * time.Second, "exceeded"}},
		{"429 fractional delay", 429, nil, rpc(429, "RESOURCE_EXHAUSTED", "slow down", retry1500), want{providers.RateLimited, 429, "RESOURCE_EXHAUSTED", 1500 * time.Millisecond, "slow down"}},
		{"429 without RetryInfo uses Retry-After", 429, map[string]string{"Retry-After": "4"}, rpc(429, "RESOURCE_EXHAUSTED", "slow down"),
			want{providers.RateLimited, 429, "RESOURCE_EXHAUSTED", 4 * time.Second, "slow down"}},
		{"429 per-day quota", 429, nil, rpc(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota", perDay, retry37),
			want{providers.Quota, 429, "RESOURCE_EXHAUSTED", 0, "exceeded"}},
		{"429 wrapped in a list (Vertex style)", 429, nil, "[" + rpc(429, "RESOURCE_EXHAUSTED", "Resource exhausted", retry1500) + "]",
			want{providers.RateLimited, 429, "RESOURCE_EXHAUSTED", 1500 * time.Millisecond, "exhausted"}},
		{"400 bad key", 400, nil, rpc(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", keyInvalid),
			want{providers.Auth, 400, "INVALID_ARGUMENT", 0, "check the API key in MY_GEMINI_KEY"}},
		{"400 key echoed", 400, nil, rpc(400, "INVALID_ARGUMENT", "API key "+testKey+" not valid.", keyInvalid),
			want{providers.Auth, 400, "INVALID_ARGUMENT", 0, "[redacted]"}},
		{"403 no key", 403, nil, rpc(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers"), want{providers.Auth, 403, "PERMISSION_DENIED", 0, "MY_GEMINI_KEY"}},
		{"401 unauthenticated", 401, nil, rpc(401, "UNAUTHENTICATED", "Request had invalid authentication credentials."), want{providers.Auth, 401, "UNAUTHENTICATED", 0, "invalid authentication"}},
		{"400 invalid argument", 400, nil, rpc(400, "INVALID_ARGUMENT", "Invalid value at 'generation_config.temperature'"), want{providers.BadRequest, 400, "INVALID_ARGUMENT", 0, "temperature"}},
		{"400 location", 400, nil, rpc(400, "FAILED_PRECONDITION", "User location is not supported for the API use."), want{providers.BadRequest, 400, "FAILED_PRECONDITION", 0, "location"}},
		{"404 model", 404, nil, rpc(404, "NOT_FOUND", "models/gemini-9 is not found for API version v1beta"), want{providers.BadRequest, 404, "NOT_FOUND", 0, "not found"}},
		{"500 internal", 500, nil, rpc(500, "INTERNAL", "An internal error has occurred."), want{providers.Server, 500, "INTERNAL", 0, "internal error"}},
		{"503 overloaded", 503, nil, rpc(503, "UNAVAILABLE", "The model is overloaded. Please try again later."), want{providers.Server, 503, "UNAVAILABLE", 0, "overloaded"}},
		{"504 deadline", 504, nil, rpc(504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete."), want{providers.Timeout, 504, "DEADLINE_EXCEEDED", 0, "Deadline"}},
		{"502 html", 502, map[string]string{"Content-Type": "text/html"}, "<html><body>Bad Gateway</body></html>", want{providers.Server, 502, "", 0, "Bad Gateway"}},
		{"429 without a body", 429, nil, "", want{providers.RateLimited, 429, "", 0, "Too Many Requests"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, url := serve(t, tt.status, tt.header, tt.body)
			for _, stream := range []bool{false, true} {
				req := userRequest("hi")
				req.Stream = stream
				_, err := newClient(t, url).Complete(context.Background(), req)
				pe := wantClass(t, err, tt.want.Class)
				if pe == nil {
					return
				}
				got := want{pe.Class, pe.Status, pe.Code, pe.RetryAfter, tt.want.InMessage}
				if !strings.Contains(pe.Message, tt.want.InMessage) {
					got.InMessage = pe.Message
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("stream=%v (-want +got):\n%s", stream, diff)
				}
			}
		})
	}
}

func TestAuthWithoutKey(t *testing.T) {
	_, url := serve(t, 403, nil, rpc(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers"))
	p, err := gemini.New(providers.Config{BaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Complete(context.Background(), userRequest("hi"))
	if pe := wantClass(t, err, providers.Auth); pe != nil && !strings.Contains(pe.Message, "set GEMINI_API_KEY") {
		t.Errorf("message %q does not say to set GEMINI_API_KEY", pe.Message)
	}
}

func chunk(text, finish string, in, out int) string {
	c := map[string]any{"index": 0, "content": map[string]any{"role": "model", "parts": []any{map[string]any{"text": text}}}}
	if finish != "" {
		c["finishReason"] = finish
	}
	b, _ := json.Marshal(map[string]any{"candidates": []any{c}, "modelVersion": "gemini-2.5-flash-001",
		"usageMetadata": map[string]any{"promptTokenCount": in, "candidatesTokenCount": out, "totalTokenCount": in + out}})
	return "data: " + string(b) + "\r\n\r\n"
}

func TestStreamVariants(t *testing.T) {
	type want struct {
		Text, Model, Finish string
		Usage               providers.Usage
	}
	full := want{"Hello", "gemini-2.5-flash-001", "STOP", providers.Usage{InputTokens: 5, OutputTokens: 2}}
	tests := []struct {
		name string
		body string
		want want
	}{
		{"CRLF chunks, no end marker", chunk("Hel", "", 5, 1) + chunk("lo", "STOP", 5, 2), full},
		{"LF chunks", strings.ReplaceAll(chunk("Hel", "", 5, 1)+chunk("lo", "STOP", 5, 2), "\r\n", "\n"), full},
		{"finish in an empty last chunk", chunk("Hel", "", 5, 1) + chunk("lo", "", 5, 2) + chunk("", "STOP", 5, 2), full},
		{"proxy adds [DONE]", chunk("Hel", "", 5, 1) + chunk("lo", "STOP", 5, 2) + "data: [DONE]\n\n", full},
		{"thoughts skipped and counted as output", `data: {"candidates":[{"content":{"role":"model","parts":[{"text":"thinking…","thought":true}]}}],"modelVersion":"gemini-2.5-flash-001"}` + "\r\n\r\n" +
			chunk("Hello", "", 5, 1) + `data: {"candidates":[{"content":{"role":"model","parts":[{"text":""}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":2,"thoughtsTokenCount":30},"modelVersion":"gemini-2.5-flash-001"}` + "\r\n\r\n",
			want{"Hello", "gemini-2.5-flash-001", "STOP", providers.Usage{InputTokens: 5, OutputTokens: 32}}},
		{"max tokens", chunk("Hel", "", 5, 1) + chunk("lo", "MAX_TOKENS", 5, 2), want{"Hello", "gemini-2.5-flash-001", "MAX_TOKENS", providers.Usage{InputTokens: 5, OutputTokens: 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, url := serve(t, 200, map[string]string{"Content-Type": "text/event-stream"}, tt.body)
			req := userRequest("hi")
			req.Stream = true
			resp, err := newClient(t, url).Complete(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			got := want{resp.Text, resp.Model, resp.FinishReason, resp.Usage}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			if resp.TTFT <= 0 || resp.TTFT > resp.Latency {
				t.Errorf("TTFT = %v, latency %v: want 0 < TTFT <= latency", resp.TTFT, resp.Latency)
			}
		})
	}
}

func TestStreamFailures(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		class     providers.Class
		partial   string
		code      string
		inMessage string
	}{
		{name: "ends without finishReason", body: chunk("Hel", "", 5, 1), class: providers.BadResponse, partial: "Hel", inMessage: "finishReason"},
		{name: "empty body", body: "", class: providers.BadResponse, inMessage: "without any chunk"},
		{name: "cut mid-event", body: chunk("Hel", "", 5, 1) + `data: {"candidates":[{"content":{"parts":[{"te`, class: providers.BadResponse, partial: "Hel", inMessage: "cut"},
		{name: "garbage chunk", body: chunk("Hel", "", 5, 1) + "data: {oops\r\n\r\n", class: providers.BadResponse, partial: "Hel", inMessage: "decode"},
		{name: "error mid-stream", body: chunk("Hel", "", 5, 1) + "data: " + rpc(503, "UNAVAILABLE", "The model is overloaded.") + "\r\n\r\n",
			class: providers.Server, partial: "Hel", code: "UNAVAILABLE", inMessage: "overloaded"},
		{name: "rate limit mid-stream without status", body: chunk("Hel", "", 5, 1) + `data: {"error":{"code":429,"message":"Resource exhausted"}}` + "\r\n\r\n",
			class: providers.RateLimited, partial: "Hel", inMessage: "exhausted"},
		{name: "safety finish", body: chunk("Hel", "", 5, 1) + `data: {"candidates":[{"finishReason":"SAFETY","index":0,"safetyRatings":[{"category":"HARM_CATEGORY_HARASSMENT","probability":"HIGH","blocked":true}]}]}` + "\r\n\r\n",
			class: providers.ContentFiltered, partial: "Hel", code: "SAFETY", inMessage: "SAFETY"},
		{name: "prohibited content", body: chunk("Hel", "PROHIBITED_CONTENT", 5, 1), class: providers.ContentFiltered, partial: "Hel", code: "PROHIBITED_CONTENT", inMessage: "blocked"},
		{name: "prompt blocked", body: `data: {"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},"usageMetadata":{"promptTokenCount":5}}` + "\r\n\r\n",
			class: providers.ContentFiltered, code: "PROHIBITED_CONTENT", inMessage: "prompt blocked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, url := serve(t, 200, map[string]string{"Content-Type": "text/event-stream"}, tt.body)
			req := userRequest("hi")
			req.Stream = true
			_, err := newClient(t, url).Complete(context.Background(), req)
			pe := wantClass(t, err, tt.class)
			if pe == nil {
				return
			}
			if pe.Partial != tt.partial || pe.Code != tt.code || !strings.Contains(pe.Message, tt.inMessage) {
				t.Errorf("partial %q, code %q, message %q; want %q, %q, containing %q", pe.Partial, pe.Code, pe.Message, tt.partial, tt.code, tt.inMessage)
			}
		})
	}
}

func TestNonStreamVariants(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		text      string
		usage     providers.Usage
		class     providers.Class // "" for success
		inMessage string
	}{
		{name: "plain", body: okBody, text: "Hello!", usage: providers.Usage{InputTokens: 5, OutputTokens: 2}},
		{name: "several parts and a thought", body: `{"candidates":[{"content":{"parts":[{"text":"plan","thought":true},{"text":"4"},{"text":"2"}]},"finishReason":"STOP"}],
			"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":1,"thoughtsTokenCount":9}}`, text: "42", usage: providers.Usage{InputTokens: 3, OutputTokens: 10}},
		{name: "prompt blocked", body: `{"promptFeedback":{"blockReason":"SAFETY","safetyRatings":[]},"usageMetadata":{"promptTokenCount":5}}`, class: providers.ContentFiltered, inMessage: "SAFETY"},
		{name: "recitation", body: `{"candidates":[{"finishReason":"RECITATION","index":0}]}`, class: providers.ContentFiltered, inMessage: "RECITATION"},
		{name: "error in a 200 body", body: rpc(429, "RESOURCE_EXHAUSTED", "quota", retry37), class: providers.RateLimited, inMessage: "quota"},
		{name: "no candidates", body: `{"usageMetadata":{"promptTokenCount":5}}`, class: providers.BadResponse, inMessage: "no candidates"},
		{name: "not JSON", body: `<html>oops</html>`, class: providers.BadResponse, inMessage: "oops"},
		{name: "truncated JSON", body: okBody[:40], class: providers.BadResponse, inMessage: "decode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, url := serve(t, 200, nil, tt.body)
			resp, err := newClient(t, url).Complete(context.Background(), userRequest("hi"))
			if tt.class == "" {
				if err != nil {
					t.Fatal(err)
				}
				if resp.Text != tt.text || resp.Usage != tt.usage || resp.TTFT != 0 || resp.Latency <= 0 {
					t.Errorf("text %q, usage %+v, TTFT %v, latency %v; want %q, %+v, 0, > 0", resp.Text, resp.Usage, resp.TTFT, resp.Latency, tt.text, tt.usage)
				}
				return
			}
			if pe := wantClass(t, err, tt.class); pe != nil && !strings.Contains(pe.Message, tt.inMessage) {
				t.Errorf("message %q does not contain %q", pe.Message, tt.inMessage)
			}
		})
	}
}

// TestFakeIsStrict proves the fake rejects what the real API rejects.
func TestFakeIsStrict(t *testing.T) {
	b := providertest.Behaviour{Scenario: providertest.Answer, Config: providers.Config{APIKey: testKey}, Model: "m", Text: "ok"}
	srv := httptest.NewServer(fakeHandler(b))
	defer srv.Close()
	tests := []struct {
		name, key, body, inMsg string
		status                 int
	}{
		{"no key", "", `{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}`, "unregistered callers", 403},
		{"unknown field", testKey, `{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"max_tokens":5}`, "Unknown name", 400},
		{"OpenAI-style config", testKey, `{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"max_tokens":5}}`, "Unknown name", 400},
		{"system role", testKey, `{"contents":[{"role":"system","parts":[{"text":"x"}]}]}`, "valid role", 400},
		{"empty text", testKey, `{"contents":[{"role":"user","parts":[{"text":""}]}]}`, "empty text", 400},
		{"temperature above 2", testKey, `{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"temperature":2.5}}`, "temperature", 400},
		{"snake_case accepted", testKey, `{"contents":[{"role":"user","parts":[{"inline_data":{"mime_type":"image/png","data":"AAAA"}}]}],"generation_config":{"max_output_tokens":5}}`, "candidates", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", srv.URL+"/v1beta/models/m:generateContent", strings.NewReader(tt.body))
			if tt.key != "" {
				req.Header.Set("x-goog-api-key", tt.key)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status || !strings.Contains(string(body), tt.inMsg) {
				t.Errorf("status %d, body %s; want %d mentioning %q", resp.StatusCode, body, tt.status, tt.inMsg)
			}
		})
	}
}

// TestStallErrorBody: an error body that goes silent ends the call as a
// stall too, with the status it came with (the Kit stalls 200 answers).
func TestStallErrorBody(t *testing.T) {
	srv := httptest.NewServer(providertest.StallAfter(503, "application/json; charset=UTF-8", `{"error":{"code":503,"message":"The model is over`))
	defer srv.Close()
	c, err := gemini.NewClient(providers.Config{Name: "t", BaseURL: srv.URL, APIKey: testKey, StallTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = c.Complete(ctx, userRequest("hi"))
	if pe := wantClass(t, err, providers.Timeout); pe.Code != providers.StallCode || pe.Status != 503 {
		t.Errorf("code %q, status %d; want a stall of the 503 answer (%v)", pe.Code, pe.Status, err)
	}
}
