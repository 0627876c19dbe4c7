package anthropic

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/llmbench/llmbench/providers"
)

// messagesRequest is the Messages API request body. Optional fields are
// omitted when not set, so the API's defaults apply.
type messagesRequest struct {
	Model         string    `json:"model"`
	System        string    `json:"system,omitempty"`
	Messages      []message `json:"messages"`
	MaxTokens     int       `json:"max_tokens"`
	Temperature   *float64  `json:"temperature,omitempty"`
	TopP          *float64  `json:"top_p,omitempty"`
	StopSequences []string  `json:"stop_sequences,omitempty"`
	Stream        bool      `json:"stream,omitempty"`
}

// message's Content is a string, or for a user turn with images a list of
// blocks: the text first, then the images in order.
type message struct {
	Role    string `json:"role"`
	Content any    `json:"content"`
}

type block struct {
	Type   string       `json:"type"`
	Text   string       `json:"text,omitempty"`
	Source *imageSource `json:"source,omitempty"`
}

// imageSource is {"type":"base64","media_type","data"} for an image's
// bytes, or {"type":"url","url"} for an image the API fetches itself.
type imageSource struct {
	Type      string `json:"type"`
	MediaType string `json:"media_type,omitempty"`
	Data      string `json:"data,omitempty"`
	URL       string `json:"url,omitempty"`
}

// imageTypes are the media types the Messages API accepts for images.
var imageTypes = []string{"image/jpeg", "image/png", "image/gif", "image/webp"}

// body encodes req after AdjustParams. A request the API would reject for
// its shape (no model, no turns, an unknown role, images on a turn that
// cannot carry them, an image type it does not take, an image URL that is
// not http(s)) fails with class bad_request before any network traffic.
func (c *Client) body(req *providers.Request) ([]byte, *providers.Error) {
	bad := func(format string, args ...any) *providers.Error {
		return &providers.Error{Class: providers.BadRequest, Message: fmt.Sprintf(format, args...)}
	}
	if req.Model == "" {
		return nil, bad("request names no model")
	}
	params, _ := c.AdjustParams(req.Params)
	mr := messagesRequest{
		Model:         req.Model,
		MaxTokens:     *params.MaxTokens,
		Temperature:   params.Temperature,
		TopP:          params.TopP,
		StopSequences: params.Stop,
		Stream:        req.Stream,
	}
	var system []string
	for i, m := range req.Messages {
		switch m.Role {
		case providers.RoleSystem:
			if len(m.Images) > 0 {
				return nil, bad("message %d (system) carries images; only user messages may", i)
			}
			system = append(system, m.Text)
			continue
		case providers.RoleUser, providers.RoleAssistant:
		default:
			return nil, bad("message %d has role %q; Anthropic takes system, user and assistant", i, m.Role)
		}
		if len(m.Images) == 0 {
			mr.Messages = append(mr.Messages, message{Role: m.Role, Content: m.Text})
			continue
		}
		if m.Role != providers.RoleUser {
			return nil, bad("message %d (%s) carries images; only user messages may", i, m.Role)
		}
		blocks := make([]block, 0, 1+len(m.Images))
		if m.Text != "" {
			blocks = append(blocks, block{Type: "text", Text: m.Text})
		}
		for j, img := range m.Images {
			if img.URL != "" {
				if !isHTTPURL(img.URL) {
					return nil, bad("image %d of message %d has URL %q; Anthropic fetches http(s) URLs only", j, i, img.URL)
				}
				blocks = append(blocks, block{Type: "image", Source: &imageSource{Type: "url", URL: img.URL}})
				continue
			}
			mime := img.MIME
			if mime == "" {
				mime = http.DetectContentType(img.Data)
			}
			if !contains(imageTypes, mime) {
				return nil, bad("image %d of message %d is %s; Anthropic takes %s", j, i, mime, strings.Join(imageTypes, ", "))
			}
			blocks = append(blocks, block{Type: "image", Source: &imageSource{Type: "base64", MediaType: mime, Data: base64.StdEncoding.EncodeToString(img.Data)}})
		}
		mr.Messages = append(mr.Messages, message{Role: m.Role, Content: blocks})
	}
	if len(mr.Messages) == 0 {
		return nil, bad("request has no user or assistant messages")
	}
	mr.System = strings.Join(system, "\n\n")
	b, err := json.Marshal(mr)
	if err != nil {
		return nil, &providers.Error{Class: providers.BadRequest, Message: "encode request: " + err.Error(), Err: err}
	}
	return b, nil
}

// isHTTPURL reports whether s is an absolute http(s) URL with a host.
func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
