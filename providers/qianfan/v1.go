package qianfan

import (
	"bytes"
	"context"
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

// Paths under the v1 base URL (the Qianfan SDK's modelAPIPrefix and
// authAPIPrefix).
const (
	chatPath  = "/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/"
	tokenPath = "/oauth/2.0/token"
)

// bceExpire is how long a signature stays valid, in seconds (the SDK's
// QIANFAN_IAM_SIGN_EXPIRATION_SEC default).
const bceExpire = 300

// bceSignedHeaders are the headers a v1 call signs: all it sends that
// matter, as the SDK does.
var bceSignedHeaders = []string{"content-type", "host", "x-bce-date"}

// v1Client speaks the legacy wenxinworkshop API (reference §5b).
type v1Client struct {
	cfg     providers.Config
	base    *url.URL
	http    *http.Client
	maxBody int64
	stall   time.Duration // 0: no stall detection
	bce     bool
	tokens  *tokenSource // OAuth mode only

	warned sync.Map // message reshaping already logged, by text
}

func newV1(cfg providers.Config, bce bool) (*v1Client, error) {
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		if bce {
			return nil, fmt.Errorf("target %s: api v1-bce signs with an IAM Access Key and Secret Key: "+
				"name their variables with access_key_env and secret_key_env (e.g. %s, %s)", cfg.Name, AccessKeyEnv, SecretKeyEnv)
		}
		return nil, fmt.Errorf("target %s: api v1 needs the application's API Key and Secret Key: "+
			"name their variables with access_key_env and secret_key_env (e.g. %s, %s)", cfg.Name, AKEnv, SKEnv)
	}
	base := cfg.BaseURL
	if base == "" {
		base = V1BaseURL
	}
	u, err := parseBase(cfg.Name, base)
	if err != nil {
		return nil, err
	}
	if strings.Contains(u.Path, "/rpc/2.0/") {
		return nil, fmt.Errorf("target %s: for api v1 the base url is the host root (like %s), not the chat path %q", cfg.Name, V1BaseURL, u.Path)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = defaultClient
	}
	c := &v1Client{cfg: cfg, base: u, http: hc, maxBody: providers.MaxBody(cfg), stall: providers.StallLimit(cfg), bce: bce}
	if !bce {
		c.tokens = &tokenSource{fetch: c.fetchToken}
	}
	return c, nil
}

// endpoints maps model names (lower case) to their v1 path segment, from
// the Qianfan SDK's ChatModelEndpoint table and reference §5b. A model not
// listed is taken to be the segment itself: newer models use their
// lower-case name, and a custom deployment its own endpoint name.
var endpoints = map[string]string{
	"ernie-4.0-8k":              "completions_pro",
	"ernie-bot-4":               "completions_pro",
	"ernie-4.0-turbo-8k":        "ernie-4.0-turbo-8k",
	"ernie-4.0-8k-preview":      "ernie-4.0-8k-preview",
	"ernie-4.0-8k-preview-0518": "completions_adv_pro",
	"ernie-4.0-8k-0329":         "ernie-4.0-8k-0329",
	"ernie-4.0-8k-0104":         "ernie-4.0-8k-0104",
	"ernie-4.0-preemptible":     "completions_pro_preemptible",
	"ernie-3.5-8k":              "completions",
	"ernie-bot":                 "completions",
	"ernie-3.5-128k":            "ernie-3.5-128k",
	"ernie-3.5-8k-preview":      "ernie-3.5-8k-preview",
	"ernie-3.5-8k-0329":         "ernie-3.5-8k-0329",
	"ernie-3.5-8k-1222":         "ernie-3.5-8k-1222",
	"ernie-3.5-preemptible":     "completions_preemptible",
	"ernie-bot-8k":              "ernie_bot_8k",
	"ernie-speed":               "ernie_speed",
	"ernie speed":               "ernie_speed",
	"ernie-speed-8k":            "ernie_speed",
	"ernie-speed-128k":          "ernie-speed-128k",
	"ernie-lite-8k":             "ernie-lite-8k",
	"ernie-lite-8k-0308":        "ernie-lite-8k",
	"ernie-lite-8k-0922":        "eb-instant",
	"ernie-bot-turbo":           "eb-instant",
	"ernie-tiny-8k":             "ernie-tiny-8k",
	"ernie-function-8k":         "ernie-func-8k",
	"ernie-character-8k":        "ernie-char-8k",
	"bloomz-7b":                 "bloomz_7b1",
	"llama-2-7b-chat":           "llama_2_7b",
	"llama-2-13b-chat":          "llama_2_13b",
	"llama-2-70b-chat":          "llama_2_70b",
	"meta-llama-3-8b":           "llama_3_8b",
	"meta-llama-3-70b":          "llama_3_70b",
	"mixtral-8x7b-instruct":     "mixtral_8x7b_instruct",
	"yi-34b-chat":               "yi_34b_chat",
}

