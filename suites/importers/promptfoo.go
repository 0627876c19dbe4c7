package importers

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/llmbench/llmbench/suites"
)

// targetsFile is the config snippet a promptfoo import writes.
const targetsFile = "targets.yaml"

// pfImport is the state of one promptfoo import.
type pfImport struct {
	in    *input
	d     *draft
	doc   *yamlDoc
	dir   string // the config's folder: file:// paths are relative to it
	notes *noteAgg
}

// pfPrompt is one prompt, translated.
type pfPrompt struct {
	Label  string
	System string
	Text   string // Go template
	// Messages, for a chat that is more than a system and a user message.
	Messages []suites.Turn
	Vars     []string
	Where    string
}

// pfTest is one test case (after defaultTest is merged in).
type pfTest struct {
	Pos         Pos
	Where       string
	Description string
	Vars        map[string]any
	Asserts     []pfAssert
}

// maxExpanded bounds the cases a config's list-valued vars may expand to.
const maxExpanded = 100000

// readPromptfoo reads a promptfoo config (promptfooconfig.yaml, or JSON):
//
//   - prompts (strings, {raw|id, label} objects, file:// text files split
//     at "---", JSON/YAML chat files with a system and one user message)
//     become suites, one per prompt, sharing the cases; Nunjucks variables
//     become Go template fields ({{ name }} → {{.name}}); prompts with
//     tags, filters or code are not mapped;
//   - providers become targets in targets.yaml, a config snippet
//     (openai:… → openai, anthropic:messages:… → anthropic, google:… →
//     gemini, ollama:… → ollama, deepseek:… → deepseek, alibaba:… → qwen,
//     openrouter/groq/mistral/togetherai → openai with their API root);
//   - tests (inline, or file:// CSV, YAML, JSON, JSONL files) with
//     defaultTest merged in become cases: vars are the case fields (a list
//     value expands to one case per value, as promptfoo does), assertions
//     become scorers (see pfScorerOf). Tests whose assertions map to
//     different scorer sets go to different suites, as a suite has one
//     scorer list;
//   - everything else is listed in IMPORT_NOTES.md.
func readPromptfoo(in *input) (*draft, error) {
	d := newDraft(in)
	doc, ok, err := loadYAML(in.src, in.p)
	if err != nil {
		return nil, fmt.Errorf("read source: %w", err)
	}
	if !ok {
		return d, nil
	}
	root, isMap := doc.val.(map[string]any)
	if !isMap {
		in.p.add(Pos{File: in.src}, "the file holds a %s: a promptfoo config is a mapping with prompts, providers and tests", yamlKindOf(doc.val))
		return d, nil
	}
	pf := &pfImport{in: in, d: d, doc: doc, dir: filepath.Dir(in.src), notes: newNoteAgg()}
	defer pf.notes.flush(d)

	for _, k := range sortedKeys(root) {
		switch k {
		case "prompts", "providers", "targets", "tests", "defaultTest", "description", "evaluateOptions":
		case "scenarios":
			pf.notes.add(k, k, "scenarios are not imported: list their combinations as tests")
		case "tags", "metadata", "outputPath", "sharing", "writeLatestResults", "commandLineOptions", "env":
			// Settings of promptfoo itself.
		default:
			pf.notes.add(k, k, fmt.Sprintf("top-level key %s is not mapped", k))
		}
	}

	prompts := pf.readPrompts(root["prompts"])
	provs := root["providers"]
	if provs == nil {
		provs = root["targets"]
	}
	targets, judge := pf.readProviders(provs), (*pfTarget)(nil)
	def := pf.readDefaultTest(root["defaultTest"])
	if def != nil && def.grader != nil {
		judge = def.grader
	}
	tests := pf.readTests(root["tests"], def)
	repeats := pf.evaluateOptions(root["evaluateOptions"])
	if in.p.any() {
		return d, nil
	}
	if len(prompts) == 0 {
		in.p.add(Pos{File: in.src, Line: doc.line("prompts"), Where: "prompts"}, "no prompt could be imported%s", pf.notes.about("prompts"))
		return d, nil
	}

	if len(tests) == 0 {
		in.p.add(Pos{File: in.src, Line: doc.line("tests"), Where: "tests"}, "no tests could be read%s: llmbench needs tests with assertions it can score (promptfoo runs a config without tests once per prompt, unscored)", pf.notes.about("tests"))
		return d, nil
	}
	groups := pf.buildCases(tests, prompts)
	if in.p.any() {
		return d, nil
	}
	if len(groups) == 0 {
		in.p.add(Pos{File: in.src, Where: "tests"}, "none of the %s has an assertion llmbench can score, so there is no case to import%s", plural(len(tests), "test"), pf.notes.summary(3))
		return d, nil
	}
	name := in.nameOr(pfSuiteName(root, in.src))
	usesJudge := false
	for _, g := range groups {
		if g.judge != nil {
			usesJudge = true
		}
	}
	for _, g := range groups {
		for pi, p := range prompts {
			suffix := ""
			if len(prompts) > 1 {
				suffix += "-" + p.Label
			}
			casesFile := "cases.jsonl"
			if g.slug != "" {
				suffix += "-" + g.slug
				casesFile = "cases-" + g.slug + ".jsonl"
			}
			header := []string{importedHeader(in)}
			if len(prompts) > 1 {
				header = append(header, fmt.Sprintf("Prompt %d of %d: %s.", pi+1, len(prompts), p.Where))
			}
			if g.judge != nil {
				header = append(header, "The tests graded by llm-rubric with this rubric: the judge scores every case.")
			} else if slices.ContainsFunc(g.cases, func(c *draftCase) bool { return len(c.Scorers) > 0 }) {
				header = append(header, "A case with a scorers list is scored by those instead of the suite's scorers.")
			}
			header = append(header, "See IMPORT_NOTES.md for what could not be mapped.")
			desc := fmt.Sprintf("Imported from the promptfoo config %s (prompt %s, %s).", filepath.Base(in.src), p.Where, plural(len(g.cases), "case"))
			if dsc, ok := root["description"].(string); ok && strings.TrimSpace(dsc) != "" {
				desc = strings.TrimRight(strings.TrimSpace(dsc), ".") + ". " + desc
			}
			specs := make([]suites.ScorerSpec, len(g.scorers))
			for i, s := range g.scorers {
				specs[i] = suites.ScorerSpec{Name: s}
			}
			d.suites = append(d.suites, &suiteDraft{
				File:        "suite" + suffix + ".yaml",
				CasesFile:   casesFile,
				Header:      header,
				Name:        name + suffix,
				Description: desc,
				System:      p.System,
				Prompt:      p.Text,
				Messages:    p.Messages,
				Scorers:     specs,
				Judge:       g.judge,
				Cases:       g.cases,
			})
		}
	}
	if usesJudge && judge == nil {
		pf.notes.once("llm-rubric assertions need a judge model: add judge: <a target's name> (or a judge target) to targets.yaml before running")
	}
	pf.writeTargets(name, targets, judge, repeats)
	return d, nil
}

