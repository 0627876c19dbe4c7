package importers

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
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

// --- providers ---

func (pf *pfImport) readProviders(v any) []pfTarget {
	var out []pfTarget
	used := map[string]bool{}
	add := func(t pfTarget, ok bool, why, where, id string) {
		if !ok {
			pf.notes.add(where, "provider "+id, fmt.Sprintf("provider %s is not mapped: %s", id, why))
			return
		}
		for base, k := t.Name, 2; used[t.Name]; k++ {
			t.Name = base + "-" + strconv.Itoa(k)
		}
		used[t.Name] = true
		out = append(out, t)
	}
	var entry func(e any, where string)
	entry = func(e any, where string) {
		switch e := e.(type) {
		case string:
			if name, ok := strings.CutPrefix(e, "file://"); ok && isDataFile(name) {
				pf.providerFile(pf.resolve(name), where, entry)
				return
			}
			t, ok, why := pf.mapProvider(e, "", map[string]any{}, where)
			add(t, ok, why, where, e)
		case map[string]any:
			id, hasID := e["id"].(string)
			opts := e
			if !hasID && len(e) == 1 {
				// {"openai:gpt-4o": {config: ...}}
				for k, v := range e {
					id = k
					opts, _ = v.(map[string]any)
				}
			}
			if id == "" {
				pf.notes.add(where, "provider", "a provider object needs id:")
				return
			}
			if name, ok := strings.CutPrefix(id, "file://"); ok && isDataFile(name) {
				pf.providerFile(pf.resolve(name), where, entry)
				return
			}
			label, _ := opts["label"].(string)
			config, _ := opts["config"].(map[string]any)
			if config == nil {
				config = map[string]any{}
			}
			for _, k := range sortedKeys(opts) {
				switch k {
				case "id", "label", "config":
				default:
					pf.notes.add(where, "provider."+k, fmt.Sprintf("provider key %s is not mapped", k))
				}
			}
			t, ok, why := pf.mapProvider(id, label, config, where)
			add(t, ok, why, where, id)
		default:
			pf.notes.add(where, "provider", fmt.Sprintf("a provider is an id or {id, label, config}, not a %s", yamlKindOf(e)))
		}
	}
	switch v := v.(type) {
	case nil:
		pf.notes.once("the config names no providers: targets.yaml is not written")
	case []any:
		for i, e := range v {
			entry(e, joinPath("providers", i))
		}
	case map[string]any:
		if _, ok := v["id"]; ok {
			entry(v, "providers")
		} else {
			for _, k := range sortedKeys(v) {
				entry(map[string]any{k: v[k]}, joinPath("providers", k))
			}
		}
	default:
		entry(v, "providers")
	}
	return out
}

// isDataFile reports whether a file:// reference names YAML or JSON (not code).
func isDataFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// providerFile reads providers from a YAML or JSON file.
func (pf *pfImport) providerFile(path, where string, entry func(any, string)) {
	doc, ok, err := loadYAML(path, &problems{})
	if err != nil || !ok {
		pf.notes.add(where, "provider", fmt.Sprintf("cannot read providers from %s", filepath.Base(path)))
		return
	}
	switch v := doc.val.(type) {
	case []any:
		for i, e := range v {
			entry(e, fmt.Sprintf("%s (%s[%d])", where, filepath.Base(path), i))
		}
	default:
		entry(v, where+" ("+filepath.Base(path)+")")
	}
}

// --- tests ---

// pfDefault is defaultTest: vars and assertions merged into every test,
// and the grading provider.
type pfDefault struct {
	vars    map[string]any
	asserts []pfAssert
	grader  *pfTarget
}

