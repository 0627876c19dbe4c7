package bench

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmbench/llmbench/providers"
	"github.com/llmbench/llmbench/suites"
)

// writeTaggedSuite writes a suite whose cases carry tags and, for one
// case, scorers of its own, into dir/tagged.
func writeTaggedSuite(t *testing.T, dir string) {
	t.Helper()
	sd := filepath.Join(dir, "tagged")
	if err := os.MkdirAll(sd, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"suite.yaml": "name: tagged\nprompt: \"{{.q}}\"\nscorers: [exact]\ncases: cases.jsonl\n",
		"cases.jsonl": `{"id": "a", "q": "say yes", "reference": "yes", "tags": ["en", "easy"]}
{"id": "b", "q": "what is 2+2?", "reference": "4", "tags": ["en"], "scorers": ["numeric", "keywords"], "keywords": ["4"]}
{"id": "c", "q": "说是", "reference": "是", "tags": ["zh"]}
`,
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(sd, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestConfigWithTags(t *testing.T) {
	dir := t.TempDir()
	writeTaggedSuite(t, dir)
	path := filepath.Join(dir, "c.yaml")
	src := "targets:\n  - {name: a, provider: openai, model: m, base_url: \"http://127.0.0.1:1/v1\"}\nsuites: [tagged, reasoning]\n"
	cfg, err := ParseConfig(path, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	same, err := cfg.WithTags(nil)
	if err != nil || same != cfg {
		t.Fatalf("WithTags(nil) = %v, %v; want the config itself", same, err)
	}
	tagged, err := cfg.WithTags([]string{"zh", `odd "one"`})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"zh", `odd "one"`}, tagged.Tags); diff != "" {
		t.Errorf("Tags (-want +got):\n%s", diff)
	}
	again, err := ParseConfig(path, []byte(tagged.Source))
	if err != nil || !slices.Equal(again.Tags, tagged.Tags) {
		t.Errorf("the recorded source does not read back the tags: %v, %v\n%s", again, err, tagged.Source)
	}
	if _, err := tagged.WithTags([]string{"en"}); err == nil || !strings.Contains(err.Error(), "sets tags: zh") {
		t.Errorf("tags twice: err = %v", err)
	}
	if _, err := cfg.WithTags([]string{" "}); err == nil {
		t.Errorf("an empty --tag was accepted")
	}

	// Prepare narrows each suite to its tagged cases and drops a suite
	// left with none (reasoning's cases carry no tags).
	en, err := cfg.WithTags([]string{"en"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := Prepare(en, func(string) string { return "k" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range p.Suites {
		for _, c := range casesOf(t, s) {
			got = append(got, s.Name+"/"+c.ID)
		}
	}
	if diff := cmp.Diff([]string{"tagged/a", "tagged/b"}, got); diff != "" {
		t.Errorf("cases after --tag en (-want +got):\n%s", diff)
	}
	full, err := suites.Load(filepath.Join(dir, "tagged", "suite.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Suites[0].Hash == full.Hash {
		t.Errorf("the narrowed suite records the whole suite's hash")
	}

	none, err := cfg.WithTags([]string{"fr"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Prepare(none, func(string) string { return "k" }, nil); err == nil || !strings.Contains(err.Error(), "no case of any suite has the tag(s) fr; tags in use: easy, en, zh") {
		t.Errorf("Prepare with an unused tag: %v", err)
	}
}

// TestRunUsesEachCaseScorers: a case with scorers of its own is scored by
// them, its first giving the primary (first) score; the others by the
// suite's.
func TestRunUsesEachCaseScorers(t *testing.T) {
	dir := t.TempDir()
	writeTaggedSuite(t, dir)
	s, err := suites.Load(filepath.Join(dir, "tagged", "suite.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	answers := map[string]string{"say yes": "yes", "what is 2+2?": "It is 4.", "说是": "是"}
	p := &fakeProvider{answer: func(prompt string) string { return answers[prompt] }}
	sink := &memSink{}
	_, err = (&Runner{Sink: sink}).Run(context.Background(), &Plan{RunID: "r", Suites: []*suites.Suite{s}, Targets: []Target{{Name: "t", Provider: p}}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, r := range sink.got {
		for _, sc := range r.Scores {
			got[r.CaseID] = append(got[r.CaseID], sc.Scorer)
			if sc.Value != 1 {
				t.Errorf("case %s scorer %s = %v, want 1 for %q", r.CaseID, sc.Scorer, sc.Value, r.Output)
			}
		}
	}
	want := map[string][]string{"a": {"exact"}, "b": {"numeric", "keywords"}, "c": {"exact"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scores per case (-want +got):\n%s", diff)
	}
}

// TestRunSendsConversations: the runner asks what Suite.Messages says,
// few-shot turns and a case's own conversation included.
func TestRunSendsConversations(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"suite.yaml": "name: conv\nsystem: Be brief.\nexamples: [{user: \"1+1?\", assistant: \"2\"}]\nprompt: \"{{.q}}\"\nscorers: [numeric]\ncases: c.jsonl\n",
		"c.jsonl": `{"id": "one", "q": "2+2?", "reference": "4"}
{"id": "two", "n": "3", "reference": "6", "messages": [{"role": "user", "content": "Remember {{.n}}."}, {"role": "assistant", "content": "OK."}, {"role": "user", "content": "Double it."}]}
`,
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := suites.Load(filepath.Join(dir, "suite.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rec := &recordingProvider{}
	if _, err := (&Runner{Sink: &memSink{}}).Run(context.Background(), &Plan{RunID: "r", Suites: []*suites.Suite{s}, Targets: []Target{{Name: "t", Provider: rec}}}); err != nil {
		t.Fatal(err)
	}
	sort.Strings(rec.chats)
	want := []string{
		"system: Be brief. | user: 1+1? | assistant: 2 | user: 2+2?",
		"system: Be brief. | user: 1+1? | assistant: 2 | user: Remember 3. | assistant: OK. | user: Double it.",
	}
	if diff := cmp.Diff(want, rec.chats); diff != "" {
		t.Errorf("chats sent (-want +got):\n%s", diff)
	}
}

// recordingProvider keeps each request's messages as one line.
type recordingProvider struct {
	mu    sync.Mutex
	chats []string
}

func (r *recordingProvider) Complete(_ context.Context, req *providers.Request) (*providers.Response, error) {
	parts := make([]string, len(req.Messages))
	for i, m := range req.Messages {
		parts[i] = m.Role + ": " + m.Text
	}
	r.mu.Lock()
	r.chats = append(r.chats, strings.Join(parts, " | "))
	r.mu.Unlock()
	return &providers.Response{Text: "Answer: 4"}, nil
}
