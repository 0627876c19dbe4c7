package openai

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/llmbench/llmbench/providers"
)

// stallError is the cause given to an attempt's context when its body has
// been silent for too long.
type stallError struct{ limit time.Duration }

func (e *stallError) Error() string {
	return fmt.Sprintf("response stalled: no data for %s", e.limit)
}

// stallLimit is the stall limit cfg asks for; 0 means no detection.
func stallLimit(cfg providers.Config) time.Duration {
	switch {
	case cfg.StallTimeout < 0:
		return 0
	case cfg.StallTimeout == 0:
		return providers.DefaultStallTimeout
	}
	return cfg.StallTimeout
}

// watchdog ends an attempt whose body stays silent for longer than limit:
// every read that yields bytes rearms the timer; when it fires, the
// attempt's context is canceled with a *stallError as the cause and the
// body is closed, which unblocks a read in progress whatever the
// transport. The error is then classified by contextError, so the partial
// text read so far is kept like on any other failure mid-body.
type watchdog struct {
	body  io.ReadCloser
	limit time.Duration
	timer *time.Timer
}

func watch(body io.ReadCloser, limit time.Duration, cancel context.CancelCauseFunc) *watchdog {
	return &watchdog{body: body, limit: limit, timer: time.AfterFunc(limit, func() {
		cancel(&stallError{limit: limit})
		body.Close()
	})}
}

func (w *watchdog) Read(p []byte) (int, error) {
	n, err := w.body.Read(p)
	if n > 0 {
		w.timer.Reset(w.limit)
	}
	return n, err
}

// stop disarms the watchdog once the body has been read.
func (w *watchdog) stop() { w.timer.Stop() }

// stalled returns the stall that ended ctx, if one did.
func stalled(ctx context.Context) (*stallError, bool) {
	var se *stallError
	ok := errors.As(context.Cause(ctx), &se)
	return se, ok
}
