package sensenova

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/sse"
	"github.com/llmbench/llmbench/providers/wiretime"
)

// nativeClient speaks the classic native API (reference/providers.md §7;
// request fields from SenseCore's ChatCompletions doc).
type nativeClient struct {
	cfg     providers.Config
	url     string
	http    *http.Client
	maxBody int64
	stall   time.Duration // 0: no stall detection
	tokens  *tokenSource  // nil unless an access key pair was given
}

func newNative(cfg providers.Config) (*nativeClient, error) {
	base := cfg.BaseURL
	if base == "" {
		base = NativeBaseURL
	}
	if err := checkBaseURL(cfg.Name, base); err != nil {
		return nil, err
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = defaultClient
	}
	n := &nativeClient{cfg: cfg, url: joinURL(base, "chat-completions"), http: hc, maxBody: providers.MaxBody(cfg), stall: providers.StallLimit(cfg)}
	if cfg.AccessKey != "" {
		n.tokens = &tokenSource{accessKey: cfg.AccessKey, secretKey: cfg.SecretKey}
	}
	return n, nil
}

// defaultClient has no overall timeout (the call's context bounds it) and
// keeps enough idle connections for a benchmark's concurrent workers. Its
// connections keep the kernel's receive stamps for the latency clock.
var defaultClient = func() *http.Client {
	return &http.Client{Transport: wiretime.NewTransport(64)}
}()

// secrets are the values no error message may contain.
func (n *nativeClient) secrets() []string {
	s := []string{n.cfg.APIKey, n.cfg.SecretKey}
	if n.tokens != nil {
		s = append(s, n.tokens.issued()...)
	}
	return s
}

// authorization is the Authorization header: a JWT signed with the access
// key pair, else the API key, both as bearer tokens ("" sends none).
func (n *nativeClient) authorization() string {
	switch {
	case n.tokens != nil:
		return "Bearer " + n.tokens.token()
	case n.cfg.APIKey != "":
		return "Bearer " + n.cfg.APIKey
	}
	return ""
}

// The native request body. max_new_tokens is the token limit's name here;
// there is no seed or stop field (AdjustParams drops them first).
type nativeRequest struct {
	Model        string          `json:"model"`
	Messages     []nativeMessage `json:"messages"`
	MaxNewTokens *int            `json:"max_new_tokens,omitempty"`
	Temperature  *float64        `json:"temperature,omitempty"`
	TopP         *float64        `json:"top_p,omitempty"`
	Stream       bool            `json:"stream,omitempty"`
}

// nativeMessage's Content is a string, or for a user turn with images a
// list of nativePart: the text, then each image as bare base64.
type nativeMessage struct {
	Role    string `json:"role"`
	Content any    `json:"content"`
}

type nativePart struct {
	Type        string `json:"type"`
	Text        string `json:"text,omitempty"`
	ImageBase64 string `json:"image_base64,omitempty"`
}

func (n *nativeClient) body(req *providers.Request) ([]byte, *providers.Error) {
	if req.Model == "" {
		return nil, &providers.Error{Class: providers.BadRequest, Message: "request names no model"}
	}
	if len(req.Messages) == 0 {
		return nil, &providers.Error{Class: providers.BadRequest, Message: "request has no messages"}
	}
	nr := nativeRequest{
		Model:        req.Model,
		Messages:     make([]nativeMessage, 0, len(req.Messages)),
		MaxNewTokens: req.Params.MaxTokens,
		Temperature:  req.Params.Temperature,
		TopP:         req.Params.TopP,
		Stream:       req.Stream,
	}
	for i, m := range req.Messages {
		if len(m.Images) == 0 {
			nr.Messages = append(nr.Messages, nativeMessage{Role: m.Role, Content: m.Text})
			continue
		}
		if m.Role != providers.RoleUser {
			return nil, &providers.Error{Class: providers.BadRequest,
				Message: "message " + strconv.Itoa(i) + " (" + m.Role + ") carries images; only user messages may"}
		}
		parts := make([]nativePart, 0, 1+len(m.Images))
		if m.Text != "" {
			parts = append(parts, nativePart{Type: "text", Text: m.Text})
		}
		for _, img := range m.Images {
			parts = append(parts, nativePart{Type: "image_base64", ImageBase64: base64.StdEncoding.EncodeToString(img.Data)})
		}
		nr.Messages = append(nr.Messages, nativeMessage{Role: m.Role, Content: parts})
	}
	b, err := json.Marshal(nr)
	if err != nil {
		return nil, &providers.Error{Class: providers.BadRequest, Message: "encode request: " + err.Error(), Err: err}
	}
	return b, nil
}

