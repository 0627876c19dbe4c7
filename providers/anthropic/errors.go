package anthropic

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/llmbench/llmbench/providers"
)

// apiError is an error as the Messages API sends it, in a non-2xx body or
// an SSE "error" event: {"type":"error","error":{"type","message"},
// "request_id"}.
type apiError struct {
	Type    string
	Message string
}

// parseError reads an error body; a zero apiError when it has none. A bare
// {"error":{...}} (a proxy's) and {"error":"text"} are accepted too.
func parseError(body []byte) apiError {
	var top struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &top) != nil || !hasValue(top.Error) {
		return apiError{}
	}
	var inner struct {
		Type    any `json:"type"`
		Message any `json:"message"`
	}
	if json.Unmarshal(top.Error, &inner) == nil {
		return apiError{Type: text(inner.Type), Message: text(inner.Message)}
	}
	var s string
	if json.Unmarshal(top.Error, &s) == nil {
		return apiError{Message: s}
	}
	return apiError{}
}

// text renders a decoded JSON scalar; "" for null, objects and lists.
func text(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64, bool:
		return fmt.Sprint(v)
	}
	return ""
}

// httpError reads and classifies a non-2xx response; raw is its body (or
// the stall watchdog around it).
func (c *Client) httpError(ctx context.Context, resp *http.Response, raw io.Reader) *providers.Error {
	limit := c.maxBody
	if limit > 1<<20 {
		limit = 1 << 20 // an error body is for a message; no need for more
	}
	body, err := io.ReadAll(io.LimitReader(raw, limit))
	if err != nil && ctx.Err() != nil {
		e := providers.ContextError(ctx, err)
		e.Status = resp.StatusCode
		return e
	}
	ae := parseError(body)
	if ae.Message == "" && len(body) > 0 && !json.Valid(body) {
		ae.Message = providers.Snippet(body)
	}
	return c.classify(resp.StatusCode, ae, resp.Header)
}

// Error types whose meaning does not depend on the status.
var typeClass = map[string]providers.Class{
	"rate_limit_error":     providers.RateLimited,
	"overloaded_error":     providers.Server,
	"api_error":            providers.Server,
	"timeout_error":        providers.Timeout,
	"authentication_error": providers.Auth,
	"permission_error":     providers.Auth,
	"billing_error":        providers.Quota,
	"not_found_error":      providers.BadRequest,
	"request_too_large":    providers.BadRequest,
}

// classify maps an HTTP status (0 for an error event in a stream or a 200
// body) and error body to a class, by error.type first:
//
//	rate_limit_error (429)                     rate_limited, RetryAfter from retry-after
//	overloaded_error (529), api_error (500)    server
//	timeout_error (504)                        timeout
//	authentication_error (401)                 auth (the message names the key variable)
//	permission_error (403)                     auth
//	billing_error (402)                        quota
//	invalid_request_error (400)                bad_request, except
//	    "credit balance is too low"            quota (the API sends billing this way)
//	    "content filtering policy"             content_filtered
//	not_found_error, request_too_large         bad_request
//
// and by the status when the type is missing or unknown (a proxy's or a
// load balancer's body): 429 rate_limited, 401/403 auth, 402 quota, 408 and
// 504 timeout, other 4xx bad_request, 5xx and 529 server, an error event
// without a type server.
func (c *Client) classify(status int, ae apiError, h http.Header) *providers.Error {
	e := &providers.Error{Status: status, Code: ae.Type, Message: ae.Message}
	if e.Message == "" && status != 0 {
		e.Message = http.StatusText(status)
		if status == 529 {
			e.Message = "Overloaded"
		}
	}
	e.Class = class(status, ae)
	switch e.Class {
	case providers.RateLimited, providers.Server, providers.Timeout:
		if h != nil {
			e.RetryAfter = providers.RetryAfter(h, time.Now())
		}
	case providers.Auth:
		e.Message = c.authMessage(e.Message)
	}
	if e.Message == "" {
		e.Message = "error without a message"
	}
	return e
}

func class(status int, ae apiError) providers.Class {
	if ae.Type == "invalid_request_error" {
		msg := strings.ToLower(ae.Message)
		switch {
		case strings.Contains(msg, "credit balance is too low"):
			return providers.Quota
		case strings.Contains(msg, "content filtering policy"):
			return providers.ContentFiltered
		}
		return providers.BadRequest
	}
	if cl, ok := typeClass[ae.Type]; ok {
		return cl
	}
	switch {
	case status == http.StatusTooManyRequests:
		return providers.RateLimited
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return providers.Auth
	case status == http.StatusPaymentRequired:
		return providers.Quota
	case status == http.StatusRequestTimeout || status == http.StatusGatewayTimeout:
		return providers.Timeout
	case status >= 400 && status < 500:
		return providers.BadRequest
	case status >= 500 && status < 600, status == 0:
		return providers.Server
	}
	return providers.BadResponse
}

// authMessage says what to fix. It names the variable the key comes from;
// the key itself is redacted from every message by Complete.
func (c *Client) authMessage(server string) string {
	if c.cfg.APIKey == "" {
		return fmt.Sprintf("%s; no API key was sent: set %s", server, c.keyEnv)
	}
	return fmt.Sprintf("%s; check the API key in %s", server, c.keyEnv)
}
