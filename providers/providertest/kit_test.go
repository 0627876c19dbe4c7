package providertest_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/openai"
	"github.com/llmbench/llmbench/providers/providertest"
)

// broken wraps a conforming adapter and spoils one aspect of it.
type broken struct {
	p     providers.Provider
	req   func(*providers.Request)
	resp  func(*providers.Response)
	error func(*providers.Error) error
}

func (b broken) Complete(ctx context.Context, req *providers.Request) (*providers.Response, error) {
	if b.req != nil {
		r := *req
		r.Messages = slices.Clone(req.Messages)
		b.req(&r)
		req = &r
	}
	resp, err := b.p.Complete(ctx, req)
	var pe *providers.Error
	if err != nil && b.error != nil && errors.As(err, &pe) {
		return resp, b.error(pe)
	}
	if resp != nil && b.resp != nil {
		b.resp(resp)
	}
	return resp, err
}

func kit(wrap func(providers.Provider, providers.Config) providers.Provider) *providertest.Kit {
	return &providertest.Kit{
		New: func(cfg providers.Config) (providers.Provider, error) {
			p, err := openai.New(cfg)
			if err != nil || wrap == nil {
				return p, err
			}
			return wrap(p, cfg), nil
		},
		Fake: providertest.OpenAIFake,
	}
}

// TestKitPassesConformingAdapter runs every check against the openai
// adapter, which conforms.
func TestKitPassesConformingAdapter(t *testing.T) {
	kit(nil).Run(t)
}

// TestKitCatchesBrokenAdapters proves each check fails for an adapter that
// gets its subject wrong: a check that cannot fail would prove nothing.
func TestKitCatchesBrokenAdapters(t *testing.T) {
	tests := []struct {
		name   string
		wrap   func(providers.Provider, providers.Config) providers.Provider
		checks []string
	}{
		{
			name: "every error is server",
			wrap: func(p providers.Provider, _ providers.Config) providers.Provider {
				return broken{p: p, error: func(e *providers.Error) error { e.Class = providers.Server; return e }}
			},
			checks: []string{"rate_limited", "quota", "auth", "bad_request", "content_filter", "content_filter_stream", "cut_stream", "garbage", "garbage_stream", "oversize", "oversize_stream", "stall", "stall_stream", "canceled", "deadline"},
		},
		{
			name: "5xx taken for bad requests",
			wrap: func(p providers.Provider, _ providers.Config) providers.Provider {
				return broken{p: p, error: func(e *providers.Error) error {
					if e.Class == providers.Server {
						e.Class = providers.BadRequest
					}
					return e
				}}
			},
			checks: []string{"server"},
		},
		{
			name: "delay hint dropped",
			wrap: func(p providers.Provider, _ providers.Config) providers.Provider {
				return broken{p: p, error: func(e *providers.Error) error { e.RetryAfter = 0; return e }}
			},
			checks: []string{"rate_limited"},
		},
		{
			name: "key in the message",
			wrap: func(p providers.Provider, cfg providers.Config) providers.Provider {
				return broken{p: p, error: func(e *providers.Error) error { e.Message += " (key " + cfg.APIKey + ")"; return e }}
			},
			checks: []string{"auth", "quota", "server"},
		},
		{
			name: "auth message without the variable",
			wrap: func(p providers.Provider, cfg providers.Config) providers.Provider {
				return broken{p: p, error: func(e *providers.Error) error {
					e.Message = strings.ReplaceAll(e.Message, cfg.APIKeyEnv, "your key")
					return e
				}}
			},
			checks: []string{"auth"},
		},
		{
			name: "not a providers.Error",
			wrap: func(p providers.Provider, _ providers.Config) providers.Provider {
				return broken{p: p, error: func(e *providers.Error) error { return errors.New(e.Message) }}
			},
			checks: []string{"rate_limited", "canceled"},
		},
		{
			name: "partial text lost",
			wrap: func(p providers.Provider, _ providers.Config) providers.Provider {
				return broken{p: p, error: func(e *providers.Error) error { e.Partial = ""; return e }}
			},
			checks: []string{"cut_stream", "stall_stream"},
		},
		{
			name: "stall taken for a plain timeout",
			wrap: func(p providers.Provider, _ providers.Config) providers.Provider {
				return broken{p: p, error: func(e *providers.Error) error { e.Code = ""; return e }}
			},
			checks: []string{"stall", "stall_stream"},
		},
		{
			name: "stall status lost",
			wrap: func(p providers.Provider, _ providers.Config) providers.Provider {
				return broken{p: p, error: func(e *providers.Error) error { e.Status = 0; return e }}
			},
			checks: []string{"stall", "stall_stream"},
		},
		{
			name: "stall limit ignored",
			wrap: func(p providers.Provider, cfg providers.Config) providers.Provider {
				cfg.StallTimeout = -1 // the call's own deadline ends it instead
				q, err := openai.New(cfg)
				if err != nil {
					panic(err)
				}
				return q
			},
			checks: []string{"stall"},
		},
		{
			name: "no time to first token",
			wrap: func(p providers.Provider, _ providers.Config) providers.Provider {
				return broken{p: p, resp: func(r *providers.Response) { r.TTFT = 0 }}
			},
			checks: []string{"stream"},
		},
		{
			name: "TTFT after the end",
			wrap: func(p providers.Provider, _ providers.Config) providers.Provider {
				return broken{p: p, resp: func(r *providers.Response) { r.TTFT = r.Latency + time.Second }}
			},
			checks: []string{"stream", "answer"},
		},
		{
			name: "usage lost",
			wrap: func(p providers.Provider, _ providers.Config) providers.Provider {
				return broken{p: p, resp: func(r *providers.Response) { r.Usage = providers.Usage{} }}
			},
			checks: []string{"answer", "stream"},
		},
		{
			name: "text altered",
			wrap: func(p providers.Provider, _ providers.Config) providers.Provider {
				return broken{p: p, resp: func(r *providers.Response) { r.Text = strings.TrimSpace(r.Text[:10]) }}
			},
			checks: []string{"answer", "stream", "concurrent"},
		},
		{
			name: "images dropped",
			wrap: func(p providers.Provider, _ providers.Config) providers.Provider {
				return broken{p: p, req: func(r *providers.Request) {
					for i := range r.Messages {
						r.Messages[i].Images = nil
					}
				}}
			},
			checks: []string{"image"},
		},
		{
			name: "system prompt dropped",
			wrap: func(p providers.Provider, _ providers.Config) providers.Provider {
				return broken{p: p, req: func(r *providers.Request) { r.Messages = r.Messages[1:] }}
			},
			checks: []string{"answer"},
		},
		{
			name: "stream ignored",
			wrap: func(p providers.Provider, _ providers.Config) providers.Provider {
				return broken{p: p, req: func(r *providers.Request) { r.Stream = false }}
			},
			checks: []string{"stream"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := kit(tt.wrap)
			for _, name := range tt.checks {
				if problems := k.Check(t, name); len(problems) == 0 {
					t.Errorf("check %s passed an adapter with %q", name, tt.name)
				}
			}
		})
	}
}

func TestCheckUnknownName(t *testing.T) {
	if problems := kit(nil).Check(t, "no-such-check"); len(problems) != 1 {
		t.Errorf("problems = %q, want one naming the unknown check", problems)
	}
}
