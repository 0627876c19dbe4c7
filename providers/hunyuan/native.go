package hunyuan

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/wiretime"
)

// maxMessages is native ChatCompletions' limit on Messages.
const maxMessages = 40

// nativeClient speaks Tencent Cloud API 3.0 ChatCompletions (reference
// §6b).
type nativeClient struct {
	cfg     providers.Config
	url     string
	host    string
	http    *http.Client
	maxBody int64
	stall   time.Duration // 0: no stall detection

	warned sync.Map // message reshaping already logged, by text
}

func newNative(cfg providers.Config) (*nativeClient, error) {
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, fmt.Errorf("target %s: api native signs with a Tencent Cloud SecretId and SecretKey: "+
			"name their variables with access_key_env and secret_key_env (e.g. %s, %s)", cfg.Name, SecretIDEnv, SecretKeyEnv)
	}
	base := cfg.BaseURL
	if base == "" {
		base = NativeBaseURL
	}
	u, err := url.Parse(base)
	if err != nil {
		// The parse error would quote the URL, password and all.
		return nil, fmt.Errorf("target %s: base url is not a valid URL", cfg.Name)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("target %s: base url %q is not an http(s) URL", cfg.Name, u.Redacted())
	}
	if u.Path == "" {
		u.Path = "/"
	}
	u.RawQuery, u.Fragment = "", ""
	hc := cfg.HTTPClient
	if hc == nil {
		hc = defaultClient
	}
	return &nativeClient{cfg: cfg, url: u.String(), host: u.Host, http: hc, maxBody: providers.MaxBody(cfg), stall: providers.StallLimit(cfg)}, nil
}

// nativeRequest is the ChatCompletions body (the SDK's
// ChatCompletionsRequestParams): PascalCase, no max-tokens field.
type nativeRequest struct {
	Model    string          `json:"Model"`
	Messages []nativeMessage `json:"Messages"`
	Stream   bool            `json:"Stream"`
	// StreamModeration moderates a stream as it goes, so the first tokens
	// come without waiting for the whole answer to be checked, as in a
	// chat product; a block then ends the stream with FinishReason
	// "sensitive".
	StreamModeration *bool    `json:"StreamModeration,omitempty"`
	Temperature      *float64 `json:"Temperature,omitempty"`
	TopP             *float64 `json:"TopP,omitempty"`
	Seed             *int64   `json:"Seed,omitempty"`
	Stop             []string `json:"Stop,omitempty"`
}

// nativeMessage carries text in Content, or for a user turn with images
// a list of Contents (the text first, then the images as data URLs).
type nativeMessage struct {
	Role     string          `json:"Role"`
	Content  *string         `json:"Content,omitempty"`
	Contents []nativeContent `json:"Contents,omitempty"`
}

type nativeContent struct {
	Type     string          `json:"Type"`
	Text     string          `json:"Text,omitempty"`
	ImageURL *nativeImageURL `json:"ImageUrl,omitempty"`
}

type nativeImageURL struct {
	URL string `json:"Url"`
}

// body encodes req; an invalid request fails with class bad_request before
// any network traffic.
func (c *nativeClient) body(req *providers.Request) ([]byte, *providers.Error) {
	if req.Model == "" {
		return nil, &providers.Error{Class: providers.BadRequest, Message: "request names no model"}
	}
	turns, warns, perr := nativeTurns(req.Messages)
	if perr != nil {
		return nil, perr
	}
	for _, w := range warns {
		c.warn(w)
	}
	nr := nativeRequest{
		Model:       req.Model,
		Messages:    make([]nativeMessage, 0, len(turns)),
		Stream:      req.Stream,
		Temperature: req.Params.Temperature,
		TopP:        req.Params.TopP,
		Seed:        req.Params.Seed,
		Stop:        req.Params.Stop,
	}
	if req.Stream {
		on := true
		nr.StreamModeration = &on
	}
	for _, t := range turns {
		if len(t.Images) == 0 {
			text := t.Text
			nr.Messages = append(nr.Messages, nativeMessage{Role: t.Role, Content: &text})
			continue
		}
		parts := make([]nativeContent, 0, 1+len(t.Images))
		if t.Text != "" {
			parts = append(parts, nativeContent{Type: "text", Text: t.Text})
		}
		for _, img := range t.Images {
			parts = append(parts, nativeContent{Type: "image_url", ImageURL: &nativeImageURL{URL: dataURL(img)}})
		}
		nr.Messages = append(nr.Messages, nativeMessage{Role: t.Role, Contents: parts})
	}
	b, err := json.Marshal(nr)
	if err != nil {
		return nil, &providers.Error{Class: providers.BadRequest, Message: "encode request: " + err.Error(), Err: err}
	}
	return b, nil
}

