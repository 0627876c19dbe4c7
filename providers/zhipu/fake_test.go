package zhipu_test

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

// fakeZhipu starts a server that speaks Zhipu's v4 chat API
// (reference/providers.md §4) for b and returns its base URL
// (".../api/paas/v4"). Like the real server it accepts the API key as a
// bearer token or as the legacy JWT signed with the key's secret half; the
// JWT is verified over the received bytes, with its times in milliseconds.
func fakeZhipu(t *testing.T, b providertest.Behaviour) string {
	srv := httptest.NewServer(zhipuHandler(b))
	t.Cleanup(srv.Close)
	return srv.URL + "/api/paas/v4"
}

func zhipuHandler(b providertest.Behaviour) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/paas/v4/chat/completions", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Model    string `json:"model"`
			Messages []struct {
				Role    string          `json:"role"`
				Content json.RawMessage `json:"content"`
			} `json:"messages"`
			Stream bool `json:"stream"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			zhipuError(w, http.StatusBadRequest, "1214", "请求参数非法: "+err.Error())
			return
		}
		rec := providertest.Received{Model: req.Model, Stream: req.Stream}
		credential := r.Header.Get("Authorization")
		authCode, authMsg := checkAuth(credential, b.Config.APIKey, time.Now())
		rec.Authenticated = authCode == ""
		for _, m := range req.Messages {
			msg, err := decodeContent(m.Role, m.Content)
			if err != nil {
				zhipuError(w, http.StatusBadRequest, "1214", err.Error())
				return
			}
			rec.Messages = append(rec.Messages, msg)
		}
		if b.Record != nil {
			b.Record(rec)
		}
		f := &zhipuFake{b: b, w: w, stream: req.Stream}
		if !rec.Authenticated && b.Scenario != providertest.AuthFailure {
			// The wrong credential gets the real answer, whatever was asked.
			zhipuError(w, http.StatusUnauthorized, authCode, authMsg)
			return
		}
		f.serve(r, credential)
	})
	return mux
}

// checkAuth returns "" when credential presents key, or Zhipu's auth code
// and message ([MEM] message texts) otherwise.
func checkAuth(credential, key string, now time.Time) (code, msg string) {
	tok, ok := strings.CutPrefix(credential, "Bearer ")
	switch {
	case credential == "":
		return "1001", "Header中未收到Authorization参数，无法进行身份验证。"
	case !ok:
		return "1002", "Authorization Token非法，请确认Authorization Token正确传递。"
	case tok == key && key != "":
		return "", ""
	}
	id, secret, _ := strings.Cut(key, ".")
	claims, err := verifyHS256(tok, secret)
	if err != nil {
		return "1002", "Authorization Token非法，请确认Authorization Token正确传递。"
	}
	var c struct {
		APIKey    string `json:"api_key"`
		Exp       *int64 `json:"exp"`
		Timestamp *int64 `json:"timestamp"`
	}
	if json.Unmarshal(claims, &c) != nil || c.APIKey != id || c.Exp == nil || c.Timestamp == nil {
		return "1002", "Authorization Token非法，请确认Authorization Token正确传递。"
	}
	ms := now.UnixMilli()
	if *c.Exp <= ms || *c.Timestamp > ms+5000 {
		return "1003", "Authorization Token已过期，请重新生成/获取。"
	}
	return "", ""
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
	}
	if json.Unmarshal(header, &h) != nil || h.Alg != "HS256" {
		return nil, errors.New("not HS256")
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

// decodeContent reads a message's content: a string, or OpenAI-style parts
// whose image_url.url is bare base64 or an http(s) URL. A data: URL is
// refused: the SDK never sends one and the live server is not known to
// take it.
func decodeContent(role string, raw json.RawMessage) (providers.Message, error) {
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
		return msg, fmt.Errorf("messages.content 格式错误")
	}
	for _, p := range parts {
		switch p.Type {
		case "text":
			msg.Text += p.Text
		case "image_url":
			if strings.HasPrefix(p.ImageURL.URL, "data:") {
				return msg, fmt.Errorf("图片输入格式/解析错误: data URL")
			}
			data, err := base64.StdEncoding.DecodeString(p.ImageURL.URL)
			if err != nil {
				return msg, fmt.Errorf("图片输入格式/解析错误: %v", err)
			}
			// Bare base64 carries no media type: the server sniffs it.
			msg.Images = append(msg.Images, providers.Image{MIME: http.DetectContentType(data), Data: data})
		default:
			return msg, fmt.Errorf("不支持的 content type %q", p.Type)
		}
	}
	return msg, nil
}

func zhipuError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": code, "message": msg}})
}

type zhipuFake struct {
	b      providertest.Behaviour
	w      http.ResponseWriter
	stream bool
}

const (
	fakeID      = "8635243129834723621"
	fakeCreated = 1715329207
)

func (f *zhipuFake) serve(r *http.Request, credential string) {
	b, w := f.b, f.w
	switch b.Scenario {
	case providertest.Answer:
		f.answer(b.Text, "stop")
	case providertest.ContentFilter:
		if f.stream {
			// Streaming moderation: the stream ends with finish_reason
			// "sensitive" after whatever was already sent.
			f.answer(b.Text[:b.Cut], "sensitive")
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"contentFilter":[{"level":1,"role":"user"}],"error":{"code":"1301","message":"系统检测到输入或生成内容可能包含不安全或敏感内容，请您避免输入易产生敏感内容的提示语，感谢您的配合。"}}`)
	case providertest.RateLimit:
		// Zhipu documents no delay header; a plain Retry-After (which a
		// gateway in front of it may send) is what the adapter honours.
		w.Header().Set("Retry-After", strconv.Itoa(int(b.RetryAfter/time.Second)))
		zhipuError(w, http.StatusTooManyRequests, "1302", "您当前使用该API的并发数过高，请降低并发，或联系客服增加限额。")
	case providertest.Quota:
		zhipuError(w, http.StatusTooManyRequests, "1113", "您的账户已欠费，请充值后重试。")
	case providertest.AuthFailure:
		// The echo of the credential is a test device: the kit checks that
		// the adapter keeps it out of its error.
		zhipuError(w, http.StatusUnauthorized, "1002", "Authorization Token非法，请确认Authorization Token正确传递。 "+credential)
	case providertest.ServerError:
		zhipuError(w, http.StatusInternalServerError, "500", "Internal Error")
	case providertest.BadRequest:
		zhipuError(w, http.StatusBadRequest, "1211", "模型不存在，请检查模型代码。")
	case providertest.CutStream:
		f.cutStream()
	case providertest.StallBody:
		if f.stream {
			f.cutStream()
		} else {
			providertest.WriteHalf(w, func(rw http.ResponseWriter) {
				g := *f
				g.w = rw
				g.answer(b.Text, "stop")
			})
		}
		providertest.Hold(w, r)
	case providertest.Garbage:
		if f.stream {
			w.Header().Set("Content-Type", "text/event-stream;charset=UTF-8")
			fmt.Fprint(w, "data: {\"id\":\"1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"\n\ndata: <html>502 Bad Gateway</html>\n\n")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, "<html><body>502 Bad Gateway</body></html>")
	case providertest.Oversize:
		f.oversize()
	case providertest.Stall:
		<-r.Context().Done()
	default:
		zhipuError(w, http.StatusInternalServerError, "500", "fake: unknown scenario "+string(b.Scenario))
	}
}

