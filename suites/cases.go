package suites

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"
)

// caseSet is where a suite's cases are. A cases file named by a suite
// file (Load) is read once, to check it, and then only its index is kept:
// per case its id, where its record is in the file and half of its hash;
// the case is decoded again, images and all, when it is read (CaseReader),
// so a run holds the cases in flight, never the suite. Inline cases,
// built-in suites and pairs are small and are held in memory.
type caseSet struct {
	mem  []Case    // in-memory cases (file == nil)
	file *caseFile // file-backed cases
	// sel, when filtered, is the positions kept (WithTags), in order.
	sel      []int32
	filtered bool
	// specLists are the distinct scorer lists cases give themselves
	// (Case.Scorers), so a scorer set can be built without reading every
	// case (see BuildScorerSet).
	specLists [][]ScorerSpec
}

// caseFile is a cases file as Load found it.
type caseFile struct {
	root   string // the suite's folder, absolute, opened as an os.Root to read
	folder string // the suite's folder as displayed
	rel    string // the file, relative to the folder, slash-separated
	name   string // the file as displayed in problems and errors
	format caseFormat
	header *header // the CSV or TSV header row
	cases  []caseEntry
}

// caseEntry is one case of a cases file: what Len, ID and CaseReader need
// without decoding it.
type caseEntry struct {
	id   string
	off  int64  // the record's first byte in the file
	size uint32 // the record's bytes, line end included
	line uint32 // the 1-based line the record starts on
	sum  [16]byte
}

// maxRecord bounds one record of a cases file (caseEntry.size).
const maxRecord = 1<<32 - 1

// recordSize is n bytes as a caseEntry's size, or 0 when n does not fit
// (the builder reports such a case).
func recordSize(n int64) uint32 {
	if n <= 0 || n > maxRecord {
		return 0
	}
	return uint32(n)
}

// len is the number of cases.
func (cs *caseSet) len() int {
	switch {
	case cs.filtered:
		return len(cs.sel)
	case cs.file != nil:
		return len(cs.file.cases)
	}
	return len(cs.mem)
}

// at is position i's index in mem or file.cases.
func (cs *caseSet) at(i int) int {
	if cs.filtered {
		return int(cs.sel[i])
	}
	return i
}

// addSpecs records a case's own scorer list, once per distinct list.
func (cs *caseSet) addSpecs(specs []ScorerSpec) {
	if len(specs) == 0 {
		return
	}
	key := specKey(specs)
	for _, l := range cs.specLists {
		if specKey(l) == key {
			return
		}
	}
	cs.specLists = append(cs.specLists, specs)
}

// specKey identifies a scorer list: its specs' canonical text.
func specKey(specs []ScorerSpec) string { return strings.Join(specStrings(specs), "\x00") }

// setCases makes cases the suite's cases, held in memory.
func (s *Suite) setCases(cases []Case) {
	s.cases = caseSet{mem: cases}
	for i := range cases {
		s.cases.addSpecs(cases[i].Scorers)
	}
}

// Len is the number of cases.
func (s *Suite) Len() int { return s.cases.len() }

// ID is the id of case i (0 ≤ i < Len), known without reading the case.
func (s *Suite) ID(i int) string {
	j := s.cases.at(i)
	if s.cases.file != nil {
		return s.cases.file.cases[j].id
	}
	return s.cases.mem[j].ID
}

// All streams the cases in file order, reading each as it is reached. A
// case that cannot be read as it was when the suite was loaded (its file
// changed or went away since) ends the sequence with one error, which
// names the file and line and wraps ErrChanged. The cases yielded must
// not be modified.
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

// ErrChanged is wrapped by the error of a case read after its cases file
// changed, or went away, since its suite was loaded: what was checked and
// hashed is no longer what would be asked.
var ErrChanged = errors.New("changed since the suite was loaded")

// CaseReader reads a suite's cases by position. It is not safe for
// concurrent use: open one per goroutine.
type CaseReader struct {
	s    *Suite
	root *os.Root // file-backed suites only
	f    *os.File
	buf  []byte
}

