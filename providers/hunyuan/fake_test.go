package hunyuan

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/providertest"
)

// nativeFake is a fake of Tencent Cloud API 3.0 ChatCompletions
// (reference §6b): it checks the action and version headers and the
// TC3-HMAC-SHA256 signature (recomputed from the request received,
// refusing a timestamp more than 300 s off its clock), validates the
// PascalCase body, and answers in the API's shapes: {"Response": …} with
// errors in Response.Error and HTTP 200, streams as text/event-stream
// chunks without the envelope and without an end marker. Safe for
// concurrent use.
type nativeFake struct {
	b providertest.Behaviour
	// limited is how many calls are rate-limited before the fake behaves
	// as b says; retryAfter, when set, goes with them as a Retry-After
	// header (Tencent sends none; a gateway might).
	limited    int
	retryAfter string
	// chunks, when set, replaces the stream of an Answer (raw SSE text).
	chunks string

	mu     sync.Mutex
	bodies []map[string]json.RawMessage
}

func newNativeFake(b providertest.Behaviour) *nativeFake { return &nativeFake{b: b} }

func (f *nativeFake) start(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(f.serveHTTP))
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

func nativeFakeKit(t *testing.T, b providertest.Behaviour) string { return newNativeFake(b).start(t) }

const requestID = "6a0b8c4e-fake-4d1e-9f1e-3c2b1a0f9e8d"

// tcError writes API 3.0's error envelope with HTTP 200.
func tcError(w http.ResponseWriter, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"Response": map[string]any{
		"Error": map[string]string{"Code": code, "Message": msg}, "RequestId": requestID}})
}

var credentialRE = regexp.MustCompile(`^TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d{2}-\d{2})/([^/]+)/tc3_request, SignedHeaders=content-type;host, Signature=([0-9a-f]{64})$`)

// authenticate checks r's TC3 signature over body; it returns "" when it
// is good, else the error code and message the real API gives.
func (f *nativeFake) authenticate(r *http.Request, body []byte, now time.Time) (code, msg string) {
	authz := r.Header.Get("Authorization")
	m := credentialRE.FindStringSubmatch(authz)
	if m == nil {
		return "AuthFailure.InvalidAuthorization", "Authorization header is malformed: " + authz
	}
	id, date, service, sig := m[1], m[2], m[3], m[4]
	if id != f.b.Config.AccessKey {
		return "AuthFailure.SecretIdNotFound", "The SecretId " + id + " is not found, please ensure that your SecretId is correct."
	}
	ts, err := strconv.ParseInt(r.Header.Get("X-TC-Timestamp"), 10, 64)
	if err != nil {
		return "MissingParameter", "The request is missing a required parameter `Timestamp`."
	}
	if d := now.Unix() - ts; d > 300 || d < -300 {
		return "AuthFailure.SignatureExpire", fmt.Sprintf("Signature expired. Timestamp %d is %d s off the server time.", ts, d)
	}
	want := signTC3(tc3Input{SecretID: id, SecretKey: f.b.Config.SecretKey, Service: service,
		Host: r.Host, ContentType: r.Header.Get("Content-Type"), Timestamp: ts, Payload: body})
	if service != Service || date != time.Unix(ts, 0).UTC().Format("2006-01-02") || want.Signature != sig {
		return "AuthFailure.SignatureFailure", "The provided credentials could not be validated. Please check your signature is correct."
	}
	return "", ""
}

// nativeBody is the request as the fake decodes it.
type nativeBody struct {
	Model    string `json:"Model"`
	Messages []struct {
		Role     string  `json:"Role"`
		Content  *string `json:"Content"`
		Contents []struct {
			Type     string `json:"Type"`
			Text     string `json:"Text"`
			ImageURL *struct {
				URL string `json:"Url"`
			} `json:"ImageUrl"`
		} `json:"Contents"`
	} `json:"Messages"`
	Stream      bool     `json:"Stream"`
	Temperature *float64 `json:"Temperature"`
	TopP        *float64 `json:"TopP"`
	Seed        *int64   `json:"Seed"`
}