// plural is "1 test", "2 tests".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// pfSuiteName is the default suite name: the config's folder or file.
func pfSuiteName(root map[string]any, src string) string {
	base := baseNoExt(src)
	if base == "promptfooconfig" || base == "config" {
		if dir := slug(filepath.Base(filepath.Dir(src))); dir != "" {
			return dir
		}
	}
	if s := slug(base); s != "" {
		return s
	}
	return "promptfoo"
}

// --- prompts ---

func (pf *pfImport) readPrompts(v any) []pfPrompt {
	var out []pfPrompt
	add := func(ps []pfPrompt) { out = append(out, ps...) }
	switch v := v.(type) {
	case nil:
		pf.in.p.add(Pos{File: pf.in.src}, "no prompts: a promptfoo config lists its prompts under prompts:")
	case string:
		add(pf.promptEntry(v, "", "prompts"))
	case []any:
		for i, e := range v {
			where := joinPath("prompts", i)
			switch e := e.(type) {
			case string:
				add(pf.promptEntry(e, "", where))
			case map[string]any:
				label, _ := e["label"].(string)
				if raw, ok := e["raw"].(string); ok {
					add(pf.promptText(raw, label, where))
				} else if id, ok := e["id"].(string); ok {
					add(pf.promptEntry(id, label, where))
				} else {
					pf.notes.add(where, "prompt", "a prompt object needs raw: or id:")
				}
			default:
				pf.notes.add(where, "prompt", fmt.Sprintf("a prompt is text or {raw, label}, not a %s", yamlKindOf(e)))
			}
		}
	case map[string]any:
		// The older form: {path-or-text: label}.
		for _, k := range sortedKeys(v) {
			label, _ := v[k].(string)
			add(pf.promptEntry(k, label, joinPath("prompts", k)))
		}
	default:
		pf.notes.add("prompts", "prompts", fmt.Sprintf("prompts is a %s: list the prompts", yamlKindOf(v)))
	}
	// Unique labels, usable in file names.
	used := map[string]bool{}
	for i := range out {
		l := slug(out[i].Label)
		if l == "" {
			l = "p" + strconv.Itoa(i+1)
		}
		for base, k := l, 2; used[l]; k++ {
			l = base + "-" + strconv.Itoa(k)
		}
		used[l] = true
		out[i].Label = l
	}
	return out
}

