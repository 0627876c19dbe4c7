package report

import (
	"fmt"

	"github.com/llmbench/llmbench/results"
)

// Previous is the run the changed-since-previous marks compare with.
type Previous struct {
	results.Run
	// Answers counts the reported run's answers marked Changed; Rows the
	// drill-down rows with at least one.
	Answers, Rows int
}

// Was is what the previous run had where an answer changed.
type Was struct {
	// Present is false when the previous run has no result for the same
	// suite, case, repeat and target: the case or the target is new.
	Present bool
	// Scored, Score and ErrorClass are the previous result's, as the
	// drill-down shows them (Score is its primary score when Scored).
	Scored     bool
	Score      float64
	ErrorClass string
	// OutputChanged is true when the answer text differs.
	OutputChanged bool
	// CaseEdited is true when the case itself changed between the runs
	// (its content hash differs).
	CaseEdited bool
}

// outputHash is the 64-bit FNV-1a hash of a whole answer (the drill-down
// keeps only its first MaxTextBytes), computed over the string in place.
func outputHash(s string) uint64 {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h := uint64(offset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= prime
	}
	return h
}

// mark compares one result of the reported run (r, with outcome o, on a
// case whose content hash is caseHash) with the previous run's result for
// the same suite, case, repeat and target, and returns what that run had
// when the answer is Changed (nil when it is not). The answer is Changed
// when the previous run has none, or when the case, the answer text, the
// outcome (answered, refused, error class), or the primary score differ.
// Scores are compared exactly: a rescore that moves a score is a change.
func (sr *storedRun) mark(r *results.Result, o outcome, caseHash string) *Was {
	p, ok := sr.lookup(r.Suite, r.Target, r.CaseID, r.Repeat)
	if !ok {
		return &Was{}
	}
	class := sr.classes[p.class]
	w := Was{Present: true, Scored: p.kind == kindScored, Score: p.score, ErrorClass: class}
	// The same rule as the trend's pairing: a case is the same case when
	// its content hash is (a case the previous run did not record is
	// judged by its answer alone).
	if prevHash, ok := sr.caseHash(r.Suite, r.CaseID); ok {
		w.CaseEdited = prevHash != caseHash
	}
	w.OutputChanged = p.hash != outputHash(r.Output)
	if w.CaseEdited || w.OutputChanged || p.kind != o.kind || class != r.ErrorClass || o.kind == kindScored && p.score != o.score {
		return &w
	}
	return nil
}

// wasText says how answer a changed for the drill-down: "new since the
// previous run", "was fail", "was 0.375, text changed", "text changed,
// same score".
func wasText(a Answer, binary bool) string {
	w := a.Was
	if w == nil {
		return ""
	}
	if !w.Present {
		return "new since the previous run"
	}
	if w.CaseEdited {
		return "case edited since the previous run"
	}
	if a.ErrorClass == w.ErrorClass && a.Scored == w.Scored && (!a.Scored || a.Score == w.Score) {
		if a.Scored {
			return "text changed, same score"
		}
		return "text changed"
	}
	var s string
	switch {
	case w.ErrorClass != "":
		s = "was " + w.ErrorClass
	case !w.Scored:
		s = "was unscored"
	case binary && passValue(w.Score) == 1:
		s = "was pass"
	case binary:
		s = "was fail"
	default:
		s = fmt.Sprintf("was %.3f", w.Score)
	}
	if w.OutputChanged {
		s += ", text changed"
	}
	return s
}
