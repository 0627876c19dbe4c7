package providers

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"
)

// Class is the one error vocabulary shared by adapters, runner, store and
// report. A failed call is stored with its class; the run goes on.
type Class string

// The error classes. Retryable ones are marked.
const (
	RateLimited     Class = "rate_limited"     // retry, honouring the provider's delay hint
	Quota           Class = "quota"            // stop that target; never retried
	ContentFiltered Class = "content_filtered" // not retried; a refusal, not a wrong answer
	Timeout         Class = "timeout"          // retry
	Server          Class = "server"           // retry
	BadRequest      Class = "bad_request"      // not retried
	Auth            Class = "auth"             // stop that target
	BadResponse     Class = "bad_response"     // unparseable or truncated; retry
	Canceled        Class = "canceled"         // the run was interrupted
)

// Classes lists every class in a stable order (for reports and docs).
var Classes = []Class{RateLimited, Quota, ContentFiltered, Timeout, Server, BadRequest, Auth, BadResponse, Canceled}

// Retryable reports whether a call that failed with c may be tried again.
func (c Class) Retryable() bool {
	switch c {
	case RateLimited, Timeout, Server, BadResponse:
		return true
	}
	return false
}

// StopsTarget reports whether c means further calls to the same target are
// pointless (bad credentials, exhausted quota).
func (c Class) StopsTarget() bool { return c == Auth || c == Quota }

// Error is a classified failure of one call.
type Error struct {
	Class Class
	// Status is the HTTP status (0 when none was received).
	Status int
	// Code is the provider's own error code, kept beside the class.
	Code string
	// Message is the provider's message or a description; never contains secrets.
	Message string
	// RetryAfter is the provider's delay hint (0: none).
	RetryAfter time.Duration
	// Partial is text received before a stream broke, if any.
	Partial string
	// Err is the underlying cause, if any.
	Err error
}

func (e *Error) Error() string {
	s := string(e.Class)
	if e.Status != 0 {
		s += fmt.Sprintf(" (HTTP %d", e.Status)
		if e.Code != "" {
			s += ", " + e.Code
		}
		s += ")"
	} else if e.Code != "" {
		s += " (" + e.Code + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil && e.Message == "" {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Classify turns any error from a call into a *Error. Errors that are
// already classified pass through; context and network errors get the
// class that fits (canceled, timeout, server).
func Classify(err error) *Error {
	if err == nil {
		return nil
	}
	var pe *Error
	if errors.As(err, &pe) {
		return pe
	}
	switch {
	case errors.Is(err, context.Canceled):
		return &Error{Class: Canceled, Message: "call canceled", Err: err}
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Class: Timeout, Message: "deadline exceeded", Err: err}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &Error{Class: Timeout, Message: err.Error(), Err: err}
	}
	return &Error{Class: Server, Message: err.Error(), Err: err}
}
