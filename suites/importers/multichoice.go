package importers

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/llmbench/llmbench/suites"
)

// mcFormat is one multiple-choice data set: its prompt and its subjects.
type mcFormat struct {
	name    string
	display string // the data set's own spelling
	// header is the task description before the examples, with the
	// subject as {{.subject}}; it ends in "\n\n".
	header string
	// answer is the answer cue: examples end "<answer> X", the question
	// "<answer>" (answerSep between cue and letter).
	answer, answerSep string
	// subjects maps English subject ids to the names the header uses
	// (nil: the id with "_" as " ").
	subjects map[string]string
	// suffixes are stripped from a file name to get its subject.
	suffixes []string
	source   string // for the suite file's header comment
}

// The prompts, exactly as the harnesses build them: the description, then
// each example as "question\nA. a\nB. b\nC. c\nD. d\n<cue> X\n\n", then the
// question with the cue alone.
//
//   - MMLU: lm-evaluation-harness's mmlu tasks (and Hendrycks et al.'s
//     evaluate.py): "The following are multiple choice questions (with
//     answers) about {subject}.\n\n", cue "Answer:", target_delimiter " ",
//     subject with "_" as " ".
//   - CMMLU: lm-eval's cmmlu tasks: "以下是关于{subject}的单项选择题，请直接给出正确答案的选项。\n\n",
//     cue "答案：", the subject's Chinese name. lm-eval puts its
//     target_delimiter " " after the cue ("答案： A"); C-Eval's own
//     evaluator writes "答案：A", which both Chinese prompts use here.
//   - C-Eval: hkust-nlp/ceval's evaluator (code/evaluator_series/
//     evaluators, generate_few_shot_prompt and format_example):
//     "以下是中国关于{subject}考试的单项选择题，请选出其中的正确答案。\n\n",
//     examples ending "答案：X", with the subject's Chinese name as in
//     lm-eval's ceval-valid descriptions (lm-eval's own header drops "考试").
var (
	mmluFormat = mcFormat{
		name:    "mmlu",
		display: "MMLU",
		header:  "The following are multiple choice questions (with answers) about {{.subject}}.\n\n",
		answer:  "Answer:", answerSep: " ",
		suffixes: []string{"_test", "_val", "_dev"},
		source:   "lm-evaluation-harness's mmlu task (Hendrycks et al.'s evaluate.py)",
	}
	cmmluFormat = mcFormat{
		name:     "cmmlu",
		display:  "CMMLU",
		header:   "以下是关于{{.subject}}的单项选择题，请直接给出正确答案的选项。\n\n",
		answer:   "答案：",
		subjects: cmmluSubjects,
		source:   "lm-evaluation-harness's cmmlu task, with C-Eval's \"答案：X\" examples",
	}
	cevalFormat = mcFormat{
		name:     "ceval",
		display:  "C-Eval",
		header:   "以下是中国关于{{.subject}}考试的单项选择题，请选出其中的正确答案。\n\n",
		answer:   "答案：",
		subjects: cevalSubjects,
		suffixes: []string{"_val", "_dev", "_test"},
		source:   "hkust-nlp/ceval's evaluator",
	}
)

// MMLU (hendrycks/test data/test/<subject>_test.csv: question, A, B, C,
// D, answer, no header), CMMLU (data/test/<subject>.csv with header
// ",Question,A,B,C,D,Answer") and C-Eval (val/<subject>_val.csv with
// header "id,question,A,B,C,D,answer[,explanation]"). Any file with a
// header naming question and answer columns and letter columns A, B, ...
// is read the same way; a "subject" column gives each row its subject
// (the shared CMMLU sample has one). The subject is --subject, else the
// row's subject column, else the file name without its split suffix.
func readMMLU(in *input) (*draft, error)  { return readMultipleChoice(in, mmluFormat) }
func readCMMLU(in *input) (*draft, error) { return readMultipleChoice(in, cmmluFormat) }
func readCEval(in *input) (*draft, error) { return readMultipleChoice(in, cevalFormat) }

// mcRow is one question.
type mcRow struct {
	pos      Pos
	id       string // as in the file ("" if it has none)
	n        int    // data row number, from 1
	subject  string // English id, or a name as given
	question string
	options  []string
	answer   string // letter
}

