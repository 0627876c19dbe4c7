package suites

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad writes a fuzzed suite file and cases file into a fresh folder
// and loads them. Load must never panic, must return exactly one of a
// suite or an error, must place every problem in a file, and a suite it
// returns must be complete: unique ids, every case renders, stable hashes.
func FuzzLoad(f *testing.F) {
	f.Add("name: t\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases: c.jsonl\n", `{"id": "a", "q": "x", "reference": "y"}`+"\n")
	f.Add("name: t\nprompt: \"{{.q}}\"\nscorers: [numeric, keywords]\ncases: c.jsonl\n", `{"id": 1, "q": "x", "reference": "42", "keywords": ["a|b"]}`)
	f.Add("name: t\nprompt: |\n  {{if .q}}{{.q}}{{end}}\nscorers: [rougeL]\ncases:\n  - {id: a, q: x, reference: y}\n", "")
	f.Add("name: [\n", "{")
	f.Add("name: t\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases: c.jsonl\n", `{"id": "a", "q": "x", "reference": "y", "images": ["../x.png", "data:image/png;base64,iVBORw0KGgo="]}`)
	f.Add("name: t\nsystem: s\nexamples: [{user: a, assistant: b}]\nmessages: [{role: user, content: \"{{numbered .xs}}\"}]\nscorers: [exact, keywords]\nprimary: keywords\ncases: c.jsonl\n",
		`{"id": "a", "xs": ["p", "q"], "reference": "y", "keywords": ["p"], "tags": ["t"], "scorers": ["numeric"]}`+"\n"+
			`{"id": "b", "xs": [], "reference": "1", "keywords": ["p"], "messages": [{"role": "user", "content": "{{letters .xs}}"}], "images": ["https://example.org/x.png"]}`)
	f.Fuzz(func(t *testing.T, suiteYAML, casesJSONL string) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "suite.yaml"), []byte(suiteYAML), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "c.jsonl"), []byte(casesJSONL), 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Load(filepath.Join(dir, "suite.yaml"))
		if (s == nil) == (err == nil) {
			t.Fatalf("Load returned suite %v and error %v", s != nil, err)
		}
		if err != nil {
			var le *LoadError
			if !errors.As(err, &le) || len(le.Problems) == 0 {
				t.Fatalf("error %v (%T) is not a *LoadError with problems", err, err)
			}
			for _, p := range le.Problems {
				if p.File == "" || p.Msg == "" || p.Line < 0 {
					t.Fatalf("problem without a place or message: %+v", p)
				}
			}
			return
		}
		if s.Len() == 0 || len(s.Scorers) == 0 || len(s.Hash) != 64 {
			t.Fatalf("incomplete suite: %d cases, scorers %v, hash %q", s.Len(), s.Scorers, s.Hash)
		}
		seen := map[string]bool{}
		for c := range ptrs(casesOf(t, s)) {
			if seen[c.ID] || c.ID == "" {
				t.Fatalf("case id %q empty or repeated", c.ID)
			}
			if s.Prompt == nil && len(s.Turns) == 0 && len(c.Turns) == 0 {
				t.Fatalf("case %q has nothing to ask it with: no prompt:, no messages:, no messages of its own", c.ID)
			}
			seen[c.ID] = true
			if _, err := s.Render(c); err != nil {
				t.Fatalf("loaded case %q does not render: %v", c.ID, err)
			}
			if _, err := s.Score("some output 42", c); err != nil {
				t.Fatal(err)
			}
		}
		again, err := Load(filepath.Join(dir, "suite.yaml"))
		if err != nil || again.Hash != s.Hash {
			t.Fatalf("second load: %v, hash %v vs %s", err, again, s.Hash)
		}
	})
}

// FuzzLoadCSV loads a fuzzed CSV (or TSV) cases file under a fixed suite.
// Load must never panic and must return a suite or a *LoadError whose
// problems name the cases file (or the suite file) with a line; a suite it
// returns has unique ids, cases after the header row, prompts that render,
// and a hash that a second load reproduces.
func FuzzLoadCSV(f *testing.F) {
	f.Add("id,q,reference\n1,hello,hi\n", false)
	f.Add("\ufeffid,q,references,tags\r\n1,\"a, \"\"b\"\"\nc\",x|y,t1|t2\r\n2,b,,\r\n", false)
	f.Add("id,q,reference,reference2,images\n1,x,y,z,../../etc/passwd\n2,x\n3,\"open\n", false)
	f.Add("id\tq\treference\n1\thello\thi\n2\t\"quoted\"\tz\n3\tshort\n", true)
	f.Add("q,reference\nx,y\n", false)
	f.Add("id,id,,messages\n", true)
	f.Fuzz(func(t *testing.T, text string, tsv bool) {
		name := "c.csv"
		if tsv {
			name = "c.tsv"
		}
		dir := t.TempDir()
		suite := "name: t\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases: " + name + "\n"
		if err := os.WriteFile(filepath.Join(dir, "suite.yaml"), []byte(suite), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Load(filepath.Join(dir, "suite.yaml"))
		if (s == nil) == (err == nil) {
			t.Fatalf("Load returned suite %v and error %v", s != nil, err)
		}
		if err != nil {
			var le *LoadError
			if !errors.As(err, &le) || len(le.Problems) == 0 {
				t.Fatalf("error %v (%T) is not a *LoadError with problems", err, err)
			}
			for _, p := range le.Problems {
				base := filepath.Base(p.File)
				if (base != name && base != "suite.yaml") || p.Line < 1 || p.Msg == "" {
					t.Fatalf("problem without a file, line or message: %+v", p)
				}
			}
			return
		}
		seen := map[string]bool{}
		for c := range ptrs(casesOf(t, s)) {
			if seen[c.ID] || strings.TrimSpace(c.ID) == "" || c.Line < 2 {
				t.Fatalf("case %q: empty or repeated id, or line %d not after the header", c.ID, c.Line)
			}
			seen[c.ID] = true
			if _, err := s.Messages(c); err != nil {
				t.Fatalf("loaded case %q does not render: %v", c.ID, err)
			}
		}
		again, err := Load(filepath.Join(dir, "suite.yaml"))
		if err != nil || again.Hash != s.Hash {
			t.Fatalf("second load: %v, hash %v vs %s", err, again, s.Hash)
		}
	})
}
