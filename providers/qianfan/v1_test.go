package qianfan

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/providertest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const (
	testAK = "appApiKeyForTests01234"
	testSK = "appSecretKeyForTests0123456789ab"
)

func v1Config(api, base string) providers.Config {
	return providers.Config{Name: "t", Provider: "qianfan", API: api, BaseURL: base, AccessKey: testAK, SecretKey: testSK}
}

func answerBehaviour() providertest.Behaviour {
	return providertest.Behaviour{
		Scenario: providertest.Answer,
		Config:   v1Config("", ""),
		Text:     "答案是 42。",
		Usage:    providers.Usage{InputTokens: 7, OutputTokens: 5},
	}
}

func userRequest(text string) *providers.Request {
	return &providers.Request{Model: "ERNIE-3.5-8K", Messages: []providers.Message{{Role: providers.RoleUser, Text: text}}}
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

func TestErnieMessages(t *testing.T) {
	sys := func(s string) providers.Message { return providers.Message{Role: providers.RoleSystem, Text: s} }
	user := func(s string) providers.Message { return providers.Message{Role: providers.RoleUser, Text: s} }
	asst := func(s string) providers.Message { return providers.Message{Role: providers.RoleAssistant, Text: s} }
	tests := []struct {
		name       string
		in         []providers.Message
		wantSystem string
		want       []ernieMessage
		wantWarns  int
		wantErr    string
	}{
		{name: "system moves to its field", in: []providers.Message{sys("Be terse."), user("hi")},
			wantSystem: "Be terse.", want: []ernieMessage{{"user", "hi"}}},
		{name: "multi-turn", in: []providers.Message{user("a"), asst("b"), user("c")},
			want: []ernieMessage{{"user", "a"}, {"assistant", "b"}, {"user", "c"}}},
		{name: "two system messages joined", in: []providers.Message{sys("A."), sys("B."), user("hi")},
			wantSystem: "A.\n\nB.", want: []ernieMessage{{"user", "hi"}}, wantWarns: 1},
		{name: "late system moved", in: []providers.Message{user("a"), asst("b"), sys("S."), user("c")},
			wantSystem: "S.", want: []ernieMessage{{"user", "a"}, {"assistant", "b"}, {"user", "c"}}, wantWarns: 1},
		{name: "consecutive users merged to an odd count", in: []providers.Message{user("a"), user("b")},
			want: []ernieMessage{{"user", "a\n\nb"}}, wantWarns: 1},
		{name: "consecutive assistants merged", in: []providers.Message{user("a"), asst("b"), asst("c"), user("d")},
			want: []ernieMessage{{"user", "a"}, {"assistant", "b\n\nc"}, {"user", "d"}}, wantWarns: 1},
		{name: "starts with assistant", in: []providers.Message{asst("a"), user("b")}, wantErr: "start with a user turn"},
		{name: "ends with assistant", in: []providers.Message{user("a"), asst("b")}, wantErr: "end with a user turn"},
		{name: "images", in: []providers.Message{{Role: providers.RoleUser, Text: "x", Images: []providers.Image{{MIME: "image/png", Data: []byte{1}}}}}, wantErr: "text only"},
		{name: "unknown role", in: []providers.Message{{Role: "tool", Text: "x"}}, wantErr: `role "tool"`},
		{name: "only system", in: []providers.Message{sys("S.")}, wantErr: "no user message"},
		{name: "none", in: nil, wantErr: "no messages"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			system, got, warns, perr := ernieMessages(tt.in)
			if tt.wantErr != "" {
				if perr == nil || perr.Class != providers.BadRequest || !strings.Contains(perr.Message, tt.wantErr) {
					t.Fatalf("error = %v, want a bad_request containing %q", perr, tt.wantErr)
				}
				return
			}
			if perr != nil {
				t.Fatal(perr)
			}
			if system != tt.wantSystem {
				t.Errorf("system = %q, want %q", system, tt.wantSystem)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("messages (-want +got):\n%s", diff)
			}
			if len(warns) != tt.wantWarns {
				t.Errorf("warnings = %q, want %d", warns, tt.wantWarns)
			}
			if len(got)%2 != 1 {
				t.Errorf("%d messages, the v1 API wants an odd count", len(got))
			}
		})
	}
}