func readMultipleChoice(in *input, f mcFormat) (*draft, error) {
	d := newDraft(in)
	fileSubject := f.fileSubject(in.src)
	var rows []mcRow
	nopts := 0
	err := readMCFile(in.src, in.p, fileSubject, in.opts.Subject, func(r mcRow) bool {
		rows = append(rows, r)
		if nopts == 0 {
			nopts = len(r.options)
		}
		return !in.limitReached(len(rows))
	})
	if err != nil {
		return nil, err
	}
	d.rows = len(rows)
	if len(rows) == 0 || in.p.any() {
		return d, nil
	}

	// Few-shot examples: the first Shots dev rows of each subject.
	shots := map[string][]obj{}
	devSubjects := map[string]bool{}
	if in.opts.Dev != "" {
		err := readMCFile(in.opts.Dev, in.p, f.fileSubject(in.opts.Dev), in.opts.Subject, func(r mcRow) bool {
			devSubjects[r.subject] = true
			if len(r.options) != nopts {
				in.p.add(r.pos, "%d options, the questions have %d: the dev file must match the test file", len(r.options), nopts)
				return true
			}
			if len(shots[r.subject]) < in.opts.Shots {
				shots[r.subject] = append(shots[r.subject], r.example())
			}
			return true
		})
		if err != nil {
			return nil, err
		}
		if in.p.any() {
			return d, nil
		}
	}

	letters := optionLetters(nopts)
	ids := newIDs()
	subjects := map[string]bool{}
	reported := map[string]bool{}
	unknown := map[string]bool{}
	var cases []*draftCase
	for _, r := range rows {
		subjects[r.subject] = true
		name, known := f.subjectName(r.subject)
		if !known && !unknown[r.subject] {
			unknown[r.subject] = true
			d.note(r.pos.String(), "subject %q is not one of %s's subjects: the prompt names it as %q (give the name the prompt should use with --subject)", r.subject, f.name, name)
		}
		fields := obj{{"subject", name}, {"question", r.question}}
		for i, l := range letters {
			fields = append(fields, kv{l, r.options[i]})
		}
		if in.opts.Dev != "" {
			ex := shots[r.subject]
			switch {
			case len(ex) == 0:
				if !reported[r.subject] {
					reported[r.subject] = true
					in.p.add(r.pos, "the dev file %s has no examples for subject %q (it has %s): give a dev file of the same subject, or --subject", in.opts.Dev, r.subject, quotedKeys(devSubjects))
				}
				continue
			case len(ex) < in.opts.Shots && !reported[r.subject]:
				reported[r.subject] = true
				d.note(in.opts.Dev, "subject %q has %d examples, %d asked for: its prompt is %d-shot", r.subject, len(ex), in.opts.Shots, len(ex))
			}
			fields = append(fields, kv{"fewshot", ex})
		}
		id := r.id
		if id == "" {
			id = strconv.Itoa(r.n)
		}
		id = r.subject + "-" + id
		if !ids.claim(in.p, r.pos, id) {
			continue
		}
		cases = append(cases, &draftCase{ID: id, Fields: fields, Refs: []string{r.answer}, Pos: r.pos})
	}
	if in.p.any() {
		return d, nil
	}

	shotText := "zero-shot"
	if in.opts.Dev != "" {
		shotText = fmt.Sprintf("%d-shot from %s", in.opts.Shots, filepath.Base(in.opts.Dev))
	} else {
		d.note("", "no --dev file: the prompt is zero-shot; %s's standard prompt is 5-shot from the dev split (--dev FILE)", f.display)
	}
	name := f.name
	if len(subjects) == 1 {
		for s := range subjects {
			name = f.name + "-" + s
		}
	}
	subjList := make([]string, 0, len(subjects))
	for s := range subjects {
		subjList = append(subjList, s)
	}
	sort.Strings(subjList)
	header := []string{importedHeader(in), fmt.Sprintf("The prompt follows %s, %s.", f.source, shotText)}
	if in.opts.Dev != "" {
		header = append(header, "Each case's fewshot field holds its subject's examples; the reference is the answer letter.")
	} else {
		header = append(header, "The reference is the answer letter.")
	}
	d.suites = []*suiteDraft{{
		File:        "suite.yaml",
		CasesFile:   "cases.jsonl",
		Header:      header,
		Name:        in.nameOr(name),
		Description: fmt.Sprintf("%s multiple-choice questions from %s (%d cases; subjects: %s), %s.", f.display, filepath.Base(in.src), len(cases), strings.Join(subjList, ", "), shotText),
		Prompt:      f.prompt(letters, in.opts.Dev != ""),
		Scorers:     []suites.ScorerSpec{{Name: "choice"}},
		Params:      params{Temperature: fptr(0), MaxTokens: iptr(128)},
		Cases:       cases,
	}}
	return d, nil
}

// prompt is the template: header, examples, question.
func (f mcFormat) prompt(letters []string, fewshot bool) string {
	var b strings.Builder
	b.WriteString(f.header)
	block := func() {
		b.WriteString("{{.question}}")
		for _, l := range letters {
			fmt.Fprintf(&b, "\n%s. {{.%s}}", l, l)
		}
		b.WriteString("\n" + f.answer)
	}
	if fewshot {
		b.WriteString("{{range .fewshot}}")
		block()
		b.WriteString(f.answerSep + "{{.answer}}\n\n{{end}}")
	}
	block()
	return b.String()
}

