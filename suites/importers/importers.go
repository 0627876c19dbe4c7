package importers

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Options say how to convert a source. Format is required; every other
// field has a default, and a field the format does not use must be left
// at its zero value (Import refuses it, so a mistyped flag is not silently
// ignored).
type Options struct {
	// Format is one of Formats()'s names.
	Format string
	// Name is the suite's name (default: from the format and, for
	// multiple-choice sets, the subject).
	Name string
	// Limit keeps the first N rows of the source (0: all).
	Limit int
	// Force overwrites files of an earlier import in the destination.
	Force bool

	// DocumentField and SummaryField name the source fields holding the
	// text to summarise and its reference summary (xsum, cnn-dm, lcsts
	// JSONL; defaults per format).
	DocumentField string
	SummaryField  string

	// Images is the folder image paths are resolved in (coco-captions;
	// default: the source file's folder).
	Images string

	// Dev is the file few-shot examples are taken from (mmlu, cmmlu,
	// ceval: the dev split; gsm8k: the train split). Without it the
	// prompt is zero-shot.
	Dev string
	// Shots is how many examples of Dev to use (per subject), the first
	// ones in file order as lm-eval's first_n sampler takes them. Used only
	// with Dev; must be at least 1 then (the command line's default is 5).
	Shots int
	// Subject overrides the subject of every row (mmlu, cmmlu, ceval):
	// an English subject id such as "college_physics" or the display name
	// itself.
	Subject string
}

// Result says what Import wrote.
type Result struct {
	Format string
	// Dest is the destination folder.
	Dest string
	// Rows is the number of source rows (records, images, tests) read.
	Rows int
	// Suites are the suite files written, in order.
	Suites []SuiteInfo
	// Targets is the config snippet written for a promptfoo config's
	// providers ("" when none).
	Targets string
	// Files are all files written, relative to Dest, sorted.
	Files []string
	// Notes are what could not be mapped, or was changed on the way: each
	// is also in Dest/IMPORT_NOTES.md.
	Notes []Note
}

// SuiteInfo describes one suite file written.
type SuiteInfo struct {
	Path    string // the suite file, inside Dest
	Name    string
	Cases   int
	Scorers []string
}

// Note is one thing an import could not map, or changed.
type Note struct {
	// Where names the place in the source ("" for the whole source).
	Where string
	Msg   string
}

func (n Note) String() string {
	if n.Where == "" {
		return n.Msg
	}
	return n.Where + ": " + n.Msg
}

// Format describes one importable format.
type Format struct {
	Name string
	// Description says what files the format reads.
	Description string
	// Options are the Options fields (as command-line flags) it takes.
	Options []string
}

type reader func(in *input) (*draft, error)

type format struct {
	Format
	read reader
}

var formats = []format{
	{Format{"gsm8k", "GSM8K JSONL ({question, answer}, answer ending in \"#### N\")", []string{"dev", "shots"}}, readGSM8K},
	{Format{"xsum", "XSum-style JSONL or CSV (default fields document, summary)", []string{"document-field", "summary-field"}}, readXSum},
	{Format{"cnn-dm", "CNN/DailyMail-style JSONL or CSV (default fields article, highlights)", []string{"document-field", "summary-field"}}, readCNNDM},
	{Format{"lcsts", "LCSTS: summary<TAB>text TSV, or {id, text, summary} JSONL", []string{"document-field", "summary-field"}}, readLCSTS},
	{Format{"coco-captions", "COCO captions JSON (images + annotations), or per-image JSONL {id, image, references}", []string{"images"}}, readCOCO},
	{Format{"mmlu", "MMLU CSV (question, A, B, C, D, answer; no header)", []string{"dev", "shots", "subject"}}, readMMLU},
	{Format{"cmmlu", "CMMLU CSV (,Question,A,B,C,D,Answer)", []string{"dev", "shots", "subject"}}, readCMMLU},
	{Format{"ceval", "C-Eval CSV (id,question,A,B,C,D,answer[,explanation]; the val or dev split)", []string{"dev", "shots", "subject"}}, readCEval},
	{Format{"promptfoo", "promptfoo config (YAML or JSON): prompts, providers, tests, assertions", nil}, readPromptfoo},
}

// Formats lists the formats Import reads, in a stable order.
func Formats() []Format {
	out := make([]Format, len(formats))
	for i, f := range formats {
		out[i] = f.Format
	}
	return out
}

// FormatNames lists the format names.
func FormatNames() []string {
	out := make([]string, len(formats))
	for i, f := range formats {
		out[i] = f.Name
	}
	return out
}

func lookupFormat(name string) (format, bool) {
	for _, f := range formats {
		if f.Name == name {
			return f, true
		}
	}
	return format{}, false
}

