package sensenova_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/providertest"
	"github.com/llmbench/llmbench/providers/sensenova"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// signForTest signs claims under the SenseNova JWT header.
func signForTest(claims, secret string) string {
	enc := base64.RawURLEncoding
	s := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc.EncodeToString([]byte(claims))
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(s))
	return s + "." + enc.EncodeToString(mac.Sum(nil))
}

// reply is one canned answer of a scripted server.
type reply struct {
	status int
	header map[string]string
	body   string
}

// script is an httptest server that records requests and gives the
// replies in order (the last one again when they run out).
type script struct {
	mu      sync.Mutex
	replies []reply
	bodies  [][]byte
	headers []http.Header
	paths   []string
}

func serve(t *testing.T, replies ...reply) (*script, string) {
	t.Helper()
	s := &script{replies: replies}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		n := len(s.bodies)
		s.bodies = append(s.bodies, b)
		s.headers = append(s.headers, r.Header.Clone())
		s.paths = append(s.paths, r.URL.Path)
		rp := s.replies[min(n, len(s.replies)-1)]
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req-1")
		for k, v := range rp.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(rp.status)
		io.WriteString(w, rp.body)
	}))
	t.Cleanup(srv.Close)
	return s, srv.URL
}

func newProvider(t *testing.T, cfg providers.Config) providers.Provider {
	t.Helper()
	if cfg.APIKey == "" && cfg.AccessKey == "" {
		cfg.APIKey = testKey
	}
	cfg.Name, cfg.Provider = "nova", "sensenova"
	p, err := sensenova.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func ptr[T any](v T) *T { return &v }

func userRequest(text string) *providers.Request {
	return &providers.Request{Model: "SenseChat-5", Messages: []providers.Message{{Role: providers.RoleUser, Text: text}}}
}

const okBody = `{"data":{"id":"a1","choices":[{"index":0,"role":"assistant","message":"你好！","finish_reason":"stop"}],
"usage":{"prompt_tokens":8,"knowledge_tokens":0,"completion_tokens":5,"total_tokens":13},"plugins":{}}}`

// frames renders native stream events: "data:" with no space.
func frames(events ...string) string {
	var b strings.Builder
	for _, e := range events {
		b.WriteString("data:" + e + "\n\n")
	}
	return b.String()
}

var streamHeader = map[string]string{"Content-Type": "text/event-stream"}

func chunk(delta, finish string, completion int) string {
	return `{"data":{"id":"a1","choices":[{"index":0,"role":"assistant","delta":"` + delta + `","finish_reason":"` + finish +
		`"}],"usage":{"prompt_tokens":8,"knowledge_tokens":0,"completion_tokens":` + strconv.Itoa(completion) +
		`,"total_tokens":0}},"status":{"code":0,"message":"ok"}}`
}

func errBody(code, msg string) string {
	return `{"error":{"code":` + code + `,"message":"` + msg + `","details":[]}}`
}

func TestNativeStream(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		text  string
		usage providers.Usage
	}{
		{"no space, usage on every chunk", frames(chunk("你", "", 1), chunk("好", "", 2), chunk("", "stop", 2), "[DONE]"), "你好", providers.Usage{InputTokens: 8, OutputTokens: 2}},
		{"with space and comments", ": keep-alive\n\n" + strings.ReplaceAll(frames(chunk("你", "", 1), chunk("好", "stop", 2), "[DONE]"), "data:", "data: "), "你好", providers.Usage{InputTokens: 8, OutputTokens: 2}},
		{"finish without DONE", frames(chunk("你", "", 1), chunk("好", "stop", 2)), "你好", providers.Usage{InputTokens: 8, OutputTokens: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, url := serve(t, reply{200, streamHeader, tt.body})
			req := userRequest("hi")
			req.Stream = true
			resp, err := newProvider(t, providers.Config{API: "native", BaseURL: url + "/v1/llm"}).Complete(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			got := struct {
				Text, Model, Finish string
				Usage               providers.Usage
			}{resp.Text, resp.Model, resp.FinishReason, resp.Usage}
			want := got
			want.Text, want.Model, want.Finish, want.Usage = tt.text, "SenseChat-5", "stop", tt.usage
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if resp.TTFT <= 0 || resp.TTFT > resp.Latency {
				t.Errorf("TTFT %v, latency %v", resp.TTFT, resp.Latency)
			}
		})
	}
}

// TestErrors pins the class of each of SenseNova's error signals.
func TestErrors(t *testing.T) {
	tests := []struct {
		name       string
		api        string
		stream     bool
		reply      reply
		class      providers.Class
		code       string
		retryAfter time.Duration
		partial    string
	}{
		{name: "18 unsafe", reply: reply{400, nil, errBody("18", "sensitive content")}, class: providers.ContentFiltered, code: "18"},
		{name: "17 too long", reply: reply{400, nil, errBody("17", "context too long")}, class: providers.BadRequest, code: "17"},
		{name: "7 forbidden", reply: reply{403, nil, errBody("7", "Forbidden")}, class: providers.Auth, code: "7"},
		{name: "16 unauthenticated", reply: reply{401, nil, errBody("16", "Unauthenticated")}, class: providers.Auth, code: "16"},
		{name: "429 with hint", reply: reply{429, map[string]string{"Retry-After": "4"}, errBody("8", "rate limit exceeded")},
			class: providers.RateLimited, code: "8", retryAfter: 4 * time.Second},
		{name: "429 insufficient_quota", reply: reply{429, nil, errBody(`"insufficient_quota"`, "insufficient quota")}, class: providers.Quota, code: "insufficient_quota"},
		{name: "rate_limit_exceeded string", reply: reply{400, nil, errBody(`"rate_limit_exceeded"`, "slow down")}, class: providers.RateLimited, code: "rate_limit_exceeded"},
		{name: "402", reply: reply{402, nil, errBody("9", "arrears")}, class: providers.Quota, code: "9"},
		{name: "400 invalid argument", reply: reply{400, nil, errBody("3", "invalid argument")}, class: providers.BadRequest, code: "3"},
		{name: "500", reply: reply{500, nil, errBody("13", "internal")}, class: providers.Server, code: "13"},
		{name: "503 html", reply: reply{503, map[string]string{"Content-Type": "text/html", "Retry-After": "1"}, "<html>busy</html>"}, class: providers.Server, retryAfter: time.Second},
		{name: "error in a 200 body", reply: reply{200, nil, errBody("18", "sensitive")}, class: providers.ContentFiltered, code: "18"},
		{name: "status 18 in first stream block", stream: true, reply: reply{200, streamHeader, frames(`{"data":{"choices":[]},"status":{"code":18,"message":"sensitive"}}`)},
			class: providers.ContentFiltered, code: "18"},
		{name: "status 8 mid-stream", stream: true, reply: reply{200, streamHeader, frames(chunk("你", "", 1), `{"status":{"code":8,"message":"resource exhausted"}}`)},
			class: providers.RateLimited, code: "8", partial: "你"},
		{name: "status 17 mid-stream", stream: true, reply: reply{200, streamHeader, frames(`{"status":{"code":17,"message":"too long"}}`)},
			class: providers.BadRequest, code: "17"},
		{name: "status 13 mid-stream", stream: true, reply: reply{200, streamHeader, frames(chunk("你", "", 1), `{"status":{"code":13,"message":"internal"}}`)},
			class: providers.Server, code: "13", partial: "你"},
		{name: "cut stream", stream: true, reply: reply{200, streamHeader, frames(chunk("你", "", 1))}, class: providers.BadResponse, partial: "你"},
		{name: "cut mid-event", stream: true, reply: reply{200, streamHeader, frames(chunk("你", "", 1)) + `data:{"data":`}, class: providers.BadResponse, partial: "你"},
		{name: "sensitive finish", stream: true, reply: reply{200, streamHeader, frames(chunk("你", "sensitive", 1), "[DONE]")},
			class: providers.ContentFiltered, code: "sensitive", partial: "你"},
		{name: "message not a string", reply: reply{200, nil, `{"data":{"choices":[{"index":0,"message":{"content":"x"}}]}}`}, class: providers.BadResponse},
		{name: "no data", reply: reply{200, nil, `{}`}, class: providers.BadResponse},
		{name: "compat 429", api: "openai", reply: reply{429, map[string]string{"Retry-After": "2"}, `{"error":{"message":"slow","type":"requests","code":"rate_limit_exceeded"}}`},
			class: providers.RateLimited, code: "rate_limit_exceeded", retryAfter: 2 * time.Second},
		{name: "compat 18", api: "openai", reply: reply{400, nil, `{"error":{"message":"sensitive","code":18}}`}, class: providers.ContentFiltered, code: "18"},
		{name: "compat 17", api: "openai", reply: reply{400, nil, `{"error":{"message":"too long","code":"17"}}`}, class: providers.BadRequest, code: "17"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api, base := tt.api, "/v1/llm"
			if api == "" {
				api = "native"
			} else {
				base = "/compatible-mode/v1"
			}
			_, url := serve(t, tt.reply)
			req := userRequest("hi")
			req.Stream = tt.stream
			resp, err := newProvider(t, providers.Config{API: api, BaseURL: url + base, APIKeyEnv: "MY_NOVA_KEY"}).Complete(context.Background(), req)
			var pe *providers.Error
			if !errors.As(err, &pe) {
				t.Fatalf("Complete = %+v, %v; want a *providers.Error", resp, err)
			}
			got := struct {
				Class      providers.Class
				Code       string
				RetryAfter time.Duration
				Partial    string
			}{pe.Class, pe.Code, pe.RetryAfter, pe.Partial}
			want := got
			want.Class, want.Code, want.RetryAfter, want.Partial = tt.class, tt.code, tt.retryAfter, tt.partial
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("error %v (-want +got):\n%s", err, diff)
			}
			if pe.Class == providers.Auth && !strings.Contains(pe.Message, "MY_NOVA_KEY") {
				t.Errorf("auth message %q does not name the key variable", pe.Message)
			}
		})
	}
}