// example is the row as a few-shot example object.
func (r mcRow) example() obj {
	o := obj{{"question", r.question}}
	for i, l := range optionLetters(len(r.options)) {
		o = append(o, kv{l, r.options[i]})
	}
	return append(o, kv{"answer", r.answer})
}

// fileSubject is the subject a file's name gives.
func (f mcFormat) fileSubject(path string) string {
	s := baseNoExt(path)
	for _, suf := range f.suffixes {
		if t, ok := strings.CutSuffix(s, suf); ok && t != "" {
			return t
		}
	}
	return s
}

// subjectName is the name the header uses for subject id s.
func (f mcFormat) subjectName(s string) (string, bool) {
	if f.subjects == nil {
		return strings.ReplaceAll(s, "_", " "), true
	}
	if zh, ok := f.subjects[s]; ok {
		return zh, true
	}
	for _, zh := range f.subjects {
		if zh == s {
			return s, true // given as the Chinese name already
		}
	}
	return strings.ReplaceAll(s, "_", " "), false
}

func optionLetters(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = string(rune('A' + i))
	}
	return out
}

func quotedKeys(m map[string]bool) string {
	if len(m) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, strconv.Quote(k))
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

// mcLayout is where a multiple-choice CSV keeps each column (-1: absent).
type mcLayout struct {
	question, answer, subject, id int
	options                       []int
	width                         int
}

// readMCFile reads a multiple-choice CSV and calls fn with each valid row.
func readMCFile(path string, p *problems, fileSubject, forced string, fn func(mcRow) bool) error {
	var lay *mcLayout
	n := 0
	return readCSV(path, ',', p, func(pos Pos, rec int, fields []string) bool {
		if lay == nil {
			l, isHeader, err := mcHeader(fields)
			if err != "" {
				p.add(pos, "%s", err)
				return false
			}
			lay = l
			if isHeader {
				return true
			}
		}
		if len(fields) != lay.width {
			p.add(pos, "%d fields, expected %d: every row needs the same columns (question, options, answer)", len(fields), lay.width)
			return true
		}
		n++
		r := mcRow{pos: pos, n: n, question: strings.TrimSpace(fields[lay.question])}
		if r.question == "" {
			p.add(pos, "the question is empty")
			return true
		}
		for _, c := range lay.options {
			r.options = append(r.options, fields[c])
		}
		ans := strings.ToUpper(strings.TrimSpace(fields[lay.answer]))
		if len(ans) != 1 || ans[0] < 'A' || int(ans[0]-'A') >= len(lay.options) {
			p.add(pos, "answer %q is not one of the option letters A–%c", fields[lay.answer], 'A'+len(lay.options)-1)
			return true
		}
		r.answer = ans
		if lay.id >= 0 {
			r.id = strings.TrimSpace(fields[lay.id])
		}
		switch {
		case forced != "":
			r.subject = forced
		case lay.subject >= 0 && strings.TrimSpace(fields[lay.subject]) != "":
			r.subject = strings.TrimSpace(fields[lay.subject])
		default:
			r.subject = fileSubject
		}
		return fn(r)
	})
}

// mcHeader reads the first record: a header naming the columns, or (no
// cell is "question") the first question of a header-less MMLU file.
func mcHeader(rec []string) (l *mcLayout, isHeader bool, problem string) {
	l = &mcLayout{question: -1, answer: -1, subject: -1, id: -1, width: len(rec)}
	for _, c := range rec {
		if strings.EqualFold(strings.TrimSpace(c), "question") {
			isHeader = true
		}
	}
	if !isHeader {
		if len(rec) < 4 {
			return nil, false, fmt.Sprintf("%d columns: a multiple-choice file without a header has question, two or more options, answer", len(rec))
		}
		l.question, l.answer = 0, len(rec)-1
		for i := 1; i < len(rec)-1; i++ {
			l.options = append(l.options, i)
		}
		return l, false, ""
	}
	letters := map[byte]int{}
	for i, c := range rec {
		h := strings.TrimSpace(c)
		switch strings.ToLower(h) {
		case "question":
			l.question = i
		case "answer":
			l.answer = i
		case "subject":
			l.subject = i
		case "id":
			l.id = i
		case "":
			if i == 0 {
				l.id = i // pandas' index column (CMMLU)
			}
		default:
			if len(h) == 1 && h[0] >= 'A' && h[0] <= 'Z' {
				letters[h[0]] = i
			}
		}
	}
	for c := byte('A'); ; c++ {
		i, ok := letters[c]
		if !ok {
			break
		}
		l.options = append(l.options, i)
	}
	switch {
	case l.answer < 0:
		return nil, true, "no answer column: the file has no answers (C-Eval's test split has none: import the val split, <subject>_val.csv)"
	case len(l.options) < 2:
		return nil, true, "no option columns A, B, ...: the header needs question, A, B, C, D, answer"
	case len(l.options) != len(letters):
		return nil, true, "the option columns skip a letter: name them A, B, C, ... in order"
	}
	return l, true, ""
}
