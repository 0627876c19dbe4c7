package importers

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// pfAssert is one promptfoo assertion: {type, value, threshold, ...}.
type pfAssert struct {
	Type  string
	Value any
	// Options are the other keys it sets (threshold, weight, metric,
	// transform, provider, ...), which llmbench has no place for.
	Options []string
	Where   string // "tests[3].assert[1]"
	// Dir resolves file:// values.
	Dir string
}

// How promptfoo assertions map to llmbench scorers. A test's mapped
// assertions give its case the data those scorers read: equals, similar,
// rouge-n and bleu values become references; contains-style values become
// the case's keywords; an llm-rubric value becomes the judge's rubric.
//
//	equals                    → exact (llmbench ignores case and runs of white space)
//	contains, icontains       → keywords (case-insensitive, whole words at ASCII edges)
//	contains-any, icontains-any → keywords, one keyword "a|b|c"
//	contains-all, icontains-all → keywords, one per value
//	similar                   → rougeL (promptfoo compares embeddings)
//	rouge-n                   → rouge1 (promptfoo's js-rouge n defaults to 1)
//	bleu                      → bleu (sacreBLEU 0–100; promptfoo's is 0–1)
//	llm-rubric                → judge, rubric mode
//
// Everything else (javascript, python, regex, is-json, not-*, cost,
// latency, ...) has no scorer and is listed as not mapped; thresholds,
// weights and named metrics are dropped, since llmbench reports each score
// with its interval rather than a pass threshold.
var pfScorerOf = map[string]string{
	"equals":        "exact",
	"contains":      "keywords",
	"icontains":     "keywords",
	"contains-any":  "keywords",
	"icontains-any": "keywords",
	"contains-all":  "keywords",
	"icontains-all": "keywords",
	"similar":       "rougeL",
	"rouge-n":       "rouge1",
	"bleu":          "bleu",
	"llm-rubric":    "judge",
}

// pfApprox are the caveats of each mapping, noted once per import.
var pfApprox = map[string]string{
	"equals":     "equals became the exact scorer, which ignores case and collapses white space (promptfoo compares exactly)",
	"contains":   "contains became the keywords scorer, which ignores case and needs word boundaries at ASCII letters and digits (promptfoo matches any substring, case-sensitively)",
	"similar":    "similar became rougeL against the same reference: promptfoo compares embeddings, so scores differ in kind",
	"rouge-n":    "rouge-n became rouge1 (Google rouge-score); promptfoo's js-rouge tokenises differently",
	"bleu":       "bleu became sacreBLEU sentence BLEU on its 0–100 scale (promptfoo's is 0–1)",
	"llm-rubric": "llm-rubric became the judge scorer in rubric mode, its value the rubric; the judge model is the config's judge:",
}

// pfUnmapped says why an assertion type has no scorer.
func pfUnmapped(typ string) string {
	switch {
	case strings.HasPrefix(typ, "not-"):
		return "negated assertions have no llmbench scorer"
	}
	switch typ {
	case "javascript", "python", "webhook":
		return "custom code is not run by llmbench"
	case "cost", "latency":
		return "llmbench measures latency and cost on every call; the threshold is not applied"
	case "regex", "starts-with", "levenshtein", "is-json", "contains-json", "is-xml", "contains-xml", "is-sql", "contains-sql", "is-html", "contains-html",
		"is-valid-openai-function-call", "is-valid-openai-tools-call", "is-valid-function-call", "finish-reason", "word-count", "perplexity", "perplexity-score",
		"meteor", "gleu", "f-score", "is-refusal", "tool-call-f1", "trace-span-count", "trace-span-duration", "trace-error-spans":
		return "llmbench has no scorer for it"
	case "model-graded-closedqa", "model-graded-factuality", "factuality", "g-eval", "answer-relevance", "context-faithfulness", "context-recall",
		"context-relevance", "classifier", "moderation", "pi", "search-rubric":
		return "a model-graded check llmbench's judge does not reproduce (only llm-rubric maps to the judge)"
	case "select-best", "max-score", "assert-set":
		return "compares or groups outputs; llmbench scores each answer on its own"
	}
	return "unknown assertion type"
}

