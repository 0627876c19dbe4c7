package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/providertest"
)

// recorder wraps a handler and keeps every request body.
type recorder struct {
	mu     sync.Mutex
	bodies []map[string]any
	h      http.Handler
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var m map[string]any
	json.Unmarshal(b, &m)
	rec.mu.Lock()
	rec.bodies = append(rec.bodies, m)
	rec.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(b))
	rec.h.ServeHTTP(w, r)
}

func openAIServer(t *testing.T, scenario providertest.Scenario, key string) (*recorder, string) {
	t.Helper()
	rec := &recorder{h: providertest.OpenAIHandler(providertest.Behaviour{
		Scenario: scenario, Config: providers.Config{APIKey: key}, Model: "gpt-4o-2024-08-06",
		Text: "OK", Usage: providers.Usage{InputTokens: 12, OutputTokens: 1}, RetryAfter: 20 * time.Second,
	})}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	return rec, srv.URL + "/v1"
}

// anthropicServer answers like the Messages API, with its rate-limit headers.
func anthropicServer(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/messages" || r.Header.Get("anthropic-version") == "" {
			http.Error(w, "wrong endpoint", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("anthropic-ratelimit-requests-remaining", "49")
		w.Header().Set("anthropic-ratelimit-requests-reset", "2026-09-01T12:00:01Z")
		io.WriteString(w, `{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"OK"}],"stop_reason":"end_turn","usage":{"input_tokens":12,"output_tokens":1}}`)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "check.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// row returns the table row of a target as its fields.
func row(out, target string) []string {
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) > 0 && f[0] == target {
			return f
		}
	}
	return nil
}

