package importers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/llmbench/llmbench/suites"
)

// draft is an import before it is written: one or more suites, the files
// they need and the notes for the user.
type draft struct {
	suites []*suiteDraft
	// images to copy into the destination.
	images []imageCopy
	// files are other files to write (promptfoo's targets.yaml).
	files []extraFile
	notes []Note
	// rows read from the source.
	rows int
	// source names what was imported, for headers and notes.
	source string
	format string
}

func (d *draft) note(where, format string, args ...any) {
	d.notes = append(d.notes, Note{Where: where, Msg: fmt.Sprintf(format, args...)})
}

// suiteDraft is one suite file and its cases file.
type suiteDraft struct {
	File      string // relative to the destination: "suite.yaml"
	CasesFile string // relative to the destination: "cases.jsonl"
	// Header is written as comment lines at the top of the suite file.
	Header      []string
	Name        string
	Description string
	System      string
	Prompt      string
	// Messages, when set, is the conversation template asked instead of
	// Prompt (suite key messages:).
	Messages []suites.Turn
	Scorers  []suites.ScorerSpec
	Params   params
	Document string
	Judge    *suites.JudgeSpec
	// Cases may be shared with another suiteDraft using the same
	// CasesFile (promptfoo: one cases file, one suite per prompt).
	Cases []*draftCase
}

// params are the generation parameters an import sets.
type params struct {
	Temperature *float64
	MaxTokens   *int
}

func fptr(f float64) *float64 { return &f }
func iptr(i int) *int         { return &i }

// draftCase is one case as it will be written to the cases file.
type draftCase struct {
	ID string
	// Fields are the template fields, in the order written.
	Fields obj
	Refs   []string
	// Images are paths relative to the suite folder, data URLs or
	// http(s) URLs.
	Images []string
	// Scorers, when set, replace the suite's scorers for this case.
	Scorers []string
	// Pos is where the case came from, for problems found later.
	Pos Pos
}

// kv is one key of an ordered JSON object.
type kv struct {
	K string
	V any
}

// obj is a JSON object whose keys are written in order.
type obj []kv

func (o obj) get(k string) (any, bool) {
	for _, e := range o {
		if e.K == k {
			return e.V, true
		}
	}
	return nil, false
}

func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshalNoEscape(e.K)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		v, err := marshalNoEscape(e.V)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", e.K, err)
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// marshalNoEscape is json.Marshal without HTML escaping, so "<" and "&"
// in prompts stay readable in the cases file.
func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// object is the case as a JSON object: id, the fields, the reference(s),
// the images.
func (c *draftCase) object() obj {
	o := make(obj, 0, len(c.Fields)+3)
	o = append(o, kv{"id", c.ID})
	o = append(o, c.Fields...)
	switch len(c.Refs) {
	case 0:
	case 1:
		o = append(o, kv{"reference", c.Refs[0]})
	default:
		o = append(o, kv{"references", c.Refs})
	}
	if len(c.Scorers) > 0 {
		o = append(o, kv{"scorers", c.Scorers})
	}
	if len(c.Images) > 0 {
		o = append(o, kv{"images", c.Images})
	}
	return o
}

// suitesCase is the case as suites.Load would build it (fields decoded
// from JSON with json.Number), for the scorers' CheckCase.
func (c *draftCase) suitesCase() (suites.Case, error) {
	raw, err := marshalNoEscape(c.Fields)
	if err != nil {
		return suites.Case{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	fields := map[string]any{}
	if err := dec.Decode(&fields); err != nil {
		return suites.Case{}, err
	}
	return suites.Case{ID: c.ID, Fields: fields, References: c.Refs}, nil
}

// reservedFields are case keys with a meaning of their own; a source
// field of that name cannot be a template field.
var reservedFields = map[string]bool{"id": true, "reference": true, "references": true, "images": true, "tags": true, "scorers": true, "messages": true}

// fitScorers asks every scorer of every suite about every case it will
// score, as Load will. A case its primary scorer cannot score is a problem
// at the case's source position; a secondary suite scorer that cannot
// score some cases is left out of the suite, with a note (one odd row
// should not stop a 10,000-row import, and a scorer silently scoring 0
// would mislead). A scorer that needs the whole suite (CIDEr-D's document
// frequencies) and cannot be prepared is left out too, with a note. A
// case with scorers of its own must be scorable by all of them.
func (d *draft) fitScorers(p *problems) {
	for _, s := range d.suites {
		var cases []suites.Case // the cases the suite's scorers score
		var drafts []*draftCase
		for _, c := range s.Cases {
			sc, err := c.suitesCase()
			if err != nil {
				p.add(c.Pos, "case %s cannot be written as JSON: %v", c.ID, err)
				return
			}
			if len(c.Scorers) > 0 {
				for _, name := range c.Scorers {
					if err := checkOne(suites.ScorerSpec{Name: name}, &sc); err != nil {
						p.add(c.Pos, "case %s cannot be scored by %s: %v", c.ID, name, err)
					}
				}
				continue
			}
			cases = append(cases, sc)
			drafts = append(drafts, c)
		}
		if len(cases) == 0 {
			continue
		}
		var kept []suites.ScorerSpec
		for _, spec := range s.Scorers {
			sc, err := suites.NewScorer(spec)
			if err != nil {
				p.add(Pos{File: d.source}, "scorer %s: %v", spec, err)
				continue
			}
			primary := len(kept) == 0
			var bad []int
			var firstErr error
			if cc, ok := sc.(suites.CaseChecker); ok {
				for i := range cases {
					if err := cc.CheckCase(&cases[i]); err != nil {
						if firstErr == nil {
							firstErr = err
						}
						bad = append(bad, i)
						if primary {
							p.add(drafts[i].Pos, "case %s cannot be scored by %s, the suite's primary scorer: %v", drafts[i].ID, spec.Name, err)
						}
					}
				}
			}
			if len(bad) > 0 {
				if !primary {
					d.note(s.File, "scorer %s left out: %d of %d cases cannot be scored by it (first: %s: %v)", spec.Name, len(bad), len(cases), drafts[bad[0]].Pos, firstErr)
				}
				continue
			}
			if pr, ok := sc.(suites.Preparer); ok {
				all := func(yield func(*suites.Case) bool) {
					for i := range cases {
						if !yield(&cases[i]) {
							return
						}
					}
				}
				if _, err := pr.Prepare(all); err != nil {
					d.note(s.File, "scorer %s left out: %v", spec.Name, err)
					continue
				}
			}
			kept = append(kept, spec)
		}
		if len(kept) == 0 && !p.any() {
			p.add(Pos{File: d.source}, "no scorer of %s can score these cases (%s): check the reference fields", s.Name, specNames(s.Scorers))
		}
		s.Scorers = kept
	}
}

// checkOne asks one scorer about one case.
func checkOne(spec suites.ScorerSpec, c *suites.Case) error {
	sc, err := suites.NewScorer(spec)
	if err != nil {
		return err
	}
	if cc, ok := sc.(suites.CaseChecker); ok {
		return cc.CheckCase(c)
	}
	return nil
}

func specNames(specs []suites.ScorerSpec) string {
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.Name
	}
	return strings.Join(names, ", ")
}
