package qianfan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/sse"
	"github.com/llmbench/llmbench/providers/wiretime"
)

// ernieResponse is a whole v1 answer, one stream chunk, or an error body
// (the SDK's ModelResponse and ModelAPIError).
type ernieResponse struct {
	Result           *string     `json:"result"`
	IsEnd            bool        `json:"is_end"`
	IsTruncated      bool        `json:"is_truncated"`
	NeedClearHistory bool        `json:"need_clear_history"`
	BanRound         *int        `json:"ban_round"`
	FinishReason     string      `json:"finish_reason"`
	Usage            *ernieUsage `json:"usage"`
	// ErrorCode and ErrorMsg are the error keys the SDK reads; Code and Msg
	// are the ones Baidu's rate-limit page shows. Codes are numbers, read
	// as text whatever their JSON type.
	ErrorCode json.RawMessage `json:"error_code"`
	ErrorMsg  string          `json:"error_msg"`
	Code      json.RawMessage `json:"code"`
	Msg       string          `json:"msg"`
}

type ernieUsage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
}

// apiError returns the body's error code and message; ok is false when the
// body is not an error (no code, or code 0).
func (r *ernieResponse) apiError() (code int64, msg string, ok bool) {
	for _, c := range []struct {
		raw json.RawMessage
		msg string
	}{{r.ErrorCode, r.ErrorMsg}, {r.Code, r.Msg}} {
		if n, isNum := number(c.raw); isNum && n != 0 {
			return n, c.msg, true
		}
	}
	return 0, "", false
}

// number reads a JSON number, or a string holding one.
func number(raw json.RawMessage) (int64, bool) {
	if len(raw) == 0 {
		return 0, false
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		v, err := strconv.ParseInt(n.String(), 10, 64)
		return v, err == nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		return v, err == nil
	}
	return 0, false
}

// codeClasses classifies the v1 error codes (reference §5b, the SDK's
// consts and Baidu's error-code page). A code not listed is a server
// error: retried, within the runner's bounded attempts.
var codeClasses = map[int64]providers.Class{
	1:      providers.Server,      // unknown error
	2:      providers.Server,      // service temporarily unavailable
	4:      providers.Server,      // cluster request limit (an internal limit, "request again")
	15:     providers.Server,      // app not exists or create failed ("retrying solves it")
	336000: providers.Server,      // internal error
	336100: providers.Server,      // server high load
	18:     providers.RateLimited, // QPS limit
	336501: providers.RateLimited, // RPM limit
	336502: providers.RateLimited, // TPM limit
	17:     providers.Quota,       // daily request limit, or billing not opened / account in arrears
	19:     providers.Quota,       // total request limit
	6:      providers.Auth,        // no permission to access data
	13:     providers.Auth,        // get service token failed
	14:     providers.Auth,        // IAM certification failed
	110:    providers.Auth,        // access token invalid
	111:    providers.Auth,        // access token expired
	336004: providers.Auth,        // permission error
	3:      providers.BadRequest,  // unsupported method
	100:    providers.BadRequest,  // invalid request
	336001: providers.BadRequest,  // invalid argument
	336002: providers.BadRequest,  // invalid JSON
	336003: providers.BadRequest,  // invalid parameter (e.g. an even message count)
	336005: providers.BadRequest,  // API name not exist (no such endpoint)
	336101: providers.BadRequest,  // invalid HTTP method
	336103: providers.BadRequest,  // input too long ([MEM]/third-party, not in the SDK's list)
	336104: providers.BadRequest,  // invalid system argument
	336105: providers.BadRequest,  // invalid user setting
}

// CodeClass is the class of a v1 error code.
func CodeClass(code int64) providers.Class {
	if c, ok := codeClasses[code]; ok {
		return c
	}
	return providers.Server
}

// apiErr builds the error for a v1 error body. Baidu sends no delay hint
// with a rate limit (none is documented), so RetryAfter comes only from a
// Retry-After header a gateway may add; the runner backs off without one.
func (c *v1Client) apiErr(status int, code int64, msg string, h http.Header) *providers.Error {
	e := &providers.Error{Class: CodeClass(code), Status: status, Code: strconv.FormatInt(code, 10), Message: msg}
	if e.Message == "" {
		e.Message = "error code " + e.Code
	}
	switch e.Class {
	case providers.RateLimited, providers.Server:
		if h != nil {
			e.RetryAfter = providers.RetryAfter(h, time.Now())
		}
	case providers.Auth:
		e.Message += "; check " + c.credentials()
	case providers.Quota:
		e.Message += "; check the account's balance and the model's paid service in the Qianfan console"
	}
	return e
}