var knownFields = map[string]bool{"Model": true, "Messages": true, "Stream": true, "StreamModeration": true,
	"Temperature": true, "TopP": true, "Seed": true, "Stop": true, "EnableEnhancement": true}

func (f *nativeFake) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		tcError(w, "UnsupportedProtocol", "only POST is supported here")
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	authCode, authMsg := f.authenticate(r, body, time.Now())
	var raw map[string]json.RawMessage
	var req nativeBody
	if json.Unmarshal(body, &raw) != nil || json.Unmarshal(body, &req) != nil {
		tcError(w, "InvalidParameter", "The request body is not valid JSON.")
		return
	}
	rec := providertest.Received{Model: req.Model, Stream: req.Stream, Authenticated: authCode == ""}
	for _, m := range req.Messages {
		msg := providers.Message{Role: m.Role}
		if m.Content != nil {
			msg.Text = *m.Content
		}
		for _, c := range m.Contents {
			switch {
			case c.Type == "text":
				msg.Text += c.Text
			case c.Type == "image_url" && c.ImageURL != nil:
				rest, _ := strings.CutPrefix(c.ImageURL.URL, "data:")
				mime, b64, _ := strings.Cut(rest, ";base64,")
				data, _ := base64.StdEncoding.DecodeString(b64)
				msg.Images = append(msg.Images, providers.Image{MIME: mime, Data: data})
			}
		}
		rec.Messages = append(rec.Messages, msg)
	}
	f.mu.Lock()
	f.bodies = append(f.bodies, raw)
	limited := f.limited > 0
	if limited {
		f.limited--
	}
	f.mu.Unlock()
	if f.b.Record != nil {
		f.b.Record(rec)
	}
	switch {
	case r.Header.Get("X-TC-Action") != Action:
		tcError(w, "InvalidAction", "The action "+r.Header.Get("X-TC-Action")+" is not found.")
		return
	case r.Header.Get("X-TC-Version") != Version:
		tcError(w, "NoSuchVersion", "The version "+r.Header.Get("X-TC-Version")+" is not found.")
		return
	case f.b.Scenario == providertest.AuthFailure:
		tcError(w, "AuthFailure.SignatureFailure", "The provided credentials could not be validated: "+r.Header.Get("Authorization"))
		return
	case authCode != "":
		tcError(w, authCode, authMsg)
		return
	}
	for k := range raw {
		if !knownFields[k] {
			tcError(w, "UnknownParameter", "The parameter `"+k+"` is not recognized.")
			return
		}
	}
	if msg := validateNative(&req); msg != "" {
		tcError(w, "InvalidParameter", msg)
		return
	}
	if limited {
		if f.retryAfter != "" {
			w.Header().Set("Retry-After", f.retryAfter)
		}
		tcError(w, "RequestLimitExceeded", "请求的次数超过了频率限制，请稍后重试。")
		return
	}
	f.serve(w, r, req.Stream)
}

func validateNative(req *nativeBody) string {
	msgs := req.Messages
	if len(msgs) > 40 {
		return "Messages: at most 40"
	}
	if len(msgs) > 0 && msgs[0].Role == "system" {
		msgs = msgs[1:]
	}
	if len(msgs)%2 == 0 {
		return "Messages: user and assistant must alternate, ending with user"
	}
	for i, m := range msgs {
		want := "user"
		if i%2 == 1 {
			want = "assistant"
		}
		if m.Role != want {
			return fmt.Sprintf("Messages[%d].Role must be %s", i, want)
		}
	}
	if t := req.Temperature; t != nil && (*t < 0 || *t > 2) {
		return "Temperature must be in [0, 2]"
	}
	if p := req.TopP; p != nil && (*p < 0 || *p > 1) {
		return "TopP must be in [0, 1]"
	}
	if s := req.Seed; s != nil && (*s < 1 || *s > 10000) {
		return "Seed must be in [1, 10000]"
	}
	return ""
}

func (f *nativeFake) usage(out int) map[string]int {
	in := f.b.Usage.InputTokens
	return map[string]int{"PromptTokens": in, "CompletionTokens": out, "TotalTokens": in + out}
}

const note = "以上内容为AI生成，不代表开发者立场，请勿删除或修改本标记"

