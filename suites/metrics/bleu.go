package metrics

import (
	"errors"
	"fmt"
	"math"
)

// bleuMaxOrder is sacreBLEU's MAX_NGRAM_ORDER: BLEU counts 1- to 4-grams.
const bleuMaxOrder = 4

// BLEU is sacreBLEU's BLEU metric with its options (sacrebleu.metrics.BLEU
// in sacreBLEU 2.6.0). The zero value is BLEU() with its defaults: 13a
// tokenizer, case-sensitive, exp smoothing, no effective order — what
// corpus_bleu uses. sentence_bleu is the same with EffectiveOrder set
// (see SentenceBLEU).
//
// A BLEU value holds no state; its methods are safe for concurrent use.
type BLEU struct {
	// Tokenize names the tokenizer: "13a" (or ""), "zh", "char" or "none"
	// (see SacreTokenize).
	Tokenize string
	// Lowercase lower-cases hypothesis and references first (Python's
	// str.lower, see sacreLower).
	Lowercase bool
	// EffectiveOrder averages the log precisions only over the n-gram
	// orders the hypothesis has (sentence_bleu's default): a 3-token
	// hypothesis is scored on 1- to 3-grams instead of getting 0.
	EffectiveOrder bool
	// Smooth is the smoothing method for orders with no match: "exp" (or
	// "", the default: the k-th such order gets precision 100/(2^k·total),
	// mteval-v13a's method) or "none" (precision 0, so the score is 0).
	Smooth string
}

// BLEUScore is sacreBLEU's BLEUScore. Score and Precisions are on the
// 0–100 scale. The JSON names are sacreBLEU's.
type BLEUScore struct {
	// Score is BLEU = BP · exp(mean of log Precisions), 0–100.
	Score float64 `json:"score"`
	// Counts[n-1] is the number of hypothesis n-grams matched in the
	// references, each clipped to its most frequent count in any one
	// reference.
	Counts []int `json:"counts"`
	// Totals[n-1] is the number of hypothesis n-grams.
	Totals []int `json:"totals"`
	// Precisions[n-1] = 100·Counts/Totals, smoothed where Counts is 0 (see
	// BLEU.Smooth), 0 for orders after the first with no n-grams, and all
	// 0 when nothing matched.
	Precisions []float64 `json:"precisions"`
	// BP is the brevity penalty: 1 when SysLen >= RefLen, else
	// exp(1 − RefLen/SysLen), and 0 when SysLen is 0.
	BP float64 `json:"bp"`
	// SysLen is the number of hypothesis tokens.
	SysLen int `json:"sys_len"`
	// RefLen is the reference length closest to SysLen (the shorter on a
	// tie), summed over segments for a corpus.
	RefLen int `json:"ref_len"`
}

// SentenceBLEU is sacrebleu.sentence_bleu(hyp, refs, tokenize=tok) with its
// defaults: exp smoothing, effective order, case-sensitive. tok is "13a"
// (or ""), "zh", "char" or "none". refs are the references of hyp; with
// several, an n-gram's count is clipped to its largest count in any one
// reference and the reference length is the one closest to the
// hypothesis's.
func SentenceBLEU(hyp string, refs []string, tok string) (BLEUScore, error) {
	return BLEU{Tokenize: tok, EffectiveOrder: true}.Sentence(hyp, refs)
}

// CorpusBLEU is sacrebleu.corpus_bleu(hyps, streams, tokenize=tok) with its
// defaults (exp smoothing, no effective order, case-sensitive): the
// statistics of every segment are summed and the formula applied once.
//
// refs[i] are the references of hyps[i], and their number may differ
// between segments. sacreBLEU lays references out the other way round, as
// streams: streams[k][i] is the k-th reference of segment i (see
// RefsFromStreams to convert).
func CorpusBLEU(hyps []string, refs [][]string, tok string) (BLEUScore, error) {
	return BLEU{Tokenize: tok}.Corpus(hyps, refs)
}

