package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// historyData is the report of the history fixture's reported run, with
// test prices, a rate and quotas: every section of every format has
// something to show.
func historyData(t *testing.T) *Data {
	t.Helper()
	return buildWith(t, historyFixture(), "run-0001", Options{Pricing: testPricing(), PricingFrom: "prices.yaml"})
}

func render(t *testing.T, d *Data, format string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, d, format); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestWriteFormatsGolden(t *testing.T) {
	for _, tt := range []struct{ format, file string }{
		{"md", "report.md.golden"},
		{"json", "report.json.golden"},
		{"csv", "report.csv.golden"},
		{"text", "summary_history.txt.golden"},
	} {
		t.Run(tt.format, func(t *testing.T) {
			got := render(t, historyData(t), tt.format)
			golden(t, tt.file, got)
			// Deterministic: the same data, built again, gives the same bytes.
			if again := render(t, historyData(t), tt.format); !bytes.Equal(got, again) {
				t.Error("two builds of the same runs render differently")
			}
		})
	}
	t.Run("unknown", func(t *testing.T) {
		if err := Write(&bytes.Buffer{}, historyData(t), "xml"); err == nil || !strings.Contains(err.Error(), "md, json, csv") {
			t.Errorf("err = %v, want one listing the formats", err)
		}
	})
}

func TestWriteJSONSchema(t *testing.T) {
	d := historyData(t)
	var doc map[string]any
	if err := json.Unmarshal(render(t, d, "json"), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema", "run", "level", "simulated", "targets", "suites", "cost", "judge", "previous", "trend"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("document lacks %q", k)
		}
	}
	if doc["schema"] != JSONSchema {
		t.Errorf("schema = %v", doc["schema"])
	}
	// The figures are the Data's, at full precision.
	suites := doc["suites"].([]any)
	cell := suites[0].(map[string]any)["cells"].([]any)[2].(map[string]any) // arith, sim-fast
	if cell["target"] != "sim-fast" {
		t.Fatalf("cell order: %v", cell["target"])
	}
	c := cellOf(t, d, "arith", "sim-fast")
	score := cell["score"].(map[string]any)
	if score["centre"] != c.Score.Centre || score["lo"] != c.Score.Lo || int(score["n"].(float64)) != c.Score.N {
		t.Errorf("score %v, cell %+v", score, c.Score)
	}
	cmp := cell["comparison"].(map[string]any)
	if cmp["verdict"] != "worse" || cmp["significant"] != true || cmp["text"] != c.Comparison.Verdict() {
		t.Errorf("comparison %v, want worse and significant", cmp)
	}
	if cost := cell["cost"].(map[string]any); cost["priced"] != false || cost["amount"] != nil {
		t.Errorf("an unpriced cell's cost = %v, want priced false and a null amount (never 0)", cost)
	}
	drops := doc["trend"].(map[string]any)["drops"].([]any)
	if len(drops) != 1 || drops[0].(map[string]any)["run"] != "run-0001" {
		t.Errorf("drops = %v", drops)
	}
}

func TestWriteCSVShape(t *testing.T) {
	d := historyData(t)
	rows, err := csv.NewReader(bytes.NewReader(render(t, d, "csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if want := 1 + len(d.Suites)*len(d.Targets); len(rows) != want {
		t.Fatalf("%d rows, want %d (header + suite × target)", len(rows), want)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, r := range rows[1:] {
		if len(r) != len(CSVHeader) {
			t.Fatalf("row %q has %d fields, want %d", r, len(r), len(CSVHeader))
		}
		c := cellOf(t, d, r[col["suite"]], r[col["target"]])
		if got, want := r[col["score"]], fnum(c.Score.Centre); got != want {
			t.Errorf("%s/%s score %s, want %s", r[col["suite"]], r[col["target"]], got, want)
		}
		if c.Cost.Priced() != (r[col["cost"]] != "") {
			t.Errorf("%s/%s cost %q with priced %v", r[col["suite"]], r[col["target"]], r[col["cost"]], c.Cost.Priced())
		}
	}
}

// TestFormatsEscape puts hostile text in every name the new sections and
// formats show: Markdown stays one table row per target with no live
// markup, and the HTML shows it all as text.
func TestFormatsEscape(t *testing.T) {
	evil := strings.Join(hostile, " ") + " | `x` *y* [z](javascript:alert(3))\nnext line"
	src := historyFixture()
	for _, f := range src.runs {
		for i := range f.targets {
			if f.targets[i].Name == "claude" {
				f.targets[i].Name = "claude" + evil
				f.targets[i].Model = "claude-sonnet" + evil
			}
		}
		for i := range f.results {
			if f.results[i].Target == "claude" {
				f.results[i].Target = "claude" + evil
			}
		}
		f.run.ConfigName = "nightly" + evil
	}
	p := testPricing()
	p.Prices[0].Model = "claude-sonnet" + evil
	p.Prices[0].Source = evil
	p.Exchange.Source = evil
	p.Quotas[0].Target = "claude" + evil
	p.Quotas[0].Note = evil
	d := buildWith(t, src, "run-0001", Options{Pricing: p, PricingFrom: evil})
	if d.Trend == nil || d.Previous == nil || !targetOf(t, d, "claude"+evil).Cost.Priced() {
		t.Fatal("the hostile names broke the fixture: no trend, previous run or price")
	}

	page := string(renderHTML(t, d))
	for _, s := range hostile {
		if s != `javascript:alert(1)` && strings.Contains(page, s) {
			t.Errorf("page contains %q unescaped", s)
		}
	}
	tags, attrs := startTags(page)
	if got := countTags(tags, "script"); got != 1 {
		t.Errorf("page has %d script elements, want exactly the filter", got)
	}
	for _, a := range attrs {
		if strings.HasPrefix(a.name, "on") || urlAttrs[a.name] && strings.HasPrefix(strings.ToLower(a.value), "javascript:") {
			t.Errorf("<%s %s=%q>", a.tag, a.name, a.value)
		}
	}

	md := string(render(t, d, "md"))
	// Drop every backslash escape: what is left is live Markdown.
	live := regexp.MustCompile(`\\.`).ReplaceAllString(md, "")
	for _, s := range []string{"<script>", "<img", "](javascript:", "`x`", "*y*"} {
		if strings.Contains(live, s) {
			t.Errorf("markdown contains %q unescaped", s)
		}
	}
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| claude") {
			// Unescaped pipes delimit the 8 columns: 9 of them.
			if n := strings.Count(line, "|") - strings.Count(line, `\|`); n != 9 {
				t.Errorf("row has %d cell delimiters, want 9: %s", n, line)
			}
		}
	}
	var doc map[string]any
	if err := json.Unmarshal(render(t, d, "json"), &doc); err != nil {
		t.Errorf("json with hostile names does not parse: %v", err)
	}
	if _, err := csv.NewReader(bytes.NewReader(render(t, d, "csv"))).ReadAll(); err != nil {
		t.Errorf("csv with hostile names does not parse: %v", err)
	}
}
