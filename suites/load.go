package suites

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/llmbench/llmbench/providers"
)

// Problem is one thing wrong with a suite, at a place in a file.
type Problem struct {
	// File is the file as named to Load (or "builtin:NAME/…").
	File string
	// Line is 1-based; 0 when the problem concerns the file as a whole.
	Line int
	// Msg says what is wrong and what to do about it.
	Msg string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Msg)
}

// LoadError is every problem Load found in a suite. Load returns it, and
// no suite, when there is at least one.
type LoadError struct {
	Problems []Problem
}

// maxListedProblems bounds Error's text; Problems keeps them all.
const maxListedProblems = 100

// Error lists the problems one per line as file:line: msg.
func (e *LoadError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i == maxListedProblems {
			fmt.Fprintf(&b, "\n... and %d more problems", len(e.Problems)-i)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// maxCaseLine is the longest line a cases file may have (a case with
// inline data-URL images can be long). A variable so tests can lower it.
var maxCaseLine = 64 << 20

// maxImageBytes bounds one image.
const maxImageBytes = 20 << 20

// Load reads the suite file at path, its cases and images, and checks all
// of it (see the package documentation). It returns either a complete
// suite or an error: a *LoadError listing every problem found, or a plain
// error when the suite file itself cannot be read.
func Load(path string) (*Suite, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read suite: %w", err)
	}
	// The YAML parser counts CRLF after a comment as two lines; read
	// Windows and old-Mac line ends as "\n" so problems name the real line.
	data = bytes.ReplaceAll(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), []byte("\r"), []byte("\n"))
	dir := filepath.Dir(path)
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open suite folder: %w", err)
	}
	defer root.Close()
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open suite folder: %w", err)
	}
	l := &loader{
		file:   path,
		folder: dir,
		root:   abs,
		fsys:   root.FS(),
		// Cases files are read through the root too, so a symlink cannot
		// lead out of the folder (readFile has refused ".." and absolute
		// paths already).
		openCases: func(rel string) (io.ReadCloser, string, error) {
			p := filepath.FromSlash(rel)
			f, err := root.Open(p)
			return f, filepath.Join(dir, p), err
		},
	}
	s, err := l.load(data)
	if err != nil {
		return nil, err
	}
	s.Path = path
	return s, nil
}

// loader holds the state of one Load: where files are and the problems
// found so far.
type loader struct {
	file   string // the suite file, as displayed
	folder string // the suite's folder, as displayed
	// fsys is the suite's folder; images are read from it, so they cannot
	// leave it (os.Root refuses ".." and symlinks that escape).
	fsys fs.FS
	// openCases opens a cases file named relative to the suite file and
	// returns its display name.
	openCases func(rel string) (io.ReadCloser, string, error)
	// root is the suite's folder as an absolute path when a cases file is
	// indexed rather than held (see caseSet): CaseReader opens it again.
	// Empty for built-in suites, which stay in memory.
	root string

	problems []Problem
}

