package suites

import "strings"

// exactScorer: the output matches a reference after trimming, collapsing
// every run of white space to one space and lower-casing (Unicode simple
// case folding as strings.ToLower does it). Binary.
type exactScorer struct{}

const exactVersion = "1"

func (exactScorer) Name() string { return "exact" }

func (exactScorer) Score(output string, c *Case) Score {
	s := Score{Scorer: "exact", Binary: true, Version: exactVersion}
	out := normaliseExact(output)
	for _, ref := range c.References {
		if normaliseExact(ref) == out {
			s.Value = 1
			break
		}
	}
	return s
}

func (exactScorer) CheckCase(c *Case) error { return needReference(c) }

func normaliseExact(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

func needReference(c *Case) error {
	if len(c.References) == 0 {
		return errNoReference
	}
	return nil
}
