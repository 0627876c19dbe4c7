package metrics

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ChrF is sacreBLEU's CHRF metric with its options (sacrebleu.metrics.CHRF
// in sacreBLEU 2.6.0). The zero value is CHRF(): character 1- to 6-grams,
// no word n-grams, β = 2, case-sensitive, whitespace removed, effective-order
// averaging. chrF++ is WordOrder 2.
//
// A ChrF value holds no state; its methods are safe for concurrent use.
type ChrF struct {
	// CharOrder is the largest character n-gram order; 0 means 6.
	CharOrder int
	// WordOrder is the largest word n-gram order: 0 for chrF, 2 for chrF++.
	WordOrder int
	// Beta weighs recall Beta times as much as precision; 0 means 2.
	Beta int
	// Lowercase lower-cases hypothesis and references first (Python's
	// str.lower, see sacreLower).
	Lowercase bool
	// Whitespace keeps whitespace inside character n-grams (sacreBLEU's
	// whitespace=True); by default all whitespace is removed first.
	Whitespace bool
	// EpsSmoothing scores like chrF++.py, Moses and NLTK: the mean over all
	// orders of each order's F-score, with 1e-16 for undefined precision,
	// recall or F. By default (sacreBLEU ≥ 2.0) precision and recall are
	// averaged over the orders that both sides have, then combined once.
	EpsSmoothing bool
}

// ChrFScore is a chrF or chrF++ score with the statistics it came from.
type ChrFScore struct {
	// Score is on the 0–100 scale.
	Score float64 `json:"score"`
	// Stats has one entry per order: character orders 1..CharOrder, then
	// word orders 1..WordOrder. For a corpus they are summed over segments
	// (each segment's best reference).
	Stats []ChrFStat `json:"stats"`
}

// ChrFStat is one n-gram order's counts.
type ChrFStat struct {
	// Hyp is the number of hypothesis n-grams, reported as 0 when the
	// reference has no n-gram of this order (sacreBLEU's rule).
	Hyp int `json:"hyp"`
	// Ref is the number of reference n-grams.
	Ref int `json:"ref"`
	// Match is the number of hypothesis n-grams found in the reference,
	// each counted at most as often as it occurs there.
	Match int `json:"match"`
}

// SentenceChrF is sacrebleu.sentence_chrf(hyp, refs, word_order=wordOrder)
// with its other defaults: wordOrder 0 is chrF, 2 is chrF++. With several
// references the score is that of the best one (the first best on a tie).
func SentenceChrF(hyp string, refs []string, wordOrder int) (ChrFScore, error) {
	return ChrF{WordOrder: wordOrder}.Sentence(hyp, refs)
}

// CorpusChrF is sacrebleu.corpus_chrf(hyps, streams, word_order=wordOrder):
// each segment's statistics against its best reference are summed over the
// corpus and the formula applied once. refs[i] are the references of
// hyps[i]; sacreBLEU's streams[k][i] layout converts with RefsFromStreams.
func CorpusChrF(hyps []string, refs [][]string, wordOrder int) (ChrFScore, error) {
	return ChrF{WordOrder: wordOrder}.Corpus(hyps, refs)
}

func (c ChrF) withDefaults() (ChrF, error) {
	if c.CharOrder == 0 {
		c.CharOrder = 6
	}
	if c.Beta == 0 {
		c.Beta = 2
	}
	if c.CharOrder < 0 || c.WordOrder < 0 || c.Beta < 0 {
		return c, fmt.Errorf("chrF orders and beta must not be negative (char %d, word %d, beta %d)", c.CharOrder, c.WordOrder, c.Beta)
	}
	return c, nil
}

// Sentence is CHRF.sentence_score(hyp, refs).
func (c ChrF) Sentence(hyp string, refs []string) (ChrFScore, error) {
	c, err := c.withDefaults()
	if err != nil {
		return ChrFScore{}, err
	}
	if len(refs) == 0 {
		return ChrFScore{}, errSacreNoRefs
	}
	st := c.segmentStats(hyp, refs)
	return ChrFScore{Score: c.fScore(st), Stats: st}, nil
}

// Corpus is CHRF.corpus_score: refs[i] are the references of hyps[i].
func (c ChrF) Corpus(hyps []string, refs [][]string) (ChrFScore, error) {
	c, err := c.withDefaults()
	if err != nil {
		return ChrFScore{}, err
	}
	if len(hyps) == 0 {
		return ChrFScore{}, errors.New("no hypotheses")
	}
	if len(refs) != len(hyps) {
		return ChrFScore{}, fmt.Errorf("%d hypotheses but references for %d", len(hyps), len(refs))
	}
	sum := make([]ChrFStat, c.CharOrder+c.WordOrder)
	for i, h := range hyps {
		if len(refs[i]) == 0 {
			return ChrFScore{}, fmt.Errorf("hypothesis %d: %w", i, errSacreNoRefs)
		}
		for j, s := range c.segmentStats(h, refs[i]) {
			sum[j].Hyp += s.Hyp
			sum[j].Ref += s.Ref
			sum[j].Match += s.Match
		}
	}
	return ChrFScore{Score: c.fScore(sum), Stats: sum}, nil
}

// chrfNgrams are one side's n-gram counts, one map per order (character
// orders first, then word orders), and the number of n-grams per order.
type chrfNgrams struct {
	counts []map[string]int
	totals []int
}

