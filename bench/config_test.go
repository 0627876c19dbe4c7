package bench

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/providers"
	_ "github.com/llmbench/llmbench/providers/all"
)

func TestParseConfig(t *testing.T) {
	src := `baseline: gpt-4o
targets:
  - name: gpt-4o
    provider: openai
    model: gpt-4o
    base_url: http://127.0.0.1:8080/v1
    api_key_env: OPENAI_API_KEY
    concurrency: 8
    rpm: 0
    params: {temperature: 0, max_tokens: 512}
  - provider: openai
    model: local-model
    timeout: 30s
    stream: false
suites: [reasoning, summarisation, vision, ./my-suite/suite.yaml]
`
	c, err := ParseConfig("dir/nightly.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "nightly" {
		t.Errorf("name = %q, want the file's base name", c.Name)
	}
	if c.Dir() != "dir" {
		t.Errorf("dir = %q", c.Dir())
	}
	if c.Repeats != 1 {
		t.Errorf("repeats = %d, want default 1", c.Repeats)
	}
	t0, t1 := c.Targets[0], c.Targets[1]
	if t0.Concurrency != 8 || *t0.Params.Temperature != 0 || *t0.Params.MaxTokens != 512 || !t0.Streaming() {
		t.Errorf("first target = %+v", t0)
	}
	if t1.Name != "local-model" || t1.Concurrency != DefaultConcurrency || t1.MaxAttempts != DefaultMaxAttempts || t1.Streaming() || t1.TimeoutDuration() != 30*time.Second {
		t.Errorf("second target defaults = %+v", t1)
	}
	if diff := cmp.Diff([]string{"reasoning", "summarisation", "vision", "./my-suite/suite.yaml"}, c.Suites); diff != "" {
		t.Errorf("suites (-want +got):\n%s", diff)
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // substring, including file:line where one applies
	}{
		{"unknown key", "baseline: a\ntargets:\n  - name: a\n    provider: openai\n    model: m\n    temprature: 1\nsuites: [reasoning]\n", "c.yaml:6:"},
		{"syntax", "targets: [\n", "c.yaml:"},
		{"no targets", "suites: [reasoning]\n", "no targets"},
		{"no suites", "targets:\n  - name: a\n    provider: openai\n    model: m\n", "no suites"},
		{"unknown provider", "targets:\n  - name: a\n    provider: nope\n    model: m\nsuites: [reasoning]\n", "c.yaml:3: target \"a\": unknown provider \"nope\""},
		{"baseline missing", "baseline: zz\ntargets:\n  - name: a\n    provider: openai\n    model: m\nsuites: [reasoning]\n", "c.yaml:1: baseline \"zz\" is not one of the targets"},
		{"duplicate name", "targets:\n  - name: a\n    provider: openai\n    model: m\n  - name: a\n    provider: openai\n    model: m\nsuites: [reasoning]\n", "used twice"},
		{"bad timeout", "targets:\n  - name: a\n    provider: openai\n    model: m\n    timeout: soon\nsuites: [reasoning]\n", "c.yaml:5:"},
		{"negative", "targets:\n  - name: a\n    provider: openai\n    model: m\n    rpm: -1\nsuites: [reasoning]\n", "cannot be negative"},
		{"nightly level", "targets:\n  - name: a\n    provider: openai\n    model: m\nsuites: [reasoning]\nnightly:\n  out: n\n  level: 95\n", "c.yaml:8: nightly: level 95 is not between 0 and 1"},
		{"nightly ratio", "targets:\n  - name: a\n    provider: openai\n    model: m\nsuites: [reasoning]\nnightly:\n  p95_ratio: 0.9\n", "c.yaml:7: nightly: p95_ratio 0.9 must be above 1"},
		{"nightly duration", "targets:\n  - name: a\n    provider: openai\n    model: m\nsuites: [reasoning]\nnightly:\n  level: 0.9\n  min_latency_rise: soon\n", "c.yaml:8: nightly: min_latency_rise \"soon\""},
		{"nightly unknown key", "targets:\n  - name: a\n    provider: openai\n    model: m\nsuites: [reasoning]\nnightly:\n  p99_ratio: 2\n", "c.yaml:7:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig("c.yaml", []byte(tt.src))
			if err == nil {
				t.Fatal("no error")
			}
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Errorf("error %T is not a *ConfigError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestCredentials(t *testing.T) {
	env := map[string]string{"OPENAI_API_KEY": "sk-secret", "MY_KEY": "k2", "AK": "a", "SK": "s"}
	getenv := func(k string) string { return env[k] }
	tests := []struct {
		name    string
		tc      TargetConfig
		want    providers.Config
		wantErr string
	}{
		{"conventional", TargetConfig{Name: "a", Provider: "openai"}, providers.Config{Name: "a", Provider: "openai", APIKey: "sk-secret", APIKeyEnv: "OPENAI_API_KEY"}, ""},
		{"named variable", TargetConfig{Name: "a", Provider: "openai", APIKeyEnv: "MY_KEY"}, providers.Config{Name: "a", Provider: "openai", APIKey: "k2", APIKeyEnv: "MY_KEY"}, ""},
		{"named but unset", TargetConfig{Name: "a", Provider: "openai", APIKeyEnv: "UNSET_KEY"}, providers.Config{}, "UNSET_KEY is not set"},
		{"loopback needs no key", TargetConfig{Name: "a", Provider: "openai", BaseURL: "http://127.0.0.1:1/v1"}, providers.Config{Name: "a", Provider: "openai", BaseURL: "http://127.0.0.1:1/v1", APIKeyEnv: "OPENAI_API_KEY"}, ""},
		{"pair", TargetConfig{Name: "a", Provider: "openai", AccessKeyEnv: "AK", SecretKeyEnv: "SK"}, providers.Config{Name: "a", Provider: "openai", AccessKey: "a", SecretKey: "s", APIKeyEnv: "AK and SK"}, ""},
		{"half pair", TargetConfig{Name: "a", Provider: "openai", AccessKeyEnv: "AK"}, providers.Config{}, "set both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := getenv
			if tt.name == "loopback needs no key" {
				getenv = func(string) string { return "" }
				tt.want.APIKey = ""
			}
			got, err := tt.tc.Credentials(getenv)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "sk-secret") {
					t.Fatal("error leaks the key")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.FilterPath(func(p cmp.Path) bool { return p.String() == "HTTPClient" }, cmp.Ignore())); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestREADMEConfig keeps the README's config example loadable: tools outside
// the repo copy it.
func TestREADMEConfig(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var block string
	for _, part := range strings.Split(string(readme), "```yaml\n")[1:] {
		body, _, _ := strings.Cut(part, "```")
		if strings.Contains(body, "targets:") {
			block = body
			break
		}
	}
	if block == "" {
		t.Fatal("README has no yaml block with targets:")
	}
	c, err := ParseConfig("nightly-zh.yaml", []byte(block))
	if err != nil {
		t.Fatalf("README config does not load: %v", err)
	}
	if c.Name != "nightly-zh" || c.Baseline != "gpt-4o" || len(c.Targets) < 2 || len(c.Suites) != 4 {
		t.Errorf("README config read as %+v", c)
	}
}

func TestPrepareRejectsUnknownTargetSuite(t *testing.T) {
	src := "targets:\n  - name: a\n    provider: openai\n    model: m\n    base_url: http://127.0.0.1:1/v1\n    suites: [summarisaton]\nsuites: [summarisation]\n"
	c, err := ParseConfig("c.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Prepare(c, func(string) string { return "" }, nil)
	if err == nil || !strings.Contains(err.Error(), `"summarisaton" is not a suite of this config`) {
		t.Errorf("err = %v", err)
	}
}

// TestConventionalKeyPairs: an API that signs with a key pair reads its
// provider's conventional variables unless the target names others.
func TestConventionalKeyPairs(t *testing.T) {
	env := map[string]string{
		"QIANFAN_AK": "ak", "QIANFAN_SK": "sk",
		"TENCENTCLOUD_SECRET_ID": "id", "TENCENTCLOUD_SECRET_KEY": "key",
		"SENSENOVA_API_KEY": "nova-key",
	}
	getenv := func(k string) string { return env[k] }
	tests := []struct {
		name                   string
		tc                     TargetConfig
		access, secret, apiKey string
		wantErr                string
	}{
		{"qianfan v1 oauth pair", TargetConfig{Name: "e", Provider: "qianfan", API: "v1"}, "ak", "sk", "", ""},
		{"qianfan v1-bce pair unset", TargetConfig{Name: "e", Provider: "qianfan", API: "v1-bce"}, "", "", "", "set QIANFAN_ACCESS_KEY and QIANFAN_SECRET_KEY"},
		{"hunyuan native", TargetConfig{Name: "h", Provider: "hunyuan", API: "native"}, "id", "key", "", ""},
		{"sensenova native falls back to the key", TargetConfig{Name: "s", Provider: "sensenova", API: "native"}, "", "", "nova-key", ""},
		{"explicit pair wins", TargetConfig{Name: "h", Provider: "hunyuan", API: "native", AccessKeyEnv: "QIANFAN_AK", SecretKeyEnv: "QIANFAN_SK"}, "ak", "sk", "", ""},
		{"v2 takes the single key", TargetConfig{Name: "e", Provider: "qianfan"}, "", "", "", "QIANFAN_API_KEY is not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pc, err := tt.tc.Credentials(getenv)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if pc.AccessKey != tt.access || pc.SecretKey != tt.secret || pc.APIKey != tt.apiKey {
				t.Errorf("got access %q secret %q key %q", pc.AccessKey, pc.SecretKey, pc.APIKey)
			}
		})
	}
}

func TestParseConfigNightly(t *testing.T) {
	src := "targets:\n  - name: a\n    provider: openai\n    model: m\nsuites: [reasoning]\nnightly:\n  level: 0.99\n  min_pass_drop: 0.05\n  min_latency_rise: 200ms\n  min_latency_n: 10\n  out: nights/out\n  notify: http://127.0.0.1:9/hook\n"
	c, err := ParseConfig(filepath.Join("conf", "c.yaml"), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := &NightlyConfig{Level: 0.99, MinPassDrop: 0.05, MinLatencyRise: "200ms", LatencyRise: 200 * time.Millisecond, MinLatencyN: 10, Out: "nights/out", Notify: "http://127.0.0.1:9/hook"}
	if diff := cmp.Diff(want, c.Nightly); diff != "" {
		t.Errorf("nightly (-want +got):\n%s", diff)
	}
	if got, want := c.NightlyOut(), filepath.Join("conf", "nights", "out"); got != want {
		t.Errorf("NightlyOut = %q, want %q (relative to the config file)", got, want)
	}
}