// TestRequestBody pins the JSON the adapter sends (golden files).
func TestRequestBody(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	params := providers.Params{Temperature: ptr(0.0), TopP: ptr(1.0), MaxTokens: ptr(1024), Seed: ptr(int64(42)), Stop: []string{"\n\n"}}
	tests := []struct {
		name, api string
		req       *providers.Request
	}{
		{name: "native_plain", api: "native", req: &providers.Request{Model: "SenseChat-5", Messages: []providers.Message{
			{Role: providers.RoleSystem, Text: "你是助手"},
			{Role: providers.RoleUser, Text: "你好"},
		}}},
		{name: "native_params", api: "native", req: &providers.Request{Model: "SenseChat-5", Messages: []providers.Message{{Role: providers.RoleUser, Text: "hi"}}, Params: params}},
		{name: "native_stream", api: "native", req: &providers.Request{Model: "SenseChat-5", Stream: true, Messages: []providers.Message{{Role: providers.RoleUser, Text: "hi"}}}},
		{name: "native_images", api: "native", req: &providers.Request{Model: "SenseChat-Vision", Messages: []providers.Message{
			{Role: providers.RoleUser, Text: "描述图片", Images: []providers.Image{{MIME: "image/png", Data: png}, {Data: png}}},
		}}},
		{name: "openai_params", api: "openai", req: &providers.Request{Model: "SenseNova-V6-5-Pro", Messages: []providers.Message{{Role: providers.RoleUser, Text: "hi"}}, Params: params}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, url := serve(t, reply{200, nil, okBody})
			base, path := url+"/v1/llm", "/v1/llm/chat-completions"
			if tt.api == "openai" {
				s.replies[0].body = `{"model":"m","choices":[{"index":0,"message":{"content":"x"},"finish_reason":"stop"}]}`
				base, path = url+"/compatible-mode/v1", "/compatible-mode/v1/chat/completions"
			}
			if _, err := newProvider(t, providers.Config{API: tt.api, BaseURL: base}).Complete(context.Background(), tt.req); err != nil {
				t.Fatal(err)
			}
			if s.paths[0] != path {
				t.Errorf("path = %s, want %s", s.paths[0], path)
			}
			if got := s.headers[0].Get("Authorization"); got != "Bearer "+testKey {
				t.Errorf("Authorization = %q, want the key as a bearer token", got)
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, s.bodies[0], "", "  "); err != nil {
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
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
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

// TestAccessKeyPair checks that the native API with a key pair sends a JWT
// the server verifies (never the secret), and reuses it across calls.
func TestAccessKeyPair(t *testing.T) {
	s, url := serve(t, reply{200, nil, okBody})
	cfg := providers.Config{API: "native", BaseURL: url + "/v1/llm", AccessKey: testAccessKey, SecretKey: testSecretKey}
	p := newProvider(t, cfg)
	for range 2 {
		if _, err := p.Complete(context.Background(), userRequest("hi")); err != nil {
			t.Fatal(err)
		}
	}
	first, second := s.headers[0].Get("Authorization"), s.headers[1].Get("Authorization")
	if !authOK(first, cfg, time.Now()) {
		t.Fatalf("server rejects %q", first)
	}
	if strings.Contains(first, testSecretKey) {
		t.Errorf("Authorization carries the secret key")
	}
	if first != second {
		t.Errorf("token not reused: %q then %q", first, second)
	}
}

func TestNewRejects(t *testing.T) {
	tests := []struct {
		name string
		cfg  providers.Config
		want string
	}{
		{"unknown api", providers.Config{Name: "nova", API: "v2", APIKey: testKey}, `no api "v2"`},
		{"pair in compatible mode", providers.Config{Name: "nova", AccessKey: testAccessKey, SecretKey: testSecretKey}, "api: native only"},
		{"half a pair", providers.Config{Name: "nova", API: "native", AccessKey: testAccessKey}, "needs both"},
		{"bad native base url", providers.Config{Name: "nova", API: "native", APIKey: testKey, BaseURL: "ftp://user:" + testSecretKey + "@x"}, "not an http(s) URL"},
		{"bad compat base url", providers.Config{Name: "nova", APIKey: testKey, BaseURL: "x"}, "not an http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := sensenova.New(tt.cfg)
			if err == nil || p != nil {
				t.Fatalf("New = %v, %v; want an error", p, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			for _, s := range []string{testKey, testSecretKey} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error leaks a secret: %v", err)
				}
			}
		})
	}
}

func TestAdjustParams(t *testing.T) {
	all := providers.Params{Temperature: ptr(0.7), TopP: ptr(0.9), MaxTokens: ptr(64), Seed: ptr(int64(1)), Stop: []string{"x"}}
	tests := []struct {
		name  string
		api   string
		in    providers.Params
		want  providers.Params
		warns int
	}{
		{"unset", "native", providers.Params{}, providers.Params{}, 0},
		{"compat keeps seed and stop", "openai", all, all, 0},
		{"native drops seed and stop", "native", all, providers.Params{Temperature: ptr(0.7), TopP: ptr(0.9), MaxTokens: ptr(64)}, 2},
		{"temperature 0", "native", providers.Params{Temperature: ptr(0.0)}, providers.Params{Temperature: ptr(0.01)}, 1},
		{"temperature 0 compat", "openai", providers.Params{Temperature: ptr(0.0)}, providers.Params{Temperature: ptr(0.01)}, 1},
		{"temperature 2 kept", "native", providers.Params{Temperature: ptr(2.0)}, providers.Params{Temperature: ptr(2.0)}, 0},
		{"temperature 2.5", "native", providers.Params{Temperature: ptr(2.5)}, providers.Params{Temperature: ptr(2.0)}, 1},
		{"top_p 1", "native", providers.Params{TopP: ptr(1.0)}, providers.Params{TopP: ptr(0.99)}, 1},
		{"top_p 0", "openai", providers.Params{TopP: ptr(0.0)}, providers.Params{TopP: ptr(0.01)}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			adj := newProvider(t, providers.Config{API: tt.api}).(providers.ParamAdjuster)
			in := tt.in
			got, warns := adj.AdjustParams(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("params (-want +got):\n%s", diff)
			}
			if len(warns) != tt.warns {
				t.Errorf("warnings %q, want %d", warns, tt.warns)
			}
			if diff := cmp.Diff(in, tt.in); diff != "" {
				t.Errorf("input changed (-before +after):\n%s", diff)
			}
			again, more := adj.AdjustParams(got)
			if diff := cmp.Diff(got, again); diff != "" || len(more) != 0 {
				t.Errorf("not idempotent: %s %q", diff, more)
			}
		})
	}
}

// TestNoSecretInErrors sends every failing scenario through each
// credential mode against a fake that echoes what it received: neither
// the key, the secret key nor a signed token may appear in an error.
func TestNoSecretInErrors(t *testing.T) {
	scenarios := []providertest.Scenario{providertest.AuthFailure, providertest.RateLimit, providertest.Quota,
		providertest.ServerError, providertest.BadRequest, providertest.ContentFilter, providertest.Garbage}
	modes := map[string]providers.Config{
		"native-key":  {API: "native", APIKey: testKey},
		"native-pair": {API: "native", AccessKey: testAccessKey, SecretKey: testSecretKey},
	}
	for mode, cfg := range modes {
		for _, sc := range scenarios {
			t.Run(mode+"/"+string(sc), func(t *testing.T) {
				var sent []string
				var mu sync.Mutex
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					mu.Lock()
					sent = append(sent, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
					mu.Unlock()
					nativeHandler(providertest.Behaviour{Scenario: sc, Config: cfg, Model: "m", Text: "x", Cut: 1, RetryAfter: time.Second}).ServeHTTP(w, r)
				}))
				t.Cleanup(srv.Close)
				c := cfg
				c.BaseURL = srv.URL + "/v1/llm"
				_, err := newProvider(t, c).Complete(context.Background(), userRequest("hi"))
				if err == nil {
					t.Fatal("Complete succeeded")
				}
				for _, s := range append(sent, testKey, testSecretKey) {
					if strings.Contains(err.Error(), s) {
						t.Errorf("error leaks a credential %q: %v", s, err)
					}
				}
			})
		}
	}
}