// cutStream streams the first b.Cut bytes of the text (at a rune
// boundary) without a finish_reason or [DONE].
func (f *zhipuFake) cutStream() {
	cut := f.b.Cut
	for cut > 0 && cut < len(f.b.Text) && !utf8.RuneStart(f.b.Text[cut]) {
		cut--
	}
	f.w.Header().Set("Content-Type", "text/event-stream;charset=UTF-8")
	for _, piece := range split(f.b.Text[:cut]) {
		f.chunk(map[string]any{"role": "assistant", "content": piece}, "", false)
	}
}

func (f *zhipuFake) usage() map[string]any {
	u := f.b.Usage
	return map[string]any{"prompt_tokens": u.InputTokens, "completion_tokens": u.OutputTokens, "total_tokens": u.InputTokens + u.OutputTokens}
}

// answer replies with text. A stream's last chunk carries the finish
// reason and the usage, as Zhipu sends them; then "data: [DONE]".
func (f *zhipuFake) answer(text, finish string) {
	w := f.w
	if !f.stream {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		json.NewEncoder(w).Encode(map[string]any{
			"id": fakeID, "created": fakeCreated, "model": f.b.Model, "request_id": "req-zhipu-fake",
			"choices": []any{map[string]any{"index": 0, "finish_reason": finish,
				"message": map[string]any{"role": "assistant", "content": text, "reasoning_content": nil, "tool_calls": nil}}},
			"usage": f.usage(),
		})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-cache")
	for _, piece := range split(text) {
		f.chunk(map[string]any{"role": "assistant", "content": piece}, "", false)
	}
	f.chunk(map[string]any{"role": "assistant", "content": ""}, finish, true)
	fmt.Fprint(w, "data: [DONE]\n\n")
}

func (f *zhipuFake) chunk(delta map[string]any, finish string, usage bool) {
	ch := map[string]any{"index": 0, "delta": delta}
	if finish != "" {
		ch["finish_reason"] = finish
	}
	c := map[string]any{"id": fakeID, "created": fakeCreated, "model": f.b.Model, "choices": []any{ch}}
	if usage {
		c["usage"] = f.usage()
	}
	data, _ := json.Marshal(c)
	fmt.Fprintf(f.w, "data: %s\n\n", data)
	if fl, ok := f.w.(http.Flusher); ok {
		fl.Flush()
	}
}

// oversize writes a well-formed-looking body of more than b.Size bytes in
// pieces, so no Content-Length is sent.
func (f *zhipuFake) oversize() {
	filler := strings.Repeat("很长的回答 ", 400)
	if f.stream {
		f.w.Header().Set("Content-Type", "text/event-stream;charset=UTF-8")
		for n := int64(0); n <= f.b.Size; n += int64(len(filler)) {
			f.chunk(map[string]any{"content": filler}, "", false)
		}
		fmt.Fprint(f.w, "data: [DONE]\n\n")
		return
	}
	f.w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	fmt.Fprintf(f.w, `{"id":%q,"model":%q,"choices":[{"index":0,"message":{"role":"assistant","content":"`, fakeID, f.b.Model)
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

// split cuts text into pieces of a few runes, as a server streams tokens.
func split(text string) []string {
	var out []string
	runes := []rune(text)
	for i := 0; i < len(runes); i += 4 {
		out = append(out, string(runes[i:min(i+4, len(runes))]))
	}
	return out
}
