package gemini

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/llmbench/llmbench/providers"
)

// generateRequest is the generateContent request body, in the API's
// camelCase field names. Unset parameters are omitted so the model's
// defaults apply.
type generateRequest struct {
	Contents          []content         `json:"contents"`
	SystemInstruction *content          `json:"systemInstruction,omitempty"`
	GenerationConfig  *generationConfig `json:"generationConfig,omitempty"`
}

type content struct {
	Role  string `json:"role,omitempty"`
	Parts []part `json:"parts"`
}

// part is one piece of a turn: text, or inline image data. Thought marks a
// thinking summary in an answer.
type part struct {
	Text       string `json:"text,omitempty"`
	InlineData *blob  `json:"inlineData,omitempty"`
	Thought    bool   `json:"thought,omitempty"`
}

type blob struct {
	MimeType string `json:"mimeType"`
	Data     string `json:"data"`
}

type generationConfig struct {
	Temperature     *float64 `json:"temperature,omitempty"`
	TopP            *float64 `json:"topP,omitempty"`
	MaxOutputTokens *int     `json:"maxOutputTokens,omitempty"`
	Seed            *int64   `json:"seed,omitempty"`
	StopSequences   []string `json:"stopSequences,omitempty"`
}

// body encodes req. A request the API would reject for its shape (no
// model, no turns, an unknown role, images on a turn that cannot carry
// them) fails with class bad_request before any network traffic.
func (c *Client) body(req *providers.Request) ([]byte, *providers.Error) {
	bad := func(format string, args ...any) *providers.Error {
		return &providers.Error{Class: providers.BadRequest, Message: fmt.Sprintf(format, args...)}
	}
	if req.Model == "" {
		return nil, bad("request names no model")
	}
	gr := generateRequest{}
	p := req.Params
	if p.Temperature != nil || p.TopP != nil || p.MaxTokens != nil || p.Seed != nil || len(p.Stop) > 0 {
		gr.GenerationConfig = &generationConfig{Temperature: p.Temperature, TopP: p.TopP, MaxOutputTokens: p.MaxTokens, Seed: p.Seed, StopSequences: p.Stop}
	}
	var system []string
	for i, m := range req.Messages {
		var role string
		switch m.Role {
		case providers.RoleSystem:
			if len(m.Images) > 0 {
				return nil, bad("message %d (system) carries images; only user messages may", i)
			}
			system = append(system, m.Text)
			continue
		case providers.RoleUser:
			role = "user"
		case providers.RoleAssistant:
			role = "model"
		default:
			return nil, bad("message %d has role %q; Gemini takes system, user and assistant", i, m.Role)
		}
		if len(m.Images) > 0 && m.Role != providers.RoleUser {
			return nil, bad("message %d (%s) carries images; only user messages may", i, m.Role)
		}
		ct := content{Role: role}
		if m.Text != "" || len(m.Images) == 0 {
			ct.Parts = append(ct.Parts, part{Text: m.Text})
		}
		for _, img := range m.Images {
			mime := img.MIME
			if mime == "" {
				mime = http.DetectContentType(img.Data)
			}
			ct.Parts = append(ct.Parts, part{InlineData: &blob{MimeType: mime, Data: base64.StdEncoding.EncodeToString(img.Data)}})
		}
		gr.Contents = append(gr.Contents, ct)
	}
	if len(gr.Contents) == 0 {
		return nil, bad("request has no user or assistant messages")
	}
	if len(system) > 0 {
		gr.SystemInstruction = &content{Parts: []part{{Text: strings.Join(system, "\n\n")}}}
	}
	b, err := json.Marshal(gr)
	if err != nil {
		return nil, &providers.Error{Class: providers.BadRequest, Message: "encode request: " + err.Error(), Err: err}
	}
	return b, nil
}
