package bench

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzParseConfig feeds arbitrary text to the config parser. It must never
// panic and must return exactly one of a config or an error. An error is a
// *ConfigError naming the file, with a message and a line that exists in
// the text (0 when the problem has no line), so a user is always told
// where to look. A config it returns is complete and valid: targets with
// unique names and usable settings, a baseline among them, suites,
// repeats; and parsing the same text again gives the same config.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("targets:\n  - name: a\n    provider: sim\n    model: gpt-4o-sim\nsuites: [reasoning]\n"))
	f.Add([]byte("baseline: b\ntargets:\n  - {name: a, provider: openai, model: m, base_url: \"http://127.0.0.1:1/v1\", timeout: 5s, stall_timeout: off}\n  - {name: b, provider: sim, model: x-sim, stall_timeout: 2s, max_attempts: 2, concurrency: 3, rpm: 60}\nsuites: [reasoning, ./s.yaml]\nrepeats: 2\nseed: 7\n"))
	f.Add([]byte("targets:\r\n  - name: a\r\n    provider: sim\r\n    model: m\r\n    stall_timeout: never\r\nsuites: [reasoning]\r\n"))
	f.Add([]byte("targets:\n\t- name: a\n\t  provider: sim\nsuites: [x]\n"))
	f.Add([]byte("a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n"))
	f.Add([]byte("targets:\n  - name: \"a\x00b\"\n    provider: sim\n    model: m\nsuites: [\"r\x00\"]\n"))
	const path = "dir/c.yaml"
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(path, data)
		if (c == nil) == (err == nil) {
			t.Fatalf("ParseConfig returned config %v and error %v", c != nil, err)
		}
		if err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v (%T) is not a *ConfigError", err, err)
			}
			// YAML breaks lines at LF, CRLF and a lone CR.
			flat := bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
			lines := bytes.Count(flat, []byte("\n")) + bytes.Count(flat, []byte("\r")) + 1
			if ce.File != path || ce.Msg == "" || ce.Line < 0 || ce.Line > lines {
				t.Fatalf("error without a place or message: %+v (text has %d lines)", ce, lines)
			}
			return
		}
		if len(c.Targets) == 0 || len(c.Suites) == 0 || c.Repeats < 1 || c.Name == "" || c.Source != string(data) || c.Path != path {
			t.Fatalf("incomplete config: %d targets, %d suites, repeats %d, name %q", len(c.Targets), len(c.Suites), c.Repeats, c.Name)
		}
		names := map[string]bool{}
		for _, tc := range c.Targets {
			if tc.Name == "" || names[tc.Name] || tc.Provider == "" || tc.Model == "" {
				t.Fatalf("target %+v: empty or repeated name, or no provider or model", tc)
			}
			names[tc.Name] = true
			if tc.Concurrency < 1 || tc.MaxAttempts < 1 || tc.RPM < 0 || tc.TimeoutDuration() <= 0 {
				t.Fatalf("target %q has unusable settings: %+v", tc.Name, tc)
			}
			if s := tc.StallTimeoutDuration(); s == 0 && tc.StallTimeout != "" || s < 0 && tc.StallTimeout != "off" {
				t.Fatalf("target %q: stall_timeout %q read as %v", tc.Name, tc.StallTimeout, s)
			}
		}
		if !names[c.Baseline] {
			t.Fatalf("baseline %q is not a target", c.Baseline)
		}
		again, err := ParseConfig(path, data)
		if err != nil {
			t.Fatalf("second parse: %v", err)
		}
		type core struct {
			Name, Baseline string
			Targets        []TargetConfig
			Suites         []string
			Repeats        int
			Seed           int64
		}
		want := core{c.Name, c.Baseline, c.Targets, c.Suites, c.Repeats, c.Seed}
		got := core{again.Name, again.Baseline, again.Targets, again.Suites, again.Repeats, again.Seed}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("second parse differs (-first +second):\n%s", diff)
		}
	})
}

// TestParseConfigDecoderPanic: input that crashes the YAML decoder (found
// by FuzzParseConfig) is a config error on the offending line.
func TestParseConfigDecoderPanic(t *testing.T) {
	for _, src := range []string{
		"suites: [reasoning]\ntargets: !x\n",
		"name: n\nsuites: !tag \n",
	} {
		_, err := ParseConfig("c.yaml", []byte(src))
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Line != 2 || ce.File != "c.yaml" {
			t.Errorf("%q: error %v, want a *ConfigError on c.yaml:2", src, err)
		}
	}
}
