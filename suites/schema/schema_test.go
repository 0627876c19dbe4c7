package schema_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/llmbench/llmbench/suites"
	"github.com/llmbench/llmbench/suites/schema"
)

func compile(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema.JSON))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(schema.ID, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(schema.ID)
	if err != nil {
		t.Fatalf("the schema is not valid draft 2020-12: %v", err)
	}
	return sch
}

// validateYAML checks a YAML document against the schema.
func validateYAML(t *testing.T, sch *jsonschema.Schema, text []byte) error {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(text, &v); err != nil {
		t.Fatalf("test document is not YAML: %v\n%s", err, text)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return sch.Validate(inst)
}

func TestPublishedCopyIsTheSame(t *testing.T) {
	docs, err := os.ReadFile(filepath.Join("..", "..", "docs", "suite.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(docs, schema.JSON) {
		t.Error("docs/suite.schema.json differs from suites/schema/suite.schema.json: copy the latter over the former")
	}
	var top struct {
		ID string `json:"$id"`
	}
	if err := json.Unmarshal(schema.JSON, &top); err != nil || top.ID != schema.ID {
		t.Errorf("$id %q (%v), want schema.ID %q", top.ID, err, schema.ID)
	}
}

// TestScorerNamesMatchTheRegistry: the schema's list of scorers is the
// registry's, so an editor neither flags a real scorer nor misses a typo.
func TestScorerNamesMatchTheRegistry(t *testing.T) {
	var s struct {
		Defs struct {
			ScorerName struct {
				Enum []string `json:"enum"`
			} `json:"scorerName"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(schema.JSON, &s); err != nil {
		t.Fatal(err)
	}
	got := slices.Clone(s.Defs.ScorerName.Enum)
	slices.Sort(got)
	if want := suites.ScorerNames(); !slices.Equal(got, want) {
		t.Errorf("schema scorers %v, registry %v", got, want)
	}
}

// TestSchemaAgreesWithLoader: for suite files whose only possible faults
// are of shape (types, keys, required values, ranges), the schema accepts
// exactly those suites.Load accepts. The cases file c.jsonl always suits
// the prompt, so a refusal comes from the suite file.
func TestSchemaAgreesWithLoader(t *testing.T) {
	sch := compile(t)
	const head = "name: t\nprompt: \"{{.q}}\"\n"
	const tail = "cases: c.jsonl\n"
	tests := []struct {
		name string
		doc  string
		ok   bool
	}{
		{"minimal", head + "scorers: [exact]\n" + tail, true},
		{"scorer as a string", head + "scorers: numeric\n" + tail, true},
		{"everything", `name: full
description: every key at once
system: Be brief.
examples:
  - {user: "1+1?", assistant: "2"}
  - {input: "2+2?", output: "4"}
prompt: "{{.q}}"
scorers: [exact, {name: rouge1, stem: true}, {name: bleu, tokenizer: zh}, numeric]
primary: numeric
params: {temperature: 0, top_p: 0.5, max_tokens: 64, seed: 7, stop: ["\n\n"]}
document: q
cases:
  - {id: a, q: "2+2?", reference: "4", tags: [easy, en], images: ["data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"]}
  - {id: 2, q: "3+1?", references: ["4", 4], scorers: [numeric, {name: rougeL}], tags: zh}
  - {id: c, q: "x", reference: "4", messages: [{role: user, content: "{{.q}}"}]}
`, true},
		{"messages", "name: t\nmessages:\n  - {role: system, content: hi}\n  - {role: user, content: \"{{.q}}\"}\nscorers: [exact]\n" + tail, true},
		{"cases ask with their own messages", "name: t\nscorers: [exact]\ncases:\n  - {id: a, reference: \"4\", messages: [{role: user, content: go}]}\n", true},
		{"judge rubric", head + "scorers: [judge, exact]\njudge: {rubric: \"10 right, 1 wrong\"}\n" + tail, true},
		{"judge pairwise", head + "scorers: [judge]\njudge: {mode: pairwise}\n" + tail, true},
		{"null params and description", head + "description:\nparams:\nscorers: [exact]\n" + tail, true},

		{"no name", "prompt: \"{{.q}}\"\nscorers: [exact]\n" + tail, false},
		{"empty name", "name: \"  \"\nprompt: \"{{.q}}\"\nscorers: [exact]\n" + tail, false},
		{"name on two lines", "name: \"a\\nb\"\nprompt: \"{{.q}}\"\nscorers: [exact]\n" + tail, false},
		{"name a list", "name: [a]\nprompt: \"{{.q}}\"\nscorers: [exact]\n" + tail, false},
		{"unknown key", head + "scorers: [exact]\nsystme: hi\n" + tail, false},
		{"prompt and messages", head + "messages: [{role: user, content: x}]\nscorers: [exact]\n" + tail, false},
		{"empty prompt", "name: t\nprompt: \"  \"\nscorers: [exact]\n" + tail, false},
		{"no scorers", head + tail, false},
		{"empty scorers", head + "scorers: []\n" + tail, false},
		{"unknown scorer", head + "scorers: [exact, nope]\n" + tail, false},
		{"scorers a number", head + "scorers: 3\n" + tail, false},
		{"unknown scorer option", head + "scorers: [{name: bleu, size: 3}]\n" + tail, false},
		{"scorer mapping without a name", head + "scorers: [{tokenizer: zh}]\n" + tail, false},
		{"stem not a boolean", head + "scorers: [{name: rouge1, stem: \"yes\"}]\n" + tail, false},
		{"primary not a scorer name", head + "scorers: [exact]\nprimary: nope\n" + tail, false},
		{"unknown param", head + "scorers: [exact]\nparams: {temp: 1}\n" + tail, false},
		{"negative temperature", head + "scorers: [exact]\nparams: {temperature: -1}\n" + tail, false},
		{"top_p zero", head + "scorers: [exact]\nparams: {top_p: 0}\n" + tail, false},
		{"max_tokens zero", head + "scorers: [exact]\nparams: {max_tokens: 0}\n" + tail, false},
		{"max_tokens not whole", head + "scorers: [exact]\nparams: {max_tokens: 1.5}\n" + tail, false},
		{"params a list", head + "scorers: [exact]\nparams: [1]\n" + tail, false},
		{"stop not a list", head + "scorers: [exact]\nparams: {stop: x}\n" + tail, false},
		{"unknown judge mode", head + "scorers: [judge]\njudge: {mode: vote, rubric: r}\n" + tail, false},
		{"rubric mode without a rubric", head + "scorers: [judge]\njudge: {mode: rubric}\n" + tail, false},
		{"empty rubric", head + "scorers: [judge]\njudge: {rubric: \" \"}\n" + tail, false},
		{"unknown judge key", head + "scorers: [judge]\njudge: {mode: pairwise, model: x}\n" + tail, false},
		{"empty examples", head + "scorers: [exact]\nexamples: []\n" + tail, false},
		{"example without an answer", head + "scorers: [exact]\nexamples: [{user: a}]\n" + tail, false},
		{"example with user and input", head + "scorers: [exact]\nexamples: [{user: a, input: b, assistant: c}]\n" + tail, false},
		{"example answer empty", head + "scorers: [exact]\nexamples: [{user: a, assistant: \"\"}]\n" + tail, false},
		{"example unknown key", head + "scorers: [exact]\nexamples: [{user: a, assistant: b, note: c}]\n" + tail, false},
		{"message with a bad role", "name: t\nmessages: [{role: robot, content: x}]\nscorers: [exact]\n" + tail, false},
		{"message with an extra key", "name: t\nmessages: [{role: user, content: x, name: y}]\nscorers: [exact]\n" + tail, false},
		{"message without content", "name: t\nmessages: [{role: user}]\nscorers: [exact]\n" + tail, false},
		{"message content a number", "name: t\nmessages: [{role: user, content: 3}]\nscorers: [exact]\n" + tail, false},
		{"empty messages", "name: t\nmessages: []\nscorers: [exact]\n" + tail, false},
		{"empty document", head + "scorers: [exact]\ndocument: \"\"\n" + tail, false},
		{"description a list", head + "scorers: [exact]\ndescription: [a]\n" + tail, false},
		{"no cases", head + "scorers: [exact]\n", false},
		{"cases a number", head + "scorers: [exact]\ncases: 3\n", false},
		{"cases an empty list", head + "scorers: [exact]\ncases: []\n", false},
		{"cases an empty name", head + "scorers: [exact]\ncases: \" \"\n", false},
		{"inline case without id", head + "scorers: [exact]\ncases:\n  - {q: x, reference: \"4\"}\n", false},
		{"inline case with an empty id", head + "scorers: [exact]\ncases:\n  - {id: \" \", q: x, reference: \"4\"}\n", false},
		{"inline case id a list", head + "scorers: [exact]\ncases:\n  - {id: [a], q: x, reference: \"4\"}\n", false},
		{"inline case reference a list", head + "scorers: [exact]\ncases:\n  - {id: a, q: x, reference: [\"4\"]}\n", false},
		{"inline case reference null", head + "scorers: [exact]\ncases:\n  - {id: a, q: x, reference: \"4\", references: [null]}\n", false},
		{"inline case images a mapping", head + "scorers: [exact]\ncases:\n  - {id: a, q: x, reference: \"4\", images: {a: 1}}\n", false},
		{"inline case tag with spaces", head + "scorers: [exact]\ncases:\n  - {id: a, q: x, reference: \"4\", tags: [\" zh\"]}\n", false},
		{"inline case tags a number", head + "scorers: [exact]\ncases:\n  - {id: a, q: x, reference: \"4\", tags: [1]}\n", false},
		{"inline case empty scorers", head + "scorers: [exact]\ncases:\n  - {id: a, q: x, reference: \"4\", scorers: []}\n", false},
		{"inline case unknown scorer", head + "scorers: [exact]\ncases:\n  - {id: a, q: x, reference: \"4\", scorers: [nope]}\n", false},
		{"inline case empty messages", head + "scorers: [exact]\ncases:\n  - {id: a, q: x, reference: \"4\", messages: []}\n", false},
		{"inline case message with a bad role", head + "scorers: [exact]\ncases:\n  - {id: a, q: x, reference: \"4\", messages: [{role: bot, content: x}]}\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "suite.yaml"), []byte(tt.doc), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "c.jsonl"), []byte(`{"id": "a", "q": "2+2?", "reference": "4"}`+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			_, loadErr := suites.Load(filepath.Join(dir, "suite.yaml"))
			schemaErr := validateYAML(t, sch, []byte(tt.doc))
			if (loadErr == nil) != tt.ok {
				t.Errorf("Load: %v, want ok = %v", loadErr, tt.ok)
			}
			if (schemaErr == nil) != tt.ok {
				t.Errorf("schema: %v, want ok = %v", schemaErr, tt.ok)
			}
		})
	}
}

// TestShippedSuitesValidate: the built-in suites and the worked example
// pass the schema, as a user's editor would check them.
func TestShippedSuitesValidate(t *testing.T) {
	sch := compile(t)
	var files []string
	for _, root := range []string{filepath.Join("..", "builtin"), filepath.Join("..", "..", "examples", "suites")} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Name() == "suite.yaml" {
				files = append(files, p)
			}
			return nil
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
	if len(files) < 3 {
		t.Fatalf("found only %v", files)
	}
	for _, p := range files {
		t.Run(strings.TrimPrefix(filepath.ToSlash(p), "../"), func(t *testing.T) {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := validateYAML(t, sch, data); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestScaffoldsValidate: what llmbench suites new writes passes the schema
// it points editors at.
func TestScaffoldsValidate(t *testing.T) {
	sch := compile(t)
	for _, kind := range suites.ScaffoldKinds {
		t.Run(kind, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "s")
			if _, err := suites.Scaffold(dir, kind); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(filepath.Join(dir, "suite.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(data, []byte("# yaml-language-server: $schema="+schema.ID+"\n")) {
				t.Errorf("suite.yaml does not point editors at %s", schema.ID)
			}
			if err := validateYAML(t, sch, data); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestGuideSnippetsValidate: every whole suite file shown in
// docs/writing-suites.md (a yaml block starting with name:, after
// comments) passes the schema.
func TestGuideSnippetsValidate(t *testing.T) {
	sch := compile(t)
	guide, err := os.ReadFile(filepath.Join("..", "..", "docs", "writing-suites.md"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, block := range strings.Split(string(guide), "```yaml\n")[1:] {
		block, _, _ = strings.Cut(block, "```")
		first := ""
		for _, line := range strings.Split(block, "\n") {
			if line != "" && !strings.HasPrefix(line, "#") {
				first = line
				break
			}
		}
		if !strings.HasPrefix(first, "name:") {
			continue
		}
		n++
		if err := validateYAML(t, sch, []byte(block)); err != nil {
			t.Errorf("guide snippet %d:\n%s\n%v", n, block, err)
		}
	}
	if n < 3 {
		t.Errorf("found %d whole suite files in the guide", n)
	}
}
