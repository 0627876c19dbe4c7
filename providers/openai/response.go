package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/sse"
	"github.com/llmbench/llmbench/providers/wiretime"
)

// chatResponse is both a whole response and one stream chunk; unknown
// fields (obfuscation, moderation, system_fingerprint, ...) are ignored.
type chatResponse struct {
	Model   string          `json:"model"`
	Choices []choice        `json:"choices"`
	Usage   *usage          `json:"usage"`
	Error   json.RawMessage `json:"error"`
}

type choice struct {
	Index        int      `json:"index"`
	Message      *message `json:"message"`
	Delta        *message `json:"delta"`
	FinishReason *string  `json:"finish_reason"`
	// Usage inside a choice is where Moonshot puts a stream's usage.
	Usage *usage `json:"usage"`
}

type message struct {
	// Content is a string, null, or (some compatible servers) a list of
	// {"type":"text","text":...} parts.
	Content json.RawMessage `json:"content"`
	Refusal *string         `json:"refusal"`
}

type usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
}

func (u *usage) usage() providers.Usage {
	return providers.Usage{InputTokens: u.PromptTokens, OutputTokens: u.CompletionTokens}
}

// textOf reads a content value.
func textOf(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", fmt.Errorf("content is neither a string nor a list of parts")
	}
	var b strings.Builder
	for _, p := range parts {
		if p.Type == "text" {
			b.WriteString(p.Text)
		}
	}
	return b.String(), nil
}

func hasError(raw json.RawMessage) bool {
	return len(raw) > 0 && string(raw) != "null"
}

// readJSON reads a whole (non-streamed) answer.
func (c *Client) readJSON(ctx context.Context, body io.Reader, clk *wiretime.Clock, out *providers.Response) *providers.Error {
	data, err := io.ReadAll(body)
	if err != nil {
		return c.readError(ctx, err, "")
	}
	out.Latency = clk.Since()
	var r chatResponse
	if err := json.Unmarshal(data, &r); err != nil {
		return &providers.Error{Class: providers.BadResponse, Message: "decode response: " + err.Error() + ": " + snippet(data), Err: err}
	}
	if hasError(r.Error) {
		return c.classify(0, parseAPIError(data), nil)
	}
	var ch *choice
	for i := range r.Choices {
		if r.Choices[i].Index == 0 {
			ch = &r.Choices[i]
			break
		}
	}
	if ch == nil {
		return &providers.Error{Class: providers.BadResponse, Message: "response has no choices: " + snippet(data)}
	}
	var refusal string
	if ch.Message != nil {
		text, err := textOf(ch.Message.Content)
		if err != nil {
			return &providers.Error{Class: providers.BadResponse, Message: "decode response: " + err.Error(), Err: err}
		}
		out.Text = text
		if ch.Message.Refusal != nil {
			refusal = *ch.Message.Refusal
		}
	}
	out.Model = r.Model
	if ch.FinishReason != nil {
		out.FinishReason = *ch.FinishReason
	}
	if r.Usage != nil {
		out.Usage = r.Usage.usage()
	}
	return c.filtered(out, refusal)
}

