package report

import (
	"bytes"
	"context"
	"flag"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/results"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got; go test ./report -update rewrites it):\n%s", path, diff)
	}
}

func buildFixture(t *testing.T, f *fakeSource) *Data {
	t.Helper()
	d, err := Build(context.Background(), f, f.run.ID)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func renderHTML(t *testing.T, d *Data) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, d); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// attr is one attribute of one start tag, its value entity-decoded.
type attr struct{ tag, name, value string }

var (
	tagRE  = regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9:-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>` + "`" + `]+))?)*)\s*/?>`)
	attrRE = regexp.MustCompile(`([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>` + "`" + `]+))?`)
)

// startTags lists the start tags of page with their attributes. It reads
// tags the way a browser would for the well-formed, quoted markup
// html/template writes: text in attribute values never starts a tag.
func startTags(page string) (tags []string, attrs []attr) {
	for _, m := range tagRE.FindAllStringSubmatch(page, -1) {
		name := strings.ToLower(m[1])
		tags = append(tags, name)
		for _, a := range attrRE.FindAllStringSubmatch(m[2], -1) {
			v := a[2]
			if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') {
				v = v[1 : len(v)-1]
			}
			attrs = append(attrs, attr{tag: name, name: strings.ToLower(a[1]), value: html.UnescapeString(v)})
		}
	}
	return tags, attrs
}

// urlAttrs are the attributes a browser fetches or navigates to.
var urlAttrs = map[string]bool{
	"src": true, "href": true, "xlink:href": true, "srcset": true, "action": true, "formaction": true,
	"poster": true, "data": true, "background": true, "ping": true, "manifest": true, "cite": true,
}

func TestWriteHTMLGolden(t *testing.T) {
	got := renderHTML(t, buildFixture(t, fixture()))
	// Same data, same bytes: a second Build and render must not differ.
	if again := renderHTML(t, buildFixture(t, fixture())); !bytes.Equal(got, again) {
		t.Fatal("two renders of the same run differ")
	}
	golden(t, "report.html.golden", got)
}

func TestWriteHTMLSelfContained(t *testing.T) {
	d := buildFixture(t, fixture())
	page := string(renderHTML(t, d))

	// One inline SVG per plot: a score plot per suite, latency and TTFT
	// ECDFs, error rates (counted below); each without its XML prolog.
	if strings.Contains(page, "<?xml") {
		t.Error("page contains an <?xml prolog")
	}
	// Nothing may be loaded from anywhere: no URL in a src/href-like
	// attribute other than data: (and in-page #anchors), no CSS url() or
	// @import, and a CSP that forbids fetching.
	tags, attrs := startTags(page)
	for _, a := range attrs {
		if urlAttrs[a.name] && !strings.HasPrefix(a.value, "data:image/png;base64,") && !strings.HasPrefix(a.value, "#") {
			t.Errorf("<%s %s=%.60q> loads something", a.tag, a.name, a.value)
		}
	}
	// Plus the Pareto (and trend) plots that have enough points.
	if n, want := countTags(tags, "svg"), len(d.Suites)+3+morePlotCount(t, d); n != want {
		t.Errorf("page has %d svg elements, want %d", n, want)
	}
	for _, bad := range []string{"url(", "@import", "<link", "<iframe", "<object", "<embed", "fetch(", "XMLHttpRequest", ".innerHTML", "http-equiv=\"refresh\""} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	if !strings.Contains(page, `content="default-src &#39;none&#39;;`) && !strings.Contains(page, `content="default-src 'none';`) {
		t.Error("page has no Content-Security-Policy forbidding fetches")
	}
	if !strings.Contains(page, `src="data:image/png;base64,`) {
		t.Error("the case image is not inlined as a data: URL")
	}
	if !strings.Contains(page, "SIMULATED") || !strings.Contains(page, `class="sim-banner"`) {
		t.Error("page lacks the SIMULATED banner")
	}
	if got := countTags(tags, "script"); got != 1 {
		t.Errorf("page has %d script elements, want exactly the filter", got)
	}
}

func countTags(tags []string, name string) int {
	n := 0
	for _, t := range tags {
		if t == name {
			n++
		}
	}
	return n
}

func TestWriteHTMLNoSimulated(t *testing.T) {
	f := fixture()
	f.targets[0].Simulated = false // sim-fast, as if it were real
	page := string(renderHTML(t, buildFixture(t, f)))
	if strings.Contains(page, "SIMULATED") || strings.Contains(page, "sim-banner\"") {
		t.Error("a run without simulated targets shows the SIMULATED banner")
	}
}

// The payloads of TestWriteHTMLEscapes and what each must never appear as.
var hostile = []string{
	`<script>alert(1)</script>`,
	`<img src=x onerror=alert(1)>`,
	`</textarea>`,
	`javascript:alert(1)`,
	`"><svg onload=alert(1)>`,
	`</pre></details><script>alert(2)</script>`,
}