func (pf *pfImport) readDefaultTest(v any) *pfDefault {
	where := "defaultTest"
	dir := pf.dir
	if s, ok := v.(string); ok {
		name, isFile := strings.CutPrefix(s, "file://")
		if !isFile {
			pf.notes.add(where, where, "defaultTest is text: it should be a mapping or a file:// reference")
			return nil
		}
		path := pf.resolve(name)
		doc, ok, err := loadYAML(path, pf.in.p)
		if err != nil {
			pf.in.p.add(pf.doc.pos(where), "read %s: %v", name, err)
			return nil
		}
		if !ok {
			return nil
		}
		v, dir = doc.val, filepath.Dir(path)
	}
	m, ok := v.(map[string]any)
	if v == nil || !ok {
		if v != nil {
			pf.notes.add(where, where, fmt.Sprintf("defaultTest is a %s: it should be a mapping", yamlKindOf(v)))
		}
		return nil
	}
	def := &pfDefault{}
	if vars, ok := m["vars"].(map[string]any); ok {
		def.vars = vars
	}
	def.asserts = pf.readAsserts(m["assert"], joinPath(where, "assert"), dir)
	for _, k := range sortedKeys(m) {
		switch k {
		case "vars", "assert", "description", "metadata":
		case "options":
			opts, _ := m[k].(map[string]any)
			for _, ok := range sortedKeys(opts) {
				ow := joinPath(joinPath(where, "options"), ok)
				if ok == "provider" {
					def.grader = pf.grader(opts[ok], ow)
					continue
				}
				pf.notes.add(ow, "options."+ok, fmt.Sprintf("test option %s is not mapped", ok))
			}
		default:
			pf.notes.add(joinPath(where, k), "defaultTest."+k, fmt.Sprintf("defaultTest key %s is not mapped", k))
		}
	}
	return def
}

// grader maps defaultTest.options.provider, the model that grades
// llm-rubric, to a judge target.
func (pf *pfImport) grader(v any, where string) *pfTarget {
	var id, label string
	config := map[string]any{}
	switch g := v.(type) {
	case string:
		id = g
	case map[string]any:
		id, _ = g["id"].(string)
		label, _ = g["label"].(string)
		if c, ok := g["config"].(map[string]any); ok {
			config = c
		}
		if id == "" { // {text: {id: ...}, embedding: {...}}
			if t, ok := g["text"].(map[string]any); ok {
				return pf.grader(t, where)
			}
		}
	}
	if id == "" {
		pf.notes.add(where, "grader", "the grading provider is not an id or {id, config}: name the judge in targets.yaml")
		return nil
	}
	t, ok, why := pf.mapProvider(id, label, config, where)
	if !ok {
		pf.notes.add(where, "grader", fmt.Sprintf("grading provider %s is not mapped: %s", id, why))
		return nil
	}
	if label == "" {
		t.Name = "judge-" + t.Name
	}
	return &t
}

func (pf *pfImport) readTests(v any, def *pfDefault) []pfTest {
	var out []pfTest
	var entry func(e any, where string)
	entry = func(e any, where string) {
		switch e := e.(type) {
		case string:
			name, isFile := strings.CutPrefix(e, "file://")
			if !isFile {
				pf.notes.add(where, "tests source", fmt.Sprintf("tests from %s are not read: an import fetches nothing; save them as CSV, JSON Lines or YAML and name the file with file://", shorten(e, 60)))
				return
			}
			out = append(out, pf.testFile(name, where, def)...)
		case map[string]any:
			out = append(out, pf.testObject(e, where, pf.doc, pf.dir, def))
		default:
			pf.notes.add(where, "test", fmt.Sprintf("a test is a mapping with vars and assert, not a %s", yamlKindOf(e)))
		}
	}
	switch v := v.(type) {
	case nil:
		// promptfoo runs each prompt once; with no assertion there is
		// nothing to score.
	case []any:
		for i, e := range v {
			entry(e, joinPath("tests", i))
		}
	default:
		entry(v, "tests")
	}
	return out
}

