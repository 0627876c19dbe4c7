package gemini

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/sse"
)

// generateResponse is a whole answer and also one stream chunk; unknown
// fields (safetyRatings, citationMetadata, responseId, ...) are ignored.
type generateResponse struct {
	Candidates     []candidate     `json:"candidates"`
	PromptFeedback *promptFeedback `json:"promptFeedback"`
	UsageMetadata  *usageMetadata  `json:"usageMetadata"`
	ModelVersion   string          `json:"modelVersion"`
	Error          json.RawMessage `json:"error"`
}

type candidate struct {
	Content      *content `json:"content"`
	FinishReason string   `json:"finishReason"`
	Index        int      `json:"index"`
}

type promptFeedback struct {
	BlockReason        string `json:"blockReason"`
	BlockReasonMessage string `json:"blockReasonMessage"`
}

type usageMetadata struct {
	PromptTokenCount     int `json:"promptTokenCount"`
	CandidatesTokenCount int `json:"candidatesTokenCount"`
	ThoughtsTokenCount   int `json:"thoughtsTokenCount"`
}

// usage: promptTokenCount already includes cached content; thinking is
// output, as OpenAI counts reasoning tokens in completion_tokens.
func (u *usageMetadata) usage() providers.Usage {
	return providers.Usage{InputTokens: u.PromptTokenCount, OutputTokens: u.CandidatesTokenCount + u.ThoughtsTokenCount}
}

// blockFinish are the finish reasons that mean the answer was blocked.
var blockFinish = map[string]bool{
	"SAFETY":             true,
	"RECITATION":         true,
	"PROHIBITED_CONTENT": true,
	"BLOCKLIST":          true,
	"SPII":               true,
	"IMAGE_SAFETY":       true,
}

// first returns the candidate with index 0 (the only one the adapter asks
// for), or nil.
func (r *generateResponse) first() *candidate {
	for i := range r.Candidates {
		if r.Candidates[i].Index == 0 {
			return &r.Candidates[i]
		}
	}
	return nil
}

// answerText joins a candidate's text parts, leaving out thoughts.
func (c *candidate) answerText() string {
	if c.Content == nil {
		return ""
	}
	var b strings.Builder
	for _, p := range c.Content.Parts {
		if !p.Thought {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// promptBlocked is the error for a prompt the API refused to answer.
func promptBlocked(pf *promptFeedback, partial string) *providers.Error {
	if pf == nil || pf.BlockReason == "" || pf.BlockReason == "BLOCK_REASON_UNSPECIFIED" {
		return nil
	}
	msg := "prompt blocked (blockReason " + pf.BlockReason + ")"
	if pf.BlockReasonMessage != "" {
		msg += ": " + pf.BlockReasonMessage
	}
	return &providers.Error{Class: providers.ContentFiltered, Code: pf.BlockReason, Message: msg, Partial: partial}
}

// readJSON reads a whole (non-streamed) answer.
func (c *Client) readJSON(ctx context.Context, body io.Reader, start time.Time, out *providers.Response) *providers.Error {
	data, err := io.ReadAll(body)
	if err != nil {
		return c.readError(ctx, err, "")
	}
	out.Latency = time.Since(start)
	var r generateResponse
	if err := json.Unmarshal(data, &r); err != nil {
		return &providers.Error{Class: providers.BadResponse, Message: "decode response: " + err.Error() + ": " + snippet(data), Err: err}
	}
	if hasValue(r.Error) {
		return c.classify(0, parseError(data), nil)
	}
	if e := promptBlocked(r.PromptFeedback, ""); e != nil {
		return e
	}
	cand := r.first()
	if cand == nil {
		return &providers.Error{Class: providers.BadResponse, Message: "response has no candidates: " + snippet(data)}
	}
	out.Text = cand.answerText()
	out.FinishReason = cand.FinishReason
	out.Model = r.ModelVersion
	if r.UsageMetadata != nil {
		out.Usage = r.UsageMetadata.usage()
	}
	return filtered(out)
}

// readStream reads an alt=sse stream: each event's data is a
// GenerateContentResponse holding the next piece of text; the body just
// ends. TTFT is taken at the first chunk with non-empty answer text.
func (c *Client) readStream(ctx context.Context, body io.Reader, start time.Time, out *providers.Response) *providers.Error {
	maxLine := c.maxBody
	if maxLine > 1<<30 {
		maxLine = 1 << 30
	}
	rd := sse.NewReader(body, int(maxLine))
	var text strings.Builder
	chunks := 0
	for {
		ev, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return c.readError(ctx, err, text.String())
		}
		data := strings.TrimSpace(ev.Data)
		if data == "" || data == "[DONE]" { // [DONE]: a proxy's habit; Google sends none
			continue
		}
		var r generateResponse
		if err := json.Unmarshal([]byte(data), &r); err != nil {
			return &providers.Error{Class: providers.BadResponse, Message: "decode stream chunk: " + err.Error() + ": " + snippet([]byte(data)), Partial: text.String(), Err: err}
		}
		chunks++
		if hasValue(r.Error) {
			e := c.classify(0, parseError([]byte(data)), nil)
			e.Partial = text.String()
			return e
		}
		if e := promptBlocked(r.PromptFeedback, text.String()); e != nil {
			return e
		}
		if r.ModelVersion != "" {
			out.Model = r.ModelVersion
		}
		if r.UsageMetadata != nil {
			out.Usage = r.UsageMetadata.usage()
		}
		if cand := r.first(); cand != nil {
			s := cand.answerText()
			if s != "" && text.Len() == 0 {
				out.TTFT = time.Since(start)
			}
			text.WriteString(s)
			if cand.FinishReason != "" {
				out.FinishReason = cand.FinishReason
			}
		}
	}
	out.Latency = time.Since(start)
	out.Text = text.String()
	if out.FinishReason == "" {
		msg := "stream ended without a finishReason"
		if chunks == 0 {
			msg = "stream ended without any chunk"
		}
		return &providers.Error{Class: providers.BadResponse, Message: msg, Partial: out.Text}
	}
	return filtered(out)
}

// filtered turns a blocked candidate into a content_filtered error: a block
// is never scored as a wrong answer.
func filtered(out *providers.Response) *providers.Error {
	if blockFinish[out.FinishReason] {
		return &providers.Error{Class: providers.ContentFiltered, Code: out.FinishReason,
			Message: "answer blocked (finishReason " + out.FinishReason + ")", Partial: out.Text}
	}
	return nil
}

func hasValue(raw json.RawMessage) bool { return len(raw) > 0 && string(raw) != "null" }

// readError classifies a failure while reading a 2xx body.
func (c *Client) readError(ctx context.Context, err error, partial string) *providers.Error {
	var e *providers.Error
	switch {
	case ctx.Err() != nil:
		e = contextError(ctx, err)
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

// contextError classifies a failure caused by the call's context.
func contextError(ctx context.Context, err error) *providers.Error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &providers.Error{Class: providers.Timeout, Message: "deadline exceeded", Err: err}
	}
	return &providers.Error{Class: providers.Canceled, Message: "call canceled", Err: err}
}

// transportError classifies a failure to get a response at all.
func transportError(ctx context.Context, err error) *providers.Error {
	if ctx.Err() != nil {
		return contextError(ctx, err)
	}
	return providers.Classify(err)
}

// snippet quotes the start of a body for an error message.
func snippet(b []byte) string {
	const max = 200
	s := strings.TrimSpace(strings.ToValidUTF8(string(b), "\uFFFD"))
	if s == "" {
		return "(empty body)"
	}
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return fmt.Sprintf("%q", s)
}