func TestEndpoint(t *testing.T) {
	tests := []struct{ model, want string }{
		{"ERNIE-3.5-8K", "completions"},
		{"ernie-3.5-8k", "completions"},
		{"ERNIE-4.0-8K", "completions_pro"},
		{"ERNIE-4.0-Turbo-8K", "ernie-4.0-turbo-8k"},
		{"ERNIE-Speed-8K", "ernie_speed"},
		{"ERNIE-Lite-8K", "ernie-lite-8k"},
		{"ERNIE-3.5-128K", "ernie-3.5-128k"},
		{"my-custom-endpoint", "my-custom-endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.model, func(t *testing.T) {
			if got := Endpoint(tt.model); got != tt.want {
				t.Errorf("Endpoint(%q) = %q, want %q", tt.model, got, tt.want)
			}
		})
	}
}

func TestAdjustParams(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	seed := int64(7)
	tests := []struct {
		name      string
		api       string
		in        providers.Params
		want      providers.Params
		wantWarns int
	}{
		{"zero temperature", APIV2, providers.Params{Temperature: f(0)}, providers.Params{Temperature: f(MinTemperature)}, 1},
		{"negative temperature", APIV1, providers.Params{Temperature: f(-1)}, providers.Params{Temperature: f(MinTemperature)}, 1},
		{"temperature above 1", APIV2, providers.Params{Temperature: f(1.5)}, providers.Params{Temperature: f(1)}, 1},
		{"temperature in range", APIV1, providers.Params{Temperature: f(0.7)}, providers.Params{Temperature: f(0.7)}, 0},
		{"seed kept on v2", APIV2, providers.Params{Seed: &seed}, providers.Params{Seed: &seed}, 0},
		{"seed dropped on v1", APIV1, providers.Params{Seed: &seed}, providers.Params{}, 1},
		{"seed dropped on v1-bce", APIV1BCE, providers.Params{Seed: &seed}, providers.Params{}, 1},
		{"unset", APIV1, providers.Params{}, providers.Params{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before *float64
			if tt.in.Temperature != nil {
				v := *tt.in.Temperature
				before = &v
			}
			c := &Client{api: tt.api}
			got, warns := c.AdjustParams(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("params (-want +got):\n%s", diff)
			}
			if len(warns) != tt.wantWarns {
				t.Errorf("warnings = %q, want %d", warns, tt.wantWarns)
			}
			if before != nil && *tt.in.Temperature != *before {
				t.Errorf("AdjustParams changed its input's temperature to %v", *tt.in.Temperature)
			}
		})
	}
}

func TestCodeClass(t *testing.T) {
	tests := []struct {
		code int64
		want providers.Class
	}{
		{18, providers.RateLimited}, {336501, providers.RateLimited}, {336502, providers.RateLimited},
		{17, providers.Quota}, {19, providers.Quota},
		{6, providers.Auth}, {13, providers.Auth}, {14, providers.Auth}, {110, providers.Auth}, {111, providers.Auth}, {336004, providers.Auth},
		{3, providers.BadRequest}, {100, providers.BadRequest}, {336001, providers.BadRequest}, {336002, providers.BadRequest},
		{336003, providers.BadRequest}, {336005, providers.BadRequest}, {336104, providers.BadRequest}, {336105, providers.BadRequest},
		{1, providers.Server}, {2, providers.Server}, {4, providers.Server}, {336000, providers.Server}, {336100, providers.Server},
		{999999, providers.Server},
	}
	for _, tt := range tests {
		if got := CodeClass(tt.code); got != tt.want {
			t.Errorf("CodeClass(%d) = %s, want %s", tt.code, got, tt.want)
		}
	}
}