func TestWriteHTMLEscapes(t *testing.T) {
	evil := strings.Join(hostile, " ")
	f := fixture()
	f.run.ID = "run-0001"
	f.run.ConfigName = evil
	f.run.Config = evil
	f.run.Note = evil
	f.run.Status = results.StatusInterrupted
	f.run.HarnessVersion = evil
	f.targets[2].Name = "claude" + evil // a target name reaches plots, tables and headers
	f.targets[2].Model, f.targets[2].Params, f.targets[2].BaseURL = evil, evil, "javascript:alert(1)"
	f.suites[0].Description = evil
	f.suites[0].Path = evil
	f.suites[1].Name = "summ" + evil
	f.cases[0].ID = "a01" + evil
	f.cases[0].Prompt = evil
	f.cases[0].References = []string{evil}
	f.cases[0].Images[1].Path = evil
	f.cases[0].Images[1].MIME = evil
	for i := range f.cases {
		if f.cases[i].Suite == "summ" {
			f.cases[i].Suite = "summ" + evil
		}
	}
	for i := range f.results {
		r := &f.results[i]
		if r.Suite == "summ" {
			r.Suite = "summ" + evil
		}
		if r.Target == "claude" {
			r.Target = "claude" + evil
		}
		if r.CaseID == "a01" {
			r.CaseID = "a01" + evil
		}
		if r.Output != "" {
			r.Output = evil
		}
		if r.ErrorMessage != "" {
			r.ErrorMessage = evil
		}
		for j := range r.Scores {
			r.Scores[j].Extracted = evil
		}
	}
	d := buildFixture(t, f)
	page := string(renderHTML(t, d))

	for _, p := range hostile {
		if p == `javascript:alert(1)` {
			continue // plain text is harmless; checked as a URL below
		}
		if strings.Contains(page, p) {
			t.Errorf("page contains %q unescaped", p)
		}
	}
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the escaped payload is missing: hostile text was dropped instead of shown")
	}
	tags, attrs := startTags(page)
	if got := countTags(tags, "script"); got != 1 {
		t.Errorf("page has %d script elements, want exactly the filter", got)
	}
	if got := countTags(tags, "textarea"); got != 0 {
		t.Errorf("page has %d textarea elements, want none", got)
	}
	if got, want := countTags(tags, "img"), 1; got != want {
		t.Errorf("page has %d img elements, want %d (the thumbnail)", got, want)
	}
	for _, a := range attrs {
		if strings.HasPrefix(a.name, "on") {
			t.Errorf("<%s> has an event handler attribute %s=%q", a.tag, a.name, a.value)
		}
		if urlAttrs[a.name] && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.value)), "javascript:") {
			t.Errorf("<%s %s=%q> is a javascript: URL", a.tag, a.name, a.value)
		}
	}
}

func TestWriteEmptyRun(t *testing.T) {
	tests := []struct {
		name string
		src  *fakeSource
	}{
		{"nothing at all", &fakeSource{run: results.Run{ID: "empty", Status: results.StatusRunning}}},
		{"targets and suites but no results", &fakeSource{
			run:     results.Run{ID: "empty", Baseline: "a", Status: results.StatusFailed, Note: "auth"},
			targets: []results.Target{{Name: "a"}, {Name: "b"}},
			suites:  []results.SuiteInfo{{Name: "s", Scorers: []string{"exact_match"}}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := buildFixture(t, tt.src)
			page := string(renderHTML(t, d))
			if !strings.Contains(page, "</html>") {
				t.Error("page is not complete")
			}
			var buf bytes.Buffer
			if err := WriteText(&buf, d); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(buf.String(), "run empty") {
				t.Errorf("summary = %q", buf.String())
			}
		})
	}
}

// FuzzWriteHTML checks that no model output, whatever it holds, adds
// markup to the page: one script element, no event handlers, no URL to
// load.
func FuzzWriteHTML(f *testing.F) {
	for _, h := range hostile {
		f.Add(h)
	}
	f.Add("<style>@import 'x'</style><a href=//evil>x</a>")
	f.Add("\x00\xff<!--<script>")
	base := fixture()
	f.Fuzz(func(t *testing.T, output string) {
		src := *base
		src.results = append([]results.Result(nil), base.results...)
		src.results[0].Output = output
		src.results[1].ErrorMessage = output
		src.results[1].ErrorClass = "server"
		page := string(renderHTML(t, buildFixture(t, &src)))
		tags, attrs := startTags(page)
		if n := countTags(tags, "script"); n != 1 {
			t.Fatalf("%d script elements", n)
		}
		for _, a := range attrs {
			if strings.HasPrefix(a.name, "on") {
				t.Fatalf("<%s> has %s=%q", a.tag, a.name, a.value)
			}
			if urlAttrs[a.name] && !strings.HasPrefix(a.value, "data:image/png;base64,") {
				t.Fatalf("<%s %s=%q>", a.tag, a.name, a.value)
			}
		}
	})
}
