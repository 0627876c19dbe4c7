package providers

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
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
