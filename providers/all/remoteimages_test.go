package all

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/llmbench/llmbench/providers"
)

// TestRemoteImages: an image given by URL reaches the server as an
// image_url through the OpenAI dialect (and the adapters built on it), and
// every adapter whose API takes image bytes only refuses the call as
// bad_request before sending anything.
func TestRemoteImages(t *testing.T) {
	const imgURL = "https://example.org/cat.png"
	var calls atomic.Int64
	var lastBody atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		b, _ := io.ReadAll(r.Body)
		lastBody.Store(string(b))
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"x","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"a cat"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}`)
	}))
	defer srv.Close()

	tests := []struct {
		name   string
		cfg    providers.Config
		sendOK bool
	}{
		{"openai", providers.Config{Provider: "openai", APIKey: "k"}, true},
		{"zhipu", providers.Config{Provider: "zhipu", APIKey: "id.secret"}, true},
		{"hunyuan openai api", providers.Config{Provider: "hunyuan", APIKey: "k"}, true},
		{"anthropic", providers.Config{Provider: "anthropic", APIKey: "k"}, false},
		{"gemini", providers.Config{Provider: "gemini", APIKey: "k"}, false},
		{"hunyuan native", providers.Config{Provider: "hunyuan", API: "native", AccessKey: "id", SecretKey: "secret"}, false},
		{"sensenova native", providers.Config{Provider: "sensenova", API: "native", AccessKey: "id", SecretKey: "secret"}, false},
		{"qianfan v1", providers.Config{Provider: "qianfan", API: "v1", AccessKey: "id", SecretKey: "secret"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Name = "t"
			tt.cfg.BaseURL = srv.URL + "/v1"
			p, err := providers.New(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			before := calls.Load()
			req := &providers.Request{Model: "m", Messages: []providers.Message{{
				Role: providers.RoleUser, Text: "what is it?",
				Images: []providers.Image{{URL: imgURL}},
			}}}
			resp, err := p.Complete(context.Background(), req)
			if tt.sendOK {
				if err != nil {
					t.Fatalf("Complete: %v", err)
				}
				if resp.Text != "a cat" || !strings.Contains(lastBody.Load().(string), `"image_url":{"url":"`+imgURL+`"}`) {
					t.Errorf("reply %q; body sent:\n%s", resp.Text, lastBody.Load())
				}
				return
			}
			var pe *providers.Error
			if !errors.As(err, &pe) || pe.Class != providers.BadRequest || !strings.Contains(pe.Message, "remote images are not supported by this provider; download it into the suite folder") {
				t.Errorf("err = %v, want bad_request refusing remote images", err)
			}
			if n := calls.Load() - before; n != 0 {
				t.Errorf("%d requests sent for a call that must be refused first", n)
			}
		})
	}
}