// TestErrorBodies sends each v1 error code through the fake (HTTP 200 and
// an error_code body) and checks the class, the code and the status kept.
func TestErrorBodies(t *testing.T) {
	for _, api := range []string{APIV1, APIV1BCE} {
		for _, code := range []int64{18, 336501, 336502, 17, 14, 336003, 336100} {
			t.Run(api+"/"+strconv.FormatInt(code, 10), func(t *testing.T) {
				f := newErnieFake(answerBehaviour())
				f.reject = []int64{code}
				c := mustClient(t, v1Config(api, f.start(t)))
				_, err := c.Complete(context.Background(), userRequest("hi"))
				pe := wantClass(t, err, CodeClass(code))
				if pe.Code != strconv.FormatInt(code, 10) || pe.Status != http.StatusOK {
					t.Errorf("code %q status %d, want the provider's code and HTTP 200", pe.Code, pe.Status)
				}
			})
		}
	}
}

// TestTokenRejected: a token the server calls invalid (110) or expired
// (111) is replaced and the call sent again within the same Complete; a
// second rejection is an auth error.
func TestTokenRejected(t *testing.T) {
	tests := []struct {
		name      string
		reject    []int64
		wantErr   bool
		wantFetch int
	}{
		{"invalid then fine", []int64{110}, false, 2},
		{"expired then fine", []int64{111}, false, 2},
		{"rejected twice", []int64{111, 111}, true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newErnieFake(answerBehaviour())
			f.reject = tt.reject
			c := mustClient(t, v1Config(APIV1, f.start(t)))
			resp, err := c.Complete(context.Background(), userRequest("hi"))
			if tt.wantErr {
				pe := wantClass(t, err, providers.Auth)
				if !strings.Contains(pe.Message, "access_key_env") {
					t.Errorf("auth message %q does not say what to fix", pe.Message)
				}
			} else if err != nil || resp.Text != "答案是 42。" {
				t.Fatalf("Complete = %v, %v; want the answer", resp, err)
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			if f.fetches != tt.wantFetch {
				t.Errorf("%d token fetches, want %d", f.fetches, tt.wantFetch)
			}
			if n := len(f.usedToken); n < 2 || f.usedToken[0] == f.usedToken[1] {
				t.Errorf("tokens used %q, want the call sent again with a new token", f.usedToken)
			}
		})
	}
}

// TestRateLimit: a rate limit is classified with the provider's code and
// no delay hint (Baidu sends none) unless a header carries one, and the
// next call, once the limit passes, succeeds.
func TestRateLimit(t *testing.T) {
	for _, api := range []string{APIV1, APIV1BCE} {
		for _, hint := range []string{"", "3"} {
			t.Run(api+"/hint="+hint, func(t *testing.T) {
				f := newErnieFake(answerBehaviour())
				f.limited, f.retryAfter = 1, hint
				c := mustClient(t, v1Config(api, f.start(t)))
				_, err := c.Complete(context.Background(), userRequest("hi"))
				pe := wantClass(t, err, providers.RateLimited)
				want := time.Duration(0)
				if hint != "" {
					want = 3 * time.Second
				}
				if pe.Code != "336501" || pe.RetryAfter != want {
					t.Errorf("code %q, RetryAfter %v; want 336501 and %v", pe.Code, pe.RetryAfter, want)
				}
				resp, err := c.Complete(context.Background(), userRequest("hi"))
				if err != nil || resp.Text != "答案是 42。" {
					t.Fatalf("call after the limit: %v, %v", resp, err)
				}
			})
		}
	}
	t.Run("v2", func(t *testing.T) {
		b := answerBehaviour()
		b.Scenario = providertest.RateLimit
		b.Config = providers.Config{APIKey: "bce-v3/ALTAK-x/y"}
		c := mustClient(t, providers.Config{APIKey: "bce-v3/ALTAK-x/y", BaseURL: v2Fake(t, b)})
		_, err := c.Complete(context.Background(), userRequest("hi"))
		if pe := wantClass(t, err, providers.RateLimited); pe.Code != "rpm_rate_limit_exceeded" || pe.Status != 429 {
			t.Errorf("code %q status %d, want rpm_rate_limit_exceeded and 429", pe.Code, pe.Status)
		}
	})
}