// testFile reads tests from a CSV, JSON Lines, JSON or YAML file (a glob
// reads every match).
func (pf *pfImport) testFile(name, where string, def *pfDefault) []pfTest {
	paths := []string{pf.resolve(name)}
	if strings.ContainsAny(name, "*?[") {
		m, err := filepath.Glob(pf.resolve(name))
		if err != nil || len(m) == 0 {
			pf.notes.add(where, "tests source", fmt.Sprintf("no file matches %s", name))
			return nil
		}
		paths = m
	}
	var out []pfTest
	for _, path := range paths {
		ext := strings.ToLower(filepath.Ext(path))
		switch ext {
		case ".csv", ".tsv":
			out = append(out, pf.csvTests(path, ext == ".tsv", def)...)
		case ".jsonl":
			readJSONL(path, pf.in.p, func(pos Pos, o map[string]any) bool {
				doc := &yamlDoc{file: path}
				t := pf.testObject(jsonToYAMLish(o).(map[string]any), fmt.Sprintf("line %d", pos.Line), doc, filepath.Dir(path), def)
				t.Pos = pos
				out = append(out, t)
				return true
			})
		case ".json", ".yaml", ".yml":
			doc, ok, err := loadYAML(path, pf.in.p)
			if err != nil {
				pf.in.p.add(pf.doc.pos(where), "read %s: %v", name, err)
				continue
			}
			if !ok {
				continue
			}
			list, isList := doc.val.([]any)
			if !isList {
				pf.in.p.add(Pos{File: path}, "a tests file holds a list of tests, not a %s", yamlKindOf(doc.val))
				continue
			}
			for i, e := range list {
				w := joinPath("", i)
				m, ok := e.(map[string]any)
				if !ok {
					pf.notes.add(path+" "+w, "test", "a test is a mapping with vars and assert")
					continue
				}
				out = append(out, pf.testObject(m, w, doc, filepath.Dir(path), def))
			}
		default:
			pf.notes.add(where, "tests source", fmt.Sprintf("tests in %s files are not read (code and data-set URLs are not run or fetched)", ext))
		}
	}
	return out
}

// jsonToYAMLish turns json.Number values into the types the YAML decoder
// gives, so JSONL and YAML tests look the same.
func jsonToYAMLish(v any) any {
	switch v := v.(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i
		}
		f, _ := v.Float64()
		return f
	case map[string]any:
		for k, e := range v {
			v[k] = jsonToYAMLish(e)
		}
		return v
	case []any:
		for i, e := range v {
			v[i] = jsonToYAMLish(e)
		}
		return v
	}
	return v
}

// testObject reads one test mapping.
func (pf *pfImport) testObject(m map[string]any, where string, doc *yamlDoc, dir string, def *pfDefault) pfTest {
	t := pfTest{Pos: doc.pos(where), Where: where, Vars: map[string]any{}}
	if doc != pf.doc {
		t.Where = filepath.Base(doc.file)
		if where != "" {
			t.Where += " " + where
		}
	}
	if def != nil {
		for k, v := range def.vars {
			t.Vars[k] = v
		}
		t.Asserts = append(t.Asserts, def.asserts...)
	}
	switch vars := m["vars"].(type) {
	case map[string]any:
		for k, v := range vars {
			t.Vars[k] = v
		}
	case nil:
	case string:
		pf.notes.add(t.Where, "vars file", "vars given as a file are not read: write them inline")
	}
	t.Description, _ = m["description"].(string)
	t.Asserts = append(t.Asserts, pf.readAsserts(m["assert"], joinPath(t.Where, "assert"), dir)...)
	for _, k := range sortedKeys(m) {
		switch k {
		case "vars", "assert", "description", "metadata":
		case "options":
			opts, _ := m[k].(map[string]any)
			for _, ok := range sortedKeys(opts) {
				pf.notes.add(joinPath(t.Where, "options"), "options."+ok, fmt.Sprintf("test option %s is not mapped", ok))
			}
		case "providerOutput":
			pf.notes.add(t.Where, k, "tests with a fixed providerOutput are not imported (they call no model)")
			t.Asserts = nil
		default:
			pf.notes.add(joinPath(t.Where, k), "test."+k, fmt.Sprintf("test key %s is not mapped", k))
		}
	}
	return t
}