// credentials names what to fix after an auth failure.
func (c *v1Client) credentials() string {
	if c.bce {
		return "the IAM Access Key and Secret Key (the variables named by access_key_env and secret_key_env)"
	}
	return "the application's API Key and Secret Key (the variables named by access_key_env and secret_key_env)"
}

// httpError reads and classifies a non-2xx response: by its error code
// when the body has one, else by the status. raw is its body (or the stall
// watchdog around it).
func (c *v1Client) httpError(ctx context.Context, resp *http.Response, raw io.Reader) *providers.Error {
	body, err := io.ReadAll(io.LimitReader(raw, errorBodyLimit))
	if err != nil && ctx.Err() != nil {
		e := contextError(ctx, err)
		e.Status = resp.StatusCode
		return e
	}
	var r ernieResponse
	if json.Unmarshal(body, &r) == nil {
		if code, msg, ok := r.apiError(); ok {
			return c.apiErr(resp.StatusCode, code, msg, resp.Header)
		}
	}
	e := statusError(resp.StatusCode, snippet(body), resp.Header)
	if e.Class == providers.Auth {
		e.Message += "; check " + c.credentials()
	}
	return e
}

// errorBodyLimit caps an error body: it is for a message.
const errorBodyLimit = 1 << 20

// statusError classifies a response by its HTTP status alone.
func statusError(status int, msg string, h http.Header) *providers.Error {
	e := &providers.Error{Status: status, Message: msg}
	switch {
	case status == http.StatusTooManyRequests:
		e.Class = providers.RateLimited
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		e.Class = providers.Auth
	case status == http.StatusRequestTimeout:
		e.Class = providers.Timeout
	case status >= 400 && status < 500:
		e.Class = providers.BadRequest
	case status >= 500 && status < 600:
		e.Class = providers.Server
	default:
		e.Class = providers.BadResponse
	}
	if e.Class == providers.RateLimited || e.Class == providers.Server {
		e.RetryAfter = providers.RetryAfter(h, time.Now())
	}
	return e
}

// readJSON reads a whole answer, or an error carried in a 2xx body.
func (c *v1Client) readJSON(ctx context.Context, body io.Reader, clk *wiretime.Clock, out *providers.Response, h http.Header) *providers.Error {
	data, err := io.ReadAll(body)
	if err != nil {
		return c.readError(ctx, err, "")
	}
	out.Latency = clk.Since()
	var r ernieResponse
	if err := json.Unmarshal(data, &r); err != nil {
		return &providers.Error{Class: providers.BadResponse, Message: "decode response: " + err.Error() + ": " + snippet(data), Err: err}
	}
	if code, msg, ok := r.apiError(); ok {
		return c.apiErr(0, code, msg, h)
	}
	if r.Result == nil {
		return &providers.Error{Class: providers.BadResponse, Message: "response has neither result nor error_code: " + snippet(data)}
	}
	out.Text = *r.Result
	out.FinishReason = finishReason(r.FinishReason, r.IsTruncated)
	if r.Usage != nil {
		out.Usage = r.Usage.usage()
	}
	return filtered(&r, "")
}

// readStream reads a streamed answer: "data: {…}" chunks until the one
// with "is_end": true (a "[DONE]" is also taken as the end). Usage comes
// with the chunks; the last one seen wins. TTFT is taken at the first
// chunk with text.
func (c *v1Client) readStream(ctx context.Context, body io.Reader, clk *wiretime.Clock, out *providers.Response, h http.Header) *providers.Error {
	rd := sse.NewReader(body, int(min(c.maxBody, 1<<30)))
	var text strings.Builder
	var last ernieResponse
	done := false
	for !done {
		ev, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return c.readError(ctx, err, text.String())
		}
		data := strings.TrimSpace(ev.Data)
		switch data {
		case "":
			continue
		case "[DONE]":
			done = true
			continue
		}
		var ch ernieResponse
		if err := json.Unmarshal([]byte(data), &ch); err != nil {
			return &providers.Error{Class: providers.BadResponse, Message: "decode stream chunk: " + err.Error() + ": " + snippet([]byte(data)), Partial: text.String(), Err: err}
		}
		if code, msg, ok := ch.apiError(); ok {
			e := c.apiErr(0, code, msg, h)
			e.Partial = text.String()
			return e
		}
		if e := filtered(&ch, text.String()); e != nil {
			return e
		}
		if ch.Result != nil && *ch.Result != "" {
			if text.Len() == 0 {
				out.TTFT = clk.Since()
			}
			text.WriteString(*ch.Result)
		}
		if ch.Usage != nil {
			out.Usage = ch.Usage.usage()
		}
		last = ch
		done = done || ch.IsEnd
	}
	out.Latency = clk.Since()
	out.Text = text.String()
	if !done {
		return &providers.Error{Class: providers.BadResponse, Message: "stream ended before the chunk with is_end", Partial: out.Text}
	}
	out.FinishReason = finishReason(last.FinishReason, last.IsTruncated)
	// Reading to the end lets an HTTP/1.1 connection be reused; the bound
	// keeps a misbehaving server from holding the call.
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 4<<10))
	return nil
}