// handlerTransport serves requests in process, so tests under synctest
// need no network (a goroutine blocked on a socket never lets the fake
// clock advance).
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

// TestTokenRefresh: the token is reused until a tenth of its lifetime is
// left, then replaced before it expires; the call that finds it due uses
// the new one.
func TestTokenRefresh(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newErnieFake(answerBehaviour())
		f.lifetime = 10 * time.Hour
		cfg := v1Config(APIV1, "http://qianfan.test")
		cfg.HTTPClient = &http.Client{Transport: handlerTransport{f.handler()}}
		c := mustClient(t, cfg)
		call := func() {
			t.Helper()
			if _, err := c.Complete(context.Background(), userRequest("hi")); err != nil {
				t.Fatal(err)
			}
		}
		state := func() (int, string) {
			f.mu.Lock()
			defer f.mu.Unlock()
			return f.fetches, f.usedToken[len(f.usedToken)-1]
		}
		call()
		n, first := state()
		if n != 1 {
			t.Fatalf("%d token fetches after the first call, want 1", n)
		}
		time.Sleep(8*time.Hour + 59*time.Minute) // 9h01m of life left: not due
		call()
		if n, tok := state(); n != 1 || tok != first {
			t.Fatalf("before the refresh point: %d fetches, token %q; want the first token reused", n, tok)
		}
		time.Sleep(2 * time.Minute) // past 9h: due, not yet expired
		call()
		n, second := state()
		if n != 2 || second == first {
			t.Fatalf("after the refresh point: %d fetches, token %q; want a new token", n, second)
		}
		time.Sleep(time.Hour) // the first token has expired; the second is neither expired nor due
		call()
		if n, tok := state(); n != 2 || tok != second {
			t.Fatalf("%d fetches, token %q; want the second token still in use", n, tok)
		}
	})
}

// TestTokenSingleFlight: concurrent first calls share one token fetch.
func TestTokenSingleFlight(t *testing.T) {
	f := newErnieFake(answerBehaviour())
	c := mustClient(t, v1Config(APIV1, f.start(t)))
	var wg sync.WaitGroup
	errs := make([]error, 16)
	for i := range errs {
		wg.Go(func() { _, errs[i] = c.Complete(context.Background(), userRequest("hi")) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("call %d: %v", i, err)
		}
	}
	if f.fetches != 1 {
		t.Errorf("%d token fetches for 16 concurrent calls, want 1", f.fetches)
	}
}

// TestTokenFetchOutlivesCaller: the caller that started a token fetch
// giving up does not fail the fetch for the others.
func TestTokenFetchOutlivesCaller(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newErnieFake(answerBehaviour())
		release := make(chan struct{})
		inner := f.handler()
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/oauth/") {
				<-release
			}
			inner.ServeHTTP(w, r)
		})
		cfg := v1Config(APIV1, "http://qianfan.test")
		cfg.HTTPClient = &http.Client{Transport: handlerTransport{h}}
		c := mustClient(t, cfg)
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() { _, err := c.Complete(ctx, userRequest("first")); errc <- err }()
		synctest.Wait() // the first call is waiting for its token
		donec := make(chan error, 1)
		go func() { _, err := c.Complete(context.Background(), userRequest("second")); donec <- err }()
		synctest.Wait()
		cancel()
		wantClass(t, <-errc, providers.Canceled)
		close(release)
		if err := <-donec; err != nil {
			t.Fatalf("second call: %v", err)
		}
		if f.fetches != 1 {
			t.Errorf("%d token fetches, want 1", f.fetches)
		}
	})
}

