package bench

import (
	"errors"
	"fmt"
	"strings"
)

// JudgeConfig is the config's judge: key, written one of two ways:
//
//	judge: gpt-4o                  # a target of targets: that also judges
//
//	judge:                         # a target used only to judge; it answers no suite
//	  name: claude-judge
//	  provider: anthropic
//	  model: claude-sonnet-4-5
//	  concurrency: 4
//
// The inline form takes every key a target takes. Judge calls use the
// judge target's concurrency, rpm, tpm, timeout and max_attempts (a
// target that also judges shares one limiter across answering and
// judging), and its params with temperature 0 unless they set one.
type JudgeConfig struct {
	// Target names one of the config's targets ("" when Inline is set).
	Target string
	// Inline is a target that only judges.
	Inline *TargetConfig
}

// UnmarshalYAML reads a target name or an inline target mapping; unknown
// keys in the mapping are errors, as in targets:.
func (j *JudgeConfig) UnmarshalYAML(unmarshal func(any) error) error {
	var name string
	if err := unmarshal(&name); err == nil {
		*j = JudgeConfig{Target: name}
		return nil
	}
	var tc TargetConfig
	if err := unmarshal(&tc); err != nil {
		return err
	}
	*j = JudgeConfig{Inline: &tc}
	return nil
}

// Name is the judge target's name.
func (j *JudgeConfig) Name() string {
	if j.Inline != nil {
		return j.Inline.Name
	}
	return j.Target
}

// validateJudge checks the judge: key once targets are valid; seen holds
// the target names.
func (c *Config) validateJudge(line func(key, value string) int, seen map[string]bool) error {
	j := c.Judge
	if j == nil {
		return nil
	}
	bad := func(l int, format string, args ...any) error {
		return &ConfigError{Line: l, Msg: fmt.Sprintf(format, args...)}
	}
	if j.Inline == nil {
		name := strings.TrimSpace(j.Target)
		if name == "" {
			return bad(line("judge", ""), "judge is empty: name a target (judge: gpt-4o) or write a target mapping that only judges")
		}
		if !seen[name] {
			return bad(line("judge", name), "judge %q is not one of the targets (known: %s); name a target, or write the judge as a target mapping {name:, provider:, model:}", name, strings.Join(c.targetNames(), ", "))
		}
		j.Target = name
		return nil
	}
	// Point at the judge's own lines: a key's first occurrence may be in
	// targets:, above the judge: key.
	at := line("judge", "")
	jline := func(key, value string) int {
		if l := line(key, value); l > at {
			return l
		}
		return at
	}
	if err := j.Inline.validate("judge", jline); err != nil {
		var ce *ConfigError
		if errors.As(err, &ce) {
			ce.Msg = "judge: " + ce.Msg
		}
		return err
	}
	if seen[j.Inline.Name] {
		return bad(jline("name", j.Inline.Name), "judge %q has the name of a target: to let that target judge, write judge: %s; else give the judge its own name", j.Inline.Name, j.Inline.Name)
	}
	if len(j.Inline.Suites) > 0 {
		return bad(jline("suites", ""), "judge %q: suites: does not apply to a judge, which answers no suite", j.Inline.Name)
	}
	return nil
}

func (c *Config) targetNames() []string {
	out := make([]string, len(c.Targets))
	for i, t := range c.Targets {
		out[i] = t.Name
	}
	return out
}
