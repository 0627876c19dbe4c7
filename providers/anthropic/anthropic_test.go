package anthropic_test

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
	"github.com/llmbench/llmbench/providers/anthropic"
	"github.com/llmbench/llmbench/providers/providertest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const testKey = "sk-ant-api03-test-0123456789abcdefSECRET"

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
	return c, srv.URL
}

func newClient(t *testing.T, baseURL string) *anthropic.Client {
	t.Helper()
	c, err := anthropic.NewClient(providers.Config{Name: "t", BaseURL: baseURL, APIKey: testKey, APIKeyEnv: "MY_CLAUDE_KEY"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func userRequest(text string) *providers.Request {
	return &providers.Request{Model: "claude-sonnet-4-5", Messages: []providers.Message{{Role: providers.RoleUser, Text: text}}}
}

func ptr[T any](v T) *T { return &v }

const okBody = `{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
"content":[{"type":"text","text":"Hello!"}],"stop_reason":"end_turn","stop_sequence":null,
"usage":{"input_tokens":12,"output_tokens":5,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"service_tier":"standard"}}`

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

// TestRequestBody pins the JSON the adapter sends (golden files): system
// at the top level, max_tokens always present, images as base64 or url
// blocks after the text, no seed.
func TestRequestBody(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	tests := []struct {
		name string
		req  *providers.Request
	}{
		{name: "plain", req: &providers.Request{Model: "claude-sonnet-4-5", Messages: []providers.Message{
			{Role: providers.RoleSystem, Text: "You are terse."},
			{Role: providers.RoleUser, Text: "What is 6×7?"},
		}}},
		{name: "params", req: &providers.Request{Model: "claude-sonnet-4-5", Messages: []providers.Message{{Role: providers.RoleUser, Text: "hi"}},
			Params: providers.Params{Temperature: ptr(0.0), TopP: ptr(0.9), MaxTokens: ptr(256), Seed: ptr(int64(42)), Stop: []string{"\n\n", "END"}}}},
		{name: "stream", req: &providers.Request{Model: "claude-sonnet-4-5", Stream: true, Messages: []providers.Message{{Role: providers.RoleUser, Text: "hi"}}}},
		{name: "images", req: &providers.Request{Model: "claude-sonnet-4-5", Messages: []providers.Message{
			{Role: providers.RoleUser, Text: "How many shapes?", Images: []providers.Image{{MIME: "image/png", Data: png}, {Data: png}}},
		}}},
		{name: "image_urls", req: &providers.Request{Model: "claude-sonnet-4-5", Messages: []providers.Message{
			{Role: providers.RoleUser, Text: "Which is larger?", Images: []providers.Image{{URL: "https://example.org/a.jpg"}, {MIME: "image/png", Data: png}}},
		}}},
		{name: "conversation", req: &providers.Request{Model: "claude-sonnet-4-5", Messages: []providers.Message{
			{Role: providers.RoleSystem, Text: "Be brief."},
			{Role: providers.RoleSystem, Text: "Answer in English."},
			{Role: providers.RoleUser, Text: "2+2?"},
			{Role: providers.RoleAssistant, Text: "4"},
			{Role: providers.RoleUser, Text: "And 3+3?"},
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

func TestAdjustParams(t *testing.T) {
	tests := []struct {
		name  string
		in    providers.Params
		want  providers.Params
		warns int
	}{
		{"all fine", providers.Params{Temperature: ptr(0.5), MaxTokens: ptr(100), Stop: []string{"x"}},
			providers.Params{Temperature: ptr(0.5), MaxTokens: ptr(100), Stop: []string{"x"}}, 0},
		{"max_tokens supplied", providers.Params{}, providers.Params{MaxTokens: ptr(anthropic.DefaultMaxTokens)}, 1},
		{"seed dropped", providers.Params{MaxTokens: ptr(10), Seed: ptr(int64(7))}, providers.Params{MaxTokens: ptr(10)}, 1},
		{"temperature capped", providers.Params{MaxTokens: ptr(10), Temperature: ptr(1.5)}, providers.Params{MaxTokens: ptr(10), Temperature: ptr(1.0)}, 1},
		{"temperature 1 kept", providers.Params{MaxTokens: ptr(10), Temperature: ptr(1.0)}, providers.Params{MaxTokens: ptr(10), Temperature: ptr(1.0)}, 0},
		{"everything at once", providers.Params{Seed: ptr(int64(1)), Temperature: ptr(2.0)}, providers.Params{MaxTokens: ptr(anthropic.DefaultMaxTokens), Temperature: ptr(1.0)}, 3},
	}
	c := newClient(t, "http://127.0.0.1:9")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			var origTemp float64
			if in.Temperature != nil {
				origTemp = *in.Temperature
			}
			got, warns := c.AdjustParams(in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("params (-want +got):\n%s", diff)
			}
			if len(warns) != tt.warns {
				t.Errorf("warnings %q, want %d", warns, tt.warns)
			}
			if in.Temperature != nil && *in.Temperature != origTemp {
				t.Errorf("AdjustParams wrote through the caller's temperature pointer")
			}
			again, warns2 := c.AdjustParams(in)
			if diff := cmp.Diff(got, again); diff != "" || !slicesEqual(warns, warns2) {
				t.Errorf("AdjustParams is not pure: %s %q %q", diff, warns, warns2)
			}
		})
	}
}

func slicesEqual(a, b []string) bool { return cmp.Diff(a, b) == "" }

func TestHeadersAndURL(t *testing.T) {
	tests := []struct {
		name     string
		base     string // appended to the server URL
		key      string
		wantPath string
	}{
		{"root", "", testKey, "/v1/messages"},
		{"root with slash", "/", testKey, "/v1/messages"},
		{"root with /v1", "/v1", testKey, "/v1/messages"},
		{"compatible endpoint root", "/anthropic", testKey, "/anthropic/v1/messages"},
		{"no key no header", "", "", "/v1/messages"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, url := serve(t, 200, nil, okBody)
			p, err := anthropic.NewClient(providers.Config{BaseURL: url + tt.base, APIKey: tt.key})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.Complete(context.Background(), userRequest("hi")); err != nil {
				t.Fatal(err)
			}
			h := c.headers[0]
			got := []string{c.paths[0], h.Get("x-api-key"), h.Get("anthropic-version"), h.Get("Content-Type"), h.Get("Authorization")}
			want := []string{tt.wantPath, tt.key, "2023-06-01", "application/json", ""}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("path, x-api-key, anthropic-version, content-type, authorization (-want +got):\n%s", diff)
			}
			if _, present := h["X-Api-Key"]; tt.key == "" && present {
				t.Errorf("an x-api-key header was sent without a key")
			}
		})
	}
	if c, err := anthropic.NewClient(providers.Config{}); err != nil || c.URL() != "https://api.anthropic.com/v1/messages" {
		t.Errorf("default URL = %v, %v", c, err)
	}
}

func TestNewRejects(t *testing.T) {
	for _, cfg := range []providers.Config{
		{BaseURL: "ftp://example.com"},
		{BaseURL: "not a url"},
		{BaseURL: "http://"},
		{API: "openai"},
	} {
		if p, err := anthropic.New(cfg); err == nil || p != nil {
			t.Errorf("config %+v accepted: %v, %v", cfg, p, err)
		}
	}
	_, err := anthropic.New(providers.Config{BaseURL: "ftp://user:hunter2secret@example.com"})
	if err == nil || strings.Contains(err.Error(), "hunter2secret") {
		t.Errorf("error %v shows the password in the URL", err)
	}
	if _, err := anthropic.New(providers.Config{API: "native"}); err != nil {
		t.Errorf("api native: %v", err)
	}
}

func TestRegistered(t *testing.T) {
	info, ok := providers.Lookup("anthropic")
	want := providers.Info{Name: "anthropic", Description: info.Description, DefaultBaseURL: "https://api.anthropic.com", KeyEnv: "ANTHROPIC_API_KEY"}
	if diff := cmp.Diff(want, info); !ok || diff != "" || info.Description == "" {
		t.Errorf("registered info (-want +got):\n%s", diff)
	}
	p, err := providers.New(providers.Config{Provider: "anthropic"})
	if _, isClient := p.(*anthropic.Client); err != nil || !isClient {
		t.Errorf("providers.New(anthropic) = %T, %v", p, err)
	}
	if _, ok := p.(providers.ParamAdjuster); !ok {
		t.Errorf("the anthropic provider is not a ParamAdjuster")
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
		{"unsupported image type", &providers.Request{Model: "m", Messages: []providers.Message{{Role: providers.RoleUser, Text: "x", Images: []providers.Image{{MIME: "image/bmp", Data: []byte("BM")}}}}}},
		{"image URL not http", &providers.Request{Model: "m", Messages: []providers.Message{{Role: providers.RoleUser, Text: "x", Images: []providers.Image{{URL: "file:///etc/passwd"}}}}}},
		{"image URL on assistant turn", &providers.Request{Model: "m", Messages: []providers.Message{{Role: providers.RoleUser, Text: "x"}, {Role: providers.RoleAssistant, Images: []providers.Image{{URL: "https://example.org/a.png"}}}, {Role: providers.RoleUser, Text: "y"}}}},
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

func TestErrorClassification(t *testing.T) {
	errBody := func(typ, msg string) string {
		return fmt.Sprintf(`{"type":"error","error":{"type":%q,"message":%q},"request_id":"req_011"}`, typ, msg)
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
		{"429 rate limit with hint", 429, map[string]string{"retry-after": "7", "anthropic-ratelimit-requests-remaining": "0"},
			errBody("rate_limit_error", "This request would exceed the rate limit"), want{providers.RateLimited, 429, "rate_limit_error", 7 * time.Second, "exceed the rate limit"}},
		{"429 without hint", 429, nil, errBody("rate_limit_error", "slow down"), want{providers.RateLimited, 429, "rate_limit_error", 0, "slow down"}},
		{"529 overloaded", 529, map[string]string{"retry-after": "2"}, errBody("overloaded_error", "Overloaded"), want{providers.Server, 529, "overloaded_error", 2 * time.Second, "Overloaded"}},
		{"529 without body", 529, nil, "", want{providers.Server, 529, "", 0, "Overloaded"}},
		{"500 api error", 500, nil, errBody("api_error", "Internal server error"), want{providers.Server, 500, "api_error", 0, "Internal server error"}},
		{"504 timeout error", 504, nil, errBody("timeout_error", "Request timed out"), want{providers.Timeout, 504, "timeout_error", 0, "timed out"}},
		{"401 auth", 401, nil, errBody("authentication_error", "invalid x-api-key"), want{providers.Auth, 401, "authentication_error", 0, "check the API key in MY_CLAUDE_KEY"}},
		{"401 echoing the key", 401, nil, errBody("authentication_error", "invalid x-api-key "+testKey), want{providers.Auth, 401, "authentication_error", 0, "[redacted]"}},
		{"403 permission", 403, nil, errBody("permission_error", "Your API key does not have permission to use the specified resource."), want{providers.Auth, 403, "permission_error", 0, "MY_CLAUDE_KEY"}},
		{"402 billing", 402, nil, errBody("billing_error", "billing issue"), want{providers.Quota, 402, "billing_error", 0, "billing issue"}},
		{"400 credit balance", 400, nil, errBody("invalid_request_error", "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."),
			want{providers.Quota, 400, "invalid_request_error", 0, "credit balance"}},
		{"400 content filter", 400, nil, errBody("invalid_request_error", "Output blocked by content filtering policy"),
			want{providers.ContentFiltered, 400, "invalid_request_error", 0, "content filtering"}},
		{"400 invalid", 400, nil, errBody("invalid_request_error", "max_tokens: Field required"), want{providers.BadRequest, 400, "invalid_request_error", 0, "max_tokens"}},
		{"404 model", 404, nil, errBody("not_found_error", "model: claude-x"), want{providers.BadRequest, 404, "not_found_error", 0, "claude-x"}},
		{"413 from the edge", 413, map[string]string{"Content-Type": "text/html"}, "<html>413 Request Entity Too Large</html>", want{providers.BadRequest, 413, "", 0, "Too Large"}},
		{"502 html", 502, map[string]string{"Content-Type": "text/html"}, "<html><body>Bad Gateway</body></html>", want{providers.Server, 502, "", 0, "Bad Gateway"}},
		{"unknown type on 429", 429, nil, errBody("something_new", "new"), want{providers.RateLimited, 429, "something_new", 0, "new"}},
		{"proxy shape", 503, nil, `{"error":{"message":"upstream unavailable","type":"upstream_error"}}`, want{providers.Server, 503, "upstream_error", 0, "upstream unavailable"}},
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
	_, url := serve(t, 401, nil, `{"type":"error","error":{"type":"authentication_error","message":"x-api-key header is required"}}`)
	p, err := anthropic.New(providers.Config{BaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Complete(context.Background(), userRequest("hi"))
	if pe := wantClass(t, err, providers.Auth); pe != nil && !strings.Contains(pe.Message, "set ANTHROPIC_API_KEY") {
		t.Errorf("message %q does not say to set ANTHROPIC_API_KEY", pe.Message)
	}
}

// sse renders named events.
func sse(events ...[2]string) string {
	var b strings.Builder
	for _, e := range events {
		fmt.Fprintf(&b, "event: %s\ndata: %s\n\n", e[0], e[1])
	}
	return b.String()
}

var (
	evStart      = [2]string{"message_start", `{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":1,"cache_read_input_tokens":100}}}`}
	evBlockStart = [2]string{"content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`}
	evPing       = [2]string{"ping", `{"type": "ping"}`}
	evHel        = [2]string{"content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}`}
	evLo         = [2]string{"content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo"}}`}
	evBlockStop  = [2]string{"content_block_stop", `{"type":"content_block_stop","index":0}`}
	evDelta      = [2]string{"message_delta", `{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}`}
	evStop       = [2]string{"message_stop", `{"type":"message_stop"}`}
)

func TestStreamVariants(t *testing.T) {
	type want struct {
		Text, Model, Finish string
		Usage               providers.Usage
	}
	full := want{"Hello", "claude-sonnet-4-5-20250929", "end_turn", providers.Usage{InputTokens: 125, OutputTokens: 15}}
	tests := []struct {
		name string
		body string
		want want
	}{
		{"documented sequence", sse(evStart, evBlockStart, evPing, evHel, evLo, evBlockStop, evDelta, evStop), full},
		{"CRLF and comments", ": hi\r\n\r\n" + strings.ReplaceAll(sse(evStart, evBlockStart, evHel, evLo, evBlockStop, evDelta, evStop), "\n", "\r\n"), full},
		{"thinking block skipped", sse(evStart,
			[2]string{"content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}`},
			[2]string{"content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me think"}}`},
			[2]string{"content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"abc"}}`},
			[2]string{"content_block_stop", `{"type":"content_block_stop","index":0}`},
			[2]string{"content_block_start", `{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}`},
			[2]string{"content_block_delta", `{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Hello"}}`},
			evDelta, evStop), full},
		{"usage repeated in message_delta", sse(evStart, evBlockStart, evHel, evLo,
			[2]string{"message_delta", `{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":30,"cache_read_input_tokens":100,"output_tokens":15}}`}, evStop),
			want{"Hello", "claude-sonnet-4-5-20250929", "end_turn", providers.Usage{InputTokens: 130, OutputTokens: 15}}},
		{"unknown event ignored", sse(evStart, [2]string{"some_future_event", `{"type":"some_future_event","x":1}`}, evHel, evLo, evDelta, evStop), full},
		{"event name only in the SSE field", sse(evStart, [2]string{"content_block_delta", `{"index":0,"delta":{"type":"text_delta","text":"Hello"}}`}, evDelta, evStop), full},
		{"stop_reason without message_stop", sse(evStart, evHel, evLo, evDelta), full},
		{"max_tokens stop", sse(evStart, evHel, evLo, [2]string{"message_delta", `{"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":15}}`}, evStop),
			want{"Hello", "claude-sonnet-4-5-20250929", "max_tokens", providers.Usage{InputTokens: 125, OutputTokens: 15}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, url := serve(t, 200, map[string]string{"Content-Type": "text/event-stream", "anthropic-ratelimit-tokens-remaining": "39000"}, tt.body)
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
			if diff := cmp.Diff(map[string]string{"anthropic-ratelimit-tokens-remaining": "39000"}, resp.RateLimit); diff != "" {
				t.Errorf("rate-limit headers (-want +got):\n%s", diff)
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
		{name: "ends without stop", body: sse(evStart, evHel), class: providers.BadResponse, partial: "Hel", inMessage: "message_stop"},
		{name: "no message_start", body: sse(evHel, evLo, evDelta, evStop), class: providers.BadResponse, partial: "Hello", inMessage: "message_start"},
		{name: "cut mid-event", body: sse(evStart, evHel) + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"ind", class: providers.BadResponse, partial: "Hel", inMessage: "cut"},
		{name: "garbage event", body: sse(evStart, evHel, [2]string{"content_block_delta", "{oops"}), class: providers.BadResponse, partial: "Hel", inMessage: "decode"},
		{name: "overloaded mid-stream", body: sse(evStart, evHel, [2]string{"error", `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`}),
			class: providers.Server, partial: "Hel", code: "overloaded_error", inMessage: "Overloaded"},
		{name: "rate limited mid-stream", body: sse(evStart, [2]string{"error", `{"type":"error","error":{"type":"rate_limit_error","message":"Rate limited"}}`}),
			class: providers.RateLimited, code: "rate_limit_error", inMessage: "Rate limited"},
		{name: "refusal", body: sse(evStart, evHel, [2]string{"message_delta", `{"type":"message_delta","delta":{"stop_reason":"refusal"},"usage":{"output_tokens":3}}`}, evStop),
			class: providers.ContentFiltered, partial: "Hel", code: "refusal", inMessage: "refused"},
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
		{name: "plain", body: okBody, text: "Hello!", usage: providers.Usage{InputTokens: 12, OutputTokens: 5}},
		{name: "cache tokens count as input", body: `{"type":"message","model":"m","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}],"stop_reason":"end_turn",
			"usage":{"input_tokens":3,"cache_creation_input_tokens":10,"cache_read_input_tokens":20,"output_tokens":2}}`, text: "ab", usage: providers.Usage{InputTokens: 33, OutputTokens: 2}},
		{name: "thinking and tool blocks skipped", body: `{"type":"message","model":"m","content":[{"type":"thinking","thinking":"hmm","signature":"s"},{"type":"text","text":"42"},{"type":"tool_use","id":"t","name":"x","input":{}}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}`,
			text: "42", usage: providers.Usage{InputTokens: 1, OutputTokens: 1}},
		{name: "empty answer", body: `{"type":"message","model":"m","content":[],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":0}}`, text: "", usage: providers.Usage{InputTokens: 1}},
		{name: "refusal", body: `{"type":"message","model":"m","content":[{"type":"text","text":"I can"}],"stop_reason":"refusal","usage":{"input_tokens":1,"output_tokens":2}}`,
			class: providers.ContentFiltered, inMessage: "refused"},
		{name: "error in a 200 body", body: `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`, class: providers.Server, inMessage: "Overloaded"},
		{name: "not a message", body: `{"id":"x"}`, class: providers.BadResponse, inMessage: "not a message"},
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

// TestRemoteImages: images given by URL reach the server as url image
// sources, in order among the inline ones, and the server sees exactly the
// images the request held.
func TestRemoteImages(t *testing.T) {
	var got providertest.Received
	b := providertest.Behaviour{Scenario: providertest.Answer, Config: providers.Config{APIKey: testKey}, Model: "m", Text: "two cats",
		Record: func(r providertest.Received) { got = r }}
	req := userRequest("How many cats?")
	req.Messages[0].Images = []providers.Image{
		{URL: "https://example.org/cat.png"},
		{MIME: "image/png", Data: providertest.PNG()},
		{URL: "http://example.org/cat2.jpg?size=large"},
	}
	resp, err := newClient(t, fake(t, b)).Complete(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Text != "two cats" {
		t.Errorf("Text = %q", resp.Text)
	}
	if diff := cmp.Diff(req.Messages, got.Messages); diff != "" {
		t.Errorf("messages as the server saw them (-want +got):\n%s", diff)
	}
}

// TestFakeIsStrict proves the fake rejects what the real API rejects, so
// a conforming adapter is not merely agreeing with a lax fake.
func TestFakeIsStrict(t *testing.T) {
	b := providertest.Behaviour{Scenario: providertest.Answer, Config: providers.Config{APIKey: testKey}, Model: "m", Text: "ok"}
	srv := httptest.NewServer(fakeHandler(b))
	defer srv.Close()
	tests := []struct {
		name    string
		version string
		body    string
		inMsg   string
	}{
		{"no version header", "", `{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}`, "anthropic-version"},
		{"no max_tokens", "2023-06-01", `{"model":"m","messages":[{"role":"user","content":"hi"}]}`, "max_tokens"},
		{"seed is not a field", "2023-06-01", `{"model":"m","max_tokens":5,"seed":1,"messages":[{"role":"user","content":"hi"}]}`, "seed"},
		{"system role in messages", "2023-06-01", `{"model":"m","max_tokens":5,"messages":[{"role":"system","content":"x"},{"role":"user","content":"hi"}]}`, "role"},
		{"temperature above 1", "2023-06-01", `{"model":"m","max_tokens":5,"temperature":1.5,"messages":[{"role":"user","content":"hi"}]}`, "temperature"},
		{"empty text block", "2023-06-01", `{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text","text":""}]}]}`, "non-empty"},
		{"url source without a URL", "2023-06-01", `{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"url"}}]}]}`, "image.source"},
		{"url source with data", "2023-06-01", `{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"url","url":"https://example.org/a.png","data":"AAAA"}}]}]}`, "image.source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", srv.URL+"/v1/messages", strings.NewReader(tt.body))
			req.Header.Set("x-api-key", testKey)
			if tt.version != "" {
				req.Header.Set("anthropic-version", tt.version)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 400 || !strings.Contains(string(body), tt.inMsg) {
				t.Errorf("status %d, body %s; want 400 mentioning %q", resp.StatusCode, body, tt.inMsg)
			}
		})
	}
}

// TestStallErrorBody: an error body that goes silent ends the call as a
// stall too, with the status it came with (the Kit stalls 200 answers).
func TestStallErrorBody(t *testing.T) {
	srv := httptest.NewServer(providertest.StallAfter(529, "application/json", `{"type":"error","error":{"type":"overloaded_error","mess`))
	defer srv.Close()
	c, err := anthropic.NewClient(providers.Config{Name: "t", BaseURL: srv.URL, APIKey: testKey, StallTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = c.Complete(ctx, userRequest("hi"))
	if pe := wantClass(t, err, providers.Timeout); pe.Code != providers.StallCode || pe.Status != 529 {
		t.Errorf("code %q, status %d; want a stall of the 529 answer (%v)", pe.Code, pe.Status, err)
	}
}
