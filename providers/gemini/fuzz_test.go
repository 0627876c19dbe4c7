package gemini_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/gemini"
)

// bodyTransport answers every request in memory with a fixed status,
// content type and body: fuzzing needs no network.
type bodyTransport struct {
	status      int
	contentType string
	body        []byte
}

func (b bodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: b.status, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {b.contentType}, "Retry-After": {"1"}},
		Body:          io.NopCloser(strings.NewReader(string(b.body))),
		ContentLength: -1, Request: r,
	}, nil
}

// FuzzResponse feeds arbitrary bodies to both readers and the error path
// (seed corpus in testdata/fuzz/FuzzResponse): the adapter must never
// panic and must return either a response or a classified error, never
// both and never neither, and never the key.
func FuzzResponse(f *testing.F) {
	f.Add([]byte(chunk("Hel", "", 5, 1)+chunk("lo", "STOP", 5, 2)), true, uint16(200))
	f.Add([]byte(okBody), false, uint16(200))
	f.Add([]byte(rpc(429, "RESOURCE_EXHAUSTED", "x", perDay, retry1500)), false, uint16(329))
	f.Fuzz(func(t *testing.T, body []byte, stream bool, status uint16) {
		st := int(status%500) + 100
		ct := "application/json"
		if stream {
			ct = "text/event-stream"
		}
		hc := &http.Client{Transport: bodyTransport{status: st, contentType: ct, body: body}}
		p, err := gemini.New(providers.Config{BaseURL: "http://127.0.0.1:9/v1beta", APIKey: testKey, HTTPClient: hc, MaxResponseBytes: 1 << 16})
		if err != nil {
			t.Fatal(err)
		}
		req := userRequest("hi")
		req.Stream = stream
		resp, err := p.Complete(context.Background(), req)
		switch {
		case err == nil && resp == nil:
			t.Fatal("neither a response nor an error")
		case err != nil && resp != nil:
			t.Fatal("both a response and an error")
		case err != nil:
			var pe *providers.Error
			if !errors.As(err, &pe) || !slices.Contains(providers.Classes, pe.Class) {
				t.Fatalf("unclassified error %v", err)
			}
			if strings.Contains(err.Error(), testKey) {
				t.Fatalf("error leaks the key: %v", err)
			}
		default:
			if resp.TTFT < 0 || resp.TTFT > resp.Latency {
				t.Fatalf("TTFT %v outside [0, latency %v]", resp.TTFT, resp.Latency)
			}
		}
	})
}
