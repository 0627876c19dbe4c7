package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/llmbench/llmbench/bench"
	"github.com/llmbench/llmbench/providers"
)

func providersCommand() *cli.Command {
	return &cli.Command{
		Name:  "providers",
		Usage: "list the providers a target can use, and check a config's targets",
		Subcommands: []*cli.Command{
			{
				Name:      "list",
				Usage:     "list providers with their default endpoint and key variable",
				UsageText: "llmbench providers list",
				Action: func(c *cli.Context) error {
					if err := requireNoArgs(c); err != nil {
						return err
					}
					w := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
					fmt.Fprintln(w, "PROVIDER\tKEY VARIABLE\tDEFAULT BASE URL\tDESCRIPTION")
					for _, p := range providers.List() {
						key := p.KeyEnv
						if key == "" {
							key = "(none)"
						}
						desc := p.Description
						if p.Simulated {
							desc = "SIMULATED: " + desc
						}
						fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", p.Name, key, p.DefaultBaseURL, desc)
					}
					return w.Flush()
				},
			},
			checkCommand(),
		},
	}
}

// defaultCheckTimeout bounds each target's one call in `providers check`.
const defaultCheckTimeout = 30 * time.Second

// checkMaxTokens caps the answer of a check call: enough for "OK", cheap.
const checkMaxTokens = 8

