package suites

import (
	"fmt"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/llmbench/llmbench/providers"
)

// examples reads the suite's examples: a list of {user, assistant}
// mappings (input and output are accepted for user and assistant).
func (l *loader) examples(v any, node ast.Node) []Example {
	list, ok := v.([]any)
	if !ok {
		l.add(l.file, nodeLine(node), "examples must be a list of {user: ..., assistant: ...} mappings, not a %s", yamlKind(v))
		return nil
	}
	if len(list) == 0 {
		l.add(l.file, nodeLine(node), "examples is an empty list: add {user: ..., assistant: ...} pairs or remove it")
		return nil
	}
	seq, _ := node.(*ast.SequenceNode)
	out := make([]Example, 0, len(list))
	good := true
	for i, item := range list {
		line := nodeLine(node)
		var itemNode ast.Node
		if seq != nil && i < len(seq.Values) {
			itemNode = seq.Values[i]
			line = nodeLine(itemNode)
		}
		m, ok := item.(map[string]any)
		if !ok {
			l.add(l.file, line, "example %d must be a mapping {user: ..., assistant: ...}, not a %s", i+1, yamlKind(item))
			good = false
			continue
		}
		var e Example
		var hasUser, hasAssistant bool
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			val := m[k]
			kl := keyLine(itemNode, k)
			text, isStr := val.(string)
			switch k {
			case "user", "input":
				e.User, hasUser = text, true
			case "assistant", "output":
				e.Assistant, hasAssistant = text, true
			default:
				l.add(l.file, kl, "unknown example key %q: an example has user (or input) and assistant (or output)", k)
				good = false
				continue
			}
			if !isStr {
				l.add(l.file, kl, "example %d: %s must be text, not a %s", i+1, k, yamlKind(val))
				good = false
			}
		}
		if hasKeys(m, "input", "user") {
			l.add(l.file, line, "example %d has both user and input: they are the same key; keep one", i+1)
			good = false
		}
		if hasKeys(m, "output", "assistant") {
			l.add(l.file, line, "example %d has both assistant and output: they are the same key; keep one", i+1)
			good = false
		}
		if !hasUser || !hasAssistant || strings.TrimSpace(e.User) == "" || strings.TrimSpace(e.Assistant) == "" {
			if good {
				l.add(l.file, line, "example %d needs a non-empty user (the question) and assistant (the answer)", i+1)
			}
			good = false
			continue
		}
		out = append(out, e)
	}
	if !good {
		return nil
	}
	return out
}

// suiteTurns reads the suite's messages: a list of {role, content}
// mappings whose contents are templates.
func (l *loader) suiteTurns(s *Suite, v any, node ast.Node, line int) []Turn {
	list, ok := v.([]any)
	if !ok {
		l.add(l.file, line, "messages must be a list of {role: user, content: \"...\"} mappings, not a %s", yamlKind(v))
		return nil
	}
	seq, _ := node.(*ast.SequenceNode)
	turns := make([]Turn, 0, len(list))
	good := true
	for i, item := range list {
		itemLine := line
		var itemNode ast.Node
		if seq != nil && i < len(seq.Values) {
			itemNode = seq.Values[i]
			itemLine = nodeLine(itemNode)
		}
		t, msgs := readTurn(item, i, yamlKind)
		for _, m := range msgs {
			l.add(l.file, itemLine, "%s", m)
		}
		if len(msgs) > 0 {
			good = false
			continue
		}
		contentNode := itemNode
		if m, ok := itemNode.(*ast.MappingNode); ok {
			for _, mv := range m.Values {
				if mv.Key.GetToken().Value == "content" {
					contentNode = mv.Value
				}
			}
		}
		if l.template("message", t.Content, contentNode, s.Examples) == nil {
			good = false
			continue
		}
		turns = append(turns, t)
	}
	if !good {
		return nil
	}
	for _, m := range turnOrderProblems(turns, s.System != "") {
		l.add(l.file, line, "messages: %s", m)
		good = false
	}
	if !good {
		return nil
	}
	return turns
}

