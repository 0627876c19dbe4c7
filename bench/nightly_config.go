package bench

import (
	"fmt"
	"math"
	"path/filepath"
	"time"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// NightlyConfig is the config's nightly: section: what `llmbench
// nightly` uses for this config when its flags are not given. Zero
// fields keep the command's defaults (see report.DefaultThresholds).
type NightlyConfig struct {
	// Level is the family-wise confidence level of the score and rate
	// tests, in (0, 1).
	Level float64 `yaml:"level"`
	// MinPassDrop and MinScoreDrop are the least drops that are a
	// regression (a fraction; a score's drop as a fraction of its
	// scorer's range); MinRateRise the least rise of an error or refusal
	// rate. Each above 0.
	MinPassDrop  float64 `yaml:"min_pass_drop"`
	MinScoreDrop float64 `yaml:"min_score_drop"`
	MinRateRise  float64 `yaml:"min_rate_rise"`
	// P50Ratio and P95Ratio are latency growth factors, above 1.
	P50Ratio float64 `yaml:"p50_ratio"`
	P95Ratio float64 `yaml:"p95_ratio"`
	// MinLatencyRise is a duration ("50ms"); MinLatencyN at least 1.
	MinLatencyRise string `yaml:"min_latency_rise"`
	MinLatencyN    int    `yaml:"min_latency_n"`
	// Out is the directory for the night's outputs, relative to the
	// config file; Notify a URL to POST summary.json to.
	Out    string `yaml:"out"`
	Notify string `yaml:"notify"`

	// LatencyRise is MinLatencyRise parsed (0 when unset).
	LatencyRise time.Duration `yaml:"-"`
}

// NightlyOut is the nightly: out directory resolved against the config's directory ("" when unset).
func (c *Config) NightlyOut() string {
	if c.Nightly == nil || c.Nightly.Out == "" {
		return ""
	}
	if filepath.IsAbs(c.Nightly.Out) {
		return c.Nightly.Out
	}
	return filepath.Join(c.Dir(), c.Nightly.Out)
}

// validateNightly checks the nightly: section with the line of each
// problem, read from the syntax tree.
func (c *Config) validateNightly(path string, data []byte) error {
	n := c.Nightly
	if n == nil {
		return nil
	}
	var node ast.Node
	if f, err := parser.ParseBytes(data, 0); err == nil {
		for _, doc := range f.Docs {
			for _, kv := range mappingValues(doc.Body) {
				if kv.Key.String() == "nightly" {
					node = kv.Value
				}
			}
		}
	}
	bad := func(field, format string, args ...any) error {
		return &ConfigError{File: path, Line: fieldLine(node, field), Msg: "nightly: " + fmt.Sprintf(format, args...)}
	}
	if n.Level != 0 && !(n.Level > 0 && n.Level < 1) {
		return bad("level", "level %v is not between 0 and 1 (exclusive); 0.95 is usual", n.Level)
	}
	for _, f := range []struct {
		key string
		v   float64
		min float64
	}{{"min_pass_drop", n.MinPassDrop, 0}, {"min_score_drop", n.MinScoreDrop, 0}, {"min_rate_rise", n.MinRateRise, 0}, {"p50_ratio", n.P50Ratio, 1}, {"p95_ratio", n.P95Ratio, 1}} {
		if f.v != 0 && (!(f.v > f.min) || math.IsInf(f.v, 0)) {
			return bad(f.key, "%s %v must be above %v", f.key, f.v, f.min)
		}
	}
	if n.MinLatencyN < 0 {
		return bad("min_latency_n", "min_latency_n %d must be at least 1", n.MinLatencyN)
	}
	if n.MinLatencyRise != "" {
		d, err := time.ParseDuration(n.MinLatencyRise)
		if err != nil || d < 0 {
			return bad("min_latency_rise", "min_latency_rise %q is not a duration such as 50ms or 0.2s", n.MinLatencyRise)
		}
		n.LatencyRise = d
	}
	return nil
}
