package importers

import (
	"fmt"
	"strings"
)

// Pos is where something was read in a source file.
type Pos struct {
	// File is the source file as named to Import (or found beside it).
	File string
	// Line is 1-based; 0 when the source has no line for it.
	Line int
	// Where names the record inside the file when a line alone does not:
	// "record 7" in a CSV file, a path such as "annotations[12].caption"
	// in a JSON or YAML file. Empty for line-oriented files.
	Where string
}

func (p Pos) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	if p.Where != "" {
		b.WriteString(": ")
		b.WriteString(p.Where)
	}
	return b.String()
}

// Problem is one thing wrong with a source file: where, and what to fix.
type Problem struct {
	Pos
	Msg string
}

func (p Problem) String() string { return p.Pos.String() + ": " + p.Msg }

// SourceError is every problem Import found in the files it was asked to
// convert. Nothing is written to the destination when Import returns one.
type SourceError struct {
	Problems []Problem
	// Truncated is true when reading stopped at maxProblems.
	Truncated bool
}

// Error lists the problems one per line, as file:line: where: msg.
func (e *SourceError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	if e.Truncated {
		fmt.Fprintf(&b, "\n(stopped after %d problems: fix these and import again)", len(e.Problems))
	}
	return b.String()
}

// OptionError is a wrong or missing option: an unknown format, a flag the
// format does not take. The command line reports it as a usage error.
type OptionError struct{ Msg string }

func (e *OptionError) Error() string { return e.Msg }

func optionErrorf(format string, args ...any) error {
	return &OptionError{Msg: fmt.Sprintf(format, args...)}
}

// maxProblems bounds how many problems one import collects before it
// stops reading: a wrong file otherwise yields one per line.
const maxProblems = 100

// problems collects Problems while a source is read.
type problems struct {
	list      []Problem
	truncated bool
}

func (p *problems) add(pos Pos, format string, args ...any) {
	if len(p.list) >= maxProblems {
		p.truncated = true
		return
	}
	p.list = append(p.list, Problem{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// full reports whether reading should stop (and marks the list as cut
// short, since the reader stops there).
func (p *problems) full() bool {
	if len(p.list) >= maxProblems {
		p.truncated = true
		return true
	}
	return false
}

func (p *problems) any() bool { return len(p.list) > 0 }

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return &SourceError{Problems: p.list, Truncated: p.truncated}
}
