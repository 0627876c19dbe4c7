package suites

import (
	"iter"
	"testing"
)

// casesOf reads every case of s, failing the test on an error.
func casesOf(t testing.TB, s *Suite) []Case {
	t.Helper()
	var out []Case
	for c, err := range s.All() {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, *c)
	}
	return out
}

// tags is s.Tags, failing the test on an error.
func tags(t testing.TB, s *Suite) map[string]int {
	t.Helper()
	m, err := s.Tags()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// ptrs yields a pointer to each of cases, as a Preparer takes them.
func ptrs(cases []Case) iter.Seq[*Case] {
	return func(yield func(*Case) bool) {
		for i := range cases {
			if !yield(&cases[i]) {
				return
			}
		}
	}
}
