package importers

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/llmbench/llmbench/suites"
)

// summaryFormat is one summarisation data set's shape and prompt.
type summaryFormat struct {
	name               string
	docField, sumField string // defaults
	// instruction comes before the document (en) or wraps it (zh).
	prompt    func(docRef string) string
	scorers   []suites.ScorerSpec
	maxTokens int
	what      string // for the description
}

// The English prompts are llmbench's own instruction (the built-in
// summarisation suite's), with each data set's target length: XSum's
// reference is one sentence, CNN/DailyMail's its three or four
// "highlights". LCSTS's prompt is OpenCompass's (configs/datasets/lcsts,
// lcsts_gen_8ee1fe: "阅读以下文章，并给出简短的摘要：{content}\n摘要如下：").
var (
	xsumFormat = summaryFormat{
		name: "xsum", docField: "document", sumField: "summary",
		prompt: func(doc string) string {
			return "Summarise the following article in one sentence. Reply with that sentence only.\n\n" + doc
		},
		scorers:   []suites.ScorerSpec{{Name: "rougeL"}, {Name: "rouge1"}, {Name: "rouge2"}},
		maxTokens: 128,
		what:      "one-sentence summaries (XSum style)",
	}
	cnndmFormat = summaryFormat{
		name: "cnn-dm", docField: "article", sumField: "highlights",
		prompt: func(doc string) string {
			return "Summarise the following news article in three or four sentences, as its highlights. Reply with the summary only.\n\n" + doc
		},
		// rougeLsum splits summaries at line breaks, as CNN/DailyMail's
		// highlights are written one per line.
		scorers:   []suites.ScorerSpec{{Name: "rougeL"}, {Name: "rouge1"}, {Name: "rouge2"}, {Name: "rougeLsum"}},
		maxTokens: 256,
		what:      "news highlights (CNN/DailyMail style)",
	}
	lcstsFormat = summaryFormat{
		name: "lcsts", docField: "text", sumField: "summary",
		prompt: func(doc string) string {
			return "阅读以下文章，并给出简短的摘要：" + doc + "\n摘要如下："
		},
		scorers: []suites.ScorerSpec{
			{Name: "rougeL", ScorerOptions: suites.ScorerOptions{Tokenizer: "zh-char"}},
			{Name: "rouge1", ScorerOptions: suites.ScorerOptions{Tokenizer: "zh-char"}},
			{Name: "rouge2", ScorerOptions: suites.ScorerOptions{Tokenizer: "zh-char"}},
		},
		maxTokens: 128,
		what:      "short Chinese news summaries (LCSTS)",
	}
)

// XSum and CNN/DailyMail as JSON Lines (the Hugging Face exports) or CSV
// with a header row; the document and summary fields are named by
// --document-field and --summary-field.
func readXSum(in *input) (*draft, error)  { return readSummaries(in, xsumFormat, false) }
func readCNNDM(in *input) (*draft, error) { return readSummaries(in, cnndmFormat, false) }

// LCSTS: the summary<TAB>text TSV (CLUEbenchmark/CLGE's split of it, no
// header), or JSON Lines {id, text, summary}.
func readLCSTS(in *input) (*draft, error) { return readSummaries(in, lcstsFormat, true) }

