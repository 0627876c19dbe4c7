package bench

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/llmbench/llmbench/providers"
)

// Config is a run configuration: which targets, which suites, which baseline.
// It is read from YAML; see README.md for the documented form.
type Config struct {
	// Name identifies the config across runs (history, trends). Default: the
	// config file's base name without extension.
	Name     string         `yaml:"name"`
	Baseline string         `yaml:"baseline"`
	Targets  []TargetConfig `yaml:"targets"`
	// Suites are built-in suite names or paths relative to the config file.
	Suites  []string `yaml:"suites"`
	Repeats int      `yaml:"repeats"`
	Seed    int64    `yaml:"seed"`
	// Tags, when set, narrows every suite to its cases tagged with at
	// least one of them (llmbench run --tag sets it; see WithTags).
	Tags []string `yaml:"tags"`

	// Judge is the model that scores suites using the judge scorer: the
	// name of a target that also judges, or a target written inline that
	// only judges (see JudgeConfig). nil: no judge.
	Judge *JudgeConfig `yaml:"judge"`

	// Reserved for later work; accepted so configs written for newer versions
	// load, and reported as unused.
	Prices any `yaml:"prices"`
	Quotas any `yaml:"quotas"`

	// Path is the file the config was read from ("" when built in code).
	Path string `yaml:"-"`
	// Source is the file's text, recorded with the run (it holds no secrets:
	// keys come from the environment).
	Source string `yaml:"-"`
}

// TargetConfig is one target as written in the config.
type TargetConfig struct {
	Name     string `yaml:"name"`
	Provider string `yaml:"provider"`
	Model    string `yaml:"model"`
	API      string `yaml:"api"`
	BaseURL  string `yaml:"base_url"`
	// APIKeyEnv names the variable holding the API key (default: the
	// provider's conventional one).
	APIKeyEnv    string `yaml:"api_key_env"`
	AccessKeyEnv string `yaml:"access_key_env"`
	SecretKeyEnv string `yaml:"secret_key_env"`
	// Concurrency is the number of calls in flight at once (default 4).
	Concurrency int `yaml:"concurrency"`
	// RPM caps requests per minute (0: unlimited).
	RPM float64 `yaml:"rpm"`
	// TPM caps tokens per minute, prompt and answer (0: unlimited).
	TPM    float64          `yaml:"tpm"`
	Params providers.Params `yaml:"params"`
	// Stream asks for streamed answers (default true) so time to first token
	// is measured.
	Stream *bool `yaml:"stream"`
	// Timeout bounds one attempt (default 120s), as a Go duration ("90s").
	Timeout string `yaml:"timeout"`
	// StallTimeout ends an attempt whose response body sends nothing for
	// this long once the headers are in (default 30s; "off" disables it):
	// a timeout with code "stall", retried like any timeout.
	StallTimeout string `yaml:"stall_timeout"`
	// MaxAttempts bounds the attempts per call, retries included (default 4).
	MaxAttempts int `yaml:"max_attempts"`
	// Suites, when set, limits the target to these suites (by suite name):
	// a lead baseline only makes sense for summarisation.
	Suites []string `yaml:"suites"`
}

// Defaults for target settings left unset.
const (
	DefaultConcurrency = 4
	DefaultTimeout     = 120 * time.Second
	DefaultMaxAttempts = 4
)

// ConfigError is a problem in a config file, with the line it is on (0 when
// the problem is not tied to a line).
type ConfigError struct {
	File string
	Line int
	Msg  string
}

func (e *ConfigError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// LoadConfig reads and validates a config file. Nothing is contacted.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return ParseConfig(path, data)
}

// ParseConfig parses config text; path names it in errors and anchors
// relative suite paths.
func ParseConfig(path string, data []byte) (*Config, error) {
	var c Config
	c.Source = string(data)
	data = normalizeNewlines(data)
	if err := decodeYAML(path, data, &c, yaml.Strict()); err != nil {
		return nil, yamlError(path, err)
	}
	c.Path = path
	if c.Name == "" {
		base := filepath.Base(path)
		c.Name = strings.TrimSuffix(base, filepath.Ext(base))
	}
	if err := c.validate(lineFinder(data)); err != nil {
		var ce *ConfigError
		if errors.As(err, &ce) && ce.File == "" {
			ce.File = path
		}
		return nil, err
	}
	return &c, nil
}

