package suites

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"path"
	"strings"
)

// caseFormat is a cases file's format, told by its extension.
type caseFormat struct {
	name  string
	holds string // what a file of the format holds, for "holds no cases"
}

var (
	jsonlFormat = caseFormat{"JSONL", "write one JSON object per line"}
	csvFormat   = caseFormat{"CSV", "write a header row naming the columns (id, the fields, reference), then one row per case"}
	tsvFormat   = caseFormat{"TSV", "write a header row naming the columns (id, the fields, reference), then one tab-separated row per case"}
)

// formatOf tells a cases file's format by its extension: .csv is CSV,
// .tsv and .tab are TSV, anything else is JSONL.
func formatOf(name string) caseFormat {
	switch strings.ToLower(path.Ext(name)) {
	case ".csv":
		return csvFormat
	case ".tsv", ".tab":
		return tsvFormat
	}
	return jsonlFormat
}

// listSep separates the items of a list column (references, images, tags,
// scorers) in a CSV or TSV cell.
const listSep = "|"

// header is a CSV or TSV header row, checked.
type header struct {
	names []string
}

// readHeader checks the header row: an id column, no empty or repeated
// names, no messages column (a conversation needs JSONL).
func (b *caseBuilder) readHeader(rec []string, at casePos) (*header, bool) {
	l := b.l
	ok := true
	seen := map[string]int{}
	names := make([]string, len(rec))
	for i, n := range rec {
		n = strings.TrimSpace(n)
		names[i] = n
		switch {
		case n == "":
			l.add(at.file, at.line, "column %d of the header row has no name: name every column", i+1)
			ok = false
		case seen[n] > 0:
			l.add(at.file, at.line, "column %q appears twice in the header row (columns %d and %d): name each column once", n, seen[n], i+1)
			ok = false
		case n == "messages":
			l.add(at.file, at.line, "column \"messages\": a conversation cannot be written in a %s cell; write these cases in a JSONL file", formatOf(at.file).name)
			ok = false
		}
		seen[n] = i + 1
	}
	if seen["id"] == 0 {
		l.add(at.file, at.line, "the header row has no id column: the first row names the columns, and one of them must be id (found: %s)", strings.Join(names, ", "))
		ok = false
	}
	return &header{names: names}, ok
}

// isReferenceColumn reports whether a column holds one reference: the
// column reference, or any other whose name starts with "reference"
// (reference2, reference_b), except references, which holds a list.
func isReferenceColumn(name string) bool {
	return strings.HasPrefix(name, "reference") && name != "references"
}

// caseObject turns a row into the object a JSONL line would decode to, so
// the same checks apply: references from reference* columns (empty cells
// skipped) and the references column split on "|"; images, tags and
// scorers split on "|"; every other column a text field.
func (h *header) caseObject(rec []string) map[string]any {
	obj := map[string]any{}
	var refs []any
	for i, name := range h.names {
		cell := rec[i]
		switch {
		case name == "references":
			refs = append(refs, splitCell(cell)...)
		case isReferenceColumn(name):
			if cell != "" {
				refs = append(refs, cell)
			}
		case name == "images" || name == "tags" || name == "scorers":
			if items := splitCell(cell); len(items) > 0 {
				obj[name] = items
			}
		default:
			obj[name] = cell
		}
	}
	if refs != nil {
		obj["references"] = refs
	}
	return obj
}

// splitCell splits a list cell on "|", trimming space and dropping empty
// items.
func splitCell(cell string) []any {
	var out []any
	for _, p := range strings.Split(cell, listSep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// readCSV reads an RFC 4180 CSV cases file, one record at a time (a
// quoted cell may span lines; a case's line is where its record starts).
// A record with the wrong number of cells or a quoting error is reported
// at its line and reading goes on.
func (b *caseBuilder) readCSV(r io.Reader, name string) {
	l := b.l
	guard := &lineGuard{r: bufio.NewReaderSize(r, 64<<10), limit: maxCaseLine}
	cr := csv.NewReader(guard)
	cr.FieldsPerRecord = -1 // counted here, so the message names the header
	cr.ReuseRecord = true
	var h *header
	for {
		start := cr.InputOffset()
		rec, err := cr.Read()
		if err == io.EOF {
			return
		}
		if errors.Is(err, errLineTooLong) {
			l.add(name, guard.line, "line is longer than %d bytes: keep each line below that size", maxCaseLine)
			return
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			l.add(name, pe.Line, "not valid CSV (%v): quote a cell that holds a comma, a quote or a line break, and double the quotes inside it (\"say \"\"hi\"\"\")", pe.Err)
			continue
		}
		if err != nil {
			l.add(name, guard.line, "read: %v", err)
			return
		}
		line, _ := cr.FieldPos(0)
		if h == nil {
			if len(rec) > 0 {
				rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
			}
			var ok bool
			if h, ok = b.readHeader(rec, casePos{name, line}); !ok {
				return
			}
			if b.file != nil {
				b.file.header = h
			}
			continue
		}
		b.rec = caseEntry{off: start, size: recordSize(cr.InputOffset() - start), line: uint32(line)}
		b.row(h, rec, casePos{name, line})
	}
}

// readTSV reads a tab-separated cases file: one case per line, cells split
// on tabs, no quoting (IANA text/tab-separated-values: a cell holds no tab
// or line break; write such cases in CSV or JSONL).
func (b *caseBuilder) readTSV(r io.Reader, name string) {
	l := b.l
	br := bufio.NewReaderSize(r, 64<<10)
	var h *header
	var off int64
	for n := 1; ; n++ {
		raw, size, err := readLineN(br, maxCaseLine)
		b.rec = caseEntry{off: off, size: recordSize(int64(size)), line: uint32(n)}
		off += int64(size)
		if errors.Is(err, errLineTooLong) {
			l.add(name, n, "line is longer than %d bytes: keep each case on one line below that size", maxCaseLine)
			continue
		}
		if err != nil && err != io.EOF {
			l.add(name, n, "read: %v", err)
			return
		}
		if n == 1 {
			raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
		}
		if len(bytes.TrimSpace(raw)) > 0 {
			rec := strings.Split(string(raw), "\t")
			at := casePos{name, n}
			if h == nil {
				var ok bool
				if h, ok = b.readHeader(rec, at); !ok {
					return
				}
				if b.file != nil {
					b.file.header = h
				}
			} else {
				b.row(h, rec, at)
			}
		}
		if err == io.EOF {
			return
		}
	}
}

// row checks one record's width and adds its case.
func (b *caseBuilder) row(h *header, rec []string, at casePos) {
	if len(rec) != len(h.names) {
		b.l.add(at.file, at.line, "row has %d cells but the header row names %d columns: give every row one cell per column (an empty cell is fine)", len(rec), len(h.names))
		return
	}
	b.add(h.caseObject(rec), at, at.line)
}

// lineGuard passes bytes through and fails with errLineTooLong once a
// line grows past limit, so a file with no line breaks cannot fill memory.
// line is the 1-based line being read.
type lineGuard struct {
	r     *bufio.Reader
	limit int
	run   int // bytes since the last line break
	line  int
}

func (g *lineGuard) Read(p []byte) (int, error) {
	if g.line == 0 {
		g.line = 1
	}
	n, err := g.r.Read(p)
	for _, c := range p[:n] {
		if c == '\n' {
			g.line++
			g.run = 0
			continue
		}
		g.run++
		if g.run > g.limit {
			return 0, errLineTooLong
		}
	}
	return n, err
}

var _ io.Reader = (*lineGuard)(nil)
