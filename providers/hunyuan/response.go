package hunyuan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/sse"
	"github.com/llmbench/llmbench/providers/wiretime"
)

// envelope is a whole API 3.0 answer: {"Response": {...}}.
type envelope struct {
	Response *params `json:"Response"`
}

// params is the Response object of a whole answer, and (without the
// envelope) one stream chunk (the SDK's ChatCompletionsResponseParams).
type params struct {
	Choices []choice     `json:"Choices"`
	Usage   *nativeUsage `json:"Usage"`
	// Error is API 3.0's error, sent with HTTP 200.
	Error *apiError `json:"Error"`
	// ErrorMsg is a failure in the middle of a stream.
	ErrorMsg *streamError `json:"ErrorMsg"`
}

type choice struct {
	FinishReason string      `json:"FinishReason"`
	Message      *choiceText `json:"Message"`
	Delta        *choiceText `json:"Delta"`
}

type choiceText struct {
	Content string `json:"Content"`
}

type nativeUsage struct {
	PromptTokens     int `json:"PromptTokens"`
	CompletionTokens int `json:"CompletionTokens"`
}

type apiError struct {
	Code    string `json:"Code"`
	Message string `json:"Message"`
}

type streamError struct {
	Code json.RawMessage `json:"Code"`
	Msg  string          `json:"Msg"`
}

func (u *nativeUsage) usage() providers.Usage {
	return providers.Usage{InputTokens: u.PromptTokens, OutputTokens: u.CompletionTokens}
}

// quotaCodes are the billing errors: the account cannot pay for more.
var quotaCodes = map[string]bool{
	"LimitExceeded": true,
	"FailedOperation.FreeResourcePackExhausted":  true,
	"FailedOperation.ResourcePackExhausted":      true,
	"FailedOperation.ServiceNotActivated":        true,
	"FailedOperation.ServiceStop":                true,
	"FailedOperation.ServiceStopArrears":         true,
	"ResourceInsufficient.ChargeResourceExhaust": true,
}

// badRequestPrefixes are the common API 3.0 codes of a request the server
// will never accept.
var badRequestPrefixes = []string{
	"InvalidParameter", "MissingParameter", "UnknownParameter", "InvalidAction", "ActionOffline",
	"NoSuchVersion", "NoSuchProduct", "UnsupportedOperation", "UnsupportedProtocol", "UnsupportedRegion",
	"InvalidRequest", "RequestSizeLimitExceeded", "InvalidParameterValue",
}

func hasPrefix(code, prefix string) bool {
	return code == prefix || strings.HasPrefix(code, prefix+".")
}

// CodeClass classifies an API 3.0 error code (reference §6b and the SDK's
// hunyuan errors.go; the common codes are Tencent's):
//
//	RequestLimitExceeded*, FailedOperation.EngineServerLimitExceeded   rate_limited
//	LimitExceeded, resource packs exhausted, arrears, ResourceUnavailable.*,
//	  ResourceInsufficient.*, service not activated or stopped         quota
//	OperationDenied.* (text or image judged illegal)                   content_filtered
//	AuthFailure.*, UnauthorizedOperation.*, FailedOperation.UserUnAuthError  auth
//	FailedOperation.EngineRequestTimeout                               timeout
//	InvalidParameter*, MissingParameter, UnknownParameter, ...         bad_request
//	InternalError*, other FailedOperation.*, anything unknown          server
func CodeClass(code string) providers.Class {
	if c, ok := knownCodeClass(code); ok {
		return c
	}
	return providers.Server
}

// knownCodeClass is CodeClass for the codes it recognises.
func knownCodeClass(code string) (providers.Class, bool) {
	switch {
	case code == "":
		return "", false
	case hasPrefix(code, "RequestLimitExceeded"), code == "FailedOperation.EngineServerLimitExceeded":
		return providers.RateLimited, true
	case quotaCodes[code], hasPrefix(code, "ResourceUnavailable"), hasPrefix(code, "ResourceInsufficient"):
		return providers.Quota, true
	case hasPrefix(code, "OperationDenied"):
		return providers.ContentFiltered, true
	case hasPrefix(code, "AuthFailure"), hasPrefix(code, "UnauthorizedOperation"), code == "FailedOperation.UserUnAuthError":
		return providers.Auth, true
	case code == "FailedOperation.EngineRequestTimeout":
		return providers.Timeout, true
	case hasPrefix(code, "InternalError"), hasPrefix(code, "FailedOperation"), code == "ServiceUnavailable":
		return providers.Server, true
	}
	for _, p := range badRequestPrefixes {
		if hasPrefix(code, p) {
			return providers.BadRequest, true
		}
	}
	return "", false
}

