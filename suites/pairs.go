package suites

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
)

// Pair is an output produced elsewhere with its references, as `llmbench
// score` reads them: one JSON object per line,
// {"id": "...", "output": "...", "reference": "..."} or "references": [...].
type Pair struct {
	ID         string
	Output     string
	References []string
	// Line is the 1-based input line.
	Line int
}

// PairsError lists every bad input line; nothing is scored when there is one.
type PairsError struct {
	Problems []Problem
}

func (e *PairsError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d bad input lines, nothing scored:", len(e.Problems))
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "\n%s:%d: %s", p.File, p.Line, p.Msg)
	}
	return b.String()
}

// ReadPairs reads and validates every line before returning: either all
// pairs or a *PairsError naming every bad line. name labels the input in
// messages ("stdin", a file name). Blank lines are skipped.
func ReadPairs(r io.Reader, name string) ([]Pair, error) {
	var pairs []Pair
	var probs []Problem
	seen := map[string]int{}
	br := bufio.NewReaderSize(r, 1<<16)
	for line := 1; ; line++ {
		raw, err := readLine(br, maxCaseLine)
		if err != nil && err != io.EOF {
			if err == errLineTooLong {
				probs = append(probs, Problem{File: name, Line: line, Msg: fmt.Sprintf("line longer than %d bytes", maxCaseLine)})
				continue
			}
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		if t := bytes.TrimSpace(raw); len(t) > 0 {
			p, msg := parsePair(t)
			switch {
			case msg != "":
				probs = append(probs, Problem{File: name, Line: line, Msg: msg})
			case seen[p.ID] > 0:
				probs = append(probs, Problem{File: name, Line: line, Msg: fmt.Sprintf("id %q is also on line %d: ids must be unique", p.ID, seen[p.ID])})
			default:
				p.Line = line
				seen[p.ID] = line
				pairs = append(pairs, p)
			}
		}
		if err == io.EOF {
			break
		}
	}
	if len(probs) > 0 {
		return nil, &PairsError{Problems: probs}
	}
	return pairs, nil
}

func parsePair(line []byte) (Pair, string) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return Pair{}, "not a JSON object: " + err.Error()
	}
	if dec.More() {
		return Pair{}, "more than one JSON value on the line"
	}
	var p Pair
	switch id := m["id"].(type) {
	case string:
		p.ID = id
	case json.Number:
		p.ID = id.String()
	case nil:
		return p, `missing "id": give every line a unique id`
	default:
		return p, `"id" must be a string or a number`
	}
	out, ok := m["output"].(string)
	if !ok {
		return p, `missing or non-string "output"`
	}
	p.Output = out
	ref, hasRef := m["reference"]
	refs, hasRefs := m["references"]
	switch {
	case hasRef && hasRefs:
		return p, `give "reference" or "references", not both`
	case hasRef:
		s, ok := ref.(string)
		if !ok {
			return p, `"reference" must be a string`
		}
		p.References = []string{s}
	case hasRefs:
		list, ok := refs.([]any)
		if !ok || len(list) == 0 {
			return p, `"references" must be a non-empty list of strings`
		}
		for _, r := range list {
			s, ok := r.(string)
			if !ok {
				return p, `"references" must be a non-empty list of strings`
			}
			p.References = append(p.References, s)
		}
	default:
		return p, `missing "reference" (or "references")`
	}
	for k := range m {
		switch k {
		case "id", "output", "reference", "references":
		default:
			return p, fmt.Sprintf("unknown key %q: lines take id, output, reference or references", k)
		}
	}
	return p, ""
}

// PairScore is one pair's scores, as `llmbench score` prints them.
type PairScore struct {
	ID     string             `json:"id"`
	Scores map[string]float64 `json:"scores"`
	// Extracted holds what extracting scorers read from the output.
	Extracted map[string]string `json:"extracted,omitempty"`
}

// ScorePairs scores every pair with every scorer (built once, prepared
// with all pairs' references for corpus-aware scorers such as CIDEr-D).
// A NaN score is an error: JSON cannot carry it and it would be a lie.
func ScorePairs(pairs []Pair, specs []ScorerSpec) ([]PairScore, error) {
	cases := make([]Case, len(pairs))
	for i, p := range pairs {
		cases[i] = Case{ID: p.ID, References: p.References, Line: p.Line, Fields: map[string]any{}}
	}
	s := &Suite{Name: "pairs", ScorerSpecs: specs}
	for _, sp := range specs {
		s.Scorers = append(s.Scorers, sp.Name)
	}
	s.setCases(cases)
	list, err := s.BuildScorers()
	if err != nil {
		return nil, err
	}
	for j, sc := range list {
		if IsDeferred(sc) {
			return nil, fmt.Errorf("scorer %s needs a judge model: it scores during a run (judge: in the config), not from pairs", specs[j].Name)
		}
	}
	out := make([]PairScore, len(pairs))
	for i := range pairs {
		ps := PairScore{ID: pairs[i].ID, Scores: map[string]float64{}}
		for j, sc := range list {
			got := sc.Score(pairs[i].Output, &cases[i])
			if math.IsNaN(got.Value) || math.IsInf(got.Value, 0) {
				return nil, fmt.Errorf("line %d: %s gave %v", pairs[i].Line, specs[j].Name, got.Value)
			}
			ps.Scores[specs[j].Name] = got.Value
			if got.Extracted != "" {
				if ps.Extracted == nil {
					ps.Extracted = map[string]string{}
				}
				ps.Extracted[specs[j].Name] = got.Extracted
			}
		}
		out[i] = ps
	}
	return out, nil
}

// CorpusScorer is implemented by scorers whose corpus-level figure is not
// the mean of per-item scores: BLEU and chrF sum their statistics over the
// corpus before combining them, as sacreBLEU's corpus_bleu/corpus_chrf do.
type CorpusScorer interface {
	ScoreCorpus(outputs []string, cases []Case) (float64, error)
}

// CorpusScores gives one figure per scorer over all pairs: the scorer's
// own corpus statistic where it has one (CorpusScorer), else the mean of
// the per-pair scores.
func CorpusScores(pairs []Pair, specs []ScorerSpec) (map[string]float64, error) {
	per, err := ScorePairs(pairs, specs)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	cases := make([]Case, len(pairs))
	outputs := make([]string, len(pairs))
	for i, p := range pairs {
		cases[i] = Case{ID: p.ID, References: p.References, Line: p.Line, Fields: map[string]any{}}
		outputs[i] = p.Output
	}
	for _, spec := range specs {
		sc, err := NewScorer(spec)
		if err != nil {
			return nil, err
		}
		if cs, ok := sc.(CorpusScorer); ok {
			v, err := cs.ScoreCorpus(outputs, cases)
			if err != nil {
				return nil, fmt.Errorf("corpus %s: %w", spec.Name, err)
			}
			out[spec.Name] = v
			continue
		}
		if len(per) == 0 {
			continue
		}
		sum := 0.0
		for _, p := range per {
			sum += p.Scores[spec.Name]
		}
		out[spec.Name] = sum / float64(len(per))
	}
	return out, nil
}
