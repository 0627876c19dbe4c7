package openai_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/openai"
)

// step is one piece of a scripted body: wait, then send data.
type step struct {
	wait time.Duration
	data string
}

// scriptTransport answers in memory after headerDelay with a body written
// step by step; after the last step the body either ends or, with hang,
// stays open and silent until the request is abandoned. Time is virtual
// under synctest, so the script's delays cost nothing.
type scriptTransport struct {
	headerDelay time.Duration
	status      int
	contentType string
	steps       []step
	hang        bool
}

func (s scriptTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	ctx := r.Context()
	if !sleep(ctx, s.headerDelay) {
		return nil, ctx.Err()
	}
	pr, pw := io.Pipe()
	go func() {
		for _, st := range s.steps {
			if !sleep(ctx, st.wait) {
				pw.CloseWithError(ctx.Err())
				return
			}
			if _, err := io.WriteString(pw, st.data); err != nil {
				return // the reader closed the body
			}
		}
		if s.hang {
			<-ctx.Done()
			pw.CloseWithError(ctx.Err())
			return
		}
		pw.Close()
	}()
	return &http.Response{
		StatusCode: s.status, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {s.contentType}}, Body: pr, ContentLength: -1, Request: r,
	}, nil
}

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// TestStallDetection: once the headers are in, a body that goes silent for
// StallTimeout ends the attempt with class timeout and code "stall",
// keeping what was streamed; a body that keeps sending, however slowly,
// and a slow wait for the headers are not stalls.
func TestStallDetection(t *testing.T) {
	const sse, js = "text/event-stream", "application/json"
	tests := []struct {
		name      string
		stall     time.Duration // Config.StallTimeout
		tr        scriptTransport
		stream    bool
		wantText  string           // on success
		wantErr   *providers.Error // Class, Code, Status, Partial compared
		wantAfter time.Duration    // virtual time from the call to its end
	}{
		{
			name: "stream stalls after two deltas", stall: 5 * time.Second, stream: true,
			tr:        scriptTransport{status: 200, contentType: sse, hang: true, steps: []step{{0, roleChunk}, {time.Second, helloChunk}, {time.Second, loChunk}}},
			wantErr:   &providers.Error{Class: providers.Timeout, Code: providers.StallCode, Status: 200, Partial: "Hello"},
			wantAfter: 7 * time.Second,
		},
		{
			name: "slow but steady stream is no stall", stall: 5 * time.Second, stream: true,
			tr:        scriptTransport{status: 200, contentType: sse, steps: []step{{4 * time.Second, roleChunk}, {4 * time.Second, helloChunk}, {4 * time.Second, loChunk}, {4 * time.Second, stopChunk}, {4 * time.Second, doneEvent}}},
			wantText:  "Hello",
			wantAfter: 20 * time.Second,
		},
		{
			name: "slow headers are no stall", stall: 5 * time.Second, stream: true,
			tr:        scriptTransport{headerDelay: time.Minute, status: 200, contentType: sse, steps: []step{{0, roleChunk}, {0, helloChunk + loChunk + stopChunk + doneEvent}}},
			wantText:  "Hello",
			wantAfter: time.Minute,
		},
		{
			name: "whole answer stalls mid-body", stall: 5 * time.Second,
			tr:        scriptTransport{status: 200, contentType: js, hang: true, steps: []step{{0, okBody[:40]}}},
			wantErr:   &providers.Error{Class: providers.Timeout, Code: providers.StallCode, Status: 200},
			wantAfter: 5 * time.Second,
		},
		{
			name: "error body stalls", stall: 5 * time.Second,
			tr:        scriptTransport{status: 503, contentType: js, hang: true, steps: []step{{0, `{"error":{"message":"over`}}},
			wantErr:   &providers.Error{Class: providers.Timeout, Code: providers.StallCode, Status: 503},
			wantAfter: 5 * time.Second,
		},
		{
			name: "default limit", stream: true,
			tr:        scriptTransport{status: 200, contentType: sse, hang: true, steps: []step{{0, roleChunk + helloChunk}}},
			wantErr:   &providers.Error{Class: providers.Timeout, Code: providers.StallCode, Status: 200, Partial: "Hel"},
			wantAfter: providers.DefaultStallTimeout,
		},
		{
			name: "detection off: the attempt deadline ends it", stall: -1, stream: true,
			tr:        scriptTransport{status: 200, contentType: sse, hang: true, steps: []step{{0, roleChunk + helloChunk}}},
			wantErr:   &providers.Error{Class: providers.Timeout, Status: 200, Partial: "Hel"},
			wantAfter: 2 * time.Minute,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c, err := openai.New(providers.Config{Name: "t", BaseURL: "http://127.0.0.1:1/v1", StallTimeout: tt.stall,
					HTTPClient: &http.Client{Transport: tt.tr}})
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				defer cancel()
				start := time.Now()
				resp, err := c.Complete(ctx, &providers.Request{Model: "gpt-4o", Stream: tt.stream,
					Messages: []providers.Message{{Role: providers.RoleUser, Text: "hi"}}})
				if took := time.Since(start); took != tt.wantAfter {
					t.Errorf("call ended after %v, want %v", took, tt.wantAfter)
				}
				if tt.wantErr == nil {
					if err != nil || resp.Text != tt.wantText {
						t.Fatalf("got %+v, %v; want text %q", resp, err, tt.wantText)
					}
					return
				}
				var pe *providers.Error
				if !errors.As(err, &pe) {
					t.Fatalf("error %v, want %+v", err, tt.wantErr)
				}
				got := providers.Error{Class: pe.Class, Code: pe.Code, Status: pe.Status, Partial: pe.Partial}
				if diff := cmp.Diff(*tt.wantErr, got); diff != "" {
					t.Errorf("error (-want +got):\n%s\n%v", diff, err)
				}
				if pe.Code == providers.StallCode && pe.Message == "" {
					t.Errorf("stall error without a message")
				}
			})
		})
	}
}
