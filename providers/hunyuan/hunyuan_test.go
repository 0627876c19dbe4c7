package hunyuan

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
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/providertest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const (
	testID  = "AKIDtestSecretId0123456789abcdef"
	testKey = "testSecretKey0123456789abcdefgh"
)

func nativeConfig(base string) providers.Config {
	return providers.Config{Name: "t", Provider: "hunyuan", API: APINative, BaseURL: base, AccessKey: testID, SecretKey: testKey}
}

func answerBehaviour() providertest.Behaviour {
	return providertest.Behaviour{
		Scenario: providertest.Answer,
		Config:   nativeConfig(""),
		Text:     "你好！Hello.",
		Usage:    providers.Usage{InputTokens: 10, OutputTokens: 5},
	}
}

func userRequest(text string) *providers.Request {
	return &providers.Request{Model: "hunyuan-turbos-latest", Messages: []providers.Message{{Role: providers.RoleUser, Text: text}}}
}

func mustClient(t *testing.T, cfg providers.Config) *Client {
	t.Helper()
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wantClass(t *testing.T, err error, want providers.Class) *providers.Error {
	t.Helper()
	var pe *providers.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *providers.Error", err, err)
	}
	if pe.Class != want {
		t.Fatalf("class = %s, want %s (error: %v)", pe.Class, want, err)
	}
	return pe
}

// handlerTransport serves requests in process.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	sr := r.Clone(r.Context())
	sr.RequestURI = r.URL.RequestURI()
	sr.Host = r.URL.Host
	if sr.Body == nil {
		sr.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, sr)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

func TestAdjustParams(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	i := func(v int) *int { return &v }
	s := func(v int64) *int64 { return &v }
	tests := []struct {
		name      string
		api       string
		in        providers.Params
		want      providers.Params
		wantWarns int
	}{
		{"max tokens dropped", APINative, providers.Params{MaxTokens: i(512), Temperature: f(0)}, providers.Params{Temperature: f(0)}, 1},
		{"max tokens kept on openai", APIOpenAI, providers.Params{MaxTokens: i(512)}, providers.Params{MaxTokens: i(512)}, 0},
		{"temperature clamped", APINative, providers.Params{Temperature: f(2.5)}, providers.Params{Temperature: f(2)}, 1},
		{"top_p clamped", APINative, providers.Params{TopP: f(-0.1)}, providers.Params{TopP: f(0)}, 1},
		{"seed out of range", APINative, providers.Params{Seed: s(0)}, providers.Params{}, 1},
		{"seed in range", APINative, providers.Params{Seed: s(42)}, providers.Params{Seed: s(42)}, 0},
		{"stop kept with a warning", APINative, providers.Params{Stop: []string{"\n"}}, providers.Params{Stop: []string{"\n"}}, 1},
		{"unset", APINative, providers.Params{}, providers.Params{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Client{api: tt.api}
			var before *float64
			if tt.in.Temperature != nil {
				v := *tt.in.Temperature
				before = &v
			}
			got, warns := c.AdjustParams(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("params (-want +got):\n%s", diff)
			}
			if len(warns) != tt.wantWarns {
				t.Errorf("warnings = %q, want %d", warns, tt.wantWarns)
			}
			if before != nil && *tt.in.Temperature != *before {
				t.Error("AdjustParams changed its input")
			}
		})
	}
}

func TestCodeClass(t *testing.T) {
	tests := []struct {
		code string
		want providers.Class
	}{
		{"RequestLimitExceeded", providers.RateLimited},
		{"RequestLimitExceeded.UinLimitExceeded", providers.RateLimited},
		{"FailedOperation.EngineServerLimitExceeded", providers.RateLimited},
		{"LimitExceeded", providers.Quota},
		{"FailedOperation.FreeResourcePackExhausted", providers.Quota},
		{"FailedOperation.ServiceStopArrears", providers.Quota},
		{"ResourceInsufficient.ChargeResourceExhaust", providers.Quota},
		{"ResourceUnavailable.InArrears", providers.Quota},
		{"ResourceUnavailable.LowBalance", providers.Quota},
		{"OperationDenied.TextIllegalDetected", providers.ContentFiltered},
		{"OperationDenied.ImageIllegalDetected", providers.ContentFiltered},
		{"AuthFailure.SignatureFailure", providers.Auth},
		{"AuthFailure.SignatureExpire", providers.Auth},
		{"AuthFailure.SecretIdNotFound", providers.Auth},
		{"UnauthorizedOperation", providers.Auth},
		{"FailedOperation.EngineRequestTimeout", providers.Timeout},
		{"FailedOperation.EngineServerError", providers.Server},
		{"InternalError", providers.Server},
		{"InvalidParameterValue.Model", providers.BadRequest},
		{"InvalidParameter.ImageCountLimitExceededError", providers.BadRequest},
		{"UnknownParameter", providers.BadRequest},
		{"SomethingNew.Entirely", providers.Server},
	}
	for _, tt := range tests {
		if got := CodeClass(tt.code); got != tt.want {
			t.Errorf("CodeClass(%q) = %s, want %s", tt.code, got, tt.want)
		}
	}
}

