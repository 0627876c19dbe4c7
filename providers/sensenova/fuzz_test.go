package sensenova_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/sensenova"
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

// FuzzNative feeds arbitrary bodies to the native API's JSON and stream
// readers and its error path (seed corpus in testdata/fuzz/FuzzNative):
// the adapter must never panic, must return a response or a classified
// error (never both, never neither), and must never put the key in one.
func FuzzNative(f *testing.F) {
	f.Add([]byte(okBody), false, uint16(200))
	f.Add([]byte(frames(chunk("你", "", 1), chunk("好", "stop", 2), "[DONE]")), true, uint16(200))
	f.Add([]byte(errBody("18", "sensitive")), false, uint16(400))
	f.Add([]byte(frames(`{"status":{"code":"8","message":"x"}}`)), true, uint16(200))
	f.Fuzz(func(t *testing.T, body []byte, stream bool, status uint16) {
		st := int(status%500) + 100
		ct := "application/json"
		if stream {
			ct = "text/event-stream"
		}
		hc := &http.Client{Transport: bodyTransport{status: st, contentType: ct, body: body}}
		p, err := sensenova.New(providers.Config{API: "native", BaseURL: "http://127.0.0.1:9/v1/llm", APIKey: testKey, HTTPClient: hc, MaxResponseBytes: 1 << 16})
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
