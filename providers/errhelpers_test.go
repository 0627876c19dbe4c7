package providers

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/llmbench/llmbench/providers/sse"
)

func TestReadError(t *testing.T) {
	done, cancel := context.WithCancel(context.Background())
	cancel()
	late, stop := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer stop()
	live := context.Background()
	cause := errors.New("boom")
	tests := []struct {
		name string
		ctx  context.Context
		err  error
		want Class
		msg  string
	}{
		{"canceled", done, cause, Canceled, "canceled"},
		{"deadline", late, cause, Timeout, "deadline"},
		{"too large", live, ErrBodyTooLarge, BadResponse, "16-byte limit"},
		{"line too long", live, sse.ErrTooLong, BadResponse, "exceeds the response limit"},
		{"cut", live, io.ErrUnexpectedEOF, BadResponse, "cut in the middle"},
		{"other", live, cause, BadResponse, "read body: boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := ReadError(tt.ctx, tt.err, "part", 16)
			if e.Class != tt.want || !strings.Contains(e.Message, tt.msg) || e.Partial != "part" {
				t.Errorf("got %+v, want class %s with %q and the partial text", e, tt.want, tt.msg)
			}
		})
	}
}

func TestSnippet(t *testing.T) {
	if got := Snippet([]byte("  ")); got != "(empty body)" {
		t.Errorf("empty: %q", got)
	}
	long := strings.Repeat("é", 150) // 300 bytes: the cut must land on a rune boundary
	got := Snippet([]byte(long))
	if !strings.HasSuffix(got, `…"`) || strings.ContainsRune(got, '\uFFFD') {
		t.Errorf("long body: %q", got)
	}
}