func TestNativeTurns(t *testing.T) {
	sys := func(s string) providers.Message { return providers.Message{Role: providers.RoleSystem, Text: s} }
	user := func(s string) providers.Message { return providers.Message{Role: providers.RoleUser, Text: s} }
	asst := func(s string) providers.Message { return providers.Message{Role: providers.RoleAssistant, Text: s} }
	img := providers.Image{MIME: "image/png", Data: []byte{1, 2}}
	many := []providers.Message{user("q")}
	for range 20 {
		many = append(many, asst("a"), user("q"))
	}
	tests := []struct {
		name      string
		in        []providers.Message
		want      []providers.Message
		wantWarns int
		wantErr   string
	}{
		{name: "system first", in: []providers.Message{sys("S."), user("hi")}, want: []providers.Message{sys("S."), user("hi")}},
		{name: "systems joined and moved", in: []providers.Message{user("a"), sys("S1."), asst("b"), sys("S2."), user("c")},
			want: []providers.Message{sys("S1.\n\nS2."), user("a"), asst("b"), user("c")}, wantWarns: 2},
		{name: "users merged with their images", in: []providers.Message{{Role: "user", Text: "a", Images: []providers.Image{img}}, user("b")},
			want: []providers.Message{{Role: "user", Text: "a\n\nb", Images: []providers.Image{img}}}, wantWarns: 1},
		{name: "starts with assistant", in: []providers.Message{asst("a"), user("b")}, wantErr: "start with a user turn"},
		{name: "ends with assistant", in: []providers.Message{user("a"), asst("b")}, wantErr: "end with a user turn"},
		{name: "image on assistant", in: []providers.Message{user("a"), {Role: "assistant", Images: []providers.Image{img}}, user("c")}, wantErr: "only user"},
		{name: "too many", in: many, wantErr: "at most 40"},
		{name: "unknown role", in: []providers.Message{{Role: "function", Text: "x"}}, wantErr: `role "function"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warns, perr := nativeTurns(tt.in)
			if tt.wantErr != "" {
				if perr == nil || perr.Class != providers.BadRequest || !strings.Contains(perr.Message, tt.wantErr) {
					t.Fatalf("error = %v, want a bad_request containing %q", perr, tt.wantErr)
				}
				return
			}
			if perr != nil {
				t.Fatal(perr)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("messages (-want +got):\n%s", diff)
			}
			if len(warns) != tt.wantWarns {
				t.Errorf("warnings = %q, want %d", warns, tt.wantWarns)
			}
		})
	}
}

// TestErrorBodies: errors come with HTTP 200 in Response.Error, for a
// streaming request too; each code keeps its class, code and message.
func TestErrorBodies(t *testing.T) {
	for _, stream := range []bool{false, true} {
		for _, code := range []string{"RequestLimitExceeded", "LimitExceeded", "OperationDenied.TextIllegalDetected",
			"AuthFailure.SignatureExpire", "AuthFailure.SecretIdNotFound", "InvalidParameter", "FailedOperation.EngineRequestTimeout", "InternalError"} {
			t.Run(fmt.Sprintf("%s/stream=%v", code, stream), func(t *testing.T) {
				h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { tcError(w, code, "message of "+code) })
				cfg := nativeConfig("https://hunyuan.tencentcloudapi.com/")
				cfg.HTTPClient = &http.Client{Transport: handlerTransport{h}}
				req := userRequest("hi")
				req.Stream = stream
				_, err := mustClient(t, cfg).Complete(context.Background(), req)
				pe := wantClass(t, err, CodeClass(code))
				if pe.Code != code || pe.Status != http.StatusOK || !strings.HasPrefix(pe.Message, "message of "+code) {
					t.Errorf("code %q status %d message %q", pe.Code, pe.Status, pe.Message)
				}
				if code == "AuthFailure.SignatureExpire" && !strings.Contains(pe.Message, "clock") {
					t.Errorf("message %q does not point at the clock", pe.Message)
				}
			})
		}
	}
}

// TestRateLimit: RequestLimitExceeded is rate_limited with no delay hint
// (Tencent sends none) unless a header carries one, and the next call,
// once the limit passes, succeeds.
func TestRateLimit(t *testing.T) {
	for _, hint := range []string{"", "3"} {
		t.Run("hint="+hint, func(t *testing.T) {
			f := newNativeFake(answerBehaviour())
			f.limited, f.retryAfter = 1, hint
			c := mustClient(t, nativeConfig(f.start(t)))
			_, err := c.Complete(context.Background(), userRequest("hi"))
			pe := wantClass(t, err, providers.RateLimited)
			want := time.Duration(0)
			if hint != "" {
				want = 3 * time.Second
			}
			if pe.Code != "RequestLimitExceeded" || pe.RetryAfter != want {
				t.Errorf("code %q RetryAfter %v; want RequestLimitExceeded and %v", pe.Code, pe.RetryAfter, want)
			}
			resp, err := c.Complete(context.Background(), userRequest("hi"))
			if err != nil || resp.Text != "你好！Hello." {
				t.Fatalf("call after the limit: %v, %v", resp, err)
			}
		})
	}
}

// TestSignatureChecked: the fake recomputes TC3 signatures, so a wrong
// secret key and a skewed clock both fail as the real API does.
func TestSignatureChecked(t *testing.T) {
	f := newNativeFake(answerBehaviour())
	cfg := nativeConfig(f.start(t))
	cfg.SecretKey = "notTheKeyTheFakeKnows0123456789"
	_, err := mustClient(t, cfg).Complete(context.Background(), userRequest("hi"))
	if pe := wantClass(t, err, providers.Auth); pe.Code != "AuthFailure.SignatureFailure" || strings.Contains(err.Error(), cfg.SecretKey) {
		t.Errorf("error %v, want AuthFailure.SignatureFailure without the key", err)
	}

	c := mustClient(t, nativeConfig("http://127.0.0.1:8443/"))
	body := []byte(`{"Model":"hunyuan-lite"}`)
	signedAt := time.Unix(1551113065, 0)
	r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:8443/", bytes.NewReader(body))
	c.native.sign(r, body, signedAt)
	for _, tt := range []struct {
		after time.Duration
		want  string
	}{{299 * time.Second, ""}, {-299 * time.Second, ""}, {301 * time.Second, "AuthFailure.SignatureExpire"}} {
		if code, _ := f.authenticate(r, body, signedAt.Add(tt.after)); code != tt.want {
			t.Errorf("checked %v after signing: %q, want %q", tt.after, code, tt.want)
		}
	}
	if code, _ := f.authenticate(r, []byte(`{"Model":"hunyuan-pro"}`), signedAt); code != "AuthFailure.SignatureFailure" {
		t.Errorf("a changed body passed the signature check (%q)", code)
	}
	if got := r.Header.Get("Authorization"); !strings.HasPrefix(got, "TC3-HMAC-SHA256 Credential="+testID+"/2019-02-25/hunyuan/tc3_request, SignedHeaders=content-type;host, Signature=") {
		t.Errorf("Authorization = %q", got)
	}
}

// TestBaseURL: base_url replaces the endpoint, path included; the
// signature covers the base URL's host:port and the canonical URI "/".
func TestBaseURL(t *testing.T) {
	f := newNativeFake(answerBehaviour())
	mux := http.NewServeMux()
	var path string
	mux.HandleFunc("/gateway/hunyuan", func(w http.ResponseWriter, r *http.Request) {
		path = r.URL.Path
		f.serveHTTP(w, r)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	if _, err := mustClient(t, nativeConfig(srv.URL+"/gateway/hunyuan")).Complete(context.Background(), userRequest("hi")); err != nil {
		t.Fatal(err)
	}
	if path != "/gateway/hunyuan" {
		t.Errorf("posted to %q", path)
	}
}

// TestNativeResponses covers answers the kit does not.
func TestNativeResponses(t *testing.T) {
	chunk := func(content, finish string) string {
		return fmt.Sprintf("data: {\"Choices\":[{\"Delta\":{\"Role\":\"assistant\",\"Content\":%q},\"FinishReason\":%q}],\"Usage\":{\"PromptTokens\":3,\"CompletionTokens\":2}}\n\n", content, finish)
	}
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		want        *providers.Response
		wantClass   providers.Class
		wantCode    string
		wantPartial string
	}{
		{name: "stream with charset", status: 200, contentType: "text/event-stream; charset=utf-8",
			body: chunk("a", "") + chunk("b", "stop"),
			want: &providers.Response{Text: "ab", FinishReason: "stop", Usage: providers.Usage{InputTokens: 3, OutputTokens: 2}}},
		{name: "keep-alive comments and [DONE] tolerated", status: 200, contentType: "text/event-stream",
			body: ": ping\n\n" + chunk("a", "stop") + "data: [DONE]\n\n",
			want: &providers.Response{Text: "a", FinishReason: "stop", Usage: providers.Usage{InputTokens: 3, OutputTokens: 2}}},
		{name: "ErrorMsg 4001 mid-stream", status: 200, contentType: "text/event-stream",
			body:      chunk("par", "") + "data: {\"ErrorMsg\":{\"Code\":4001,\"Msg\":\"请求模型超时\"}}\n\n",
			wantClass: providers.Timeout, wantCode: "4001", wantPartial: "par"},
		{name: "ErrorMsg 4000 mid-stream", status: 200, contentType: "text/event-stream",
			body:      chunk("par", "") + "data: {\"ErrorMsg\":{\"Code\":4000,\"Msg\":\"服务内部异常\"}}\n\n",
			wantClass: providers.Server, wantCode: "4000", wantPartial: "par"},
		{name: "sensitive after partial text", status: 200, contentType: "text/event-stream",
			body: chunk("par", "") + chunk("", "sensitive"), wantClass: providers.ContentFiltered, wantCode: "sensitive", wantPartial: "par"},
		{name: "stream without a FinishReason", status: 200, contentType: "text/event-stream",
			body: chunk("par", ""), wantClass: providers.BadResponse, wantPartial: "par"},
		{name: "JSON answer to a stream request", status: 200, contentType: "application/json",
			body: `{"Response":{"RequestId":"r","Choices":[{"FinishReason":"stop","Message":{"Role":"assistant","Content":"whole"}}],"Usage":{"PromptTokens":1,"CompletionTokens":1}}}`,
			want: &providers.Response{Text: "whole", FinishReason: "stop", Usage: providers.Usage{InputTokens: 1, OutputTokens: 1}}},
		{name: "no Response object", status: 200, contentType: "application/json", body: `{"Choices":[]}`, wantClass: providers.BadResponse},
		{name: "HTTP 502 with HTML", status: 502, contentType: "text/html", body: `<html>bad gateway</html>`,
			wantClass: providers.Server, wantCode: "HttpStatusCodeError"},
		{name: "HTTP 403 with an API error", status: 403, contentType: "application/json",
			body: `{"Response":{"Error":{"Code":"AuthFailure.SecretIdNotFound","Message":"no such id"}}}`, wantClass: providers.Auth, wantCode: "AuthFailure.SecretIdNotFound"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			})
			cfg := nativeConfig("https://hunyuan.tencentcloudapi.com/")
			cfg.HTTPClient = &http.Client{Transport: handlerTransport{h}}
			req := userRequest("hi")
			req.Stream = true
			resp, err := mustClient(t, cfg).Complete(context.Background(), req)
			if tt.want != nil {
				if err != nil {
					t.Fatal(err)
				}
				tt.want.Model = req.Model
				if diff := cmp.Diff(tt.want, resp, cmpopts.IgnoreFields(providers.Response{}, "TTFT", "Latency", "RateLimit")); diff != "" {
					t.Errorf("response (-want +got):\n%s", diff)
				}
				return
			}
			pe := wantClass(t, err, tt.wantClass)
			if pe.Partial != tt.wantPartial || pe.Code != tt.wantCode {
				t.Errorf("Partial %q Code %q, want %q and %q", pe.Partial, pe.Code, tt.wantPartial, tt.wantCode)
			}
		})
	}
}

// TestRequestBody pins the native JSON and headers (golden files).
func TestRequestBody(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	maxTok, seed := 128, int64(42)
	png := []byte("\x89PNG\r\n\x1a\nfake")
	tests := []struct {
		name string
		req  *providers.Request
	}{
		{"plain", &providers.Request{Model: "hunyuan-lite", Messages: []providers.Message{
			{Role: providers.RoleSystem, Text: "你是助手"}, {Role: providers.RoleUser, Text: "你好"}}}},
		{"params_stream", &providers.Request{Model: "hunyuan-turbos-latest", Stream: true, Messages: []providers.Message{
			{Role: providers.RoleUser, Text: "a"}, {Role: providers.RoleAssistant, Text: "b"}, {Role: providers.RoleUser, Text: "c"}},
			Params: providers.Params{Temperature: f(0), TopP: f(0.8), MaxTokens: &maxTok, Seed: &seed, Stop: []string{"\n"}}}},
		{"images", &providers.Request{Model: "hunyuan-vision", Messages: []providers.Message{
			{Role: providers.RoleUser, Text: "What is this?", Images: []providers.Image{{MIME: "image/png", Data: png}}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []byte
			var hdr http.Header
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got, _ = io.ReadAll(r.Body)
				hdr = r.Header
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, `{"Response":{"Choices":[{"FinishReason":"stop","Message":{"Content":"ok"}}]}}`)
			})
			cfg := nativeConfig("")
			cfg.HTTPClient = &http.Client{Transport: handlerTransport{h}}
			if _, err := mustClient(t, cfg).Complete(context.Background(), tt.req); err != nil {
				t.Fatal(err)
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, got, "", "  "); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"Content-Type", "X-Tc-Action", "X-Tc-Version"} {
				fmt.Fprintf(&pretty, "\n%s: %s", k, hdr.Get(k))
			}
			pretty.WriteString("\n")
			golden(t, filepath.Join("testdata", "native_request_"+tt.name+".json"), pretty.Bytes())
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

// TestCompat: the compatible API sends max_tokens, treats FinishReason
// "sensitive" as a block, and classifies a Tencent code in an OpenAI-style
// error body as the native API would.
func TestCompat(t *testing.T) {
	var body map[string]any
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewDecoder(r.Body).Decode(&body)
		w.Header().Set("Content-Type", "application/json")
		if body["model"] == "limited" {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":{"message":"请求的次数超过了频率限制","type":"runtime_error","code":"RequestLimitExceeded"}}`)
			return
		}
		io.WriteString(w, `{"id":"x","object":"chat.completion","model":"hunyuan-lite","choices":[{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"sensitive"}],"usage":{"prompt_tokens":1,"completion_tokens":0}}`)
	})
	c := mustClient(t, providers.Config{APIKey: "sk-hunyuan-test", HTTPClient: &http.Client{Transport: handlerTransport{h}}})
	maxTok := 64
	req := userRequest("hi")
	req.Model = "hunyuan-lite"
	req.Params.MaxTokens = &maxTok
	_, err := c.Complete(context.Background(), req)
	wantClass(t, err, providers.ContentFiltered)
	if body["max_tokens"] != float64(64) {
		t.Errorf("body %v does not send max_tokens", body)
	}
	req.Model = "limited"
	_, err = c.Complete(context.Background(), req)
	wantClass(t, err, providers.RateLimited)
	if c.compat.URL() != DefaultBaseURL+"/chat/completions" {
		t.Errorf("URL = %q", c.compat.URL())
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  providers.Config
		want string
	}{
		{"native without a pair", providers.Config{Name: "t", API: APINative, APIKey: "k"}, "access_key_env"},
		{"openai with only a pair", providers.Config{Name: "t", AccessKey: "a", SecretKey: "s"}, "api: native"},
		{"unknown api", providers.Config{Name: "t", API: "v3"}, "openai or native"},
		{"not http", providers.Config{Name: "t", API: APINative, AccessKey: "a", SecretKey: "s", BaseURL: "ftp://x"}, "not an http"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New = %v, %v; want an error containing %q", p, err, tt.want)
			}
			if p != nil {
				t.Error("a non-nil Provider with the error")
			}
		})
	}
}

// TestStallErrorBody: an error body that goes silent ends the call as a
// stall too, with the status it came with (the Kit stalls 200 answers).
func TestStallErrorBody(t *testing.T) {
	srv := httptest.NewServer(providertest.StallAfter(502, "text/html", "<html><body>502 Bad Gat"))
	defer srv.Close()
	cfg := nativeConfig(srv.URL + "/")
	cfg.StallTimeout = 200 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := mustClient(t, cfg).Complete(ctx, userRequest("hi"))
	if pe := wantClass(t, err, providers.Timeout); pe.Code != providers.StallCode || pe.Status != 502 {
		t.Errorf("code %q, status %d; want a stall of the 502 answer (%v)", pe.Code, pe.Status, err)
	}
}
