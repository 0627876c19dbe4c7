package providers

import (
	"context"
	"errors"
	"io"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestStallLimit(t *testing.T) {
	tests := []struct {
		name  string
		stall time.Duration
		want  time.Duration
	}{
		{"unset is the default", 0, DefaultStallTimeout},
		{"negative is off", -1, 0},
		{"set", 5 * time.Second, 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StallLimit(Config{StallTimeout: tt.stall}); got != tt.want {
				t.Errorf("StallLimit = %v, want %v", got, tt.want)
			}
		})
	}
}

// piece is one write of a scripted body: wait, then send data.
type piece struct {
	wait time.Duration
	data string
}

// scriptedBody is a body fed by a goroutine writing pieces after their
// waits; after the last one it ends, or with hang it stays open and silent
// until closed. Time is virtual under synctest.
func scriptedBody(pieces []piece, hang bool) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		for _, p := range pieces {
			time.Sleep(p.wait)
			if _, err := io.WriteString(pw, p.data); err != nil {
				return // the reader closed the body
			}
		}
		if !hang {
			pw.Close()
		}
	}()
	return pr
}

// TestWatchStall reads scripted bodies through a Watchdog under an
// attempt deadline of one minute: silence past the limit ends the attempt
// as a stall with what was read kept, a body that keeps sending (however
// slowly) is read to its end, and with no limit only the deadline ends a
// silent body.
func TestWatchStall(t *testing.T) {
	tests := []struct {
		name      string
		limit     time.Duration
		pieces    []piece
		hang      bool
		wantRead  string
		wantErr   *Error // Class, Code, Partial compared; nil: the body is read to its end
		wantAfter time.Duration
	}{
		{
			name: "silence after two pieces", limit: 5 * time.Second, hang: true,
			pieces:    []piece{{0, "Hel"}, {time.Second, "lo"}},
			wantRead:  "Hello",
			wantErr:   &Error{Class: Timeout, Code: StallCode, Partial: "Hello"},
			wantAfter: 6 * time.Second,
		},
		{
			name: "silence before any byte", limit: 5 * time.Second, hang: true,
			wantErr:   &Error{Class: Timeout, Code: StallCode},
			wantAfter: 5 * time.Second,
		},
		{
			name: "slow but steady", limit: 5 * time.Second,
			pieces:    []piece{{4 * time.Second, "a"}, {4 * time.Second, "b"}, {4 * time.Second, "c"}, {4 * time.Second, "d"}},
			wantRead:  "abcd",
			wantAfter: 16 * time.Second,
		},
		{
			name: "no limit: the deadline ends it", limit: 0, hang: true,
			pieces:    []piece{{0, "Hel"}},
			wantRead:  "Hel",
			wantErr:   &Error{Class: Timeout, Partial: "Hel"},
			wantAfter: time.Minute,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				outer, stop := context.WithTimeout(context.Background(), time.Minute)
				defer stop()
				ctx, cancel := context.WithCancelCause(outer)
				defer cancel(nil)
				body := scriptedBody(tt.pieces, tt.hang)
				// The attempt's deadline closes the body as net/http does.
				context.AfterFunc(ctx, func() { body.Close() })
				start := time.Now()
				wd := WatchStall(body, tt.limit, cancel)
				defer wd.Stop()

				var got []byte
				buf := make([]byte, 8)
				var err error
				for {
					var n int
					n, err = wd.Read(buf)
					got = append(got, buf[:n]...)
					if err != nil {
						break
					}
				}
				if took := time.Since(start); took != tt.wantAfter {
					t.Errorf("read ended after %v, want %v", took, tt.wantAfter)
				}
				if string(got) != tt.wantRead {
					t.Errorf("read %q, want %q", got, tt.wantRead)
				}
				if tt.wantErr == nil {
					if err != io.EOF {
						t.Errorf("read error %v, want io.EOF", err)
					}
					if ctx.Err() != nil {
						t.Errorf("attempt context ended: %v", context.Cause(ctx))
					}
					return
				}
				pe := ReadError(ctx, err, string(got), 1<<20)
				if diff := cmp.Diff(*tt.wantErr, Error{Class: pe.Class, Code: pe.Code, Partial: pe.Partial}); diff != "" {
					t.Errorf("classified error (-want +got):\n%s\n%v", diff, pe)
				}
				if se, ok := Stalled(ctx); ok != (tt.wantErr.Code == StallCode) || ok && se.Limit != tt.limit {
					t.Errorf("Stalled = %v, %v; want a stall of %v: %t", se, ok, tt.limit, tt.wantErr.Code == StallCode)
				}
			})
		})
	}
}

// TestWatchdogStop: once stopped, a watchdog never ends the attempt,
// however long the body then stays silent.
func TestWatchdogStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(context.Background())
		defer cancel(nil)
		body := scriptedBody([]piece{{0, "all"}}, true)
		wd := WatchStall(body, time.Second, cancel)
		if _, err := wd.Read(make([]byte, 8)); err != nil {
			t.Fatal(err)
		}
		wd.Stop()
		time.Sleep(time.Hour)
		if ctx.Err() != nil {
			t.Errorf("a stopped watchdog ended the attempt: %v", context.Cause(ctx))
		}
		body.Close()
	})
}

// TestContextErrorStall: the stall cause wins over the cancellation it
// brings, and also over a deadline that passed since.
func TestContextErrorStall(t *testing.T) {
	outer, stop := context.WithDeadline(context.Background(), time.Now().Add(time.Hour))
	defer stop()
	ctx, cancel := context.WithCancelCause(outer)
	cancel(&StallError{Limit: 3 * time.Second})
	cause := errors.New("read on closed body")
	for name, e := range map[string]*Error{
		"ContextError":   ContextError(ctx, cause),
		"TransportError": TransportError(ctx, cause),
		"ReadError":      ReadError(ctx, cause, "so far", 1<<20),
	} {
		if e.Class != Timeout || e.Code != StallCode || e.Message != "response stalled: no data for 3s" || !errors.Is(e, cause) {
			t.Errorf("%s = %+v, want a stall timeout wrapping the read error", name, e)
		}
	}
}