// TestAuthMessages: an auth failure says which credential to fix.
func TestAuthMessages(t *testing.T) {
	tests := []struct {
		name string
		cfg  providers.Config
		want string
	}{
		{"key", providers.Config{API: "native", APIKey: testKey, APIKeyEnv: "NOVA_KEY"}, "check the API key in NOVA_KEY"},
		{"pair", providers.Config{API: "native", AccessKey: testAccessKey, SecretKey: testSecretKey}, "access_key_env and secret_key_env"},
		{"nothing", providers.Config{API: "native", AccessKey: "", APIKeyEnv: "NOVA_KEY"}, "no credentials were sent: set NOVA_KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, url := serve(t, reply{401, nil, errBody("16", "Unauthenticated")})
			cfg := tt.cfg
			cfg.BaseURL, cfg.Name = url+"/v1/llm", "nova"
			p, err := sensenova.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = p.Complete(context.Background(), userRequest("hi"))
			var pe *providers.Error
			if !errors.As(err, &pe) || pe.Class != providers.Auth || !strings.Contains(pe.Message, tt.want) {
				t.Errorf("error %v; want auth naming %q", err, tt.want)
			}
			if tt.name == "nothing" && s.headers[0].Get("Authorization") != "" {
				t.Errorf("sent an Authorization header without credentials")
			}
		})
	}
}