func readSummaries(in *input, f summaryFormat, tsv bool) (*draft, error) {
	d := newDraft(in)
	docField, sumField := f.docField, f.sumField
	if in.opts.DocumentField != "" {
		docField = in.opts.DocumentField
	}
	if in.opts.SummaryField != "" {
		sumField = in.opts.SummaryField
	}
	if reservedFields[docField] {
		return nil, optionErrorf("document field %q is a name llmbench cases reserve (id, reference, references, images): the document needs a field of its own", docField)
	}
	if docField == sumField {
		return nil, optionErrorf("the document and summary fields are both %q", docField)
	}
	jsonl, err := sniffJSONL(in.src)
	if err != nil {
		return nil, err
	}
	ids := newIDs()
	var cases []*draftCase
	n := 0
	row := func(pos Pos, o map[string]any) bool {
		n++
		id, has := recordID(o)
		if !has {
			id = strconv.Itoa(n)
		}
		doc, dok, dwhat := textField(o, docField)
		refs, sok, swhat := summaryRefs(o, sumField)
		switch {
		case !dok:
			in.p.add(pos, "document field %q is %s (fields: %s): name it with --document-field", docField, dwhat, fieldNames(o))
		case strings.TrimSpace(doc) == "":
			in.p.add(pos, "document field %q is empty", docField)
		case !sok:
			in.p.add(pos, "summary field %q is %s (fields: %s): name it with --summary-field", sumField, swhat, fieldNames(o))
		case ids.claim(in.p, pos, id):
			cases = append(cases, &draftCase{ID: id, Fields: obj{{docField, doc}}, Refs: refs, Pos: pos})
		}
		return !in.limitReached(n)
	}
	switch {
	case jsonl:
		err = readJSONL(in.src, in.p, row)
	case tsv:
		if in.opts.DocumentField != "" || in.opts.SummaryField != "" {
			return nil, optionErrorf("the LCSTS TSV has no field names (each line is summary<TAB>text): --document-field and --summary-field are for JSON Lines")
		}
		err = readLCSTSTSV(in.src, in.p, func(pos Pos, summary, text string) bool {
			return row(pos, map[string]any{docField: text, sumField: summary})
		})
	default:
		err = readCSVObjects(in.src, in.p, row)
	}
	if err != nil {
		return nil, err
	}
	d.rows = n
	if len(cases) == 0 {
		return d, nil
	}
	d.suites = []*suiteDraft{{
		File:      "suite.yaml",
		CasesFile: "cases.jsonl",
		Header: []string{
			importedHeader(in),
			fmt.Sprintf("The document is in field %q (the lead baseline reads it: document:); the reference", docField),
			fmt.Sprintf("summary came from %q.", sumField),
		},
		Name:        in.nameOr(f.name),
		Description: fmt.Sprintf("%s from %s (%d cases), scored by ROUGE against the reference summary.", capitalise(f.what), filepath.Base(in.src), len(cases)),
		Prompt:      f.prompt(fieldRef(docField)),
		Scorers:     f.scorers,
		Params:      params{Temperature: fptr(0), MaxTokens: iptr(f.maxTokens)},
		Document:    docField,
		Cases:       cases,
	}}
	return d, nil
}

// summaryRefs reads the reference summary: a string, or a list of
// strings (several references).
func summaryRefs(o map[string]any, key string) ([]string, bool, string) {
	v, has := o[key]
	if !has {
		return nil, false, "missing"
	}
	switch v := v.(type) {
	case string:
		if strings.TrimSpace(v) == "" {
			return nil, false, "empty"
		}
		return []string{v}, true, ""
	case []any:
		var out []string
		for _, e := range v {
			s, ok := e.(string)
			if !ok || strings.TrimSpace(s) == "" {
				return nil, false, "a list holding a " + jsonKind(e) + " or an empty string"
			}
			out = append(out, s)
		}
		if len(out) == 0 {
			return nil, false, "an empty list"
		}
		return out, true, ""
	}
	return nil, false, "a " + jsonKind(v)
}

// readLCSTSTSV reads summary<TAB>text lines. Quotes are text (the file is
// not CSV-quoted). A line without exactly one tab is a problem.
func readLCSTSTSV(path string, p *problems, fn func(pos Pos, summary, text string) bool) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read source: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte(bom))
		}
		b = bytes.TrimSuffix(b, []byte("\r"))
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		pos := Pos{File: path, Line: line}
		switch tabs := bytes.Count(b, []byte("\t")); {
		case !utf8.Valid(b):
			p.add(pos, "not UTF-8 text: save the file as UTF-8")
		case tabs != 1:
			p.add(pos, "%d tabs on the line: each line of the LCSTS TSV is summary<TAB>text (for JSON Lines, start each line with {)", tabs)
		default:
			summary, text, _ := strings.Cut(string(b), "\t")
			if !fn(pos, summary, text) {
				return nil
			}
		}
		if p.full() {
			return nil
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			p.add(Pos{File: path, Line: line + 1}, "line is longer than %d bytes", maxLine)
			return nil
		}
		return fmt.Errorf("read source: %w", err)
	}
	return nil
}

// readCSVObjects reads a CSV file with a header row as objects (every
// value a string).
func readCSVObjects(path string, p *problems, fn func(pos Pos, o map[string]any) bool) error {
	var header []string
	return readCSV(path, ',', p, func(pos Pos, n int, rec []string) bool {
		if n == 1 {
			header = rec
			seen := map[string]bool{}
			for _, h := range header {
				if seen[h] {
					p.add(pos, "column %q appears twice in the header", h)
					return false
				}
				seen[h] = true
			}
			return true
		}
		if len(rec) != len(header) {
			p.add(pos, "%d fields, the header has %d: every record needs one field per column", len(rec), len(header))
			return true
		}
		o := make(map[string]any, len(rec))
		for i, h := range header {
			o[h] = rec[i]
		}
		return fn(pos, o)
	})
}

var identRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// fieldRef is the template action reading case field name.
func fieldRef(name string) string {
	if identRe.MatchString(name) {
		return "{{." + name + "}}"
	}
	return "{{index . " + strconv.Quote(name) + "}}"
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
