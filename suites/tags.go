package suites

import "slices"

// WithTags returns the suite narrowed to the cases that carry at least one
// of tags (an OR), with its Hash recomputed over those cases, so a run of
// a subset never passes for a run of the whole suite. With no tags it
// returns s itself. The result shares everything but its case list with s.
// It reads every case once; an error is a case that could not be read.
func (s *Suite) WithTags(tags []string) (*Suite, error) {
	if len(tags) == 0 {
		return s, nil
	}
	out := *s
	out.Cases = nil
	for c, err := range s.All() {
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(c.Tags, func(t string) bool { return slices.Contains(tags, t) }) {
			out.Cases = append(out.Cases, *c)
		}
	}
	out.Hash = suiteHash(&out)
	return &out, nil
}

// Tags returns every tag used by the suite's cases, with the number of
// cases carrying each. It reads every case once; an error is a case that
// could not be read.
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
