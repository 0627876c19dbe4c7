package qianfan

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/providertest"
)

// ernieFake is a fake of the Qianfan v1 API (reference §5b): the OAuth
// token endpoint and the wenxinworkshop chat endpoints, checking access
// tokens (issued by itself, with their expiry) or BCE v1 signatures
// (recomputed from the request received, honouring the signature's
// expiration). Errors are HTTP 200 bodies {"error_code","error_msg"} as the
// real service sends them. Safe for concurrent use.
type ernieFake struct {
	b providertest.Behaviour
	// lifetime of the tokens issued (Baidu's 30 days when zero).
	lifetime time.Duration
	// limited is how many chat calls are rate-limited before the fake
	// behaves as b says; retryAfter, when set, is sent as a Retry-After
	// header with those limits (Baidu sends none; a gateway might).
	limited    int
	retryAfter string
	// reject, when set, is the error_code the next chat calls get
	// (consumed one per call).
	reject []int64

	mu        sync.Mutex
	tokens    map[string]time.Time // issued token → expiry
	fetches   int                  // token requests answered with a token
	endpoints []string             // chat endpoints called, in order
	usedToken []string             // access_token of each chat call
}

func newErnieFake(b providertest.Behaviour) *ernieFake {
	return &ernieFake{b: b, tokens: map[string]time.Time{}}
}

func (f *ernieFake) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/2.0/token", f.token)
	mux.HandleFunc("POST /rpc/2.0/ai_custom/v1/wenxinworkshop/chat/{endpoint}", f.chat)
	return mux
}

// start serves the fake and returns the base URL for a v1 target.
func (f *ernieFake) start(t *testing.T) string {
	srv := httptest.NewServer(f.handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

// ernieFakeKit is the providertest Fake for both v1 modes.
func ernieFakeKit(t *testing.T, b providertest.Behaviour) string {
	return newErnieFake(b).start(t)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (f *ernieFake) token(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("grant_type") != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type", "error_description": "The authorization grant type is not supported"})
		return
	}
	id, secret := q.Get("client_id"), q.Get("client_secret")
	if f.b.Scenario == providertest.AuthFailure || id != f.b.Config.AccessKey || secret != f.b.Config.SecretKey {
		// Baidu answers {"error":"invalid_client",...}; the HTTP status
		// (401) is [MEM]. The description echoes what was received, as the
		// kit asks, so the adapter must keep it out of its error.
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client",
			"error_description": fmt.Sprintf("Client authentication failed (client_id %s, client_secret %s)", id, secret)})
		return
	}
	life := f.lifetime
	if life == 0 {
		life = 30 * 24 * time.Hour
	}
	f.mu.Lock()
	f.fetches++
	tok := fmt.Sprintf("24.fake%032x.%d.%d-%d", f.fetches, int(life/time.Second), time.Now().Unix(), f.fetches)
	f.tokens[tok] = time.Now().Add(life)
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"refresh_token": "25.fake-refresh", "expires_in": int(life / time.Second), "session_key": "9mzdfake",
		"access_token": tok, "scope": "public brain_all_scope wenxinworkshop_mgr", "session_secret": "fake",
	})
}

// chatRequest is the v1 body as the fake decodes it.
type chatRequest struct {
	Messages []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
	System      string   `json:"system"`
	Temperature *float64 `json:"temperature"`
	Stream      bool     `json:"stream"`
	Seed        *int64   `json:"seed"`
}

func ernieError(w http.ResponseWriter, code int64, msg string) {
	writeJSON(w, http.StatusOK, map[string]any{"error_code": code, "error_msg": msg})
}

