package suites

import (
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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

// TestCasesFileIsIndexedNotHeld: a loaded suite keeps an index of its
// cases file, not the cases: what it holds does not grow with the cases'
// text, and each case is decoded from the file when it is read.
func TestCasesFileIsIndexedNotHeld(t *testing.T) {
	const n, fieldBytes = 2000, 8 << 10
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"id": "c%d", "q": "%s", "reference": "%d"}`+"\n", i, strings.Repeat(string(rune('a'+i%26)), fieldBytes), i)
	}
	path := writeSuite(t, map[string]string{
		"suite.yaml":  "name: big\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases: cases.jsonl\n",
		"cases.jsonl": b.String(),
	})
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := heap()
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	held := int64(heap()) - int64(before)
	runtime.KeepAlive(s)
	// The index is tens of bytes a case; the cases' text is n × 8 KiB.
	if limit := int64(n * fieldBytes / 50); held > limit {
		t.Errorf("a loaded suite of %d cases of %d bytes holds %d bytes of heap, want under %d", n, fieldBytes, held, limit)
	}
	if s.Len() != n || s.ID(n-1) != fmt.Sprintf("c%d", n-1) {
		t.Fatalf("Len %d, last id %q", s.Len(), s.ID(n-1))
	}
	i := 0
	for c, err := range s.All() {
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Repeat(string(rune('a'+i%26)), fieldBytes)
		if c.ID != s.ID(i) || c.Fields["q"] != want || c.Line != i+1 || len(c.Hash) != 64 {
			t.Fatalf("case %d read as id %q, line %d, hash %q", i, c.ID, c.Line, c.Hash)
		}
		i++
	}
	if i != n {
		t.Errorf("All yielded %d cases, want %d", i, n)
	}
}

// TestCasesFileChangedAfterLoad: a case read after its file changed is an
// error naming the file and line (ErrChanged), never a different case;
// a change that leaves the loaded cases as they were is not.
func TestCasesFileChangedAfterLoad(t *testing.T) {
	cases := `{"id": "a", "q": "one", "reference": "1"}
{"id": "b", "q": "two", "reference": "2"}
{"id": "c", "q": "three", "reference": "3", "images": ["p.png"]}
`
	tests := []struct {
		name   string
		change func(t *testing.T, dir string)
		// read is how many cases are read before the error; want is the
		// error's start ("" for none).
		read int
		want string
	}{
		{"unchanged", func(*testing.T, string) {}, 3, ""},
		{"rewritten as it was", func(t *testing.T, dir string) { write(t, dir, "c.jsonl", cases) }, 3, ""},
		{"a case appended", func(t *testing.T, dir string) {
			write(t, dir, "c.jsonl", cases+`{"id": "d", "q": "four", "reference": "4"}`+"\n")
		}, 3, ""},
		{"a reference edited in place", func(t *testing.T, dir string) {
			write(t, dir, "c.jsonl", strings.Replace(cases, `"reference": "2"`, `"reference": "9"`, 1))
		}, 1, `c.jsonl:2: case "b" changed since the suite was loaded`},
		{"a line inserted above", func(t *testing.T, dir string) {
			write(t, dir, "c.jsonl", `{"id": "z", "q": "zero", "reference": "0"}`+"\n"+cases)
		}, 0, `c.jsonl:1: case "a" changed since the suite was loaded`},
		{"the file cut short", func(t *testing.T, dir string) {
			write(t, dir, "c.jsonl", cases[:strings.Index(cases, "\n")+5])
		}, 1, `c.jsonl:2: case "b" changed since the suite was loaded: the file is shorter`},
		{"an image replaced", func(t *testing.T, dir string) {
			write(t, dir, "p.png", string(pngBytes(t, 3, 3)))
		}, 2, `c.jsonl:3: case "c" changed since the suite was loaded`},
		{"an image removed", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "p.png")); err != nil {
				t.Fatal(err)
			}
		}, 2, `c.jsonl:3: case "c" changed since the suite was loaded: image p.png not found`},
		{"the file removed", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "c.jsonl")); err != nil {
				t.Fatal(err)
			}
		}, 0, `c.jsonl: changed since the suite was loaded`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeSuite(t, map[string]string{
				"suite.yaml": "name: t\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases: c.jsonl\n",
				"c.jsonl":    cases,
				"p.png":      string(pngBytes(t, 2, 2)),
			})
			s, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Dir(path)
			tt.change(t, dir)
			read := 0
			var got error
			for _, err := range s.All() {
				if err != nil {
					got = err
					break
				}
				read++
			}
			if read != tt.read {
				t.Errorf("%d cases read before the error, want %d", read, tt.read)
			}
			if tt.want == "" {
				if got != nil {
					t.Errorf("error %v, want none", got)
				}
				return
			}
			if !errors.Is(got, ErrChanged) || !strings.HasPrefix(got.Error(), filepath.Join(dir, tt.want)) {
				t.Errorf("error %v, want one wrapping ErrChanged starting %q", got, filepath.Join(dir, tt.want))
			}
		})
	}
}

// write writes content to the file name in dir.
func write(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCaseRecordsReadBack: every record is read back from where it
// starts, in any order: CSV records with quoted line breaks (a quoted
// CRLF reads as "\n", as encoding/csv has it), blank lines between records
// and no final line break, CRLF line ends and byte order marks, in CSV,
// TSV and JSONL.
func TestCaseRecordsReadBack(t *testing.T) {
	type want struct {
		id, q string
		line  int
	}
	tests := []struct {
		name, file, text string
		want             []want
	}{
		{"CSV", "c.csv",
			"\ufeffid,q,reference\r\n" +
				"a,\"first\r\nsecond, \"\"quoted\"\"\r\nthird\",x\r\n" +
				"\r\n\r\n" +
				"b,plain,y\r\n" +
				"c,\"ends\n\nwith a blank line inside\",z",
			[]want{{"a", "first\nsecond, \"quoted\"\nthird", 2}, {"b", "plain", 7}, {"c", "ends\n\nwith a blank line inside", 8}}},
		{"TSV", "c.tsv",
			"\ufeffid\tq\treference\r\n\r\na\tfirst\tx\r\nb\tsecond\ty",
			[]want{{"a", "first", 3}, {"b", "second", 4}}},
		{"JSONL", "c.jsonl",
			"\ufeff{\"id\": \"a\", \"q\": \"first\", \"reference\": \"x\"}\r\n\r\n   \n{\"id\": \"b\", \"q\": \"line\\nbreak\", \"reference\": \"y\"}",
			[]want{{"a", "first", 1}, {"b", "line\nbreak", 4}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustLoad(t, map[string]string{
				"suite.yaml": "name: t\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases: " + tt.file + "\n",
				tt.file:      tt.text,
			})
			var got []want
			for c := range ptrs(casesOf(t, s)) {
				got = append(got, want{c.ID, c.Fields["q"].(string), c.Line})
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("cases in order (-want +got):\n%s", diff)
			}
			r, err := s.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			for i := s.Len() - 1; i >= 0; i-- {
				c, err := r.Case(i)
				if err != nil {
					t.Fatal(err)
				}
				if g := (want{c.ID, c.Fields["q"].(string), c.Line}); g != tt.want[i] {
					t.Errorf("case %d read alone: %+v, want %+v", i, g, tt.want[i])
				}
			}
			if _, err := r.Case(s.Len()); err == nil {
				t.Error("a case past the last read without an error")
			}
		})
	}
}

// TestWithTagsFilters: a tag filter keeps positions over the same cases
// file: it reads the cases it keeps, in order and by position, and hashes
// as a suite of only those cases does; filters compose.
func TestWithTagsFilters(t *testing.T) {
	line := func(id string, tags ...string) string {
		m := map[string]any{"id": id, "q": "q " + id, "reference": id}
		if len(tags) > 0 {
			m["tags"] = tags
		}
		b, _ := json.Marshal(m)
		return string(b) + "\n"
	}
	suite := "name: t\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases: c.jsonl\n"
	all := line("a", "x") + line("b", "y") + line("c", "x", "y") + line("d") + line("e", "x")
	s := mustLoad(t, map[string]string{"suite.yaml": suite, "c.jsonl": all})
	x, err := s.WithTags([]string{"x"})
	if err != nil {
		t.Fatal(err)
	}
	xy, err := x.WithTags([]string{"y"})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(s *Suite) (byID, read []string) {
		for i := range s.Len() {
			byID = append(byID, s.ID(i))
		}
		for _, c := range casesOf(t, s) {
			read = append(read, c.ID)
		}
		return byID, read
	}
	for _, tt := range []struct {
		name string
		s    *Suite
		want []string
		file string // the same cases alone in a file
	}{
		{"all", s, []string{"a", "b", "c", "d", "e"}, all},
		{"x", x, []string{"a", "c", "e"}, line("a", "x") + line("c", "x", "y") + line("e", "x")},
		{"x then y", xy, []string{"c"}, line("c", "x", "y")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			byID, read := ids(tt.s)
			if diff := cmp.Diff(tt.want, byID); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, read); diff != "" {
				t.Errorf("cases read (-want +got):\n%s", diff)
			}
			alone := mustLoad(t, map[string]string{"suite.yaml": suite, "c.jsonl": tt.file})
			if tt.s.Hash != alone.Hash {
				t.Errorf("hash %.12s, a suite of only these cases hashes %.12s", tt.s.Hash, alone.Hash)
			}
		})
	}
	if s.Len() != 5 {
		t.Errorf("filtering changed the suite: %d cases", s.Len())
	}
}

// TestScorerSetOverFilteredFile: a scorer that needs the suite's cases
// (cider) is prepared with the cases it scores, read from the file; one
// only some cases name is built when a filter keeps any of those, and
// left out when it keeps none.
func TestScorerSetOverFilteredFile(t *testing.T) {
	s := mustLoad(t, map[string]string{
		"suite.yaml": "name: t\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases: c.jsonl\n",
		"c.jsonl": `{"id": "1", "q": "a", "references": ["a man rides a horse", "a person on a horse"], "scorers": ["cider"], "tags": ["cap"]}
{"id": "2", "q": "b", "references": ["two dogs play", "dogs playing with a ball"], "scorers": ["cider"], "tags": ["cap"]}
{"id": "3", "q": "c", "reference": "x", "tags": ["plain"]}
`,
	})
	for _, tt := range []struct {
		tag  string
		want map[string][]string // case id → its scorers
	}{
		{"cap", map[string][]string{"1": {"cider"}, "2": {"cider"}}},
		{"plain", map[string][]string{"3": {"exact"}}},
	} {
		t.Run(tt.tag, func(t *testing.T) {
			sub, err := s.WithTags([]string{tt.tag})
			if err != nil {
				t.Fatal(err)
			}
			set, err := sub.BuildScorerSet()
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][]string{}
			for c := range ptrs(casesOf(t, sub)) {
				for _, sc := range set.For(c) {
					got[c.ID] = append(got[c.ID], sc.Name())
					if v := sc.Score(c.References[0], c).Value; math.IsNaN(v) || v <= 0 {
						t.Errorf("case %s: %s scored its own reference %v", c.ID, sc.Name(), v)
					}
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("scorers (-want +got):\n%s", diff)
			}
		})
	}
}
