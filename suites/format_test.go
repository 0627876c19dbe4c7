package suites

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmbench/llmbench/providers"
)

// msg is a providers.Message without images, for compact wants.
type msg struct{ Role, Text string }

func plain(msgs []providers.Message) []msg {
	out := make([]msg, len(msgs))
	for i, m := range msgs {
		out[i] = msg{m.Role, m.Text}
	}
	return out
}

func mustLoad(t *testing.T, files map[string]string) *Suite {
	t.Helper()
	s, err := Load(writeSuite(t, files))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConversations(t *testing.T) {
	tests := []struct {
		name   string
		suite  string
		cases  string
		want   [][]msg // per case
		render []string
	}{
		{
			name: "few-shot examples as earlier turns",
			suite: `name: t
system: Answer with a number.
examples:
  - {user: "1+1?", assistant: "2"}
  - {input: "2+2?", output: "4"}
prompt: "{{.q}}"
scorers: [numeric]
cases: c.jsonl
`,
			cases: `{"id": "a", "q": "3+3?", "reference": "6"}`,
			want: [][]msg{{
				{"system", "Answer with a number."},
				{"user", "1+1?"}, {"assistant", "2"},
				{"user", "2+2?"}, {"assistant", "4"},
				{"user", "3+3?"},
			}},
			render: []string{"3+3?"},
		},
		{
			name: "few-shot examples written by the template",
			suite: `name: t
examples:
  - {user: "1+1?", assistant: "2"}
  - {user: "2+2?", assistant: "4"}
prompt: |-
  {{range examples}}Q: {{.user}}
  A: {{.assistant}}

  {{end}}Q: {{.q}}
  A:
scorers: [numeric]
cases: c.jsonl
`,
			cases: `{"id": "a", "q": "3+3?", "reference": "6"}`,
			want: [][]msg{{
				{"user", "Q: 1+1?\nA: 2\n\nQ: 2+2?\nA: 4\n\nQ: 3+3?\nA:"},
			}},
		},
		{
			name: "suite messages: a conversation template",
			suite: `name: t
messages:
  - role: user
    content: "Read this: {{.doc}}"
  - {role: assistant, content: "I have read it."}
  - {role: user, content: "{{.q | upper}}"}
scorers: [exact]
cases: c.jsonl
`,
			cases: `{"id": "a", "doc": "the sky is blue", "q": "what colour?", "reference": "blue"}`,
			want: [][]msg{{
				{"user", "Read this: the sky is blue"}, {"assistant", "I have read it."}, {"user", "WHAT COLOUR?"},
			}},
			render: []string{"User: Read this: the sky is blue\n\nAssistant: I have read it.\n\nUser: WHAT COLOUR?"},
		},
		{
			name: "case messages replace the prompt for that case",
			suite: `name: t
system: Be brief.
prompt: "{{.q}}"
scorers: [exact]
cases: c.jsonl
`,
			cases: `{"id": "single", "q": "hi?", "reference": "hi"}
{"id": "multi", "name": "Ada", "reference": "Ada", "messages": [{"role": "user", "content": "My name is {{.name}}."}, {"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "What is my name?"}]}`,
			want: [][]msg{
				{{"system", "Be brief."}, {"user", "hi?"}},
				{{"system", "Be brief."}, {"user", "My name is Ada."}, {"assistant", "Hello!"}, {"user", "What is my name?"}},
			},
			render: []string{"hi?", "User: My name is Ada.\n\nAssistant: Hello!\n\nUser: What is my name?"},
		},
		{
			name: "every case has its own messages: no prompt needed",
			suite: `name: t
scorers: [exact]
cases:
  - id: a
    reference: x
    messages:
      - {role: system, content: "Reply x."}
      - {role: user, content: "go"}
`,
			want: [][]msg{{{"system", "Reply x."}, {"user", "go"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustLoad(t, map[string]string{"suite.yaml": tt.suite, "c.jsonl": tt.cases})
			if s.Len() != len(tt.want) {
				t.Fatalf("%d cases, want %d", s.Len(), len(tt.want))
			}
			for i, c := range casesOf(t, s) {
				got, err := s.Messages(&c)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want[i], plain(got)); diff != "" {
					t.Errorf("case %s messages (-want +got):\n%s", c.ID, diff)
				}
				if i < len(tt.render) {
					r, err := s.Render(&c)
					if err != nil || r != tt.render[i] {
						t.Errorf("Render = %q, %v; want %q", r, err, tt.render[i])
					}
				}
			}
		})
	}
}

func TestImagesGoWithFirstUserTurn(t *testing.T) {
	pic := base64.StdEncoding.EncodeToString(pngBytes(t, 2, 2))
	s := mustLoad(t, map[string]string{
		"suite.yaml": "name: t\nexamples: [{user: u, assistant: a}]\nscorers: [exact]\ncases: c.jsonl\n",
		"c.jsonl": `{"id": "a", "reference": "x", "images": ["data:image/png;base64,` + pic + `", "https://example.org/cat.png"], ` +
			`"messages": [{"role": "user", "content": "look"}, {"role": "assistant", "content": "ok"}, {"role": "user", "content": "what is it?"}]}`,
	})
	got, err := s.Messages(&casesOf(t, s)[0])
	if err != nil {
		t.Fatal(err)
	}
	var withImages []int
	for i, m := range got {
		if len(m.Images) > 0 {
			withImages = append(withImages, i)
		}
	}
	if !slices.Equal(withImages, []int{2}) || len(got[2].Images) != 2 || got[2].Text != "look" {
		t.Fatalf("images on messages %v; message 2 = %+v", withImages, got[2])
	}
	if img := got[2].Images[1]; img.URL != "https://example.org/cat.png" || img.Data != nil {
		t.Errorf("remote image = %+v, want the URL and no bytes", img)
	}
	if diff := cmp.Diff([]string{"data:image/png;base64," + pic, "https://example.org/cat.png"}, casesOf(t, s)[0].ImagePaths); diff != "" {
		t.Errorf("ImagePaths (-want +got):\n%s", diff)
	}
}

func TestTemplateHelpers(t *testing.T) {
	tests := []struct {
		name, prompt, fields, want string
	}{
		{"join", `{{join ", " .xs}}`, `"xs": ["a", 2, true, null]`, "a, 2, true, "},
		{"join in a pipeline", `{{.xs | join "/"}}`, `"xs": ["a", "b"]`, "a/b"},
		{"numbered", `{{numbered .xs}}`, `"xs": ["first", "second", "third"]`, "1. first\n2. second\n3. third"},
		{"letters", `{{letters .xs}}`, `"xs": ["red", "green", 3.5]`, "A. red\nB. green\nC. 3.5"},
		{"split then letters (a CSV cell)", `{{.xs | split "|" | letters}}`, `"xs": "yes|no"`, "A. yes\nB. no"},
		{"upper lower trim", `{{upper .x}} {{lower .x}} [{{trim .y}}]`, `"x": "MiXed", "y": "  pad  "`, "MIXED mixed [pad]"},
		{"an optional field (the guide's idiom)", `{{.x}}{{with index . "hint"}} Hint: {{.}}{{end}}`, `"x": "Q"`, "Q"},
		{"an optional field present", `{{.x}}{{with index . "hint"}} Hint: {{.}}{{end}}`, `"x": "Q", "hint": "h"`, "Q Hint: h"},
		{"objects as JSON", `{{join "; " .xs}}`, `"xs": [{"b": 1, "a": [2]}, [3]]`, `{"a":[2],"b":1}; [3]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yaml := "name: t\nprompt: '" + tt.prompt + "'\nscorers: [keywords]\ncases: c.jsonl\n"
			s := mustLoad(t, map[string]string{"suite.yaml": yaml, "c.jsonl": `{"id": "a", ` + tt.fields + `, "keywords": ["k"]}`})
			got, err := s.Render(&casesOf(t, s)[0])
			if err != nil || got != tt.want {
				t.Errorf("Render = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestTags(t *testing.T) {
	s := mustLoad(t, map[string]string{
		"suite.yaml": "name: t\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases: c.jsonl\n",
		"c.jsonl": `{"id": "a", "q": "x", "reference": "y", "tags": ["zh", "easy"]}
{"id": "b", "q": "x", "reference": "y", "tags": "hard"}
{"id": "c", "q": "x", "reference": "y"}
{"id": "d", "q": "x", "reference": "y", "tags": ["easy", "easy"]}`,
	})
	if diff := cmp.Diff(map[string]int{"zh": 1, "easy": 2, "hard": 1}, tags(t, s)); diff != "" {
		t.Errorf("Tags (-want +got):\n%s", diff)
	}
	tests := []struct {
		tags []string
		ids  []string
	}{
		{nil, []string{"a", "b", "c", "d"}},
		{[]string{"easy"}, []string{"a", "d"}},
		{[]string{"hard", "zh"}, []string{"a", "b"}},
		{[]string{"none"}, nil},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.tags, ","), func(t *testing.T) {
			sub, err := s.WithTags(tt.tags)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, c := range casesOf(t, sub) {
				ids = append(ids, c.ID)
			}
			if diff := cmp.Diff(tt.ids, ids); diff != "" {
				t.Errorf("cases (-want +got):\n%s", diff)
			}
			if (sub.Hash == s.Hash) != (len(tt.tags) == 0) {
				t.Errorf("hash of the subset equal to the whole suite's: %v", sub.Hash == s.Hash)
			}
			if s.Len() != 4 {
				t.Errorf("WithTags changed the original suite")
			}
		})
	}
	// Tags are labels: they are not part of what a case asks.
	untagged := mustLoad(t, map[string]string{
		"suite.yaml": "name: t\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases: c.jsonl\n",
		"c.jsonl":    `{"id": "a", "q": "x", "reference": "y"}`,
	})
	if casesOf(t, untagged)[0].Hash != casesOf(t, s)[0].Hash {
		t.Errorf("tags changed the case hash")
	}
}

func TestCaseScorers(t *testing.T) {
	s := mustLoad(t, map[string]string{
		"suite.yaml": "name: t\nprompt: \"{{.q}}\"\nscorers: [exact, rougeL]\ncases: c.jsonl\n",
		"c.jsonl": `{"id": "text", "q": "x", "reference": "the cat"}
{"id": "num", "q": "x", "reference": "42", "scorers": ["numeric"]}
{"id": "kw", "q": "x", "reference": "a cat", "keywords": ["cat"], "scorers": ["keywords", {"name": "rouge1", "stem": true}]}`,
	})
	set, err := s.BuildScorerSet()
	if err != nil {
		t.Fatal(err)
	}
	names := func(list []Scorer) []string {
		var out []string
		for _, sc := range list {
			out = append(out, sc.Name())
		}
		return out
	}
	want := map[string][]string{"text": {"exact", "rougeL"}, "num": {"numeric"}, "kw": {"keywords", "rouge1"}}
	for c := range ptrs(casesOf(t, s)) {
		if diff := cmp.Diff(want[c.ID], names(set.For(c))); diff != "" {
			t.Errorf("case %s scorers (-want +got):\n%s", c.ID, diff)
		}
		scores, err := s.Score("The answer is 42, the cat", c)
		if err != nil {
			t.Fatal(err)
		}
		if scores[0].Scorer != want[c.ID][0] {
			t.Errorf("case %s primary score from %s, want %s", c.ID, scores[0].Scorer, want[c.ID][0])
		}
	}
	if got := names(set.Suite()); !slices.Equal(got, []string{"exact", "rougeL"}) {
		t.Errorf("suite list %v", got)
	}
	if casesOf(t, s)[1].Hash == caseHash(&Case{ID: "num", Fields: casesOf(t, s)[1].Fields, References: casesOf(t, s)[1].References}) {
		t.Errorf("a case's own scorers are not in its hash")
	}
	noDeferred := set.Filter(func(sc Scorer) bool { return sc.Name() != "rougeL" })
	if got := names(noDeferred.For(&casesOf(t, s)[0])); !slices.Equal(got, []string{"exact"}) {
		t.Errorf("filtered list %v", got)
	}
}

func TestPrimary(t *testing.T) {
	s := mustLoad(t, map[string]string{
		"suite.yaml": "name: t\nprompt: \"{{.q}}\"\nscorers: [rougeL, {name: bleu, tokenizer: zh}, exact]\nprimary: exact\ncases: c.jsonl\n",
		"c.jsonl":    `{"id": "a", "q": "x", "reference": "y"}`,
	})
	if !slices.Equal(s.Scorers, []string{"exact", "rougeL", "bleu"}) || s.ScorerSpecs[2].Tokenizer != "zh" {
		t.Errorf("scorers %v specs %v: primary: exact should move exact to the front", s.Scorers, s.ScorerSpecs)
	}
	same := mustLoad(t, map[string]string{
		"suite.yaml": "name: t\nprompt: \"{{.q}}\"\nscorers: [exact, rougeL, {name: bleu, tokenizer: zh}]\ncases: c.jsonl\n",
		"c.jsonl":    `{"id": "a", "q": "x", "reference": "y"}`,
	})
	if same.Hash != s.Hash {
		t.Errorf("primary: exact and listing exact first are the same suite but hash differently")
	}
}

func TestCSVAndTSVCases(t *testing.T) {
	pic := pngBytes(t, 2, 2)
	jsonl := `{"id": "1", "question": "Capital of France?", "references": ["Paris", "paris"], "tags": ["geo"]}
{"id": "2", "question": "Say \"hi\", then stop.\nThanks", "references": ["hi"], "images": ["p.png"]}
{"id": "3", "question": "Pick one", "references": ["a|b"], "tags": ["x", "y"]}`
	csvText := "\ufeffid,question,reference,reference_2,tags,images\r\n" +
		"1,Capital of France?,Paris,paris,geo,\r\n" +
		"2,\"Say \"\"hi\"\", then stop.\nThanks\",hi,,,p.png\r\n" +
		"3,Pick one,a|b,,x | y,\r\n"
	csvRefs := "id,question,references,tags,images\n" +
		"1,Capital of France?,Paris|paris,geo,\n" +
		"2,\"Say \"\"hi\"\", then stop.\nThanks\",hi,,p.png\n"
	tsvText := "id\tquestion\treferences\ttags\n1\tCapital of France?\tParis|paris\tgeo\n\n3\tPick \"one\"\tz\t\n"
	base := func(cases string) map[string]string {
		return map[string]string{"suite.yaml": "name: t\nprompt: \"{{.question}}\"\nscorers: [exact]\ncases: " + cases + "\n", "p.png": string(pic)}
	}
	load := func(name, text string) *Suite {
		files := base(name)
		files[name] = text
		return mustLoad(t, files)
	}
	fromJSONL := load("c.jsonl", jsonl)
	fromCSV := load("c.csv", csvText)
	ignore := cmpopts.IgnoreFields(Case{}, "Line")
	if diff := cmp.Diff(casesOf(t, fromJSONL), casesOf(t, fromCSV), ignore); diff != "" {
		t.Errorf("CSV cases differ from the same cases in JSONL (-jsonl +csv):\n%s", diff)
	}
	if fromJSONL.Hash != fromCSV.Hash {
		t.Errorf("the same cases in CSV and JSONL hash differently")
	}
	if lines := []int{casesOf(t, fromCSV)[0].Line, casesOf(t, fromCSV)[1].Line, casesOf(t, fromCSV)[2].Line}; !slices.Equal(lines, []int{2, 3, 5}) {
		t.Errorf("CSV case lines %v, want where each record starts: 2, 3, 5", lines)
	}
	refs := load("c.csv", csvRefs)
	if diff := cmp.Diff(casesOf(t, fromJSONL)[:2], casesOf(t, refs), ignore); diff != "" {
		t.Errorf("references column (-jsonl +csv):\n%s", diff)
	}
	tsv := load("c.tsv", tsvText)
	if tsv.Len() != 2 || casesOf(t, tsv)[1].Fields["question"] != `Pick "one"` || casesOf(t, tsv)[1].Line != 4 || casesOf(t, tsv)[1].Tags != nil {
		t.Errorf("TSV cases: %+v", casesOf(t, tsv))
	}
	if diff := cmp.Diff(casesOf(t, fromJSONL)[0], casesOf(t, tsv)[0], ignore); diff != "" {
		t.Errorf("TSV case (-jsonl +tsv):\n%s", diff)
	}
}

func TestFormatProblems(t *testing.T) {
	suite := func(extra string) string {
		return "name: t\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases: c.jsonl\n" + extra
	}
	csvSuite := "name: t\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases: c.csv\n"
	tsvSuite := "name: t\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases: c.tsv\n"
	okLine := `{"id": "ok", "q": "x", "reference": "y"}`
	tests := []struct {
		name  string
		files map[string]string
		want  []want
	}{
		{"csv: no id column", map[string]string{"suite.yaml": csvSuite, "c.csv": "q,reference\nx,y\n"},
			[]want{{"c.csv", 1, "no id column"}}},
		{"csv: repeated and empty columns", map[string]string{"suite.yaml": csvSuite, "c.csv": "id,q,q,\n"},
			[]want{{"c.csv", 1, `column "q" appears twice`}, {"c.csv", 1, "column 4 of the header row has no name"}}},
		{"csv: messages column", map[string]string{"suite.yaml": csvSuite, "c.csv": "id,q,messages\n"},
			[]want{{"c.csv", 1, "write these cases in a JSONL file"}}},
		{"csv: every bad row reported with its line", map[string]string{"suite.yaml": csvSuite,
			"c.csv": "id,q,reference\n1,x,y\n2,x\n3,\"multi\nline\",y\n4,x,y,extra\n5,x\"bad,y\n1,x,y\n"},
			[]want{{"c.csv", 3, "row has 2 cells but the header row names 3"}, {"c.csv", 6, "row has 4 cells"},
				{"c.csv", 7, "not valid CSV"}, {"c.csv", 8, `duplicate id "1": also at`}}},
		{"csv: unterminated quote", map[string]string{"suite.yaml": csvSuite, "c.csv": "id,q,reference\n1,\"open,y\n"},
			[]want{{"c.csv", 2, "not valid CSV"}}},
		{"csv: header only", map[string]string{"suite.yaml": csvSuite, "c.csv": "id,q,reference\n"},
			[]want{{"suite.yaml", 4, "holds no cases: write a header row"}}},
		{"csv: image outside the folder", map[string]string{"suite.yaml": csvSuite, "c.csv": "id,q,reference,images\n1,x,y,../../etc/passwd|/etc/hostname\n"},
			[]want{{"c.csv", 2, "leaves the suite's folder"}, {"c.csv", 2, "is absolute"}}},
		{"tsv: wrong width", map[string]string{"suite.yaml": tsvSuite, "c.tsv": "id\tq\treference\n1\tx\n2\tx\ty\n"},
			[]want{{"c.tsv", 2, "row has 2 cells"}}},
		{"tsv: missing field the prompt uses", map[string]string{"suite.yaml": tsvSuite, "c.tsv": "id\tquestion\treference\n1\tx\ty\n"},
			[]want{{"c.tsv", 2, `has no field "q"`}}},
		{"both prompt and messages", map[string]string{"suite.yaml": suite("messages: [{role: user, content: hi}]\n"), "c.jsonl": okLine},
			[]want{{"suite.yaml", 5, "both prompt: and messages:"}}},
		{"bad suite messages", map[string]string{"suite.yaml": "name: t\nscorers: [exact]\ncases: c.jsonl\nmessages:\n  - {role: user, content: x}\n  - {role: robot, content: x}\n  - {role: user, content: 3}\n  - {role: user, content: \"{{.q\"}\n  - {role: assistant, text: x}\n",
			"c.jsonl": okLine},
			[]want{{"suite.yaml", 6, `role must be system, user or assistant, not "robot"`},
				{"suite.yaml", 7, "content must be text"},
				{"suite.yaml", 8, "message template"},
				{"suite.yaml", 9, `unknown key "text"`},
				{"suite.yaml", 9, "message 5 has no content"}}},
		{"suite messages out of order", map[string]string{"suite.yaml": "name: t\nsystem: s\nscorers: [exact]\ncases: c.jsonl\nmessages:\n  - {role: system, content: x}\n  - {role: user, content: x}\n  - {role: system, content: x}\n  - {role: assistant, content: x}\n",
			"c.jsonl": okLine},
			[]want{{"suite.yaml", 5, "the first message is a system message but the suite has system:"},
				{"suite.yaml", 5, "message 3 is a system message: only the first"},
				{"suite.yaml", 5, "the last message is from the assistant"}}},
		{"bad case messages", map[string]string{"suite.yaml": suite(""),
			"c.jsonl": `{"id": "a", "reference": "y", "messages": "hi"}
{"id": "b", "reference": "y", "messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}]}
{"id": "c", "reference": "y", "messages": [{"role": "user", "content": "{{.nope}}"}]}
{"id": "d", "reference": "y", "messages": []}`},
			[]want{{"c.jsonl", 1, `"messages" must be a list`},
				{"c.jsonl", 2, "the last message is from the assistant"},
				{"c.jsonl", 3, `case "c" has no field "nope", which its messages use`},
				{"c.jsonl", 4, "the list is empty"}}},
		{"no prompt and a case without messages", map[string]string{"suite.yaml": "name: t\nscorers: [exact]\ncases: c.jsonl\n",
			"c.jsonl": `{"id": "a", "reference": "y", "messages": [{"role": "user", "content": "x"}]}` + "\n" + `{"id": "b", "reference": "y"}`},
			[]want{{"c.jsonl", 2, `case "b" has no "messages" and the suite has no prompt:`}}},
		{"bad examples", map[string]string{"suite.yaml": suite("examples:\n  - {user: a}\n  - {user: a, input: b, assistant: c}\n  - {user: a, assistant: [c]}\n  - {user: a, answer: c}\n  - just text\n"), "c.jsonl": okLine},
			[]want{{"suite.yaml", 6, "example 1 needs a non-empty user"},
				{"suite.yaml", 7, "has both user and input"},
				{"suite.yaml", 8, "example 3: assistant must be text"},
				{"suite.yaml", 9, `unknown example key "answer"`},
				{"suite.yaml", 10, "example 5 must be a mapping"}}},
		{"examples not a list", map[string]string{"suite.yaml": suite("examples: {user: a}\n"), "c.jsonl": okLine},
			[]want{{"suite.yaml", 5, "examples must be a list"}}},
		{"helper on a non-list", map[string]string{"suite.yaml": "name: t\nprompt: \"{{letters .q}}\"\nscorers: [exact]\ncases: c.jsonl\n", "c.jsonl": okLine},
			[]want{{"c.jsonl", 1, `letters needs a list, got a string (for text with separators, use split first`}}},
		{"too many letters", map[string]string{"suite.yaml": "name: t\nprompt: \"{{letters .q}}\"\nscorers: [exact]\ncases: c.jsonl\n",
			"c.jsonl": `{"id": "a", "reference": "y", "q": [` + strings.Repeat(`"o", `, 26) + `"o"]}`},
			[]want{{"c.jsonl", 1, "27 options, more than the 26 letters"}}},
		{"unknown helper", map[string]string{"suite.yaml": "name: t\nprompt: \"{{shout .q}}\"\nscorers: [exact]\ncases: c.jsonl\n", "c.jsonl": okLine},
			[]want{{"suite.yaml", 2, `function "shout" not defined`}}},
		{"primary not a scorer", map[string]string{"suite.yaml": suite("primary: rougeL\n"), "c.jsonl": okLine},
			[]want{{"suite.yaml", 5, `primary "rougeL" is not one of the suite's scorers`}}},
		{"bad tags", map[string]string{"suite.yaml": suite(""), "c.jsonl": `{"id": "a", "q": "x", "reference": "y", "tags": [1, {"a": 2}]}` + "\n" + `{"id": "b", "q": "x", "reference": "y", "tags": [" zh"]}`},
			[]want{{"c.jsonl", 1, `"tags" must be a list of strings`}, {"c.jsonl", 2, `tag " zh" is empty or has spaces`}}},
		{"bad case scorers", map[string]string{"suite.yaml": suite(""),
			"c.jsonl": `{"id": "a", "q": "x", "reference": "y", "scorers": ["nope"]}
{"id": "b", "q": "x", "reference": "y", "scorers": ["judge"]}
{"id": "c", "q": "x", "reference": "many", "scorers": ["numeric"]}
{"id": "d", "q": "x", "reference": "y", "scorers": []}
{"id": "e", "q": "x", "reference": "y", "scorers": 3}`},
			[]want{{"c.jsonl", 1, `unknown scorer "nope"`},
				{"c.jsonl", 2, `"scorers" names judge`},
				{"c.jsonl", 3, `scorer numeric: reference "many" is not a number`},
				{"c.jsonl", 4, `"scorers" is empty`},
				{"c.jsonl", 5, `"scorers" must be a list of names`}}},
		{"case scorers in a judged suite", map[string]string{"suite.yaml": "name: t\nprompt: \"{{.q}}\"\nscorers: [judge]\njudge: {mode: pairwise}\ncases: c.jsonl\n",
			"c.jsonl": `{"id": "a", "q": "x", "scorers": ["exact"], "reference": "y"}`},
			[]want{{"c.jsonl", 1, "the suite is scored by a judge"}}},
		{"a case without messages when only cases have them", map[string]string{"suite.yaml": "name: t\nscorers: [numeric]\ncases: c.jsonl\n",
			"c.jsonl": `{"id": "a", "reference": "1", "messages": [{"role": "user", "content": "one?"}]}
{"id": "b", "reference": "many"}`},
			[]want{{"c.jsonl", 2, `case "b" has no "messages"`}, {"c.jsonl", 2, `scorer numeric: reference "many" is not a number`}}},
		{"bad image URLs", map[string]string{"suite.yaml": suite(""), "c.jsonl": `{"id": "a", "q": "x", "reference": "y", "images": ["https://", "http://user:secret@example.org/a.png", "https://example.org/a b.png"]}`},
			[]want{{"c.jsonl", 1, `image URL "https://" is not a valid`},
				{"c.jsonl", 1, "carries a user name or password"},
				{"c.jsonl", 1, "is not a valid http(s) URL"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Load(writeSuite(t, tt.files))
			checkProblems(t, s, err, tt.want)
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("a password in an image URL was echoed: %v", err)
			}
		})
	}
}

// TestHashesOfOldSuitesUnchanged pins the hash of a suite that uses only
// the keys suites had before messages, examples, primary, tags and
// per-case scorers: those are in the hash only when set, so every suite
// written before keeps its hash (and its runs stay comparable).
func TestHashesOfOldSuitesUnchanged(t *testing.T) {
	s := mustLoad(t, map[string]string{
		"suite.yaml": "name: pinned\nsystem: Be brief.\nprompt: \"Q: {{.q}}\"\nscorers: [exact, {name: rouge1, stem: true}]\nparams: {temperature: 0}\ncases: c.jsonl\n",
		"c.jsonl":    `{"id": "a", "q": "x", "reference": "y", "images": ["p.png"]}` + "\n" + `{"id": 2, "q": "z", "references": ["1", "2"]}`,
		"p.png":      string(pngBytes(t, 2, 2)),
	})
	// Computed by the loader before those keys existed.
	const want = "0ad372858c8358e1326cbff7012690758a78037c060f1fbd2ed6152b283220d4"
	if s.Hash != want {
		t.Errorf("hash = %s, want %s", s.Hash, want)
	}
	tagged := mustLoad(t, map[string]string{
		"suite.yaml": "name: pinned\nsystem: Be brief.\nprompt: \"Q: {{.q}}\"\nscorers: [exact, {name: rouge1, stem: true}]\nparams: {temperature: 0}\ncases: c.jsonl\n",
		"c.jsonl":    `{"id": "a", "q": "x", "reference": "y", "images": ["p.png"], "tags": ["t"]}` + "\n" + `{"id": 2, "q": "z", "references": ["1", "2"]}`,
		"p.png":      string(pngBytes(t, 2, 2)),
	})
	if tagged.Hash != want {
		t.Errorf("a tag changed the suite hash")
	}
}

func TestNewKeysChangeTheHash(t *testing.T) {
	base := "name: h\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases: c.jsonl\n"
	line := `{"id": "a", "q": "x", "reference": "y"}`
	orig := mustLoad(t, map[string]string{"suite.yaml": base, "c.jsonl": line}).Hash
	tests := []struct{ name, suite, cases string }{
		{"examples", base + "examples: [{user: a, assistant: b}]\n", line},
		{"suite messages", "name: h\nmessages: [{role: user, content: \"{{.q}}\"}]\nscorers: [exact]\ncases: c.jsonl\n", line},
		{"case messages", base, `{"id": "a", "q": "x", "reference": "y", "messages": [{"role": "user", "content": "{{.q}}"}]}`},
		{"case scorers", base, `{"id": "a", "q": "x", "reference": "y", "scorers": ["exact"]}`},
		{"remote image", base, `{"id": "a", "q": "x", "reference": "y", "images": ["https://example.org/a.png"]}`},
	}
	seen := map[string]string{orig: "original"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := mustLoad(t, map[string]string{"suite.yaml": tt.suite, "c.jsonl": tt.cases}).Hash
			if prev, dup := seen[h]; dup {
				t.Errorf("hash equals the %s suite's", prev)
			}
			seen[h] = tt.name
		})
	}
}