// apiErr builds the error for a Response.Error. Tencent sends no delay
// hint with RequestLimitExceeded (the SDK retries after a fixed wait), so
// RetryAfter comes only from a Retry-After header a gateway may add.
func (c *nativeClient) apiErr(status int, e *apiError, h http.Header) *providers.Error {
	pe := &providers.Error{Class: CodeClass(e.Code), Status: status, Code: e.Code, Message: e.Message}
	if pe.Message == "" {
		pe.Message = e.Code
	}
	switch pe.Class {
	case providers.RateLimited, providers.Server:
		pe.RetryAfter = providers.RetryAfter(h, time.Now())
	case providers.Auth:
		if e.Code == "AuthFailure.SignatureExpire" {
			pe.Message += "; check this machine's clock: Tencent refuses a signature more than 5 minutes off"
		} else {
			pe.Message += "; check " + c.credentials()
		}
	case providers.Quota:
		pe.Message += "; check the account's balance and Hunyuan resource packs in the Tencent Cloud console"
	}
	return pe
}

func (c *nativeClient) credentials() string {
	return "the SecretId and SecretKey (the variables named by access_key_env and secret_key_env, e.g. " + SecretIDEnv + ", " + SecretKeyEnv + ")"
}

// streamErr classifies a mid-stream ErrorMsg: 4001 is the model timing
// out, 4000 (and anything else) an internal error.
func streamErr(e *streamError, partial string) *providers.Error {
	code := strings.Trim(string(e.Code), `"`)
	class := providers.Server
	if code == "4001" {
		class = providers.Timeout
	}
	msg := e.Msg
	if msg == "" {
		msg = "stream failed with code " + code
	}
	return &providers.Error{Class: class, Code: code, Message: msg, Partial: partial}
}

// httpError reads and classifies a non-2xx response: by Response.Error
// when the body has one, else by the status (the SDK's
// ClientError.HttpStatusCodeError). raw is its body (or the stall watchdog
// around it).
func (c *nativeClient) httpError(ctx context.Context, resp *http.Response, raw io.Reader) *providers.Error {
	body, err := io.ReadAll(io.LimitReader(raw, errorBodyLimit))
	if err != nil && ctx.Err() != nil {
		e := providers.ContextError(ctx, err)
		e.Status = resp.StatusCode
		return e
	}
	var env envelope
	if json.Unmarshal(body, &env) == nil && env.Response != nil && env.Response.Error != nil {
		return c.apiErr(resp.StatusCode, env.Response.Error, resp.Header)
	}
	e := &providers.Error{Status: resp.StatusCode, Code: "HttpStatusCodeError", Message: snippet(body)}
	switch s := resp.StatusCode; {
	case s == http.StatusTooManyRequests:
		e.Class = providers.RateLimited
	case s == http.StatusUnauthorized || s == http.StatusForbidden:
		e.Class = providers.Auth
		e.Message += "; check " + c.credentials()
	case s == http.StatusRequestTimeout:
		e.Class = providers.Timeout
	case s >= 400 && s < 500:
		e.Class = providers.BadRequest
	case s >= 500 && s < 600:
		e.Class = providers.Server
	default:
		e.Class = providers.BadResponse
	}
	if e.Class == providers.RateLimited || e.Class == providers.Server {
		e.RetryAfter = providers.RetryAfter(resp.Header, time.Now())
	}
	return e
}

// errorBodyLimit caps an error body: it is for a message.
const errorBodyLimit = 1 << 20

