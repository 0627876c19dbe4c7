package bench

import (
	_ "embed"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

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

	// Pricing is the cost part of the config: prices:, exchange: and
	// quotas: (see Pricing). The report prices each target's tokens with
	// it, over the built-in table (DefaultPrices).
	Pricing `yaml:",inline"`

	// Nightly holds `llmbench nightly`'s thresholds, output directory and
	// notification URL for this config (flags given on the command line
	// win). nil: the command's defaults.
	Nightly *NightlyConfig `yaml:"nightly"`

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
	// The cost keys are read again from the syntax tree, so that every
	// price, rate and quota is checked with the line it is written on.
	pricing, err := parsePricing(path, data)
	if err != nil {
		return nil, err
	}
	c.Pricing = pricing
	if err := c.validateNightly(path, data); err != nil {
		return nil, err
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
	if err := c.validateJudge(line, seen); err != nil {
		return err
	}
	return c.validateQuotas(seen)
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
// This version uses every key it accepts, so the list is empty; callers
// keep printing it for configs of versions that reserve keys again.
func (c *Config) Unused() []string { return nil }

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

// Pricing is the cost part of a config, written as:
//
//	prices:            # per million tokens, in the provider's own currency
//	  - {model: gpt-4o, input: 2.50, output: 10.00, currency: USD, date: 2026-05-27, source: "openai.com/api/pricing"}
//	exchange: {USD_CNY: 7.12, date: 2026-11-01, source: "..."}
//	quotas:            # free tokens per target
//	  - {target: ernie, tokens: 1000000, note: "launch promotion"}
//
// Every key is optional. A price given here replaces the built-in table's
// prices of the same model (DefaultPrices); the report shows each cost in
// the price's currency, and in both USD and CNY when exchange: is set.
type Pricing struct {
	Prices   []Price   `yaml:"prices"`
	Exchange *Exchange `yaml:"exchange"`
	Quotas   []Quota   `yaml:"quotas"`
}

// Price is what one model costs per million tokens, in the provider's own
// currency, as read on Date from Source.
type Price struct {
	// Model is the model id the price applies to, as targets write it in
	// model: (compared without regard to case).
	Model string `yaml:"model"`
	// Provider, when set, limits the price to targets of that provider.
	Provider string `yaml:"provider"`
	// Input and Output are the prices of a million input (prompt) and
	// output (completion) tokens. Zero is a real price: a free model.
	Input  float64 `yaml:"input"`
	Output float64 `yaml:"output"`
	// Currency is USD or CNY (written in any case; stored upper case).
	Currency string `yaml:"currency"`
	// Date is when the price was read: YYYY-MM-DD, or YYYY-MM or YYYY
	// when only that much is known.
	Date string `yaml:"date"`
	// Source says where the price was read (a URL or a note); optional.
	Source string `yaml:"source"`
}

// Currencies a price may be written in.
const (
	USD = "USD"
	CNY = "CNY"
)

// Exchange converts between the two currencies, so every cost can be shown
// in both.
type Exchange struct {
	// USDCNY is how many yuan one US dollar buys.
	USDCNY float64 `yaml:"USD_CNY"`
	// Date and Source say when and where the rate was read (Date as in
	// Price; required).
	Date   string `yaml:"date"`
	Source string `yaml:"source"`
}

// Convert returns amount (in currency cur) in USD and in CNY.
func (e *Exchange) Convert(amount float64, cur string) (usd, cny float64) {
	if cur == CNY {
		return amount / e.USDCNY, amount
	}
	return amount, amount * e.USDCNY
}

// Quota is a number of free tokens granted for one target (a promotion, a
// trial). The report shows how many of them a run used: input and output
// tokens together.
type Quota struct {
	Target string `yaml:"target"`
	Tokens int64  `yaml:"tokens"`
	Note   string `yaml:"note"`

	line int // where the entry is written, for errors found later
}

// DefaultPrices is the built-in price table (prices_default.yaml): dated
// list prices of the models the project was seeded with, each with its
// source. A config's prices: replace the entries of the models they name.
func DefaultPrices() []Price {
	return slices.Clone(defaultPrices())
}

//go:embed prices_default.yaml
var defaultPricesYAML []byte

// defaultPrices parses the embedded table once. It is part of the binary,
// so a parse error is a programming error (TestDefaultPrices catches it).
var defaultPrices = sync.OnceValue(func() []Price {
	p, err := parsePricing("prices_default.yaml", defaultPricesYAML)
	if err != nil {
		panic("bench: built-in price table: " + err.Error())
	}
	return p.Prices
})

// ParsePricing reads the prices:, exchange: and quotas: keys of a YAML
// document (a config file, or a file holding only those keys) and checks
// them; any other key is ignored. path names the document in errors, with
// the line of each problem. Quota targets are not checked against targets
// here (ParseConfig does that for a whole config).
func ParsePricing(path string, data []byte) (Pricing, error) {
	return parsePricing(path, data)
}

func parsePricing(path string, data []byte) (p Pricing, err error) {
	// goccy/go-yaml can panic on odd input (see decodeYAML); a config
	// file must give an error, never a crash.
	defer func() {
		if r := recover(); r != nil {
			p, err = Pricing{}, &ConfigError{File: path, Msg: fmt.Sprintf("the YAML decoder cannot read the prices, exchange or quotas (%v)", r)}
		}
	}()
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return p, yamlError(path, err)
	}
	bad := func(line int, format string, args ...any) error {
		return &ConfigError{File: path, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	var priceLines []int
	for _, doc := range f.Docs {
		for _, kv := range mappingValues(doc.Body) {
			key := kv.Key.String()
			switch key {
			case "prices", "quotas":
				if _, null := kv.Value.(*ast.NullNode); null {
					continue
				}
				seq, ok := kv.Value.(*ast.SequenceNode)
				if !ok {
					return p, bad(nodeLine(kv.Value), "%s: must be a list of entries (- {...})", key)
				}
				for _, el := range seq.Values {
					if key == "prices" {
						var pr Price
						if err := yaml.NodeToValue(el, &pr, yaml.Strict()); err != nil {
							return p, yamlError(path, err)
						}
						if err := pr.check(func(field string) int { return fieldLine(el, field) }); err != nil {
							return p, bad(err.line, "%s", err.msg)
						}
						p.Prices = append(p.Prices, pr)
						priceLines = append(priceLines, nodeLine(el))
						continue
					}
					var q Quota
					if err := yaml.NodeToValue(el, &q, yaml.Strict()); err != nil {
						return p, yamlError(path, err)
					}
					q.line = nodeLine(el)
					if err := q.check(func(field string) int { return fieldLine(el, field) }); err != nil {
						return p, bad(err.line, "%s", err.msg)
					}
					p.Quotas = append(p.Quotas, q)
				}
			case "exchange":
				if _, null := kv.Value.(*ast.NullNode); null {
					continue
				}
				var e Exchange
				if err := yaml.NodeToValue(kv.Value, &e, yaml.Strict()); err != nil {
					return p, yamlError(path, err)
				}
				if err := e.check(func(field string) int { return fieldLine(kv.Value, field) }); err != nil {
					return p, bad(err.line, "%s", err.msg)
				}
				p.Exchange = &e
			}
		}
	}
	// One price per (model, provider) and one quota per target: a second
	// one would silently win or lose.
	type pk struct{ model, provider string }
	prices := map[pk]bool{}
	for i, pr := range p.Prices {
		k := pk{strings.ToLower(pr.Model), strings.ToLower(pr.Provider)}
		if prices[k] {
			what := pr.Model
			if pr.Provider != "" {
				what += " (provider " + pr.Provider + ")"
			}
			return p, bad(priceLines[i], "prices: %s is priced twice; keep one entry", what)
		}
		prices[k] = true
	}
	quotas := map[string]bool{}
	for _, q := range p.Quotas {
		if quotas[q.Target] {
			return p, bad(q.line, "quotas: target %q has two quotas; keep one", q.Target)
		}
		quotas[q.Target] = true
	}
	return p, nil
}

// lineMsg is a problem with the line it is on.
type lineMsg struct {
	line int
	msg  string
}

func (pr *Price) check(line func(field string) int) *lineMsg {
	bad := func(field, format string, args ...any) *lineMsg {
		return &lineMsg{line(field), fmt.Sprintf(format, args...)}
	}
	pr.Model = strings.TrimSpace(pr.Model)
	pr.Provider = strings.TrimSpace(pr.Provider)
	if pr.Model == "" {
		return bad("", "prices: an entry has no model: write the model id as targets give it in model:")
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"input", pr.Input}, {"output", pr.Output}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v < 0 {
			return bad(f.name, "prices: %s: %s price %v is not a price (a number ≥ 0, per million tokens)", pr.Model, f.name, f.v)
		}
	}
	cur := strings.ToUpper(strings.TrimSpace(pr.Currency))
	if cur != USD && cur != CNY {
		if pr.Currency == "" {
			return bad("", "prices: %s has no currency: add currency: USD or currency: CNY", pr.Model)
		}
		return bad("currency", "prices: %s: currency %q is not USD or CNY", pr.Model, pr.Currency)
	}
	pr.Currency = cur
	if pr.Date == "" {
		return bad("", "prices: %s has no date: add date: YYYY-MM-DD (when the price was read)", pr.Model)
	}
	if !validDate(pr.Date) {
		return bad("date", "prices: %s: date %q is not YYYY-MM-DD (or YYYY-MM, YYYY)", pr.Model, pr.Date)
	}
	return nil
}

func (q *Quota) check(line func(field string) int) *lineMsg {
	q.Target = strings.TrimSpace(q.Target)
	if q.Target == "" {
		return &lineMsg{line(""), "quotas: an entry has no target: name the target the free tokens are for"}
	}
	if q.Tokens <= 0 {
		return &lineMsg{line("tokens"), fmt.Sprintf("quotas: %s: tokens must be a positive number of free tokens", q.Target)}
	}
	return nil
}

func (e *Exchange) check(line func(field string) int) *lineMsg {
	if !(e.USDCNY > 0) || math.IsInf(e.USDCNY, 0) {
		return &lineMsg{line("USD_CNY"), "exchange: USD_CNY must be the positive number of yuan one US dollar buys"}
	}
	if e.Date == "" {
		return &lineMsg{line(""), "exchange: the rate has no date: add date: YYYY-MM-DD (when the rate was read)"}
	}
	if !validDate(e.Date) {
		return &lineMsg{line("date"), fmt.Sprintf("exchange: date %q is not YYYY-MM-DD (or YYYY-MM, YYYY)", e.Date)}
	}
	return nil
}

// validDate accepts a day, a month or a year: a price's date is often
// known only to the month.
func validDate(s string) bool {
	for _, layout := range []string{"2006-01-02", "2006-01", "2006"} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

// validateQuotas checks that each quota names a target (or the judge).
func (c *Config) validateQuotas(seen map[string]bool) error {
	for _, q := range c.Quotas {
		if seen[q.Target] || (c.Judge != nil && c.Judge.Name() == q.Target) {
			continue
		}
		return &ConfigError{Line: q.line, Msg: fmt.Sprintf("quotas: %q is not one of the targets (known: %s)", q.Target, strings.Join(c.targetNames(), ", "))}
	}
	return nil
}

// nodeLine is the line a YAML node starts on (0 when unknown).
func nodeLine(n ast.Node) int {
	if n == nil {
		return 0
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return 0
}

// fieldLine is the line of key field in mapping n, or n's own line when
// field is "" or absent.
func fieldLine(n ast.Node, field string) int {
	if field != "" {
		for _, kv := range mappingValues(n) {
			if kv.Key.String() == field {
				return nodeLine(kv.Key)
			}
		}
	}
	return nodeLine(n)
}

// mappingValues lists the key-value pairs of a mapping node; the parser
// gives a mapping of one key as the pair itself.
func mappingValues(n ast.Node) []*ast.MappingValueNode {
	switch m := n.(type) {
	case *ast.MappingNode:
		return m.Values
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{m}
	}
	return nil
}
