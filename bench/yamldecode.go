package bench

import (
	"bytes"
	"fmt"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// decodeYAML is yaml.UnmarshalWithOptions that cannot crash the program:
// goccy/go-yaml (1.19.2) dereferences nil on a tag without a value where a
// list is expected ("targets: !x", found by FuzzParseConfig). A panic in
// the decoder becomes an error naming the line of the first such tag.
func decodeYAML(path string, data []byte, v any, opts ...yaml.DecodeOption) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &ConfigError{File: path, Line: emptyTagLine(data),
				Msg: fmt.Sprintf("the YAML decoder cannot read this file (%v); look for a tag (!...) without a value", r)}
		}
	}()
	return yaml.UnmarshalWithOptions(data, v, opts...)
}

// normalizeNewlines turns CRLF and lone CR line breaks into LF. YAML reads
// all three as one line break, but goccy/go-yaml (1.19.2) counts a CRLF
// after a comment as two lines, so without this an error in a file saved
// on Windows points past the line it is on.
func normalizeNewlines(data []byte) []byte {
	if bytes.IndexByte(data, '\r') < 0 {
		return data
	}
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
}

// emptyTagLine is the line of the first tag without a value (0 when there
// is none, or the text does not parse).
func emptyTagLine(data []byte) (line int) {
	defer func() {
		if recover() != nil {
			line = 0
		}
	}()
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return 0
	}
	tf := &tagFinder{}
	for _, doc := range f.Docs {
		if doc != nil && doc.Body != nil && tf.line == 0 {
			ast.Walk(tf, doc.Body)
		}
	}
	return tf.line
}

type tagFinder struct{ line int }

func (tf *tagFinder) Visit(n ast.Node) ast.Visitor {
	if tf.line != 0 {
		return nil
	}
	if tag, ok := n.(*ast.TagNode); ok && (tag.Value == nil || tag.Value.Type() == ast.NullType) {
		if tk := tag.GetToken(); tk != nil && tk.Position != nil {
			tf.line = tk.Position.Line
		}
		return nil
	}
	return tf
}
