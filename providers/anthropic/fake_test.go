package anthropic_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/providertest"
)

// fake starts an httptest server speaking the Messages API
// (reference/providers.md §2) for b and returns its root URL. It checks
// what the real API checks: x-api-key, anthropic-version, a JSON body with
// only known fields, max_tokens present, roles, image blocks, and the
// temperature range.
func fake(t *testing.T, b providertest.Behaviour) string {
	srv := httptest.NewServer(fakeHandler(b))
	t.Cleanup(srv.Close)
	return srv.URL
}

func fakeHandler(b providertest.Behaviour) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/messages", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("request-id", "req_011CfakeRequest")
		w.Header().Set("anthropic-ratelimit-requests-limit", "50")
		w.Header().Set("anthropic-ratelimit-requests-remaining", "49")
		w.Header().Set("anthropic-ratelimit-requests-reset", "2026-09-01T12:00:01Z")
		w.Header().Set("anthropic-ratelimit-tokens-limit", "40000")
		w.Header().Set("anthropic-ratelimit-tokens-remaining", "39000")
		key := r.Header.Get("x-api-key")
		if r.Header.Get("anthropic-version") == "" {
			apiError(w, http.StatusBadRequest, "invalid_request_error", "anthropic-version: header is required")
			return
		}
		var req fakeRequest
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			apiError(w, http.StatusBadRequest, "invalid_request_error", "invalid request body: "+err.Error())
			return
		}
		rec, problem := req.received()
		if problem != "" {
			apiError(w, http.StatusBadRequest, "invalid_request_error", problem)
			return
		}
		rec.Authenticated = r.Header.Get("anthropic-version") == "2023-06-01" &&
			(key == b.Config.APIKey && key != "" || b.Config.APIKey == "" && key == "")
		if b.Record != nil {
			b.Record(rec)
		}
		s := fakeServer{b: b, w: w, stream: req.Stream}
		if !rec.Authenticated && b.Scenario != providertest.AuthFailure {
			s.b.Scenario = providertest.AuthFailure
		}
		s.serve(r, key)
	})
	return mux
}

// fakeRequest holds every top-level field the API accepts for a plain
// text call; any other field is rejected, as the API does ("Extra inputs
// are not permitted").
type fakeRequest struct {
	Model         string          `json:"model"`
	System        json.RawMessage `json:"system"`
	Messages      []fakeMessage   `json:"messages"`
	MaxTokens     *int            `json:"max_tokens"`
	Temperature   *float64        `json:"temperature"`
	TopP          *float64        `json:"top_p"`
	TopK          *int            `json:"top_k"`
	StopSequences []string        `json:"stop_sequences"`
	Stream        bool            `json:"stream"`
	Metadata      json.RawMessage `json:"metadata"`
}

type fakeMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

type fakeBlock struct {
	Type   string `json:"type"`
	Text   string `json:"text"`
	Source *struct {
		Type      string `json:"type"`
		MediaType string `json:"media_type"`
		Data      string `json:"data"`
		URL       string `json:"url"`
	} `json:"source"`
}