// nativeEnvelope is a whole response or one stream chunk: the payload in
// "data", a stream chunk's "status" (code 0 is fine), or an "error".
type nativeEnvelope struct {
	Data   *nativeData     `json:"data"`
	Status *nativeStatus   `json:"status"`
	Error  json.RawMessage `json:"error"`
}

type nativeData struct {
	Choices []nativeChoice `json:"choices"`
	Usage   *nativeUsage   `json:"usage"`
}

// nativeChoice carries the answer as a plain string: "message" in a whole
// response, "delta" in a stream chunk.
type nativeChoice struct {
	Index        int     `json:"index"`
	Message      *string `json:"message"`
	Delta        *string `json:"delta"`
	FinishReason string  `json:"finish_reason"`
}

// nativeUsage also has knowledge_tokens (tokens of knowledge-base
// retrieval) and total_tokens; the usage field names are [MEM].
type nativeUsage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
}

type nativeStatus struct {
	Code    json.RawMessage `json:"code"`
	Message string          `json:"message"`
}

// failed reports the error an envelope carries, if any.
func (e *nativeEnvelope) failed() (apiError, bool) {
	if len(e.Error) > 0 && string(e.Error) != "null" {
		return parseErrorValue(e.Error), true
	}
	if e.Status != nil {
		if code := scalar(e.Status.Code); code != "" && code != "0" {
			return apiError{Code: code, Message: e.Status.Message}, true
		}
	}
	return apiError{}, false
}

func (n *nativeClient) complete(ctx context.Context, req *providers.Request) (*providers.Response, *providers.Error) {
	body, perr := n.body(req)
	if perr != nil {
		return nil, perr
	}
	// The attempt's own context lets the stall watchdog end it with a
	// cause that says so.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	clk := wiretime.New()
	hreq, err := http.NewRequestWithContext(clk.Trace(ctx), http.MethodPost, n.url, bytes.NewReader(body))
	if err != nil {
		return nil, &providers.Error{Class: providers.BadRequest, Message: "build request: " + err.Error(), Err: err}
	}
	hreq.Header.Set("Content-Type", "application/json")
	if req.Stream {
		hreq.Header.Set("Accept", "text/event-stream")
	} else {
		hreq.Header.Set("Accept", "application/json")
	}
	hreq.Header.Set("User-Agent", "llmbench")
	if a := n.authorization(); a != "" {
		hreq.Header.Set("Authorization", a)
	}

	clk.Begin()
	hresp, err := n.http.Do(hreq)
	if err != nil {
		return nil, providers.TransportError(ctx, err)
	}
	defer hresp.Body.Close()
	raw := providers.WatchStall(hresp.Body, n.stall, cancel)
	defer raw.Stop()

	if hresp.StatusCode < 200 || hresp.StatusCode > 299 {
		return nil, n.httpError(ctx, hresp, raw)
	}
	if perr := providers.TooLarge(hresp, n.maxBody); perr != nil {
		return nil, perr
	}
	// The native API names no model in its answers: the requested one is
	// what answered.
	out := &providers.Response{Model: req.Model, RateLimit: providers.RateLimitHeaders(hresp.Header)}
	limited := providers.LimitBody(raw, n.maxBody)
	if providers.IsStream(hresp.Header.Get("Content-Type"), req.Stream) {
		perr = n.readStream(ctx, limited, clk, out)
	} else {
		perr = n.readJSON(ctx, limited, clk, out)
	}
	if perr != nil {
		if perr.Status == 0 {
			perr.Status = hresp.StatusCode
		}
		return nil, perr
	}
	return out, nil
}