// pfMapped is what a test's assertions give its case.
type pfMapped struct {
	scorers  []string
	refs     []string
	keywords []string
	criteria []string // llm-rubric values
	// refKinds are the reference-giving assertion types seen.
	refKinds map[string]bool
}

func (m *pfMapped) addScorer(name string) {
	for _, s := range m.scorers {
		if s == name {
			return
		}
	}
	m.scorers = append(m.scorers, name)
}

// mapAsserts maps a test's assertions; what cannot be mapped is noted.
func (pf *pfImport) mapAsserts(asserts []pfAssert) pfMapped {
	m := pfMapped{refKinds: map[string]bool{}}
	for _, a := range asserts {
		scorer, ok := pfScorerOf[a.Type]
		if !ok {
			pf.notes.add(a.Where, a.Type, pfUnmapped(a.Type))
			continue
		}
		vals, err := pf.assertValues(a)
		if err != nil {
			pf.notes.add(a.Where, a.Type, err.Error())
			continue
		}
		switch a.Type {
		case "equals", "similar", "rouge-n", "bleu":
			m.refs = append(m.refs, vals[0])
			m.refKinds[a.Type] = true
		case "contains", "icontains", "contains-all", "icontains-all":
			m.keywords = append(m.keywords, vals...)
		case "contains-any", "icontains-any":
			m.keywords = append(m.keywords, strings.Join(vals, "|"))
		case "llm-rubric":
			m.criteria = append(m.criteria, vals[0])
		}
		m.addScorer(scorer)
		if approx, ok := pfApprox[a.Type]; ok {
			pf.notes.once(approx)
		} else if a.Type == "icontains" || strings.HasSuffix(a.Type, "-any") || strings.HasSuffix(a.Type, "-all") {
			pf.notes.once(pfApprox["contains"])
		}
		for _, o := range a.Options {
			pf.notes.add(a.Where, a.Type+" "+o, fmt.Sprintf("%s is dropped: llmbench reports each score with its interval, not pass/fail by %s", o, o))
		}
	}
	if len(m.refKinds) > 1 {
		kinds := make([]string, 0, len(m.refKinds))
		for k := range m.refKinds {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		pf.notes.once(fmt.Sprintf("tests with several reference assertions (%s) give one reference list: each of those scorers counts every reference", strings.Join(kinds, ", ")))
	}
	return m
}

// assertValues reads an assertion's value(s) as text: one string for
// equals, similar, rouge-n, bleu and llm-rubric; one or more for the
// contains family. A file:// value is read when it is a text file.
func (pf *pfImport) assertValues(a pfAssert) ([]string, error) {
	list := false
	switch a.Type {
	case "contains-any", "icontains-any", "contains-all", "icontains-all":
		list = true
	}
	var raw []any
	switch v := a.Value.(type) {
	case []any:
		if !list {
			return nil, fmt.Errorf("its value is a list: %s takes one value", a.Type)
		}
		raw = v
	case string:
		if list {
			// promptfoo's CSV shorthand splits on commas.
			for _, part := range strings.Split(v, ",") {
				raw = append(raw, strings.TrimSpace(part))
			}
		} else {
			raw = []any{v}
		}
	case nil:
		return nil, fmt.Errorf("it has no value")
	default:
		raw = []any{v}
	}
	var out []string
	for _, r := range raw {
		s, err := pf.scalarText(r, a.Dir)
		if err != nil {
			return nil, err
		}
		if strings.TrimSpace(s) == "" {
			return nil, fmt.Errorf("its value is empty")
		}
		if a.Type != "equals" && a.Type != "similar" && a.Type != "rouge-n" && a.Type != "bleu" && a.Type != "llm-rubric" && strings.Contains(s, "|") {
			return nil, fmt.Errorf("its value %q holds \"|\", which the keywords scorer reads as \"or\"", s)
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("its value is empty")
	}
	return out, nil
}

// scalarText is a YAML scalar as text; file:// names a text file to read.
func (pf *pfImport) scalarText(v any, dir string) (string, error) {
	switch v := v.(type) {
	case string:
		if name, ok := strings.CutPrefix(v, "file://"); ok {
			return pf.readTextRef(name, dir)
		}
		return v, nil
	case bool:
		return strconv.FormatBool(v), nil
	case int, int64, uint64, float64:
		return fmt.Sprint(v), nil
	}
	return "", fmt.Errorf("its value is a %s, not text", yamlKindOf(v))
}

func yamlKindOf(v any) string {
	switch v.(type) {
	case map[string]any:
		return "mapping"
	case []any:
		return "list"
	case nil:
		return "null"
	}
	return jsonKind(v)
}

// promptfoo's CSV shorthand for assertions (src/csv.ts assertionFromString):
// "javascript:", "fn:", "eval:" and file://….js → javascript; "grade:" and
// "llm-rubric:" → llm-rubric; "python:" and file://….py → python;
// "[not-]type[(threshold)][:value]" for a known type, the *-any and *-all
// types splitting their value on commas; anything else is equals.
var pfShorthandTypes = []string{
	"answer-relevance", "bleu", "classifier", "contains-all", "contains-any", "contains-html", "contains-json", "contains-sql", "contains-xml", "contains",
	"context-faithfulness", "context-recall", "context-relevance", "cost", "equals", "factuality", "finish-reason", "g-eval", "gleu",
	"icontains-all", "icontains-any", "icontains", "is-html", "is-json", "is-refusal", "is-sql", "is-valid-function-call",
	"is-valid-openai-function-call", "is-valid-openai-tools-call", "is-xml", "javascript", "latency", "levenshtein", "llm-rubric", "meteor",
	"model-graded-closedqa", "model-graded-factuality", "moderation", "perplexity-score", "perplexity", "pi", "python", "regex", "rouge-n",
	"similar", "starts-with", "webhook", "word-count",
}

var pfShorthandRe = regexp.MustCompile(`^(not-)?(` + strings.Join(quoteAll(pfShorthandTypes), "|") + `)(?:\((\d+(?:\.\d+)?)\))?(?::([\s\S]*))?$`)

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = regexp.QuoteMeta(s)
	}
	return out
}

