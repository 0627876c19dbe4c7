package suites

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// CaseChecker is implemented by scorers that need something of every case
// they score: a reference that is a number, a list of keywords. Load calls
// CheckCase for every case of a suite that uses the scorer and reports a
// non-nil error as a problem at the case's line, so a suite that could
// never score a case right is refused before any call is made.
// CheckCase must be safe for concurrent use.
type CaseChecker interface {
	CheckCase(c *Case) error
}

var (
	scorerMu sync.RWMutex
	scorers  = map[string]Scorer{}
)

func init() {
	RegisterScorer(exactScorer{})
	RegisterScorer(numericScorer{})
	RegisterScorer(keywordsScorer{})
}

// RegisterScorer adds s under s.Name(). It panics on an empty or duplicate
// name: registration happens in init functions and a clash is a
// programming error.
func RegisterScorer(s Scorer) {
	name := s.Name()
	scorerMu.Lock()
	defer scorerMu.Unlock()
	if name == "" {
		panic("suites: scorer with an empty name")
	}
	if _, dup := scorers[name]; dup {
		panic("suites: duplicate registration of scorer " + name)
	}
	scorers[name] = s
}

// LookupScorer returns the scorer registered under name.
func LookupScorer(name string) (Scorer, error) {
	scorerMu.RLock()
	s, ok := scorers[name]
	scorerMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown scorer %q (known: %s)", name, strings.Join(ScorerNames(), ", "))
	}
	return s, nil
}

// ScorerNames returns the registered scorer names, sorted.
func ScorerNames() []string {
	scorerMu.RLock()
	defer scorerMu.RUnlock()
	out := make([]string, 0, len(scorers))
	for n := range scorers {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// ScorerList returns the suite's scorers in order (the first is primary).
// Load has checked every name, so an error here means the registry changed
// since.
func (s *Suite) ScorerList() ([]Scorer, error) {
	out := make([]Scorer, 0, len(s.Scorers))
	for _, n := range s.Scorers {
		sc, err := LookupScorer(n)
		if err != nil {
			return nil, fmt.Errorf("suite %s: %w", s.Name, err)
		}
		out = append(out, sc)
	}
	return out, nil
}

// Score runs every scorer of c on output, in order: the case's own
// scorers when it has them, else the suite's. The scorers are built for
// this call and not prepared (see BuildScorerSet for a run).
func (s *Suite) Score(output string, c *Case) ([]Score, error) {
	specs := s.Specs()
	if len(c.Scorers) > 0 {
		specs = c.Scorers
	}
	out := make([]Score, len(specs))
	for i, spec := range specs {
		sc, err := NewScorer(spec)
		if err != nil {
			return nil, fmt.Errorf("suite %s: %w", s.Name, err)
		}
		out[i] = sc.Score(output, c)
	}
	return out, nil
}
