package suites

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmbench/llmbench/providers"
)

// writeSuite writes files (name → content) into a new folder and returns
// the path of its suite.yaml.
func writeSuite(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "suite.yaml")
}

func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{255, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gifBytes(t testing.TB) []byte {
	t.Helper()
	img := image.NewPaletted(image.Rect(0, 0, 2, 2), color.Palette{color.Black, color.White})
	var b bytes.Buffer
	if err := gif.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const goodYAML = `name: demo
description: a demo suite
system: Be brief.
prompt: "Q: {{.question}}"
scorers: [exact, rougeL]
params: {temperature: 0, max_tokens: 64}
cases: cases.jsonl
`

func TestLoad(t *testing.T) {
	pic := pngBytes(t, 3, 2)
	dataURL := "data:image/gif;base64," + base64.StdEncoding.EncodeToString(gifBytes(t))
	path := writeSuite(t, map[string]string{
		"suite.yaml": goodYAML,
		"cases.jsonl": "\xef\xbb\xbf" + `{"id": "a", "question": "capital of France?", "reference": "Paris"}` + "\r\n" +
			"\n" +
			`{"id": 7, "question": "2+2?", "reference": 4, "references": ["four", 4.0]}` + "\n" +
			`{"id": 1.5, "question": "what is shown?", "references": ["a dot"], "images": ["pics/dot.png", "` + dataURL + `"], "extra": {"k": [1, true]}}`,
		"pics/dot.png": string(pic),
	})
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	temp, maxTok := 0.0, 64
	wantSuite := &Suite{
		Name: "demo", Description: "a demo suite", Path: path, System: "Be brief.",
		PromptText: "Q: {{.question}}", Scorers: []string{"exact", "rougeL"},
		ScorerSpecs: []ScorerSpec{{Name: "exact"}, {Name: "rougeL"}},
		Params:      providers.Params{Temperature: &temp, MaxTokens: &maxTok},
	}
	wantCases := []Case{
		{ID: "a", Fields: map[string]any{"question": "capital of France?"}, References: []string{"Paris"}, Line: 1},
		{ID: "7", Fields: map[string]any{"question": "2+2?"}, References: []string{"4", "four", "4.0"}, Line: 3},
		{ID: "1.5", Fields: map[string]any{"question": "what is shown?", "extra": map[string]any{"k": []any{json.Number("1"), true}}},
			References: []string{"a dot"}, Line: 4,
			Images:     []providers.Image{{MIME: "image/png", Data: pic}, {MIME: "image/gif", Data: gifBytes(t)}},
			ImagePaths: []string{"pics/dot.png", dataURL}},
	}
	ignore := cmpopts.IgnoreFields(Suite{}, "Prompt", "Hash")
	ignore = cmp.Options{ignore, cmpopts.IgnoreUnexported(Suite{})}
	if diff := cmp.Diff(wantSuite, s, ignore); diff != "" {
		t.Errorf("suite (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantCases, casesOf(t, s), cmpopts.IgnoreFields(Case{}, "Hash")); diff != "" {
		t.Errorf("cases (-want +got):\n%s", diff)
	}
	if len(s.Hash) != 64 {
		t.Errorf("suite hash %q is not hex SHA-256", s.Hash)
	}

	msgs, err := s.Messages(&casesOf(t, s)[2])
	if err != nil {
		t.Fatal(err)
	}
	wantMsgs := []providers.Message{
		{Role: providers.RoleSystem, Text: "Be brief."},
		{Role: providers.RoleUser, Text: "Q: what is shown?", Images: casesOf(t, s)[2].Images},
	}
	if diff := cmp.Diff(wantMsgs, msgs); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
	if _, err := s.Render(&Case{ID: "x", Fields: map[string]any{}}); err == nil || !strings.Contains(err.Error(), "question") {
		t.Errorf("Render of a case without the field: err = %v", err)
	}
}

func TestLoadInlineCasesHashLikeFileCases(t *testing.T) {
	inline := writeSuite(t, map[string]string{"suite.yaml": `name: demo
prompt: "{{.q}}"
scorers: [exact]
cases:
  - {id: 7, q: "two plus two", reference: "4"}
  - id: b
    q: "n"
    references: [x, y]
    meta: {n: 1.5, ok: true}
`})
	file := writeSuite(t, map[string]string{
		"suite.yaml": "name: demo\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases: c.jsonl\ndescription: not hashed\n",
		"c.jsonl": `{"id": 7, "q": "two plus two", "reference": "4"}` + "\n" +
			`{"id": "b", "q": "n", "references": ["x", "y"], "meta": {"ok": true, "n": 1.5}}` + "\n",
	})
	a, err := Load(inline)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if casesOf(t, a)[0].Line != 0 || casesOf(t, b)[0].Line != 1 {
		t.Errorf("lines: inline %d, file %d; want 0 and 1", casesOf(t, a)[0].Line, casesOf(t, b)[0].Line)
	}
	if diff := cmp.Diff(casesOf(t, a), casesOf(t, b), cmpopts.IgnoreFields(Case{}, "Line")); diff != "" {
		t.Errorf("inline and file cases differ (-inline +file):\n%s", diff)
	}
	if a.Hash != b.Hash {
		t.Errorf("the same suite inline and in a file hash differently: %s vs %s", a.Hash, b.Hash)
	}
}

func TestSuiteHashChanges(t *testing.T) {
	base := map[string]string{
		"suite.yaml":  "name: h\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases: c.jsonl\n",
		"c.jsonl":     `{"id": "a", "q": "x", "reference": "y", "images": ["i.png"]}` + "\n",
		"i.png":       string(pngBytes(t, 2, 2)),
		"unused.note": "",
	}
	load := func(edit func(m map[string]string)) string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		if edit != nil {
			edit(m)
		}
		s, err := Load(writeSuite(t, m))
		if err != nil {
			t.Fatal(err)
		}
		return s.Hash
	}
	orig := load(nil)
	if again := load(nil); again != orig {
		t.Fatalf("hash not stable: %s then %s", orig, again)
	}
	tests := []struct {
		name string
		edit func(m map[string]string)
		same bool
	}{
		{"description", func(m map[string]string) { m["suite.yaml"] += "description: new words\n" }, true},
		{"prompt", func(m map[string]string) {
			m["suite.yaml"] = strings.Replace(m["suite.yaml"], `"{{.q}}"`, `"Q: {{.q}}"`, 1)
		}, false},
		{"system", func(m map[string]string) { m["suite.yaml"] += "system: hi\n" }, false},
		{"params", func(m map[string]string) { m["suite.yaml"] += "params: {temperature: 0.5}\n" }, false},
		{"scorers", func(m map[string]string) {
			m["suite.yaml"] = strings.Replace(m["suite.yaml"], "[exact]", "[exact, rougeL]", 1)
		}, false},
		{"reference", func(m map[string]string) { m["c.jsonl"] = strings.Replace(m["c.jsonl"], `"y"`, `"z"`, 1) }, false},
		{"field", func(m map[string]string) { m["c.jsonl"] = strings.Replace(m["c.jsonl"], `"x"`, `"x2"`, 1) }, false},
		{"image pixels", func(m map[string]string) { m["i.png"] = string(pngBytes(t, 2, 3)) }, false},
		{"image moved", func(m map[string]string) {
			m["sub/i.png"] = m["i.png"]
			delete(m, "i.png")
			m["c.jsonl"] = strings.Replace(m["c.jsonl"], `"i.png"`, `"sub/i.png"`, 1)
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := load(tt.edit); (got == orig) != tt.same {
				t.Errorf("hash same = %v, want %v", got == orig, tt.same)
			}
		})
	}
}

// want is one expected problem: file base name, line, and a piece of the
// message.
type want struct {
	file string
	line int
	msg  string
}

func TestLoadErrors(t *testing.T) {
	suite := func(extra string) string {
		return "name: t\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases: c.jsonl\n" + extra
	}
	okLine := `{"id": "ok", "q": "x", "reference": "y"}`
	tests := []struct {
		name  string
		files map[string]string
		want  []want
	}{
		{"yaml syntax", map[string]string{"suite.yaml": "name: t\nprompt: \"abc\nscorers: [exact]\n"},
			[]want{{"suite.yaml", 2, "YAML syntax"}}},
		{"yaml bad indent", map[string]string{"suite.yaml": "name: t\nprompt: x\n  scorers: [exact]\n"},
			[]want{{"suite.yaml", 2, "YAML syntax"}}},
		{"not a mapping", map[string]string{"suite.yaml": "- a\n- b\n"},
			[]want{{"suite.yaml", 1, "must be a mapping"}}},
		{"empty file", map[string]string{"suite.yaml": "# nothing\n"},
			[]want{{"suite.yaml", 1, "empty suite file"}}},
		{"two documents", map[string]string{"suite.yaml": suite("---\nname: u\n"), "c.jsonl": okLine},
			[]want{{"suite.yaml", 5, "more than one YAML document"}}},
		{"unknown key", map[string]string{"suite.yaml": suite("systme: hi\n"), "c.jsonl": okLine},
			[]want{{"suite.yaml", 5, `unknown key "systme"`}}},
		{"duplicate key", map[string]string{"suite.yaml": suite("name: again\n"), "c.jsonl": okLine},
			[]want{{"suite.yaml", 5, `"name" already defined`}}},
		{"missing keys", map[string]string{"suite.yaml": "description: d\n"},
			[]want{{"suite.yaml", 1, `missing "name"`}, {"suite.yaml", 1, `missing "prompt"`},
				{"suite.yaml", 1, `missing "scorers"`}, {"suite.yaml", 1, `missing "cases"`}}},
		{"wrong types", map[string]string{"suite.yaml": "name: [a]\nprompt: {x: 1}\nscorers: 3\ncases: 4\n"},
			[]want{{"suite.yaml", 1, "name must be a string"}, {"suite.yaml", 2, "prompt must be a string"},
				{"suite.yaml", 3, "scorers must be a list"}, {"suite.yaml", 4, "cases must be a file name or a list"}}},
		{"unknown scorer", map[string]string{"suite.yaml": "name: t\nprompt: p\nscorers: [exact, no-such-scorer]\ncases: c.jsonl\n", "c.jsonl": okLine},
			[]want{{"suite.yaml", 3, `unknown scorer "no-such-scorer" (known: `}}},
		{"scorer twice", map[string]string{"suite.yaml": "name: t\nprompt: p\nscorers: [exact, exact]\ncases: c.jsonl\n", "c.jsonl": okLine},
			[]want{{"suite.yaml", 3, `"exact" is listed twice`}}},
		{"empty scorers", map[string]string{"suite.yaml": "name: t\nprompt: p\nscorers: []\ncases: c.jsonl\n", "c.jsonl": okLine},
			[]want{{"suite.yaml", 3, "scorers is empty"}}},
		{"unknown param", map[string]string{"suite.yaml": suite("params: {temperature: 0, temp: 1}\n"), "c.jsonl": okLine},
			[]want{{"suite.yaml", 5, `unknown field "temp"`}}},
		{"bad param value", map[string]string{"suite.yaml": suite("params:\n  temperature: 0\n  max_tokens: lots\n"), "c.jsonl": okLine},
			[]want{{"suite.yaml", 7, "max_tokens must be a whole number"}}},
		{"bad top_p", map[string]string{"suite.yaml": suite("params:\n  top_p: 2\n  temperature: -1\n"), "c.jsonl": okLine},
			[]want{{"suite.yaml", 6, "top_p 2 is outside"}, {"suite.yaml", 7, "temperature -1 is negative"}}},
		{"negative max tokens", map[string]string{"suite.yaml": suite("params: {max_tokens: -1}\n"), "c.jsonl": okLine},
			[]want{{"suite.yaml", 5, "must be positive"}}},
		{"template parse error", map[string]string{"suite.yaml": "name: t\nprompt: \"{{.q\"\nscorers: [exact]\ncases: c.jsonl\n", "c.jsonl": okLine},
			[]want{{"suite.yaml", 2, "prompt template"}}},
		{"template error in block", map[string]string{
			"suite.yaml": "name: t\nprompt: |\n  line one\n  line two {{.q}\n  line three\nscorers: [exact]\ncases: c.jsonl\n", "c.jsonl": okLine},
			[]want{{"suite.yaml", 4, "prompt template"}}},
		{"empty prompt", map[string]string{"suite.yaml": "name: t\nprompt: \"  \"\nscorers: [exact]\ncases: c.jsonl\n", "c.jsonl": okLine},
			[]want{{"suite.yaml", 2, "prompt is empty"}}},
		{"cases file missing", map[string]string{"suite.yaml": suite("")},
			[]want{{"suite.yaml", 4, "cases file c.jsonl not found"}}},
		{"cases file empty", map[string]string{"suite.yaml": suite(""), "c.jsonl": "\n  \n"},
			[]want{{"suite.yaml", 4, "holds no cases"}}},
		{"inline empty", map[string]string{"suite.yaml": "name: t\nprompt: p\nscorers: [exact]\ncases: []\n"},
			[]want{{"suite.yaml", 4, "empty list"}}},
		{"line not an object", map[string]string{"suite.yaml": suite(""), "c.jsonl": okLine + "\n[1, 2]\n\"x\"\n"},
			[]want{{"c.jsonl", 2, "not a list"}, {"c.jsonl", 3, "not a string"}}},
		{"invalid json", map[string]string{"suite.yaml": suite(""), "c.jsonl": okLine + "\n{\"id\": \"b\",}\n"},
			[]want{{"c.jsonl", 2, "not valid JSON"}}},
		{"two values on a line", map[string]string{"suite.yaml": suite(""), "c.jsonl": okLine + " " + okLine + "\n"},
			[]want{{"c.jsonl", 1, "more than one JSON value"}}},
		{"missing id", map[string]string{"suite.yaml": suite(""), "c.jsonl": `{"q": "x", "reference": "y"}`},
			[]want{{"c.jsonl", 1, `no "id"`}}},
		{"bad id", map[string]string{"suite.yaml": suite(""), "c.jsonl": `{"id": ["a"], "q": "x", "reference": "y"}` + "\n" + `{"id": " ", "q": "x", "reference": "y"}`},
			[]want{{"c.jsonl", 1, `"id" is a list`}, {"c.jsonl", 2, `"id" is empty`}}},
		{"duplicate id", map[string]string{"suite.yaml": suite(""), "c.jsonl": okLine + "\n" + `{"id": "b", "q": "x", "reference": "y"}` + "\n" + okLine + "\n"},
			[]want{{"c.jsonl", 3, `c.jsonl:1; ids must be unique`}}},
		{"number id duplicates string id", map[string]string{"suite.yaml": suite(""), "c.jsonl": `{"id": "7", "q": "x", "reference": "y"}` + "\n" + `{"id": 7, "q": "x", "reference": "y"}`},
			[]want{{"c.jsonl", 2, `duplicate id "7"`}}},
		{"missing field", map[string]string{"suite.yaml": suite(""), "c.jsonl": okLine + "\n" + `{"id": "b", "question": "x", "reference": "y"}` + "\n"},
			[]want{{"c.jsonl", 2, `case "b" has no field "q", which the prompt uses`}}},
		{"missing nested field", map[string]string{"suite.yaml": "name: t\nprompt: \"{{.m.q}}\"\nscorers: [exact]\ncases: c.jsonl\n", "c.jsonl": `{"id": "a", "m": {}, "reference": "y"}`},
			[]want{{"c.jsonl", 1, `has no field "q"`}}},
		{"bad reference", map[string]string{"suite.yaml": suite(""), "c.jsonl": `{"id": "a", "q": "x", "reference": ["y"]}` + "\n" + `{"id": "b", "q": "x", "references": "y", "reference": null}`},
			[]want{{"c.jsonl", 1, `"reference" is a list`}, {"c.jsonl", 2, `"reference" is a null`}}},
		{"no reference for exact", map[string]string{"suite.yaml": suite(""), "c.jsonl": `{"id": "a", "q": "x"}`},
			[]want{{"c.jsonl", 1, `case "a": scorer exact: no reference`}}},
		{"reference not a number", map[string]string{"suite.yaml": "name: t\nprompt: \"{{.q}}\"\nscorers: [numeric]\ncases: c.jsonl\n", "c.jsonl": `{"id": "a", "q": "x", "reference": "many"}`},
			[]want{{"c.jsonl", 1, `scorer numeric: reference "many" is not a number`}}},
		{"image missing", map[string]string{"suite.yaml": suite(""), "c.jsonl": `{"id": "a", "q": "x", "reference": "y", "images": ["pics/nope.png"]}`},
			[]want{{"c.jsonl", 1, "image pics/nope.png not found"}}},
		{"image outside folder", map[string]string{"suite.yaml": suite(""), "c.jsonl": `{"id": "a", "q": "x", "reference": "y", "images": ["../x.png", "a/../../x.png"]}`},
			[]want{{"c.jsonl", 1, `"../x.png" leaves the suite's folder`}, {"c.jsonl", 1, `"a/../../x.png" leaves`}}},
		{"image absolute", map[string]string{"suite.yaml": suite(""), "c.jsonl": `{"id": "a", "q": "x", "reference": "y", "images": ["/etc/hostname"]}`},
			[]want{{"c.jsonl", 1, "is absolute"}}},
		{"not an image", map[string]string{"suite.yaml": suite(""), "x.png": "hello, I am text", "c.jsonl": `{"id": "a", "q": "x", "reference": "y", "images": ["x.png"]}`},
			[]want{{"c.jsonl", 1, "image x.png is text/plain"}}},
		{"corrupt png", map[string]string{"suite.yaml": suite(""), "x.png": "\x89PNG\r\n\x1a\nbroken", "c.jsonl": `{"id": "a", "q": "x", "reference": "y", "images": ["x.png"]}`},
			[]want{{"c.jsonl", 1, "does not decode"}}},
		{"bad data url", map[string]string{"suite.yaml": suite(""), "c.jsonl": `{"id": "a", "q": "x", "reference": "y", "images": ["data:image/png,abc", "data:image/png;base64,!!!"]}`},
			[]want{{"c.jsonl", 1, "a data URL must look like"}, {"c.jsonl", 1, "bad base64"}}},
		{"images not a list", map[string]string{"suite.yaml": suite(""), "c.jsonl": `{"id": "a", "q": "x", "reference": "y", "images": {"a": 1}}`},
			[]want{{"c.jsonl", 1, `"images" must be a list`}}},
		{"inline case problems", map[string]string{"suite.yaml": "name: t\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases:\n  - {id: a, q: x, reference: y}\n  - {id: a, q: x, reference: y}\n  - [not, a, case]\n  - {id: c, reference: y}\n"},
			[]want{{"suite.yaml", 6, `suite.yaml:5; ids must be unique`}, {"suite.yaml", 7, "not a list"}, {"suite.yaml", 8, `has no field "q"`}}},
		{"everything at once", map[string]string{
			"suite.yaml": "name: t\nprompt: \"{{.q}}\"\nscorers: [exact, nope]\ncases: c.jsonl\nextra: 1\n",
			"c.jsonl":    okLine + "\nnot json\n" + okLine + "\n" + `{"id": "z", "reference": "y"}` + "\n",
		}, []want{{"suite.yaml", 3, `unknown scorer "nope"`}, {"suite.yaml", 5, `unknown key "extra"`},
			{"c.jsonl", 2, "not valid JSON"}, {"c.jsonl", 3, `duplicate id "ok"`}, {"c.jsonl", 4, `has no field "q"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Load(writeSuite(t, tt.files))
			checkProblems(t, s, err, tt.want)
		})
	}
}

// checkProblems wants err to be a *LoadError with exactly the wanted
// problems, in order, and its text to list each as file:line: msg.
func checkProblems(t *testing.T, s *Suite, err error, wants []want) {
	t.Helper()
	if s != nil {
		t.Errorf("Load returned a suite together with problems")
	}
	var le *LoadError
	if !errors.As(err, &le) {
		t.Fatalf("error %v (%T) is not a *LoadError", err, err)
	}
	if len(le.Problems) != len(wants) {
		t.Errorf("got %d problems, want %d:\n%v", len(le.Problems), len(wants), err)
	}
	text := err.Error()
	for i, w := range wants {
		if i >= len(le.Problems) {
			break
		}
		p := le.Problems[i]
		if filepath.Base(p.File) != w.file || p.Line != w.line || !strings.Contains(p.Msg, w.msg) {
			t.Errorf("problem %d = %s, want %s:%d: …%s…", i, p, w.file, w.line, w.msg)
		}
		if !strings.Contains(text, p.String()) || !strings.Contains(p.String(), w.file+":"+strconv.Itoa(w.line)+": ") {
			t.Errorf("error text does not list %q as file:line: msg:\n%s", p, text)
		}
	}
}

func TestLoadLongLines(t *testing.T) {
	old := maxCaseLine
	maxCaseLine = 200
	defer func() { maxCaseLine = old }()
	long := `{"id": "long", "q": "` + strings.Repeat("x", 300) + `", "reference": "y"}`
	fits := `{"id": "fits", "q": "` + strings.Repeat("x", 150) + `", "reference": "y"}`
	path := writeSuite(t, map[string]string{
		"suite.yaml": "name: t\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases: c.jsonl\n",
		"c.jsonl":    fits + "\n" + long + "\n" + `{"id": "after"}` + "\n" + long,
	})
	s, err := Load(path)
	checkProblems(t, s, err, []want{
		{"c.jsonl", 2, "longer than 200 bytes"},
		{"c.jsonl", 3, `has no field "q"`},
		{"c.jsonl", 3, "scorer exact: no reference"},
		{"c.jsonl", 4, "longer than 200 bytes"},
	})

	// Lines far beyond bufio's default 64 KiB buffer load under the real limit.
	maxCaseLine = old
	big := strings.Repeat("y", 1<<20)
	path = writeSuite(t, map[string]string{
		"suite.yaml": "name: t\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases: c.jsonl\n",
		"c.jsonl":    `{"id": "big", "q": "` + big + `", "reference": "y"}` + "\n",
	})
	s, err = Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := casesOf(t, s)[0].Fields["q"]; got != big {
		t.Errorf("1 MiB field came back with %d bytes", len(got.(string)))
	}
}

func TestLoadRefusesSymlinkOutOfFolder(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret.png")
	if err := os.WriteFile(outside, pngBytes(t, 1, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	path := writeSuite(t, map[string]string{
		"suite.yaml": "name: t\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases: c.jsonl\n",
		"c.jsonl":    `{"id": "a", "q": "x", "reference": "y", "images": ["link.png"]}`,
	})
	if err := os.Symlink(outside, filepath.Join(filepath.Dir(path), "link.png")); err != nil {
		t.Skip("symlinks unavailable:", err)
	}
	s, err := Load(path)
	checkProblems(t, s, err, []want{{"c.jsonl", 1, "image link.png"}})
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want one wrapping fs.ErrNotExist", err)
	}
}

// TestLoadCasesOutsideFolder: a cases file, like an image, must stay in
// the suite's folder: "..", an absolute path and a symlink leading out are
// refused, so a suite copied from elsewhere cannot read other files.
func TestLoadCasesOutsideFolder(t *testing.T) {
	root := t.TempDir()
	shared := filepath.Join(root, "shared.jsonl")
	if err := os.WriteFile(shared, []byte(`{"id": "a", "q": "x", "reference": "y"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "suite")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	symlinked := os.Symlink(shared, filepath.Join(dir, "link.jsonl")) == nil
	tests := []struct {
		cases string
		want  string
	}{
		{"../shared.jsonl", `"../shared.jsonl" leaves the suite's folder`},
		{"sub/../../shared.jsonl", "leaves the suite's folder"},
		{shared, "is absolute"},
		{"link.jsonl", "open cases file link.jsonl"},
		{"../shared.csv", "leaves the suite's folder"},
	}
	for _, tt := range tests {
		t.Run(tt.cases, func(t *testing.T) {
			if tt.cases == "link.jsonl" && !symlinked {
				t.Skip("symlinks unavailable")
			}
			p := filepath.Join(dir, "suite.yaml")
			if err := os.WriteFile(p, []byte("name: t\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases: "+tt.cases+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := Load(p)
			checkProblems(t, s, err, []want{{"suite.yaml", 4, tt.want}})
		})
	}
}

func TestLoadErrorText(t *testing.T) {
	e := &LoadError{Problems: []Problem{{"a.yaml", 3, "bad"}, {"b.jsonl", 0, "whole file"}}}
	if got, want := e.Error(), "a.yaml:3: bad\nb.jsonl: whole file"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var many LoadError
	for range maxListedProblems + 5 {
		many.Problems = append(many.Problems, Problem{"f", 1, "x"})
	}
	if got := many.Error(); !strings.HasSuffix(got, "... and 5 more problems") || strings.Count(got, "\n") != maxListedProblems {
		t.Errorf("long Error() ends %q with %d lines", got[len(got)-30:], strings.Count(got, "\n"))
	}
}
