package importers_test

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/suites"
	"github.com/llmbench/llmbench/suites/importers"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// fixtures are small files written for these tests from each format's
// documentation, for the formats ../shared/data has no sample of (and the
// TSV form of LCSTS, and GSM8K's few-shot split).
var fixtures = []struct {
	name string
	src  string
	opts importers.Options
	// rows counts the source's rows independently of the importers.
	rows func(t *testing.T, src string) int
}{
	{"mmlu", "testdata/mmlu/high_school_geography_test.csv",
		importers.Options{Format: "mmlu", Dev: "testdata/mmlu/high_school_geography_dev.csv", Shots: 5}, csvRows(false)},
	{"ceval", "testdata/ceval/computer_network_val.csv",
		importers.Options{Format: "ceval", Dev: "testdata/ceval/computer_network_dev.csv", Shots: 5}, csvRows(true)},
	{"ceval-zero-shot", "testdata/ceval/computer_network_val.csv",
		importers.Options{Format: "ceval"}, csvRows(true)},
	{"cnn-dm-jsonl", "testdata/cnndm/cnn_dm_mini.jsonl", importers.Options{Format: "cnn-dm"}, jsonlRows},
	{"cnn-dm-csv", "testdata/cnndm/cnn_dm_mini.csv", importers.Options{Format: "cnn-dm", Name: "cnn-dm-csv"}, csvRows(true)},
	{"coco-json", "testdata/coco/captions_val_mini.json", importers.Options{Format: "coco-captions", Images: "testdata/coco/val_mini"}, cocoImages},
	{"lcsts-tsv", "testdata/lcsts/lcsts_mini.tsv", importers.Options{Format: "lcsts"}, lineRows},
	{"gsm8k-fewshot", "testdata/gsm8k/gsm8k_mini.jsonl",
		importers.Options{Format: "gsm8k", Dev: "testdata/gsm8k/gsm8k_train_mini.jsonl", Shots: 2}, jsonlRows},
	{"promptfoo-translate", "testdata/promptfoo/translate/promptfooconfig.yaml", importers.Options{Format: "promptfoo"}, nil},
	{"promptfoo-rubric", "testdata/promptfoo/rubric/promptfooconfig.yaml", importers.Options{Format: "promptfoo"}, nil},
}

func csvRows(header bool) func(*testing.T, string) int {
	return func(t *testing.T, src string) int {
		n := len(csvRecords(t, src))
		if header {
			n--
		}
		return n
	}
}

func jsonlRows(t *testing.T, src string) int { return len(jsonlObjects(t, src)) }

func lineRows(t *testing.T, src string) int {
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	return len(strings.Split(strings.TrimSpace(string(data)), "\n"))
}