// input is what a format reader gets.
type input struct {
	src  string
	opts Options
	p    *problems
}

// Import converts the source file src into a suite folder dest:
// dest/suite.yaml, dest/cases.jsonl (dest/images/ for images; more suite
// files, dest/targets.yaml and dest/IMPORT_NOTES.md as the source needs).
// Everything is written to a scratch folder inside dest first and loaded
// with suites.Load exactly as a run would; only a suite that loads
// without problems is moved into place.
//
// Errors: *OptionError for a wrong option, *SourceError listing every
// problem in the source (file, line or record, what to fix), and plain
// errors for files that cannot be read or written.
func Import(src, dest string, opts Options) (*Result, error) {
	f, ok := lookupFormat(opts.Format)
	if !ok {
		if opts.Format == "" {
			return nil, optionErrorf("no format given: choose one of %s", strings.Join(FormatNames(), ", "))
		}
		return nil, optionErrorf("unknown format %q: choose one of %s", opts.Format, strings.Join(FormatNames(), ", "))
	}
	if err := checkOptions(f, opts); err != nil {
		return nil, err
	}
	if dest == "" {
		return nil, optionErrorf("no destination folder given")
	}
	st, err := os.Stat(src)
	if err != nil {
		return nil, fmt.Errorf("read source: %w", err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("source %s is a folder: name the file to import", src)
	}
	if opts.Dev != "" {
		if _, err := os.Stat(opts.Dev); err != nil {
			return nil, fmt.Errorf("read dev file: %w", err)
		}
	}
	in := &input{src: src, opts: opts, p: &problems{}}
	d, err := f.read(in)
	if err != nil {
		return nil, err
	}
	if err := in.p.err(); err != nil {
		return nil, err
	}
	if len(d.suites) == 0 {
		return nil, &SourceError{Problems: []Problem{{Pos: Pos{File: src}, Msg: "nothing to import: no row could be turned into a case"}}}
	}
	d.fitScorers(in.p)
	if err := in.p.err(); err != nil {
		return nil, err
	}
	res, err := d.write(dest, opts.Force)
	if err != nil {
		return nil, err
	}
	res.Format = f.Name
	return res, nil
}

// optionFields maps flag names to whether opts sets them.
func optionFields(opts Options) map[string]bool {
	return map[string]bool{
		"document-field": opts.DocumentField != "",
		"summary-field":  opts.SummaryField != "",
		"images":         opts.Images != "",
		"dev":            opts.Dev != "",
		"shots":          opts.Shots != 0,
		"subject":        opts.Subject != "",
	}
}

func checkOptions(f format, opts Options) error {
	if opts.Limit < 0 {
		return optionErrorf("limit %d is negative: give the number of rows to keep, or 0 for all", opts.Limit)
	}
	takes := map[string]bool{}
	for _, o := range f.Options {
		takes[o] = true
	}
	var set []string
	for name, isSet := range optionFields(opts) {
		if isSet && !takes[name] {
			set = append(set, "--"+name)
		}
	}
	if len(set) > 0 {
		sort.Strings(set)
		what := "no format-specific options"
		if len(f.Options) > 0 {
			what = "--" + strings.Join(f.Options, ", --")
		}
		return optionErrorf("format %s does not take %s (it takes %s)", f.Name, strings.Join(set, ", "), what)
	}
	if opts.Dev != "" && opts.Shots < 1 {
		return optionErrorf("shots is %d: with --dev give at least 1 example (the usual is 5)", opts.Shots)
	}
	if opts.Dev == "" && opts.Shots != 0 {
		return optionErrorf("--shots needs --dev: the file the examples come from")
	}
	if opts.Name != "" && (strings.TrimSpace(opts.Name) == "" || strings.ContainsAny(opts.Name, "\n\r\t")) {
		return optionErrorf("name %q is not a usable suite name: use a short one-line name", opts.Name)
	}
	return nil
}

// limitReached reports whether n rows are enough.
func (in *input) limitReached(n int) bool { return in.opts.Limit > 0 && n >= in.opts.Limit }

// nameOr is the suite name: the --name option, else def.
func (in *input) nameOr(def string) string {
	if in.opts.Name != "" {
		return in.opts.Name
	}
	return def
}

var slugRe = regexp.MustCompile(`[^a-z0-9]+`)

// slug makes a file-name-safe lower-case name ("" when nothing is left).
func slug(s string) string {
	return strings.Trim(slugRe.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

// baseNoExt is the file's name without folder and extension.
func baseNoExt(path string) string {
	b := filepath.Base(path)
	return strings.TrimSuffix(b, filepath.Ext(b))
}
