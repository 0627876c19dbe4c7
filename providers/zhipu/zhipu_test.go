package zhipu_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
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
	"github.com/llmbench/llmbench/providers/providertest"
	"github.com/llmbench/llmbench/providers/zhipu"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

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
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		for k, v := range rp.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(rp.status)
		io.WriteString(w, rp.body)
	}))
	t.Cleanup(srv.Close)
	return s, srv.URL + "/api/paas/v4"
}

func newProvider(t *testing.T, cfg providers.Config) providers.Provider {
	t.Helper()
	if cfg.APIKey == "" {
		cfg.APIKey = testKey
	}
	cfg.Name, cfg.Provider = "glm", "zhipu"
	p, err := zhipu.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func ptr[T any](v T) *T { return &v }

func userRequest(text string) *providers.Request {
	return &providers.Request{Model: "glm-4-plus", Messages: []providers.Message{{Role: providers.RoleUser, Text: text}}}
}

const okBody = `{"id":"8635243129834723621","created":1715329207,"model":"glm-4-plus","request_id":"r1",
"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"你好！","reasoning_content":null,"tool_calls":null}}],
"usage":{"prompt_tokens":8,"completion_tokens":5,"total_tokens":13}}`

func sse(events ...string) string {
	var b strings.Builder
	for _, e := range events {
		b.WriteString("data: " + e + "\n\n")
	}
	return b.String()
}

var streamHeader = map[string]string{"Content-Type": "text/event-stream;charset=UTF-8"}

const (
	chunk1 = `{"id":"1","created":1715329207,"model":"glm-4","choices":[{"index":0,"delta":{"role":"assistant","content":"答案"}}]}`
	chunk2 = `{"id":"1","created":1715329207,"model":"glm-4","choices":[{"index":0,"delta":{"role":"assistant","content":"是"}}]}`
)

func lastChunk(finish string) string {
	return `{"id":"1","created":1715329207,"model":"glm-4","choices":[{"index":0,"finish_reason":"` + finish +
		`","delta":{"role":"assistant","content":""}}],"usage":{"prompt_tokens":8,"completion_tokens":2,"total_tokens":10}}`
}

func errBody(code, msg string) string {
	return `{"error":{"code":"` + code + `","message":"` + msg + `"}}`
}

// TestErrors pins the class of each of Zhipu's error signals: business
// codes over HTTP statuses, errors inside a 200 stream, and the finish
// reasons that are not answers.
func TestErrors(t *testing.T) {
	tests := []struct {
		name       string
		stream     bool
		reply      reply
		class      providers.Class
		code       string
		retryAfter time.Duration
		partial    string
	}{
		{name: "1000 auth", reply: reply{401, nil, errBody("1000", "身份验证失败。")}, class: providers.Auth, code: "1000"},
		{name: "1002 invalid token", reply: reply{401, nil, errBody("1002", "Authorization Token非法")}, class: providers.Auth, code: "1002"},
		{name: "1003 expired token", reply: reply{401, nil, errBody("1003", "Authorization Token已过期")}, class: providers.Auth, code: "1003"},
		{name: "1113 arrears", reply: reply{429, nil, errBody("1113", "您的账户已欠费，请充值后重试。")}, class: providers.Quota, code: "1113"},
		{name: "1112 account locked", reply: reply{429, nil, errBody("1112", "账户已被锁定")}, class: providers.Auth, code: "1112"},
		{name: "1211 no such model", reply: reply{400, nil, errBody("1211", "模型不存在，请检查模型代码。")}, class: providers.BadRequest, code: "1211"},
		{name: "1261 prompt too long", reply: reply{400, nil, errBody("1261", "Prompt 超长")}, class: providers.BadRequest, code: "1261"},
		{name: "1301 with contentFilter", reply: reply{400, nil, `{"contentFilter":[{"level":1,"role":"user"}],"error":{"code":"1301","message":"系统检测到输入或生成内容可能包含不安全或敏感内容"}}`},
			class: providers.ContentFiltered, code: "1301"},
		{name: "1302 concurrency with hint", reply: reply{429, map[string]string{"Retry-After": "3"}, errBody("1302", "您当前使用该API的并发数过高")},
			class: providers.RateLimited, code: "1302", retryAfter: 3 * time.Second},
		{name: "1303 frequency", reply: reply{429, nil, errBody("1303", "您当前使用该API的频率过高")}, class: providers.RateLimited, code: "1303"},
		{name: "1305 overloaded", reply: reply{429, nil, errBody("1305", "该模型当前访问量过大，请您稍后再试")}, class: providers.RateLimited, code: "1305"},
		{name: "1312 model busy", reply: reply{429, nil, errBody("1312", "模型繁忙")}, class: providers.RateLimited, code: "1312"},
		{name: "1304 daily quota", reply: reply{429, nil, errBody("1304", "该 API 已达今日调用次数限额")}, class: providers.Quota, code: "1304"},
		{name: "1308 usage cap", reply: reply{429, nil, errBody("1308", "已达到 5 小时的使用上限")}, class: providers.Quota, code: "1308"},
		{name: "1310 periodic cap", reply: reply{429, nil, errBody("1310", "已达到每周/每月使用上限")}, class: providers.Quota, code: "1310"},
		{name: "unknown code on 429", reply: reply{429, nil, errBody("1399", "?")}, class: providers.RateLimited, code: "1399"},
		{name: "500", reply: reply{500, nil, errBody("500", "Internal Error")}, class: providers.Server, code: "500"},
		{name: "503 flow exceeded", reply: reply{503, map[string]string{"Retry-After": "1"}, errBody("503", "服务繁忙")}, class: providers.Server, code: "503", retryAfter: time.Second},
		{name: "1301 inside a stream", stream: true, reply: reply{200, streamHeader, sse(chunk1, errBody("1301", "不安全内容"))},
			class: providers.ContentFiltered, code: "1301", partial: "答案"},
		{name: "1302 inside a stream", stream: true, reply: reply{200, streamHeader, sse(errBody("1302", "并发数过高"))},
			class: providers.RateLimited, code: "1302"},
		{name: "stream ends sensitive", stream: true, reply: reply{200, streamHeader, sse(chunk1, chunk2, lastChunk("sensitive"), "[DONE]")},
			class: providers.ContentFiltered, code: "sensitive", partial: "答案是"},
		{name: "sensitive answer", reply: reply{200, nil, strings.Replace(okBody, `"stop"`, `"sensitive"`, 1)},
			class: providers.ContentFiltered, code: "sensitive", partial: "你好！"},
		{name: "network_error answer", reply: reply{200, nil, strings.Replace(okBody, `"stop"`, `"network_error"`, 1)},
			class: providers.Server, code: "network_error", partial: "你好！"},
		{name: "stream ends network_error", stream: true, reply: reply{200, streamHeader, sse(chunk1, lastChunk("network_error"), "[DONE]")},
			class: providers.Server, code: "network_error", partial: "答案"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, url := serve(t, tt.reply)
			req := userRequest("hi")
			req.Stream = tt.stream
			resp, err := newProvider(t, providers.Config{BaseURL: url, APIKeyEnv: "MY_GLM_KEY"}).Complete(context.Background(), req)
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
			if pe.Class == providers.Auth && !strings.Contains(pe.Message, "MY_GLM_KEY") {
				t.Errorf("auth message %q does not name the key variable", pe.Message)
			}
		})
	}
}

