package openai

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/llmbench/llmbench/providers"
)

// APIError is an error body as OpenAI-compatible servers send it:
// {"error":{"message","type","param","code"}}, also in the variants seen in
// the wild ({"error":"text"}, a top-level {"message","type","code"} as old
// vLLM and DashScope send, FastAPI's {"detail":...}). Code is the code's
// text whether the server sent a string or a number.
type APIError struct {
	Message string
	Type    string
	Code    string
	Param   string
}

type rawAPIError struct {
	Message json.RawMessage `json:"message"`
	Type    json.RawMessage `json:"type"`
	Code    json.RawMessage `json:"code"`
	Param   json.RawMessage `json:"param"`
}

func (r rawAPIError) apiError() APIError {
	return APIError{Message: scalar(r.Message), Type: scalar(r.Type), Code: scalar(r.Code), Param: scalar(r.Param)}
}

// scalar renders a JSON string, number or bool as text; null, absent and
// anything else are "".
func scalar(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		return n.String()
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err == nil {
		return strconv.FormatBool(b)
	}
	return ""
}

// parseAPIError reads an error body; it returns a zero APIError for a body
// it cannot read.
func parseAPIError(body []byte) APIError {
	var top struct {
		Error json.RawMessage `json:"error"`
		rawAPIError
		Detail json.RawMessage `json:"detail"`
	}
	if json.Unmarshal(body, &top) != nil {
		return APIError{}
	}
	if hasError(top.Error) {
		var inner rawAPIError
		if json.Unmarshal(top.Error, &inner) == nil {
			return inner.apiError()
		}
		return APIError{Message: scalar(top.Error)}
	}
	ae := top.rawAPIError.apiError()
	if ae.Message == "" {
		ae.Message = scalar(top.Detail)
	}
	return ae
}

// quotaCodes are OpenAI's billing-type 429s: the account is out of money or
// over its spend limit, so retrying is pointless.
var quotaCodes = map[string]bool{
	"insufficient_quota":                true,
	"credit_balance_exhausted":          true,
	"organization_spend_limit_exceeded": true,
	"project_spend_limit_exceeded":      true,
	"organization_usage_limit_exceeded": true,
	"billing_hard_limit_reached":        true,
	"billing_not_active":                true,
}

func isQuota(e APIError) bool { return quotaCodes[e.Code] || quotaCodes[e.Type] }

func isContentFilter(e APIError) bool {
	return e.Code == "content_filter" || e.Type == "content_filter" || e.Code == "content_policy_violation"
}

func isRateLimit(e APIError) bool {
	return strings.Contains(e.Code, "rate_limit") || strings.Contains(e.Type, "rate_limit")
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
	ae := parseAPIError(body)
	if ae.Message == "" && len(body) > 0 && !json.Valid(body) {
		ae.Message = snippet(body)
	}
	return c.classify(resp.StatusCode, ae, resp.Header)
}

// classify maps an HTTP status (0 for an error carried in a 200 body or a
// stream) and error body to a class:
//
//	4xx + insufficient_quota family  quota (never retried), whatever the 4xx
//	429 otherwise                    rate_limited, RetryAfter from retry-after-ms / Retry-After,
//	                                 else the reset of an exhausted x-ratelimit-* window
//	401, 403                         auth (the message names the key variable)
//	402                              quota (DeepSeek's "Insufficient Balance")
//	408                              timeout
//	409                              server (a conflict; OpenAI's SDK retries it)
//	4xx with code content_filter     content_filtered
//	other 4xx (400/404/413/422 ...)  bad_request
//	5xx                              server, with any delay hint
//	anything else                    bad_response
//
// Options.Classify is consulted first.
func (c *Client) classify(status int, ae APIError, h http.Header) *providers.Error {
	e := &providers.Error{Status: status, Code: ae.Code, Message: ae.Message}
	if e.Code == "" {
		e.Code = ae.Type
	}
	if e.Message == "" && status != 0 {
		e.Message = http.StatusText(status)
	}
	if class, ok := c.hook(status, ae); ok {
		e.Class = class
	} else {
		e.Class = genericClass(status, ae)
	}
	switch e.Class {
	case providers.RateLimited, providers.Server, providers.Timeout:
		if h != nil {
			e.RetryAfter = providers.RetryAfter(h, time.Now())
		}
		if e.RetryAfter == 0 && e.Class == providers.RateLimited && h != nil {
			e.RetryAfter = windowReset(h)
		}
	case providers.Auth:
		e.Message = c.authMessage(e.Message)
	}
	if e.Message == "" {
		e.Message = "error without a message"
	}
	return e
}

func (c *Client) hook(status int, ae APIError) (providers.Class, bool) {
	if c.opts.Classify == nil {
		return "", false
	}
	return c.opts.Classify(status, ae)
}

func genericClass(status int, ae APIError) providers.Class {
	switch {
	case status >= 400 && status < 500 && isQuota(ae):
		// A billing code wins over the status: OpenAI sends most with 429,
		// but a spend limit or an inactive billing account may come with 400
		// or 403, and retrying any of them is pointless.
		return providers.Quota
	case status == http.StatusTooManyRequests:
		return providers.RateLimited
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return providers.Auth
	case status == http.StatusPaymentRequired:
		return providers.Quota
	case status == http.StatusRequestTimeout:
		return providers.Timeout
	case status == http.StatusConflict:
		return providers.Server
	case status >= 400 && status < 500:
		if isContentFilter(ae) {
			return providers.ContentFiltered
		}
		return providers.BadRequest
	case status >= 500 && status < 600:
		return providers.Server
	case status == 0:
		// An error inside a 200 body or mid-stream: only the body says what
		// it is.
		switch {
		case isQuota(ae):
			return providers.Quota
		case isRateLimit(ae):
			return providers.RateLimited
		case isContentFilter(ae):
			return providers.ContentFiltered
		case ae.Type == "invalid_request_error":
			return providers.BadRequest
		}
		return providers.Server
	}
	return providers.BadResponse
}

// windowReset reads OpenAI's rate-limit window headers: when a window is
// exhausted (x-ratelimit-remaining-requests or -tokens is 0), its
// x-ratelimit-reset-* value ("1s", "6m0s", "120ms") is when it refills. The
// longest such reset is returned; 0 when no exhausted window says when, or
// the reset is not a Go-style duration (some servers send epoch seconds).
func windowReset(h http.Header) time.Duration {
	var d time.Duration
	for _, w := range []string{"requests", "tokens"} {
		if strings.TrimSpace(h.Get("x-ratelimit-remaining-"+w)) != "0" {
			continue
		}
		r, err := time.ParseDuration(strings.TrimSpace(h.Get("x-ratelimit-reset-" + w)))
		if err == nil && r > d {
			d = r
		}
	}
	return d
}

// authMessage says what to fix. It names the variable the key comes from;
// the key itself is redacted from every message by Complete.
func (c *Client) authMessage(server string) string {
	if c.cfg.APIKey == "" && c.opts.Authorize == nil {
		if c.keyEnv != "" {
			return fmt.Sprintf("%s; no API key was sent: set %s", server, c.keyEnv)
		}
		return server + "; no API key was sent and this server wants one: name its variable with api_key_env: in the target"
	}
	return fmt.Sprintf("%s; check %s", server, c.keyName())
}
