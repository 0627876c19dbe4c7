package gemini_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/providertest"
)

// fake starts an httptest server speaking the native Gemini API
// (reference/providers.md §3) for b and returns its base URL (".../v1beta").
// Like the real API it takes the key from x-goog-api-key or ?key=, parses
// the body as proto JSON (camelCase or snake_case names, unknown names
// rejected), and streams SSE only for alt=sse.
func fake(t *testing.T, b providertest.Behaviour) string {
	srv := httptest.NewServer(fakeHandler(b))
	t.Cleanup(srv.Close)
	return srv.URL + "/v1beta"
}

func fakeHandler(b providertest.Behaviour) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1beta/models/{call}", func(w http.ResponseWriter, r *http.Request) {
		model, method, ok := strings.Cut(r.PathValue("call"), ":")
		if !ok || (method != "generateContent" && method != "streamGenerateContent") {
			rpcError(w, http.StatusNotFound, "NOT_FOUND", "Method not found.", nil)
			return
		}
		key := r.Header.Get("x-goog-api-key")
		if key == "" {
			key = r.URL.Query().Get("key")
		}
		if key == "" && b.Config.APIKey != "" {
			rpcError(w, http.StatusForbidden, "PERMISSION_DENIED",
				"Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.", nil)
			return
		}
		var raw map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
			rpcError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid JSON payload received. "+err.Error(), nil)
			return
		}
		rec, problem := decodeRequest(raw)
		if problem != "" {
			rpcError(w, http.StatusBadRequest, "INVALID_ARGUMENT", problem, nil)
			return
		}
		rec.Model = model
		rec.Stream = method == "streamGenerateContent"
		rec.Authenticated = key == b.Config.APIKey
		if b.Record != nil {
			b.Record(rec)
		}
		f := fakeServer{b: b, w: w, stream: rec.Stream, sse: r.URL.Query().Get("alt") == "sse"}
		if !rec.Authenticated && b.Scenario != providertest.AuthFailure {
			f.b.Scenario = providertest.AuthFailure
		}
		f.serve(r)
	})
	return mux
}

