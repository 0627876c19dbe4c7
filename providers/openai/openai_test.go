package openai_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
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
	"github.com/llmbench/llmbench/providers/openai"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const testKey = "sk-test-0123456789abcdefSECRET"

// capture is an httptest server that records requests and answers with a
// fixed status, headers and body.
type capture struct {
	mu      sync.Mutex
	bodies  [][]byte
	headers []http.Header
	paths   []string
}

func serve(t *testing.T, status int, header map[string]string, body string) (*capture, string) {
	t.Helper()
	c := &capture{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		c.bodies = append(c.bodies, b)
		c.headers = append(c.headers, r.Header.Clone())
		c.paths = append(c.paths, r.URL.Path)
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
	return c, srv.URL + "/v1"
}

func newClient(t *testing.T, baseURL string, opts openai.Options) *openai.Client {
	t.Helper()
	if opts.KeyEnv == "" {
		opts.KeyEnv = openai.KeyEnv
	}
	c, err := openai.NewWith(providers.Config{Name: "t", BaseURL: baseURL, APIKey: testKey, APIKeyEnv: "MY_OPENAI_KEY"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func userRequest(text string) *providers.Request {
	return &providers.Request{Model: "gpt-4o", Messages: []providers.Message{{Role: providers.RoleUser, Text: text}}}
}

const okBody = `{"id":"chatcmpl-1","object":"chat.completion","created":1741569952,"model":"gpt-4o-2024-08-06",
"choices":[{"index":0,"message":{"role":"assistant","content":"Hello!","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],
"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29}}`

func ptr[T any](v T) *T { return &v }

// TestRequestBody pins the JSON the adapter sends (golden files): fields
// only when set, images as content parts after the text, stream options.
func TestRequestBody(t *testing.T) {
	// A PNG signature is all http.DetectContentType needs; fixed bytes keep
	// the golden files independent of the image encoder.
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	tests := []struct {
		name string
		opts openai.Options
		req  *providers.Request
	}{
		{name: "plain", req: &providers.Request{Model: "gpt-4o", Messages: []providers.Message{
			{Role: providers.RoleSystem, Text: "You are terse."},
			{Role: providers.RoleUser, Text: "What is 6×7?"},
		}}},
		{name: "params", req: &providers.Request{Model: "gpt-4o", Messages: []providers.Message{{Role: providers.RoleUser, Text: "hi"}},
			Params: providers.Params{Temperature: ptr(0.0), TopP: ptr(0.9), MaxTokens: ptr(256), Seed: ptr(int64(42)), Stop: []string{"\n\n", "END"}}}},
		{name: "stream", req: &providers.Request{Model: "gpt-4o", Stream: true, Messages: []providers.Message{{Role: providers.RoleUser, Text: "hi"}}}},
		{name: "images", req: &providers.Request{Model: "gpt-4o", Messages: []providers.Message{
			{Role: providers.RoleUser, Text: "How many shapes?", Images: []providers.Image{{MIME: "image/png", Data: png}, {Data: png}}},
		}}},
		{name: "quirks", opts: openai.Options{MaxCompletionTokens: true, NoStreamOptions: true, BareBase64Images: true},
			req: &providers.Request{Model: "glm-4v", Stream: true, Params: providers.Params{MaxTokens: ptr(16)}, Messages: []providers.Message{
				{Role: providers.RoleUser, Images: []providers.Image{{MIME: "image/png", Data: png}}},
			}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, url := serve(t, 200, nil, okBody)
			if _, err := newClient(t, url, tt.opts).Complete(context.Background(), tt.req); err != nil {
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

func TestRequestRejectedBeforeSending(t *testing.T) {
	tests := []struct {
		name string
		req  *providers.Request
	}{
		{"no model", &providers.Request{Messages: []providers.Message{{Role: providers.RoleUser, Text: "hi"}}}},
		{"no messages", &providers.Request{Model: "gpt-4o"}},
		{"image on assistant turn", &providers.Request{Model: "gpt-4o", Messages: []providers.Message{
			{Role: providers.RoleAssistant, Text: "look", Images: []providers.Image{{MIME: "image/png", Data: []byte{1}}}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, url := serve(t, 200, nil, okBody)
			_, err := newClient(t, url, openai.Options{}).Complete(context.Background(), tt.req)
			wantClass(t, err, providers.BadRequest)
			if len(c.bodies) != 0 {
				t.Errorf("the request was sent")
			}
		})
	}
}

func TestHeadersAndURL(t *testing.T) {
	tests := []struct {
		name     string
		key      string
		base     string // appended to the server URL in place of "/v1"
		opts     openai.Options
		wantAuth string
		wantPath string
		wantX    string
	}{
		{name: "bearer", key: testKey, base: "/v1", wantAuth: "Bearer " + testKey, wantPath: "/v1/chat/completions"},
		{name: "no key no header", base: "/v1/", wantPath: "/v1/chat/completions"},
		{name: "custom path", key: testKey, base: "/api/paas/v4", opts: openai.Options{Path: "chat/completions"}, wantAuth: "Bearer " + testKey, wantPath: "/api/paas/v4/chat/completions"},
		{name: "authorize hook", key: testKey, base: "/v1", opts: openai.Options{Authorize: func(r *http.Request) error {
			r.Header.Set("Authorization", "Bearer signed-token")
			r.Header.Set("X-Extra", "1")
			return nil
		}}, wantAuth: "Bearer signed-token", wantPath: "/v1/chat/completions", wantX: "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, url := serve(t, 200, nil, okBody)
			url = strings.TrimSuffix(url, "/v1") + tt.base
			p, err := openai.NewWith(providers.Config{BaseURL: url, APIKey: tt.key}, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.Complete(context.Background(), userRequest("hi")); err != nil {
				t.Fatal(err)
			}
			h := c.headers[0]
			got := []string{h.Get("Authorization"), c.paths[0], h.Get("X-Extra"), h.Get("Content-Type")}
			want := []string{tt.wantAuth, tt.wantPath, tt.wantX, "application/json"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("authorization, path, x-extra, content-type (-want +got):\n%s", diff)
			}
			if _, present := h["Authorization"]; tt.wantAuth == "" && present {
				t.Errorf("an Authorization header was sent without a key")
			}
		})
	}
}

func TestAuthorizeError(t *testing.T) {
	c, url := serve(t, 200, nil, okBody)
	p := newClient(t, url, openai.Options{Authorize: func(*http.Request) error { return errors.New("sign token: key has no dot") }})
	_, err := p.Complete(context.Background(), userRequest("hi"))
	pe := wantClass(t, err, providers.Auth)
	if pe != nil && !strings.Contains(pe.Message, "MY_OPENAI_KEY") {
		t.Errorf("message %q does not name the key variable", pe.Message)
	}
	if len(c.bodies) != 0 {
		t.Errorf("the request was sent")
	}
}

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

func TestErrorClassification(t *testing.T) {
	errBody := func(typ, code, msg string) string {
		return fmt.Sprintf(`{"error":{"message":%q,"type":%q,"param":null,"code":%q}}`, msg, typ, code)
	}
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
		{"429 rate limit with ms hint", 429, map[string]string{"retry-after-ms": "1500", "Retry-After": "2"},
			errBody("requests", "rate_limit_exceeded", "Rate limit reached for gpt-4o"),
			want{providers.RateLimited, 429, "rate_limit_exceeded", 1500 * time.Millisecond, "Rate limit reached"}},
		{"429 rate limit with seconds hint", 429, map[string]string{"Retry-After": "2.5"},
			errBody("tokens", "rate_limit_exceeded", "slow down"), want{providers.RateLimited, 429, "rate_limit_exceeded", 2500 * time.Millisecond, "slow down"}},
		{"429 without hint", 429, nil, errBody("requests", "", "slow down"), want{providers.RateLimited, 429, "requests", 0, "slow down"}},
		{"429 insufficient_quota", 429, map[string]string{"Retry-After": "1"},
			errBody("insufficient_quota", "insufficient_quota", "You exceeded your current quota"), want{providers.Quota, 429, "insufficient_quota", 0, "quota"}},
		{"429 credit balance exhausted", 429, nil, errBody("insufficient_quota", "credit_balance_exhausted", "no credit"), want{providers.Quota, 429, "credit_balance_exhausted", 0, "no credit"}},
		{"429 project spend limit", 429, nil, errBody("requests", "project_spend_limit_exceeded", "limit"), want{providers.Quota, 429, "project_spend_limit_exceeded", 0, "limit"}},
		{"429 organization spend limit", 429, nil, errBody("", "organization_spend_limit_exceeded", "limit"), want{providers.Quota, 429, "organization_spend_limit_exceeded", 0, "limit"}},
		{"429 organization usage limit", 429, nil, errBody("", "organization_usage_limit_exceeded", "limit"), want{providers.Quota, 429, "organization_usage_limit_exceeded", 0, "limit"}},
		{"401 echoing the key", 401, nil, errBody("invalid_request_error", "invalid_api_key", "Incorrect API key provided: "+testKey+"."),
			want{providers.Auth, 401, "invalid_api_key", 0, "MY_OPENAI_KEY"}},
		{"403 region", 403, nil, errBody("request_forbidden", "unsupported_country_region_territory", "Country, region, or territory not supported"),
			want{providers.Auth, 403, "unsupported_country_region_territory", 0, "MY_OPENAI_KEY"}},
		{"400 invalid", 400, nil, errBody("invalid_request_error", "invalid_value", "bad temperature"), want{providers.BadRequest, 400, "invalid_value", 0, "bad temperature"}},
		{"404 model", 404, nil, errBody("invalid_request_error", "model_not_found", "The model `x` does not exist"), want{providers.BadRequest, 404, "model_not_found", 0, "does not exist"}},
		{"413 too large", 413, nil, errBody("invalid_request_error", "", "Request too large"), want{providers.BadRequest, 413, "invalid_request_error", 0, "too large"}},
		{"422 unprocessable", 422, nil, `{"detail":"Invalid Parameters"}`, want{providers.BadRequest, 422, "", 0, "Invalid Parameters"}},
		{"400 content filter", 400, nil, errBody("content_filter", "", "The request was rejected because it was considered high risk"), want{providers.ContentFiltered, 400, "content_filter", 0, "high risk"}},
		{"402 balance", 402, nil, errBody("", "", "Insufficient Balance"), want{providers.Quota, 402, "", 0, "Insufficient Balance"}},
		{"408 timeout", 408, nil, errBody("", "", "Request timed out"), want{providers.Timeout, 408, "", 0, "timed out"}},
		{"409 conflict", 409, nil, errBody("", "", "conflict"), want{providers.Server, 409, "", 0, "conflict"}},
		{"500 server", 500, nil, errBody("server_error", "", "The server had an error"), want{providers.Server, 500, "server_error", 0, "server had an error"}},
		{"503 overloaded with hint", 503, map[string]string{"Retry-After": "3"}, errBody("server_error", "server_is_overloaded", "overloaded"),
			want{providers.Server, 503, "server_is_overloaded", 3 * time.Second, "overloaded"}},
		{"502 html", 502, map[string]string{"Content-Type": "text/html"}, "<html><body>Bad Gateway</body></html>", want{providers.Server, 502, "", 0, "Bad Gateway"}},
		{"500 empty", 500, nil, "", want{providers.Server, 500, "", 0, "Internal Server Error"}},
		{"vllm old shape", 400, nil, `{"object":"error","message":"max_tokens too large","type":"BadRequestError","param":null,"code":400}`,
			want{providers.BadRequest, 400, "400", 0, "max_tokens too large"}},
		{"error as a string", 429, nil, `{"error":"too many requests"}`, want{providers.RateLimited, 429, "", 0, "too many requests"}},
		{"numeric code", 500, nil, `{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}`, want{providers.Server, 500, "503", 0, "Loading model"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, url := serve(t, tt.status, tt.header, tt.body)
			for _, stream := range []bool{false, true} {
				req := userRequest("hi")
				req.Stream = stream
				_, err := newClient(t, url, openai.Options{}).Complete(context.Background(), req)
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
	_, url := serve(t, 401, nil, `{"error":{"message":"You didn't provide an API key.","type":"invalid_request_error","code":null}}`)
	p, err := openai.New(providers.Config{BaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Complete(context.Background(), userRequest("hi"))
	pe := wantClass(t, err, providers.Auth)
	if pe != nil && !strings.Contains(pe.Message, "set OPENAI_API_KEY") {
		t.Errorf("message %q does not say to set OPENAI_API_KEY", pe.Message)
	}
}

func TestClassifyHook(t *testing.T) {
	_, url := serve(t, 400, nil, `{"contentFilter":[{"level":1,"role":"user"}],"error":{"code":"1301","message":"系统检测到输入或生成内容可能包含不安全或敏感内容"}}`)
	p := newClient(t, url, openai.Options{Classify: func(status int, e openai.APIError) (providers.Class, bool) {
		if e.Code == "1301" {
			return providers.ContentFiltered, true
		}
		return "", false
	}})
	_, err := p.Complete(context.Background(), userRequest("hi"))
	if pe := wantClass(t, err, providers.ContentFiltered); pe != nil && pe.Code != "1301" {
		t.Errorf("code = %q, want 1301", pe.Code)
	}
}

func sseBody(lines ...string) string { return strings.Join(lines, "") }

const (
	roleChunk  = `data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}` + "\n\n"
	helloChunk = `data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}],"usage":null}` + "\n\n"
	loChunk    = `data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":null}],"usage":null}` + "\n\n"
	stopChunk  = `data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}` + "\n\n"
	usageChunk = `data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o-2024-08-06","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}` + "\n\n"
	doneEvent  = "data: [DONE]\n\n"
)

// TestStreamVariants feeds the stream reader the framings and placements
// OpenAI-compatible servers use.
func TestStreamVariants(t *testing.T) {
	type want struct {
		Text, Model, Finish string
		Usage               providers.Usage
	}
	full := want{"Hello", "gpt-4o-2024-08-06", "stop", providers.Usage{InputTokens: 5, OutputTokens: 2}}
	tests := []struct {
		name        string
		contentType string
		body        string
		want        want
	}{
		{"openai", "text/event-stream", sseBody(roleChunk, helloChunk, loChunk, stopChunk, usageChunk, doneEvent), full},
		{"no space after data (sensenova)", "text/event-stream; charset=utf-8",
			strings.ReplaceAll(sseBody(roleChunk, helloChunk, loChunk, stopChunk, usageChunk, doneEvent), "data: ", "data:"), full},
		{"keep-alive comments and CRLF", "text/event-stream",
			": keep-alive\r\n\r\n" + strings.ReplaceAll(sseBody(roleChunk, helloChunk, ": keep-alive\n\n", loChunk, stopChunk, usageChunk, doneEvent), "\n", "\r\n"), full},
		{"finish without [DONE] (gemini compat)", "text/event-stream", sseBody(helloChunk, loChunk, stopChunk, usageChunk), full},
		{"usage cut after finish", "text/event-stream", sseBody(helloChunk, loChunk, stopChunk), want{"Hello", "gpt-4o-2024-08-06", "stop", providers.Usage{}}},
		{"usage in the last content chunk (zhipu)", "text/event-stream", sseBody(helloChunk,
			`data: {"id":"c","model":"glm-4","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2}}`+"\n\n", doneEvent),
			want{"Hello", "glm-4", "stop", providers.Usage{InputTokens: 5, OutputTokens: 2}}},
		{"usage inside the choice (moonshot)", "text/event-stream", sseBody(helloChunk,
			`data: {"id":"c","model":"moonshot-v1-8k","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop","usage":{"prompt_tokens":5,"completion_tokens":2}}]}`+"\n\n", doneEvent),
			want{"Hello", "moonshot-v1-8k", "stop", providers.Usage{InputTokens: 5, OutputTokens: 2}}},
		{"second choice ignored", "text/event-stream", sseBody(helloChunk,
			`data: {"model":"gpt-4o-2024-08-06","choices":[{"index":1,"delta":{"content":"XX"},"finish_reason":null},{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}`+"\n\n", usageChunk, doneEvent), full},
		{"JSON answer to a streaming request", "application/json", okBody,
			want{"Hello!", "gpt-4o-2024-08-06", "stop", providers.Usage{InputTokens: 19, OutputTokens: 10}}},
		{"stream labelled text/plain", "text/plain", sseBody(helloChunk, loChunk, stopChunk, usageChunk, doneEvent), full},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, url := serve(t, 200, map[string]string{"Content-Type": tt.contentType, "X-RateLimit-Remaining-Requests": "59", "x-ratelimit-reset-tokens": "6m0s"}, tt.body)
			req := userRequest("hi")
			req.Stream = true
			resp, err := newClient(t, url, openai.Options{}).Complete(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			got := want{resp.Text, resp.Model, resp.FinishReason, resp.Usage}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			wantRL := map[string]string{"x-ratelimit-remaining-requests": "59", "x-ratelimit-reset-tokens": "6m0s"}
			if diff := cmp.Diff(wantRL, resp.RateLimit); diff != "" {
				t.Errorf("rate-limit headers (-want +got):\n%s", diff)
			}
			if tt.contentType != "application/json" && (resp.TTFT <= 0 || resp.TTFT > resp.Latency) {
				t.Errorf("TTFT = %v, latency %v: want 0 < TTFT <= latency", resp.TTFT, resp.Latency)
			}
		})
	}
}

// TestStreamFailures: streams that end badly keep the text received so far.
func TestStreamFailures(t *testing.T) {
	tests := []struct {
		name        string
		body        string
		class       providers.Class
		partial     string
		code        string
		inMessage   string
		maxResponse int64
	}{
		{name: "ends without finish or [DONE]", body: sseBody(roleChunk, helloChunk), class: providers.BadResponse, partial: "Hel", inMessage: "[DONE]"},
		{name: "cut mid-event", body: sseBody(helloChunk, `data: {"choices":[{"index":0,"delta":{"content":"lo`), class: providers.BadResponse, partial: "Hel", inMessage: "cut"},
		{name: "garbage chunk", body: sseBody(helloChunk, "data: {oops\n\n"), class: providers.BadResponse, partial: "Hel", inMessage: "decode"},
		{name: "rate limit error mid-stream", body: sseBody(helloChunk, `data: {"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}`+"\n\n"),
			class: providers.RateLimited, partial: "Hel", code: "rate_limit_exceeded", inMessage: "Rate limit"},
		{name: "server error mid-stream", body: sseBody(helloChunk, `data: {"error":{"message":"The server had an error while processing your request.","type":"server_error","code":null}}`+"\n\n"),
			class: providers.Server, partial: "Hel", code: "server_error", inMessage: "server had an error"},
		{name: "content_filter finish", body: sseBody(helloChunk, `data: {"choices":[{"index":0,"delta":{},"finish_reason":"content_filter"}]}`+"\n\n", doneEvent),
			class: providers.ContentFiltered, partial: "Hel", code: "content_filter", inMessage: "content filter"},
		{name: "refusal delta", body: sseBody(roleChunk, `data: {"choices":[{"index":0,"delta":{"refusal":"I can't help with that."},"finish_reason":null}]}`+"\n\n", stopChunk, doneEvent),
			class: providers.ContentFiltered, code: "refusal", inMessage: "I can't help with that."},
		{name: "line over the limit", body: sseBody(helloChunk, "data: "+strings.Repeat("x", 5000)+"\n\n"), class: providers.BadResponse, partial: "Hel", maxResponse: 4096, inMessage: "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, url := serve(t, 200, map[string]string{"Content-Type": "text/event-stream"}, tt.body)
			p, err := openai.NewWith(providers.Config{BaseURL: url, APIKey: testKey, MaxResponseBytes: tt.maxResponse}, openai.Options{})
			if err != nil {
				t.Fatal(err)
			}
			req := userRequest("hi")
			req.Stream = true
			_, err = p.Complete(context.Background(), req)
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
		class     providers.Class // "" for success
		inMessage string
	}{
		{name: "plain", body: okBody, text: "Hello!"},
		{name: "content parts", body: `{"model":"m","choices":[{"index":0,"message":{"content":[{"type":"text","text":"He"},{"type":"text","text":"llo"}]},"finish_reason":"stop"}]}`, text: "Hello"},
		{name: "null content", body: `{"model":"m","choices":[{"index":0,"message":{"content":null},"finish_reason":"length"}]}`, text: ""},
		{name: "refusal", body: `{"model":"m","choices":[{"index":0,"message":{"content":null,"refusal":"I'm sorry, I can't assist with that."},"finish_reason":"stop"}]}`,
			class: providers.ContentFiltered, inMessage: "can't assist"},
		{name: "content_filter finish", body: `{"model":"m","choices":[{"index":0,"message":{"content":""},"finish_reason":"content_filter"}]}`, class: providers.ContentFiltered, inMessage: "content filter"},
		{name: "error in a 200 body", body: `{"error":{"message":"quota exhausted","type":"insufficient_quota","code":"insufficient_quota"}}`, class: providers.Quota, inMessage: "quota exhausted"},
		{name: "no choices", body: `{"model":"m","choices":[]}`, class: providers.BadResponse, inMessage: "no choices"},
		{name: "not JSON", body: `<html>oops</html>`, class: providers.BadResponse, inMessage: "oops"},
		{name: "truncated JSON", body: okBody[:40], class: providers.BadResponse, inMessage: "decode"},
		{name: "content of the wrong type", body: `{"model":"m","choices":[{"index":0,"message":{"content":7},"finish_reason":"stop"}]}`, class: providers.BadResponse, inMessage: "content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, url := serve(t, 200, nil, tt.body)
			resp, err := newClient(t, url, openai.Options{}).Complete(context.Background(), userRequest("hi"))
			if tt.class == "" {
				if err != nil {
					t.Fatal(err)
				}
				if resp.Text != tt.text || resp.TTFT != 0 || resp.Latency <= 0 {
					t.Errorf("text %q, TTFT %v, latency %v; want %q, 0, > 0", resp.Text, resp.TTFT, resp.Latency, tt.text)
				}
				return
			}
			if pe := wantClass(t, err, tt.class); pe != nil && !strings.Contains(pe.Message, tt.inMessage) {
				t.Errorf("message %q does not contain %q", pe.Message, tt.inMessage)
			}
		})
	}
}

func TestFilterFinishReasons(t *testing.T) {
	_, url := serve(t, 200, nil, `{"model":"glm-4","choices":[{"index":0,"message":{"content":""},"finish_reason":"sensitive"}]}`)
	_, err := newClient(t, url, openai.Options{FilterFinishReasons: []string{"sensitive"}}).Complete(context.Background(), userRequest("hi"))
	wantClass(t, err, providers.ContentFiltered)
	resp, err := newClient(t, url, openai.Options{}).Complete(context.Background(), userRequest("hi"))
	if err != nil || resp.FinishReason != "sensitive" {
		t.Errorf("without the option: %v, %v; want success with finish_reason sensitive", resp, err)
	}
}

// TestOversizeByContentLength: a declared length over the limit is refused
// before reading the body.
func TestOversizeByContentLength(t *testing.T) {
	_, url := serve(t, 200, map[string]string{"Content-Length": "100000"}, okBody+strings.Repeat(" ", 100000-len(okBody)))
	p, err := openai.New(providers.Config{BaseURL: url, MaxResponseBytes: 1000})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Complete(context.Background(), userRequest("hi"))
	if pe := wantClass(t, err, providers.BadResponse); pe != nil && !strings.Contains(pe.Message, "100000 bytes") {
		t.Errorf("message %q does not give the size", pe.Message)
	}
}

func TestConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	p, err := openai.New(providers.Config{BaseURL: "http://" + addr + "/v1", APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Complete(context.Background(), userRequest("hi"))
	wantClass(t, err, providers.Server)
}

func TestCanceledBeforeSending(t *testing.T) {
	_, url := serve(t, 200, nil, okBody)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := newClient(t, url, openai.Options{}).Complete(ctx, userRequest("hi"))
	wantClass(t, err, providers.Canceled)
}

func TestNewRejectsBadBaseURL(t *testing.T) {
	for _, base := range []string{"ftp://example.com", "not a url", "http://", "://x"} {
		if _, err := openai.New(providers.Config{Name: "t", BaseURL: base}); err == nil {
			t.Errorf("base url %q accepted", base)
		}
	}
	c, err := openai.NewWith(providers.Config{}, openai.Options{})
	if err != nil || c.URL() != "https://api.openai.com/v1/chat/completions" {
		t.Errorf("default URL = %q, %v", c.URL(), err)
	}
}

func TestRegistered(t *testing.T) {
	info, ok := providers.Lookup("openai")
	want := providers.Info{Name: "openai", Description: info.Description, DefaultBaseURL: "https://api.openai.com/v1", KeyEnv: "OPENAI_API_KEY"}
	if diff := cmp.Diff(want, info); !ok || diff != "" || info.Description == "" {
		t.Errorf("registered info (-want +got):\n%s", diff)
	}
	p, err := providers.New(providers.Config{Provider: "openai"})
	if _, isClient := p.(*openai.Client); err != nil || !isClient {
		t.Errorf("providers.New(openai) = %T, %v", p, err)
	}
}

func TestNewErrorReturnsNilProvider(t *testing.T) {
	p, err := openai.New(providers.Config{BaseURL: "ftp://x"})
	if err == nil || p != nil {
		t.Errorf("New = %v, %v; want a nil Provider and an error", p, err)
	}
}

func TestBaseURLErrorHidesPassword(t *testing.T) {
	_, err := openai.New(providers.Config{BaseURL: "ftp://user:hunter2secret@example.com/v1"})
	if err == nil || strings.Contains(err.Error(), "hunter2secret") {
		t.Errorf("error %v shows the password in the URL", err)
	}
}