// RefsFromStreams converts sacreBLEU's reference layout, streams[k][i] = the
// k-th reference of segment i, to this package's, refs[i][k]. Every stream
// must have the same length.
func RefsFromStreams(streams [][]string) ([][]string, error) {
	if len(streams) == 0 {
		return nil, nil
	}
	n := len(streams[0])
	out := make([][]string, n)
	for k, s := range streams {
		if len(s) != n {
			return nil, fmt.Errorf("reference stream %d has %d segments, stream 0 has %d", k, len(s), n)
		}
	}
	for i := range out {
		out[i] = make([]string, len(streams))
		for k := range streams {
			out[i][k] = streams[k][i]
		}
	}
	return out, nil
}

func (b BLEU) check() error {
	switch b.Tokenize {
	case "", BLEUTok13a, BLEUTokZh, BLEUTokChar, BLEUTokNone:
	default:
		return unknownSacreTokenizer(b.Tokenize)
	}
	switch b.Smooth {
	case "", "exp", "none":
	default:
		return fmt.Errorf("unknown BLEU smoothing %q (known: exp, none)", b.Smooth)
	}
	return nil
}

var errSacreNoRefs = errors.New("no references")

// Sentence is BLEU.sentence_score(hyp, refs): Corpus over one segment.
func (b BLEU) Sentence(hyp string, refs []string) (BLEUScore, error) {
	if err := b.check(); err != nil {
		return BLEUScore{}, err
	}
	if len(refs) == 0 {
		return BLEUScore{}, errSacreNoRefs
	}
	return b.compute(b.segmentStats(hyp, refs)), nil
}

// Corpus is BLEU.corpus_score: refs[i] are the references of hyps[i] (see
// CorpusBLEU for the layout). Every hypothesis needs at least one
// reference; an empty string is a reference (of length 0).
func (b BLEU) Corpus(hyps []string, refs [][]string) (BLEUScore, error) {
	if err := b.check(); err != nil {
		return BLEUScore{}, err
	}
	if len(hyps) == 0 {
		return BLEUScore{}, errors.New("no hypotheses")
	}
	if len(refs) != len(hyps) {
		return BLEUScore{}, fmt.Errorf("%d hypotheses but references for %d", len(hyps), len(refs))
	}
	var sum bleuStats
	for i, h := range hyps {
		if len(refs[i]) == 0 {
			return BLEUScore{}, fmt.Errorf("hypothesis %d: %w", i, errSacreNoRefs)
		}
		sum.add(b.segmentStats(h, refs[i]))
	}
	return b.compute(sum), nil
}

// bleuStats are sacreBLEU's sufficient statistics of one segment (or a sum
// of them): [sys_len, ref_len, correct_1..4, total_1..4].
type bleuStats struct {
	sysLen, refLen int
	correct, total [bleuMaxOrder]int
}

func (s *bleuStats) add(o bleuStats) {
	s.sysLen += o.sysLen
	s.refLen += o.refLen
	for n := range bleuMaxOrder {
		s.correct[n] += o.correct[n]
		s.total[n] += o.total[n]
	}
}

// ngramKey is an n-gram of token ids, unused slots -1, so n-grams of
// different orders never collide.
type ngramKey [bleuMaxOrder]int32

// preprocess is BLEU._preprocess_segment: lower-case if asked, rstrip,
// tokenize; then split into tokens.
func (b BLEU) preprocess(s string) []string {
	if b.Lowercase {
		s = sacreLower(s)
	}
	return sacreTokens(b.Tokenize, sacreRStrip(s))
}

// segmentStats is BLEU._extract_reference_info + _compute_segment_statistics.
func (b BLEU) segmentStats(hyp string, refs []string) bleuStats {
	vocab := map[string]int32{}
	id := func(tok string) int32 {
		v, ok := vocab[tok]
		if !ok {
			v = int32(len(vocab))
			vocab[tok] = v
		}
		return v
	}
	ids := func(toks []string) []int32 {
		out := make([]int32, len(toks))
		for i, t := range toks {
			out[i] = id(t)
		}
		return out
	}

	// Reference n-grams: each n-gram's largest count in any one reference.
	refMax := map[ngramKey]int{}
	refLens := make([]int, len(refs))
	for k, r := range refs {
		toks := ids(b.preprocess(r))
		refLens[k] = len(toks)
		for key, c := range bleuCountNgrams(toks) {
			if c > refMax[key] {
				refMax[key] = c
			}
		}
	}

	htoks := ids(b.preprocess(hyp))
	st := bleuStats{sysLen: len(htoks), refLen: bleuClosestRefLen(len(htoks), refLens)}
	for key, c := range bleuCountNgrams(htoks) {
		n := ngramOrder(key) - 1
		st.total[n] += c
		if rc, ok := refMax[key]; ok {
			st.correct[n] += min(c, rc)
		}
	}
	return st
}