// received validates the request as the API would and returns what it
// understood, or the API's complaint.
func (r *fakeRequest) received() (providertest.Received, string) {
	rec := providertest.Received{Model: r.Model, Stream: r.Stream}
	switch {
	case r.Model == "":
		return rec, "model: Field required"
	case r.MaxTokens == nil:
		return rec, "max_tokens: Field required"
	case *r.MaxTokens < 1:
		return rec, "max_tokens: Input should be greater than or equal to 1"
	case len(r.Messages) == 0:
		return rec, "messages: at least one message is required"
	case r.Temperature != nil && (*r.Temperature < 0 || *r.Temperature > 1):
		return rec, "temperature: range: 0..1"
	}
	if len(r.System) > 0 {
		var s string
		if err := json.Unmarshal(r.System, &s); err != nil {
			var blocks []fakeBlock
			if err := json.Unmarshal(r.System, &blocks); err != nil {
				return rec, "system: Input should be a valid string or a list of text blocks"
			}
			for _, b := range blocks {
				s += b.Text
			}
		}
		if s != "" {
			rec.Messages = append(rec.Messages, providers.Message{Role: providers.RoleSystem, Text: s})
		}
	}
	for i, m := range r.Messages {
		if m.Role != "user" && m.Role != "assistant" {
			return rec, fmt.Sprintf("messages.%d.role: Input should be 'user' or 'assistant'", i)
		}
		msg := providers.Message{Role: m.Role}
		if err := json.Unmarshal(m.Content, &msg.Text); err != nil {
			var blocks []fakeBlock
			if err := json.Unmarshal(m.Content, &blocks); err != nil {
				return rec, fmt.Sprintf("messages.%d.content: Input should be a valid string or list", i)
			}
			for j, b := range blocks {
				switch b.Type {
				case "text":
					if b.Text == "" {
						return rec, fmt.Sprintf("messages.%d.content.%d.text: text content blocks must be non-empty", i, j)
					}
					msg.Text += b.Text
				case "image":
					if m.Role == "user" && b.Source != nil && b.Source.Type == "url" {
						// The API fetches the image itself; the fake only
						// checks the source's shape.
						u, err := url.Parse(b.Source.URL)
						if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || b.Source.Data != "" || b.Source.MediaType != "" {
							return rec, fmt.Sprintf("messages.%d.content.%d.image.source.url: invalid image URL source", i, j)
						}
						msg.Images = append(msg.Images, providers.Image{URL: b.Source.URL})
						continue
					}
					if m.Role != "user" || b.Source == nil || b.Source.Type != "base64" ||
						!slices.Contains([]string{"image/jpeg", "image/png", "image/gif", "image/webp"}, b.Source.MediaType) {
						return rec, fmt.Sprintf("messages.%d.content.%d.image.source: invalid image source", i, j)
					}
					data, err := base64.StdEncoding.DecodeString(b.Source.Data)
					if err != nil {
						return rec, fmt.Sprintf("messages.%d.content.%d.image.source.base64.data: invalid base64 data", i, j)
					}
					msg.Images = append(msg.Images, providers.Image{MIME: b.Source.MediaType, Data: data})
				default:
					return rec, fmt.Sprintf("messages.%d.content.%d.type: unknown block type %q", i, j, b.Type)
				}
			}
		}
		rec.Messages = append(rec.Messages, msg)
	}
	return rec, ""
}

func apiError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{
		"type": "error", "error": map[string]any{"type": typ, "message": msg}, "request_id": "req_011CfakeRequest",
	})
}

type fakeServer struct {
	b      providertest.Behaviour
	w      http.ResponseWriter
	stream bool
}

