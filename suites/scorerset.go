package suites

import (
	"fmt"
	"slices"
)

// ScorerSet is a suite's scorers as built for a run: the suite's list and
// every distinct list that cases give themselves. Each distinct scorer
// (name and options) is built once and prepared (Preparer) with the cases
// it scores, so corpus statistics such as CIDEr-D's come from exactly
// those cases. Safe for concurrent use once built.
type ScorerSet struct {
	suite []Scorer
	cases map[string][]Scorer // by specKey of a case's own scorers
}

// BuildScorerSet builds and prepares every scorer the suite's cases use.
// It reads the cases only for a Preparer, once per such scorer, streaming
// them to it; an error is a scorer that cannot be built or prepared, or a
// case that cannot be read (see All).
func (s *Suite) BuildScorerSet() (*ScorerSet, error) {
	suiteSpecs := s.Specs()
	specOf := map[string]ScorerSpec{}
	var order []string
	add := func(specs []ScorerSpec) {
		for _, spec := range specs {
			if key := spec.String(); !slices.Contains(order, key) {
				specOf[key] = spec
				order = append(order, key)
			}
		}
	}
	add(suiteSpecs) // built even when no case is left (a tag filter) or every case has its own
	for _, list := range s.cases.specLists {
		add(list)
	}
	built := map[string]Scorer{}
	for _, key := range order {
		spec := specOf[key]
		sc, err := NewScorer(spec)
		if err != nil {
			return nil, fmt.Errorf("suite %s: %w", s.Name, err)
		}
		if p, ok := sc.(Preparer); ok {
			if sc, err = s.prepare(p, key, slices.ContainsFunc(suiteSpecs, func(sp ScorerSpec) bool { return sp.String() == key })); err != nil {
				return nil, fmt.Errorf("suite %s: scorer %s: %w", s.Name, spec.Name, err)
			}
			if sc == nil { // scores none of these cases (a tag filter left none of those naming it)
				continue
			}
		}
		built[key] = sc
	}
	list := func(specs []ScorerSpec) []Scorer {
		out := make([]Scorer, len(specs))
		for i, spec := range specs {
			out[i] = built[spec.String()]
		}
		return out
	}
	set := &ScorerSet{suite: list(suiteSpecs), cases: map[string][]Scorer{}}
	for _, specs := range s.cases.specLists {
		if !slices.ContainsFunc(specs, func(sp ScorerSpec) bool { return built[sp.String()] == nil }) {
			set.cases[specKey(specs)] = list(specs)
		}
	}
	return set, nil
}

// prepare prepares p with the cases the scorer keyed key scores: those
// listing it, and, when the suite lists it (ofSuite), those with no
// scorers of their own. It returns nil, nil for a scorer only cases list
// when none of the suite's cases does.
func (s *Suite) prepare(p Preparer, key string, ofSuite bool) (Scorer, error) {
	scores := func(c *Case) bool {
		if len(c.Scorers) == 0 {
			return ofSuite
		}
		return slices.ContainsFunc(c.Scorers, func(sp ScorerSpec) bool { return sp.String() == key })
	}
	var readErr error
	n := 0
	sc, err := p.Prepare(func(yield func(*Case) bool) {
		for c, err := range s.All() {
			if err != nil {
				readErr = err
				return
			}
			if scores(c) {
				n++
				if !yield(c) {
					return
				}
			}
		}
	})
	if readErr != nil {
		return nil, readErr
	}
	if n == 0 && !ofSuite {
		return nil, nil
	}
	return sc, err
}

// Suite is the suite's own list, in order (the first is primary).
func (set *ScorerSet) Suite() []Scorer { return set.suite }

// For returns the scorers of c, in order: the case's own when it has them,
// else the suite's. The first gives c's primary score.
func (set *ScorerSet) For(c *Case) []Scorer {
	if len(c.Scorers) > 0 {
		if list, ok := set.cases[specKey(c.Scorers)]; ok {
			return list
		}
	}
	return set.suite
}

// Filter returns the set with only the scorers keep accepts, in order (the
// runner drops the deferred judge this way).
func (set *ScorerSet) Filter(keep func(Scorer) bool) *ScorerSet {
	out := &ScorerSet{suite: slices.DeleteFunc(slices.Clone(set.suite), func(sc Scorer) bool { return !keep(sc) }), cases: map[string][]Scorer{}}
	for key, list := range set.cases {
		out.cases[key] = slices.DeleteFunc(slices.Clone(list), func(sc Scorer) bool { return !keep(sc) })
	}
	return out
}