func TestProvidersCheck(t *testing.T) {
	const secret = "sk-check-5ecret-value-0123456789"
	t.Setenv("LLMBENCH_CHECK_KEY", secret)
	t.Setenv("LLMBENCH_CHECK_UNSET", "")
	okRec, okURL := openAIServer(t, providertest.Answer, secret)
	_, limitedURL := openAIServer(t, providertest.RateLimit, secret)
	_, authURL := openAIServer(t, providertest.Answer, "some-other-key")
	claudeURL := anthropicServer(t)
	cfg := writeConfig(t, fmt.Sprintf(`targets:
  - name: good
    provider: openai
    model: gpt-4o
    base_url: %s
    api_key_env: LLMBENCH_CHECK_KEY
    params: {temperature: 0, max_tokens: 512}
  - name: limited
    provider: openai
    model: gpt-4o
    base_url: %s
    api_key_env: LLMBENCH_CHECK_KEY
    stream: false
  - name: wrong-key
    provider: openai
    model: gpt-4o
    base_url: %s
    api_key_env: LLMBENCH_CHECK_KEY
  - name: no-key
    provider: deepseek
    model: deepseek-chat
    api_key_env: LLMBENCH_CHECK_UNSET
  - name: claude
    provider: anthropic
    model: claude-sonnet-4-5
    base_url: %s
    api_key_env: LLMBENCH_CHECK_KEY
    params: {seed: 7}
suites: [reasoning]
`, okURL, limitedURL, authURL, claudeURL))

	stdout, stderr, code := runCLI(t, "providers", "check", "--config", cfg, "--timeout", "10s")
	t.Logf("stdout:\n%s", stdout)
	if code != ExitFailed {
		t.Errorf("exit %d, want %d (some targets fail)", code, ExitFailed)
	}
	for _, out := range []string{stdout, stderr} {
		if strings.Contains(out, secret) {
			t.Fatalf("the key's value is printed:\n%s", out)
		}
	}
	tests := []struct {
		target string
		want   []string // fields of the row from KEY on
	}{
		{"good", []string{"LLMBENCH_CHECK_KEY", "set", "ok", "gpt-4o-2024-08-06"}},
		{"limited", []string{"LLMBENCH_CHECK_KEY", "set", "rate_limited", "-", "-", "-"}},
		{"wrong-key", []string{"LLMBENCH_CHECK_KEY", "set", "auth", "-", "-", "-"}},
		{"no-key", []string{"LLMBENCH_CHECK_UNSET", "not", "set", "not", "called", "-", "-", "-"}},
		{"claude", []string{"LLMBENCH_CHECK_KEY", "set", "ok", "claude-sonnet-4-5-20250929"}},
	}
	for _, tt := range tests {
		f := row(stdout, tt.target)
		if len(f) < 3+len(tt.want) {
			t.Errorf("no full row for %s in:\n%s", tt.target, stdout)
			continue
		}
		if got := f[3 : 3+len(tt.want)]; strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("row %s: got %q, want %q", tt.target, got, tt.want)
		}
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^good:\n  rate limits: x-ratelimit-limit-requests=500, x-ratelimit-remaining-requests=499, x-ratelimit-reset-requests=120ms$`),
		regexp.MustCompile(`(?m)^limited:\n  rate_limited \(HTTP 429, rate_limit_exceeded\): Rate limit reached.* \(retry after 20s\)$`),
		regexp.MustCompile(`(?m)^wrong-key:\n  auth \(HTTP 401, invalid_api_key\): .*check the API key in LLMBENCH_CHECK_KEY$`),
		regexp.MustCompile(`(?m)^no-key:\n  not called: .*LLMBENCH_CHECK_UNSET is not set`),
		regexp.MustCompile(`(?m)^claude:\n  adjusted: Anthropic has no seed parameter: seed is not sent\n  rate limits: anthropic-ratelimit-requests-remaining=49, anthropic-ratelimit-requests-reset=2026-09-01T12:00:01Z$`),
	} {
		if !want.MatchString(stdout) {
			t.Errorf("output does not match %s:\n%s", want, stdout)
		}
	}
	// The failures are listed in config order; claude answered.
	if !strings.Contains(stderr, "3 of 5 targets failed the check: limited, wrong-key, no-key") {
		t.Errorf("stderr %q does not name the failed targets", stderr)
	}
	if strings.Contains(stderr, "claude") {
		t.Errorf("stderr names claude, which answered: %q", stderr)
	}

	// The call is tiny: max_tokens capped, the target's other params kept,
	// streamed as the target is.
	okRec.mu.Lock()
	body := okRec.bodies[0]
	okRec.mu.Unlock()
	if body["max_tokens"] != 8.0 || body["temperature"] != 0.0 || body["stream"] != true {
		t.Errorf("check request = %v; want max_tokens 8, temperature 0, stream true", body)
	}

	// Only the targets named are checked; all answer, so exit 0.
	stdout, stderr, code = runCLI(t, "providers", "check", "--config", cfg, "--target", "good", "--target", "claude")
	if code != ExitOK || row(stdout, "limited") != nil || row(stdout, "good") == nil || row(stdout, "claude") == nil {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

func TestProvidersCheckTimeout(t *testing.T) {
	done := make(chan struct{})
	stall := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // a read body lets the server see the client go
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}))
	t.Cleanup(stall.Close)
	t.Cleanup(func() { close(done) }) // runs first
	cfg := writeConfig(t, fmt.Sprintf("targets:\n  - name: slow\n    provider: vllm\n    model: m\n    base_url: %s/v1\nsuites: [reasoning]\n", stall.URL))
	stdout, _, code := runCLI(t, "providers", "check", "--config", cfg, "--timeout", "100ms")
	if f := row(stdout, "slow"); code != ExitFailed || len(f) < 6 || f[3] != "none" || f[5] != "timeout" {
		t.Errorf("exit %d, row %q:\n%s", code, f, stdout)
	}
}

func TestProvidersCheckUsage(t *testing.T) {
	cfg := writeConfig(t, "targets:\n  - name: a\n    provider: ollama\n    model: m\nsuites: [reasoning]\n")
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no config", []string{"providers", "check"}, ExitUsage, "--config"},
		{"unknown target", []string{"providers", "check", "--config", cfg, "--target", "b"}, ExitUsage, "no target named b"},
		{"bad timeout", []string{"providers", "check", "--config", cfg, "--timeout", "0s"}, ExitUsage, "timeout"},
		{"stray argument", []string{"providers", "check", "--config", cfg, "extra"}, ExitUsage, `unexpected argument "extra"`},
		{"missing config file", []string{"providers", "check", "--config", cfg + ".none"}, ExitFailed, "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := runCLI(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.msg) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)", code, tt.code, stderr, tt.msg)
			}
		})
	}
	out, _, code := runCLI(t, "providers", "check", "--help")
	if code != ExitOK || !strings.Contains(out, "USAGE") || !strings.Contains(out, "Exit status") {
		t.Errorf("help (exit %d):\n%s", code, out)
	}
}

func TestProvidersListShowsAdapters(t *testing.T) {
	out, _, code := runCLI(t, "providers", "list")
	for _, want := range []string{"anthropic", "ANTHROPIC_API_KEY", "gemini", "GEMINI_API_KEY", "deepseek", "qwen", "DASHSCOPE_API_KEY", "moonshot", "ollama", "vllm", "llamacpp", "http://localhost:11434/v1"} {
		if code != ExitOK || !strings.Contains(out, want) {
			t.Errorf("providers list (exit %d) lacks %q:\n%s", code, want, out)
		}
	}
}