func (l *loader) add(file string, line int, format string, args ...any) {
	l.problems = append(l.problems, Problem{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// yamlProblem reports a goccy error at the line its token names.
func (l *loader) yamlProblem(err error, line int, what string) {
	var ye yaml.Error
	if errors.As(err, &ye) {
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			line = tk.Position.Line
		}
		l.add(l.file, line, "%s: %s", what, ye.GetMessage())
		return
	}
	l.add(l.file, line, "%s: %v", what, err)
}

var topKeys = []string{"name", "description", "system", "prompt", "messages", "examples", "scorers", "primary", "params", "document", "judge", "cases"}

// casePos is where a case was written, for problems.
type casePos struct {
	file string
	line int
}

func (p casePos) String() string { return fmt.Sprintf("%s:%d", p.file, p.line) }

func (l *loader) load(data []byte) (*Suite, error) {
	s := &Suite{}
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		l.yamlProblem(err, 1, "YAML syntax")
		return nil, l.err()
	}
	if len(file.Docs) == 0 || file.Docs[0].Body == nil {
		l.add(l.file, 1, "empty suite file: write a YAML mapping with at least name, prompt, scorers and cases")
		return nil, l.err()
	}
	if len(file.Docs) > 1 {
		line := nodeLine(file.Docs[1].Body)
		if tk := file.Docs[1].Start; tk != nil && tk.Position != nil {
			line = tk.Position.Line
		}
		l.add(l.file, line, "more than one YAML document: a suite file holds one mapping; remove the extra ---")
	}
	body := file.Docs[0].Body
	var entries []*ast.MappingValueNode
	switch n := body.(type) {
	case *ast.MappingNode:
		entries = n.Values
	case *ast.MappingValueNode:
		entries = []*ast.MappingValueNode{n}
	default:
		l.add(l.file, nodeLine(body), "the suite file is a YAML %s: it must be a mapping with keys %s", strings.ToLower(body.Type().String()), strings.Join(topKeys, ", "))
		return nil, l.err()
	}
	// Decode the whole document once so anchors and aliases resolve; the
	// AST gives each key's line.
	var doc map[string]any
	if err := yaml.NodeToValue(body, &doc); err != nil {
		l.yamlProblem(err, 1, "YAML")
		return nil, l.err()
	}

	lines := map[string]int{}
	var promptNode, casesNode, messagesNode ast.Node
	var primary string
	for _, mv := range entries {
		key := mv.Key.GetToken().Value
		line := mv.Key.GetToken().Position.Line
		lines[key] = line // the parser has refused repeated keys
		v := doc[key]
		vline := nodeLine(mv.Value)
		switch key {
		case "name":
			var ok bool
			if s.Name, ok = l.str(v, vline, key); !ok {
				break
			}
			if strings.TrimSpace(s.Name) == "" {
				l.add(l.file, vline, "name is empty: give the suite a name")
			} else if strings.ContainsAny(s.Name, "\n\r\t") {
				l.add(l.file, vline, "name %q contains a line break or tab: use a short one-line name", s.Name)
			}
		case "description":
			s.Description, _ = l.str(v, vline, key)
		case "system":
			s.System, _ = l.str(v, vline, key)
		case "prompt":
			var ok bool
			if s.PromptText, ok = l.str(v, vline, key); ok {
				promptNode = mv.Value
			}
		case "messages":
			messagesNode = mv.Value
		case "examples":
			s.Examples = l.examples(v, mv.Value)
		case "primary":
			if primary, _ = l.str(v, vline, key); primary == "" {
				l.add(l.file, vline, "primary names the scorer that gives the primary score; it is empty")
			}
		case "scorers":
			s.ScorerSpecs = l.scorers(v, vline)
			s.Scorers = make([]string, len(s.ScorerSpecs))
			for i, spec := range s.ScorerSpecs {
				s.Scorers[i] = spec.Name
			}
		case "params":
			s.Params = l.params(v, mv.Value)
		case "document":
			if s.DocumentField, _ = l.str(v, vline, key); s.DocumentField == "" {
				l.add(l.file, vline, "document names the case field that holds the source text (e.g. document: article); it is empty")
			}
		case "judge":
			s.Judge = l.judge(v, mv.Value)
		case "cases":
			casesNode = mv.Value
		default:
			l.add(l.file, line, "unknown key %q: the known keys are %s", key, strings.Join(topKeys, ", "))
		}
	}
	if primary != "" && len(s.ScorerSpecs) > 0 {
		l.setPrimary(s, primary, lines["primary"])
	}
	promptAt := -1 // where a missing prompt is reported, once the cases are read
	for _, k := range []string{"name", "prompt", "scorers", "cases"} {
		if k == "prompt" {
			// A suite asks with prompt:, with messages:, or with every
			// case's own messages, known once the cases are read.
			promptAt = len(l.problems)
			continue
		}
		if _, ok := lines[k]; !ok {
			hint := missingHint[k]
			if k == "scorers" {
				hint += " (known: " + strings.Join(ScorerNames(), ", ") + ")"
			}
			l.add(l.file, 1, "missing %q: %s", k, hint)
		}
	}
	l.checkJudge(s, lines["judge"], lines["scorers"])
	if promptNode != nil && strings.TrimSpace(s.PromptText) == "" {
		l.add(l.file, nodeLine(promptNode), "prompt is empty: write the template that turns a case into the question, e.g. \"{{.question}}\"")
	} else if promptNode != nil {
		s.Prompt = l.template("prompt", s.PromptText, promptNode, s.Examples)
	}
	if messagesNode != nil {
		if promptNode != nil {
			l.add(l.file, lines["messages"], "the suite has both prompt: and messages:; keep one (messages: is a conversation, prompt: a single user message)")
		}
		s.Turns = l.suiteTurns(s, doc["messages"], messagesNode, lines["messages"])
	}

	_, hasPrompt := lines["prompt"]
	asked := hasPrompt || messagesNode != nil
	b := &caseBuilder{l: l, s: s, seen: map[string]casePos{}, set: &caseSet{}, asked: asked, hasher: newSuiteHasher(s), suiteSpecs: s.Specs(), checkers: map[string]CaseChecker{}}
	if casesNode != nil {
		l.cases(b, doc["cases"], casesNode)
	}
	if !asked {
		// Without prompt: or messages:, the cases must bring their own
		// messages: a case without them is reported at its line, unless
		// none has any.
		if b.anyTurns {
			// Each where it would have been reported had it been known
			// then, so problems at one line keep their order.
			for i := len(b.noTurns) - 1; i >= 0; i-- {
				nt := b.noTurns[i]
				l.problems = slices.Insert(l.problems, nt.problem, Problem{File: nt.at.file, Line: nt.at.line,
					Msg: fmt.Sprintf("case %q has no \"messages\" and the suite has no prompt: or messages: to ask it with: give it messages", nt.id)})
			}
		} else {
			l.problems = slices.Insert(l.problems, promptAt, Problem{File: l.file, Line: 1, Msg: fmt.Sprintf("missing %q: %s", "prompt", missingHint["prompt"])})
		}
	}
	if len(l.problems) > 0 {
		return nil, l.err()
	}
	s.cases = *b.set
	s.Hash = b.hasher.sum()
	return s, nil
}

var missingHint = map[string]string{
	"name":    "add name: <suite name>",
	"prompt":  `add prompt: "<template over the case fields, e.g. {{.question}}>" (or messages:, a conversation; or "messages" on every case)`,
	"scorers": "add scorers: [<name>, ...], the first being the primary score",
	"cases":   "add cases: <file.jsonl> or an inline list of case objects",
}

// err returns the problems as a *LoadError, ordered by file (in the order
// files were first mentioned) and line, so they read top to bottom.
func (l *loader) err() error {
	if len(l.problems) == 0 {
		return nil
	}
	order := map[string]int{}
	for _, p := range l.problems {
		if _, ok := order[p.File]; !ok {
			order[p.File] = len(order)
		}
	}
	sort.SliceStable(l.problems, func(i, j int) bool {
		a, b := l.problems[i], l.problems[j]
		if order[a.File] != order[b.File] {
			return order[a.File] < order[b.File]
		}
		return a.Line < b.Line
	})
	return &LoadError{Problems: l.problems}
}

func nodeLine(n ast.Node) int {
	if n == nil {
		return 1
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return 1
}

// str reads a string value; ok is false (and a problem reported) when the
// value is of another type. A null value is the empty string.
func (l *loader) str(v any, line int, key string) (s string, ok bool) {
	switch v := v.(type) {
	case nil:
		return "", true
	case string:
		return v, true
	}
	l.add(l.file, line, "%s must be a string, not a %s", key, yamlKind(v))
	return "", false
}

func (l *loader) scorers(v any, line int) []ScorerSpec {
	specs, _ := l.scorerList(l.file, line, v, "scorers", yamlKind)
	return specs
}

// scorerList reads a list of scorers (the suite's, or a case's own) written
// in file at line; ok is false when a problem was reported. kind names a
// value's type in the file's language (YAML or JSON).
func (l *loader) scorerList(file string, line int, v any, what string, kind func(any) string) (specs []ScorerSpec, ok bool) {
	n := len(l.problems)
	switch v := v.(type) {
	case string:
		specs = []ScorerSpec{{Name: v}}
	case []any:
		for _, e := range v {
			spec, ok := l.scorerSpec(file, line, e, kind)
			if !ok {
				return nil, false
			}
			specs = append(specs, spec)
		}
	default:
		l.add(file, line, "%s must be a list of names, e.g. [exact], not a %s", what, kind(v))
		return nil, false
	}
	if len(specs) == 0 {
		l.add(file, line, "%s is empty: list at least one (known: %s)", what, strings.Join(ScorerNames(), ", "))
	}
	seen := map[string]bool{}
	for _, spec := range specs {
		if _, err := NewScorer(spec); err != nil {
			l.add(file, line, "%v", err)
		}
		if seen[spec.Name] {
			l.add(file, line, "scorer %q is listed twice: list it once", spec.Name)
		}
		seen[spec.Name] = true
	}
	return specs, len(l.problems) == n
}

// scorerSpec reads one entry of scorers: a name, or a mapping
// {name: bleu, tokenizer: zh, stem: true}.
func (l *loader) scorerSpec(file string, line int, e any, kind func(any) string) (ScorerSpec, bool) {
	switch e := e.(type) {
	case string:
		return ScorerSpec{Name: e}, true
	case map[string]any:
		var spec ScorerSpec
		for k, v := range e {
			switch k {
			case "name":
				spec.Name, _ = v.(string)
			case "tokenizer":
				t, ok := v.(string)
				if !ok {
					l.add(file, line, "scorer tokenizer must be a string, not a %s", kind(v))
					return spec, false
				}
				spec.Tokenizer = t
			case "stem":
				b, ok := v.(bool)
				if !ok {
					l.add(file, line, "scorer stem must be true or false, not a %s", kind(v))
					return spec, false
				}
				spec.Stem = b
			default:
				l.add(file, line, "unknown scorer option %q: scorers take name, tokenizer and stem", k)
				return spec, false
			}
		}
		if spec.Name == "" {
			l.add(file, line, "a scorer written as a mapping needs name: (e.g. {name: bleu, tokenizer: zh})")
			return spec, false
		}
		return spec, true
	}
	l.add(file, line, "scorers must list names or {name: ..., tokenizer: ...} mappings, found a %s", kind(e))
	return ScorerSpec{}, false
}

func (l *loader) params(v any, node ast.Node) providers.Params {
	var p providers.Params
	line := nodeLine(node)
	if v == nil {
		return p
	}
	if _, ok := v.(map[string]any); !ok {
		l.add(l.file, line, "params must be a mapping such as {temperature: 0, max_tokens: 256}, not a %s", yamlKind(v))
		return p
	}
	raw, err := json.Marshal(v)
	if err != nil {
		l.add(l.file, line, "params: %v", err)
		return p
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) {
			line = keyLine(node, ute.Field)
		} else if m := unknownFieldRe.FindStringSubmatch(err.Error()); m != nil {
			line = keyLine(node, m[1])
		}
		l.add(l.file, line, "params: %s (known: temperature, top_p, max_tokens, seed, stop)", jsonErrText(err))
		return p
	}
	if p.Temperature != nil && *p.Temperature < 0 {
		l.add(l.file, keyLine(node, "temperature"), "params: temperature %v is negative", *p.Temperature)
	}
	if p.TopP != nil && (*p.TopP <= 0 || *p.TopP > 1) {
		l.add(l.file, keyLine(node, "top_p"), "params: top_p %v is outside (0, 1]", *p.TopP)
	}
	if p.MaxTokens != nil && *p.MaxTokens <= 0 {
		l.add(l.file, keyLine(node, "max_tokens"), "params: max_tokens %d must be positive", *p.MaxTokens)
	}
	return p
}

var unknownFieldRe = regexp.MustCompile(`unknown field "([^"]*)"`)

// keyLine is the line of key in a YAML mapping node, or the node's own
// line when the key is not found there.
func keyLine(node ast.Node, key string) int {
	if m, ok := node.(*ast.MappingNode); ok {
		for _, mv := range m.Values {
			if mv.Key.GetToken().Value == key {
				return nodeLine(mv.Key)
			}
		}
	}
	return nodeLine(node)
}

// jsonErrText turns encoding/json's messages into ones about the suite
// file rather than Go types.
func jsonErrText(err error) string {
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		return fmt.Sprintf("%s must be a %s, not a %s", ute.Field, goKindName(ute.Type.String()), ute.Value)
	}
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "json: ")
	return msg
}