// readAsserts reads an assert: list.
func (pf *pfImport) readAsserts(v any, where, dir string) []pfAssert {
	list, ok := v.([]any)
	if v == nil {
		return nil
	}
	if !ok {
		pf.notes.add(where, "assert", "assert is not a list of assertions")
		return nil
	}
	var out []pfAssert
	for i, e := range list {
		w := joinPath(where, i)
		m, ok := e.(map[string]any)
		if !ok {
			pf.notes.add(w, "assert", "an assertion is a mapping {type, value}")
			continue
		}
		typ, _ := m["type"].(string)
		if typ == "" {
			pf.notes.add(w, "assert", "an assertion needs type:")
			continue
		}
		a := pfAssert{Type: typ, Value: m["value"], Where: w, Dir: dir}
		for _, k := range sortedKeys(m) {
			switch k {
			case "type", "value":
			default:
				a.Options = append(a.Options, k)
			}
		}
		out = append(out, a)
	}
	return out
}

// csvTests reads promptfoo's CSV test format: a header of var names, and
// special columns __expected (one assertion each, in promptfoo's shorthand),
// __description; the other __ columns are not mapped.
func (pf *pfImport) csvTests(path string, tsv bool, def *pfDefault) []pfTest {
	comma := ','
	if tsv {
		comma = '\t'
	}
	var header []string
	var out []pfTest
	readCSV(path, comma, pf.in.p, func(pos Pos, n int, rec []string) bool {
		if n == 1 {
			header = rec
			return true
		}
		if len(rec) != len(header) {
			pf.in.p.add(pos, "%d fields, the header has %d", len(rec), len(header))
			return true
		}
		t := pfTest{Pos: pos, Where: filepath.Base(path) + " " + pos.Where, Vars: map[string]any{}}
		if def != nil {
			for k, v := range def.vars {
				t.Vars[k] = v
			}
			t.Asserts = append(t.Asserts, def.asserts...)
		}
		for i, h := range header {
			cell := rec[i]
			switch {
			case strings.HasPrefix(h, "__expected"):
				if strings.TrimSpace(cell) == "" {
					continue
				}
				typ, val, thr := pfShorthand(cell)
				a := pfAssert{Type: typ, Value: val, Where: t.Where + " " + h, Dir: filepath.Dir(path)}
				if thr {
					a.Options = []string{"threshold"}
				}
				t.Asserts = append(t.Asserts, a)
			case h == "__description":
				t.Description = cell
			case strings.HasPrefix(h, "__"):
				if strings.TrimSpace(cell) != "" {
					pf.notes.add(t.Where, "csv "+h, fmt.Sprintf("column %s is not mapped", h))
				}
			default:
				t.Vars[h] = cell
			}
		}
		out = append(out, t)
		return true
	})
	return out
}

// evaluateOptions maps repeat to the config's repeats and notes the rest.
func (pf *pfImport) evaluateOptions(v any) int {
	m, _ := v.(map[string]any)
	repeats := 0
	for _, k := range sortedKeys(m) {
		w := joinPath("evaluateOptions", k)
		switch k {
		case "repeat":
			if f, ok := number(m[k]); ok && f >= 1 && f == float64(int(f)) {
				repeats = int(f)
				continue
			}
		case "maxConcurrency":
			pf.notes.add(w, k, "maxConcurrency is not copied: llmbench sets concurrency per target (concurrency:, default 4)")
			continue
		case "showProgressBar", "cache", "generateSuggestions":
			continue
		}
		pf.notes.add(w, "evaluateOptions."+k, fmt.Sprintf("evaluateOptions.%s is not mapped", k))
	}
	return repeats
}