// Endpoint is the v1 path segment that serves model: the known name's
// endpoint, or the name itself.
func Endpoint(model string) string {
	if ep, ok := endpoints[strings.ToLower(strings.TrimSpace(model))]; ok {
		return ep
	}
	return model
}

func (c *v1Client) chatURL(model string) string {
	u := *c.base
	u.Path += chatPath + Endpoint(model)
	return u.String()
}

// ernieRequest is the v1 chat body (the SDK's ChatCompletionRequest): the
// system prompt is a top-level field and there is no seed.
type ernieRequest struct {
	Messages        []ernieMessage `json:"messages"`
	System          string         `json:"system,omitempty"`
	Temperature     *float64       `json:"temperature,omitempty"`
	TopP            *float64       `json:"top_p,omitempty"`
	MaxOutputTokens *int           `json:"max_output_tokens,omitempty"`
	Stop            []string       `json:"stop,omitempty"`
	Stream          bool           `json:"stream,omitempty"`
}

type ernieMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// body encodes req; an invalid request fails with class bad_request before
// any network traffic.
func (c *v1Client) body(req *providers.Request) ([]byte, *providers.Error) {
	if req.Model == "" {
		return nil, &providers.Error{Class: providers.BadRequest, Message: "request names no model"}
	}
	system, msgs, warns, perr := ernieMessages(req.Messages)
	if perr != nil {
		return nil, perr
	}
	for _, w := range warns {
		c.warn(w)
	}
	b, err := json.Marshal(ernieRequest{
		Messages:        msgs,
		System:          system,
		Temperature:     req.Params.Temperature,
		TopP:            req.Params.TopP,
		MaxOutputTokens: req.Params.MaxTokens,
		Stop:            req.Params.Stop,
		Stream:          req.Stream,
	})
	if err != nil {
		return nil, &providers.Error{Class: providers.BadRequest, Message: "encode request: " + err.Error(), Err: err}
	}
	return b, nil
}

// ernieMessages reshapes a conversation into what the v1 API accepts: no
// system role (system text goes to the top-level "system" field, several
// joined by a blank line), strictly alternating user and assistant turns
// starting and ending with the user (so an odd count). Consecutive turns of
// one role are merged. Each reshaping yields a warning. What cannot be
// reshaped without inventing content (images, an unknown role, a
// conversation that starts or ends with the assistant) is a bad_request.
func ernieMessages(in []providers.Message) (system string, out []ernieMessage, warns []string, perr *providers.Error) {
	if len(in) == 0 {
		return "", nil, nil, &providers.Error{Class: providers.BadRequest, Message: "request has no messages"}
	}
	var systems []string
	systemLate := false
	merged := map[string]bool{}
	for i, m := range in {
		if len(m.Images) > 0 {
			return "", nil, nil, &providers.Error{Class: providers.BadRequest,
				Message: "message " + strconv.Itoa(i) + " carries images; the Qianfan v1 chat API takes text only (use api: v2 with a vision model)"}
		}
		switch m.Role {
		case providers.RoleSystem:
			if len(out) > 0 {
				systemLate = true
			}
			systems = append(systems, m.Text)
		case providers.RoleUser, providers.RoleAssistant:
			if n := len(out); n > 0 && out[n-1].Role == m.Role {
				out[n-1].Content += "\n\n" + m.Text
				merged[m.Role] = true
				continue
			}
			out = append(out, ernieMessage{Role: m.Role, Content: m.Text})
		default:
			return "", nil, nil, &providers.Error{Class: providers.BadRequest,
				Message: fmt.Sprintf("message %d has role %q; the Qianfan v1 API takes user and assistant turns and a system prompt", i, m.Role)}
		}
	}
	switch {
	case len(out) == 0:
		return "", nil, nil, &providers.Error{Class: providers.BadRequest, Message: "request has no user message"}
	case out[0].Role != providers.RoleUser:
		return "", nil, nil, &providers.Error{Class: providers.BadRequest, Message: "the Qianfan v1 API needs the conversation to start with a user turn"}
	case out[len(out)-1].Role != providers.RoleUser:
		return "", nil, nil, &providers.Error{Class: providers.BadRequest, Message: "the Qianfan v1 API needs the conversation to end with a user turn"}
	}
	if len(systems) > 1 {
		warns = append(warns, fmt.Sprintf("%d system messages joined into the v1 system field", len(systems)))
	}
	if systemLate {
		warns = append(warns, "a system message after the first turn moved to the v1 system field")
	}
	for _, role := range []string{providers.RoleUser, providers.RoleAssistant} {
		if merged[role] {
			warns = append(warns, "consecutive "+role+" turns merged: the v1 API needs user and assistant turns to alternate")
		}
	}
	return strings.Join(systems, "\n\n"), out, warns, nil
}

