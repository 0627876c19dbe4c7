package loopback

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/openai"
)

// TestThroughTheOpenAIAdapter talks to the server with the adapter
// llmbench uses, whole and streamed, and checks what both sides saw.
func TestThroughTheOpenAIAdapter(t *testing.T) {
	logged := make(chan Record, 10)
	s := &Server{
		Latency: 20 * time.Millisecond,
		Answers: map[string]string{"What is 6 × 7? Say \"forty-two\".": "42 \"quoted\"\n— 四十二"},
		Default: "no idea",
		Log:     func(r Record) { logged <- r },
	}
	url, stop, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	c, err := openai.NewWith(providers.Config{Name: "t", BaseURL: url}, openai.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, prompt string
		stream       bool
		want         providers.Response
	}{
		{name: "whole", prompt: "What is 6 × 7? Say \"forty-two\".",
			want: providers.Response{Text: "42 \"quoted\"\n— 四十二", Model: "m", FinishReason: "stop", Usage: providers.Usage{InputTokens: 7, OutputTokens: 4}}},
		{name: "streamed", prompt: "What is 6 × 7? Say \"forty-two\".", stream: true,
			want: providers.Response{Text: "42 \"quoted\"\n— 四十二", Model: "m", FinishReason: "stop", Usage: providers.Usage{InputTokens: 7, OutputTokens: 4}}},
		{name: "unknown prompt", prompt: "hello", stream: true,
			want: providers.Response{Text: "no idea", Model: "m", FinishReason: "stop", Usage: providers.Usage{InputTokens: 1, OutputTokens: 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := c.Complete(context.Background(), &providers.Request{Model: "m", Stream: tt.stream,
				Messages: []providers.Message{{Role: "user", Text: tt.prompt}}})
			if err != nil {
				t.Fatal(err)
			}
			if resp.Latency < s.Latency {
				t.Errorf("latency %v, want ≥ the server's %v", resp.Latency, s.Latency)
			}
			if diff := cmp.Diff(tt.want, *resp, cmpopts.IgnoreFields(providers.Response{}, "TTFT", "Latency", "RateLimit")); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	// A record is logged once the answer is written: the client may have
	// it first.
	for range tests {
		r := <-logged
		if r.Status != 200 || r.Model != "m" || r.Handling < s.Latency || r.Arrived.IsZero() {
			t.Errorf("record %+v", r)
		}
	}
}

// TestRateLimit checks the server's own limit: a burst of 2 at one call
// per thousand seconds, then a 429 with the delay hint the adapter reads.
func TestRateLimit(t *testing.T) {
	s := &Server{RPS: 0.001, Burst: 2, RetryAfter: 750 * time.Millisecond, Default: "ok"}
	url, stop, err := s.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	c, err := openai.NewWith(providers.Config{Name: "t", BaseURL: url}, openai.Options{})
	if err != nil {
		t.Fatal(err)
	}
	req := &providers.Request{Model: "m", Messages: []providers.Message{{Role: "user", Text: "hi"}}}
	var got []string
	for range 3 {
		_, err := c.Complete(context.Background(), req)
		if err == nil {
			got = append(got, "ok")
			continue
		}
		pe := providers.Classify(err)
		got = append(got, string(pe.Class)+" "+pe.RetryAfter.String())
	}
	if diff := cmp.Diff([]string{"ok", "ok", "rate_limited 750ms"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