// readJSON reads a whole answer: {"data":{"choices":[{"message":"…"}],"usage":{…}}}.
func (n *nativeClient) readJSON(ctx context.Context, body io.Reader, clk *wiretime.Clock, out *providers.Response) *providers.Error {
	data, err := io.ReadAll(body)
	if err != nil {
		return n.readError(ctx, err, "")
	}
	out.Latency = clk.Since()
	var env nativeEnvelope
	if err := json.Unmarshal(data, &env); err != nil {
		return &providers.Error{Class: providers.BadResponse, Message: "decode response: " + err.Error() + ": " + snippet(data), Err: err}
	}
	if ae, bad := env.failed(); bad {
		return n.classify(0, ae, nil)
	}
	if env.Data == nil {
		return &providers.Error{Class: providers.BadResponse, Message: "response has no data: " + snippet(data)}
	}
	ch := choice0(env.Data.Choices)
	if ch == nil || ch.Message == nil {
		return &providers.Error{Class: providers.BadResponse, Message: "response has no message: " + snippet(data)}
	}
	out.Text = *ch.Message
	out.FinishReason = ch.FinishReason
	if env.Data.Usage != nil {
		out.Usage = env.Data.Usage.usage()
	}
	return filtered(out)
}

// readStream reads "data:{json}" chunks (no space after the colon) until
// "data:[DONE]". A chunk's status.code other than 0 is an error; usage
// rides on the chunks and the last one seen counts.
func (n *nativeClient) readStream(ctx context.Context, body io.Reader, clk *wiretime.Clock, out *providers.Response) *providers.Error {
	rd := sse.NewReader(body, int(min(n.maxBody, 1<<30)))
	var text strings.Builder
	done := false
	for !done {
		ev, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return n.readError(ctx, err, text.String())
		}
		data := strings.TrimSpace(ev.Data)
		switch data {
		case "[DONE]":
			done = true
			continue
		case "":
			continue
		}
		var env nativeEnvelope
		if err := json.Unmarshal([]byte(data), &env); err != nil {
			return &providers.Error{Class: providers.BadResponse, Message: "decode stream chunk: " + err.Error() + ": " + snippet([]byte(data)), Partial: text.String(), Err: err}
		}
		if ae, bad := env.failed(); bad {
			e := n.classify(0, ae, nil)
			e.Partial = text.String()
			return e
		}
		if env.Data == nil {
			continue
		}
		if env.Data.Usage != nil {
			out.Usage = env.Data.Usage.usage()
		}
		if ch := choice0(env.Data.Choices); ch != nil {
			if ch.Delta != nil && *ch.Delta != "" {
				if text.Len() == 0 {
					out.TTFT = clk.Since()
				}
				text.WriteString(*ch.Delta)
			}
			if ch.FinishReason != "" {
				out.FinishReason = ch.FinishReason
			}
		}
	}
	out.Latency = clk.Since()
	out.Text = text.String()
	if !done && out.FinishReason == "" {
		return &providers.Error{Class: providers.BadResponse, Message: "stream ended before [DONE] and without a finish_reason", Partial: out.Text}
	}
	if done {
		// Reading the (empty) rest lets the connection be reused; the
		// bound keeps a misbehaving server from holding the call.
		_, _ = io.Copy(io.Discard, io.LimitReader(body, 4<<10))
	}
	return filtered(out)
}

func choice0(cs []nativeChoice) *nativeChoice {
	for i := range cs {
		if cs[i].Index == 0 {
			return &cs[i]
		}
	}
	return nil
}

func (u *nativeUsage) usage() providers.Usage {
	return providers.Usage{InputTokens: u.PromptTokens, OutputTokens: u.CompletionTokens}
}

// filtered turns a content-filter finish into a content_filtered error.
// The native API's documented block is error code 18; the finish reasons
// "sensitive" and "content_filter" are [MEM] and honoured in case.
func filtered(out *providers.Response) *providers.Error {
	switch out.FinishReason {
	case "sensitive", "content_filter":
		return &providers.Error{Class: providers.ContentFiltered, Code: out.FinishReason,
			Message: "blocked by the content filter (finish_reason " + out.FinishReason + ")", Partial: out.Text}
	}
	return nil
}

// snippet is a short, printable excerpt of a body for error messages.
func snippet(b []byte) string {
	const limit = 200
	s := strings.TrimSpace(strings.ToValidUTF8(string(b), "\uFFFD"))
	if s == "" {
		return "(empty body)"
	}
	if len(s) > limit {
		cut := limit
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return strconv.Quote(s)
}