// pfShorthand parses one __expected cell.
func pfShorthand(s string) (typ string, value any, threshold bool) {
	for _, p := range []string{"javascript:", "fn:", "eval:"} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return "javascript", strings.TrimSpace(rest), false
		}
	}
	if rest, ok := strings.CutPrefix(s, "grade:"); ok {
		return "llm-rubric", rest, false
	}
	if rest, ok := strings.CutPrefix(s, "llm-rubric:"); ok {
		return "llm-rubric", rest, false
	}
	if rest, ok := strings.CutPrefix(s, "python:"); ok {
		return "python", strings.TrimSpace(rest), false
	}
	if rest, ok := strings.CutPrefix(s, "file://"); ok {
		switch {
		case strings.HasSuffix(rest, ".py") || strings.Contains(rest, ".py:"):
			return "python", rest, false
		case strings.HasSuffix(rest, ".js") || strings.HasSuffix(rest, ".ts") || strings.Contains(rest, ".js:") || strings.Contains(rest, ".ts:"):
			return "javascript", rest, false
		}
	}
	if m := pfShorthandRe.FindStringSubmatch(s); m != nil {
		typ = m[1] + m[2]
		switch m[2] {
		case "contains-any", "contains-all", "icontains-any", "icontains-all":
			var vals []any
			for _, v := range strings.Split(m[4], ",") {
				vals = append(vals, strings.TrimSpace(v))
			}
			return typ, vals, false
		}
		return typ, m[4], m[3] != ""
	}
	return "equals", s, false
}
