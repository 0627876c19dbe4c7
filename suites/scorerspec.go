package suites

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// ScorerSpec is a scorer as a suite names it: a registry name plus options.
// In a suite file an entry of scorers: is either a name or a mapping:
//
//	scorers: [rougeL, {name: bleu, tokenizer: zh}, {name: rouge1, stem: true}]
type ScorerSpec struct {
	Name string
	ScorerOptions
}

// ScorerOptions are the options a configurable scorer takes.
type ScorerOptions struct {
	// Tokenizer names a tokenizer the scorer knows ("" lets the scorer pick
	// from the references: zh-char/zh for Chinese, its reference default
	// otherwise).
	Tokenizer string
	// Stem turns on Porter stemming (ROUGE).
	Stem bool
}

// IsZero reports whether no option is set.
func (o ScorerOptions) IsZero() bool { return o == ScorerOptions{} }

// String is the spec's canonical text: the name alone when no option is
// set (so suite hashes of plain names never change), else name?options.
func (s ScorerSpec) String() string {
	if s.IsZero() {
		return s.Name
	}
	var opts []string
	if s.Tokenizer != "" {
		opts = append(opts, "tokenizer="+s.Tokenizer)
	}
	if s.Stem {
		opts = append(opts, "stem=true")
	}
	return s.Name + "?" + strings.Join(opts, "&")
}

// ScorerFactory builds a scorer with options. It returns an error naming
// what is wrong with an option (an unknown tokenizer, say).
type ScorerFactory func(opts ScorerOptions) (Scorer, error)

var (
	factoryMu sync.RWMutex
	factories = map[string]ScorerFactory{}
)

// RegisterScorerFactory lets the scorer registered under name take options.
// It panics on a duplicate: registration happens in init functions.
func RegisterScorerFactory(name string, f ScorerFactory) {
	factoryMu.Lock()
	defer factoryMu.Unlock()
	if _, dup := factories[name]; dup {
		panic("suites: duplicate scorer factory " + name)
	}
	factories[name] = f
}

// configurable lists the scorers that take options, for messages.
func configurable() []string {
	factoryMu.RLock()
	defer factoryMu.RUnlock()
	out := make([]string, 0, len(factories))
	for n := range factories {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// NewScorer returns the scorer a spec names, configured with its options.
func NewScorer(spec ScorerSpec) (Scorer, error) {
	if spec.IsZero() {
		return LookupScorer(spec.Name)
	}
	factoryMu.RLock()
	f, ok := factories[spec.Name]
	factoryMu.RUnlock()
	if !ok {
		if _, err := LookupScorer(spec.Name); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("scorer %q takes no options (scorers with options: %s)", spec.Name, strings.Join(configurable(), ", "))
	}
	return f(spec.ScorerOptions)
}

// Specs returns the suite's scorer specs: ScorerSpecs when the loader
// filled them, else the plain names.
func (s *Suite) Specs() []ScorerSpec {
	if len(s.ScorerSpecs) == len(s.Scorers) && len(s.ScorerSpecs) > 0 {
		return s.ScorerSpecs
	}
	out := make([]ScorerSpec, len(s.Scorers))
	for i, n := range s.Scorers {
		out[i] = ScorerSpec{Name: n}
	}
	return out
}

// BuildScorers returns the suite's scorers, configured and prepared, in
// order (the first is primary): BuildScorerSet's suite list. A suite whose
// cases name scorers of their own needs the set (ScorerSet.For).
func (s *Suite) BuildScorers() ([]Scorer, error) {
	set, err := s.BuildScorerSet()
	if err != nil {
		return nil, err
	}
	return set.Suite(), nil
}