// --- cases ---

// pfGroup is the cases of one suite (per prompt).
type pfGroup struct {
	slug    string // "" for the main group
	scorers []string
	judge   *suites.JudgeSpec
	cases   []*draftCase
}

// buildCases turns tests into cases. Tests scored without a judge share
// one suite: its scorers are the set most tests map to, and a case whose
// assertions map to other scorers carries its own list. Tests graded by
// llm-rubric go to judge suites, one per scorer set and rubric, since the
// judge scores a whole suite the same way.
func (pf *pfImport) buildCases(tests []pfTest, prompts []pfPrompt) []*pfGroup {
	promptVars := map[string]bool{}
	for _, p := range prompts {
		for _, v := range p.Vars {
			promptVars[v] = true
		}
	}
	main := &pfGroup{}
	var mainSets [][]string
	var judged []*pfGroup
	byKey := map[string]*pfGroup{}
	var skipped []string
	total, n, read := 0, 0, 0
	for ti, t := range tests {
		if pf.in.limitReached(n) {
			break
		}
		read++
		m := pf.mapAsserts(t.Asserts)
		if len(m.scorers) == 0 {
			skipped = append(skipped, t.Where)
			continue
		}
		combos, err := expandVars(t.Vars)
		if err != nil {
			pf.in.p.add(t.Pos, "%v", err)
			continue
		}
		total += len(combos)
		if total > maxExpanded {
			pf.in.p.add(t.Pos, "the tests' list-valued vars expand to more than %d cases", maxExpanded)
			return nil
		}
		for ci, vars := range combos {
			if pf.in.limitReached(n) {
				break
			}
			n++
			id := "test-" + strconv.Itoa(ti+1)
			if len(combos) > 1 {
				id += "-" + strconv.Itoa(ci+1)
			}
			c, ok := pf.caseOf(id, t, vars, m, promptVars)
			if !ok {
				continue
			}
			if len(m.criteria) == 0 {
				main.cases = append(main.cases, c)
				mainSets = append(mainSets, m.scorers)
				continue
			}
			judge := &suites.JudgeSpec{Mode: suites.JudgeRubric, Rubric: pfRubric(m.criteria)}
			key := strings.Join(m.scorers, "+") + "\x00" + judge.Rubric
			g := byKey[key]
			if g == nil {
				g = &pfGroup{scorers: m.scorers, judge: judge}
				byKey[key] = g
				judged = append(judged, g)
			}
			g.cases = append(g.cases, c)
		}
	}
	pf.d.rows = read
	if len(skipped) > 0 {
		list := skipped
		if len(list) > 10 {
			list = append(list[:10:10], fmt.Sprintf("and %d more", len(skipped)-10))
		}
		pf.notes.once(fmt.Sprintf("%s without an assertion llmbench can score, not imported: %s", plural(len(skipped), "test"), strings.Join(list, ", ")))
	}
	var groups []*pfGroup
	if len(main.cases) > 0 {
		main.scorers = commonest(mainSets)
		own := 0
		for i, c := range main.cases {
			if !slices.Equal(mainSets[i], main.scorers) {
				c.Scorers = mainSets[i]
				own++
			}
		}
		if own > 0 {
			pf.notes.once(fmt.Sprintf("%s whose assertions map to other scorers than the suite's (%s) carry their own scorers list", plural(own, "case"), strings.Join(main.scorers, ", ")))
		}
		groups = append(groups, main)
	}
	used := map[string]bool{"": true}
	for _, g := range judged {
		s := slug(strings.Join(g.scorers, "-"))
		for base, k := s, 2; used[s]; k++ {
			s = base + "-" + strconv.Itoa(k)
		}
		used[s] = true
		g.slug = s
		groups = append(groups, g)
	}
	if len(judged) > 0 && len(groups) > 1 {
		pf.notes.once("tests graded by llm-rubric are in suites of their own (file names with judge): the judge scores a whole suite by one rubric")
	}
	return groups
}

