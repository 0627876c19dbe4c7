package providers

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header map[string]string
		want   time.Duration
	}{
		{"none", nil, 0},
		{"ms first", map[string]string{"Retry-After-Ms": "250", "Retry-After": "3"}, 250 * time.Millisecond},
		{"fractional ms", map[string]string{"retry-after-ms": "1.5"}, 1500 * time.Microsecond},
		{"seconds", map[string]string{"Retry-After": "3"}, 3 * time.Second},
		{"float seconds", map[string]string{"Retry-After": "0.75"}, 750 * time.Millisecond},
		{"http date", map[string]string{"Retry-After": "Sun, 01 Mar 2026 12:00:20 GMT"}, 20 * time.Second},
		{"date in the past", map[string]string{"Retry-After": "Sun, 01 Mar 2026 11:00:00 GMT"}, 0},
		{"bad ms falls back to seconds", map[string]string{"Retry-After-Ms": "soon", "Retry-After": "2"}, 2 * time.Second},
		{"negative", map[string]string{"Retry-After": "-5"}, 0},
		{"garbage", map[string]string{"Retry-After": "later"}, 0},
		{"absurd", map[string]string{"Retry-After": "1e300"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.header {
				h.Set(k, v)
			}
			if got := RetryAfter(h, now); got != tt.want {
				t.Errorf("RetryAfter = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRateLimitHeaders(t *testing.T) {
	h := http.Header{}
	h.Set("X-RateLimit-Limit-Requests", "60")
	h.Set("x-ratelimit-reset-tokens", "6m0s")
	h.Set("X-Request-Id", "req_1")
	h.Set("Retry-After", "1")
	want := map[string]string{"x-ratelimit-limit-requests": "60", "x-ratelimit-reset-tokens": "6m0s"}
	if diff := cmp.Diff(want, RateLimitHeaders(h)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := RateLimitHeaders(http.Header{"Content-Type": {"text/plain"}}); got != nil {
		t.Errorf("no rate-limit headers: got %v, want nil", got)
	}
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestLimitBody(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		limit    int64
		tooLarge bool
	}{
		{"under", "hello", 10, false},
		{"exactly the limit", "hello", 5, false},
		{"one over", "hello!", 5, true},
		{"far over", strings.Repeat("x", 1<<20), 100, true},
		{"empty", "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, wrap := range []func(io.Reader) io.Reader{func(r io.Reader) io.Reader { return r }, iotest.OneByteReader} {
				cr := &countingReader{r: strings.NewReader(tt.body)}
				got, err := io.ReadAll(LimitBody(wrap(cr), tt.limit))
				if tt.tooLarge != errors.Is(err, ErrBodyTooLarge) {
					t.Fatalf("error = %v, want too large: %v", err, tt.tooLarge)
				}
				if !tt.tooLarge && (err != nil || string(got) != tt.body) {
					t.Errorf("read %q, %v; want the whole body", got, err)
				}
				if int64(len(got)) > tt.limit || int64(cr.n) > tt.limit+1 {
					t.Errorf("returned %d and read %d bytes; limit %d", len(got), cr.n, tt.limit)
				}
			}
		})
	}
}

func TestRedact(t *testing.T) {
	const key = "sk-abc123456"
	got := Redact("Incorrect API key provided: sk-abc123456 (sk-abc123456)", key, "", "x")
	if want := "Incorrect API key provided: [redacted] ([redacted])"; got != want {
		t.Errorf("Redact = %q, want %q", got, want)
	}
}

func TestMaxBody(t *testing.T) {
	if got := MaxBody(Config{}); got != DefaultMaxResponseBytes {
		t.Errorf("default = %d", got)
	}
	if got := MaxBody(Config{MaxResponseBytes: 10}); got != 10 {
		t.Errorf("set = %d", got)
	}
}