func yamlError(path string, err error) error {
	var ce *ConfigError
	if errors.As(err, &ce) {
		return ce
	}
	var ye yaml.Error
	if errors.As(err, &ye) {
		line := 0
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			line = tk.Position.Line
		}
		return &ConfigError{File: path, Line: line, Msg: ye.GetMessage()}
	}
	return &ConfigError{File: path, Msg: err.Error()}
}

// lineFinder returns a function giving the first line on which `key: value`
// appears, so semantic errors can point at a line.
func lineFinder(data []byte) func(key, value string) int {
	lines := strings.Split(string(data), "\n")
	return func(key, value string) int {
		for i, l := range lines {
			t := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "- "))
			if !strings.HasPrefix(t, key+":") {
				continue
			}
			v := strings.TrimSpace(strings.TrimPrefix(t, key+":"))
			v = strings.Trim(v, `"'`)
			if value == "" || v == value || strings.HasPrefix(v, value+" ") {
				return i + 1
			}
		}
		return 0
	}
}

func (c *Config) validate(line func(key, value string) int) error {
	bad := func(l int, format string, args ...any) error {
		return &ConfigError{Line: l, Msg: fmt.Sprintf(format, args...)}
	}
	if len(c.Targets) == 0 {
		return bad(line("targets", ""), "no targets: add at least one under targets:")
	}
	if len(c.Suites) == 0 {
		return bad(line("suites", ""), "no suites: list built-in names (reasoning, summarisation, vision) or suite files under suites:")
	}
	if c.Repeats < 0 {
		return bad(line("repeats", ""), "repeats must be at least 1")
	}
	if c.Repeats == 0 {
		c.Repeats = 1
	}
	seen := map[string]bool{}
	for i := range c.Targets {
		t := &c.Targets[i]
		if err := t.validate(fmt.Sprintf("target %d", i+1), line); err != nil {
			return err
		}
		if seen[t.Name] {
			return bad(line("name", t.Name), "target name %q is used twice; names must be unique", t.Name)
		}
		seen[t.Name] = true
	}
	if c.Baseline == "" {
		c.Baseline = c.Targets[0].Name
	}
	if !seen[c.Baseline] {
		return bad(line("baseline", c.Baseline), "baseline %q is not one of the targets", c.Baseline)
	}
	return c.validateJudge(line, seen)
}

// validate checks one target and fills its defaults; what names it in
// messages when it has neither name nor model ("target 2", "judge").
func (t *TargetConfig) validate(what string, line func(key, value string) int) error {
	bad := func(l int, format string, args ...any) error {
		return &ConfigError{Line: l, Msg: fmt.Sprintf(format, args...)}
	}
	if t.Name == "" {
		t.Name = t.Model
	}
	where := line("name", t.Name)
	if t.Name == "" {
		return bad(line("provider", t.Provider), "%s has no name and no model", what)
	}
	if t.Provider == "" {
		return bad(where, "target %q has no provider (known: %s)", t.Name, strings.Join(providers.Names(), ", "))
	}
	if _, ok := providers.Lookup(t.Provider); !ok {
		return bad(line("provider", t.Provider), "target %q: unknown provider %q (known: %s)", t.Name, t.Provider, strings.Join(providers.Names(), ", "))
	}
	if t.Model == "" {
		return bad(where, "target %q has no model", t.Name)
	}
	if t.Concurrency < 0 || t.RPM < 0 || t.TPM < 0 || t.MaxAttempts < 0 {
		return bad(where, "target %q: concurrency, rpm, tpm and max_attempts cannot be negative", t.Name)
	}
	if t.Concurrency == 0 {
		t.Concurrency = DefaultConcurrency
	}
	if t.MaxAttempts == 0 {
		t.MaxAttempts = DefaultMaxAttempts
	}
	if t.Timeout != "" {
		d, err := time.ParseDuration(t.Timeout)
		if err != nil || d <= 0 {
			return bad(line("timeout", t.Timeout), "target %q: timeout %q is not a positive duration like 90s or 2m", t.Name, t.Timeout)
		}
	}
	if t.StallTimeout != "" && t.StallTimeout != "off" {
		d, err := time.ParseDuration(t.StallTimeout)
		if err != nil || d <= 0 {
			return bad(line("stall_timeout", t.StallTimeout), "target %q: stall_timeout %q is not a positive duration like 30s, or off", t.Name, t.StallTimeout)
		}
	}
	return nil
}