// TestSecretsNotInErrors: the secret key rides in the token URL's query
// and the access token in the chat URL's; neither may reach an error when
// the connection fails.
func TestSecretsNotInErrors(t *testing.T) {
	t.Run("token endpoint down", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close() // nothing listens there now
		c := mustClient(t, v1Config(APIV1, "http://"+addr))
		_, err = c.Complete(context.Background(), userRequest("hi"))
		pe := wantClass(t, err, providers.Server)
		for _, s := range []string{testSK, testAK} {
			if strings.Contains(err.Error(), s) || strings.Contains(pe.Message, s) {
				t.Errorf("error leaks a credential: %v", err)
			}
		}
	})
	t.Run("chat connection dropped", func(t *testing.T) {
		f := newErnieFake(answerBehaviour())
		inner := f.handler()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/rpc/") {
				conn, _, _ := w.(http.Hijacker).Hijack()
				conn.Close()
				return
			}
			inner.ServeHTTP(w, r)
		}))
		defer srv.Close()
		c := mustClient(t, v1Config(APIV1, srv.URL))
		_, err := c.Complete(context.Background(), userRequest("hi"))
		wantClass(t, err, providers.Server)
		f.mu.Lock()
		defer f.mu.Unlock()
		for tok := range f.tokens {
			if strings.Contains(err.Error(), tok) {
				t.Errorf("error leaks the access token: %v", err)
			}
		}
		if len(f.tokens) == 0 {
			t.Fatal("no token was issued")
		}
	})
	t.Run("bad pair echoed", func(t *testing.T) {
		b := answerBehaviour()
		f := newErnieFake(b)
		cfg := v1Config(APIV1, f.start(t))
		cfg.SecretKey = "theWrongSecretKey-0123456789"
		c := mustClient(t, cfg)
		_, err := c.Complete(context.Background(), userRequest("hi"))
		wantClass(t, err, providers.Auth)
		if strings.Contains(err.Error(), cfg.SecretKey) {
			t.Errorf("error leaks the secret key: %v", err)
		}
	})
}

// TestBCESignatureChecked: the fake recomputes signatures, so a wrong
// secret key fails with the service's IAM error, and a stale signature is
// refused.
func TestBCESignatureChecked(t *testing.T) {
	f := newErnieFake(answerBehaviour())
	cfg := v1Config(APIV1BCE, f.start(t))
	cfg.SecretKey = "notTheSecretKeyTheFakeKnows01234"
	_, err := mustClient(t, cfg).Complete(context.Background(), userRequest("hi"))
	if pe := wantClass(t, err, providers.Auth); pe.Code != "14" {
		t.Errorf("code %q, want 14 (IAM Certification failed)", pe.Code)
	}

	c := mustClient(t, v1Config(APIV1BCE, "https://aip.baidubce.com"))
	r, _ := http.NewRequest(http.MethodPost, c.v1.chatURL("ERNIE-4.0-8K"), strings.NewReader("{}"))
	r.Header.Set("Content-Type", "application/json")
	signedAt := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	c.v1.sign(r, signedAt)
	r.Host = r.URL.Host
	r.RequestURI = r.URL.RequestURI()
	if err := verifyBCE(r, testAK, testSK, signedAt.Add(299*time.Second)); err != nil {
		t.Errorf("signature refused within its 300 s: %v", err)
	}
	if err := verifyBCE(r, testAK, testSK, signedAt.Add(301*time.Second)); err == nil {
		t.Error("signature accepted after its 300 s")
	}
	if got := r.Header.Get("Authorization"); !strings.HasPrefix(got, "bce-auth-v1/"+testAK+"/2024-01-01T00:00:00Z/300/content-type;host;x-bce-date/") {
		t.Errorf("Authorization = %q", got)
	}
}

