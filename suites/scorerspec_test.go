package suites

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// optScorer is a test scorer that takes options.
type optScorer struct{ opts ScorerOptions }

func (o optScorer) Name() string { return "test-opt" }
func (o optScorer) Score(output string, c *Case) Score {
	return Score{Scorer: "test-opt", Value: 1, Tokenizer: o.opts.Tokenizer, Version: "1"}
}

// registerOptScorer adds test-opt for one test and removes it after, so
// other tests see the real registry.
func registerOptScorer(t *testing.T) {
	RegisterScorer(optScorer{})
	RegisterScorerFactory("test-opt", func(o ScorerOptions) (Scorer, error) {
		if o.Tokenizer != "" && o.Tokenizer != "ok" {
			return nil, errors.New("unknown tokenizer " + o.Tokenizer)
		}
		return optScorer{o}, nil
	})
	t.Cleanup(func() {
		scorerMu.Lock()
		delete(scorers, "test-opt")
		scorerMu.Unlock()
		factoryMu.Lock()
		delete(factories, "test-opt")
		factoryMu.Unlock()
	})
}

func writeSpecSuite(t *testing.T, yml string) string {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "suite.yaml")
	if err := os.WriteFile(p, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestScorerSpecs(t *testing.T) {
	registerOptScorer(t)
	base := "name: s\nprompt: \"{{.q}}\"\ncases:\n  - {id: a, q: hi, reference: hi}\n"
	p := writeSpecSuite(t, base+"scorers: [exact, {name: test-opt, tokenizer: ok, stem: true}]\n")
	s, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	want := []ScorerSpec{{Name: "exact"}, {Name: "test-opt", ScorerOptions: ScorerOptions{Tokenizer: "ok", Stem: true}}}
	if diff := cmp.Diff(want, s.Specs()); diff != "" {
		t.Errorf("specs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"exact", "test-opt"}, s.Scorers); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	list, err := s.BuildScorers()
	if err != nil {
		t.Fatal(err)
	}
	if got := list[1].Score("x", &casesOf(t, s)[0]).Tokenizer; got != "ok" {
		t.Errorf("configured scorer got tokenizer %q", got)
	}
	if want[1].String() != "test-opt?tokenizer=ok&stem=true" || want[0].String() != "exact" {
		t.Errorf("String: %q %q", want[0], want[1])
	}

	// Options change the suite hash; a plain name keeps the old one.
	plain, err := Load(writeSpecSuite(t, base+"scorers: [exact, test-opt]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if plain.Hash == s.Hash {
		t.Error("scorer options do not change the suite hash")
	}

	bad := []struct{ scorers, want string }{
		{"[{name: exact, tokenizer: zh}]", `scorer "exact" takes no options`},
		{"[{name: test-opt, tokenizer: nope}]", "unknown tokenizer nope"},
		{"[{tokenizer: ok}]", "needs name:"},
		{"[{name: test-opt, colour: red}]", `unknown scorer option "colour"`},
		{"[{name: test-opt, stem: maybe}]", "stem must be true or false"},
	}
	for _, b := range bad {
		t.Run(b.scorers, func(t *testing.T) {
			_, err := Load(writeSpecSuite(t, base+"scorers: "+b.scorers+"\n"))
			if err == nil || !strings.Contains(err.Error(), b.want) || !strings.Contains(err.Error(), "suite.yaml:5:") {
				t.Errorf("err = %v, want %q at suite.yaml:5", err, b.want)
			}
		})
	}
}

func TestDocumentField(t *testing.T) {
	base := "name: s\nprompt: \"{{.q}}\"\nscorers: [exact]\ndocument: article\ncases:\n"
	s, err := Load(writeSpecSuite(t, base+"  - {id: a, q: hi, article: 'First. Second.', reference: x}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Document(&casesOf(t, s)[0]); got != "First. Second." {
		t.Errorf("Document = %q", got)
	}
	_, err = Load(writeSpecSuite(t, base+"  - {id: a, q: hi, article: 'x', reference: x}\n  - {id: b, q: hi, reference: x}\n"))
	if err == nil || !strings.Contains(err.Error(), `case "b" has no text in field "article"`) {
		t.Errorf("missing document: %v", err)
	}
}

// TestLoadCRLFLines: a suite saved with Windows line ends reports problems
// on the line they are on (the YAML parser alone counts CRLF after a
// comment twice).
func TestLoadCRLFLines(t *testing.T) {
	src := "name: s\r\n# comment\r\nprompt: \"{{.q}}\"\r\n# another\r\nscorers: [exact]\r\n# more\r\nbogus: 1\r\ncases:\r\n  - {id: a, q: hi, reference: hi}\r\n"
	_, err := Load(writeSpecSuite(t, src))
	if err == nil || !strings.Contains(err.Error(), `suite.yaml:7: unknown key "bogus"`) {
		t.Errorf("err = %v, want the unknown key on line 7", err)
	}
}