func checkCommand() *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "make one tiny call per target to check its key, endpoint and model before a run",
		UsageText: "llmbench providers check --config FILE [--target NAME ...] [--timeout 30s]",
		Description: `For every target in the config (or those named with --target), at once:
  - says whether its key variable is set (the variable's name, never its value),
  - makes one minimal call ("Reply with the word OK.", max_tokens 8, the target's
    other params and stream setting) bounded by --timeout, without retries,
  - prints a table: the result ("ok" or the error class), the model the server
    reports (often a dated snapshot of the name asked for), the latency,
  - and below it, per target: the error message, any parameter the provider
    adjusted, and the rate-limit headers the server sent (x-ratelimit-*,
    anthropic-ratelimit-*).
The config's suites are not loaded. Each check costs one real call per target.

Exit status: 0 when every checked target answered; 1 when any did not (no key,
an error of any class, rate limits included) or the config is bad; 2 on a
usage error.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "config", Aliases: []string{"c"}, Usage: "run config `FILE` (YAML; required)"},
			&cli.StringSliceFlag{Name: "target", Aliases: []string{"t"}, Usage: "check only target `NAME` (repeatable; default: every target)"},
			&cli.DurationFlag{Name: "timeout", Value: defaultCheckTimeout, Usage: "bound on each target's call"},
		},
		Action: func(c *cli.Context) error {
			if err := requireNoArgs(c); err != nil {
				return err
			}
			if c.String("config") == "" {
				return usageErrorf("providers check needs --config FILE (see: llmbench providers check --help)")
			}
			if c.Duration("timeout") <= 0 {
				return usageErrorf("--timeout must be a positive duration like 30s")
			}
			cfg, err := bench.LoadConfig(c.String("config"))
			if err != nil {
				return err
			}
			targets, err := selectTargets(cfg, c.StringSlice("target"))
			if err != nil {
				return err
			}
			results := checkTargets(c.Context, targets, checkOptions{Timeout: c.Duration("timeout"), Getenv: os.Getenv})
			if err := writeChecks(c.App.Writer, results); err != nil {
				return err
			}
			return checkOutcome(results)
		},
	}
}

// selectTargets picks the named targets in config order (all when names is
// empty); an unknown name is a usage error.
func selectTargets(cfg *bench.Config, names []string) ([]bench.TargetConfig, error) {
	if len(names) == 0 {
		return cfg.Targets, nil
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var out []bench.TargetConfig
	for _, t := range cfg.Targets {
		if want[t.Name] {
			out = append(out, t)
			delete(want, t.Name)
		}
	}
	if len(want) > 0 {
		var unknown, known []string
		for n := range want {
			unknown = append(unknown, n)
		}
		for _, t := range cfg.Targets {
			known = append(known, t.Name)
		}
		sort.Strings(unknown)
		return nil, usageErrorf("no target named %s in %s (targets: %s)", strings.Join(unknown, ", "), cfg.Path, strings.Join(known, ", "))
	}
	return out, nil
}

type checkOptions struct {
	// Timeout bounds each call.
	Timeout time.Duration
	// Getenv resolves key variables.
	Getenv func(string) string
	// HTTPClient is given to every provider (nil: each adapter's default).
	HTTPClient *http.Client
}

// checkResult is what `providers check` learned about one target. No
// field holds a secret.
type checkResult struct {
	Target, Provider, Model string
	// Key describes the credential: "OPENAI_API_KEY set", "none needed", ...
	Key string
	// Called is false when the call was not made (no key, bad target).
	Called bool
	// OK is true when the call succeeded.
	OK bool
	// Err is why the target failed (nil when OK); a *providers.Error when
	// the call was made.
	Err error
	// ReportedModel, Latency, TTFT and RateLimit come from a successful
	// call.
	ReportedModel string
	Latency, TTFT time.Duration
	RateLimit     map[string]string
	// Adjusted lists the provider's parameter adjustments.
	Adjusted []string
}

// checkConcurrency bounds how many targets are called at once.
const checkConcurrency = 4

// checkTargets checks every target concurrently and returns the results in
// the targets' order.
func checkTargets(ctx context.Context, targets []bench.TargetConfig, opts checkOptions) []checkResult {
	out := make([]checkResult, len(targets))
	sem := make(chan struct{}, checkConcurrency)
	var wg sync.WaitGroup
	for i := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i] = checkTarget(ctx, &targets[i], opts)
		}()
	}
	wg.Wait()
	return out
}

// keyStatus names the credential variables and whether they are set.
func keyStatus(t *bench.TargetConfig, getenv func(string) string) string {
	set := func(names ...string) string {
		for _, n := range names {
			if getenv(n) == "" {
				return strings.Join(names, "+") + " not set"
			}
		}
		return strings.Join(names, "+") + " set"
	}
	if t.AccessKeyEnv != "" || t.SecretKeyEnv != "" {
		return set(t.AccessKeyEnv, t.SecretKeyEnv)
	}
	keyEnv := t.APIKeyEnv
	if keyEnv == "" {
		info, _ := providers.Lookup(t.Provider)
		keyEnv = info.KeyEnv
	}
	if keyEnv == "" {
		return "none needed"
	}
	return set(keyEnv)
}

// checkTarget makes the one call for t. It never retries: the point is to
// see what the provider says.
func checkTarget(ctx context.Context, t *bench.TargetConfig, opts checkOptions) checkResult {
	r := checkResult{Target: t.Name, Provider: t.Provider, Model: t.Model, Key: keyStatus(t, opts.Getenv)}
	pc, err := t.Credentials(opts.Getenv)
	if err != nil {
		r.Err = err
		return r
	}
	pc.HTTPClient = opts.HTTPClient
	secrets := []string{pc.APIKey, pc.AccessKey, pc.SecretKey}
	prov, err := providers.New(pc)
	if err != nil {
		r.Err = fmt.Errorf("target %q: %w", t.Name, err)
		return r
	}
	params := t.Params
	if params.MaxTokens == nil || *params.MaxTokens > checkMaxTokens {
		n := checkMaxTokens
		params.MaxTokens = &n
	}
	if adj, ok := prov.(providers.ParamAdjuster); ok {
		params, r.Adjusted = adj.AdjustParams(params)
	}
	req := &providers.Request{
		Model:    t.Model,
		Messages: []providers.Message{{Role: providers.RoleUser, Text: "Reply with the word OK."}},
		Params:   params,
		Stream:   t.Streaming(),
	}
	cctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	r.Called = true
	resp, err := prov.Complete(cctx, req)
	if err != nil {
		pe := providers.Classify(err)
		pe.Message = providers.Redact(pe.Message, secrets...)
		r.Err = pe
		return r
	}
	r.OK = true
	r.ReportedModel = resp.Model
	r.Latency, r.TTFT = resp.Latency, resp.TTFT
	for k, v := range resp.RateLimit {
		if r.RateLimit == nil {
			r.RateLimit = map[string]string{}
		}
		r.RateLimit[k] = providers.Redact(v, secrets...)
	}
	return r
}

// writeChecks prints the table, then the details of each target.
func writeChecks(w io.Writer, results []checkResult) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TARGET\tPROVIDER\tMODEL\tKEY\tRESULT\tREPORTED MODEL\tLATENCY\tTTFT")
	for _, r := range results {
		result, reported, latency, ttft := "not called", "-", "-", "-"
		var pe *providers.Error
		switch {
		case r.OK:
			result = "ok"
			if r.ReportedModel != "" {
				reported = r.ReportedModel
			}
			latency = r.Latency.Round(time.Millisecond).String()
			if r.TTFT > 0 {
				ttft = r.TTFT.Round(time.Millisecond).String()
			}
		case errors.As(r.Err, &pe) && r.Called:
			result = string(pe.Class)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Target, r.Provider, r.Model, r.Key, result, reported, latency, ttft)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range results {
		var lines []string
		if r.Err != nil {
			msg := oneLine(r.Err)
			var pe *providers.Error
			if errors.As(r.Err, &pe) && pe.RetryAfter > 0 {
				msg += fmt.Sprintf(" (retry after %s)", pe.RetryAfter)
			}
			if !r.Called {
				msg = "not called: " + msg
			}
			lines = append(lines, msg)
		}
		for _, a := range r.Adjusted {
			lines = append(lines, "adjusted: "+a)
		}
		if len(r.RateLimit) > 0 {
			keys := make([]string, 0, len(r.RateLimit))
			for k := range r.RateLimit {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for i, k := range keys {
				keys[i] = k + "=" + r.RateLimit[k]
			}
			lines = append(lines, "rate limits: "+strings.Join(keys, ", "))
		} else if r.OK {
			lines = append(lines, "rate limits: none reported")
		}
		if len(lines) > 0 {
			fmt.Fprintf(w, "\n%s:\n", r.Target)
			for _, l := range lines {
				fmt.Fprintf(w, "  %s\n", l)
			}
		}
	}
	return nil
}

// checkOutcome is nil when every target answered, else an error (exit 1)
// naming those that did not.
func checkOutcome(results []checkResult) error {
	var failed []string
	for _, r := range results {
		if !r.OK {
			failed = append(failed, r.Target)
		}
	}
	if len(failed) == 0 {
		return nil
	}
	return withCode(ExitFailed, fmt.Errorf("%d of %d targets failed the check: %s", len(failed), len(results), strings.Join(failed, ", ")))
}
