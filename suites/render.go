package suites

import (
	"errors"
	"fmt"
	"strings"

	"github.com/llmbench/llmbench/providers"
)

// Render returns the prompt for c: the suite's template executed over the
// case's fields. Safe for concurrent use.
func (s *Suite) Render(c *Case) (string, error) {
	if s.Prompt == nil {
		return "", errors.New("suite " + s.Name + " has no parsed prompt template")
	}
	var b strings.Builder
	if err := s.Prompt.Execute(&b, c.Fields); err != nil {
		return "", fmt.Errorf("render case %s of suite %s: %w", c.ID, s.Name, err)
	}
	return b.String(), nil
}

// Messages returns the chat for c: the suite's system prompt, if any, and
// one user message with the rendered prompt and the case's images.
func (s *Suite) Messages(c *Case) ([]providers.Message, error) {
	text, err := s.Render(c)
	if err != nil {
		return nil, err
	}
	msgs := make([]providers.Message, 0, 2)
	if s.System != "" {
		msgs = append(msgs, providers.Message{Role: providers.RoleSystem, Text: s.System})
	}
	return append(msgs, providers.Message{Role: providers.RoleUser, Text: text, Images: c.Images}), nil
}

// Document returns the case's source document: the field the suite names
// with document:, or "" when it names none.
func (s *Suite) Document(c *Case) string {
	if s.DocumentField == "" {
		return ""
	}
	d, _ := c.Fields[s.DocumentField].(string)
	return d
}