func (f *ernieFake) chat(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	endpoint := r.PathValue("endpoint")
	authCode, authMsg := f.authenticate(r)
	var req chatRequest
	if err := json.Unmarshal(body, &req); err != nil {
		ernieError(w, 336002, "Invalid JSON")
		return
	}
	rec := providertest.Received{Model: endpoint, Stream: req.Stream, Authenticated: authCode == 0}
	if req.System != "" {
		rec.Messages = append(rec.Messages, providers.Message{Role: providers.RoleSystem, Text: req.System})
	}
	for _, m := range req.Messages {
		rec.Messages = append(rec.Messages, providers.Message{Role: m.Role, Text: m.Content})
	}
	f.mu.Lock()
	f.endpoints = append(f.endpoints, endpoint)
	f.usedToken = append(f.usedToken, r.URL.Query().Get("access_token"))
	limited := f.limited > 0
	if limited {
		f.limited--
	}
	var reject int64
	if len(f.reject) > 0 {
		reject, f.reject = f.reject[0], f.reject[1:]
	}
	f.mu.Unlock()
	if f.b.Record != nil {
		f.b.Record(rec)
	}
	switch {
	case authCode != 0:
		ernieError(w, authCode, authMsg)
		return
	case reject != 0:
		ernieError(w, reject, "rejected by the test")
		return
	}
	if msg := validate(&req); msg != "" {
		ernieError(w, 336003, msg)
		return
	}
	if limited {
		if f.retryAfter != "" {
			w.Header().Set("Retry-After", f.retryAfter)
		}
		ernieError(w, 336501, "Rpm limit reached")
		return
	}
	f.serve(w, r, req.Stream)
}

// authenticate checks the call's access token or BCE signature; it
// returns 0 when they are good, else the error code and message the real
// service gives.
func (f *ernieFake) authenticate(r *http.Request) (int64, string) {
	if tok := r.URL.Query().Get("access_token"); tok != "" {
		f.mu.Lock()
		exp, ok := f.tokens[tok]
		f.mu.Unlock()
		switch {
		case !ok:
			return 110, "Access token invalid or no longer valid"
		case !time.Now().Before(exp):
			return 111, "Access token expired"
		}
		return 0, ""
	}
	authz := r.Header.Get("Authorization")
	if authz == "" {
		return 110, "Access token invalid or no longer valid"
	}
	if f.b.Scenario == providertest.AuthFailure {
		return 14, "IAM Certification failed: " + authz
	}
	if err := verifyBCE(r, f.b.Config.AccessKey, f.b.Config.SecretKey, time.Now()); err != nil {
		return 14, "IAM Certification failed: " + err.Error()
	}
	return 0, ""
}

// verifyBCE recomputes a request's BCE v1 signature from what was
// received: the prefix and the signed-header list come from the
// Authorization header, the values from the request.
func verifyBCE(r *http.Request, ak, sk string, now time.Time) error {
	parts := strings.Split(r.Header.Get("Authorization"), "/")
	if len(parts) != 6 || parts[0] != "bce-auth-v1" {
		return fmt.Errorf("malformed authorization")
	}
	if parts[1] != ak {
		return fmt.Errorf("unknown access key %s", parts[1])
	}
	ts, err := time.Parse("2006-01-02T15:04:05Z", parts[2])
	if err != nil {
		return fmt.Errorf("bad timestamp %q", parts[2])
	}
	exp, err := strconv.Atoi(parts[3])
	if err != nil || exp <= 0 {
		return fmt.Errorf("bad expiration %q", parts[3])
	}
	if now.Before(ts.Add(-5*time.Minute)) || now.After(ts.Add(time.Duration(exp)*time.Second)) {
		return fmt.Errorf("signature expired")
	}
	var signed []string
	if parts[4] != "" {
		signed = strings.Split(parts[4], ";")
	}
	headers := map[string]string{"host": r.Host}
	for k, vs := range r.Header {
		if !strings.EqualFold(k, "Authorization") && len(vs) > 0 {
			headers[strings.ToLower(k)] = vs[0]
		}
	}
	// The path as the client sent it (RequestURI), before any prefix was
	// stripped on the way here.
	path := r.URL.Path
	if u, err := url.ParseRequestURI(r.RequestURI); err == nil {
		path = u.Path
	}
	want := signBCE(ak, sk, bceRequest{Method: r.Method, Path: path, Query: r.URL.Query(), Headers: headers}, parts[2], exp, signed)
	if want.Authorization != r.Header.Get("Authorization") {
		return fmt.Errorf("signature mismatch")
	}
	return nil
}

