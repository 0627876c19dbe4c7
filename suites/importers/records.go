package importers

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"unicode/utf8"
)

// maxLine is the longest line a JSON Lines source may have. A
// variable so tests can lower it.
var maxLine = 64 << 20

// bom is the UTF-8 byte order mark some editors put at the start of a file.
const bom = "\xef\xbb\xbf"

// readJSONL calls fn with every JSON object of a JSON Lines file, in
// order, until fn returns false. Blank lines are skipped. A line that is
// not one JSON object is a problem at its line; reading goes on so every
// bad line is reported. Numbers are json.Number, so ids and references
// keep the digits they were written with.
func readJSONL(path string, p *problems, fn func(pos Pos, o map[string]any) bool) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read source: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte(bom))
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		pos := Pos{File: path, Line: line}
		if !utf8.Valid(b) {
			p.add(pos, "not UTF-8 text: save the file as UTF-8")
		} else if o, err := decodeObject(b); err != nil {
			p.add(pos, "%v: write one JSON object per line", err)
		} else if !fn(pos, o) {
			return nil
		}
		if p.full() {
			return nil
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			p.add(Pos{File: path, Line: line + 1}, "line is longer than %d bytes: is this a JSON Lines file (one object per line)?", maxLine)
			return nil
		}
		return fmt.Errorf("read source: %w", err)
	}
	return nil
}

// decodeObject decodes one JSON object and nothing after it.
func decodeObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("not valid JSON (%s)", strings.TrimPrefix(err.Error(), "json: "))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("more than one JSON value on the line")
	}
	o, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("a %s, not a JSON object", jsonKind(v))
	}
	return o, nil
}

// readCSV calls fn with every record of a CSV (or, with comma '\t', TSV
// in CSV quoting) file, in order, until fn returns false; n counts records
// from 1 (the header included). A syntax error (a stray quote) ends the
// reading with a problem naming its line and column.
func readCSV(path string, comma rune, p *problems, fn func(pos Pos, n int, rec []string) bool) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read source: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	if head, err := br.Peek(len(bom)); err == nil && string(head) == bom {
		br.Discard(len(bom))
	}
	r := csv.NewReader(br)
	r.Comma = comma
	r.FieldsPerRecord = -1
	for n := 1; ; n++ {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				p.add(Pos{File: path, Line: pe.Line, Where: fmt.Sprintf("record %d, column %d", n, pe.Column)}, "%v: quote a field that holds %q, a line break or a double quote, and double any quote inside it", pe.Err, string(comma))
				return nil
			}
			return fmt.Errorf("read source: %w", err)
		}
		line, _ := r.FieldPos(0)
		pos := Pos{File: path, Line: line, Where: fmt.Sprintf("record %d", n)}
		for i, field := range rec {
			if !utf8.ValidString(field) {
				p.add(pos, "field %d is not UTF-8 text: save the file as UTF-8", i+1)
				return nil
			}
		}
		if !fn(pos, n, rec) || p.full() {
			return nil
		}
	}
}

// sniffJSONL reports whether the file's first non-blank byte is "{"
// (JSON Lines) rather than text (CSV, TSV).
func sniffJSONL(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, fmt.Errorf("read source: %w", err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	n, _ := io.ReadFull(f, buf)
	b := bytes.TrimLeft(bytes.TrimPrefix(buf[:n], []byte(bom)), " \t\r\n")
	return len(b) > 0 && b[0] == '{', nil
}

// jsonKind names the JSON type of a decoded value.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case json.Number, float64, int, int64, uint64:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "list"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// textField reads a string field of a record: a string, or a number as
// its digits. ok is false when the field is missing or of another type
// (what says which, for the problem).
func textField(o map[string]any, key string) (s string, ok bool, what string) {
	v, has := o[key]
	if !has {
		return "", false, "missing"
	}
	switch v := v.(type) {
	case string:
		return v, true, ""
	case json.Number:
		return v.String(), true, ""
	}
	return "", false, "a " + jsonKind(v)
}

// recordID reads an "id" field if the record has one ("" if not).
func recordID(o map[string]any) (string, bool) {
	switch v := o["id"].(type) {
	case string:
		return v, strings.TrimSpace(v) != ""
	case json.Number:
		return v.String(), true
	}
	return "", false
}

// fieldNames lists an object's keys, sorted, for messages.
func fieldNames(o map[string]any) string {
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > 12 {
		keys = append(keys[:12], "...")
	}
	return strings.Join(keys, ", ")
}