// readStream reads a streamed answer: chunks until "data: [DONE]". TTFT is
// taken at the first chunk that carries non-empty content; usage comes
// from the final chunk with "choices": [] (or wherever the server put it).
func (c *Client) readStream(ctx context.Context, body io.Reader, clk *wiretime.Clock, out *providers.Response) *providers.Error {
	maxLine := c.maxBody
	if maxLine > 1<<30 {
		maxLine = 1 << 30
	}
	rd := sse.NewReader(body, int(maxLine))
	var text, refusal strings.Builder
	done := false
	for !done {
		ev, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return c.readError(ctx, err, text.String())
		}
		data := strings.TrimSpace(ev.Data)
		switch data {
		case "[DONE]":
			done = true
			continue
		case "":
			continue
		}
		var ch chatResponse
		if err := json.Unmarshal([]byte(data), &ch); err != nil {
			return &providers.Error{Class: providers.BadResponse, Message: "decode stream chunk: " + err.Error() + ": " + snippet([]byte(data)), Partial: text.String(), Err: err}
		}
		if hasError(ch.Error) {
			e := c.classify(0, parseAPIError([]byte(data)), nil)
			e.Partial = text.String()
			return e
		}
		if ch.Model != "" {
			out.Model = ch.Model
		}
		if ch.Usage != nil {
			out.Usage = ch.Usage.usage()
		}
		for _, cc := range ch.Choices {
			if cc.Index != 0 {
				continue
			}
			if cc.Usage != nil {
				out.Usage = cc.Usage.usage()
			}
			if cc.Delta != nil {
				s, err := textOf(cc.Delta.Content)
				if err != nil {
					return &providers.Error{Class: providers.BadResponse, Message: "decode stream chunk: " + err.Error(), Partial: text.String(), Err: err}
				}
				if s != "" && text.Len() == 0 {
					out.TTFT = clk.Since()
				}
				text.WriteString(s)
				if cc.Delta.Refusal != nil {
					refusal.WriteString(*cc.Delta.Refusal)
				}
			}
			if cc.FinishReason != nil && *cc.FinishReason != "" {
				out.FinishReason = *cc.FinishReason
			}
		}
	}
	out.Latency = clk.Since()
	out.Text = text.String()
	if !done && out.FinishReason == "" {
		return &providers.Error{Class: providers.BadResponse, Message: "stream ended before [DONE] and without a finish_reason", Partial: out.Text}
	}
	if done {
		// A compliant server ends the body right after [DONE]. Reading to
		// the end lets an HTTP/1.1 connection be reused, so the next call's
		// latency does not include a new handshake; the bound keeps a
		// misbehaving server from holding the call.
		_, _ = io.Copy(io.Discard, io.LimitReader(body, 4<<10))
	}
	return c.filtered(out, refusal.String())
}

// filtered turns a refusal or a content-filter finish into a
// content_filtered error: a block is never scored as a wrong answer.
func (c *Client) filtered(out *providers.Response, refusal string) *providers.Error {
	if refusal != "" {
		return &providers.Error{Class: providers.ContentFiltered, Code: "refusal", Message: "model refused: " + refusal, Partial: out.Text}
	}
	if out.FinishReason == "content_filter" || contains(c.opts.FilterFinishReasons, out.FinishReason) {
		return &providers.Error{Class: providers.ContentFiltered, Code: out.FinishReason,
			Message: "blocked by the content filter (finish_reason " + out.FinishReason + ")", Partial: out.Text}
	}
	return nil
}

// readError classifies a failure while reading a 2xx body.
func (c *Client) readError(ctx context.Context, err error, partial string) *providers.Error {
	var e *providers.Error
	switch {
	case ctx.Err() != nil:
		e = providers.ContextError(ctx, err)
	case errors.Is(err, providers.ErrBodyTooLarge):
		e = &providers.Error{Class: providers.BadResponse, Message: fmt.Sprintf("response body exceeds the %d-byte limit", c.maxBody), Err: err}
	case errors.Is(err, sse.ErrTooLong):
		e = &providers.Error{Class: providers.BadResponse, Message: "stream line or event exceeds the response limit", Err: err}
	case errors.Is(err, io.ErrUnexpectedEOF):
		e = &providers.Error{Class: providers.BadResponse, Message: "stream cut in the middle of an event", Err: err}
	default:
		if pe := providers.Classify(err); pe.Class == providers.Timeout {
			e = pe
		} else {
			e = &providers.Error{Class: providers.BadResponse, Message: "read body: " + err.Error(), Err: err}
		}
	}
	e.Partial = partial
	return e
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// snippet is a short, printable excerpt of a body for error messages.
func snippet(b []byte) string {
	const max = 200
	s := strings.TrimSpace(strings.ToValidUTF8(string(b), "\uFFFD"))
	if s == "" {
		return "(empty body)"
	}
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return fmt.Sprintf("%q", s)
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
