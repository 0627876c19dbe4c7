package gemini

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/llmbench/llmbench/providers"
)

// apiError is a Google RPC error as the Gemini API sends it:
// {"error":{"code":429,"message","status":"RESOURCE_EXHAUSTED","details":[…]}}
// (sometimes wrapped in a one-element list), with the details the adapter
// uses pulled out.
type apiError struct {
	Code    int
	Message string
	Status  string
	// Reasons are the ErrorInfo reasons ("API_KEY_INVALID", ...).
	Reasons []string
	// QuotaIDs are the QuotaFailure violations' quota ids
	// ("GenerateRequestsPerMinutePerProjectPerModel-FreeTier", ...).
	QuotaIDs []string
	// RetryDelay is RetryInfo's retryDelay (0: none).
	RetryDelay time.Duration
}

type rpcError struct {
	Code    json.Number       `json:"code"`
	Message string            `json:"message"`
	Status  string            `json:"status"`
	Details []json.RawMessage `json:"details"`
}

type detail struct {
	Type       string `json:"@type"`
	Reason     string `json:"reason"`
	RetryDelay string `json:"retryDelay"`
	Violations []struct {
		QuotaID string `json:"quotaId"`
	} `json:"violations"`
}

// parseError reads an error body; a zero apiError when it holds none.
func parseError(body []byte) apiError {
	var top struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &top) != nil {
		var list []struct {
			Error json.RawMessage `json:"error"`
		}
		if json.Unmarshal(body, &list) != nil || len(list) == 0 {
			return apiError{}
		}
		top.Error = list[0].Error
	}
	if !hasValue(top.Error) {
		return apiError{}
	}
	var re rpcError
	if json.Unmarshal(top.Error, &re) != nil {
		var s string
		if json.Unmarshal(top.Error, &s) == nil {
			return apiError{Message: s}
		}
		return apiError{}
	}
	ae := apiError{Message: re.Message, Status: re.Status}
	if n, err := re.Code.Int64(); err == nil && n > 0 && n < 1000 {
		ae.Code = int(n)
	}
	for _, raw := range re.Details {
		var d detail
		if json.Unmarshal(raw, &d) != nil {
			continue
		}
		switch {
		case strings.HasSuffix(d.Type, "google.rpc.ErrorInfo") && d.Reason != "":
			ae.Reasons = append(ae.Reasons, d.Reason)
		case strings.HasSuffix(d.Type, "google.rpc.RetryInfo"):
			ae.RetryDelay = parseDelay(d.RetryDelay)
		case strings.HasSuffix(d.Type, "google.rpc.QuotaFailure"):
			for _, v := range d.Violations {
				if v.QuotaID != "" {
					ae.QuotaIDs = append(ae.QuotaIDs, v.QuotaID)
				}
			}
		}
	}
	return ae
}

// parseDelay reads a google.protobuf.Duration in its JSON form: decimal
// seconds with an "s" suffix ("37s", "1.5s", "0.250s"). It returns 0 for
// anything else, a negative or absurd delay.
func parseDelay(s string) time.Duration {
	num, ok := strings.CutSuffix(strings.TrimSpace(s), "s")
	if !ok {
		return 0
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f <= 0 || math.IsInf(f, 0) || f > 366*24*3600 {
		return 0
	}
	return time.Duration(f * float64(time.Second))
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

// statusClass maps the RPC statuses whose meaning is fixed.
var statusClass = map[string]providers.Class{
	"UNAUTHENTICATED":     providers.Auth,
	"PERMISSION_DENIED":   providers.Auth,
	"INTERNAL":            providers.Server,
	"UNAVAILABLE":         providers.Server,
	"UNKNOWN":             providers.Server,
	"DEADLINE_EXCEEDED":   providers.Timeout,
	"INVALID_ARGUMENT":    providers.BadRequest,
	"FAILED_PRECONDITION": providers.BadRequest,
	"NOT_FOUND":           providers.BadRequest,
	"OUT_OF_RANGE":        providers.BadRequest,
}

// classify maps an HTTP status (0 for an error inside a 200 body or a
// stream) and error body to a class; see the package documentation.
func (c *Client) classify(status int, ae apiError, h http.Header) *providers.Error {
	e := &providers.Error{Status: status, Code: ae.Status, Message: ae.Message}
	if e.Message == "" && status != 0 {
		e.Message = http.StatusText(status)
	}
	e.Class = class(status, ae)
	switch e.Class {
	case providers.RateLimited, providers.Server, providers.Timeout:
		e.RetryAfter = ae.RetryDelay
		if e.RetryAfter == 0 && h != nil {
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
	for _, r := range ae.Reasons {
		if strings.HasPrefix(r, "API_KEY_") {
			return providers.Auth // API_KEY_INVALID, API_KEY_EXPIRED, API_KEY_SERVICE_BLOCKED, ...
		}
	}
	if ae.Status == "RESOURCE_EXHAUSTED" || ae.Status == "" && status == http.StatusTooManyRequests {
		for _, id := range ae.QuotaIDs {
			if strings.Contains(id, "PerDay") {
				return providers.Quota
			}
		}
		return providers.RateLimited
	}
	if cl, ok := statusClass[ae.Status]; ok {
		return cl
	}
	if status == 0 {
		status = ae.Code
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