func goKindName(t string) string {
	t = strings.TrimLeft(t, "*")
	switch {
	case strings.HasPrefix(t, "float"):
		return "number"
	case strings.HasPrefix(t, "int"):
		return "whole number"
	case strings.HasPrefix(t, "[]"):
		return "list"
	}
	return t
}

var tmplLineRe = regexp.MustCompile(`^template: [a-z]+:(\d+):`)

// template parses a prompt or message template and maps a parse error's
// template line to the suite file's line.
func (l *loader) template(what, text string, node ast.Node, examples []Example) *template.Template {
	t, err := parseTemplate(what, text, examples)
	if err == nil {
		return t
	}
	line := nodeLine(node)
	if lit, ok := node.(*ast.LiteralNode); ok && lit.Value != nil {
		line = nodeLine(lit.Value)
	}
	msg := err.Error()
	if m := tmplLineRe.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		if _, ok := node.(*ast.LiteralNode); ok {
			line += n - 1
		}
		msg = strings.TrimSpace(msg[len(m[0]):])
	}
	l.add(l.file, line, "%s template: %s", what, msg)
	return nil
}

// cases reads the cases, from a file or an inline list, into b.
func (l *loader) cases(b *caseBuilder, v any, node ast.Node) {
	line := nodeLine(node)
	switch v := v.(type) {
	case string:
		if strings.TrimSpace(v) == "" {
			l.add(l.file, line, "cases is empty: name a JSONL file or write a list of cases")
			return
		}
		n := len(l.problems)
		b.readFile(v, line)
		if b.n == 0 && len(l.problems) == n {
			l.add(l.file, line, "cases file %s holds no cases: %s", v, formatOf(v).holds)
		}
	case []any:
		seq, _ := node.(*ast.SequenceNode)
		for i, item := range v {
			ln := line
			if seq != nil && i < len(seq.Values) {
				ln = nodeLine(seq.Values[i])
			}
			obj, err := jsonRoundTrip(item)
			if err != nil {
				l.add(l.file, ln, "case: %v", err)
				continue
			}
			b.add(obj, casePos{file: l.file, line: ln}, 0)
		}
		if len(v) == 0 {
			l.add(l.file, line, "cases is an empty list: add at least one case")
		}
	case nil:
		l.add(l.file, line, "cases is empty: name a JSONL file or write a list of cases")
	default:
		l.add(l.file, line, "cases must be a file name or a list of case objects, not a %s", yamlKind(v))
	}
}