// commonest is the scorer set most cases map to (the first seen on a tie).
func commonest(sets [][]string) []string {
	count := map[string]int{}
	best, bestN := sets[0], 0
	for _, s := range sets {
		k := strings.Join(s, "+")
		count[k]++
		if count[k] > bestN {
			best, bestN = s, count[k]
		}
	}
	return best
}

// caseOf builds one case.
func (pf *pfImport) caseOf(id string, t pfTest, vars map[string]any, m pfMapped, promptVars map[string]bool) (*draftCase, bool) {
	c := &draftCase{ID: id, Refs: m.refs, Pos: t.Pos}
	for _, k := range sortedKeys(vars) {
		v, ok := pf.varValue(vars[k], t)
		if !ok {
			return nil, false
		}
		c.Fields = append(c.Fields, kv{fieldName(k), v})
	}
	for _, v := range sortedBoolKeys(promptVars) {
		if _, has := vars[v]; !has {
			c.Fields = append(c.Fields, kv{fieldName(v), ""})
			pf.notes.add(t.Where, "missing var "+v, fmt.Sprintf("var %s is not set: promptfoo renders it empty, and so does the imported case", v))
		}
	}
	if len(m.keywords) > 0 {
		c.Fields = append(c.Fields, kv{"keywords", m.keywords})
	}
	if t.Description != "" {
		c.Fields = append(c.Fields, kv{"test_description", t.Description})
	}
	return c, true
}

// varValue reads a var's value; file:// text files are read, as promptfoo
// does; other files (images, code) are not mapped and the test is skipped.
func (pf *pfImport) varValue(v any, t pfTest) (any, bool) {
	s, ok := v.(string)
	if !ok {
		return v, true
	}
	name, isFile := strings.CutPrefix(s, "file://")
	if !isFile {
		return s, true
	}
	text, err := pf.readTextRef(name, pf.dir)
	if err != nil {
		pf.notes.add(t.Where, "var file", fmt.Sprintf("test not imported: var file %s: %v", name, err))
		return nil, false
	}
	return text, true
}

// readTextRef reads a file:// text file (.txt, .md).
func (pf *pfImport) readTextRef(name, dir string) (string, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".txt", ".md":
	default:
		return "", fmt.Errorf("only .txt and .md files are read (not code, images or data files)")
	}
	path := name
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, filepath.FromSlash(name))
	}
	data, err := readTextFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return "", fmt.Errorf("%s not found", name)
		}
		return "", err
	}
	return string(data), nil
}

// pfRubric is the judge rubric for llm-rubric criteria.
func pfRubric(criteria []string) string {
	if len(criteria) == 1 {
		return "Score 10 when the answer fully meets this requirement and 1 when it does not meet it at all:\n" + strings.TrimSpace(criteria[0])
	}
	var b strings.Builder
	b.WriteString("Score 10 when the answer fully meets every requirement below and 1 when it meets none:")
	for _, c := range criteria {
		b.WriteString("\n- " + strings.TrimSpace(c))
	}
	return b.String()
}

// expandVars is promptfoo's expansion of list-valued vars: one set of vars
// per combination, the first var varying slowest (keys in sorted order).
func expandVars(vars map[string]any) ([]map[string]any, error) {
	out := []map[string]any{{}}
	for _, k := range sortedKeys(vars) {
		list, isList := vars[k].([]any)
		if !isList {
			for _, o := range out {
				o[k] = vars[k]
			}
			continue
		}
		if len(list) == 0 {
			return nil, fmt.Errorf("var %s is an empty list: it would expand to no test", k)
		}
		if len(out)*len(list) > maxExpanded {
			return nil, fmt.Errorf("list-valued vars expand to more than %d cases", maxExpanded)
		}
		var next []map[string]any
		for _, o := range out {
			for _, e := range list {
				n := make(map[string]any, len(o)+1)
				for kk, vv := range o {
					n[kk] = vv
				}
				n[k] = e
				next = append(next, n)
			}
		}
		out = next
	}
	return out, nil
}

func sortedBoolKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// --- targets.yaml ---

func (pf *pfImport) writeTargets(name string, targets []pfTarget, judge *pfTarget, repeats int) {
	if len(targets) == 0 {
		if !pf.notes.has("the config names no providers: targets.yaml is not written") {
			pf.notes.once("no provider could be mapped: targets.yaml is not written")
		}
		return
	}
	var w yamlWriter
	w.comment(
		fmt.Sprintf("Targets from the promptfoo config %s, written by `llmbench suites import`.", filepath.Base(pf.in.src)),
		"A config for `llmbench run --config targets.yaml`: keys come from environment variables, never",
		"from this file. See IMPORT_NOTES.md for providers and settings that were not mapped.",
	)
	w.str(0, "name", name)
	w.raw(0, "targets", "")
	for _, t := range targets {
		t.yaml(&w, "")
	}
	var files []string
	seen := map[string]bool{}
	for _, s := range pf.d.suites {
		if !seen[s.File] {
			seen[s.File] = true
			files = append(files, s.File)
		}
	}
	w.raw(0, "suites", yamlFlowList(files))
	if repeats > 1 {
		w.raw(0, "repeats", strconv.Itoa(repeats))
	}
	if judge != nil {
		for _, s := range pf.d.suites {
			if s.Judge != nil {
				judge.yaml(&w, "judge")
				break
			}
		}
	}
	pf.d.files = append(pf.d.files, extraFile{Path: targetsFile, Data: []byte(w.String())})
}

// --- notes ---

// noteAgg collects notes, merging repeats of the same kind of note (one
// line for 500 javascript assertions, not 500).
type noteAgg struct {
	order []string
	byKey map[string]*aggNote
}

type aggNote struct {
	where string
	msg   string
	count int
}

func newNoteAgg() *noteAgg { return &noteAgg{byKey: map[string]*aggNote{}} }

// add notes msg at where; notes of the same kind and message are merged.
func (a *noteAgg) add(where, kind, msg string) {
	key := kind + "\x00" + msg
	if n, ok := a.byKey[key]; ok {
		n.count++
		return
	}
	a.byKey[key] = &aggNote{where: where, msg: msg, count: 1}
	a.order = append(a.order, key)
}

// once notes msg for the whole source.
func (a *noteAgg) once(msg string) { a.add("", "once", msg) }

func (a *noteAgg) has(msg string) bool { _, ok := a.byKey["once\x00"+msg]; return ok }

// about is the notes at where, for a problem's message.
func (a *noteAgg) about(where string) string {
	var out []string
	for _, k := range a.order {
		if n := a.byKey[k]; strings.HasPrefix(n.where, where) {
			out = append(out, n.where+": "+n.msg)
		}
	}
	if len(out) == 0 {
		return ""
	}
	return " (" + strings.Join(out, "; ") + ")"
}

// summary is the first n notes, for a problem's message.
func (a *noteAgg) summary(n int) string {
	var out []string
	for i, k := range a.order {
		if i == n {
			break
		}
		out = append(out, a.byKey[k].String())
	}
	if len(out) == 0 {
		return ""
	}
	return ": " + strings.Join(out, "; ")
}

func (n *aggNote) String() string {
	s := n.msg
	if n.where != "" {
		s = n.where + ": " + s
	}
	return s
}

// flush moves the notes into the draft.
func (a *noteAgg) flush(d *draft) {
	for _, k := range a.order {
		n := a.byKey[k]
		where := n.where
		if n.count > 1 && where != "" {
			where += fmt.Sprintf(" (and %d more like it)", n.count-1)
		}
		d.notes = append(d.notes, Note{Where: where, Msg: n.msg})
	}
}