// warn logs a reshaping once per client: the runner records parameter
// changes on the run, but a change of the messages has no such channel.
func (c *v1Client) warn(msg string) {
	if _, seen := c.warned.LoadOrStore(msg, true); !seen {
		slog.Warn("qianfan: "+msg, "target", c.cfg.Name)
	}
}

// complete performs one call. In OAuth mode a token the server reports
// invalid or expired (codes 110, 111) is replaced and the call sent once
// more, as the Qianfan SDK does: the first request never reached the
// model, so this is not a retry of the call.
func (c *v1Client) complete(ctx context.Context, req *providers.Request) (*providers.Response, *providers.Error) {
	body, perr := c.body(req)
	if perr != nil {
		return nil, perr
	}
	target := c.chatURL(req.Model)
	var token string
	if c.tokens != nil {
		if token, perr = c.tokens.get(ctx, ""); perr != nil {
			return nil, c.redact(perr, token)
		}
	}
	resp, perr := c.send(ctx, target, body, req, token)
	if perr != nil && c.tokens != nil && isTokenCode(perr.Code) {
		stale := token
		if token, perr = c.tokens.get(ctx, stale); perr != nil {
			return nil, c.redact(perr, stale)
		}
		resp, perr = c.send(ctx, target, body, req, token)
	}
	if perr != nil {
		return nil, c.redact(perr, token)
	}
	return resp, nil
}

func isTokenCode(code string) bool { return code == "110" || code == "111" }

// redact keeps every credential, and the access token, out of an error.
func (c *v1Client) redact(e *providers.Error, token string) *providers.Error {
	e.Message = providers.Redact(e.Message, c.cfg.APIKey, c.cfg.AccessKey, c.cfg.SecretKey, token)
	return e
}

func (c *v1Client) send(ctx context.Context, target string, body []byte, req *providers.Request, token string) (*providers.Response, *providers.Error) {
	if token != "" {
		target += "?access_token=" + url.QueryEscape(token)
	}
	// The attempt's own context lets the stall watchdog end it with a
	// cause that says so.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	clk := wiretime.New()
	hreq, err := http.NewRequestWithContext(clk.Trace(ctx), http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, &providers.Error{Class: providers.BadRequest, Message: "build request: " + stripURL(err).Error(), Err: stripURL(err)}
	}
	hreq.Header.Set("Content-Type", "application/json")
	if req.Stream {
		hreq.Header.Set("Accept", "text/event-stream")
	} else {
		hreq.Header.Set("Accept", "application/json")
	}
	hreq.Header.Set("User-Agent", "llmbench")
	if c.bce {
		c.sign(hreq, time.Now())
	}

	clk.Begin()
	hresp, err := c.http.Do(hreq)
	if err != nil {
		return nil, transportError(ctx, err)
	}
	defer hresp.Body.Close()
	raw := providers.WatchStall(hresp.Body, c.stall, cancel)
	defer raw.Stop()
	if hresp.StatusCode < 200 || hresp.StatusCode > 299 {
		return nil, c.httpError(ctx, hresp, raw)
	}
	if perr := providers.TooLarge(hresp, c.maxBody); perr != nil {
		return nil, perr
	}
	// The v1 body names no model: the answer is the requested one's.
	out := &providers.Response{Model: req.Model, RateLimit: providers.RateLimitHeaders(hresp.Header)}
	rd := providers.LimitBody(raw, c.maxBody)
	var perr *providers.Error
	if isEventStream(hresp.Header.Get("Content-Type")) {
		perr = c.readStream(ctx, rd, clk, out, hresp.Header)
	} else {
		// Errors come as JSON even for a streaming request (the SDK reads an
		// application/json answer to a stream as an error body).
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

// sign adds x-bce-date and a BCE v1 Authorization to r. The Host signed is
// the URL's host[:port] exactly as the base URL gives it, which is what
// net/http sends as the Host header.
func (c *v1Client) sign(r *http.Request, now time.Time) {
	ts := now.UTC().Format("2006-01-02T15:04:05Z")
	r.Header.Set("X-Bce-Date", ts)
	sig := signBCE(c.cfg.AccessKey, c.cfg.SecretKey, bceRequest{
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  r.URL.Query(),
		Headers: map[string]string{
			"host":         r.URL.Host,
			"content-type": r.Header.Get("Content-Type"),
			"x-bce-date":   ts,
		},
	}, ts, bceExpire, bceSignedHeaders)
	r.Header.Set("Authorization", sig.Authorization)
}

// isEventStream reports whether a body is a stream by its media type.
func isEventStream(contentType string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(contentType)), "text/event-stream")
}