// jsonRoundTrip gives a YAML value the types a JSONL line decodes to
// (json.Number for numbers), so inline and file cases look the same to
// templates, scorers and hashes.
func jsonRoundTrip(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out any
	err = dec.Decode(&out)
	return out, err
}

// caseBuilder turns decoded case objects into Cases. While loading
// (set != nil) it checks each case as it comes, hashes it and keeps it in
// set: in memory, or, for a cases file read from disk (file != nil), as an
// index entry. Decoding one case again (set == nil) it keeps the case in
// last.
type caseBuilder struct {
	l    *loader
	s    *Suite
	seen map[string]casePos // ids so far (nil when decoding again)

	set        *caseSet
	file       *caseFile // the cases file being indexed (nil: cases stay in memory)
	rec        caseEntry // the record being read: off, size, line
	n          int       // cases built so far, valid or not
	asked      bool      // the suite has prompt: or messages:
	anyTurns   bool      // some case has its own messages
	noTurns    []idAt    // cases without messages, when the suite has no prompt
	hasher     *suiteHasher
	suiteSpecs []ScorerSpec
	checkers   map[string]CaseChecker // by ScorerSpec.String(); nil: checks nothing

	last *Case
}

// idAt is a case's id, where it was written and how many problems had
// been found when it was read.
type idAt struct {
	id      string
	at      casePos
	problem int
}

