package openai

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/llmbench/llmbench/providers"
)

// chatRequest is the Chat Completions request body. Pointer and slice
// fields are omitted when not set, so the server's defaults apply.
type chatRequest struct {
	Model               string         `json:"model"`
	Messages            []chatMessage  `json:"messages"`
	Temperature         *float64       `json:"temperature,omitempty"`
	TopP                *float64       `json:"top_p,omitempty"`
	MaxTokens           *int           `json:"max_tokens,omitempty"`
	MaxCompletionTokens *int           `json:"max_completion_tokens,omitempty"`
	Seed                *int64         `json:"seed,omitempty"`
	Stop                []string       `json:"stop,omitempty"`
	Stream              bool           `json:"stream,omitempty"`
	StreamOptions       *streamOptions `json:"stream_options,omitempty"`
}

type streamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

// chatMessage's Content is a string, or for a user turn with images a list
// of contentPart (the text first, then the images in order).
type chatMessage struct {
	Role    string `json:"role"`
	Content any    `json:"content"`
}

type contentPart struct {
	Type     string    `json:"type"`
	Text     string    `json:"text,omitempty"`
	ImageURL *imageURL `json:"image_url,omitempty"`
}

type imageURL struct {
	URL string `json:"url"`
}

// body encodes req. An invalid request (no model, no messages, images on a
// turn that cannot carry them) fails with class bad_request before any
// network traffic.
func (c *Client) body(req *providers.Request) ([]byte, *providers.Error) {
	if req.Model == "" {
		return nil, &providers.Error{Class: providers.BadRequest, Message: "request names no model"}
	}
	if len(req.Messages) == 0 {
		return nil, &providers.Error{Class: providers.BadRequest, Message: "request has no messages"}
	}
	cr := chatRequest{
		Model:       req.Model,
		Messages:    make([]chatMessage, 0, len(req.Messages)),
		Temperature: req.Params.Temperature,
		TopP:        req.Params.TopP,
		Seed:        req.Params.Seed,
		Stop:        req.Params.Stop,
		Stream:      req.Stream,
	}
	if c.maxCompletionTokens(req.Model) {
		cr.MaxCompletionTokens = req.Params.MaxTokens
	} else {
		cr.MaxTokens = req.Params.MaxTokens
	}
	if req.Stream && !c.opts.NoStreamOptions {
		cr.StreamOptions = &streamOptions{IncludeUsage: true}
	}
	for i, m := range req.Messages {
		if len(m.Images) == 0 {
			cr.Messages = append(cr.Messages, chatMessage{Role: m.Role, Content: m.Text})
			continue
		}
		if m.Role != providers.RoleUser {
			return nil, &providers.Error{Class: providers.BadRequest,
				Message: "message " + strconv.Itoa(i) + " (" + m.Role + ") carries images; only user messages may"}
		}
		parts := make([]contentPart, 0, 1+len(m.Images))
		if m.Text != "" {
			parts = append(parts, contentPart{Type: "text", Text: m.Text})
		}
		for _, img := range m.Images {
			parts = append(parts, contentPart{Type: "image_url", ImageURL: &imageURL{URL: c.imageURL(img)}})
		}
		cr.Messages = append(cr.Messages, chatMessage{Role: m.Role, Content: parts})
	}
	b, err := json.Marshal(cr)
	if err != nil {
		return nil, &providers.Error{Class: providers.BadRequest, Message: "encode request: " + err.Error(), Err: err}
	}
	return b, nil
}

// maxCompletionTokens decides the name of the output-token limit for one
// request: the options force it, else the model name decides.
func (c *Client) maxCompletionTokens(model string) bool {
	switch {
	case c.opts.MaxCompletionTokens:
		return true
	case c.opts.LegacyMaxTokens:
		return false
	}
	return NeedsMaxCompletionTokens(model)
}

// reasoningModel matches the model families that reject "max_tokens" and
// need "max_completion_tokens": the o-series (o1, o3-mini, o4-mini, dated
// snapshots such as o1-2024-12-17) and gpt-5 and later (gpt-5, gpt-5-mini,
// gpt-5.1, ...). gpt-4o, gpt-4.1 and older accept either name, so they keep
// the older one, which every compatible server knows.
var reasoningModel = regexp.MustCompile(`^(o[1-9][0-9]*|gpt-([5-9]|[1-9][0-9]+))([-.:_]|$)`)

// NeedsMaxCompletionTokens reports whether OpenAI requires
// "max_completion_tokens" instead of "max_tokens" for a model name. A
// fine-tune ("ft:o4-mini-2025-04-16:org::id") counts as its base model, and a
// router's vendor prefix ("openai/o3-mini") is ignored.
func NeedsMaxCompletionTokens(model string) bool {
	m := strings.ToLower(strings.TrimSpace(model))
	m = strings.TrimPrefix(m, "ft:")
	if i := strings.LastIndexByte(m, '/'); i >= 0 {
		m = m[i+1:]
	}
	return reasoningModel.MatchString(m)
}

// imageURL renders an image: its http(s) URL when it has one (the server
// fetches it), else inline as a data: URL, or bare base64 for servers that
// want it. An image without a media type gets the sniffed one.
func (c *Client) imageURL(img providers.Image) string {
	if img.URL != "" {
		return img.URL
	}
	b64 := base64.StdEncoding.EncodeToString(img.Data)
	if c.opts.BareBase64Images {
		return b64
	}
	mime := img.MIME
	if mime == "" {
		mime = http.DetectContentType(img.Data)
	}
	return "data:" + mime + ";base64," + b64
}