func (u *ernieUsage) usage() providers.Usage {
	return providers.Usage{InputTokens: u.PromptTokens, OutputTokens: u.CompletionTokens}
}

// finishReason normalises the v1 finish reason: "normal" (the model ended
// by itself) is "stop" as elsewhere. Older bodies have no finish_reason
// ([MEM]: it appears in newer documentation only); is_truncated then says
// whether the length limit cut the answer.
func finishReason(fr string, truncated bool) string {
	switch {
	case fr == "normal":
		return "stop"
	case fr != "":
		return fr
	case truncated:
		return "length"
	}
	return "stop"
}

// filtered turns the v1 safety signals into a content_filtered error:
// need_clear_history (ban_round names the offending turn, -1 the current
// question; the result is then a canned refusal) or a content_filter
// finish. partial is the text streamed before the block.
func filtered(r *ernieResponse, partial string) *providers.Error {
	switch {
	case r.NeedClearHistory:
		msg := "blocked by the safety check (need_clear_history"
		if r.BanRound != nil {
			msg += fmt.Sprintf(", ban_round %d", *r.BanRound)
		}
		return &providers.Error{Class: providers.ContentFiltered, Code: "need_clear_history", Message: msg + ")", Partial: partial}
	case r.FinishReason == "content_filter":
		return &providers.Error{Class: providers.ContentFiltered, Code: "content_filter", Message: "blocked by the content filter (finish_reason content_filter)", Partial: partial}
	}
	return nil
}

// readError classifies a failure while reading a 2xx body.
func (c *v1Client) readError(ctx context.Context, err error, partial string) *providers.Error {
	e := readError(ctx, err, c.maxBody)
	e.Partial = partial
	return e
}

func readError(ctx context.Context, err error, limit int64) *providers.Error {
	switch {
	case ctx.Err() != nil:
		return contextError(ctx, err)
	case errors.Is(err, providers.ErrBodyTooLarge):
		return &providers.Error{Class: providers.BadResponse, Message: fmt.Sprintf("response body exceeds the %d-byte limit", limit), Err: err}
	case errors.Is(err, sse.ErrTooLong):
		return &providers.Error{Class: providers.BadResponse, Message: "stream line or event exceeds the response limit", Err: err}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &providers.Error{Class: providers.BadResponse, Message: "stream cut in the middle of an event", Err: err}
	}
	if pe := providers.Classify(stripURL(err)); pe.Class == providers.Timeout {
		return pe
	}
	return &providers.Error{Class: providers.BadResponse, Message: "read body: " + stripURL(err).Error(), Err: stripURL(err)}
}

// contextError classifies a failure caused by the call's context (a
// stalled body, the deadline, a cancellation) without the URL.
func contextError(ctx context.Context, err error) *providers.Error {
	return providers.ContextError(ctx, stripURL(err))
}

// transportError classifies a failure to get a response at all.
func transportError(ctx context.Context, err error) *providers.Error {
	if ctx.Err() != nil {
		return contextError(ctx, err)
	}
	return providers.Classify(stripURL(err))
}

// stripURL drops the URL net/http puts into its errors: v1 URLs carry the
// access token, and the token URL the secret key, in their query.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s %s: %w", ue.Op, hostOf(ue.URL), ue.Err)
	}
	return err
}

func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Scheme + "://" + u.Host + u.Path
	}
	return "(url)"
}

// snippet is a short, printable excerpt of a body for error messages.
func snippet(b []byte) string {
	const max = 200
	s := strings.TrimSpace(strings.ToValidUTF8(string(b), "\uFFFD"))
	if s == "" {
		return "(empty body)"
	}
	if len(s) > max {
		cut := max
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return strconv.Quote(s)
}
