package providertest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/llmbench/llmbench/providers"
)

// OpenAIFake starts an httptest server speaking OpenAI's Chat Completions
// wire format (reference/providers.md §1) for b, and returns its base URL
// (".../v1"). It verifies "Authorization: Bearer <b.Config.APIKey>" (no
// header when the key is empty).
func OpenAIFake(t *testing.T, b Behaviour) string {
	srv := httptest.NewServer(OpenAIHandler(b))
	t.Cleanup(srv.Close)
	return srv.URL + "/v1"
}

// OpenAIHandler is the handler behind OpenAIFake, for presets that wrap it
// (a different path, extra headers).
func OpenAIHandler(b Behaviour) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Model    string `json:"model"`
			Messages []struct {
				Role    string          `json:"role"`
				Content json.RawMessage `json:"content"`
			} `json:"messages"`
			Stream        bool `json:"stream"`
			StreamOptions *struct {
				IncludeUsage bool `json:"include_usage"`
			} `json:"stream_options"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			openAIError(w, http.StatusBadRequest, "invalid_request_error", "invalid_json", "We could not parse the JSON body of your request.")
			return
		}
		rec := Received{Model: req.Model, Stream: req.Stream}
		want := "Bearer " + b.Config.APIKey
		got := r.Header.Get("Authorization")
		rec.Authenticated = got == want || (b.Config.APIKey == "" && got == "")
		for _, m := range req.Messages {
			msg, err := decodeOpenAIContent(m.Role, m.Content)
			if err != nil {
				openAIError(w, http.StatusBadRequest, "invalid_request_error", "invalid_content", err.Error())
				return
			}
			rec.Messages = append(rec.Messages, msg)
		}
		if b.Record != nil {
			b.Record(rec)
		}
		usage := req.StreamOptions != nil && req.StreamOptions.IncludeUsage
		f := openAIFake{b: b, w: w, stream: req.Stream, usage: usage}
		if !rec.Authenticated && b.Scenario != AuthFailure {
			f.b.Scenario = AuthFailure
		}
		f.serve(r, got)
	})
	return mux
}

func decodeOpenAIContent(role string, raw json.RawMessage) (providers.Message, error) {
	msg := providers.Message{Role: role}
	if err := json.Unmarshal(raw, &msg.Text); err == nil {
		return msg, nil
	}
	var parts []struct {
		Type     string `json:"type"`
		Text     string `json:"text"`
		ImageURL struct {
			URL string `json:"url"`
		} `json:"image_url"`
	}
	if err := json.Unmarshal(raw, &parts); err != nil {
		return msg, fmt.Errorf("content must be a string or an array of parts")
	}
	for _, p := range parts {
		switch p.Type {
		case "text":
			msg.Text += p.Text
		case "image_url":
			rest, ok := strings.CutPrefix(p.ImageURL.URL, "data:")
			mime, b64, ok2 := strings.Cut(rest, ";base64,")
			if !ok || !ok2 {
				return msg, fmt.Errorf("image_url is not a base64 data URL")
			}
			data, err := base64.StdEncoding.DecodeString(b64)
			if err != nil {
				return msg, fmt.Errorf("image_url: %v", err)
			}
			msg.Images = append(msg.Images, providers.Image{MIME: mime, Data: data})
		default:
			return msg, fmt.Errorf("unknown content part type %q", p.Type)
		}
	}
	return msg, nil
}

func openAIError(w http.ResponseWriter, status int, typ, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-request-id", "req_providertest")
	w.WriteHeader(status)
	body := map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": nil, "code": code}}
	if code == "" {
		body["error"].(map[string]any)["code"] = nil
	}
	json.NewEncoder(w).Encode(body)
}

type openAIFake struct {
	b      Behaviour
	w      http.ResponseWriter
	stream bool
	usage  bool
}

const fakeCreated = 1741569952

func (f *openAIFake) serve(r *http.Request, credential string) {
	b, w := f.b, f.w
	w.Header().Set("x-ratelimit-limit-requests", "500")
	w.Header().Set("x-ratelimit-remaining-requests", "499")
	w.Header().Set("x-ratelimit-reset-requests", "120ms")
	switch b.Scenario {
	case Answer:
		f.answer(b.Text, "stop")
	case ContentFilter:
		f.answer("", "content_filter")
	case RateLimit:
		w.Header().Set("retry-after-ms", strconv.FormatInt(b.RetryAfter.Milliseconds(), 10))
		w.Header().Set("Retry-After", strconv.Itoa(int((b.RetryAfter+time.Second-1)/time.Second)))
		openAIError(w, http.StatusTooManyRequests, "requests", "rate_limit_exceeded",
			"Rate limit reached for test-model in organization org-test on requests per min (RPM): Limit 3, Used 3, Requested 1.")
	case Quota:
		openAIError(w, http.StatusTooManyRequests, "insufficient_quota", "insufficient_quota",
			"You exceeded your current quota, please check your plan and billing details.")
	case AuthFailure:
		// Deliberately echo the credential in full: some servers do, and
		// the adapter must keep it out of its error.
		openAIError(w, http.StatusUnauthorized, "invalid_request_error", "invalid_api_key",
			fmt.Sprintf("Incorrect API key provided: %q. You can find your API key at https://platform.openai.com/account/api-keys.", strings.TrimPrefix(credential, "Bearer ")))
	case ServerError:
		openAIError(w, http.StatusServiceUnavailable, "server_error", "server_is_overloaded", "The server is overloaded, please try again later.")
	case BadRequest:
		openAIError(w, http.StatusBadRequest, "invalid_request_error", "invalid_value", "Invalid value for 'temperature': expected a number between 0 and 2.")
	case CutStream:
		f.cutStream()
		// Return without a finish_reason or [DONE]: the body just ends.
	case StallBody:
		if f.stream {
			f.cutStream()
		} else {
			WriteHalf(w, func(rw http.ResponseWriter) {
				g := *f
				g.w = rw
				g.answer(b.Text, "stop")
			})
		}
		Hold(w, r)
	case Garbage:
		if f.stream {
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, "data: {\"id\":\"chatcmpl-x\",\"choices\":[{\"delta\":{\"content\":\"Hi\"}\n\ndata: <html>502 Bad Gateway</html>\n\n")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, "<html><body>502 Bad Gateway</body></html>")
	case Oversize:
		f.oversize()
	case Stall:
		<-r.Context().Done()
	default:
		openAIError(w, http.StatusInternalServerError, "server_error", "", "fake: unknown scenario "+string(b.Scenario))
	}
}

func (f *openAIFake) answer(text, finish string) {
	b, w := f.b, f.w
	usage := map[string]any{
		"prompt_tokens": b.Usage.InputTokens, "completion_tokens": b.Usage.OutputTokens,
		"total_tokens":              b.Usage.InputTokens + b.Usage.OutputTokens,
		"prompt_tokens_details":     map[string]any{"cached_tokens": 0, "audio_tokens": 0},
		"completion_tokens_details": map[string]any{"reasoning_tokens": 0, "audio_tokens": 0},
	}
	if !f.stream {
		var content any = text
		if finish == "content_filter" {
			content = nil
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-providertest", "object": "chat.completion", "created": fakeCreated, "model": b.Model,
			"choices": []any{map[string]any{
				"index":    0,
				"message":  map[string]any{"role": "assistant", "content": content, "refusal": nil, "annotations": []any{}},
				"logprobs": nil, "finish_reason": finish,
			}},
			"usage": usage, "service_tier": "default", "system_fingerprint": "fp_providertest",
		})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	f.chunk(map[string]any{"role": "assistant", "content": "", "refusal": nil}, nil)
	for _, piece := range split(text) {
		f.chunk(map[string]any{"content": piece}, nil)
	}
	f.chunk(map[string]any{}, finish)
	if f.usage {
		f.event(map[string]any{"id": "chatcmpl-providertest", "object": "chat.completion.chunk", "created": fakeCreated,
			"model": b.Model, "choices": []any{}, "usage": usage, "obfuscation": "Qx"})
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
}

// cutStream streams the first b.Cut bytes of the text (at a rune
// boundary), without a finish_reason or [DONE].
func (f *openAIFake) cutStream() {
	cut := f.b.Cut
	for cut > 0 && cut < len(f.b.Text) && !utf8.RuneStart(f.b.Text[cut]) {
		cut--
	}
	f.w.Header().Set("Content-Type", "text/event-stream")
	f.chunk(map[string]any{"role": "assistant", "content": ""}, nil)
	for _, piece := range split(f.b.Text[:cut]) {
		f.chunk(map[string]any{"content": piece}, nil)
	}
}

// chunk sends one chat.completion.chunk with the given delta.
func (f *openAIFake) chunk(delta map[string]any, finish any) {
	c := map[string]any{
		"id": "chatcmpl-providertest", "object": "chat.completion.chunk", "created": fakeCreated, "model": f.b.Model,
		"system_fingerprint": "fp_providertest",
		"choices":            []any{map[string]any{"index": 0, "delta": delta, "logprobs": nil, "finish_reason": finish}},
		"obfuscation":        "a1b2",
	}
	if f.usage {
		c["usage"] = nil
	}
	f.event(c)
}

func (f *openAIFake) event(v any) {
	data, _ := json.Marshal(v)
	fmt.Fprintf(f.w, "data: %s\n\n", data)
	if fl, ok := f.w.(http.Flusher); ok {
		fl.Flush()
	}
}

// oversize writes a well-formed-looking body of more than b.Size bytes in
// pieces, so no Content-Length is sent and the client has to count.
func (f *openAIFake) oversize() {
	filler := strings.Repeat("lorem ipsum ", 512)
	if f.stream {
		f.w.Header().Set("Content-Type", "text/event-stream")
		for n := int64(0); n <= f.b.Size; n += int64(len(filler)) {
			f.chunk(map[string]any{"content": filler}, nil)
		}
		fmt.Fprint(f.w, "data: [DONE]\n\n")
		return
	}
	f.w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(f.w, `{"id":"chatcmpl-big","object":"chat.completion","model":%q,"choices":[{"index":0,"message":{"role":"assistant","content":"`, f.b.Model)
	for n := int64(0); n <= f.b.Size; n += int64(len(filler)) {
		if _, err := fmt.Fprint(f.w, filler); err != nil {
			return
		}
		if fl, ok := f.w.(http.Flusher); ok {
			fl.Flush()
		}
	}
	fmt.Fprint(f.w, `"},"finish_reason":"stop"}]}`)
}

// split cuts text into a few pieces at rune boundaries, as a server
// streams tokens.
func split(text string) []string {
	var out []string
	runes := []rune(text)
	for i := 0; i < len(runes); i += 5 {
		out = append(out, string(runes[i:min(i+5, len(runes))]))
	}
	return out
}