// readJSON reads {"Response": …}: a whole answer, or an error.
func (c *nativeClient) readJSON(ctx context.Context, body io.Reader, clk *wiretime.Clock, out *providers.Response, h http.Header) *providers.Error {
	data, err := io.ReadAll(body)
	if err != nil {
		return c.readError(ctx, err, "")
	}
	out.Latency = clk.Since()
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return &providers.Error{Class: providers.BadResponse, Message: "decode response: " + err.Error() + ": " + snippet(data), Err: err}
	}
	r := env.Response
	switch {
	case r == nil:
		return &providers.Error{Class: providers.BadResponse, Message: "response has no Response object: " + snippet(data)}
	case r.Error != nil:
		return c.apiErr(0, r.Error, h)
	case r.ErrorMsg != nil:
		return streamErr(r.ErrorMsg, "")
	case len(r.Choices) == 0 || r.Choices[0].Message == nil:
		return &providers.Error{Class: providers.BadResponse, Message: "response has no Choices: " + snippet(data)}
	}
	ch := r.Choices[0]
	out.Text = ch.Message.Content
	out.FinishReason = ch.FinishReason
	if out.FinishReason == "" {
		out.FinishReason = "stop"
	}
	if r.Usage != nil {
		out.Usage = r.Usage.usage()
	}
	return filtered(out.FinishReason, "")
}

// readStream reads "data: {…}" chunks (no envelope) until the body ends:
// there is no end marker, so a stream is complete only if a chunk carried
// a FinishReason. Usage comes on every chunk; the last one seen wins.
// TTFT is taken at the first chunk with text.
func (c *nativeClient) readStream(ctx context.Context, body io.Reader, clk *wiretime.Clock, out *providers.Response, h http.Header) *providers.Error {
	rd := sse.NewReader(body, int(min(c.maxBody, 1<<30)))
	var text strings.Builder
	for {
		ev, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return c.readError(ctx, err, text.String())
		}
		data := strings.TrimSpace(ev.Data)
		if data == "" || data == "[DONE]" {
			continue
		}
		var ch params
		if err := json.Unmarshal([]byte(data), &ch); err != nil {
			return &providers.Error{Class: providers.BadResponse, Message: "decode stream chunk: " + err.Error() + ": " + snippet([]byte(data)), Partial: text.String(), Err: err}
		}
		if ch.ErrorMsg != nil {
			return streamErr(ch.ErrorMsg, text.String())
		}
		if ch.Error != nil {
			e := c.apiErr(0, ch.Error, h)
			e.Partial = text.String()
			return e
		}
		if ch.Usage != nil {
			out.Usage = ch.Usage.usage()
		}
		for _, cc := range ch.Choices {
			if cc.FinishReason == "sensitive" {
				return filtered(cc.FinishReason, text.String())
			}
			if cc.Delta != nil && cc.Delta.Content != "" {
				if text.Len() == 0 {
					out.TTFT = clk.Since()
				}
				text.WriteString(cc.Delta.Content)
			}
			if cc.FinishReason != "" {
				out.FinishReason = cc.FinishReason
			}
		}
	}
	out.Latency = clk.Since()
	out.Text = text.String()
	if out.FinishReason == "" {
		return &providers.Error{Class: providers.BadResponse, Message: "stream ended without a FinishReason", Partial: out.Text}
	}
	return nil
}

// filtered turns a moderation finish into a content_filtered error: a
// block is never scored as a wrong answer.
func filtered(finish, partial string) *providers.Error {
	if finish != "sensitive" {
		return nil
	}
	return &providers.Error{Class: providers.ContentFiltered, Code: "sensitive",
		Message: "blocked by moderation (FinishReason sensitive)", Partial: partial}
}

func (c *nativeClient) readError(ctx context.Context, err error, partial string) *providers.Error {
	var e *providers.Error
	switch {
	case ctx.Err() != nil:
		e = providers.ContextError(ctx, err)
	case errors.Is(err, providers.ErrBodyTooLarge):
		e = &providers.Error{Class: providers.BadResponse, Message: fmt.Sprintf("response body exceeds the %d-byte limit", c.maxBody), Err: err}
	case errors.Is(err, sse.ErrTooLong):
		e = &providers.Error{Class: providers.BadResponse, Message: "stream line or event exceeds the response limit", Err: err}
	case errors.Is(err, io.ErrUnexpectedEOF):
		e = &providers.Error{Class: providers.BadResponse, Message: "stream cut in the middle of an event", Err: err}
	default:
		if pe := providers.Classify(err); pe.Class == providers.Timeout {
			e = pe
		} else {
			e = &providers.Error{Class: providers.BadResponse, Message: "read body: " + err.Error(), Err: err}
		}
	}
	e.Partial = partial
	return e
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