func (f *fakeServer) serve(r *http.Request, key string) {
	b, w := f.b, f.w
	switch b.Scenario {
	case providertest.Answer:
		f.answer(b.Text, "end_turn")
	case providertest.ContentFilter:
		f.answer("", "refusal")
	case providertest.RateLimit:
		w.Header().Set("retry-after", strconv.Itoa(int((b.RetryAfter+time.Second-1)/time.Second)))
		w.Header().Set("anthropic-ratelimit-requests-remaining", "0")
		apiError(w, http.StatusTooManyRequests, "rate_limit_error",
			"This request would exceed the rate limit for your organization of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.")
	case providertest.Quota:
		apiError(w, http.StatusBadRequest, "invalid_request_error",
			"Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.")
	case providertest.AuthFailure:
		// The real API answers "invalid x-api-key" without the key; the
		// fake echoes it to prove the adapter keeps it out of its error.
		apiError(w, http.StatusUnauthorized, "authentication_error", "invalid x-api-key: "+key)
	case providertest.ServerError:
		apiError(w, 529, "overloaded_error", "Overloaded")
	case providertest.BadRequest:
		apiError(w, http.StatusBadRequest, "invalid_request_error", "messages: roles must alternate between \"user\" and \"assistant\"")
	case providertest.CutStream:
		f.cutStream()
	case providertest.StallBody:
		if f.stream {
			f.cutStream()
		} else {
			providertest.WriteHalf(w, func(rw http.ResponseWriter) {
				g := *f
				g.w = rw
				g.answer(b.Text, "end_turn")
			})
		}
		providertest.Hold(w, r)
	case providertest.Garbage:
		if f.stream {
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\n\nevent: error\ndata: <html>502 Bad Gateway</html>\n\n")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, "<html><body>502 Bad Gateway</body></html>")
	case providertest.Oversize:
		filler := strings.Repeat("lorem ipsum ", 512)
		if f.stream {
			f.startStream()
			for n := int64(0); n <= b.Size; n += int64(len(filler)) {
				f.event("content_block_delta", map[string]any{"index": 0, "delta": map[string]any{"type": "text_delta", "text": filler}})
			}
			f.event("message_stop", map[string]any{})
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"msg_big","type":"message","role":"assistant","model":%q,"content":[{"type":"text","text":"`, b.Model)
		for n := int64(0); n <= b.Size; n += int64(len(filler)) {
			if _, err := fmt.Fprint(w, filler); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
		fmt.Fprint(w, `"}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}`)
	case providertest.Stall:
		<-r.Context().Done()
	default:
		apiError(w, http.StatusInternalServerError, "api_error", "fake: unknown scenario "+string(b.Scenario))
	}
}

func (f *fakeServer) usage(output int) map[string]any {
	return map[string]any{
		"input_tokens": f.b.Usage.InputTokens, "output_tokens": output,
		"cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "service_tier": "standard",
	}
}

func (f *fakeServer) answer(text, stop string) {
	b, w := f.b, f.w
	if !f.stream {
		content := []any{}
		if text != "" {
			content = append(content, map[string]any{"type": "text", "text": text})
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"id": "msg_01Fake", "type": "message", "role": "assistant", "model": b.Model,
			"content": content, "stop_reason": stop, "stop_sequence": nil, "usage": f.usage(b.Usage.OutputTokens),
		})
		return
	}
	f.startStream()
	f.event("ping", map[string]any{})
	for _, piece := range split(text) {
		f.event("content_block_delta", map[string]any{"index": 0, "delta": map[string]any{"type": "text_delta", "text": piece}})
	}
	f.event("content_block_stop", map[string]any{"index": 0})
	f.event("message_delta", map[string]any{"delta": map[string]any{"stop_reason": stop, "stop_sequence": nil},
		"usage": map[string]any{"output_tokens": b.Usage.OutputTokens}})
	f.event("message_stop", map[string]any{})
}

// cutStream streams the first b.Cut bytes of the text (at a rune
// boundary), without message_delta or message_stop.
func (f *fakeServer) cutStream() {
	cut := f.b.Cut
	for cut > 0 && cut < len(f.b.Text) && !utf8.RuneStart(f.b.Text[cut]) {
		cut--
	}
	f.startStream()
	for _, piece := range split(f.b.Text[:cut]) {
		f.event("content_block_delta", map[string]any{"index": 0, "delta": map[string]any{"type": "text_delta", "text": piece}})
	}
}

// startStream sends the headers, message_start and the first block's start.
func (f *fakeServer) startStream() {
	f.w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	f.w.Header().Set("Cache-Control", "no-cache")
	f.event("message_start", map[string]any{"message": map[string]any{
		"id": "msg_01Fake", "type": "message", "role": "assistant", "model": f.b.Model, "content": []any{},
		"stop_reason": nil, "stop_sequence": nil, "usage": f.usage(1),
	}})
	f.event("content_block_start", map[string]any{"index": 0, "content_block": map[string]any{"type": "text", "text": ""}})
}

// event sends one named event; its data carries the same "type".
func (f *fakeServer) event(name string, data map[string]any) {
	data["type"] = name
	var buf bytes.Buffer
	json.NewEncoder(&buf).Encode(data)
	fmt.Fprintf(f.w, "event: %s\ndata: %s\n", name, buf.Bytes())
	if fl, ok := f.w.(http.Flusher); ok {
		fl.Flush()
	}
}

// split cuts text into pieces of a few runes, as a server streams tokens.
func split(text string) []string {
	var out []string
	runes := []rune(text)
	for i := 0; i < len(runes); i += 5 {
		out = append(out, string(runes[i:min(i+5, len(runes))]))
	}
	return out
}
