package hunyuan

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/llmbench/llmbench/providers"
)

// FuzzNativeResponse feeds arbitrary bodies and content types to the
// native readers: the adapter must never panic and must return either a
// response or a classified error, never both and never neither.
func FuzzNativeResponse(f *testing.F) {
	f.Add([]byte(`{"Response":{"Choices":[{"FinishReason":"stop","Message":{"Content":"hi"}}]}}`), "application/json")
	f.Add([]byte("data: {\"Choices\":[{\"Delta\":{\"Content\":\"x\"},\"FinishReason\":\"stop\"}]}\n\n"), "text/event-stream")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", contentType)
			w.Write(body)
		})
		cfg := nativeConfig("https://hunyuan.tencentcloudapi.com/")
		cfg.MaxResponseBytes = 1 << 16
		cfg.HTTPClient = &http.Client{Transport: handlerTransport{h}}
		req := userRequest("hi")
		req.Stream = strings.Contains(contentType, "stream")
		resp, err := mustClient(t, cfg).Complete(context.Background(), req)
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
