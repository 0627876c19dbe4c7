package importers_test

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmbench/llmbench/internal/shareddata"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/suites"
	"github.com/llmbench/llmbench/suites/importers"
	"github.com/llmbench/llmbench/suites/metrics"
)

// sharedData finds shared/data above the package (CI lays shared/ beside
// the repository) and returns the path of rel inside it. Without it the
// test skips, except under CI (env CI set), where it fails.
func sharedData(t *testing.T, rel string) string {
	return shareddata.Path(t, rel)
}

// importAndLoad imports src into a fresh folder and loads every suite
// written, as a run would.
func importAndLoad(t *testing.T, src string, opts importers.Options) (*importers.Result, []*suites.Suite) {
	t.Helper()
	dest := filepath.Join(t.TempDir(), "out")
	res, err := importers.Import(src, dest, opts)
	if err != nil {
		t.Fatalf("import %s: %v", src, err)
	}
	var loaded []*suites.Suite
	for _, si := range res.Suites {
		s, err := suites.Load(si.Path)
		if err != nil {
			t.Fatalf("the imported suite %s does not load: %v", si.Path, err)
		}
		if s.Len() != si.Cases || s.Name != si.Name {
			t.Errorf("Result says %q with %d cases, the file has %q with %d", si.Name, si.Cases, s.Name, s.Len())
		}
		loaded = append(loaded, s)
	}
	if len(loaded) == 0 {
		t.Fatal("no suite written")
	}
	return res, loaded
}

// jsonlObjects reads a JSON Lines file independently of the importers.
func jsonlObjects(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var o map[string]any
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			t.Fatal(err)
		}
		out = append(out, o)
	}
	return out
}

