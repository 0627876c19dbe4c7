package importers

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// maxTextFile bounds a file an import reads whole (a config, a prompt).
const maxTextFile = 32 << 20

// yamlDoc is a parsed YAML (or JSON) file: its value, and its syntax tree
// to find the line of a path for problems and notes.
type yamlDoc struct {
	file string
	tree *ast.File
	val  any
}

// loadYAML parses a YAML or JSON file. A syntax error is a problem at its
// line, and ok is false.
func loadYAML(path string, p *problems) (*yamlDoc, bool, error) {
	data, err := readTextFile(path)
	if err != nil {
		return nil, false, err
	}
	tree, err := parser.ParseBytes(data, 0)
	if err != nil {
		p.add(Pos{File: path, Line: yamlErrLine(err)}, "YAML syntax: %s", yamlErrMsg(err))
		return nil, false, nil
	}
	d := &yamlDoc{file: path, tree: tree}
	if len(tree.Docs) == 0 || tree.Docs[0].Body == nil {
		return d, true, nil
	}
	if len(tree.Docs) > 1 {
		p.add(Pos{File: path}, "more than one YAML document (---): the file holds one")
		return nil, false, nil
	}
	if err := yaml.NodeToValue(tree.Docs[0].Body, &d.val); err != nil {
		p.add(Pos{File: path, Line: yamlErrLine(err)}, "YAML: %s", yamlErrMsg(err))
		return nil, false, nil
	}
	return d, true, nil
}

// readTextFile reads a whole file of at most maxTextFile bytes.
func readTextFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	if st.Size() > maxTextFile {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, maxTextFile)
	}
	return os.ReadFile(path)
}

func yamlErrLine(err error) int {
	var ye yaml.Error
	if errors.As(err, &ye) {
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			return tk.Position.Line
		}
	}
	return 0
}

func yamlErrMsg(err error) string {
	var ye yaml.Error
	if errors.As(err, &ye) {
		return ye.GetMessage()
	}
	return err.Error()
}

// pos is the position of a value by its path ("tests[3].assert[1]"; ""
// for the whole file).
func (d *yamlDoc) pos(where string) Pos {
	return Pos{File: d.file, Line: d.line(where), Where: where}
}

// line finds the line of the value at where, or 0.
func (d *yamlDoc) line(where string) int {
	if d == nil || d.tree == nil || where == "" {
		return 0
	}
	expr := "$." + where
	if strings.HasPrefix(where, "[") {
		expr = "$" + where
	}
	p, err := yaml.PathString(expr)
	if err != nil {
		return 0
	}
	n, err := p.FilterFile(d.tree)
	if err != nil || n == nil {
		return 0
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return 0
}

// joinPath appends a key or index to a path.
func joinPath(base string, key any) string {
	switch k := key.(type) {
	case int:
		return fmt.Sprintf("%s[%d]", base, k)
	case string:
		if base == "" {
			return k
		}
		if strings.ContainsAny(k, ".[]'\" ") {
			return base + "." + "'" + k + "'"
		}
		return base + "." + k
	}
	return base
}