// dataURL renders an image inline; an image without a media type gets the
// sniffed one.
func dataURL(img providers.Image) string {
	mime := img.MIME
	if mime == "" {
		mime = http.DetectContentType(img.Data)
	}
	return "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(img.Data)
}

// nativeTurns reshapes a conversation into what native ChatCompletions
// accepts: at most one system message, first; then user and assistant
// turns alternating, starting and ending with the user; at most 40
// messages. System messages are joined into the first (a blank line
// apart) and consecutive turns of one role merged, each with a warning.
// What cannot be reshaped without inventing or dropping content (images
// outside user turns, an unknown role, a conversation that starts or ends
// with the assistant, more than 40 messages) is a bad_request.
func nativeTurns(in []providers.Message) ([]providers.Message, []string, *providers.Error) {
	if len(in) == 0 {
		return nil, nil, &providers.Error{Class: providers.BadRequest, Message: "request has no messages"}
	}
	var systems []string
	var turns []providers.Message
	systemLate := false
	merged := map[string]bool{}
	for i, m := range in {
		if len(m.Images) > 0 && m.Role != providers.RoleUser {
			return nil, nil, &providers.Error{Class: providers.BadRequest,
				Message: "message " + strconv.Itoa(i) + " (" + m.Role + ") carries images; only user messages may"}
		}
		switch m.Role {
		case providers.RoleSystem:
			if len(turns) > 0 {
				systemLate = true
			}
			systems = append(systems, m.Text)
		case providers.RoleUser, providers.RoleAssistant:
			if n := len(turns); n > 0 && turns[n-1].Role == m.Role {
				last := &turns[n-1]
				last.Text += "\n\n" + m.Text
				last.Images = append(append([]providers.Image(nil), last.Images...), m.Images...)
				merged[m.Role] = true
				continue
			}
			turns = append(turns, m)
		default:
			return nil, nil, &providers.Error{Class: providers.BadRequest,
				Message: fmt.Sprintf("message %d has role %q; native Hunyuan takes system, user and assistant turns", i, m.Role)}
		}
	}
	switch {
	case len(turns) == 0:
		return nil, nil, &providers.Error{Class: providers.BadRequest, Message: "request has no user message"}
	case turns[0].Role != providers.RoleUser:
		return nil, nil, &providers.Error{Class: providers.BadRequest, Message: "native Hunyuan needs the conversation to start with a user turn"}
	case turns[len(turns)-1].Role != providers.RoleUser:
		return nil, nil, &providers.Error{Class: providers.BadRequest, Message: "native Hunyuan needs the conversation to end with a user turn"}
	}
	var warns []string
	out := turns
	if len(systems) > 0 {
		out = append([]providers.Message{{Role: providers.RoleSystem, Text: strings.Join(systems, "\n\n")}}, turns...)
	}
	if len(out) > maxMessages {
		return nil, nil, &providers.Error{Class: providers.BadRequest,
			Message: fmt.Sprintf("%d messages; native Hunyuan takes at most %d", len(out), maxMessages)}
	}
	if len(systems) > 1 {
		warns = append(warns, fmt.Sprintf("%d system messages joined into one", len(systems)))
	}
	if systemLate {
		warns = append(warns, "a system message after the first turn moved to the front: native Hunyuan takes it first only")
	}
	for _, role := range []string{providers.RoleUser, providers.RoleAssistant} {
		if merged[role] {
			warns = append(warns, "consecutive "+role+" turns merged: native Hunyuan needs user and assistant turns to alternate")
		}
	}
	return out, warns, nil
}