func (b *caseBuilder) readFile(rel string, suiteLine int) {
	l := b.l
	if filepath.IsAbs(rel) || path.IsAbs(rel) {
		l.add(l.file, suiteLine, "cases file %q is absolute: write it relative to the suite's folder %s and keep it inside", rel, l.folder)
		return
	}
	if !filepath.IsLocal(filepath.FromSlash(rel)) {
		l.add(l.file, suiteLine, "cases file %q leaves the suite's folder %s: keep the cases inside it", rel, l.folder)
		return
	}
	rel = path.Clean(filepath.ToSlash(filepath.FromSlash(rel)))
	rc, name, err := l.openCases(rel)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			l.add(l.file, suiteLine, "cases file %s not found: the path is relative to the suite file's folder", rel)
		} else {
			l.add(l.file, suiteLine, "open cases file %s: %v", rel, err)
		}
		return
	}
	defer rc.Close()
	if l.root != "" {
		b.file = &caseFile{root: l.root, folder: l.folder, rel: rel, name: name, format: formatOf(rel)}
	}
	switch formatOf(rel) {
	case csvFormat:
		b.readCSV(rc, name)
		return
	case tsvFormat:
		b.readTSV(rc, name)
		return
	}
	r := bufio.NewReaderSize(rc, 64<<10)
	var off int64
	for n := 1; ; n++ {
		line, size, err := readLineN(r, maxCaseLine)
		b.rec = caseEntry{off: off, size: recordSize(int64(size)), line: uint32(n)}
		off += int64(size)
		if errors.Is(err, errLineTooLong) {
			l.add(name, n, "line is longer than %d bytes: keep each case on one line below that size", maxCaseLine)
			continue
		}
		if err != nil && err != io.EOF {
			l.add(name, n, "read: %v", err)
			return
		}
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		if len(bytes.TrimSpace(line)) > 0 {
			b.line(line, casePos{file: name, line: n})
		}
		if err == io.EOF {
			return
		}
	}
}

