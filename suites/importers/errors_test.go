package importers_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmbench/llmbench/suites/importers"
)

// pngHeader is the first bytes of a PNG: enough for the type to be
// sniffed, not for the image to decode.
const pngHeader = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"

// TestBadInput: a malformed source is refused with every problem named by
// file, line (or record, or JSON path) and what to fix, and nothing is
// written.
func TestBadInput(t *testing.T) {
	gsmOK := `{"question": "q?", "answer": "a\n#### 1"}` + "\n"
	tests := []struct {
		name   string
		format string
		files  map[string]string // in a fresh folder; the source is "src"
		opts   importers.Options
		// want are substrings of the problems, in order: "src:2" means
		// the source file, line 2.
		want []string
	}{
		{name: "gsm8k invalid JSON", format: "gsm8k",
			files: map[string]string{"src": gsmOK + `{"question": "q", "answer": ` + "\n" + gsmOK},
			want:  []string{"src:2: not valid JSON (unexpected EOF): write one JSON object per line"}},
		{name: "gsm8k every bad line", format: "gsm8k",
			files: map[string]string{"src": `[1, 2]` + "\n" + `{"question": "q", "answer": "no final line"}` + "\n" + `{"answer": "#### 2"}` + "\n" + "\xff\xfe\n" + `{"q": 1} {"q": 2}` + "\n"},
			want: []string{"src:1: a list, not a JSON object", `src:2: "answer" has no final "#### <number>"`, `src:3: "question" is missing (fields: answer)`,
				"src:4: not UTF-8 text", "src:5: more than one JSON value on the line"}},
		{name: "gsm8k duplicate id", format: "gsm8k",
			files: map[string]string{"src": `{"id": "a", "question": "q", "answer": "#### 1"}` + "\n" + `{"id": "a", "question": "r", "answer": "#### 2"}` + "\n"},
			want:  []string{`src:2: duplicate id "a" (also at src:1)`}},
		{name: "gsm8k reference not a number", format: "gsm8k",
			files: map[string]string{"src": `{"question": "q", "answer": "#### Paris"}` + "\n"},
			want:  []string{"src:1: case 1 cannot be scored by numeric, the suite's primary scorer"}},
		{name: "xsum missing summary field", format: "xsum",
			files: map[string]string{"src": `{"id": "1", "document": "Text.", "abstract": "S."}` + "\n"},
			want:  []string{`src:1: summary field "summary" is missing (fields: abstract, document, id): name it with --summary-field`}},
		{name: "xsum empty document", format: "xsum",
			files: map[string]string{"src": `{"id": "1", "document": "  ", "summary": "S."}` + "\n"},
			want:  []string{`src:1: document field "document" is empty`}},
		{name: "cnn-dm csv short record", format: "cnn-dm",
			files: map[string]string{"src": "id,article,highlights\n1,Text.,Sum.\n2,Only two\n"},
			want:  []string{"src:3: record 3: 2 fields, the header has 3"}},
		{name: "cnn-dm csv stray quote", format: "cnn-dm",
			files: map[string]string{"src": "id,article,highlights\n1,He said \"hi,Sum.\n"},
			want:  []string{"src:2: record 2, column 11: bare \" in non-quoted-field"}},
		{name: "lcsts tsv without tab", format: "lcsts",
			files: map[string]string{"src": "摘要\t正文。\n只有一列\n"},
			want:  []string{"src:2: 0 tabs on the line: each line of the LCSTS TSV is summary<TAB>text"}},
		{name: "coco jsonl image leaves the folder", format: "coco-captions",
			files: map[string]string{"src": `{"id": "1", "image": "../secret.png", "references": ["a", "b"]}` + "\n"},
			want:  []string{`src:1: image "../secret.png" is not inside the image folder`}},
		{name: "coco jsonl absolute image", format: "coco-captions",
			files: map[string]string{"src": `{"id": "1", "image": "/etc/passwd", "references": ["a"]}` + "\n"},
			want:  []string{`src:1: image "/etc/passwd" is not inside the image folder`}},
		{name: "coco jsonl image URL of another scheme", format: "coco-captions",
			files: map[string]string{"src": `{"id": "1", "image": "ftp://example.test/1.jpg", "references": ["a"]}` + "\n"},
			want:  []string{"src:1: image \"ftp://example.test/1.jpg\" is a URL llmbench cannot use"}},
		{name: "coco jsonl missing image and text image", format: "coco-captions",
			files: map[string]string{"src": `{"id": "1", "image": "none.png", "references": ["a"]}` + "\n" + `{"id": "2", "image": "notes.png", "references": ["a"]}` + "\n", "notes.png": "just text"},
			want:  []string{"src:1: image none.png not found", "src:2: image notes.png: is text/plain; charset=utf-8, not a PNG, JPEG, GIF or WebP image"}},
		{name: "coco jsonl image that does not decode", format: "coco-captions",
			files: map[string]string{"src": `{"id": "1", "image": "a.png", "references": ["a"]}` + "\n" + `{"id": "2", "image": "bad.png", "references": ["b"]}` + "\n", "a.png": tinyPNG, "bad.png": pngHeader},
			want:  []string{"src:2: image images/bad.png does not decode"}},
		{name: "coco jsonl bad tags and a reserved field", format: "coco-captions",
			files: map[string]string{"src": `{"id": "1", "image": "a.png", "references": ["a"], "tags": [" x"]}` + "\n" + `{"id": "2", "image": "a.png", "references": ["b"], "scorers": ["exact"]}` + "\n", "a.png": tinyPNG},
			want:  []string{`src:2: field "scorers" has a meaning of its own in llmbench cases: rename it`}},
		{name: "coco jsonl bad tags", format: "coco-captions",
			files: map[string]string{"src": `{"id": "1", "image": "a.png", "references": ["a"], "tags": [" x"]}` + "\n" + `{"id": "2", "image": "a.png", "references": ["b"]}` + "\n", "a.png": tinyPNG},
			want:  []string{`src:1: tag " x" is empty or has spaces around it`}},
		{name: "coco jsonl references not a list of text", format: "coco-captions",
			files: map[string]string{"src": `{"id": "1", "image": "a.png", "references": [1]}` + "\n", "a.png": tinyPNG},
			want:  []string{`src:1: "references" is a list holding a number or an empty string`}},
		{name: "coco json truncated", format: "coco-captions",
			files: map[string]string{"src": "{\n  \"images\": [\n    {\"id\": 1,\n"},
			want:  []string{"src:3: the file ends inside the JSON document: is it complete?"}},
		{name: "coco json unknown image and uncaptioned image", format: "coco-captions",
			files: map[string]string{"src": `{"images": [{"id": 1, "file_name": "a.png"}, {"id": 2, "file_name": "a.png"}], "annotations": [{"image_id": 1, "caption": "x"}, {"image_id": 9, "caption": "y"}]}`, "a.png": tinyPNG},
			want:  []string{"src: images[1]: image 2 (a.png) has no caption in annotations", "src: annotations[1].image_id: image 9 is not among the images"}},
		{name: "coco json image info file", format: "coco-captions",
			files: map[string]string{"src": `{"info": {}, "images": [{"id": 1, "file_name": "a.png"}]}`},
			want:  []string{`src: $: no "images" and "annotations" lists (keys: images, info)`}},
		{name: "mmlu answer out of range", format: "mmlu",
			files: map[string]string{"src": "q1,a,b,c,d,A\nq2,a,b,c,d,E\nq3,a,b,c\n"},
			want:  []string{`src:2: record 2: answer "E" is not one of the option letters A–D`, "src:3: record 3: 4 fields, expected 6"}},
		{name: "ceval test split has no answers", format: "ceval",
			files: map[string]string{"src": "id,question,A,B,C,D\n0,q,a,b,c,d\n"},
			want:  []string{"src:1: record 1: no answer column: the file has no answers (C-Eval's test split has none: import the val split"}},
		{name: "cmmlu dev without the subject", format: "cmmlu",
			files: map[string]string{"src": ",Question,A,B,C,D,Answer\n0,q,a,b,c,d,A\n", "dev.csv": ",Question,A,B,C,D,Answer\n0,q,a,b,c,d,B\n"},
			opts:  importers.Options{Dev: "dev.csv", Shots: 5},
			want:  []string{`src:2: record 2: the dev file dev.csv has no examples for subject "src" (it has "dev"): give a dev file of the same subject, or --subject`}},
		{name: "promptfoo YAML syntax", format: "promptfoo",
			files: map[string]string{"src": "prompts:\n  - 'Hi {{name}}'\ntests:\n  - vars: {name: [a, b}\n"},
			want:  []string{"src:4: YAML syntax"}},
		{name: "promptfoo without prompts", format: "promptfoo",
			files: map[string]string{"src": "providers: [openai:gpt-4o]\ntests:\n  - vars: {a: 1}\n    assert: [{type: equals, value: '1'}]\n"},
			want:  []string{"src: no prompts: a promptfoo config lists its prompts under prompts:"}},
		{name: "promptfoo with nothing scorable", format: "promptfoo",
			files: map[string]string{"src": "prompts: ['Hi {{name}}']\ntests:\n  - vars: {name: Bo}\n    assert: [{type: javascript, value: 'output.length > 1'}]\n"},
			want:  []string{"src: tests: none of the 1 test has an assertion llmbench can score", "custom code is not run by llmbench"}},
		{name: "promptfoo prompt that does not translate", format: "promptfoo",
			files: map[string]string{"src": "prompts: ['{{ name | upper }}']\ntests:\n  - vars: {name: Bo}\n    assert: [{type: equals, value: BO}]\n"},
			want:  []string{"src:1: prompts: no prompt could be imported (prompts[0]: not mapped: it uses {{ name | upper }}"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			// Paths relative to dir, so problems read "src:2: ...".
			t.Chdir(dir)
			opts := tt.opts
			opts.Format = tt.format
			_, err := importers.Import("src", "out", opts)
			var se *importers.SourceError
			if !errors.As(err, &se) {
				t.Fatalf("error %v (%T), want a *SourceError", err, err)
			}
			msg := err.Error()
			at := 0
			for _, w := range tt.want {
				i := strings.Index(msg[at:], w)
				if i < 0 {
					t.Fatalf("problems lack %q (in order):\n%s", w, msg)
				}
				at += i + len(w)
			}
			if entries, _ := os.ReadDir("out"); len(entries) > 0 {
				t.Errorf("files were written to out/ for a bad source: %v", entries)
			}
		})
	}
}

