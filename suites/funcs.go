package suites

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/template"
	"text/template/parse"
)

// Template helpers. Every prompt and message template of a suite can call
// them; arguments come last so they work in pipelines:
//
//	{{join ", " .choices}}       a, b, c           (also {{.choices | join ", "}})
//	{{numbered .steps}}          1. first\n2. second
//	{{letters .choices}}         A. red\nB. green  (at most 26 items)
//	{{split "|" .choices}}       a list from text  (for CSV cells: {{.choices | split "|" | letters}})
//	{{upper .x}} {{lower .x}} {{trim .x}}
//	{{range examples}}Q: {{.user}} A: {{.assistant}}{{end}}
//
// A list item is written as its text: a string as it is, a number as
// written in the case file, true/false, an empty string for null, and an
// object or list as compact JSON. A helper given something that is not a
// list fails the render, so Load reports it at the case's line.
//
// examples returns the suite's few-shot examples as a list of
// {user, assistant}; a template that calls it writes the examples itself,
// and they are then not also sent as earlier turns (see Suite.Messages).
func funcMap(examples []Example) template.FuncMap {
	return template.FuncMap{
		"join":     tmplJoin,
		"numbered": tmplNumbered,
		"letters":  tmplLetters,
		"split":    tmplSplit,
		"upper":    func(v any) string { return strings.ToUpper(itemText(v)) },
		"lower":    func(v any) string { return strings.ToLower(itemText(v)) },
		"trim":     func(v any) string { return strings.TrimSpace(itemText(v)) },
		"examples": func() []map[string]string {
			out := make([]map[string]string, len(examples))
			for i, e := range examples {
				out[i] = map[string]string{"user": e.User, "assistant": e.Assistant}
			}
			return out
		},
	}
}

// templateFuncNames lists the helpers, for messages and the docs.
var templateFuncNames = []string{"join", "numbered", "letters", "split", "upper", "lower", "trim", "examples"}

// parseTemplate parses a prompt or message template with the helpers and
// missingkey=error.
func parseTemplate(name, text string, examples []Example) (*template.Template, error) {
	return template.New(name).Funcs(funcMap(examples)).Option("missingkey=error").Parse(text)
}

func tmplJoin(sep string, v any) (string, error) {
	items, err := listItems("join", v)
	if err != nil {
		return "", err
	}
	return strings.Join(items, sep), nil
}

func tmplNumbered(v any) (string, error) {
	items, err := listItems("numbered", v)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%d. %s", i+1, it)
	}
	return b.String(), nil
}

func tmplLetters(v any) (string, error) {
	items, err := listItems("letters", v)
	if err != nil {
		return "", err
	}
	if len(items) > 26 {
		return "", fmt.Errorf("letters: %d options, more than the 26 letters A to Z", len(items))
	}
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%c. %s", 'A'+i, it)
	}
	return b.String(), nil
}

func tmplSplit(sep string, v any) ([]string, error) {
	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("split needs text, got a %s", jsonKind(v))
	}
	if sep == "" {
		return nil, errors.New("split needs a separator")
	}
	if s == "" {
		return []string{}, nil
	}
	return strings.Split(s, sep), nil
}

// listItems turns a list value (from JSON, YAML or split) into texts.
func listItems(fn string, v any) ([]string, error) {
	switch v := v.(type) {
	case []any:
		out := make([]string, len(v))
		for i, e := range v {
			out[i] = itemText(e)
		}
		return out, nil
	case []string:
		return v, nil
	}
	return nil, fmt.Errorf("%s needs a list, got a %s (for text with separators, use split first: {{.x | split \"|\" | %s}})", fn, jsonKind(v), fn)
}

// itemText is a value as prompt text: see funcMap.
func itemText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		if v {
			return "true"
		}
		return "false"
	case []any, map[string]any:
		return string(canonicalJSON(v))
	}
	return fmt.Sprint(v)
}

// callsExamples reports whether a template calls the examples helper.
func callsExamples(t *template.Template) bool {
	if t == nil {
		return false
	}
	for _, tt := range t.Templates() {
		if tt.Tree != nil && nodeCalls(tt.Tree.Root, "examples") {
			return true
		}
	}
	return false
}

func nodeCalls(n parse.Node, name string) bool {
	switch n := n.(type) {
	case nil:
		return false
	case *parse.IdentifierNode:
		return n.Ident == name
	case *parse.ListNode:
		if n == nil {
			return false
		}
		for _, c := range n.Nodes {
			if nodeCalls(c, name) {
				return true
			}
		}
	case *parse.ActionNode:
		return n.Pipe != nil && nodeCalls(n.Pipe, name)
	case *parse.PipeNode:
		if n == nil {
			return false
		}
		for _, c := range n.Cmds {
			if nodeCalls(c, name) {
				return true
			}
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			if nodeCalls(a, name) {
				return true
			}
		}
	case *parse.IfNode:
		return nodeCalls(n.Pipe, name) || nodeCalls(n.List, name) || nodeCalls(n.ElseList, name)
	case *parse.RangeNode:
		return nodeCalls(n.Pipe, name) || nodeCalls(n.List, name) || nodeCalls(n.ElseList, name)
	case *parse.WithNode:
		return nodeCalls(n.Pipe, name) || nodeCalls(n.List, name) || nodeCalls(n.ElseList, name)
	case *parse.TemplateNode:
		return n.Pipe != nil && nodeCalls(n.Pipe, name)
	}
	return false
}
