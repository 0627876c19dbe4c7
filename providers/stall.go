package providers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// StallError is the cause a Watchdog gives its attempt's context when the
// body has been silent for too long. ContextError turns it into a timeout
// with code StallCode.
type StallError struct {
	// Limit is the silence that ended the attempt.
	Limit time.Duration
}

func (e *StallError) Error() string {
	return fmt.Sprintf("response stalled: no data for %s", e.Limit)
}

// StallLimit is the stall limit cfg asks for: Config.StallTimeout,
// DefaultStallTimeout when that is 0, and 0 (no detection) when it is
// negative.
func StallLimit(cfg Config) time.Duration {
	switch {
	case cfg.StallTimeout < 0:
		return 0
	case cfg.StallTimeout == 0:
		return DefaultStallTimeout
	}
	return cfg.StallTimeout
}

// Watchdog ends an attempt whose response body stays silent for longer
// than its limit. Every read that yields bytes rearms it; when it fires,
// the attempt's context is canceled with a *StallError as the cause and
// the body is closed, which unblocks a read in progress whatever the
// transport. The read then fails, and ContextError (through
// TransportError or ReadError) classifies it as a timeout with code
// StallCode, so the partial text read so far is kept as on any other
// failure mid-body.
//
// An adapter wraps the body as soon as the headers are in, reads the body
// (error bodies too) through the Watchdog, and stops it when done:
//
//	ctx, cancel := context.WithCancelCause(ctx) // the attempt's own context
//	defer cancel(nil)
//	... resp, err := client.Do(req.WithContext(ctx)) ...
//	wd := providers.WatchStall(resp.Body, providers.StallLimit(cfg), cancel)
//	defer wd.Stop()
//	... read wd, classify failures with ctx ...
//
// The wait for the headers is not watched: the attempt's own deadline
// bounds it. Read must not be called from several goroutines at once, as
// for any body; Stop may be called from any goroutine.
type Watchdog struct {
	body  io.ReadCloser
	limit time.Duration
	timer *time.Timer // nil: no detection
}

// WatchStall starts a Watchdog over body that cancels the attempt with
// cancel after limit of silence. A limit of 0 or less watches nothing: the
// Watchdog then just reads body.
func WatchStall(body io.ReadCloser, limit time.Duration, cancel context.CancelCauseFunc) *Watchdog {
	w := &Watchdog{body: body, limit: limit}
	if limit > 0 {
		w.timer = time.AfterFunc(limit, func() {
			// Cancel first, so that the read the Close unblocks finds the
			// cause already on the context.
			cancel(&StallError{Limit: limit})
			body.Close()
		})
	}
	return w
}

// Read reads from the body, rearming the watchdog whenever bytes arrive.
func (w *Watchdog) Read(p []byte) (int, error) {
	n, err := w.body.Read(p)
	if n > 0 && w.timer != nil {
		w.timer.Reset(w.limit)
	}
	return n, err
}

// Stop disarms the watchdog once the body has been read (or abandoned).
func (w *Watchdog) Stop() {
	if w.timer != nil {
		w.timer.Stop()
	}
}

// Stalled returns the stall that ended ctx, if a Watchdog ended it.
func Stalled(ctx context.Context) (*StallError, bool) {
	var se *StallError
	ok := errors.As(context.Cause(ctx), &se)
	return se, ok
}
