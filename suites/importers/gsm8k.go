package importers

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/llmbench/llmbench/suites"
)

// GSM8K, as openai/grade-school-math distributes it: one JSON object per
// line, {"question": ..., "answer": ...}, the answer a worked solution
// whose last line is "#### N".
//
// The prompt is lm-evaluation-harness's gsm8k task (v3.0): doc_to_text
// "Question: {{question}}\nAnswer:"; with --dev (the train split) the
// first --shots examples precede it as "Question: q\nAnswer: <whole
// answer field>\n\n" (fewshot sampler first_n, target_delimiter " ",
// fewshot_delimiter "\n\n").
//
// The reference is the number after the last "####" (thousands commas
// removed). The whole answer field is kept in the case field answer_field.
// The gsm8k-strict and gsm8k-flexible scorers read the reference: lm-eval's
// exact_match normalises its target (the whole field) by deleting
// everything up to the last "#### ", so the final number and the whole
// field compare the same (metrics.GSM8KNormalise; the tests check it on
// every sample row), and the numeric scorer, which needs a number, can
// share the reference.
func readGSM8K(in *input) (*draft, error) {
	d := newDraft(in)
	var shots []obj
	if in.opts.Dev != "" {
		err := readJSONL(in.opts.Dev, in.p, func(pos Pos, o map[string]any) bool {
			q, a, ok := gsm8kRow(in.p, pos, o)
			if ok {
				shots = append(shots, obj{{"question", q}, {"answer", a}})
			}
			return len(shots) < in.opts.Shots
		})
		if err != nil {
			return nil, err
		}
		if len(shots) < in.opts.Shots && !in.p.any() {
			d.note(in.opts.Dev, "%d examples asked for, the file has %d: the prompt is %d-shot", in.opts.Shots, len(shots), len(shots))
		}
	}
	ids := newIDs()
	var cases []*draftCase
	n := 0
	err := readJSONL(in.src, in.p, func(pos Pos, o map[string]any) bool {
		n++
		q, a, ok := gsm8kRow(in.p, pos, o)
		id, has := recordID(o)
		if !has {
			id = strconv.Itoa(n)
		}
		if !ok || !ids.claim(in.p, pos, id) {
			return true
		}
		final, _ := gsm8kFinal(a)
		fields := obj{{"question", q}, {"answer_field", a}}
		if len(shots) > 0 {
			fields = append(fields, kv{"fewshot", shots})
		}
		cases = append(cases, &draftCase{ID: id, Fields: fields, Refs: []string{final}, Pos: pos})
		return !in.limitReached(n)
	})
	if err != nil {
		return nil, err
	}
	d.rows = n
	if len(cases) == 0 {
		return d, nil
	}
	prompt := "Question: {{.question}}\nAnswer:"
	shotText := "zero-shot"
	if len(shots) > 0 {
		prompt = "{{range .fewshot}}Question: {{.question}}\nAnswer: {{.answer}}\n\n{{end}}" + prompt
		shotText = fmt.Sprintf("%d-shot from %s", len(shots), filepath.Base(in.opts.Dev))
	}
	d.suites = []*suiteDraft{{
		File:      "suite.yaml",
		CasesFile: "cases.jsonl",
		Header: []string{
			importedHeader(in),
			"The prompt is lm-evaluation-harness gsm8k's (" + shotText + "). numeric is the primary",
			"score; gsm8k-flexible and gsm8k-strict reproduce lm-eval's filters and exact_match.",
			"The reference is the number after \"####\"; the whole answer is in answer_field.",
		},
		Name:        in.nameOr("gsm8k"),
		Description: fmt.Sprintf("GSM8K grade-school math word problems from %s (%d cases), prompted as lm-eval's gsm8k task (%s).", filepath.Base(in.src), len(cases), shotText),
		Prompt:      prompt,
		Scorers:     []suites.ScorerSpec{{Name: "numeric"}, {Name: "gsm8k-flexible"}, {Name: "gsm8k-strict"}},
		Params:      params{Temperature: fptr(0), MaxTokens: iptr(512)},
		Cases:       cases,
	}}
	return d, nil
}

// gsm8kRow reads and checks one GSM8K object.
func gsm8kRow(p *problems, pos Pos, o map[string]any) (question, answer string, ok bool) {
	q, qok, qwhat := textField(o, "question")
	a, aok, awhat := textField(o, "answer")
	switch {
	case !qok:
		p.add(pos, `"question" is %s (fields: %s): a GSM8K line is {"question": ..., "answer": ...}`, qwhat, fieldNames(o))
	case strings.TrimSpace(q) == "":
		p.add(pos, `"question" is empty`)
	case !aok:
		p.add(pos, `"answer" is %s (fields: %s): a GSM8K line is {"question": ..., "answer": ...}`, awhat, fieldNames(o))
	default:
		if _, fok := gsm8kFinal(a); !fok {
			p.add(pos, `"answer" has no final "#### <number>": GSM8K answers end with a line such as "#### 72"`)
			return "", "", false
		}
		return q, a, true
	}
	return "", "", false
}

var thousandsRe = regexp.MustCompile(`^-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$`)

// gsm8kFinal is the final answer of a GSM8K answer field: the text after
// its last "####", trimmed, with thousands commas removed ("1,000" →
// "1000").
func gsm8kFinal(answer string) (string, bool) {
	i := strings.LastIndex(answer, "####")
	if i < 0 {
		return "", false
	}
	s := strings.TrimSpace(answer[i+len("####"):])
	if thousandsRe.MatchString(s) {
		s = strings.ReplaceAll(s, ",", "")
	}
	return s, s != ""
}

// newDraft starts the draft of an import.
func newDraft(in *input) *draft {
	return &draft{source: in.src, format: in.opts.Format}
}

// importedHeader is the first comment line of every imported suite file.
func importedHeader(in *input) string {
	return fmt.Sprintf("Imported by `llmbench suites import --format %s` from %s.", in.opts.Format, filepath.Base(in.src))
}

// ids hands out case ids and refuses duplicates.
type ids struct{ seen map[string]Pos }

func newIDs() *ids { return &ids{seen: map[string]Pos{}} }

// claim records id for the row at pos; a duplicate is a problem.
func (t *ids) claim(p *problems, pos Pos, id string) bool {
	if first, dup := t.seen[id]; dup {
		p.add(pos, "duplicate id %q (also at %s): ids must be unique", id, first)
		return false
	}
	t.seen[id] = pos
	return true
}