func cocoImages(t *testing.T, src string) int {
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Images []any `json:"images"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return len(doc.Images)
}

// TestFixtures imports every fixture, loads what was written, checks that
// every source row became a case, and compares the files written and the
// first case's prompt of each suite with testdata/golden (go test -update
// rewrites them).
func TestFixtures(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			res, ss := importAndLoad(t, fx.src, fx.opts)
			if fx.rows != nil {
				want := fx.rows(t, fx.src)
				if len(ss) != 1 || ss[0].Len() != want || res.Rows != want {
					t.Errorf("%d suites, %d cases, %d rows read; want 1 suite with one case per source row (%d)", len(ss), ss[0].Len(), res.Rows, want)
				}
			}
			golden := filepath.Join("testdata", "golden", fx.name+".txt")
			got := snapshot(t, res, ss)
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to write it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", golden, diff)
			}
		})
	}
}

// snapshot is every file written (images by size) and each suite's first
// rendered prompt.
func snapshot(t *testing.T, res *importers.Result, ss []*suites.Suite) string {
	t.Helper()
	var b strings.Builder
	var files []string
	filepath.WalkDir(res.Dest, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(res.Dest, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	})
	sort.Strings(files)
	if diff := cmp.Diff(files, res.Files); diff != "" {
		t.Errorf("Result.Files differs from the folder (-folder +Files):\n%s", diff)
	}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(res.Dest, f))
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(f, "images/") {
			fmt.Fprintf(&b, "== %s (%d bytes)\n", f, len(data))
			continue
		}
		fmt.Fprintf(&b, "== %s\n%s", f, data)
		if len(data) > 0 && data[len(data)-1] != '\n' {
			b.WriteString("\n")
		}
	}
	for _, s := range ss {
		fmt.Fprintf(&b, "== rendered: suite %s, case %s\n%s\n", s.Name, casesOf(t, s)[0].ID, render(t, s, 0))
	}
	return b.String()
}

// TestPromptfooTargets reads the targets.yaml written for the translate
// fixture: every provider llmbench can reach, and nothing else; the API
// key in the config is in no file.
func TestPromptfooTargets(t *testing.T) {
	res, ss := importAndLoad(t, "testdata/promptfoo/translate/promptfooconfig.yaml", importers.Options{Format: "promptfoo"})
	data, err := os.ReadFile(res.Targets)
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Name    string           `yaml:"name"`
		Targets []map[string]any `yaml:"targets"`
		Suites  []string         `yaml:"suites"`
		Repeats int              `yaml:"repeats"`
	}
	if err := yaml.UnmarshalWithOptions(data, &cfg, yaml.Strict()); err != nil {
		t.Fatalf("targets.yaml: %v\n%s", err, data)
	}
	var names []string
	for _, tg := range cfg.Targets {
		names = append(names, fmt.Sprint(tg["name"], "=", tg["provider"], "/", tg["model"]))
	}
	want := []string{"gpt-4o=openai/gpt-4o", "claude=anthropic/claude-3-5-sonnet-20241022", "gemini-1.5-pro=gemini/gemini-1.5-pro", "local-qwen=openai/qwen2.5-7b-instruct"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
	if cfg.Repeats != 3 || len(cfg.Suites) != len(ss) {
		t.Errorf("repeats %d, suites %v", cfg.Repeats, cfg.Suites)
	}
	for _, f := range res.Files {
		b, _ := os.ReadFile(filepath.Join(res.Dest, f))
		if strings.Contains(string(b), "sk-never-copied") {
			t.Errorf("%s holds the API key from the promptfoo config", f)
		}
	}
	// One suite per prompt. Every test with a scorable assertion is a
	// case (list vars expanded: tests[3] twice); tests[4] (regex only) and
	// the javascript-only CSV row are not. The equals tests carry their
	// own scorers.
	if len(ss) != 2 {
		t.Fatalf("%d suites, want one per prompt", len(ss))
	}
	cases := map[string]bool{}
	for _, s := range ss {
		for _, c := range casesOf(t, s) {
			cases[c.ID] = true
			own := len(c.Scorers) > 0
			if _, equals := c.Fields["keywords"]; own == equals {
				t.Errorf("case %s: scorers %v, fields %v", c.ID, c.Scorers, c.Fields)
			}
		}
	}
	var ids []string
	for id := range cases {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	if diff := cmp.Diff([]string{"test-1", "test-2", "test-3", "test-4-1", "test-4-2", "test-6", "test-7", "test-9"}, ids); diff != "" {
		t.Errorf("cases (-want +got):\n%s", diff)
	}
	var notes []string
	for _, n := range res.Notes {
		notes = append(notes, n.String())
	}
	for _, want := range []string{"vertex:gemini-pro is not mapped", "custom code is not run", "2 tests without an assertion llmbench can score, not imported: tests[4], tests.csv record 4", "API key in the config is not copied"} {
		if !strings.Contains(strings.Join(notes, "\n"), want) {
			t.Errorf("notes lack %q:\n%s", want, strings.Join(notes, "\n"))
		}
	}
}

// TestImportIsDeterministic: importing the same source twice gives suites
// with the same content hash, so runs of a re-imported suite compare.
func TestImportIsDeterministic(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			_, first := importAndLoad(t, fx.src, fx.opts)
			_, second := importAndLoad(t, fx.src, fx.opts)
			for i := range first {
				if first[i].Hash != second[i].Hash {
					t.Errorf("suite %s hashes %s, then %s", first[i].Name, first[i].Hash, second[i].Hash)
				}
			}
		})
	}
}