// csvRecords reads a CSV file independently of the importers.
func csvRecords(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func render(t *testing.T, s *suites.Suite, i int) string {
	t.Helper()
	text, err := s.Render(&casesOf(t, s)[i])
	if err != nil {
		t.Fatal(err)
	}
	return text
}

func TestSharedGSM8K(t *testing.T) {
	src := sharedData(t, "gsm8k/test-sample.jsonl")
	rows := jsonlObjects(t, src)
	_, ss := importAndLoad(t, src, importers.Options{Format: "gsm8k"})
	s := ss[0]
	cs := casesOf(t, s)
	if s.Len() != len(rows) {
		t.Fatalf("%d cases from %d rows", s.Len(), len(rows))
	}
	if diff := cmp.Diff([]string{"numeric", "gsm8k-flexible", "gsm8k-strict"}, s.Scorers); diff != "" {
		t.Errorf("scorers (-want +got):\n%s", diff)
	}
	numeric, _ := suites.LookupScorer("numeric")
	strict, _ := suites.LookupScorer("gsm8k-strict")
	for i, row := range rows {
		c := &cs[i]
		answer := row["answer"].(string)
		if got := render(t, s, i); got != "Question: "+row["question"].(string)+"\nAnswer:" {
			t.Fatalf("case %s prompt %q", c.ID, got)
		}
		if c.Fields["answer_field"] != answer || len(c.References) != 1 {
			t.Fatalf("case %s: answer_field %q, references %q", c.ID, c.Fields["answer_field"], c.References)
		}
		ref := c.References[0]
		// lm-eval's target is the whole answer field; the reference is
		// its final number. exact_match must not tell them apart.
		if metrics.GSM8KNormalise(answer) != metrics.GSM8KNormalise(ref) {
			t.Errorf("case %s: reference %q and the answer field normalise differently", c.ID, ref)
		}
		// The worked solution itself is a right answer for every scorer.
		if sc := numeric.Score(answer, c); sc.Value != 1 {
			t.Errorf("case %s: numeric scores the reference solution %v (read %q, reference %q)", c.ID, sc.Value, sc.Extracted, ref)
		}
		if sc := strict.Score(answer, c); sc.Value != 1 {
			t.Errorf("case %s: gsm8k-strict scores the reference solution %v", c.ID, sc.Value)
		}
	}
}

func TestSharedGSM8KFewShot(t *testing.T) {
	src := sharedData(t, "gsm8k/test-sample.jsonl")
	rows := jsonlObjects(t, src)
	_, ss := importAndLoad(t, src, importers.Options{Format: "gsm8k", Dev: src, Shots: 3, Limit: 4})
	s := ss[0]
	if s.Len() != 4 {
		t.Fatalf("%d cases with --limit 4", s.Len())
	}
	var want strings.Builder
	for _, r := range rows[:3] {
		want.WriteString("Question: " + r["question"].(string) + "\nAnswer: " + r["answer"].(string) + "\n\n")
	}
	want.WriteString("Question: " + rows[3]["question"].(string) + "\nAnswer:")
	if diff := cmp.Diff(want.String(), render(t, s, 3)); diff != "" {
		t.Errorf("3-shot prompt (-want +got):\n%s", diff)
	}
}

func TestSharedXSum(t *testing.T) {
	src := sharedData(t, "summarization/xsum_en.jsonl")
	rows := jsonlObjects(t, src)
	_, ss := importAndLoad(t, src, importers.Options{Format: "xsum"})
	s := ss[0]
	cs := casesOf(t, s)
	if s.Len() != len(rows) || s.DocumentField != "document" {
		t.Fatalf("%d cases from %d rows, document field %q", s.Len(), len(rows), s.DocumentField)
	}
	for i, r := range rows {
		c := &cs[i]
		if c.ID != r["id"] || s.Document(c) != r["document"] || !cmp.Equal(c.References, []string{r["summary"].(string)}) {
			t.Fatalf("case %d: id %q, references %q", i, c.ID, c.References)
		}
		if !strings.HasSuffix(render(t, s, i), "\n\n"+r["document"].(string)) {
			t.Fatalf("case %s: the prompt does not end with the document", c.ID)
		}
	}
}

func TestSharedLCSTS(t *testing.T) {
	src := sharedData(t, "summarization/lcsts_zh.jsonl")
	rows := jsonlObjects(t, src)
	_, ss := importAndLoad(t, src, importers.Options{Format: "lcsts", Limit: 20})
	s := ss[0]
	cs := casesOf(t, s)
	if s.Len() != 20 {
		t.Fatalf("%d cases with --limit 20", s.Len())
	}
	for _, spec := range s.Specs() {
		if spec.Tokenizer != "zh-char" {
			t.Errorf("scorer %s has tokenizer %q, want zh-char", spec.Name, spec.Tokenizer)
		}
	}
	for i := range cs {
		want := "阅读以下文章，并给出简短的摘要：" + rows[i]["text"].(string) + "\n摘要如下："
		if got := render(t, s, i); got != want {
			t.Fatalf("prompt %q, want %q", got, want)
		}
		if cs[i].References[0] != rows[i]["summary"] {
			t.Fatalf("reference %q", cs[i].References[0])
		}
	}
	// A Chinese summary scores as Chinese, not 0: the reference scores 1.
	sc, err := s.BuildScorers()
	if err != nil {
		t.Fatal(err)
	}
	if v := sc[0].Score(rows[0]["summary"].(string), &cs[0]).Value; v != 1 {
		t.Errorf("rougeL of the reference itself = %v", v)
	}
}

func TestSharedCOCOCaptions(t *testing.T) {
	src := sharedData(t, "vision/captions.jsonl")
	rows := jsonlObjects(t, src)
	res, ss := importAndLoad(t, src, importers.Options{Format: "coco-captions"})
	s := ss[0]
	cs := casesOf(t, s)
	if s.Len() != len(rows) {
		t.Fatalf("%d cases from %d rows", s.Len(), len(rows))
	}
	if diff := cmp.Diff([]string{"cider", "bleu", "rougeL"}, s.Scorers); diff != "" {
		t.Errorf("scorers (-want +got):\n%s", diff)
	}
	for i, r := range rows {
		c := &cs[i]
		var refs []string
		for _, x := range r["references"].([]any) {
			refs = append(refs, x.(string))
		}
		if diff := cmp.Diff(refs, c.References); diff != "" {
			t.Errorf("case %s references (-want +got):\n%s", c.ID, diff)
		}
		want, err := os.ReadFile(filepath.Join(filepath.Dir(src), r["image"].(string)))
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Images) != 1 || !bytes.Equal(c.Images[0].Data, want) {
			t.Errorf("case %s: the copied image differs from the source", c.ID)
		}
		if !strings.HasPrefix(c.ImagePaths[0], "images/") {
			t.Errorf("case %s: image path %q is not in the suite's images/", c.ID, c.ImagePaths[0])
		}
		// Attribution travels with the case.
		if c.Fields["flickr_url"] != r["flickr_url"] || c.Fields["image_license"] != r["image_license"] {
			t.Errorf("case %s lost its attribution fields", c.ID)
		}
	}
	if _, err := os.Stat(filepath.Join(res.Dest, "images", "000000397133.jpg")); err != nil {
		t.Error(err)
	}
}