func bleuCountNgrams(toks []int32) map[ngramKey]int {
	m := make(map[ngramKey]int, bleuMaxOrder*len(toks))
	for n := 1; n <= bleuMaxOrder; n++ {
		for i := 0; i+n <= len(toks); i++ {
			key := ngramKey{-1, -1, -1, -1}
			copy(key[:], toks[i:i+n])
			m[key]++
		}
	}
	return m
}

func ngramOrder(k ngramKey) int {
	n := 0
	for n < bleuMaxOrder && k[n] >= 0 {
		n++
	}
	return n
}

// bleuClosestRefLen is BLEU._get_closest_ref_len: the reference length with the
// smallest |hyp − ref|, the shorter one on a tie.
func bleuClosestRefLen(hypLen int, refLens []int) int {
	closestDiff, closestLen := -1, -1
	for _, r := range refLens {
		diff := hypLen - r
		if diff < 0 {
			diff = -diff
		}
		if closestDiff == -1 || diff < closestDiff {
			closestDiff, closestLen = diff, r
		} else if diff == closestDiff && r < closestLen {
			closestLen = r
		}
	}
	return closestLen
}

// bleuLog is sacreBLEU's utils.my_log: log, with log 0 := −9999999999.
func bleuLog(x float64) float64 {
	if x == 0 {
		return -9999999999
	}
	return math.Log(x)
}

// compute is BLEU.compute_bleu, operation for operation (the float
// conversions stop the compiler fusing multiply-adds, so results match
// CPython's to the last bit wherever exp and log do):
//
//	bp = 1 if sys_len >= ref_len, else exp(1 − ref_len/sys_len) (0 if sys_len = 0)
//	if no n-gram of any order matched: score 0, precisions all 0
//	k = 1; for n = 1..4: stop at the first order with no hypothesis n-grams;
//	  with effective order N = n (else N = 4);
//	  p_n = 100·correct_n/total_n, or when correct_n = 0:
//	    exp smoothing: k *= 2, p_n = 100/(k·total_n); none: p_n = 0
//	score = bp · exp(Σ_{n≤N} log p_n / N), log 0 = −9999999999
func (b BLEU) compute(st bleuStats) BLEUScore {
	out := BLEUScore{
		Counts:     append([]int(nil), st.correct[:]...),
		Totals:     append([]int(nil), st.total[:]...),
		Precisions: make([]float64, bleuMaxOrder),
		SysLen:     st.sysLen,
		RefLen:     st.refLen,
		BP:         1,
	}
	if st.sysLen < st.refLen {
		out.BP = 0
		if st.sysLen > 0 {
			out.BP = math.Exp(1 - float64(st.refLen)/float64(st.sysLen))
		}
	}
	anyMatch := false
	for _, c := range st.correct {
		anyMatch = anyMatch || c != 0
	}
	if !anyMatch {
		return out
	}
	smoothMteval := 1.0
	effOrder := bleuMaxOrder
	for n := 1; n <= bleuMaxOrder; n++ {
		total, correct := st.total[n-1], st.correct[n-1]
		if total == 0 {
			break
		}
		if b.EffectiveOrder {
			effOrder = n
		}
		switch {
		case correct != 0:
			out.Precisions[n-1] = float64(100*float64(correct)) / float64(total)
		case b.Smooth == "" || b.Smooth == "exp":
			smoothMteval *= 2
			out.Precisions[n-1] = 100 / float64(smoothMteval*float64(total))
		}
	}
	sum := 0.0
	for _, p := range out.Precisions[:effOrder] {
		sum += bleuLog(p)
	}
	out.Score = out.BP * math.Exp(sum/float64(effOrder))
	return out
}
