package suites

import "slices"

// WithTags returns the suite narrowed to the cases that carry at least one
// of tags (an OR), with its Hash recomputed over those cases, so a run of
// a subset never passes for a run of the whole suite. With no tags it
// returns s itself. The result shares everything but its case list with s.
func (s *Suite) WithTags(tags []string) *Suite {
	if len(tags) == 0 {
		return s
	}
	out := *s
	out.Cases = nil
	for i := range s.Cases {
		if slices.ContainsFunc(s.Cases[i].Tags, func(t string) bool { return slices.Contains(tags, t) }) {
			out.Cases = append(out.Cases, s.Cases[i])
		}
	}
	out.Hash = suiteHash(&out)
	return &out
}

// Tags returns every tag used by the suite's cases, sorted, with the
// number of cases carrying each.
func (s *Suite) Tags() map[string]int {
	out := map[string]int{}
	for i := range s.Cases {
		for _, t := range s.Cases[i].Tags {
			out[t]++
		}
	}
	return out
}
