package sensenova_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/providertest"
)

// fakeNative starts a server that speaks SenseNova's classic native API
// (reference/providers.md §7) for b and returns its base URL (".../v1/llm").
//
// What it checks, as the real server does: the credential (the API key as
// "Bearer <key>" or bare, as VLMEvalKit sends it, or an HS256 JWT signed
// with the secret key: iss the access key id, nbf and exp in seconds,
// verified over the received bytes), and the documented parameter ranges
// (temperature (0, 2], top_p (0, 1), max_new_tokens >= 1).
//
// What it sends: the {"data":{…}} envelope with the answer as a plain
// string, stream frames "data:{json}" with no space after the colon and a
// final "data:[DONE]", every chunk with "status":{"code":0}. Error bodies
// are {"error":{"code":<int>,"message","details":[]}}; the HTTP statuses
// and messages that go with codes other than 7, 17 and 18 are [MEM].
func fakeNative(t *testing.T, b providertest.Behaviour) string {
	srv := httptest.NewServer(nativeHandler(b))
	t.Cleanup(srv.Close)
	return srv.URL + "/v1/llm"
}

func nativeHandler(b providertest.Behaviour) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/llm/chat-completions", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "fake-7f3a9c")
		var req struct {
			Model    string `json:"model"`
			Messages []struct {
				Role    string          `json:"role"`
				Content json.RawMessage `json:"content"`
			} `json:"messages"`
			MaxNewTokens *int     `json:"max_new_tokens"`
			Temperature  *float64 `json:"temperature"`
			TopP         *float64 `json:"top_p"`
			Stream       bool     `json:"stream"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			nativeError(w, http.StatusBadRequest, 3, "invalid request body: "+err.Error())
			return
		}
		credential := r.Header.Get("Authorization")
		rec := providertest.Received{Model: req.Model, Stream: req.Stream, Authenticated: authOK(credential, b.Config, time.Now())}
		for _, m := range req.Messages {
			msg, err := decodeNativeContent(m.Role, m.Content)
			if err != nil {
				nativeError(w, http.StatusBadRequest, 3, err.Error())
				return
			}
			rec.Messages = append(rec.Messages, msg)
		}
		if b.Record != nil {
			b.Record(rec)
		}
		if !rec.Authenticated && b.Scenario != providertest.AuthFailure {
			nativeError(w, http.StatusUnauthorized, 16, "Unauthenticated")
			return
		}
		switch {
		case req.Temperature != nil && (*req.Temperature <= 0 || *req.Temperature > 2):
			nativeError(w, http.StatusBadRequest, 3, "temperature must be in (0, 2]")
			return
		case req.TopP != nil && (*req.TopP <= 0 || *req.TopP >= 1):
			nativeError(w, http.StatusBadRequest, 3, "top_p must be in (0, 1)")
			return
		case req.MaxNewTokens != nil && *req.MaxNewTokens < 1:
			nativeError(w, http.StatusBadRequest, 3, "max_new_tokens must be >= 1")
			return
		}
		f := &nativeFake{b: b, w: w, stream: req.Stream}
		f.serve(r, credential)
	})
	return mux
}

// authOK reports whether credential presents cfg's API key or a valid JWT
// of its access key pair.
func authOK(credential string, cfg providers.Config, now time.Time) bool {
	tok := strings.TrimPrefix(credential, "Bearer ")
	if cfg.APIKey != "" && tok == cfg.APIKey {
		return true
	}
	if cfg.AccessKey == "" || !strings.HasPrefix(credential, "Bearer ") {
		return false
	}
	claims, err := verifyHS256(tok, cfg.SecretKey)
	if err != nil {
		return false
	}
	var c struct {
		Iss string `json:"iss"`
		Exp *int64 `json:"exp"`
		Nbf *int64 `json:"nbf"`
	}
	if json.Unmarshal(claims, &c) != nil || c.Iss != cfg.AccessKey || c.Exp == nil || c.Nbf == nil {
		return false
	}
	s := now.Unix()
	return *c.Nbf <= s && s < *c.Exp
}

// verifyHS256 checks an HS256 JWT's signature over the received bytes and
// returns its claims JSON.
func verifyHS256(tok, secret string) ([]byte, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || secret == "" {
		return nil, errors.New("not a JWT")
	}
	enc := base64.RawURLEncoding
	header, err := enc.DecodeString(parts[0])
	if err != nil {
		return nil, err
	}
	var h struct {
		Alg string `json:"alg"`
		Typ string `json:"typ"`
	}
	if json.Unmarshal(header, &h) != nil || h.Alg != "HS256" || h.Typ != "JWT" {
		return nil, errors.New("not an HS256 JWT")
	}
	sig, err := enc.DecodeString(parts[2])
	if err != nil {
		return nil, err
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(parts[0] + "." + parts[1]))
	if !hmac.Equal(sig, mac.Sum(nil)) {
		return nil, errors.New("bad signature")
	}
	return enc.DecodeString(parts[1])
}

// decodeNativeContent reads a message's content: a string, or parts of
// type text, image_base64 (bare base64; the server sniffs the media type)
// or image_url (a string URL, which this fake cannot fetch).
func decodeNativeContent(role string, raw json.RawMessage) (providers.Message, error) {
	msg := providers.Message{Role: role}
	if err := json.Unmarshal(raw, &msg.Text); err == nil {
		return msg, nil
	}
	var parts []struct {
		Type        string `json:"type"`
		Text        string `json:"text"`
		ImageBase64 string `json:"image_base64"`
	}
	if err := json.Unmarshal(raw, &parts); err != nil {
		return msg, fmt.Errorf("content must be a string or a list of parts")
	}
	for _, p := range parts {
		switch p.Type {
		case "text":
			msg.Text += p.Text
		case "image_base64":
			data, err := base64.StdEncoding.DecodeString(p.ImageBase64)
			if err != nil || strings.HasPrefix(p.ImageBase64, "data:") {
				return msg, fmt.Errorf("image_base64 is not bare base64")
			}
			msg.Images = append(msg.Images, providers.Image{MIME: http.DetectContentType(data), Data: data})
		default:
			return msg, fmt.Errorf("unsupported content type %q", p.Type)
		}
	}
	return msg, nil
}

func nativeError(w http.ResponseWriter, status int, code any, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": code, "message": msg, "details": []any{}}})
}

type nativeFake struct {
	b      providertest.Behaviour
	w      http.ResponseWriter
	stream bool
}

const fakeID = "5a9c1e3b-7d2f-4c68-9b0a-1e2d3c4b5a69"

func (f *nativeFake) serve(r *http.Request, credential string) {
	b, w := f.b, f.w
	switch b.Scenario {
	case providertest.Answer:
		f.answer(b.Text)
	case providertest.ContentFilter:
		if f.stream {
			// A stream's error is in its first block's status.
			w.Header().Set("Content-Type", "text/event-stream")
			f.frame(map[string]any{"data": map[string]any{"id": fakeID, "choices": []any{}}, "status": map[string]any{"code": 18, "message": "sensitive content detected"}})
			return
		}
		nativeError(w, http.StatusBadRequest, 18, "sensitive content detected")
	case providertest.RateLimit:
		w.Header().Set("Retry-After", strconv.Itoa(int(b.RetryAfter/time.Second)))
		nativeError(w, http.StatusTooManyRequests, 8, "rate limit exceeded")
	case providertest.Quota:
		// The string code is lagent's observation [3P]; the native API's own
		// balance code is not known.
		nativeError(w, http.StatusTooManyRequests, "insufficient_quota", "insufficient quota")
	case providertest.AuthFailure:
		// The echo of the credential is a test device: the kit checks that
		// the adapter keeps it out of its error.
		nativeError(w, http.StatusUnauthorized, 16, "invalid authorization: "+credential)
	case providertest.ServerError:
		nativeError(w, http.StatusInternalServerError, 13, "internal error")
	case providertest.BadRequest:
		nativeError(w, http.StatusBadRequest, 17, "context length exceeded")
	case providertest.CutStream:
		f.cutStream()
	case providertest.StallBody:
		if f.stream {
			f.cutStream()
		} else {
			providertest.WriteHalf(w, func(rw http.ResponseWriter) {
				g := *f
				g.w = rw
				g.answer(b.Text)
			})
		}
		providertest.Hold(w, r)
	case providertest.Garbage:
		if f.stream {
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, "data:{\"data\":{\"choices\":[{\"delta\":\"Hi\"\n\ndata:<html>502 Bad Gateway</html>\n\n")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, "<html><body>502 Bad Gateway</body></html>")
	case providertest.Oversize:
		f.oversize()
	case providertest.Stall:
		<-r.Context().Done()
	default:
		nativeError(w, http.StatusInternalServerError, 13, "fake: unknown scenario "+string(b.Scenario))
	}
}

// cutStream streams the first b.Cut bytes of the text (at a rune
// boundary) without a finish_reason or [DONE].
func (f *nativeFake) cutStream() {
	cut := f.b.Cut
	for cut > 0 && cut < len(f.b.Text) && !utf8.RuneStart(f.b.Text[cut]) {
		cut--
	}
	f.w.Header().Set("Content-Type", "text/event-stream")
	for _, piece := range split(f.b.Text[:cut]) {
		f.chunk(piece, "", 0)
	}
}

func (f *nativeFake) usage(completion int) map[string]any {
	in := f.b.Usage.InputTokens
	return map[string]any{"prompt_tokens": in, "knowledge_tokens": 0, "completion_tokens": completion, "total_tokens": in + completion}
}

func (f *nativeFake) answer(text string) {
	w := f.w
	if !f.stream {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{
			"id":      fakeID,
			"choices": []any{map[string]any{"index": 0, "role": "assistant", "message": text, "finish_reason": "stop"}},
			"usage":   f.usage(f.b.Usage.OutputTokens),
			"plugins": map[string]any{},
		}})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	pieces := split(text)
	for i, piece := range pieces {
		// Usage grows chunk by chunk; the last chunk has the totals.
		f.chunk(piece, "", f.b.Usage.OutputTokens*(i+1)/(len(pieces)+1))
	}
	f.chunk("", "stop", f.b.Usage.OutputTokens)
	fmt.Fprint(w, "data:[DONE]\n\n")
}

func (f *nativeFake) chunk(delta, finish string, completion int) {
	f.frame(map[string]any{
		"data": map[string]any{
			"id":      fakeID,
			"choices": []any{map[string]any{"index": 0, "role": "assistant", "delta": delta, "finish_reason": finish}},
			"usage":   f.usage(completion),
		},
		"status": map[string]any{"code": 0, "message": "ok"},
	})
}

// frame writes one event the native way: "data:" with no space.
func (f *nativeFake) frame(v any) {
	data, _ := json.Marshal(v)
	fmt.Fprintf(f.w, "data:%s\n\n", data)
	if fl, ok := f.w.(http.Flusher); ok {
		fl.Flush()
	}
}

// oversize writes a well-formed-looking body of more than b.Size bytes in
// pieces, so no Content-Length is sent.
func (f *nativeFake) oversize() {
	filler := strings.Repeat("很长的回答 ", 400)
	if f.stream {
		f.w.Header().Set("Content-Type", "text/event-stream")
		for n := int64(0); n <= f.b.Size; n += int64(len(filler)) {
			f.chunk(filler, "", 0)
		}
		fmt.Fprint(f.w, "data:[DONE]\n\n")
		return
	}
	f.w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(f.w, `{"data":{"id":%q,"choices":[{"index":0,"role":"assistant","message":"`, fakeID)
	for n := int64(0); n <= f.b.Size; n += int64(len(filler)) {
		if _, err := fmt.Fprint(f.w, filler); err != nil {
			return
		}
		if fl, ok := f.w.(http.Flusher); ok {
			fl.Flush()
		}
	}
	fmt.Fprint(f.w, `","finish_reason":"stop"}]}}`)
}

// split cuts text into pieces of a few runes, as a server streams tokens.
func split(text string) []string {
	var out []string
	runes := []rune(text)
	for i := 0; i < len(runes); i += 3 {
		out = append(out, string(runes[i:min(i+3, len(runes))]))
	}
	return out
}
