package gemini

import (
	"context"
	"encoding/json"
	"io"
	"strings"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/providers/sse"
	"github.com/llmbench/llmbench/providers/wiretime"
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
func (c *Client) readJSON(ctx context.Context, body io.Reader, clk *wiretime.Clock, out *providers.Response) *providers.Error {
	data, err := io.ReadAll(body)
	if err != nil {
		return providers.ReadError(ctx, err, "", c.maxBody)
	}
	out.Latency = clk.Since()
	var r generateResponse
	if err := json.Unmarshal(data, &r); err != nil {
		return &providers.Error{Class: providers.BadResponse, Message: "decode response: " + err.Error() + ": " + providers.Snippet(data), Err: err}
	}
	if hasValue(r.Error) {
		return c.classify(0, parseError(data), nil)
	}
	if e := promptBlocked(r.PromptFeedback, ""); e != nil {
		return e
	}
	cand := r.first()
	if cand == nil {
		return &providers.Error{Class: providers.BadResponse, Message: "response has no candidates: " + providers.Snippet(data)}
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
func (c *Client) readStream(ctx context.Context, body io.Reader, clk *wiretime.Clock, out *providers.Response) *providers.Error {
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
			return providers.ReadError(ctx, err, text.String(), c.maxBody)
		}
		data := strings.TrimSpace(ev.Data)
		if data == "" || data == "[DONE]" { // [DONE]: a proxy's habit; Google sends none
			continue
		}
		var r generateResponse
		if err := json.Unmarshal([]byte(data), &r); err != nil {
			return &providers.Error{Class: providers.BadResponse, Message: "decode stream chunk: " + err.Error() + ": " + providers.Snippet([]byte(data)), Partial: text.String(), Err: err}
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
				out.TTFT = clk.Since()
			}
			text.WriteString(s)
			if cand.FinishReason != "" {
				out.FinishReason = cand.FinishReason
			}
		}
	}
	out.Latency = clk.Since()
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
