package importers

import (
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/google/go-cmp/cmp"
)

func TestNunjucksToGo(t *testing.T) {
	tests := []struct {
		name, in, want string
		vars           []string
		err            string
	}{
		{name: "plain vars", in: "Translate to {{language}}: {{ input }}", want: "Translate to {{.language}}: {{.input}}", vars: []string{"language", "input"}},
		{name: "object path", in: "Hi {{ user.name }}", want: "Hi {{.user.name}}", vars: []string{"user"}},
		{name: "whitespace control", in: "a {{- x -}} b", want: "a {{- .x -}} b", vars: []string{"x"}},
		{name: "comment dropped", in: "a{# note #}b {{x}}", want: "ab {{.x}}", vars: []string{"x"}},
		{name: "reserved name renamed", in: "Case {{id}}", want: "Case {{.var_id}}", vars: []string{"id"}},
		{name: "underscore field needs index", in: "{{ a._b }}", want: `{{index . "a" "_b"}}`, vars: []string{"a"}},
		{name: "repeated var listed once", in: "{{x}} and {{x}}", want: "{{.x}} and {{.x}}", vars: []string{"x"}},
		{name: "lone braces are text", in: "JSON like {\"a\": 1} } {", want: "JSON like {\"a\": 1} } {"},
		{name: "closing braces are text", in: "a }} b", want: "a }} b"},
		{name: "filter refused", in: "{{ name | upper }}", err: "only plain variables"},
		{name: "tag refused", in: "{% if x %}y{% endif %}", err: "Nunjucks tag {% if x %}"},
		{name: "env refused", in: "{{ env.HOME }}", err: "reads the environment"},
		{name: "special var refused", in: "{{ _conversation }}", err: "special variable _conversation"},
		{name: "unclosed", in: "{{ x", err: "never closed"},
		{name: "unclosed comment", in: "{# x", err: "never closed"},
		{name: "literal string expression refused", in: `{{ "a" }}`, err: "only plain variables"},
	}
	rename := map[string]string{"id": "var_id"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, vars, err := nunjucksToGo(tt.in, rename)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("template (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.vars, vars); diff != "" {
				t.Errorf("vars (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPromptfooShorthand(t *testing.T) {
	tests := []struct {
		in, typ string
		value   any
		thr     bool
	}{
		{"icontains:bonsoir", "icontains", "bonsoir", false},
		{"contains-all:Danke, sehr", "contains-all", []any{"Danke", "sehr"}, false},
		{"similar(0.9):Hello there", "similar", "Hello there", true},
		{"not-contains:error", "not-contains", "error", false},
		{"grade:is polite", "llm-rubric", "is polite", false},
		{"llm-rubric: is kind", "llm-rubric", " is kind", false},
		{"javascript: output.length < 5", "javascript", "output.length < 5", false},
		{"fn:output === 'x'", "javascript", "output === 'x'", false},
		{"python: len(output) < 5", "python", "len(output) < 5", false},
		{"file://check.py", "python", "check.py", false},
		{"is-json", "is-json", "", false},
		{"再见", "equals", "再见", false},
		{"containsfoo", "equals", "containsfoo", false},
		{"contains:a:b", "contains", "a:b", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			typ, value, thr := pfShorthand(tt.in)
			if diff := cmp.Diff([]any{tt.typ, tt.value, tt.thr}, []any{typ, value, thr}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestMapProvider(t *testing.T) {
	tests := []struct {
		id     string
		label  string
		config map[string]any
		want   pfTarget
		why    string
	}{
		{id: "openai:gpt-4o", want: pfTarget{Name: "gpt-4o", Provider: "openai", Model: "gpt-4o"}},
		{id: "openai:chat:gpt-4o-mini", label: "mini", config: map[string]any{"temperature": 0.5, "max_tokens": uint64(64)},
			want: pfTarget{Name: "mini", Provider: "openai", Model: "gpt-4o-mini", Temperature: fptr(0.5), MaxTokens: iptr(64)}},
		{id: "openai:chat:qwen2.5", config: map[string]any{"apiBaseUrl": "http://127.0.0.1:8000/v1", "apiKeyEnvar": "LOCAL_KEY"},
			want: pfTarget{Name: "qwen2.5", Provider: "openai", Model: "qwen2.5", BaseURL: "http://127.0.0.1:8000/v1", APIKeyEnv: "LOCAL_KEY"}},
		{id: "openai:completion:davinci-002", why: "not a chat model API"},
		{id: "openai:embedding:text-embedding-3-small", why: "not a chat model API"},
		{id: "anthropic:messages:claude-3-5-sonnet-20241022", want: pfTarget{Name: "claude-3-5-sonnet-20241022", Provider: "anthropic", Model: "claude-3-5-sonnet-20241022"}},
		{id: "anthropic:claude-sonnet-4-5-20250929", want: pfTarget{Name: "claude-sonnet-4-5-20250929", Provider: "anthropic", Model: "claude-sonnet-4-5-20250929"}},
		{id: "anthropic:completion:claude-2", why: "not the Messages API"},
		{id: "google:gemini-1.5-pro", config: map[string]any{"generationConfig": map[string]any{"temperature": uint64(0), "maxOutputTokens": uint64(256)}},
			want: pfTarget{Name: "gemini-1.5-pro", Provider: "gemini", Model: "gemini-1.5-pro", Temperature: fptr(0), MaxTokens: iptr(256)}},
		{id: "vertex:gemini-pro", why: "Vertex"},
		{id: "ollama:chat:llama3.1", want: pfTarget{Name: "llama3.1", Provider: "ollama", Model: "llama3.1"}},
		{id: "ollama:llama3:8b", want: pfTarget{Name: "llama3:8b", Provider: "ollama", Model: "llama3:8b"}},
		{id: "ollama:embeddings:nomic", why: "embeddings"},
		{id: "deepseek:deepseek-chat", want: pfTarget{Name: "deepseek-chat", Provider: "deepseek", Model: "deepseek-chat"}},
		{id: "dashscope:qwen-max", want: pfTarget{Name: "qwen-max", Provider: "qwen", Model: "qwen-max", BaseURL: "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"}},
		{id: "openrouter:meta-llama/llama-3-70b", want: pfTarget{Name: "meta-llama/llama-3-70b", Provider: "openai", Model: "meta-llama/llama-3-70b", BaseURL: "https://openrouter.ai/api/v1", APIKeyEnv: "OPENROUTER_API_KEY"}},
		{id: "azure:chat:my-deployment", why: "Azure"},
		{id: "bedrock:anthropic.claude-v2", why: "Bedrock"},
		{id: "https://example.test/api", why: "generic HTTP provider"},
		{id: "file://provider.py", why: "custom code"},
		{id: "echo", why: "no model"},
		{id: "someday:model", why: "no provider for it"},
		{id: "openai:", why: "names no model"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			pf := &pfImport{notes: newNoteAgg()}
			cfg := tt.config
			if cfg == nil {
				cfg = map[string]any{}
			}
			got, ok, why := pf.mapProvider(tt.id, tt.label, cfg, "providers[0]")
			if tt.why != "" {
				if ok || !strings.Contains(why, tt.why) {
					t.Fatalf("ok %v, why %q; want not mapped because %q", ok, why, tt.why)
				}
				return
			}
			if !ok {
				t.Fatalf("not mapped: %s", why)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestMapProviderNeverCopiesAKey(t *testing.T) {
	pf := &pfImport{notes: newNoteAgg()}
	got, ok, _ := pf.mapProvider("openai:gpt-4o", "", map[string]any{"apiKey": "sk-secret"}, "providers[0]")
	if !ok {
		t.Fatal("not mapped")
	}
	var w yamlWriter
	got.yaml(&w, "")
	if strings.Contains(w.String(), "sk-secret") {
		t.Errorf("the key was written:\n%s", w.String())
	}
	d := &draft{}
	pf.notes.flush(d)
	if len(d.notes) != 1 || !strings.Contains(d.notes[0].Msg, "not copied") {
		t.Errorf("notes %v: want one saying the key is not copied", d.notes)
	}
}

// TestYAMLValueRoundTrip: whatever yamlValue writes reads back as the
// same string.
func TestYAMLValueRoundTrip(t *testing.T) {
	for _, s := range yamlSeeds {
		t.Run(shorten(s, 20), func(t *testing.T) { checkYAMLRoundTrip(t, s) })
	}
}

var yamlSeeds = []string{
	"", "plain", "rougeL", "true", "null", "42", "1.5", "-x", "a: b", "a #b", "#x", "'q'", `"q"`, "[a]", "{a}",
	"line one\nline two", "first\n\n  indented\n\ttab", "  leading", "trailing\n", "two\n\n", "\n", "a\r\nb",
	"x\n   \ny", "以下是关于{{.subject}}的单项选择题。\n\n{{.question}}\n答案：", "---\n...", "a\u2028b", "\x00", "tab\there", "- item",
	"Question: {{.question}}\nAnswer:", "|", ">", "a\\b", "%x", "@x", "`x`", "*x", "&x", "!x", "? x", ": x",
}

func checkYAMLRoundTrip(t *testing.T, s string) {
	t.Helper()
	doc := "key:" + yamlValue(s, 2) + "\nnext: 1\n"
	var got struct {
		Key  string `yaml:"key"`
		Next int    `yaml:"next"`
	}
	if err := yaml.Unmarshal([]byte(doc), &got); err != nil {
		t.Fatalf("%q written as\n%s\ndoes not parse: %v", s, doc, err)
	}
	if got.Key != s || got.Next != 1 {
		t.Fatalf("%q written as\n%s\nreads back as %q (next %d)", s, doc, got.Key, got.Next)
	}
}

func FuzzYAMLValue(f *testing.F) {
	for _, s := range yamlSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8Valid(s) {
			t.Skip("the writer is only given UTF-8 text")
		}
		checkYAMLRoundTrip(t, s)
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

func TestExpandVars(t *testing.T) {
	got, err := expandVars(map[string]any{"a": []any{"1", "2"}, "b": "x", "c": []any{"p", "q"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"a": "1", "b": "x", "c": "p"}, {"a": "1", "b": "x", "c": "q"},
		{"a": "2", "b": "x", "c": "p"}, {"a": "2", "b": "x", "c": "q"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := expandVars(map[string]any{"a": []any{}}); err == nil {
		t.Error("an empty list expanded")
	}
}

func TestGSM8KFinal(t *testing.T) {
	tests := []struct{ in, want string }{
		{"work\n#### 72", "72"},
		{"#### 1,000", "1000"},
		{"#### -3.5", "-3.5"},
		{"a #### 1\nb #### 2 ", "2"},
		{"#### 1,00", "1,00"}, // not a thousands grouping: left as written
	}
	for _, tt := range tests {
		if got, ok := gsm8kFinal(tt.in); !ok || got != tt.want {
			t.Errorf("gsm8kFinal(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	if _, ok := gsm8kFinal("no final line"); ok {
		t.Error("an answer without #### gave a final answer")
	}
}
