package suites

import (
	"fmt"
	"slices"
)

// ScorerSet is a suite's scorers as built for a run: the suite's list and,
// for every case with its own scorers, that case's list. Each distinct
// scorer (name and options) is built once and prepared (Preparer) with
// the cases it scores, so corpus statistics such as CIDEr-D's come from
// exactly those cases. Safe for concurrent use once built.
type ScorerSet struct {
	suite []Scorer
	cases map[string][]Scorer // by case ID, for cases with their own scorers
}

// BuildScorerSet builds and prepares every scorer the suite's cases use.
func (s *Suite) BuildScorerSet() (*ScorerSet, error) {
	suiteSpecs := s.Specs()
	// Which cases each distinct spec scores, in case order, as indexes:
	// only a Preparer needs the cases themselves, and copying every Case
	// per scorer cost a 100,000-case run about 20 MiB at its start.
	scored := map[string][]int{}
	specOf := map[string]ScorerSpec{}
	var order []string
	for i := range s.Cases {
		specs := suiteSpecs
		if len(s.Cases[i].Scorers) > 0 {
			specs = s.Cases[i].Scorers
		}
		for _, spec := range specs {
			key := spec.String()
			if _, ok := specOf[key]; !ok {
				specOf[key] = spec
				order = append(order, key)
			}
			scored[key] = append(scored[key], i)
		}
	}
	for _, spec := range suiteSpecs { // a suite with no case left (a tag filter) still builds its list
		if key := spec.String(); !slices.Contains(order, key) {
			specOf[key] = spec
			order = append(order, key)
		}
	}
	built := map[string]Scorer{}
	for _, key := range order {
		spec := specOf[key]
		sc, err := NewScorer(spec)
		if err != nil {
			return nil, fmt.Errorf("suite %s: %w", s.Name, err)
		}
		if p, ok := sc.(Preparer); ok {
			cases := make([]Case, len(scored[key]))
			for j, i := range scored[key] {
				cases[j] = s.Cases[i]
			}
			if sc, err = p.Prepare(cases); err != nil {
				return nil, fmt.Errorf("suite %s: scorer %s: %w", s.Name, spec.Name, err)
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
	for i := range s.Cases {
		if c := &s.Cases[i]; len(c.Scorers) > 0 {
			set.cases[c.ID] = list(c.Scorers)
		}
	}
	return set, nil
}

// Suite is the suite's own list, in order (the first is primary).
func (set *ScorerSet) Suite() []Scorer { return set.suite }

// For returns the scorers of c, in order: the case's own when it has them,
// else the suite's. The first gives c's primary score.
func (set *ScorerSet) For(c *Case) []Scorer {
	if list, ok := set.cases[c.ID]; ok {
		return list
	}
	return set.suite
}

// Filter returns the set with only the scorers keep accepts, in order (the
// runner drops the deferred judge this way).
func (set *ScorerSet) Filter(keep func(Scorer) bool) *ScorerSet {
	out := &ScorerSet{suite: slices.DeleteFunc(slices.Clone(set.suite), func(sc Scorer) bool { return !keep(sc) }), cases: map[string][]Scorer{}}
	for id, list := range set.cases {
		out.cases[id] = slices.DeleteFunc(slices.Clone(list), func(sc Scorer) bool { return !keep(sc) })
	}
	return out
}
