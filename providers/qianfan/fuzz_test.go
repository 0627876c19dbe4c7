package qianfan

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/llmbench/llmbench/providers"
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
		Header:        http.Header{"Content-Type": {b.contentType}},
		Body:          io.NopCloser(strings.NewReader(string(b.body))),
		ContentLength: -1, Request: r,
	}, nil
}

// checkOutcome is what every fuzzed call must satisfy: a response or a
// classified error, never both or neither, and no credential in an error.
func checkOutcome(t *testing.T, resp *providers.Response, err error, secrets ...string) {
	t.Helper()
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
		for _, s := range secrets {
			if strings.Contains(err.Error(), s) {
				t.Fatalf("error leaks a credential: %v", err)
			}
		}
	default:
		if resp.TTFT < 0 || resp.TTFT > resp.Latency {
			t.Fatalf("TTFT %v outside [0, latency %v]", resp.TTFT, resp.Latency)
		}
	}
}

// FuzzV1Response feeds arbitrary bodies to the v1 readers (JSON, stream,
// error bodies at any status).
func FuzzV1Response(f *testing.F) {
	f.Add([]byte(`{"id":"as-1","result":"你好","is_truncated":false,"need_clear_history":false,"usage":{"prompt_tokens":1,"completion_tokens":2}}`), false, uint16(200))
	f.Add([]byte("data: {\"sentence_id\":0,\"is_end\":false,\"result\":\"a\"}\n\ndata: {\"sentence_id\":1,\"is_end\":true,\"result\":\"b\",\"usage\":{\"prompt_tokens\":1}}\n\n"), true, uint16(200))
	f.Add([]byte(`{"error_code":336501,"error_msg":"Rpm limit reached"}`), false, uint16(200))
	f.Add([]byte(`{"error_code":"110","error_msg":"Access token invalid"}`), true, uint16(200))
	f.Add([]byte("data: {\"result\":\"x\",\"need_clear_history\":true,\"ban_round\":-1}\n\n"), true, uint16(200))
	f.Add([]byte(`{"code":18,"msg":"qps"}`), false, uint16(429))
	f.Fuzz(func(t *testing.T, body []byte, stream bool, status uint16) {
		ct := "application/json"
		if stream {
			ct = "text/event-stream"
		}
		cfg := v1Config(APIV1BCE, "https://aip.baidubce.com")
		cfg.MaxResponseBytes = 1 << 16
		cfg.HTTPClient = &http.Client{Transport: bodyTransport{status: int(status%500) + 100, contentType: ct, body: body}}
		c := mustClient(t, cfg)
		req := userRequest("hi")
		req.Stream = stream
		resp, err := c.Complete(context.Background(), req)
		checkOutcome(t, resp, err, testSK)
	})
}

// FuzzTokenResponse feeds arbitrary answers to the OAuth token request.
// The secret key rides in that request's URL; it must never reach an
// error.
func FuzzTokenResponse(f *testing.F) {
	f.Add([]byte(`{"access_token":"24.abc","expires_in":2592000}`), uint16(200))
	f.Add([]byte(`{"error":"invalid_client","error_description":"unknown client id"}`), uint16(401))
	f.Add([]byte(`{"access_token":"","expires_in":"x"}`), uint16(200))
	f.Add([]byte(`<html>bad gateway</html>`), uint16(502))
	f.Fuzz(func(t *testing.T, body []byte, status uint16) {
		st := int(status%500) + 100
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/oauth/") {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(st)
				w.Write(body)
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{"result": "ok", "usage": map[string]int{}})
		})
		cfg := v1Config(APIV1, "https://aip.baidubce.com")
		cfg.HTTPClient = &http.Client{Transport: handlerTransport{h}}
		resp, err := mustClient(t, cfg).Complete(context.Background(), userRequest("hi"))
		checkOutcome(t, resp, err, testSK)
	})
}