// tinyPNG is a 1×1 PNG.
const tinyPNG = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"

func TestProblemsStopAtALimit(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.jsonl")
	if err := os.WriteFile(src, []byte(strings.Repeat("not json\n", 500)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := importers.Import(src, filepath.Join(dir, "out"), importers.Options{Format: "gsm8k"})
	var se *importers.SourceError
	if !errors.As(err, &se) || len(se.Problems) != 100 || !se.Truncated || !strings.Contains(err.Error(), "stopped after 100 problems") {
		t.Fatalf("error %v", err)
	}
}

func TestOptionErrors(t *testing.T) {
	src := "testdata/gsm8k/gsm8k_mini.jsonl"
	tests := []struct {
		name string
		opts importers.Options
		want string
	}{
		{"no format", importers.Options{}, "no format given: choose one of gsm8k, xsum, cnn-dm, lcsts, coco-captions, mmlu, cmmlu, ceval, promptfoo"},
		{"unknown format", importers.Options{Format: "squad"}, `unknown format "squad"`},
		{"flag the format does not take", importers.Options{Format: "gsm8k", Images: "x", Subject: "y"}, "format gsm8k does not take --images, --subject (it takes --dev, --shots)"},
		{"promptfoo takes no flags", importers.Options{Format: "promptfoo", Dev: "x", Shots: 5}, "format promptfoo does not take --dev, --shots (it takes no format-specific options)"},
		{"shots without dev", importers.Options{Format: "mmlu", Shots: 3}, "--shots needs --dev"},
		{"dev without shots", importers.Options{Format: "mmlu", Dev: src}, "shots is 0: with --dev give at least 1 example"},
		{"negative limit", importers.Options{Format: "gsm8k", Limit: -1}, "limit -1 is negative"},
		{"two-line name", importers.Options{Format: "gsm8k", Name: "a\nb"}, "is not a usable suite name"},
		{"document field reserved", importers.Options{Format: "xsum", DocumentField: "id"}, "reserve"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := importers.Import(src, filepath.Join(t.TempDir(), "out"), tt.opts)
			var oe *importers.OptionError
			if !errors.As(err, &oe) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v (%T), want an *OptionError containing %q", err, err, tt.want)
			}
		})
	}
}

// TestForce: a second import into the same folder is refused unless
// forced, and the refused one leaves the first untouched.
func TestForce(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "out")
	opts := importers.Options{Format: "gsm8k"}
	if _, err := importers.Import("testdata/gsm8k/gsm8k_mini.jsonl", dest, opts); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(filepath.Join(dest, "cases.jsonl"))
	opts.Limit = 1
	_, err := importers.Import("testdata/gsm8k/gsm8k_mini.jsonl", dest, opts)
	if err == nil || !strings.Contains(err.Error(), "already holds cases.jsonl, suite.yaml: choose another folder, or pass --force") {
		t.Fatalf("second import: %v", err)
	}
	if again, _ := os.ReadFile(filepath.Join(dest, "cases.jsonl")); string(again) != string(first) {
		t.Error("the refused import changed the first one's files")
	}
	opts.Force = true
	res, err := importers.Import("testdata/gsm8k/gsm8k_mini.jsonl", dest, opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Suites[0].Cases != 1 {
		t.Errorf("forced import wrote %d cases, want 1", res.Suites[0].Cases)
	}
	entries, _ := os.ReadDir(dest)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".import-") {
			t.Errorf("scratch folder %s left behind", e.Name())
		}
	}
}
