// Package sse reads Server-Sent Events streams, the framing every streaming
// chat API in providers speaks (OpenAI and its many imitators, Anthropic,
// SenseNova's "data:" without a space).
//
// It sits between an adapter's HTTP response body and its chunk decoder:
//
//	resp.Body ─ sse.NewReader ─ Next() ─> Event{Data: `{"choices":...}`} ─ json.Unmarshal
//
// The reader follows the WHATWG parsing rules that matter to API clients:
// events are dispatched on a blank line, several data lines are joined with
// "\n", one space after "field:" is stripped, comment lines (":" first)
// are skipped, and CRLF, CR and LF all end a line. Unlike a browser it
// bounds memory: a line, or an event's joined data, longer than the limit
// given to NewReader is an error and is never buffered whole. It also tells
// a clean end of stream (io.EOF) from a stream cut in the middle of an event
// (io.ErrUnexpectedEOF), which adapters report as a truncated answer.
package sse