// chunk writes one stream chunk: the Response object without its
// envelope.
func (f *nativeFake) chunk(w http.ResponseWriter, content, finish string, out int) {
	data, _ := json.Marshal(map[string]any{
		"Note": note, "Id": "fake-id", "Created": 1718000000,
		"Choices": []any{map[string]any{"Index": 0, "Delta": map[string]string{"Role": "assistant", "Content": content}, "FinishReason": finish}},
		"Usage":   f.usage(out),
	})
	fmt.Fprintf(w, "data: %s\n\n", data)
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
}

// streamHeaders: the SDK matches the Content-Type exactly.
func streamHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-TC-RequestId", requestID)
}

func (f *nativeFake) serve(w http.ResponseWriter, r *http.Request, stream bool) {
	b := f.b
	switch b.Scenario {
	case providertest.Answer:
		f.answer(w, stream)
	case providertest.ContentFilter:
		if !stream {
			tcError(w, "OperationDenied.TextIllegalDetected", "文本包含违法违规信息，审核不通过。")
			return
		}
		streamHeaders(w)
		f.chunk(w, "The ", "", 1)
		f.chunk(w, "", "sensitive", 1)
	case providertest.RateLimit:
		tcError(w, "RequestLimitExceeded", "请求的次数超过了频率限制，请稍后重试。")
	case providertest.Quota:
		tcError(w, "FailedOperation.ResourcePackExhausted", "资源包余量已用尽，请购买资源包或开通后付费。")
	case providertest.ServerError:
		tcError(w, "InternalError", "内部错误。")
	case providertest.BadRequest:
		tcError(w, "InvalidParameterValue.Model", "模型不存在。")
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
			streamHeaders(w)
			fmt.Fprint(w, "data: {\"Choices\":[{\"Delta\":{\"Content\":\"Hi\"}\n\ndata: <html>502 Bad Gateway</html>\n\n")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, "<html><body>502 Bad Gateway</body></html>")
	case providertest.Oversize:
		filler := strings.Repeat("lorem ipsum ", 512)
		if stream {
			streamHeaders(w)
			for n := int64(0); n <= b.Size; n += int64(len(filler)) {
				f.chunk(w, filler, "", 0)
			}
			f.chunk(w, "", "stop", 0)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"Response":{"RequestId":"r","Choices":[{"Index":0,"FinishReason":"stop","Message":{"Role":"assistant","Content":"`)
		for n := int64(0); n <= b.Size; n += int64(len(filler)) {
			if _, err := fmt.Fprint(w, filler); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
		fmt.Fprint(w, `"}}]}}`)
	case providertest.Stall:
		<-r.Context().Done()
	default:
		tcError(w, "InternalError", "fake: unknown scenario "+string(b.Scenario))
	}
}

// answer sends b.Text as a whole answer or as a stream (f.chunks, when
// set).
func (f *nativeFake) answer(w http.ResponseWriter, stream bool) {
	b := f.b
	if !stream {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"Response": map[string]any{
			"RequestId": requestID, "Id": "fake-id", "Created": 1718000000, "Note": note,
			"Choices": []any{map[string]any{"Index": 0, "FinishReason": "stop",
				"Message": map[string]string{"Role": "assistant", "Content": b.Text}}},
			"Usage": f.usage(b.Usage.OutputTokens),
		}})
		return
	}
	streamHeaders(w)
	if f.chunks != "" {
		fmt.Fprint(w, f.chunks)
		return
	}
	pieces := split(b.Text)
	for i, p := range pieces {
		finish := ""
		if i == len(pieces)-1 {
			finish = "stop"
		}
		f.chunk(w, p, finish, b.Usage.OutputTokens*(i+1)/len(pieces))
	}
}

// cutStream streams the first b.Cut bytes of the text (at a rune
// boundary) in chunks none of which has a FinishReason.
func (f *nativeFake) cutStream(w http.ResponseWriter) {
	cut := f.b.Cut
	for cut > 0 && cut < len(f.b.Text) && !utf8.RuneStart(f.b.Text[cut]) {
		cut--
	}
	streamHeaders(w)
	for _, p := range split(f.b.Text[:cut]) {
		f.chunk(w, p, "", 0)
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