// promptEntry reads a prompt string: a file:// reference or the text.
func (pf *pfImport) promptEntry(s, label, where string) []pfPrompt {
	name, isFile := strings.CutPrefix(s, "file://")
	if !isFile {
		return pf.promptText(s, label, where)
	}
	if strings.ContainsAny(name, "*?[") {
		matches, err := filepath.Glob(pf.resolve(name))
		if err != nil || len(matches) == 0 {
			pf.notes.add(where, "prompt", fmt.Sprintf("no file matches %s", name))
			return nil
		}
		var out []pfPrompt
		for _, m := range matches {
			out = append(out, pf.promptFile(m, label, where)...)
		}
		return out
	}
	return pf.promptFile(pf.resolve(name), label, where)
}

func (pf *pfImport) resolve(name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(pf.dir, filepath.FromSlash(name))
}

// promptFile reads a prompt file.
func (pf *pfImport) promptFile(path, label, where string) []pfPrompt {
	base := filepath.Base(path)
	if label == "" {
		label = baseNoExt(path)
	}
	ext := strings.ToLower(filepath.Ext(path))
	if i := strings.LastIndex(ext, ":"); i >= 0 { // file://x.py:fn
		ext = ext[:i]
	}
	switch ext {
	case ".txt", ".md", ".j2", "":
		data, err := readTextFile(path)
		if err != nil {
			pf.notes.add(where, "prompt", fmt.Sprintf("cannot read %s: %v", base, err))
			return nil
		}
		// promptfoo splits text files into prompts at "---".
		var out []pfPrompt
		parts := strings.Split(string(data), "---")
		for i, part := range parts {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			l := label
			if len(parts) > 1 {
				l = fmt.Sprintf("%s-%d", label, i+1)
			}
			out = append(out, pf.promptText(part, l, where+" ("+base+")")...)
		}
		return out
	case ".json", ".yaml", ".yml":
		doc, ok, err := loadYAML(path, &problems{})
		if err != nil || !ok {
			pf.notes.add(where, "prompt", fmt.Sprintf("cannot read %s as JSON or YAML", base))
			return nil
		}
		switch v := doc.val.(type) {
		case string:
			return pf.promptText(v, label, where+" ("+base+")")
		case []any:
			if p, ok := pf.chatPrompt(v, label, where+" ("+base+")"); ok {
				return []pfPrompt{p}
			}
			return nil
		}
		pf.notes.add(where, "prompt", fmt.Sprintf("%s holds a %s, not a prompt or a chat", base, yamlKindOf(doc.val)))
		return nil
	case ".py", ".js", ".ts", ".mjs", ".cjs":
		pf.notes.add(where, "prompt function", "prompts built by code are not run by llmbench")
		return nil
	}
	pf.notes.add(where, "prompt", fmt.Sprintf("prompt files of type %s are not read", ext))
	return nil
}

