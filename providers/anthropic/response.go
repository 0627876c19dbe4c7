package anthropic

import (
	"context"
	"encoding/json"
	"io"
	"strings"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/sse"
	"github.com/llmbench/llmbench/providers/wiretime"
)

// messageResponse is a whole answer (and message_start's "message");
// unknown fields (id, stop_sequence, cache details, ...) are ignored.
type messageResponse struct {
	Type       string          `json:"type"`
	Model      string          `json:"model"`
	Content    []contentBlock  `json:"content"`
	StopReason *string         `json:"stop_reason"`
	Usage      *usage          `json:"usage"`
	Error      json.RawMessage `json:"error"`
}

// contentBlock is one block of an answer. Only "text" blocks make up the
// answer; thinking, tool_use and other blocks are skipped.
type contentBlock struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// usage fields are pointers so that a message_delta that omits one does
// not reset what message_start reported.
type usage struct {
	InputTokens              *int `json:"input_tokens"`
	OutputTokens             *int `json:"output_tokens"`
	CacheCreationInputTokens *int `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     *int `json:"cache_read_input_tokens"`
}

// tokens keeps a stream's running counts: input parts from message_start
// (and from message_delta when it repeats them), output from the last
// report (message_delta's count is cumulative).
type tokens struct {
	input, cacheCreation, cacheRead, output int
}

func (t *tokens) add(u *usage) {
	if u == nil {
		return
	}
	set := func(dst *int, src *int) {
		if src != nil {
			*dst = *src
		}
	}
	set(&t.input, u.InputTokens)
	set(&t.cacheCreation, u.CacheCreationInputTokens)
	set(&t.cacheRead, u.CacheReadInputTokens)
	set(&t.output, u.OutputTokens)
}

// usage counts cache reads and writes as input, as OpenAI's prompt_tokens
// does, so input figures compare across providers.
func (t *tokens) usage() providers.Usage {
	return providers.Usage{InputTokens: t.input + t.cacheCreation + t.cacheRead, OutputTokens: t.output}
}

// readJSON reads a whole (non-streamed) answer.
func (c *Client) readJSON(ctx context.Context, body io.Reader, clk *wiretime.Clock, out *providers.Response) *providers.Error {
	data, err := io.ReadAll(body)
	if err != nil {
		return providers.ReadError(ctx, err, "", c.maxBody)
	}
	out.Latency = clk.Since()
	var r messageResponse
	if err := json.Unmarshal(data, &r); err != nil {
		return &providers.Error{Class: providers.BadResponse, Message: "decode response: " + err.Error() + ": " + providers.Snippet(data), Err: err}
	}
	if r.Type == "error" || hasValue(r.Error) {
		return c.classify(0, parseError(data), nil)
	}
	if r.Type != "message" || r.Content == nil {
		return &providers.Error{Class: providers.BadResponse, Message: "response is not a message: " + providers.Snippet(data)}
	}
	var text strings.Builder
	for _, b := range r.Content {
		if b.Type == "text" {
			text.WriteString(b.Text)
		}
	}
	out.Text = text.String()
	out.Model = r.Model
	if r.StopReason != nil {
		out.FinishReason = *r.StopReason
	}
	var t tokens
	t.add(r.Usage)
	out.Usage = t.usage()
	return filtered(out)
}

// streamEvent is any event of a stream; which fields are set depends on
// its type.
type streamEvent struct {
	Type         string           `json:"type"`
	Message      *messageResponse `json:"message"`
	ContentBlock *contentBlock    `json:"content_block"`
	Delta        *struct {
		Type       string  `json:"type"`
		Text       string  `json:"text"`
		StopReason *string `json:"stop_reason"`
	} `json:"delta"`
	Usage *usage          `json:"usage"`
	Error json.RawMessage `json:"error"`
}

// readStream reads a streamed answer: named events until message_stop.
// TTFT is taken at the first non-empty text. Unknown event types are
// ignored, as Anthropic's versioning policy asks of clients.
func (c *Client) readStream(ctx context.Context, body io.Reader, clk *wiretime.Clock, out *providers.Response) *providers.Error {
	maxLine := c.maxBody
	if maxLine > 1<<30 {
		maxLine = 1 << 30
	}
	rd := sse.NewReader(body, int(maxLine))
	var text strings.Builder
	var t tokens
	started, stopped := false, false
	write := func(s string) {
		if s != "" && text.Len() == 0 {
			out.TTFT = clk.Since()
		}
		text.WriteString(s)
	}
	for !stopped {
		ev, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return providers.ReadError(ctx, err, text.String(), c.maxBody)
		}
		data := strings.TrimSpace(ev.Data)
		if data == "" {
			continue
		}
		var se streamEvent
		if err := json.Unmarshal([]byte(data), &se); err != nil {
			return &providers.Error{Class: providers.BadResponse, Message: "decode stream event: " + err.Error() + ": " + providers.Snippet([]byte(data)), Partial: text.String(), Err: err}
		}
		typ := se.Type
		if typ == "" {
			typ = ev.Event
		}
		switch typ {
		case "message_start":
			if se.Message == nil {
				return &providers.Error{Class: providers.BadResponse, Message: "message_start without a message: " + providers.Snippet([]byte(data)), Partial: text.String()}
			}
			started = true
			out.Model = se.Message.Model
			t.add(se.Message.Usage)
		case "content_block_start":
			if se.ContentBlock != nil && se.ContentBlock.Type == "text" {
				write(se.ContentBlock.Text)
			}
		case "content_block_delta":
			if se.Delta != nil && se.Delta.Type == "text_delta" {
				write(se.Delta.Text)
			}
		case "message_delta":
			if se.Delta != nil && se.Delta.StopReason != nil {
				out.FinishReason = *se.Delta.StopReason
			}
			t.add(se.Usage)
		case "message_stop":
			stopped = true
		case "error":
			e := c.classify(0, parseError([]byte(data)), nil)
			e.Partial = text.String()
			return e
		}
	}
	out.Latency = clk.Since()
	out.Text = text.String()
	out.Usage = t.usage()
	switch {
	case !started:
		return &providers.Error{Class: providers.BadResponse, Message: "stream ended without message_start", Partial: out.Text}
	case !stopped && out.FinishReason == "":
		return &providers.Error{Class: providers.BadResponse, Message: "stream ended before message_stop and without a stop_reason", Partial: out.Text}
	}
	if stopped {
		// A compliant server ends the body after message_stop; reading to
		// the end lets an HTTP/1.1 connection be reused. The bound keeps a
		// misbehaving server from holding the call.
		_, _ = io.Copy(io.Discard, io.LimitReader(body, 4<<10))
	}
	return filtered(out)
}

// filtered turns a refusal into a content_filtered error: a block is never
// scored as a wrong answer.
func filtered(out *providers.Response) *providers.Error {
	if out.FinishReason == "refusal" {
		return &providers.Error{Class: providers.ContentFiltered, Code: "refusal",
			Message: "the model refused (stop_reason refusal)", Partial: out.Text}
	}
	return nil
}

func hasValue(raw json.RawMessage) bool { return len(raw) > 0 && string(raw) != "null" }