// TestRateLimitThenSuccess: a 429 with a delay hint, then the next call
// through the same provider succeeds (the retry itself is the runner's).
func TestRateLimitThenSuccess(t *testing.T) {
	_, url := serve(t, reply{429, map[string]string{"Retry-After": "2"}, errBody("8", "rate limit exceeded")}, reply{200, nil, okBody})
	p := newProvider(t, providers.Config{API: "native", BaseURL: url + "/v1/llm"})
	_, err := p.Complete(context.Background(), userRequest("hi"))
	var pe *providers.Error
	if !errors.As(err, &pe) || pe.Class != providers.RateLimited || pe.RetryAfter != 2*time.Second {
		t.Fatalf("first call: %v; want rate_limited with a 2s hint", err)
	}
	resp, err := p.Complete(context.Background(), userRequest("hi"))
	if err != nil {
		t.Fatalf("second call: %v", err)
	}
	want := providers.Response{Text: "你好！", Model: "SenseChat-5", FinishReason: "stop", Usage: providers.Usage{InputTokens: 8, OutputTokens: 5}}
	got := providers.Response{Text: resp.Text, Model: resp.Model, FinishReason: resp.FinishReason, Usage: resp.Usage}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestRegistered(t *testing.T) {
	info, ok := providers.Lookup("sensenova")
	if !ok || info.Description == "" {
		t.Fatalf("sensenova not registered with a description: %+v", info)
	}
	want := providers.Info{Name: "sensenova", Description: info.Description, DefaultBaseURL: "https://api.sensenova.cn/compatible-mode/v1", KeyEnv: "SENSENOVA_API_KEY",
		Pairs: map[string]providers.PairEnv{"native": {Access: "SENSENOVA_ACCESS_KEY_ID", Secret: "SENSENOVA_SECRET_ACCESS_KEY", OrKey: true}}}
	if diff := cmp.Diff(want, info); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	urls := map[string]string{
		"":       "https://api.sensenova.cn/compatible-mode/v1/chat/completions",
		"openai": "https://api.sensenova.cn/compatible-mode/v1/chat/completions",
		"native": "https://api.sensenova.cn/v1/llm/chat-completions",
	}
	for api, want := range urls {
		p, err := providers.New(providers.Config{Provider: "sensenova", API: api, APIKey: testKey})
		if err != nil {
			t.Fatal(err)
		}
		if got := p.(*sensenova.Client).URL(); got != want {
			t.Errorf("api %q: URL = %s, want %s", api, got, want)
		}
	}
}

// TestStallErrorBody: an error body that goes silent ends the call as a
// stall too, with the status it came with (the Kit stalls 200 answers).
func TestStallErrorBody(t *testing.T) {
	srv := httptest.NewServer(providertest.StallAfter(500, "application/json", `{"error":{"code":13,"mess`))
	defer srv.Close()
	p := newProvider(t, providers.Config{API: "native", BaseURL: srv.URL + "/v1/llm", StallTimeout: 200 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := p.Complete(ctx, userRequest("hi"))
	var pe *providers.Error
	if !errors.As(err, &pe) || pe.Class != providers.Timeout || pe.Code != providers.StallCode || pe.Status != 500 {
		t.Errorf("error %v; want a stall (timeout, code %s) of the 500 answer", err, providers.StallCode)
	}
}
