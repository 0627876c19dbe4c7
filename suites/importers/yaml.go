package importers

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// yamlWriter writes the small YAML files an import produces by hand, so
// keys keep their order, prompts are readable literal blocks and comments
// can be placed. Every string goes through yamlValue, which only ever
// writes a plain scalar, a literal block or a JSON-quoted string; the
// result is checked by loading it back (suites.Load, bench.ParseConfig in
// the tests).
type yamlWriter struct{ b strings.Builder }

func (w *yamlWriter) comment(lines ...string) {
	for _, l := range lines {
		for _, part := range strings.Split(l, "\n") {
			w.b.WriteString(strings.TrimRight("# "+part, " "))
			w.b.WriteByte('\n')
		}
	}
}

func (w *yamlWriter) blank() { w.b.WriteByte('\n') }

// str writes key: value at the given indentation (in spaces).
func (w *yamlWriter) str(indent int, key, val string) {
	w.b.WriteString(strings.Repeat(" ", indent))
	w.b.WriteString(key)
	w.b.WriteString(":")
	w.b.WriteString(yamlValue(val, indent+2))
	w.b.WriteByte('\n')
}

// raw writes key: value with value written as is (a number, a flow list).
func (w *yamlWriter) raw(indent int, key, val string) {
	w.b.WriteString(strings.Repeat(" ", indent))
	w.b.WriteString(key)
	if val == "" {
		w.b.WriteString(":\n")
		return
	}
	w.b.WriteString(": ")
	w.b.WriteString(val)
	w.b.WriteByte('\n')
}

func (w *yamlWriter) String() string { return w.b.String() }

// yamlValue renders s as the value after "key:" (including the leading
// space): a literal block indented by indent for readable multi-line text,
// else a plain or quoted scalar.
func yamlValue(s string, indent int) string {
	if literalOK(s) {
		pad := strings.Repeat(" ", indent)
		var b strings.Builder
		b.WriteString(" |-\n")
		for i, line := range strings.Split(s, "\n") {
			if i > 0 {
				b.WriteByte('\n')
			}
			if line != "" {
				b.WriteString(pad)
				b.WriteString(line)
			}
		}
		return b.String()
	}
	return " " + yamlScalar(s)
}

// yamlScalar is s as a one-line scalar: plain when that cannot be misread
// (a name such as rougeL or gpt-4o), else double-quoted with JSON's
// escapes, which YAML's double-quoted style reads the same.
func yamlScalar(s string) string {
	if plainRe.MatchString(s) && !yamlSpecial[strings.ToLower(s)] {
		return s
	}
	q, err := marshalNoEscape(s)
	if err != nil { // a string always marshals
		return strconv.Quote(s)
	}
	return string(q)
}

var plainRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.+/-]*$`)

// yamlSpecial are plain words a YAML reader may take for something other
// than a string.
var yamlSpecial = map[string]bool{"true": true, "false": true, "null": true, "yes": true, "no": true, "on": true, "off": true, "y": true, "n": true, "nan": true, "inf": true}

// literalOK reports whether s can be a "|-" literal block and read back
// unchanged: several lines, the first not indented (it sets the block's
// indentation), no final line break (|- strips it), no blanks ending a
// line, no carriage returns, and only printable characters and tabs.
func literalOK(s string) bool {
	if !strings.Contains(s, "\n") || strings.HasSuffix(s, "\n") || strings.Contains(s, "\r") {
		return false
	}
	first, _, _ := strings.Cut(s, "\n")
	if first == "" || first[0] == ' ' || first[0] == '\t' {
		return false
	}
	for _, line := range strings.Split(s, "\n") {
		// Blanks at the end of a line (and so a line of blanks) are not
		// kept by every YAML reader.
		if strings.HasSuffix(line, " ") || strings.HasSuffix(line, "\t") {
			return false
		}
	}
	for _, r := range s {
		if r != '\n' && r != '\t' && !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// yamlFlowList writes a flow sequence of scalars: [a, "b c"].
func yamlFlowList(items []string) string {
	q := make([]string, len(items))
	for i, it := range items {
		q[i] = yamlScalar(it)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