func (b *caseBuilder) line(line []byte, at casePos) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		b.l.add(at.file, at.line, "not valid JSON (%s): write one JSON object per line", jsonErrText(err))
		return
	}
	if _, err := dec.Token(); err != io.EOF {
		b.l.add(at.file, at.line, "more than one JSON value on the line: write one case object per line")
		return
	}
	b.add(v, at, at.line)
}

// add checks one decoded case object and keeps it. caseLine is the
// Case.Line to record (0 for inline cases).
func (b *caseBuilder) add(v any, at casePos, caseLine int) {
	l := b.l
	obj, ok := v.(map[string]any)
	if !ok {
		l.add(at.file, at.line, "a case must be a JSON object with an \"id\", not a %s", jsonKind(v))
		return
	}
	b.n++
	c := Case{Line: caseLine, Fields: map[string]any{}}
	okCase := true
	bad := func(format string, args ...any) {
		l.add(at.file, at.line, format, args...)
		okCase = false
	}
	switch id := obj["id"].(type) {
	case string:
		c.ID = id
		if strings.TrimSpace(id) == "" {
			bad(`"id" is empty: give every case a unique id`)
		}
	case json.Number:
		c.ID = id.String()
	case nil:
		bad(`case has no "id": give every case a unique id (a string)`)
	default:
		bad(`"id" is a %s: make it a string or a number`, jsonKind(id))
	}
	if c.ID != "" && b.seen != nil {
		if first, dup := b.seen[c.ID]; dup {
			bad("duplicate id %q: also at %s; ids must be unique", c.ID, first)
		} else {
			b.seen[c.ID] = at
		}
	}
	if ref, has := obj["reference"]; has {
		switch r := ref.(type) {
		case string:
			c.References = append(c.References, r)
		case json.Number:
			c.References = append(c.References, r.String())
		default:
			bad(`"reference" is a %s: make it a string (use "references" for a list)`, jsonKind(ref))
		}
	}
	if refs, has := obj["references"]; has {
		list, ok := stringList(refs)
		if !ok {
			bad(`"references" must be a list of strings, not a %s`, jsonKind(refs))
		}
		c.References = append(c.References, list...)
	}
	if tags, has := obj["tags"]; has {
		list, ok := stringList(tags)
		if l, isList := tags.([]any); isList && ok {
			ok = !slices.ContainsFunc(l, func(e any) bool { _, s := e.(string); return !s })
		}
		if !ok {
			bad(`"tags" must be a list of strings, not a %s`, jsonKind(tags))
		}
		for _, t := range list {
			if strings.TrimSpace(t) == "" || strings.TrimSpace(t) != t {
				bad(`tag %q is empty or has spaces around it: write tags such as "zh" or "hard"`, t)
				continue
			}
			if !slices.Contains(c.Tags, t) {
				c.Tags = append(c.Tags, t)
			}
		}
	}
	if sc, has := obj["scorers"]; has {
		specs, ok := l.scorerList(at.file, at.line, sc, `"scorers"`, jsonKind)
		switch {
		case !ok:
			okCase = false
		case slices.ContainsFunc(specs, func(sp ScorerSpec) bool { return sp.Name == JudgeScorer }):
			bad(`"scorers" names judge: the judge scores a whole suite; list judge in the suite's scorers instead`)
		case b.s.UsesJudge():
			bad(`"scorers" is set but the suite is scored by a judge, which scores every case the same way: remove the case's scorers`)
		default:
			c.Scorers = specs
		}
	}
	if msgs, has := obj["messages"]; has {
		turns, problems := caseTurns(msgs, b.s)
		for _, p := range problems {
			bad("%s", p)
		}
		if len(problems) == 0 {
			c.Turns = turns
		}
	}
	if imgs, has := obj["images"]; has {
		paths, ok := stringList(imgs)
		if !ok {
			bad(`"images" must be a list of paths, data URLs or http(s) URLs, not a %s`, jsonKind(imgs))
		}
		for _, p := range paths {
			img, err := loadImage(l.fsys, p, l.folder)
			if err != nil {
				bad("%v", err)
				continue
			}
			c.Images = append(c.Images, img)
			c.ImagePaths = append(c.ImagePaths, p)
		}
	}
	for k, v := range obj {
		switch k {
		case "id", "reference", "references", "images", "tags", "scorers", "messages":
		default:
			c.Fields[k] = v
		}
	}
	if okCase {
		b.keep(&c, at)
	}
}

