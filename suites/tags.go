package suites

import "slices"

// WithTags returns the suite narrowed to the cases that carry at least one
// of tags (an OR), with its Hash recomputed over those cases, so a run of
// a subset never passes for a run of the whole suite. With no tags it
// returns s itself. The result is a filter over s's cases: it shares them
// (and everything else) with s and keeps only the positions of those it
// asks. It reads every case once; an error is a case that could not be
// read (see All).
func (s *Suite) WithTags(tags []string) (*Suite, error) {
	if len(tags) == 0 {
		return s, nil
	}
	out := *s
	out.cases.sel, out.cases.filtered = nil, true
	h := newSuiteHasher(s)
	i := 0
	for c, err := range s.All() {
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(c.Tags, func(t string) bool { return slices.Contains(tags, t) }) {
			out.cases.sel = append(out.cases.sel, int32(s.cases.at(i)))
			h.add(c.Hash)
		}
		i++
	}
	out.Hash = h.sum()
	return &out, nil
}

// Tags returns every tag used by the suite's cases, with the number of
// cases carrying each. It reads every case once; an error is a case that
// could not be read (see All).
func (s *Suite) Tags() (map[string]int, error) {
	out := map[string]int{}
	for c, err := range s.All() {
		if err != nil {
			return nil, err
		}
		for _, t := range c.Tags {
			out[t]++
		}
	}
	return out, nil
}
