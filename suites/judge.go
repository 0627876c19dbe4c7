package suites

import (
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// JudgeScorer is the registry name of the LLM-as-judge scorer.
const JudgeScorer = "judge"

// JudgeMode says how a judge model scores a suite's answers.
type JudgeMode string

// Judge modes.
const (
	// JudgeRubric: the judge reads the question, the reference(s), one
	// answer and the suite's rubric, and gives the answer a score from 1
	// to 10.
	JudgeRubric JudgeMode = "rubric"
	// JudgePairwise: the judge compares a target's answer with the
	// baseline's answer to the same case, once in each order, and says
	// which is better or that they tie.
	JudgePairwise JudgeMode = "pairwise"
)

// JudgeSpec is a suite's `judge:` key:
//
//	scorers: [judge]
//	judge:
//	  mode: rubric            # or pairwise; default rubric
//	  rubric: |               # required for rubric; optional guidance for pairwise
//	    10: correct and complete; 1: wrong or off topic.
//
// It is part of the suite hash when set (see suiteHash), so changing the
// rubric makes a different suite, and suites without it hash as before.
type JudgeSpec struct {
	Mode   JudgeMode `json:"mode"`
	Rubric string    `json:"rubric,omitempty"`
}

// Deferred is implemented by scorers whose score cannot be computed from
// one answer when it arrives: the judge needs another model's call (and, in
// pairwise mode, the baseline's answer). The runner does not call Score on
// a deferred scorer; a later phase (bench's judge phase) stores its scores
// on the results with the store's AddScores. Deferred must be safe for
// concurrent use (it is a marker and does nothing).
type Deferred interface {
	Scorer
	Deferred()
}

// IsDeferred reports whether sc is a deferred scorer.
func IsDeferred(sc Scorer) bool {
	_, ok := sc.(Deferred)
	return ok
}

// judgeScorer is the registry entry for "judge". Its scores come from the
// judge phase, never from Score.
type judgeScorer struct{}

var _ Deferred = judgeScorer{}

func init() { RegisterScorer(judgeScorer{}) }

func (judgeScorer) Name() string { return JudgeScorer }

// Deferred marks the judge as scored after the run's calls.
func (judgeScorer) Deferred() {}

// Score exists to satisfy Scorer and is never used for real scoring: it
// returns a zero (never NaN) marked "[deferred]". A caller that scores
// outputs directly (llmbench score) should skip deferred scorers.
func (judgeScorer) Score(string, *Case) Score {
	return Score{Scorer: JudgeScorer, Extracted: "[deferred]", Version: "judge-deferred"}
}

// UsesJudge reports whether the suite lists the judge scorer.
func (s *Suite) UsesJudge() bool {
	for _, n := range s.Scorers {
		if n == JudgeScorer {
			return true
		}
	}
	return false
}

// judge reads the suite's judge: mapping {mode: rubric|pairwise, rubric: text}.
func (l *loader) judge(v any, node ast.Node) *JudgeSpec {
	line := nodeLine(node)
	m, ok := v.(map[string]any)
	if !ok {
		l.add(l.file, line, "judge must be a mapping such as {mode: rubric, rubric: \"...\"}, not a %s", yamlKind(v))
		return nil
	}
	spec := &JudgeSpec{Mode: JudgeRubric}
	good := true
	for k, val := range m {
		kl := keyLine(node, k)
		switch k {
		case "mode":
			s, isStr := val.(string)
			switch JudgeMode(s) {
			case JudgeRubric, JudgePairwise:
				spec.Mode = JudgeMode(s)
			default:
				if !isStr {
					s = yamlKind(val)
				}
				l.add(l.file, kl, "judge mode %q is not known: use rubric or pairwise", s)
				good = false
			}
		case "rubric":
			s, isStr := val.(string)
			if !isStr {
				l.add(l.file, kl, "judge rubric must be text, not a %s", yamlKind(val))
				good = false
				continue
			}
			spec.Rubric = s
		default:
			l.add(l.file, kl, "unknown judge key %q: the judge takes mode and rubric", k)
			good = false
		}
	}
	if !good {
		return nil
	}
	if spec.Mode == JudgeRubric && strings.TrimSpace(spec.Rubric) == "" {
		l.add(l.file, line, "judge mode rubric needs rubric: the text the judge grades each answer by (what earns 10, what earns 1)")
		return nil
	}
	return spec
}

// checkJudge reports a judge: key without the judge scorer and the judge
// scorer without a judge: key. line is the judge: key's line (0 if absent).
func (l *loader) checkJudge(s *Suite, line, scorersLine int) {
	switch {
	case s.UsesJudge() && s.Judge == nil && line == 0:
		l.add(l.file, scorersLine, "scorer judge needs a judge: mapping in the suite, e.g. judge: {mode: rubric, rubric: \"...\"} or {mode: pairwise}")
	case !s.UsesJudge() && line > 0:
		l.add(l.file, line, "judge: is set but scorers does not list judge: add judge to scorers or remove judge:")
	}
}
