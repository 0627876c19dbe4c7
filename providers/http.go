package providers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/llmbench/llmbench/providers/sse"
)

// RetryAfter reads a server's delay hint from response headers: first
// "retry-after-ms" (milliseconds, OpenAI and Anthropic), then "Retry-After"
// as seconds (a float is accepted) or as an HTTP date, measured from now.
// It returns 0 when there is no usable hint; it never returns a negative
// delay.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 && ms < math.MaxInt64/float64(time.Millisecond) {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s > 0 && s < math.MaxInt64/float64(time.Second) {
			return time.Duration(s * float64(time.Second))
		}
		return 0
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// RateLimitHeaders returns the response's rate-limit headers
// ("x-ratelimit-*", in any case) with lower-case names, or nil when there
// are none. Several values of one header are joined with ", ".
func RateLimitHeaders(h http.Header) map[string]string {
	var out map[string]string
	for k, vs := range h {
		lk := strings.ToLower(k)
		if !strings.HasPrefix(lk, "x-ratelimit-") {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[lk] = strings.Join(vs, ", ")
	}
	return out
}

// ErrBodyTooLarge is wrapped by the error a LimitBody reader returns once
// the body goes past its limit.
var ErrBodyTooLarge = errors.New("response body too large")

// LimitBody returns a reader that yields at most limit bytes of r and then,
// if r has more, an error wrapping ErrBodyTooLarge (io.LimitReader would
// end silently and turn an oversized body into a truncated one). It never
// reads more than limit+1 bytes from r.
func LimitBody(r io.Reader, limit int64) io.Reader {
	return &limitedBody{r: r, left: limit, limit: limit}
}

type limitedBody struct {
	r           io.Reader
	left, limit int64
}

func (l *limitedBody) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var one [1]byte
		n, err := l.r.Read(one[:])
		if n > 0 {
			return 0, fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, l.limit)
		}
		return 0, err
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// MaxBody is the body limit cfg asks for (DefaultMaxResponseBytes when
// unset).
func MaxBody(cfg Config) int64 {
	if cfg.MaxResponseBytes > 0 {
		return cfg.MaxResponseBytes
	}
	return DefaultMaxResponseBytes
}

// Redact replaces every occurrence of each secret in s with "[redacted]".
// Secrets shorter than 4 bytes are left alone: they cannot be told from
// ordinary text.
func Redact(s string, secrets ...string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return s
}

// ContextError classifies a failure caused by the call's context: a
// stalled body (a Watchdog's cause) is a timeout with code StallCode, the
// deadline a timeout, anything else a cancellation.
func ContextError(ctx context.Context, err error) *Error {
	if se, ok := Stalled(ctx); ok {
		return &Error{Class: Timeout, Code: StallCode, Message: se.Error(), Err: err}
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &Error{Class: Timeout, Message: "deadline exceeded", Err: err}
	}
	return &Error{Class: Canceled, Message: "call canceled", Err: err}
}

// TransportError classifies a failure to get a response at all.
func TransportError(ctx context.Context, err error) *Error {
	if ctx.Err() != nil {
		return ContextError(ctx, err)
	}
	return Classify(err)
}

// ReadError classifies a failure while reading a 2xx body: the call's
// context, a body over maxBody, a stream line too long, a stream cut
// mid-event, a read timeout, or else an unreadable body. partial is the
// text received before it broke.
func ReadError(ctx context.Context, err error, partial string, maxBody int64) *Error {
	var e *Error
	switch {
	case ctx.Err() != nil:
		e = ContextError(ctx, err)
	case errors.Is(err, ErrBodyTooLarge):
		e = &Error{Class: BadResponse, Message: fmt.Sprintf("response body exceeds the %d-byte limit", maxBody), Err: err}
	case errors.Is(err, sse.ErrTooLong):
		e = &Error{Class: BadResponse, Message: "stream line or event exceeds the response limit", Err: err}
	case errors.Is(err, io.ErrUnexpectedEOF):
		e = &Error{Class: BadResponse, Message: "stream cut in the middle of an event", Err: err}
	default:
		if pe := Classify(err); pe.Class == Timeout {
			e = pe
		} else {
			e = &Error{Class: BadResponse, Message: "read body: " + err.Error(), Err: err}
		}
	}
	e.Partial = partial
	return e
}

// Snippet quotes the start of a body (200 bytes at most, cut at a rune
// boundary) for an error message.
func Snippet(b []byte) string {
	const max = 200
	s := strings.TrimSpace(strings.ToValidUTF8(string(b), "\uFFFD"))
	if s == "" {
		return "(empty body)"
	}
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return fmt.Sprintf("%q", s)
}

// IsStream decides how to read a 2xx body: by its media type when that is
// clear, else by what was asked for (some servers answer a streaming
// request with plain JSON, or label a stream text/plain).
func IsStream(contentType string, asked bool) bool {
	ct := strings.ToLower(contentType)
	switch {
	case strings.HasPrefix(ct, "text/event-stream"):
		return true
	case strings.HasPrefix(ct, "application/json"):
		return false
	}
	return asked
}

// TooLarge is the error for a response whose declared length is over
// maxBody, or nil: such a body is refused before a byte of it is read.
func TooLarge(resp *http.Response, maxBody int64) *Error {
	if resp.ContentLength <= maxBody {
		return nil
	}
	return &Error{Class: BadResponse, Status: resp.StatusCode,
		Message: fmt.Sprintf("response body of %d bytes exceeds the %d-byte limit", resp.ContentLength, maxBody)}
}