// camel turns a proto field name in either JSON spelling into camelCase.
func camel(name string) string {
	var b strings.Builder
	up := false
	for _, r := range name {
		if r == '_' {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// fields normalises an object's keys to camelCase and rejects any not in
// known, as the API does ("Unknown name ...: Cannot find field.").
func fields(raw map[string]json.RawMessage, where string, known ...string) (map[string]json.RawMessage, string) {
	out := map[string]json.RawMessage{}
	for k, v := range raw {
		ck := camel(k)
		found := false
		for _, kn := range known {
			found = found || kn == ck
		}
		if !found {
			return nil, fmt.Sprintf("Invalid JSON payload received. Unknown name %q at '%s': Cannot find field.", k, where)
		}
		out[ck] = v
	}
	return out, ""
}

func object(raw json.RawMessage, where string, known ...string) (map[string]json.RawMessage, string) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Sprintf("Invalid JSON payload received. Invalid value at '%s'.", where)
	}
	return fields(m, where, known...)
}

// decodeRequest validates a generateContent body and returns what the
// server understood, or its complaint.
func decodeRequest(raw map[string]json.RawMessage) (providertest.Received, string) {
	var rec providertest.Received
	top, p := fields(raw, "", "contents", "systemInstruction", "generationConfig", "safetySettings", "tools", "toolConfig", "cachedContent")
	if p != "" {
		return rec, p
	}
	if gc, ok := top["generationConfig"]; ok {
		cfg, p := object(gc, "generation_config", "temperature", "topP", "topK", "maxOutputTokens", "seed", "stopSequences",
			"candidateCount", "responseMimeType", "responseSchema", "presencePenalty", "frequencyPenalty", "thinkingConfig")
		if p != "" {
			return rec, p
		}
		if t, ok := cfg["temperature"]; ok {
			v, err := strconv.ParseFloat(string(t), 64)
			if err != nil || v < 0 || v > 2 {
				return rec, "Invalid value at 'generation_config.temperature' (TYPE_FLOAT), must be in [0.0, 2.0]"
			}
		}
	}
	if si, ok := top["systemInstruction"]; ok {
		msg, p := decodeContent(si, "system_instruction")
		if p != "" {
			return rec, p
		}
		rec.Messages = append(rec.Messages, providers.Message{Role: providers.RoleSystem, Text: msg.Text})
	}
	var contents []json.RawMessage
	if err := json.Unmarshal(top["contents"], &contents); err != nil || len(contents) == 0 {
		return rec, "* GenerateContentRequest.contents: contents is not specified"
	}
	for i, c := range contents {
		msg, p := decodeContent(c, fmt.Sprintf("contents[%d]", i))
		if p != "" {
			return rec, p
		}
		switch msg.Role {
		case "user", "":
			msg.Role = providers.RoleUser
		case "model":
			msg.Role = providers.RoleAssistant
		default:
			return rec, "Please use a valid role: user, model."
		}
		rec.Messages = append(rec.Messages, msg)
	}
	return rec, ""
}

func decodeContent(raw json.RawMessage, where string) (providers.Message, string) {
	var msg providers.Message
	c, p := object(raw, where, "role", "parts")
	if p != "" {
		return msg, p
	}
	if r, ok := c["role"]; ok {
		json.Unmarshal(r, &msg.Role)
	}
	var parts []json.RawMessage
	if err := json.Unmarshal(c["parts"], &parts); err != nil || len(parts) == 0 {
		return msg, fmt.Sprintf("* GenerateContentRequest.%s.parts: contents.parts must not be empty.", where)
	}
	for j, rp := range parts {
		pw := fmt.Sprintf("%s.parts[%d]", where, j)
		part, p := object(rp, pw, "text", "inlineData", "thought", "fileData")
		if p != "" {
			return msg, p
		}
		if t, ok := part["text"]; ok {
			var s string
			json.Unmarshal(t, &s)
			if s == "" {
				return msg, "Unable to submit request because it has an empty text parameter. Add a value to the parameter and try again."
			}
			msg.Text += s
		}
		if d, ok := part["inlineData"]; ok {
			blob, p := object(d, pw+".inline_data", "mimeType", "data")
			if p != "" {
				return msg, p
			}
			var mime, data string
			json.Unmarshal(blob["mimeType"], &mime)
			json.Unmarshal(blob["data"], &data)
			bytes, err := base64.StdEncoding.DecodeString(data)
			if err != nil || mime == "" {
				return msg, fmt.Sprintf("Invalid value at '%s.inline_data.data' (TYPE_BYTES), Base64 decoding failed", pw)
			}
			msg.Images = append(msg.Images, providers.Image{MIME: mime, Data: bytes})
		}
	}
	return msg, ""
}

func rpcError(w http.ResponseWriter, status int, rpcStatus, msg string, details []any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	e := map[string]any{"code": status, "message": msg, "status": rpcStatus}
	if details != nil {
		e["details"] = details
	}
	json.NewEncoder(w).Encode(map[string]any{"error": e})
}

type fakeServer struct {
	b           providertest.Behaviour
	w           http.ResponseWriter
	stream, sse bool
}

func quotaFailure(quotaID string) map[string]any {
	return map[string]any{"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": []any{map[string]any{
		"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests", "quotaId": quotaID,
		"quotaDimensions": map[string]any{"location": "global", "model": "gemini-2.5-flash"}, "quotaValue": "10",
	}}}
}

func (f *fakeServer) serve(r *http.Request) {
	b, w := f.b, f.w
	switch b.Scenario {
	case providertest.Answer:
		f.answer(b.Text, "STOP", false)
	case providertest.ContentFilter:
		f.answer(b.Text, "SAFETY", true)
	case providertest.RateLimit:
		rpcError(w, http.StatusTooManyRequests, "RESOURCE_EXHAUSTED",
			"You exceeded your current quota, please check your plan and billing details.", []any{
				quotaFailure("GenerateRequestsPerMinutePerProjectPerModel-FreeTier"),
				map[string]any{"@type": "type.googleapis.com/google.rpc.Help", "links": []any{map[string]any{"description": "Learn more", "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}}},
				map[string]any{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": fmt.Sprintf("%gs", b.RetryAfter.Seconds())},
			})
	case providertest.Quota:
		rpcError(w, http.StatusTooManyRequests, "RESOURCE_EXHAUSTED",
			"You exceeded your current quota, please check your plan and billing details.", []any{
				quotaFailure("GenerateRequestsPerDayPerProjectPerModel-FreeTier"),
				map[string]any{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "41s"},
			})
	case providertest.AuthFailure:
		rpcError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", []any{
			map[string]any{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com",
				"metadata": map[string]any{"service": "generativelanguage.googleapis.com"}},
			map[string]any{"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US", "message": "API key not valid. Please pass a valid API key."},
		})
	case providertest.ServerError:
		rpcError(w, http.StatusServiceUnavailable, "UNAVAILABLE", "The model is overloaded. Please try again later.", nil)
	case providertest.BadRequest:
		rpcError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "* GenerateContentRequest.generation_config.max_output_tokens: max_output_tokens must be positive.", nil)
	case providertest.CutStream:
		f.cutStream()
	case providertest.StallBody:
		if f.stream {
			f.cutStream()
		} else {
			providertest.WriteHalf(w, func(rw http.ResponseWriter) {
				g := *f
				g.w = rw
				g.answer(b.Text, "STOP", false)
			})
		}
		providertest.Hold(w, r)
	case providertest.Garbage:
		if f.stream {
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hi\"}\r\n\r\ndata: <html>502 Bad Gateway</html>\r\n\r\n")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, "<html><body>502 Bad Gateway</body></html>")
	case providertest.Oversize:
		filler := strings.Repeat("lorem ipsum ", 512)
		if f.stream {
			f.startStream()
			for n := int64(0); n <= b.Size; n += int64(len(filler)) {
				f.chunk(f.response(filler, "", false))
			}
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		fmt.Fprint(w, `{"candidates":[{"content":{"role":"model","parts":[{"text":"`)
		for n := int64(0); n <= b.Size; n += int64(len(filler)) {
			if _, err := fmt.Fprint(w, filler); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
		fmt.Fprint(w, `"}]},"finishReason":"STOP","index":0}]}`)
	case providertest.Stall:
		<-r.Context().Done()
	default:
		rpcError(w, http.StatusInternalServerError, "INTERNAL", "fake: unknown scenario "+string(b.Scenario), nil)
	}
}

// response builds one GenerateContentResponse. A blocked candidate has
// no content, only its finish reason and safety ratings.
func (f *fakeServer) response(text, finish string, blocked bool) map[string]any {
	cand := map[string]any{"index": 0}
	if !blocked {
		cand["content"] = map[string]any{"role": "model", "parts": []any{map[string]any{"text": text}}}
	}
	if finish != "" {
		cand["finishReason"] = finish
	}
	if blocked {
		cand["safetyRatings"] = []any{map[string]any{"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH", "blocked": true}}
	}
	return map[string]any{"candidates": []any{cand}, "modelVersion": f.b.Model, "responseId": "fakeResponseId"}
}

func (f *fakeServer) usage(out int) map[string]any {
	in := f.b.Usage.InputTokens
	return map[string]any{"promptTokenCount": in, "candidatesTokenCount": out, "totalTokenCount": in + out,
		"promptTokensDetails": []any{map[string]any{"modality": "TEXT", "tokenCount": in}}}
}

// answer sends text, then finish. A prompt-level block (blocked, not
// streamed) comes back as promptFeedback with no candidates; a streamed
// block sends some text and then a blocked candidate.
func (f *fakeServer) answer(text, finish string, blocked bool) {
	b, w := f.b, f.w
	if !f.stream {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		resp := f.response(text, finish, false)
		resp["usageMetadata"] = f.usage(b.Usage.OutputTokens)
		if blocked {
			resp = map[string]any{"promptFeedback": map[string]any{"blockReason": "SAFETY", "safetyRatings": []any{}},
				"usageMetadata": f.usage(0), "modelVersion": b.Model}
		}
		json.NewEncoder(w).Encode(resp)
		return
	}
	if !f.sse {
		// Without alt=sse the API streams one JSON array; the adapter never
		// asks for that, so the fake sends it to catch one that does.
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		json.NewEncoder(w).Encode([]any{f.response(text, finish, false)})
		return
	}
	f.startStream()
	pieces := split(text)
	for i, piece := range pieces {
		resp := f.response(piece, "", false)
		resp["usageMetadata"] = f.usage(0)
		if i == len(pieces)-1 && !blocked {
			resp = f.response(piece, finish, false)
			resp["usageMetadata"] = f.usage(b.Usage.OutputTokens)
		}
		f.chunk(resp)
	}
	if blocked {
		resp := f.response("", finish, true)
		resp["usageMetadata"] = f.usage(3)
		f.chunk(resp)
	}
}

// cutStream streams the first b.Cut bytes of the text (at a rune
// boundary) in chunks without a finishReason.
func (f *fakeServer) cutStream() {
	cut := f.b.Cut
	for cut > 0 && cut < len(f.b.Text) && !utf8.RuneStart(f.b.Text[cut]) {
		cut--
	}
	f.startStream()
	for _, piece := range split(f.b.Text[:cut]) {
		f.chunk(f.response(piece, "", false))
	}
}

func (f *fakeServer) startStream() {
	f.w.Header().Set("Content-Type", "text/event-stream")
	f.w.Header().Set("Cache-Control", "no-cache")
}

// chunk sends one SSE event, with the CRLF line ends Google's servers use.
func (f *fakeServer) chunk(v any) {
	data, _ := json.Marshal(v)
	fmt.Fprintf(f.w, "data: %s\r\n\r\n", data)
	if fl, ok := f.w.(http.Flusher); ok {
		fl.Flush()
	}
}

func split(text string) []string {
	var out []string
	runes := []rune(text)
	for i := 0; i < len(runes); i += 5 {
		out = append(out, string(runes[i:min(i+5, len(runes))]))
	}
	return out
}
