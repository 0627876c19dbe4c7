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
// image_url through the OpenAI dialect (and the adapters built on it) and
// as a url image source through Anthropic's, and every adapter whose API
// takes image bytes only refuses the call as bad_request before sending
// anything.
func TestRemoteImages(t *testing.T) {
	const imgURL = "https://example.org/cat.png"
	var calls atomic.Int64
	var lastBody atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		b, _ := io.ReadAll(r.Body)
		lastBody.Store(string(b))
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/messages") { // Anthropic's Messages API
			io.WriteString(w, `{"id":"msg_x","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"a cat"}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":2}}`)
			return
		}
		io.WriteString(w, `{"id":"x","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"a cat"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}`)
	}))
	defer srv.Close()

	openAISent := `"image_url":{"url":"` + imgURL + `"}`
	tests := []struct {
		name string
		cfg  providers.Config
		sent string // what the body sent carries; "" for a refusal
	}{
		{"openai", providers.Config{Provider: "openai", APIKey: "k"}, openAISent},
		{"zhipu", providers.Config{Provider: "zhipu", APIKey: "id.secret"}, openAISent},
		{"hunyuan openai api", providers.Config{Provider: "hunyuan", APIKey: "k"}, openAISent},
		{"anthropic", providers.Config{Provider: "anthropic", APIKey: "k"}, `"source":{"type":"url","url":"` + imgURL + `"}`},
		{"gemini", providers.Config{Provider: "gemini", APIKey: "k"}, ""},
		{"hunyuan native", providers.Config{Provider: "hunyuan", API: "native", AccessKey: "id", SecretKey: "secret"}, ""},
		{"sensenova native", providers.Config{Provider: "sensenova", API: "native", AccessKey: "id", SecretKey: "secret"}, ""},
		{"qianfan v1", providers.Config{Provider: "qianfan", API: "v1", AccessKey: "id", SecretKey: "secret"}, ""},
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
			if tt.sent != "" {
				if err != nil {
					t.Fatalf("Complete: %v", err)
				}
				if resp.Text != "a cat" || !strings.Contains(lastBody.Load().(string), tt.sent) {
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