// Open opens the suite's cases for reading by position (CaseReader.Case).
// Close the reader when done. For a suite whose cases file is gone the
// error wraps ErrChanged.
func (s *Suite) Open() (*CaseReader, error) {
	r := &CaseReader{s: s}
	cf := s.cases.file
	if cf == nil {
		return r, nil
	}
	root, err := os.OpenRoot(cf.root)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %v", cf.name, ErrChanged, err)
	}
	f, err := root.Open(filepath.FromSlash(cf.rel))
	if err != nil {
		root.Close()
		return nil, fmt.Errorf("%s: %w: %v", cf.name, ErrChanged, err)
	}
	r.root, r.f = root, f
	return r, nil
}

// Case reads case i (0 ≤ i < the suite's Len). The case must not be
// modified. A case of a cases file is decoded from the file again and
// checked against its hash at load: the error of one that changed names
// its file and line and wraps ErrChanged.
func (r *CaseReader) Case(i int) (*Case, error) {
	cs := &r.s.cases
	if i < 0 || i >= cs.len() {
		return nil, fmt.Errorf("suite %s: no case %d (it has %d)", r.s.Name, i, cs.len())
	}
	j := cs.at(i)
	if cs.file == nil {
		return &cs.mem[j], nil
	}
	if r.f == nil {
		return nil, errors.New("suite " + r.s.Name + ": case reader is closed")
	}
	return r.decode(&cs.file.cases[j])
}

// decode reads e's record again and builds its case as Load did.
func (r *CaseReader) decode(e *caseEntry) (*Case, error) {
	cf := r.s.cases.file
	changed := func(format string, args ...any) error {
		return fmt.Errorf("%s:%d: case %q %w: %s", cf.name, e.line, e.id, ErrChanged, fmt.Sprintf(format, args...))
	}
	if cap(r.buf) < int(e.size) {
		r.buf = make([]byte, e.size)
	}
	raw := r.buf[:e.size]
	if n, err := r.f.ReadAt(raw, e.off); n < len(raw) {
		if err == io.EOF {
			return nil, changed("the file is shorter")
		}
		return nil, changed("read: %v", err)
	}
	l := &loader{file: cf.name, folder: cf.folder, fsys: r.root.FS()}
	b := &caseBuilder{l: l, s: r.s}
	at := casePos{file: cf.name, line: int(e.line)}
	switch cf.format {
	case csvFormat:
		cr := csv.NewReader(bytes.NewReader(raw))
		cr.FieldsPerRecord = -1
		rec, err := cr.Read()
		if err != nil {
			return nil, changed("not a CSV record: %v", err)
		}
		b.row(cf.header, rec, at)
	case tsvFormat:
		b.row(cf.header, strings.Split(string(trimLineEnd(raw)), "\t"), at)
	default:
		line := trimLineEnd(raw)
		if e.off == 0 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		b.line(line, at)
	}
	if len(l.problems) > 0 {
		return nil, changed("%s", l.problems[0].Msg)
	}
	c := b.last
	if c == nil {
		return nil, changed("no case there")
	}
	sum := caseSum(c)
	if c.ID != e.id || !bytes.Equal(sum[:len(e.sum)], e.sum[:]) {
		return nil, changed("what it asks or counts as right differs")
	}
	c.Hash = hex.EncodeToString(sum[:])
	return c, nil
}

// trimLineEnd drops a record's "\n" or "\r\n".
func trimLineEnd(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// Close releases the reader's file. Closing twice is harmless.
func (r *CaseReader) Close() error {
	if r.f == nil {
		return nil
	}
	err := errors.Join(r.f.Close(), r.root.Close())
	r.f, r.root = nil, nil
	return err
}

// sumPrefix is the part of a case's hash an index keeps.
func sumPrefix(sum [sha256.Size]byte) (p [16]byte) {
	copy(p[:], sum[:])
	return p
}
