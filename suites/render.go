package suites

import (
	"errors"
	"fmt"
	"strings"

	"github.com/llmbench/llmbench/providers"
)

// Render returns what c asks, as text: the suite's prompt executed over the
// case's fields; for a conversation (the suite's or the case's messages)
// its turns labelled "User:", "Assistant:" or "System:", one paragraph
// each, or the lone user turn's text when there is only one. The system
// prompt and few-shot examples are not part of it. The report and the
// judge show it as the question. Safe for concurrent use.
func (s *Suite) Render(c *Case) (string, error) {
	turns := s.turnsFor(c)
	if turns == nil {
		if s.Prompt == nil {
			return "", errors.New("suite " + s.Name + " has no parsed prompt template")
		}
		var b strings.Builder
		if err := s.Prompt.Execute(&b, c.Fields); err != nil {
			return "", fmt.Errorf("render case %s of suite %s: %w", c.ID, s.Name, err)
		}
		return b.String(), nil
	}
	msgs, err := s.renderTurns(c, turns)
	if err != nil {
		return "", err
	}
	if len(msgs) == 1 && msgs[0].Role == providers.RoleUser {
		return msgs[0].Text, nil
	}
	var b strings.Builder
	for i, m := range msgs {
		if i > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(roleLabel[m.Role])
		b.WriteString(": ")
		b.WriteString(m.Text)
	}
	return b.String(), nil
}

var roleLabel = map[string]string{providers.RoleSystem: "System", providers.RoleUser: "User", providers.RoleAssistant: "Assistant"}

// Messages returns the chat for c, in order: the suite's system prompt, if
// any; the few-shot examples as user/assistant turns, unless the template
// asking c calls examples (it then writes them itself); and the case's own
// turns: the rendered prompt as one user message, or the rendered
// conversation (the case's messages, else the suite's). The case's images
// go with the first of those user turns.
func (s *Suite) Messages(c *Case) ([]providers.Message, error) {
	var own []providers.Message
	turns := s.turnsFor(c)
	if turns == nil {
		text, err := s.Render(c)
		if err != nil {
			return nil, err
		}
		own = []providers.Message{{Role: providers.RoleUser, Text: text}}
	} else {
		var err error
		if own, err = s.renderTurns(c, turns); err != nil {
			return nil, err
		}
	}
	msgs := make([]providers.Message, 0, 1+2*len(s.Examples)+len(own))
	if s.System != "" {
		msgs = append(msgs, providers.Message{Role: providers.RoleSystem, Text: s.System})
	}
	if len(s.Examples) > 0 && !s.examplesInTemplate(c) {
		for _, e := range s.Examples {
			msgs = append(msgs,
				providers.Message{Role: providers.RoleUser, Text: e.User},
				providers.Message{Role: providers.RoleAssistant, Text: e.Assistant})
		}
	}
	if len(c.Images) > 0 {
		for i := range own {
			if own[i].Role == providers.RoleUser {
				own[i].Images = c.Images
				break
			}
		}
	}
	return append(msgs, own...), nil
}

// turnsFor is the conversation that asks c: the case's own messages, else
// the suite's, else nil (the single prompt).
func (s *Suite) turnsFor(c *Case) []Turn {
	if len(c.Turns) > 0 {
		return c.Turns
	}
	if len(s.Turns) > 0 {
		return s.Turns
	}
	return nil
}

// renderTurns executes each turn's template over the case's fields.
func (s *Suite) renderTurns(c *Case, turns []Turn) ([]providers.Message, error) {
	out := make([]providers.Message, len(turns))
	for i, t := range turns {
		tmpl, err := parseTemplate("message", t.Content, s.Examples)
		if err != nil {
			return nil, fmt.Errorf("case %s of suite %s: message %d: %w", c.ID, s.Name, i+1, err)
		}
		var b strings.Builder
		if err := tmpl.Execute(&b, c.Fields); err != nil {
			return nil, fmt.Errorf("render case %s of suite %s: message %d: %w", c.ID, s.Name, i+1, err)
		}
		out[i] = providers.Message{Role: t.Role, Text: b.String()}
	}
	return out, nil
}

// examplesInTemplate reports whether the templates asking c call the
// examples helper.
func (s *Suite) examplesInTemplate(c *Case) bool {
	turns := s.turnsFor(c)
	if turns == nil {
		return callsExamples(s.Prompt)
	}
	for _, t := range turns {
		tmpl, err := parseTemplate("message", t.Content, s.Examples)
		if err == nil && callsExamples(tmpl) {
			return true
		}
	}
	return false
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