// TestStreamUsage reads usage from the last content chunk, where Zhipu
// puts it without being asked.
func TestStreamUsage(t *testing.T) {
	_, url := serve(t, reply{200, streamHeader, sse(chunk1, chunk2, lastChunk("stop"), "[DONE]")})
	req := userRequest("hi")
	req.Stream = true
	resp, err := newProvider(t, providers.Config{BaseURL: url}).Complete(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	got := struct {
		Text, Model, Finish string
		Usage               providers.Usage
	}{resp.Text, resp.Model, resp.FinishReason, resp.Usage}
	want := got
	want.Text, want.Model, want.Finish, want.Usage = "答案是", "glm-4", "stop", providers.Usage{InputTokens: 8, OutputTokens: 2}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestRequestBody pins the JSON the adapter sends (golden files): Zhipu's
// field names, clamped sampling parameters, bare base64 images, no
// stream_options.
func TestRequestBody(t *testing.T) {
	// A PNG signature is all a media-type sniffer needs; fixed bytes keep
	// the golden files independent of the image encoder.
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	tests := []struct {
		name string
		req  *providers.Request
	}{
		{name: "plain", req: &providers.Request{Model: "glm-4-plus", Messages: []providers.Message{
			{Role: providers.RoleSystem, Text: "你是助手"},
			{Role: providers.RoleUser, Text: "你好"},
		}}},
		{name: "params", req: &providers.Request{Model: "glm-4-plus", Messages: []providers.Message{{Role: providers.RoleUser, Text: "hi"}},
			Params: providers.Params{Temperature: ptr(0.0), TopP: ptr(1.0), MaxTokens: ptr(1024), Seed: ptr(int64(42)), Stop: []string{"\n\n"}}}},
		{name: "stream", req: &providers.Request{Model: "glm-4-plus", Stream: true, Messages: []providers.Message{{Role: providers.RoleUser, Text: "hi"}}}},
		{name: "images", req: &providers.Request{Model: "glm-4v-plus", Messages: []providers.Message{
			{Role: providers.RoleUser, Text: "图里有几个形状？", Images: []providers.Image{{MIME: "image/png", Data: png}, {Data: png}}},
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, url := serve(t, reply{200, nil, okBody})
			if _, err := newProvider(t, providers.Config{BaseURL: url}).Complete(context.Background(), tt.req); err != nil {
				t.Fatal(err)
			}
			if s.paths[0] != "/api/paas/v4/chat/completions" {
				t.Errorf("path = %s", s.paths[0])
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

// TestJWTMode checks that api: jwt sends a token the server can verify
// (not the key), and reuses it across calls.
func TestJWTMode(t *testing.T) {
	s, url := serve(t, reply{200, nil, okBody})
	p := newProvider(t, providers.Config{BaseURL: url, API: "jwt"})
	for range 2 {
		if _, err := p.Complete(context.Background(), userRequest("hi")); err != nil {
			t.Fatal(err)
		}
	}
	first, second := s.headers[0].Get("Authorization"), s.headers[1].Get("Authorization")
	if code, msg := checkAuth(first, testKey, time.Now()); code != "" {
		t.Fatalf("server rejects the token: %s %s", code, msg)
	}
	if strings.Contains(first, testKey) || strings.Contains(first, "Zk3Sup3rS3cretQw") {
		t.Errorf("Authorization %q carries the key or its secret", first)
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
		{"unknown api", providers.Config{Name: "glm", API: "native", APIKey: testKey}, `no api "native"`},
		{"jwt without id.secret", providers.Config{Name: "glm", API: "jwt", APIKey: "sk-N0tAnIdSecretKey"}, "id.secret in ZHIPUAI_API_KEY"},
		{"jwt without key", providers.Config{Name: "glm", API: "jwt", APIKeyEnv: "GLM_KEY"}, "id.secret in GLM_KEY"},
		{"bad base url", providers.Config{Name: "glm", APIKey: testKey, BaseURL: "ftp://x"}, "not an http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := zhipu.New(tt.cfg)
			if err == nil || p != nil {
				t.Fatalf("New = %v, %v; want an error", p, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			if tt.cfg.APIKey != "" && strings.Contains(err.Error(), tt.cfg.APIKey) {
				t.Errorf("error leaks the key: %v", err)
			}
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
		{"unset", providers.Params{}, providers.Params{}, 0},
		{"in range", providers.Params{Temperature: ptr(0.7), TopP: ptr(0.9), MaxTokens: ptr(64), Seed: ptr(int64(1)), Stop: []string{"x", "y"}},
			providers.Params{Temperature: ptr(0.7), TopP: ptr(0.9), MaxTokens: ptr(64), Seed: ptr(int64(1)), Stop: []string{"x", "y"}}, 0},
		{"temperature 0", providers.Params{Temperature: ptr(0.0)}, providers.Params{Temperature: ptr(0.01)}, 1},
		{"temperature negative", providers.Params{Temperature: ptr(-1.0)}, providers.Params{Temperature: ptr(0.01)}, 1},
		{"temperature 1", providers.Params{Temperature: ptr(1.0)}, providers.Params{Temperature: ptr(0.99)}, 1},
		{"temperature 1.5", providers.Params{Temperature: ptr(1.5)}, providers.Params{Temperature: ptr(0.99)}, 1},
		{"top_p 1", providers.Params{TopP: ptr(1.0)}, providers.Params{TopP: ptr(0.99)}, 1},
		{"top_p 0", providers.Params{TopP: ptr(0.0)}, providers.Params{TopP: ptr(0.01)}, 1},
		{"both", providers.Params{Temperature: ptr(0.0), TopP: ptr(1.0)}, providers.Params{Temperature: ptr(0.01), TopP: ptr(0.99)}, 2},
		{"bounds kept", providers.Params{Temperature: ptr(0.01), TopP: ptr(0.99)}, providers.Params{Temperature: ptr(0.01), TopP: ptr(0.99)}, 0},
	}
	adj := newProvider(t, providers.Config{}).(providers.ParamAdjuster)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
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

// TestNoSecretInErrors sends every failing scenario through both
// credential modes against a fake that echoes what it received: neither
// the key, its secret half nor a signed token may appear in an error.
func TestNoSecretInErrors(t *testing.T) {
	scenarios := []providertest.Scenario{providertest.AuthFailure, providertest.RateLimit, providertest.Quota,
		providertest.ServerError, providertest.BadRequest, providertest.ContentFilter, providertest.Garbage}
	for _, api := range []string{"key", "jwt"} {
		for _, sc := range scenarios {
			t.Run(api+"/"+string(sc), func(t *testing.T) {
				cfg := providers.Config{API: api, APIKey: testKey}
				var sent []string
				var mu sync.Mutex
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					mu.Lock()
					sent = append(sent, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
					mu.Unlock()
					zhipuHandler(providertest.Behaviour{Scenario: sc, Config: cfg, Model: "glm-4", Text: "x", Cut: 1, RetryAfter: time.Second}).ServeHTTP(w, r)
				}))
				t.Cleanup(srv.Close)
				cfg.BaseURL = srv.URL + "/api/paas/v4"
				_, err := newProvider(t, cfg).Complete(context.Background(), userRequest("hi"))
				if err == nil {
					t.Fatal("Complete succeeded")
				}
				for _, s := range append(sent, testKey, "Zk3Sup3rS3cretQw") {
					if strings.Contains(err.Error(), s) {
						t.Errorf("error leaks a credential %q: %v", s, err)
					}
				}
			})
		}
	}
}

// TestRateLimitThenSuccess: a 429 with a delay hint, then the next call
// through the same provider succeeds (the retry itself is the runner's).
func TestRateLimitThenSuccess(t *testing.T) {
	_, url := serve(t,
		reply{429, map[string]string{"Retry-After": "2"}, errBody("1302", "您当前使用该API的并发数过高")},
		reply{200, nil, okBody})
	p := newProvider(t, providers.Config{BaseURL: url})
	_, err := p.Complete(context.Background(), userRequest("hi"))
	var pe *providers.Error
	if !errors.As(err, &pe) || pe.Class != providers.RateLimited || pe.RetryAfter != 2*time.Second {
		t.Fatalf("first call: %v; want rate_limited with a 2s hint", err)
	}
	resp, err := p.Complete(context.Background(), userRequest("hi"))
	if err != nil {
		t.Fatalf("second call: %v", err)
	}
	if resp.Text != "你好！" {
		t.Errorf("Text = %q", resp.Text)
	}
}

func TestRegistered(t *testing.T) {
	info, ok := providers.Lookup("zhipu")
	want := providers.Info{Name: "zhipu", Description: info.Description, DefaultBaseURL: "https://open.bigmodel.cn/api/paas/v4", KeyEnv: "ZHIPUAI_API_KEY"}
	if !ok || info.Description == "" {
		t.Fatalf("zhipu not registered with a description: %+v", info)
	}
	if diff := cmp.Diff(want, info); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	p, err := providers.New(providers.Config{Provider: "zhipu", APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.(*zhipu.Client).URL(); got != "https://open.bigmodel.cn/api/paas/v4/chat/completions" {
		t.Errorf("default URL = %s", got)
	}
}