// validate applies the v1 API's rules to a body; it returns the message
// of the 336003 error for a body that breaks one.
func validate(req *chatRequest) string {
	if len(req.Messages)%2 == 0 {
		return "the length of messages must be an odd number"
	}
	for i, m := range req.Messages {
		want := "user"
		if i%2 == 1 {
			want = "assistant"
		}
		if m.Role != want {
			return fmt.Sprintf("message %d: role must be %s", i, want)
		}
	}
	if t := req.Temperature; t != nil && (*t <= 0 || *t > 1) {
		return "temperature range is (0, 1.0]"
	}
	if req.Seed != nil {
		return "unknown field seed"
	}
	return ""
}

func (f *ernieFake) usage(out int) map[string]any {
	in := f.b.Usage.InputTokens
	return map[string]any{"prompt_tokens": in, "completion_tokens": out, "total_tokens": in + out}
}

func (f *ernieFake) serve(w http.ResponseWriter, r *http.Request, stream bool) {
	b := f.b
	w.Header().Set("X-Ratelimit-Limit-Requests", "300")
	w.Header().Set("X-Ratelimit-Remaining-Requests", "299")
	switch b.Scenario {
	case providertest.Answer:
		f.answer(w, stream)
	case providertest.ContentFilter:
		answer := map[string]any{"id": "as-fake", "object": "chat.completion", "created": 1718167153,
			"result": "抱歉，这个问题我无法回答。", "is_truncated": false, "need_clear_history": true, "ban_round": -1,
			"usage": f.usage(0)}
		if !stream {
			writeJSON(w, http.StatusOK, answer)
			return
		}
		answer["sentence_id"], answer["is_end"] = 0, true
		w.Header().Set("Content-Type", "text/event-stream")
		event(w, answer)
	case providertest.RateLimit:
		ernieError(w, 336501, "Rpm limit reached")
	case providertest.Quota:
		ernieError(w, 17, "Open api daily request limit reached")
	case providertest.ServerError:
		ernieError(w, 2, "Service temporarily unavailable")
	case providertest.BadRequest:
		ernieError(w, 336001, "Invalid Argument")
	case providertest.CutStream:
		f.cutStream(w)
	case providertest.StallBody:
		if stream {
			f.cutStream(w)
		} else {
			providertest.WriteHalf(w, func(rw http.ResponseWriter) { f.answer(rw, false) })
		}
		providertest.Hold(w, r)
	case providertest.Garbage:
		if stream {
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, "data: {\"id\":\"as-x\",\"result\":\"Hi\"\n\ndata: <html>502 Bad Gateway</html>\n\n")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, "<html><body>502 Bad Gateway</body></html>")
	case providertest.Oversize:
		filler := strings.Repeat("lorem ipsum ", 512)
		if stream {
			w.Header().Set("Content-Type", "text/event-stream")
			for n := int64(0); n <= b.Size; n += int64(len(filler)) {
				event(w, map[string]any{"id": "as-big", "is_end": false, "result": filler})
			}
			event(w, map[string]any{"id": "as-big", "is_end": true, "result": ""})
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":"as-big","object":"chat.completion","result":"`)
		for n := int64(0); n <= b.Size; n += int64(len(filler)) {
			if _, err := fmt.Fprint(w, filler); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
		fmt.Fprint(w, `","is_truncated":false}`)
	case providertest.Stall:
		<-r.Context().Done()
	default:
		ernieError(w, 1, "fake: unknown scenario "+string(b.Scenario))
	}
}