// keep checks a case that is well formed, hashes it and keeps it (see
// caseBuilder).
func (b *caseBuilder) keep(c *Case, at casePos) {
	if b.set == nil {
		b.last = c
		return
	}
	b.check(c, at)
	sum := caseSum(c)
	c.Hash = hex.EncodeToString(sum[:])
	b.hasher.add(c.Hash)
	b.set.addSpecs(c.Scorers)
	if b.file == nil {
		b.set.mem = append(b.set.mem, *c)
		return
	}
	e := b.rec
	if e.size == 0 {
		b.l.add(at.file, at.line, "case %q is larger than %d bytes: keep each case below that size", c.ID, maxRecord)
		return
	}
	e.id, e.sum = c.ID, sumPrefix(sum)
	b.file.cases = append(b.file.cases, e)
	if b.set.file == nil {
		b.set.file = b.file
	}
}

// stringList accepts a list of strings (numbers are taken as their text)
// or a single string.
func stringList(v any) ([]string, bool) {
	switch v := v.(type) {
	case string:
		return []string{v}, true
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			switch e := e.(type) {
			case string:
				out = append(out, e)
			case json.Number:
				out = append(out, e.String())
			default:
				return nil, false
			}
		}
		return out, true
	}
	return nil, false
}

var noEntryRe = regexp.MustCompile(`map has no entry for key "([^"]*)"`)

