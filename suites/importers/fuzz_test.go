package importers_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/llmbench/llmbench/suites"
	"github.com/llmbench/llmbench/suites/importers"
)

// The fuzz targets feed any bytes to the importers as a source file. The
// property: Import never panics; it either refuses the source with a
// *SourceError (or an *OptionError), or writes suites that suites.Load
// accepts with at most one case per source row. Seed corpora are in
// testdata/fuzz/<target>/ (and the f.Add seeds below).

// fuzzImport imports data as file name under a fresh folder that also
// holds a valid image a.png, and checks the property.
func fuzzImport(t *testing.T, name string, data []byte, opts importers.Options) {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, name)
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.png"), []byte(tinyPNG), 0o644); err != nil {
		t.Fatal(err)
	}
	if opts.Dev == "self" {
		opts.Dev = src
	}
	res, err := importers.Import(src, filepath.Join(dir, "out-"+opts.Format), opts)
	if err != nil {
		var se *importers.SourceError
		var oe *importers.OptionError
		if !errors.As(err, &se) && !errors.As(err, &oe) {
			t.Fatalf("format %s: error %v (%T) is neither a *SourceError nor an *OptionError", opts.Format, err, err)
		}
		if se != nil && len(se.Problems) == 0 {
			t.Fatalf("format %s: a *SourceError without problems", opts.Format)
		}
		return
	}
	for _, si := range res.Suites {
		s, err := suites.Load(si.Path)
		if err != nil {
			t.Fatalf("format %s: Import accepted the source but its suite does not load: %v", opts.Format, err)
		}
		if opts.Format != "promptfoo" && s.Len() > res.Rows {
			t.Fatalf("format %s: %d cases from %d rows", opts.Format, s.Len(), res.Rows)
		}
	}
}

func FuzzImportJSONL(f *testing.F) {
	f.Add([]byte(`{"question": "2+2?", "answer": "4\n#### 4"}` + "\n"))
	f.Add([]byte(`{"id": 1, "document": "Text.", "summary": "Sum.", "article": "A.", "highlights": "H.", "text": "正文。"}` + "\n"))
	f.Add([]byte(`{"id": "x", "image": "a.png", "references": ["a cat", "a dog"]}` + "\n" + `{"id": "y", "images": ["a.png"], "captions": ["one", "two"]}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []string{"gsm8k", "xsum", "cnn-dm", "lcsts", "coco-captions"} {
			fuzzImport(t, "src.jsonl", data, importers.Options{Format: format})
		}
		fuzzImport(t, "src.jsonl", data, importers.Options{Format: "gsm8k", Dev: "self", Shots: 2})
	})
}

func FuzzImportCSV(f *testing.F) {
	f.Add([]byte("What is 1+1?,1,2,3,4,B\n"))
	f.Add([]byte(",Question,A,B,C,D,Answer\n0,问题,甲,乙,丙,丁,C\n"))
	f.Add([]byte("id,question,A,B,C,D,answer,explanation\n0,q,a,b,c,d,D,why\n"))
	f.Add([]byte("subject,id,Question,A,B,C,D,Answer\nlogical,1,q,a,b,c,d,A\n"))
	f.Add([]byte("id,article,highlights\n1,\"Text, quoted.\",\"Line one .\nLine two .\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []string{"mmlu", "cmmlu", "ceval", "cnn-dm", "xsum"} {
			fuzzImport(t, "src.csv", data, importers.Options{Format: format})
		}
		fuzzImport(t, "src.csv", data, importers.Options{Format: "cmmlu", Dev: "self", Shots: 3})
	})
}

func FuzzImportTSV(f *testing.F) {
	f.Add([]byte("摘要\t正文。\n"))
	f.Add([]byte("\xef\xbb\xbf标题一\t内容一。\r\n\n标题二\t内容二。\n"))
	f.Add([]byte("a\tb\tc\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzImport(t, "src.tsv", data, importers.Options{Format: "lcsts"})
	})
}

func FuzzImportCOCO(f *testing.F) {
	f.Add([]byte(`{"images": [{"id": 1, "file_name": "a.png"}, {"id": 2, "file_name": "a.png"}], "annotations": [{"image_id": 1, "caption": "A cat."}, {"image_id": 2, "caption": "A dog."}]}`))
	f.Add([]byte(`{"licenses": [{"id": 4, "name": "CC BY", "url": "u"}], "images": [{"id": "7", "file_name": "a.png", "license": 4}], "annotations": [{"image_id": "7", "caption": "x"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzImport(t, "captions.json", data, importers.Options{Format: "coco-captions"})
	})
}

func FuzzImportPromptfoo(f *testing.F) {
	for _, p := range []string{"testdata/promptfoo/translate/promptfooconfig.yaml", "testdata/promptfoo/rubric/promptfooconfig.yaml"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("prompts: ['Q: {{q}}']\nproviders: [openai:gpt-4o]\ntests:\n  - vars: {q: [a, b]}\n    assert: [{type: equals, value: a}, {type: icontains-all, value: 'x,y'}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzImport(t, "promptfooconfig.yaml", data, importers.Options{Format: "promptfoo"})
	})
}