// promptText translates one prompt: a chat in OpenAI's JSON message
// format, or text.
func (pf *pfImport) promptText(s, label, where string) []pfPrompt {
	if t := strings.TrimSpace(s); strings.HasPrefix(t, "[") {
		var msgs []any
		if json.Unmarshal([]byte(t), &msgs) == nil {
			if p, ok := pf.chatPrompt(msgs, label, where); ok {
				return []pfPrompt{p}
			}
			return nil
		}
	}
	tmpl, vars, err := nunjucksToGo(s, pf.rename())
	if err != nil {
		pf.notes.add(where, "prompt", "not mapped: "+err.Error())
		return nil
	}
	if strings.TrimSpace(tmpl) == "" {
		pf.notes.add(where, "prompt", "the prompt is empty")
		return nil
	}
	return []pfPrompt{{Label: label, Text: tmpl, Vars: vars, Where: where}}
}

// chatPrompt maps a chat in OpenAI's message format: a system message
// (optional, first) and one user message become the suite's system and
// prompt; a longer conversation (few-shot assistant turns, a system
// message with variables) becomes the suite's messages:.
func (pf *pfImport) chatPrompt(msgs []any, label, where string) (pfPrompt, bool) {
	p := pfPrompt{Label: label, Where: where}
	seen := map[string]bool{}
	sysVars := false
	for i, m := range msgs {
		mm, ok := m.(map[string]any)
		if !ok {
			pf.notes.add(where, "chat prompt", "a chat prompt is a list of {role, content} messages")
			return pfPrompt{}, false
		}
		role, _ := mm["role"].(string)
		content, ok := mm["content"].(string)
		switch {
		case !ok:
			pf.notes.add(where, "chat prompt", "a message's content is not text (images and content parts are not mapped)")
			return pfPrompt{}, false
		case role != "system" && role != "user" && role != "assistant":
			pf.notes.add(where, "chat prompt", fmt.Sprintf("message role %q is not system, user or assistant", role))
			return pfPrompt{}, false
		case role == "system" && i > 0:
			pf.notes.add(where, "chat prompt", "a system message after the first is not mapped")
			return pfPrompt{}, false
		}
		tmpl, vars, err := nunjucksToGo(content, pf.rename())
		if err != nil {
			pf.notes.add(where, "prompt", "not mapped: "+err.Error())
			return pfPrompt{}, false
		}
		if role == "system" && len(vars) > 0 {
			sysVars = true
		}
		for _, v := range vars {
			if !seen[v] {
				seen[v] = true
				p.Vars = append(p.Vars, v)
			}
		}
		p.Messages = append(p.Messages, suites.Turn{Role: role, Content: tmpl})
	}
	if len(p.Messages) == 0 || p.Messages[len(p.Messages)-1].Role != "user" {
		pf.notes.add(where, "chat prompt", "a chat prompt must end with a user message, which the model answers")
		return pfPrompt{}, false
	}
	switch {
	case len(p.Messages) == 1:
		p.Text, p.Messages = p.Messages[0].Content, nil
	case len(p.Messages) == 2 && p.Messages[0].Role == "system" && !sysVars:
		p.System, p.Text, p.Messages = p.Messages[0].Content, p.Messages[1].Content, nil
	}
	return p, true
}

// pfReserved are case keys a var cannot be; such a var is renamed var_<name>.
var pfReserved = map[string]bool{"id": true, "reference": true, "references": true, "images": true, "tags": true, "scorers": true, "messages": true, "keywords": true, "test_description": true}

func (pf *pfImport) rename() map[string]string {
	m := map[string]string{}
	for k := range pfReserved {
		m[k] = "var_" + k
	}
	return m
}

func fieldName(v string) string {
	if pfReserved[v] {
		return "var_" + v
	}
	return v
}
