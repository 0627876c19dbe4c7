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
