package importers

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"text/template"
)

// nunjucksVarRe is a variable reference: a name, or a dotted path into an
// object var ({{ user.name }}).
var nunjucksVarRe = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$`)

// goFieldRe is what Go's template syntax takes after a dot.
var goFieldRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// nunjucksToGo translates a promptfoo prompt, a Nunjucks template, into a
// Go text/template when it only substitutes variables: "{{ name }}",
// "{{ obj.key }}", with Nunjucks' "{{-"/"-}}" whitespace control, and
// "{# comments #}", which are dropped. Tags ("{% if %}", "{% for %}"),
// filters ("{{ x | upper }}") and expressions have no translation and are
// reported, so the prompt is listed as not mapped rather than changed.
// rename maps var names to the case field names that hold them. vars are
// the (original) top-level names the prompt reads, in order.
func nunjucksToGo(s string, rename map[string]string) (tmpl string, vars []string, err error) {
	var b strings.Builder
	seen := map[string]bool{}
	for {
		i := nextTag(s)
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		open := s[i : i+2]
		s = s[i+2:]
		switch open {
		case "{#":
			end := strings.Index(s, "#}")
			if end < 0 {
				return "", nil, fmt.Errorf("a comment {# is never closed with #}")
			}
			s = s[end+2:]
		case "{%":
			end := strings.Index(s, "%}")
			tag := s
			if end >= 0 {
				tag = s[:end]
			}
			return "", nil, fmt.Errorf("it uses the Nunjucks tag {%% %s %%}: conditions and loops do not translate to llmbench's Go templates; rewrite the prompt by hand", strings.TrimSpace(shorten(tag, 40)))
		case "{{":
			end := strings.Index(s, "}}")
			if end < 0 {
				return "", nil, fmt.Errorf("a {{ is never closed with }}")
			}
			inner := s[:end]
			s = s[end+2:]
			trimL := strings.HasPrefix(inner, "-")
			trimR := strings.HasSuffix(inner, "-") && len(inner) > 1
			expr := inner
			if trimL {
				expr = expr[1:]
			}
			if trimR {
				expr = expr[:len(expr)-1]
			}
			expr = strings.TrimSpace(expr)
			if !nunjucksVarRe.MatchString(expr) {
				return "", nil, fmt.Errorf("it uses {{ %s }}: only plain variables translate (no filters, calls or expressions)", shorten(expr, 40))
			}
			segs := strings.Split(expr, ".")
			switch {
			case segs[0] == "env":
				return "", nil, fmt.Errorf("it reads the environment ({{ %s }}): llmbench prompts read only case fields", expr)
			case strings.HasPrefix(segs[0], "_"):
				return "", nil, fmt.Errorf("it uses promptfoo's special variable %s", segs[0])
			}
			if !seen[segs[0]] {
				seen[segs[0]] = true
				vars = append(vars, segs[0])
			}
			if r, ok := rename[segs[0]]; ok {
				segs[0] = r
			}
			b.WriteString("{{")
			if trimL {
				b.WriteString("- ")
			}
			b.WriteString(goFieldPath(segs))
			if trimR {
				b.WriteString(" -")
			}
			b.WriteString("}}")
		}
	}
	tmpl = b.String()
	if _, err := template.New("prompt").Option("missingkey=error").Parse(tmpl); err != nil {
		return "", nil, fmt.Errorf("the translated template does not parse: %v", err)
	}
	return tmpl, vars, nil
}

// nextTag is the index of the first "{{", "{%" or "{#" in s, or -1.
func nextTag(s string) int {
	best := -1
	for _, d := range []string{"{{", "{%", "{#"} {
		if j := strings.Index(s, d); j >= 0 && (best < 0 || j < best) {
			best = j
		}
	}
	return best
}

// goFieldPath is the Go template expression reading a path of keys.
func goFieldPath(segs []string) string {
	plain := true
	for _, s := range segs {
		if !goFieldRe.MatchString(s) {
			plain = false
		}
	}
	if plain {
		return "." + strings.Join(segs, ".")
	}
	q := make([]string, len(segs))
	for i, s := range segs {
		q[i] = strconv.Quote(s)
	}
	return "index . " + strings.Join(q, " ")
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
