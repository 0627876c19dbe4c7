package suites

import (
	"fmt"
	"iter"
)

// Len is the number of cases.
func (s *Suite) Len() int { return len(s.Cases) }

// ID is the id of case i (0 ≤ i < Len), known without reading the case.
func (s *Suite) ID(i int) string { return s.Cases[i].ID }

// All streams the cases in file order. A case that cannot be read again
// (its file changed or went away since Load) ends the sequence with one
// error naming its file and line. The cases yielded must not be modified.
func (s *Suite) All() iter.Seq2[*Case, error] {
	return func(yield func(*Case, error) bool) {
		r, err := s.Open()
		if err != nil {
			yield(nil, err)
			return
		}
		defer r.Close()
		for i := range s.Len() {
			c, err := r.Case(i)
			if !yield(c, err) || err != nil {
				return
			}
		}
	}
}

// CaseReader reads a suite's cases by position. It is not safe for
// concurrent use; open one per goroutine.
type CaseReader struct {
	s *Suite
}

// Open opens the suite's cases for reading by position (CaseReader.Case).
// Close the reader when done.
func (s *Suite) Open() (*CaseReader, error) {
	return &CaseReader{s: s}, nil
}

// Case reads case i (0 ≤ i < the suite's Len). The case must not be
// modified.
func (r *CaseReader) Case(i int) (*Case, error) {
	if i < 0 || i >= r.s.Len() {
		return nil, fmt.Errorf("suite %s: no case %d (it has %d)", r.s.Name, i, r.s.Len())
	}
	return &r.s.Cases[i], nil
}

// Close releases the reader's file.
func (r *CaseReader) Close() error {
	return nil
}

// setCases makes cases the suite's cases, held in memory.
func (s *Suite) setCases(cases []Case) { s.Cases = cases }