func TestSharedCMMLU(t *testing.T) {
	src := sharedData(t, "cmmlu/test-sample.csv")
	dev := sharedData(t, "cmmlu/dev-fewshot.csv")
	test, devRecs := csvRecords(t, src), csvRecords(t, dev)
	_, ss := importAndLoad(t, src, importers.Options{Format: "cmmlu", Dev: dev, Shots: 5})
	s := ss[0]
	cs := casesOf(t, s)
	if s.Len() != len(test)-1 {
		t.Fatalf("%d cases from %d records", s.Len(), len(test)-1)
	}
	// Header: subject,id,Question,A,B,C,D,Answer. The expected prompt is
	// built here from the records, as lm-eval's cmmlu task lays it out.
	zh := map[string]string{"chinese_history": "中国历史", "computer_science": "计算机科学", "elementary_mathematics": "初等数学",
		"high_school_mathematics": "高中数学", "high_school_physics": "高中物理学", "logical": "逻辑学"}
	block := func(r []string) string {
		return strings.TrimSpace(r[2]) + "\nA. " + r[3] + "\nB. " + r[4] + "\nC. " + r[5] + "\nD. " + r[6] + "\n答案："
	}
	for i, r := range test[1:] {
		var want strings.Builder
		want.WriteString("以下是关于" + zh[r[0]] + "的单项选择题，请直接给出正确答案的选项。\n\n")
		shots := 0
		for _, d := range devRecs[1:] {
			if d[0] == r[0] && shots < 5 {
				want.WriteString(block(d) + d[7] + "\n\n")
				shots++
			}
		}
		want.WriteString(block(r))
		if diff := cmp.Diff(want.String(), render(t, s, i)); diff != "" {
			t.Fatalf("record %d prompt (-want +got):\n%s", i+2, diff)
		}
		if c := &cs[i]; c.ID != r[0]+"-"+r[1] || !cmp.Equal(c.References, []string{r[7]}) {
			t.Fatalf("record %d: id %q, references %q", i+2, c.ID, c.References)
		}
	}
	// The reference letter scores 1 with the choice scorer.
	choice, _ := suites.LookupScorer("choice")
	if v := choice.Score("答案："+cs[0].References[0], &cs[0]).Value; v != 1 {
		t.Errorf("choice scores the right letter %v", v)
	}

	_, ss = importAndLoad(t, src, importers.Options{Format: "cmmlu", Limit: 7, Subject: "logical"})
	if n := ss[0].Len(); n != 7 {
		t.Errorf("%d cases with --limit 7", n)
	}
	if got := render(t, ss[0], 0); !strings.HasPrefix(got, "以下是关于逻辑学的单项选择题") {
		t.Errorf("--subject logical: prompt %q", got)
	}
}

// casesOf reads every case of s, failing the test on an error.
func casesOf(t testing.TB, s *suites.Suite) []suites.Case {
	t.Helper()
	var out []suites.Case
	for c, err := range s.All() {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, *c)
	}
	return out
}
