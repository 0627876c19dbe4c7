package sensenova

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/sse"
)

// apiError is a native error: {"error":{"code":18,"message":"…","details":[]}}
// (code a number; the string codes rate_limit_exceeded and
// insufficient_quota are seen too), or a stream chunk's non-zero status.
type apiError struct {
	Code    string
	Message string
}

// parseErrorBody reads a whole error body; a zero apiError when it cannot.
func parseErrorBody(body []byte) apiError {
	var top struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &top) != nil || len(top.Error) == 0 {
		return apiError{}
	}
	return parseErrorValue(top.Error)
}

// parseErrorValue reads the value of an "error" field: an object with
// code and message, or a bare string.
func parseErrorValue(raw json.RawMessage) apiError {
	var inner struct {
		Code    json.RawMessage `json:"code"`
		Message json.RawMessage `json:"message"`
	}
	if json.Unmarshal(raw, &inner) == nil {
		return apiError{Code: scalar(inner.Code), Message: scalar(inner.Message)}
	}
	return apiError{Message: scalar(raw)}
}

// scalar renders a JSON string or number as text; anything else is "".
func scalar(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// httpError reads and classifies a non-2xx response; raw is its body (or
// the stall watchdog around it).
func (n *nativeClient) httpError(ctx context.Context, resp *http.Response, raw io.Reader) *providers.Error {
	body, err := io.ReadAll(io.LimitReader(raw, min(n.maxBody, 1<<20)))
	if err != nil && ctx.Err() != nil {
		e := providers.ContextError(ctx, err)
		e.Status = resp.StatusCode
		return e
	}
	ae := parseErrorBody(body)
	if ae.Message == "" && ae.Code == "" && len(body) > 0 {
		ae.Message = snippet(body)
	}
	return n.classify(resp.StatusCode, ae, resp.Header)
}

// classify maps an HTTP status (0 for an error inside a 200 body or a
// stream) and a native error to a class. The codes follow a gRPC-like
// numbering ([3P]: OpenCompass, a unit test); those not seen in the wild
// are read by their gRPC meaning ([inferred]):
//
//	code 18                      content_filtered (unsafe content)   [3P]
//	code 17                      bad_request (context too long)      [3P]
//	code 7, 16                   auth (permission denied [3P], unauthenticated [inferred])
//	insufficient_quota           quota                               [3P lagent]
//	rate_limit_exceeded          rate_limited                        [3P lagent]
//	HTTP 429                     rate_limited, with any delay hint   [3P]
//	HTTP 401, 403                auth
//	HTTP 402                     quota
//	HTTP 408                     timeout
//	other HTTP 4xx               bad_request
//	HTTP 5xx                     server
//	no HTTP status (in a body or stream), by gRPC code [inferred]:
//	  8 rate_limited; 4 timeout; 3, 5, 9, 11, 12 bad_request; other server
func (n *nativeClient) classify(status int, ae apiError, h http.Header) *providers.Error {
	e := &providers.Error{Status: status, Code: ae.Code, Message: ae.Message, Class: nativeClass(status, ae.Code)}
	if e.Message == "" && status != 0 {
		e.Message = http.StatusText(status)
	}
	switch e.Class {
	case providers.RateLimited, providers.Server, providers.Timeout:
		if h != nil {
			e.RetryAfter = providers.RetryAfter(h, time.Now())
		}
	case providers.Auth:
		e.Message = n.authMessage(e.Message)
	}
	if e.Message == "" {
		e.Message = "error without a message"
	}
	return e
}

func nativeClass(status int, code string) providers.Class {
	switch code {
	case "18":
		return providers.ContentFiltered
	case "17":
		return providers.BadRequest
	case "7", "16":
		return providers.Auth
	case "insufficient_quota":
		return providers.Quota
	case "rate_limit_exceeded":
		return providers.RateLimited
	}
	switch {
	case status == http.StatusTooManyRequests:
		return providers.RateLimited
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return providers.Auth
	case status == http.StatusPaymentRequired:
		return providers.Quota
	case status == http.StatusRequestTimeout:
		return providers.Timeout
	case status >= 400 && status < 500:
		return providers.BadRequest
	case status >= 500 && status < 600:
		return providers.Server
	case status != 0:
		return providers.BadResponse
	}
	n, err := strconv.Atoi(code)
	if err != nil {
		return providers.Server
	}
	switch n {
	case 8:
		return providers.RateLimited
	case 4:
		return providers.Timeout
	case 3, 5, 9, 11, 12:
		return providers.BadRequest
	}
	return providers.Server
}

// authMessage says what to fix: the key variable, or the access key pair.
func (n *nativeClient) authMessage(server string) string {
	switch {
	case n.tokens != nil:
		return server + "; check the access key pair (the variables named by access_key_env and secret_key_env)"
	case n.cfg.APIKey == "":
		return fmt.Sprintf("%s; no credentials were sent: set %s, or give an access key pair with access_key_env and secret_key_env", server, n.keyEnv())
	}
	return fmt.Sprintf("%s; check the API key in %s", server, n.keyEnv())
}

func (n *nativeClient) keyEnv() string {
	if n.cfg.APIKeyEnv != "" {
		return n.cfg.APIKeyEnv
	}
	return KeyEnv
}

// readError classifies a failure while reading a 2xx body.
func (n *nativeClient) readError(ctx context.Context, err error, partial string) *providers.Error {
	var e *providers.Error
	switch {
	case ctx.Err() != nil:
		e = providers.ContextError(ctx, err)
	case errors.Is(err, providers.ErrBodyTooLarge):
		e = &providers.Error{Class: providers.BadResponse, Message: fmt.Sprintf("response body exceeds the %d-byte limit", n.maxBody), Err: err}
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
