package sse

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// DefaultMaxLine is the line limit NewReader uses when given a limit <= 0.
const DefaultMaxLine = 4 << 20

// ErrTooLong is returned (wrapped) by Next when a line, or the joined data
// of one event, is longer than the Reader's limit.
var ErrTooLong = errors.New("sse: line too long")

// Event is one dispatched event.
type Event struct {
	// Event is the "event:" field; "" when the event named none (browsers
	// call that type "message").
	Event string
	// Data is the event's data lines joined with "\n".
	Data string
	// ID is the last event ID seen so far in the stream (it persists across
	// events, as in the specification).
	ID string
}

// Reader reads events from a stream. It is not safe for concurrent use.
type Reader struct {
	br      *bufio.Reader
	maxLine int
	line    []byte

	// skipLF is set after a line ended in CR: an LF right after it belongs
	// to the same line break. It is resolved lazily at the next read so an
	// event ending in CR is dispatched without waiting for another byte.
	skipLF  bool
	started bool // the first line, which may carry a byte-order mark, has been read
	lastID  string

	// The event being built.
	data    []byte
	hasData bool
	event   string
	pending bool // a field line has been seen since the last dispatch
}

// NewReader returns a Reader on r. maxLine bounds the length of one line and
// of one event's data in bytes (DefaultMaxLine when <= 0).
func NewReader(r io.Reader, maxLine int) *Reader {
	if maxLine <= 0 {
		maxLine = DefaultMaxLine
	}
	size := 4096
	if maxLine < size {
		size = maxLine + 16 // bufio's minimum buffer is 16 bytes
	}
	return &Reader{br: bufio.NewReaderSize(r, size), maxLine: maxLine}
}

// Next returns the next event. At a clean end of the stream it returns
// io.EOF; when the stream ends while an event is incomplete (a field line
// without the blank line that dispatches it) it returns io.ErrUnexpectedEOF.
// A line or an event longer than the limit yields an error wrapping
// ErrTooLong; an error from the underlying reader is returned as is. After
// an error the Reader must not be used again.
func (r *Reader) Next() (Event, error) {
	for {
		line, err := r.readLine()
		if err != nil {
			if err == io.EOF && r.pending {
				return Event{}, io.ErrUnexpectedEOF
			}
			return Event{}, err
		}
		if len(line) == 0 {
			if ev, ok := r.dispatch(); ok {
				return ev, nil
			}
			continue
		}
		if err := r.field(line); err != nil {
			return Event{}, err
		}
	}
}

// dispatch ends the current event. As the specification says, a block
// without data lines dispatches nothing (but still clears "event:").
func (r *Reader) dispatch() (Event, bool) {
	ev := Event{Event: r.event, Data: string(r.data), ID: r.lastID}
	ok := r.hasData
	r.data, r.hasData, r.event, r.pending = r.data[:0], false, "", false
	return ev, ok
}

// field processes one non-blank line.
func (r *Reader) field(line []byte) error {
	if line[0] == ':' {
		return nil // a comment, such as ": keep-alive"
	}
	name, value := line, []byte(nil)
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		name, value = line[:i], line[i+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	}
	r.pending = true
	switch string(name) {
	case "data":
		grow := len(value)
		if r.hasData {
			grow++
		}
		if len(r.data)+grow > r.maxLine {
			return fmt.Errorf("%w: event data longer than %d bytes", ErrTooLong, r.maxLine)
		}
		if r.hasData {
			r.data = append(r.data, '\n')
		}
		r.data = append(r.data, value...)
		r.hasData = true
	case "event":
		r.event = string(value)
	case "id":
		if bytes.IndexByte(value, 0) < 0 {
			r.lastID = string(value)
		}
	}
	// "retry" and unknown fields are ignored.
	return nil
}

// readLine returns the next line without its terminator. The returned slice
// is valid until the next call. A final line without a terminator is
// returned as a line; the following call returns io.EOF.
func (r *Reader) readLine() ([]byte, error) {
	r.line = r.line[:0]
	if r.skipLF {
		r.skipLF = false
		b, err := r.br.Peek(1) // err only when no byte is available
		if err != nil {
			return nil, err
		}
		if b[0] == '\n' {
			r.br.Discard(1)
		}
	}
	for {
		if r.br.Buffered() == 0 {
			if _, err := r.br.Peek(1); err != nil {
				if err == io.EOF && len(r.line) > 0 {
					return r.firstLine(), nil
				}
				return nil, err
			}
		}
		buf, _ := r.br.Peek(r.br.Buffered())
		i := bytes.IndexAny(buf, "\r\n")
		n := i
		if i < 0 {
			n = len(buf)
		}
		if len(r.line)+n > r.maxLine {
			return nil, fmt.Errorf("%w: line longer than %d bytes", ErrTooLong, r.maxLine)
		}
		r.line = append(r.line, buf[:n]...)
		if i < 0 {
			r.br.Discard(n)
			continue
		}
		r.skipLF = buf[i] == '\r'
		r.br.Discard(n + 1)
		return r.firstLine(), nil
	}
}

// firstLine strips a byte-order mark from the very first line.
func (r *Reader) firstLine() []byte {
	if !r.started {
		r.started = true
		if bytes.HasPrefix(r.line, bom) {
			return r.line[len(bom):]
		}
	}
	return r.line
}

var bom = []byte("\xef\xbb\xbf")

// String renders ev in wire form (for tests and diagnostics).
func (ev Event) String() string {
	var b strings.Builder
	if ev.ID != "" {
		b.WriteString("id: " + ev.ID + "\n")
	}
	if ev.Event != "" {
		b.WriteString("event: " + ev.Event + "\n")
	}
	for _, l := range strings.Split(ev.Data, "\n") {
		b.WriteString("data: " + l + "\n")
	}
	b.WriteString("\n")
	return b.String()
}