// answer sends b.Text as a whole answer or as a stream.
func (f *ernieFake) answer(w http.ResponseWriter, stream bool) {
	b := f.b
	if !stream {
		writeJSON(w, http.StatusOK, map[string]any{
			"id": "as-fake", "object": "chat.completion", "created": 1718167153, "result": b.Text,
			"is_truncated": false, "need_clear_history": false, "finish_reason": "normal", "usage": f.usage(b.Usage.OutputTokens),
		})
		return
	}
	pieces := split(b.Text)
	w.Header().Set("Content-Type", "text/event-stream")
	for i, p := range pieces {
		last := i == len(pieces)-1
		out := b.Usage.OutputTokens * (i + 1) / len(pieces)
		chunk := map[string]any{"id": "as-fake", "object": "chat.completion", "created": 1718167153,
			"sentence_id": i, "is_end": last, "is_truncated": false, "result": p, "need_clear_history": false,
			"usage": f.usage(out)}
		if last {
			chunk["finish_reason"] = "normal"
		}
		event(w, chunk)
	}
}

// cutStream streams the first b.Cut bytes of the text (at a rune
// boundary) in chunks none of which has is_end.
func (f *ernieFake) cutStream(w http.ResponseWriter) {
	cut := f.b.Cut
	for cut > 0 && cut < len(f.b.Text) && !utf8.RuneStart(f.b.Text[cut]) {
		cut--
	}
	w.Header().Set("Content-Type", "text/event-stream")
	for i, p := range split(f.b.Text[:cut]) {
		event(w, map[string]any{"id": "as-fake", "sentence_id": i, "is_end": false, "result": p, "usage": f.usage(0)})
	}
}

// event writes one SSE frame and flushes it.
func event(w http.ResponseWriter, v any) {
	data, _ := json.Marshal(v)
	fmt.Fprintf(w, "data: %s\n\n", data)
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
}

// split cuts text into pieces at rune boundaries, as a server streams.
func split(text string) []string {
	var out []string
	runes := []rune(text)
	for i := 0; i < len(runes); i += 5 {
		out = append(out, string(runes[i:min(i+5, len(runes))]))
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}

// v2Fake is a fake of the v2 API: the OpenAI wire format of
// providertest.OpenAIHandler, served under /v2, with Qianfan's own error
// bodies ({"error":{"code","message","type"},"id"}, reference §5a and
// Baidu's v2 error-code page) where they differ. Baidu documents no
// Retry-After and no billing error for v2, so the fake sends neither.
func v2Fake(t *testing.T, b providertest.Behaviour) string {
	openaiHandler := providertest.OpenAIHandler(b)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v2/chat/completions", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		var req struct {
			Model       string   `json:"model"`
			Stream      bool     `json:"stream"`
			Temperature *float64 `json:"temperature"`
		}
		json.Unmarshal(body, &req)
		qerr := func(status int, code, typ, msg string) {
			if b.Record != nil {
				b.Record(providertest.Received{Model: req.Model, Stream: req.Stream,
					Authenticated: r.Header.Get("Authorization") == "Bearer "+b.Config.APIKey})
			}
			writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg, "type": typ}, "id": "as-fake"})
		}
		switch {
		case b.Scenario == providertest.RateLimit:
			qerr(http.StatusTooManyRequests, "rpm_rate_limit_exceeded", "rate_limit_exceeded", "Rate limit reached for RPM")
		case b.Scenario == providertest.AuthFailure:
			qerr(http.StatusUnauthorized, "access_denied", "invalid_request_error",
				"Access denied for "+strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		case b.Scenario == providertest.BadRequest:
			qerr(http.StatusBadRequest, "invalid_argument", "invalid_request_error", "invalid argument: top_p")
		case b.Scenario == providertest.ServerError:
			qerr(http.StatusInternalServerError, "internal_error", "internal_error", "Internal error")
		case req.Temperature != nil && (*req.Temperature <= 0 || *req.Temperature > 1):
			qerr(http.StatusBadRequest, "invalid_argument", "invalid_request_error", "temperature range is (0, 1.0]")
		default:
			r2 := r.Clone(r.Context())
			r2.URL.Path = "/v1/chat/completions"
			r2.Body = io.NopCloser(strings.NewReader(string(body)))
			openaiHandler.ServeHTTP(w, r2)
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + "/v2"
}