// check renders the prompt (or messages) for c and asks every scorer
// that checks cases and scores c about it. A case without messages in a
// suite without prompt: or messages: is noted in noTurns, reported once
// every case is read.
func (b *caseBuilder) check(c *Case, at casePos) {
	l, s := b.l, b.s
	if len(c.Turns) > 0 {
		b.anyTurns = true
	}
	checkerOf := func(spec ScorerSpec) CaseChecker {
		key := spec.String()
		if cc, ok := b.checkers[key]; ok {
			return cc
		}
		sc, err := NewScorer(spec)
		var cc CaseChecker
		if err == nil { // an unknown scorer is reported with the scorers
			cc, _ = sc.(CaseChecker)
		}
		b.checkers[key] = cc
		return cc
	}
	turns := s.turnsFor(c)
	uses := "the prompt uses"
	if turns != nil {
		uses = "its messages use"
	}
	switch {
	case turns == nil && s.Prompt == nil:
		if !b.asked {
			b.noTurns = append(b.noTurns, idAt{id: c.ID, at: at, problem: len(l.problems)})
		}
		// else the suite's prompt or messages have a problem of their own
	default:
		msgs, err := s.Messages(c)
		switch {
		case err != nil:
			if m := noEntryRe.FindStringSubmatch(err.Error()); m != nil {
				l.add(at.file, at.line, "case %q has no field %q, which %s: add it to the case or change the template", c.ID, m[1], uses)
			} else {
				l.add(at.file, at.line, "case %q: render: %v", c.ID, err)
			}
		case strings.TrimSpace(msgs[len(msgs)-1].Text) == "" && len(c.Images) == 0:
			what := "the prompt renders empty"
			if turns != nil {
				what = "the last message renders empty"
			}
			l.add(at.file, at.line, "case %q: %s: give the case the text the template uses", c.ID, what)
		}
	}
	if s.DocumentField != "" {
		if d, ok := c.Fields[s.DocumentField].(string); !ok || strings.TrimSpace(d) == "" {
			l.add(at.file, at.line, "case %q has no text in field %q, which the suite names as its document", c.ID, s.DocumentField)
		}
	}
	specs := b.suiteSpecs
	if len(c.Scorers) > 0 {
		specs = c.Scorers
	}
	for _, spec := range specs {
		if cc := checkerOf(spec); cc != nil {
			if err := cc.CheckCase(c); err != nil {
				l.add(at.file, at.line, "case %q: scorer %s: %v", c.ID, spec.Name, err)
			}
		}
	}
}

// errLineTooLong is readLine's answer for a line over its limit; the line
// has been consumed.
var errLineTooLong = errors.New("line too long")

// readLine reads one line (without its "\n" or "\r\n") of any length up to
// limit bytes. It returns io.EOF with the last line when the input ends.
func readLine(r *bufio.Reader, limit int) ([]byte, error) {
	line, _, err := readLineN(r, limit)
	return line, err
}

// readLineN is readLine that also returns the bytes it consumed, line end
// included (a line too long is consumed whole).
func readLineN(r *bufio.Reader, limit int) ([]byte, int, error) {
	var line []byte
	tooLong := false
	n := 0
	for {
		chunk, err := r.ReadSlice('\n')
		n += len(chunk)
		if !tooLong {
			if len(line)+len(chunk) > limit+2 { // room for "\r\n"
				tooLong = true
				line = nil
			} else {
				line = append(line, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if tooLong {
			if err == nil || err == io.EOF {
				return nil, n, errLineTooLong
			}
			return nil, n, err
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) > limit {
			return nil, n, errLineTooLong
		}
		return line, n, err
	}
}

// jsonKind names the JSON type of a decoded value.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case json.Number, float64:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "list"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// yamlKind names the YAML type of a decoded value.
func yamlKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case uint64, int64, int, float64:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "list"
	case map[string]any:
		return "mapping"
	}
	return fmt.Sprintf("%T", v)
}