// extract is extract_all_char_ngrams (+ word n-grams of
// _remove_punctuation's words when WordOrder > 0) on the preprocessed s.
func (c ChrF) extract(s string) chrfNgrams {
	if c.Lowercase {
		s = sacreLower(s)
	}
	order := c.CharOrder + c.WordOrder
	out := chrfNgrams{counts: make([]map[string]int, order), totals: make([]int, order)}

	chars := s
	if !c.Whitespace {
		chars = strings.Join(sacreFields(s), "")
	}
	// Byte offsets of every code point, plus the end: n-grams are slices.
	offs := make([]int, 0, len(chars)+1)
	for i := range chars {
		offs = append(offs, i)
	}
	offs = append(offs, len(chars))
	nchars := len(offs) - 1
	for n := 1; n <= c.CharOrder; n++ {
		m := make(map[string]int, max(nchars-n+1, 0))
		for i := 0; i+n <= nchars; i++ {
			m[chars[offs[i]:offs[i+n]]]++
		}
		out.counts[n-1] = m
		out.totals[n-1] = max(nchars-n+1, 0)
	}

	if c.WordOrder > 0 {
		words := chrfWords(s)
		for n := 1; n <= c.WordOrder; n++ {
			m := make(map[string]int, max(len(words)-n+1, 0))
			for i := 0; i+n <= len(words); i++ {
				if n == 1 {
					m[words[i]]++
				} else {
					m[strings.Join(words[i:i+n], " ")]++
				}
			}
			out.counts[c.CharOrder+n-1] = m
			out.totals[c.CharOrder+n-1] = max(len(words)-n+1, 0)
		}
	}
	return out
}

// chrfPunct is string.punctuation, the set chrF++ splits off words.
const chrfPunct = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

// chrfWords is CHRF._remove_punctuation: split on whitespace; a word longer
// than one character whose last character is ASCII punctuation becomes
// (word minus it, it); otherwise one whose first character is punctuation
// becomes (it, rest). Only one character is split off: "(hi)" → "(hi", ")".
func chrfWords(s string) []string {
	fields := sacreFields(s)
	out := make([]string, 0, len(fields)+len(fields)/4)
	for _, w := range fields {
		if utf8.RuneCountInString(w) == 1 {
			out = append(out, w)
			continue
		}
		last, first := w[len(w)-1], w[0]
		switch {
		case strings.IndexByte(chrfPunct, last) >= 0:
			out = append(out, w[:len(w)-1], w[len(w)-1:])
		case strings.IndexByte(chrfPunct, first) >= 0:
			out = append(out, w[:1], w[1:])
		default:
			out = append(out, w)
		}
	}
	return out
}

// segmentStats is CHRF._compute_segment_statistics: the statistics against
// each reference; the first with the highest F-score wins.
func (c ChrF) segmentStats(hyp string, refs []string) []ChrFStat {
	h := c.extract(hyp)
	var best []ChrFStat
	bestF := -1.0
	for _, r := range refs {
		st := chrfMatch(h, c.extract(r))
		if f := c.fScore(st); f > bestF {
			best, bestF = st, f
		}
	}
	return best
}

// chrfMatch is CHRF._get_match_statistics for every order.
func chrfMatch(h, r chrfNgrams) []ChrFStat {
	out := make([]ChrFStat, len(h.counts))
	for i, hm := range h.counts {
		rm := r.counts[i]
		match := 0
		for ng, hc := range hm {
			if rc, ok := rm[ng]; ok {
				match += min(hc, rc)
			}
		}
		out[i] = ChrFStat{Ref: r.totals[i], Match: match}
		if len(rm) > 0 {
			out[i].Hyp = h.totals[i]
		}
	}
	return out
}

// fScore is CHRF._compute_f_score, operation for operation (the float64
// conversions stop the compiler fusing multiply-adds):
//
//	per order: P = match/hyp, R = match/ref (1e-16 when the count is 0)
//	default: over the orders with hyp > 0 and ref > 0 (the effective
//	  order), average P and R; score = 100·(1+β²)·P·R / (β²·P + R), 0 when
//	  no order qualifies or P + R = 0
//	EpsSmoothing: score = 100 · mean over all orders of
//	  (1+β²)·P·R / (β²·P + R) (1e-16 when the denominator is 0)
func (c ChrF) fScore(stats []ChrFStat) float64 {
	const eps = 1e-16
	factor := float64(c.Beta * c.Beta)
	score, avgPrec, avgRec := 0.0, 0.0, 0.0
	effective := 0
	for _, s := range stats {
		prec, rec := eps, eps
		if s.Hyp > 0 {
			prec = float64(s.Match) / float64(s.Hyp)
		}
		if s.Ref > 0 {
			rec = float64(s.Match) / float64(s.Ref)
		}
		if denom := float64(factor*prec) + rec; denom > 0 {
			score += float64(float64((1+factor)*prec)*rec) / denom
		} else {
			score += eps
		}
		if s.Hyp > 0 && s.Ref > 0 {
			avgPrec += prec
			avgRec += rec
			effective++
		}
	}
	if c.EpsSmoothing {
		return float64(100*score) / float64(len(stats))
	}
	if effective == 0 {
		return 0
	}
	avgPrec /= float64(effective)
	avgRec /= float64(effective)
	if avgPrec+avgRec == 0 {
		return 0
	}
	f := float64((1+factor)*avgPrec) * avgRec
	f /= float64(factor*avgPrec) + avgRec
	return 100 * f
}