// TestBaseURLPrefix: base_url overrides every endpoint, a path prefix
// included: the token URL, the chat URL and the path a signature covers.
func TestBaseURLPrefix(t *testing.T) {
	for _, api := range []string{APIV1, APIV1BCE} {
		t.Run(api, func(t *testing.T) {
			f := newErnieFake(answerBehaviour())
			mux := http.NewServeMux()
			mux.Handle("/gateway/", http.StripPrefix("/gateway", f.handler()))
			srv := httptest.NewServer(mux)
			defer srv.Close()
			c := mustClient(t, v1Config(api, srv.URL+"/gateway/"))
			req := userRequest("hi")
			req.Model = "ERNIE-4.0-8K"
			if _, err := c.Complete(context.Background(), req); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"completions_pro"}, f.endpoints); diff != "" {
				t.Errorf("endpoints called (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  providers.Config
		want string
	}{
		{"v1 without a pair", providers.Config{Name: "t", API: APIV1, APIKey: "k"}, "access_key_env"},
		{"v1-bce without a pair", providers.Config{Name: "t", API: APIV1BCE}, "IAM Access Key"},
		{"v2 with only a pair", providers.Config{Name: "t", AccessKey: "a", SecretKey: "s"}, "api: v1"},
		{"unknown api", providers.Config{Name: "t", API: "v3"}, "v2, v1 or v1-bce"},
		{"v1 base at the chat path", providers.Config{Name: "t", API: APIV1, AccessKey: "a", SecretKey: "s",
			BaseURL: "https://aip.baidubce.com/rpc/2.0/ai_custom/v1/wenxinworkshop"}, "host root"},
		{"not http", providers.Config{Name: "t", API: APIV1, AccessKey: "a", SecretKey: "s", BaseURL: "ftp://x"}, "not an http"},
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
	for _, api := range []string{"", "openai", "v2", "V1", "native", "v1-bce"} {
		cfg := providers.Config{Name: "t", API: api, APIKey: "k", AccessKey: "a", SecretKey: "s"}
		if _, err := New(cfg); err != nil {
			t.Errorf("api %q: %v", api, err)
		}
	}
}

// TestRequestBody pins the v1 JSON (golden files): system field, no seed,
// max_output_tokens, the adjusted temperature, the endpoint.
func TestRequestBody(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	maxTok, seed := 256, int64(3)
	tests := []struct {
		name string
		req  *providers.Request
	}{
		{"plain", &providers.Request{Model: "ERNIE-4.0-8K", Messages: []providers.Message{
			{Role: providers.RoleSystem, Text: "你是助手"}, {Role: providers.RoleUser, Text: "你好"}}}},
		{"params", &providers.Request{Model: "ERNIE-Speed-8K", Stream: true, Messages: []providers.Message{
			{Role: providers.RoleUser, Text: "a"}, {Role: providers.RoleAssistant, Text: "b"}, {Role: providers.RoleUser, Text: "c"}},
			Params: providers.Params{Temperature: f(0), TopP: f(0.8), MaxTokens: &maxTok, Seed: &seed, Stop: []string{"\n"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []byte
			var path string
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var buf bytes.Buffer
				buf.ReadFrom(r.Body)
				got, path = buf.Bytes(), r.URL.Path
				writeJSON(w, http.StatusOK, map[string]any{"result": "ok", "is_end": true, "usage": map[string]int{}})
			})
			cfg := v1Config(APIV1BCE, "https://aip.baidubce.com")
			cfg.HTTPClient = &http.Client{Transport: handlerTransport{h}}
			if _, err := mustClient(t, cfg).Complete(context.Background(), tt.req); err != nil {
				t.Fatal(err)
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, got, "", "  "); err != nil {
				t.Fatal(err)
			}
			pretty.WriteString("\n" + path + "\n")
			golden(t, filepath.Join("testdata", "v1_request_"+tt.name+".json"), pretty.Bytes())
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

// TestV1Responses covers answers the kit does not: a finish_reason absent
// or truncated, a content_filter finish, a [DONE] end, code/msg error keys,
// an error inside a stream.
func TestV1Responses(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        string
		want        *providers.Response
		wantClass   providers.Class
		wantPartial string
	}{
		{name: "no finish_reason", contentType: "application/json",
			body: `{"id":"as-1","result":"hi","is_truncated":false,"usage":{"prompt_tokens":2,"completion_tokens":1}}`,
			want: &providers.Response{Text: "hi", FinishReason: "stop", Usage: providers.Usage{InputTokens: 2, OutputTokens: 1}}},
		{name: "truncated", contentType: "application/json",
			body: `{"id":"as-1","result":"hi","is_truncated":true}`,
			want: &providers.Response{Text: "hi", FinishReason: "length"}},
		{name: "finish length", contentType: "application/json",
			body: `{"id":"as-1","result":"hi","finish_reason":"length"}`,
			want: &providers.Response{Text: "hi", FinishReason: "length"}},
		{name: "content_filter finish", contentType: "application/json",
			body: `{"id":"as-1","result":"**","finish_reason":"content_filter"}`, wantClass: providers.ContentFiltered},
		{name: "code and msg keys", contentType: "application/json",
			body: `{"code":336501,"msg":"Rpm limit reached"}`, wantClass: providers.RateLimited},
		{name: "string error code", contentType: "application/json",
			body: `{"error_code":"17","error_msg":"daily limit"}`, wantClass: providers.Quota},
		{name: "neither result nor error", contentType: "application/json", body: `{"id":"as-1"}`, wantClass: providers.BadResponse},
		{name: "stream ended by [DONE]", contentType: "text/event-stream",
			body: "data: {\"result\":\"a\",\"is_end\":false}\n\ndata: {\"result\":\"b\",\"is_end\":false,\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}\n\ndata: [DONE]\n\n",
			want: &providers.Response{Text: "ab", FinishReason: "stop", Usage: providers.Usage{InputTokens: 3, OutputTokens: 2}}},
		{name: "stream error mid-way", contentType: "text/event-stream",
			body:      "data: {\"result\":\"par\",\"is_end\":false}\n\ndata: {\"error_code\":336100,\"error_msg\":\"high load\"}\n\n",
			wantClass: providers.Server, wantPartial: "par"},
		{name: "stream safety block mid-way", contentType: "text/event-stream",
			body:      "data: {\"result\":\"par\",\"is_end\":false}\n\ndata: {\"result\":\"\",\"is_end\":true,\"need_clear_history\":true,\"ban_round\":-1}\n\n",
			wantClass: providers.ContentFiltered, wantPartial: "par"},
		{name: "stream answered with a JSON error", contentType: "application/json",
			body: `{"error_code":18,"error_msg":"Open api qps request limit reached"}`, wantClass: providers.RateLimited},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				w.Write([]byte(tt.body))
			})
			cfg := v1Config(APIV1BCE, "https://aip.baidubce.com")
			cfg.HTTPClient = &http.Client{Transport: handlerTransport{h}}
			req := userRequest("hi")
			req.Stream = tt.contentType == "text/event-stream"
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
			if pe := wantClass(t, err, tt.wantClass); pe.Partial != tt.wantPartial {
				t.Errorf("Partial = %q, want %q", pe.Partial, tt.wantPartial)
			}
		})
	}
}

// TestStallErrorBody: an error body that goes silent ends the call as a
// stall too, with the status it came with (the Kit stalls 200 answers).
func TestStallErrorBody(t *testing.T) {
	srv := httptest.NewServer(providertest.StallAfter(500, "application/json", `{"error_code":2,"error_msg":"Service temp`))
	defer srv.Close()
	cfg := v1Config(APIV1BCE, srv.URL)
	cfg.StallTimeout = 200 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := mustClient(t, cfg).Complete(ctx, userRequest("hi"))
	if pe := wantClass(t, err, providers.Timeout); pe.Code != providers.StallCode || pe.Status != 500 {
		t.Errorf("code %q, status %d; want a stall of the 500 answer (%v)", pe.Code, pe.Status, err)
	}
}