// TimeoutDuration is the per-attempt timeout.
func (t *TargetConfig) TimeoutDuration() time.Duration {
	if d, err := time.ParseDuration(t.Timeout); err == nil && d > 0 {
		return d
	}
	return DefaultTimeout
}

// StallTimeoutDuration is the stall limit as providers.Config takes it:
// 0 for the default, negative for "off".
func (t *TargetConfig) StallTimeoutDuration() time.Duration {
	if t.StallTimeout == "off" {
		return -1
	}
	if d, err := time.ParseDuration(t.StallTimeout); err == nil && d > 0 {
		return d
	}
	return 0
}

// Streaming reports whether answers are streamed.
func (t *TargetConfig) Streaming() bool { return t.Stream == nil || *t.Stream }

// Unused lists reserved keys that are set but not used by this version.
func (c *Config) Unused() []string {
	var out []string
	if c.Prices != nil {
		out = append(out, "prices")
	}
	if c.Quotas != nil {
		out = append(out, "quotas")
	}
	return out
}

// Dir is the folder suite paths are relative to.
func (c *Config) Dir() string {
	if c.Path == "" {
		return "."
	}
	return filepath.Dir(c.Path)
}

// Credentials resolves a target's credentials from the environment. The
// values live only in the returned Config. A variable that is named but
// empty is an error that says which variable to set.
func (t *TargetConfig) Credentials(getenv func(string) string) (providers.Config, error) {
	info, _ := providers.Lookup(t.Provider)
	pc := providers.Config{
		Name:     t.Name,
		Provider: t.Provider,
		API:      t.API,
		BaseURL:  t.BaseURL,
	}
	keyEnv := t.APIKeyEnv
	if keyEnv == "" {
		keyEnv = info.KeyEnv
	}
	pc.APIKeyEnv = keyEnv
	accessEnv, secretEnv := t.AccessKeyEnv, t.SecretKeyEnv
	if accessEnv != "" || secretEnv != "" {
		if accessEnv == "" || secretEnv == "" {
			return pc, fmt.Errorf("target %q: set both access_key_env and secret_key_env", t.Name)
		}
	} else if conv, ok := info.Pairs[t.API]; ok {
		// The API signs with a key pair: read its conventional variables,
		// falling back to the single key where the API also takes one.
		accessEnv, secretEnv = conv.Access, conv.Secret
		if conv.OrKey && t.APIKeyEnv == "" && (getenv(accessEnv) == "" || getenv(secretEnv) == "") && getenv(keyEnv) != "" {
			pc.APIKey = getenv(keyEnv)
			return pc, nil
		}
	}
	if accessEnv != "" {
		pc.APIKeyEnv = accessEnv + " and " + secretEnv
		pc.AccessKey, pc.SecretKey = getenv(accessEnv), getenv(secretEnv)
		if pc.AccessKey == "" || pc.SecretKey == "" {
			msg := fmt.Sprintf("target %q: set %s and %s in the environment", t.Name, accessEnv, secretEnv)
			if conv, ok := info.Pairs[t.API]; ok && conv.OrKey && t.AccessKeyEnv == "" {
				msg += " (or " + keyEnv + ")"
			}
			return pc, errors.New(msg)
		}
		return pc, nil
	}
	if keyEnv != "" {
		pc.APIKey = getenv(keyEnv)
		if pc.APIKey == "" && (t.APIKeyEnv != "" || info.KeyEnv != "" && !isLoopback(t.BaseURL)) {
			return pc, fmt.Errorf("target %q: %s is not set; export it (or name another variable with api_key_env:)", t.Name, keyEnv)
		}
	}
	return pc, nil
}

// isLoopback reports whether a base URL points at this machine, where local
// OpenAI-compatible servers usually need no key.
func isLoopback(u string) bool {
	for _, p := range []string{"http://127.", "http://localhost", "http://[::1]"} {
		if strings.HasPrefix(u, p) {
			return true
		}
	}
	return false
}