// warn logs a reshaping once per client: the runner records parameter
// changes on the run, but a change of the messages has no such channel.
func (c *nativeClient) warn(msg string) {
	if _, seen := c.warned.LoadOrStore(msg, true); !seen {
		slog.Warn("hunyuan: "+msg, "target", c.cfg.Name)
	}
}

func (c *nativeClient) complete(ctx context.Context, req *providers.Request) (*providers.Response, *providers.Error) {
	resp, perr := c.call(ctx, req)
	if perr != nil {
		// Tencent's auth errors may quote the SecretId: it identifies the
		// account, so it is kept out of stored messages like the key.
		perr.Message = providers.Redact(perr.Message, c.cfg.APIKey, c.cfg.SecretKey, c.cfg.AccessKey)
		return nil, perr
	}
	return resp, nil
}

func (c *nativeClient) call(ctx context.Context, req *providers.Request) (*providers.Response, *providers.Error) {
	body, perr := c.body(req)
	if perr != nil {
		return nil, perr
	}
	// The attempt's own context lets the stall watchdog end it with a
	// cause that says so.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	clk := wiretime.New()
	hreq, err := http.NewRequestWithContext(clk.Trace(ctx), http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return nil, &providers.Error{Class: providers.BadRequest, Message: "build request: " + err.Error(), Err: err}
	}
	c.sign(hreq, body, time.Now())
	hreq.Header.Set("User-Agent", "llmbench")
	hreq.Header.Set("X-TC-RequestClient", "llmbench")

	clk.Begin()
	hresp, err := c.http.Do(hreq)
	if err != nil {
		return nil, providers.TransportError(ctx, err)
	}
	defer hresp.Body.Close()
	raw := providers.WatchStall(hresp.Body, c.stall, cancel)
	defer raw.Stop()
	if perr := providers.TooLarge(hresp, c.maxBody); perr != nil {
		return nil, perr
	}
	if hresp.StatusCode < 200 || hresp.StatusCode > 299 {
		return nil, c.httpError(ctx, hresp, raw)
	}
	// The API reports no model name: the answer is the requested one's.
	out := &providers.Response{Model: req.Model, RateLimit: providers.RateLimitHeaders(hresp.Header)}
	rd := providers.LimitBody(raw, c.maxBody)
	if isEventStream(hresp.Header.Get("Content-Type")) {
		perr = c.readStream(ctx, rd, clk, out, hresp.Header)
	} else {
		// Not a stream: an answer, or an error in Response.Error (which is
		// how a streaming request fails too).
		perr = c.readJSON(ctx, rd, clk, out, hresp.Header)
	}
	if perr != nil {
		if perr.Status == 0 {
			perr.Status = hresp.StatusCode
		}
		return nil, perr
	}
	return out, nil
}

// sign sets the API 3.0 headers and the TC3-HMAC-SHA256 Authorization on
// r. The signed Host is the base URL's host[:port] exactly as written
// (what net/http sends as the Host header); the canonical URI is "/"
// whatever the base URL's path, as API 3.0 fixes it; the content type
// signed is "application/json" without a charset, as the Go SDK sends.
func (c *nativeClient) sign(r *http.Request, payload []byte, now time.Time) {
	const contentType = "application/json"
	ts := now.Unix()
	r.Header.Set("Content-Type", contentType)
	r.Header.Set("X-TC-Action", Action)
	r.Header.Set("X-TC-Version", Version)
	r.Header.Set("X-TC-Timestamp", strconv.FormatInt(ts, 10))
	sig := signTC3(tc3Input{
		SecretID: c.cfg.AccessKey, SecretKey: c.cfg.SecretKey,
		Service: Service, Host: c.host, ContentType: contentType,
		Timestamp: ts, Payload: payload,
	})
	r.Header.Set("Authorization", sig.Authorization)
}

// isEventStream reports whether a body is a stream by its media type.
// The Go SDK wants the header to be exactly "text/event-stream"; a
// parameter such as a charset is accepted here.
func isEventStream(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.EqualFold(strings.TrimSpace(mt), "text/event-stream")
}
