package suites

import (
	"fmt"
	"iter"
	"math"

	"github.com/llmbench/llmbench/suites/metrics"
)

// Preparer is implemented by scorers that need the whole suite's
// references before they can score any one answer (CIDEr-D's document
// frequencies). Prepare returns a prepared copy bound to those cases and
// leaves the receiver unchanged; the runner calls it once per suite, with
// every case it scores, before the first call is made, and scores with
// the copy. The cases stream (a suite's cases file is read as Prepare
// ranges over them): keep what is needed of each, not the cases, and
// range over them once. An error means the suite cannot be scored this
// way and nothing should run. Prepare must be safe for concurrent use,
// and so must the Scorer it returns.
type Preparer interface {
	Prepare(cases iter.Seq[*Case]) (Scorer, error)
}

// ciderScorer is CIDEr-D as coco-caption computes it (metrics.CIDErD,
// which documents every step and its tokenization), for captions and other
// short descriptions with several references. Not binary. Value is on
// coco-caption's scale, 0 to 10 (not 0 to 1 like most scorers): 10 times
// the mean over n = 1..4 and over references of a clipped TF-IDF cosine
// similarity with a length penalty. Strong COCO captioners score about
// 1.1 to 1.4 (papers print it times 100); a caption identical to its
// references scores well above that.
//
// Document frequencies come from the references of every case of the
// suite: each case is one "image" of the corpus, N = the number of cases.
// So the registered scorer is only a template: the runner calls Prepare
// (see Preparer), which needs at least 2 cases with references. With one,
// every n-gram's IDF is log 1 = 0 and coco-caption reports 0 for any
// caption; that 0 measures nothing, so Prepare refuses. An unprepared
// ciderScorer scores NaN (stored as "no value"), never a made-up number.
//
// Tokenizer is "ptb-cjk": coco-caption's PTB tokenization re-stated, with
// each CJK character a token (metrics.CIDErTokens).
type ciderScorer struct {
	d *metrics.CIDErD // nil until prepared
}

const (
	ciderVersion   = "1"
	ciderTokenizer = "ptb-cjk"
)

func (ciderScorer) Name() string { return "cider" }

func (s ciderScorer) Score(output string, c *Case) Score {
	sc := Score{Scorer: "cider", Value: math.NaN(), Tokenizer: ciderTokenizer, Version: ciderVersion}
	if s.d != nil && len(c.References) > 0 {
		sc.Value = s.d.Score(output, c.References)
	}
	return sc
}

// Prepare counts document frequencies over the references of cases (those
// without references are left out of the corpus).
func (ciderScorer) Prepare(cases iter.Seq[*Case]) (Scorer, error) {
	var sets [][]string
	for c := range cases {
		if len(c.References) > 0 {
			sets = append(sets, c.References)
		}
	}
	if len(sets) < 2 {
		return nil, fmt.Errorf("cider needs at least 2 cases with references, has %d: its IDF over a single case is log 1 = 0 for every n-gram, so every caption would score 0", len(sets))
	}
	return ciderScorer{d: metrics.NewCIDErD(sets)}, nil
}

func (ciderScorer) CheckCase(c *Case) error { return needReference(c) }

// MaxValue is the top of Value's scale: 10, coco-caption's.
func (ciderScorer) MaxValue() float64 { return 10 }

var (
	_ Scorer      = ciderScorer{}
	_ Preparer    = ciderScorer{}
	_ CaseChecker = ciderScorer{}
)

func init() { RegisterScorer(ciderScorer{}) }