// caseTurns reads a case's "messages" (decoded JSON); it returns the
// problems to report at the case.
func caseTurns(v any, s *Suite) ([]Turn, []string) {
	list, ok := v.([]any)
	if !ok {
		return nil, []string{fmt.Sprintf(`"messages" must be a list of {"role": "user", "content": "..."} objects, not a %s`, jsonKind(v))}
	}
	var problems []string
	turns := make([]Turn, 0, len(list))
	for i, item := range list {
		t, msgs := readTurn(item, i, jsonKind)
		if len(msgs) > 0 {
			problems = append(problems, msgs...)
			continue
		}
		if _, err := parseTemplate("message", t.Content, s.Examples); err != nil {
			problems = append(problems, fmt.Sprintf("message %d: template: %s", i+1, templateErrText(err)))
			continue
		}
		turns = append(turns, t)
	}
	if len(problems) > 0 {
		return nil, problems
	}
	for _, m := range turnOrderProblems(turns, s.System != "") {
		problems = append(problems, `"messages": `+m)
	}
	return turns, problems
}

// readTurn reads one {role, content} message.
func readTurn(item any, i int, kind func(any) string) (Turn, []string) {
	m, ok := item.(map[string]any)
	if !ok {
		return Turn{}, []string{fmt.Sprintf("message %d must be a mapping {role: ..., content: ...}, not a %s", i+1, kind(item))}
	}
	var t Turn
	var problems []string
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		val := m[k]
		text, isStr := val.(string)
		switch k {
		case "role":
			t.Role = text
			if !isStr || !validRole(text) {
				problems = append(problems, fmt.Sprintf("message %d: role must be system, user or assistant, not %s", i+1, shown(val, kind)))
			}
		case "content":
			t.Content = text
			if !isStr {
				problems = append(problems, fmt.Sprintf("message %d: content must be text (a template over the case's fields), not a %s", i+1, kind(val)))
			}
		default:
			problems = append(problems, fmt.Sprintf("message %d: unknown key %q: a message has role and content", i+1, k))
		}
	}
	if _, ok := m["role"]; !ok {
		problems = append(problems, fmt.Sprintf("message %d has no role: give it role: user, assistant or system", i+1))
	}
	if _, ok := m["content"]; !ok {
		problems = append(problems, fmt.Sprintf("message %d has no content", i+1))
	}
	return t, problems
}

// hasKeys reports whether m has every key.
func hasKeys(m map[string]any, keys ...string) bool {
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}

func validRole(r string) bool {
	return r == providers.RoleSystem || r == providers.RoleUser || r == providers.RoleAssistant
}

func shown(v any, kind func(any) string) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return "a " + kind(v)
}

// turnOrderProblems checks a conversation's shape: at least one message, a
// system message only first (and only when the suite has no system:), and
// a user message last, which the model answers.
func turnOrderProblems(turns []Turn, suiteSystem bool) []string {
	if len(turns) == 0 {
		return []string{"the list is empty: write at least one user message"}
	}
	var out []string
	for i, t := range turns {
		if t.Role != providers.RoleSystem {
			continue
		}
		switch {
		case i > 0:
			out = append(out, fmt.Sprintf("message %d is a system message: only the first message may be one", i+1))
		case suiteSystem:
			out = append(out, "the first message is a system message but the suite has system: already; keep one")
		}
	}
	if last := turns[len(turns)-1]; last.Role != providers.RoleUser {
		out = append(out, fmt.Sprintf("the last message is from the %s: end with a user message, which the model answers", last.Role))
	}
	return out
}

// templateErrText drops text/template's "template: NAME:" prefix.
func templateErrText(err error) string {
	msg := err.Error()
	if m := tmplLineRe.FindStringSubmatch(msg); m != nil {
		return "line " + m[1] + ": " + strings.TrimSpace(msg[len(m[0]):])
	}
	return msg
}

// setPrimary moves the scorer primary: names to the front of the list.
func (l *loader) setPrimary(s *Suite, primary string, line int) {
	i := slices.IndexFunc(s.ScorerSpecs, func(spec ScorerSpec) bool { return spec.Name == primary })
	if i < 0 {
		l.add(l.file, line, "primary %q is not one of the suite's scorers (%s): name one of them, or list the primary first and drop primary:", primary, strings.Join(s.Scorers, ", "))
		return
	}
	spec := s.ScorerSpecs[i]
	s.ScorerSpecs = slices.Insert(slices.Delete(s.ScorerSpecs, i, i+1), 0, spec)
	s.Scorers = make([]string, len(s.ScorerSpecs))
	for j, sp := range s.ScorerSpecs {
		s.Scorers[j] = sp.Name
	}
}
