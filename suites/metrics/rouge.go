package metrics

import (
	"fmt"
	"strconv"
	"strings"
)

// PRF is one ROUGE result: precision (overlap over the prediction's
// length), recall (overlap over the target's length) and their harmonic
// mean F = 2PR/(P+R), with F = 0 when P+R = 0. All three are in [0, 1].
type PRF struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F         float64 `json:"f"`
}

func newPRF(p, r float64) PRF {
	// rouge-score's scoring.fmeasure, evaluated in the same order.
	f := 0.0
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return PRF{Precision: p, Recall: r, F: f}
}

// RougeScores holds the four ROUGE types rouge-score computes by default.
type RougeScores struct {
	Rouge1    PRF `json:"rouge1"`
	Rouge2    PRF `json:"rouge2"`
	RougeL    PRF `json:"rougeL"`
	RougeLsum PRF `json:"rougeLsum"`
}

// Get returns the result named by a rouge-score type name: "rouge1",
// "rouge2", "rougeL" or "rougeLsum".
func (s RougeScores) Get(metric string) (PRF, bool) {
	switch metric {
	case "rouge1":
		return s.Rouge1, true
	case "rouge2":
		return s.Rouge2, true
	case "rougeL":
		return s.RougeL, true
	case "rougeLsum":
		return s.RougeLsum, true
	}
	return PRF{}, false
}

// RougeOptions chooses the tokenizer and stemming. The zero value is
// rouge-score's default: RougeScorer(types, use_stemmer=False).
type RougeOptions struct {
	// Tokenizer is TokenizerDefault (also the empty string) or
	// TokenizerZhChar. Any other value makes the Rouge functions panic;
	// validate user input with ParseTokenizer.
	Tokenizer Tokenizer
	// Stem replaces every [a-z0-9] token longer than 3 characters by its
	// Porter stem (PorterStem), as use_stemmer=True does. Ideograph tokens
	// are never stemmed.
	Stem bool
}

// Name names the tokenization for the record: "rouge-score",
// "rouge-score+porter", "zh-char" or "zh-char+porter".
func (o RougeOptions) Name() string {
	name := string(o.tokenizer())
	if o.Stem {
		name += "+porter"
	}
	return name
}

func (o RougeOptions) tokenizer() Tokenizer {
	switch o.Tokenizer {
	case "", TokenizerDefault:
		return TokenizerDefault
	case TokenizerZhChar:
		return TokenizerZhChar
	}
	panic(fmt.Sprintf("metrics: unknown rouge tokenizer %q", o.Tokenizer))
}

// Tokens tokenizes text as the options say.
func (o RougeOptions) Tokens(text string) []string {
	toks := tokenize(text, o.tokenizer() == TokenizerZhChar)
	if o.Stem {
		stemTokens(toks)
	}
	return toks
}

// Rouge scores prediction against one target as Google rouge-score's
// RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"]).score(target,
// prediction) does (PyPI rouge-score 0.1.2, split_summaries=False), with
// the tokenizer and stemming of opts:
//
// rougeN: the n-gram multisets T and P of target and prediction;
// overlap = Σ over the n-grams g of T of min(T[g], P[g]);
// precision = overlap / max(|P|, 1), recall = overlap / max(|T|, 1).
//
// rougeL: L = length of a longest common subsequence of the two token
// lists; precision = L/|prediction|, recall = L/|target|; all 0 when either
// list is empty.
//
// rougeLsum: summary-level LCS (ROUGE-1.5.5 with its double-counting
// guard). Each text is split into sentences on "\n" only (empty strings
// dropped; "\r" stays and is a separator to the tokenizers) and each
// sentence tokenized; m, n = the total target and prediction tokens (all 0
// when either is 0). cr, cp count every token of target and prediction.
// For each target sentence r, one LCS of r with each prediction sentence is
// taken as a set of indices into r (see lcsIndices for which LCS), the sets
// are united, and for each index in ascending order the token w = r[i]
// counts a hit when cr[w] > 0 and cp[w] > 0, decrementing both.
// precision = hits/n, recall = hits/m.
func Rouge(target, prediction string, opts RougeOptions) RougeScores {
	return RougeMulti([]string{target}, prediction, opts)
}

// RougeMulti scores prediction against several targets as rouge-score's
// score_multi does: for each ROUGE type separately, the result of the
// target with the highest F (the first such target on ties, as
// numpy.argmax picks), keeping that target's precision and recall.
// Different types may come from different targets. With no targets every
// result is 0 (rouge-score raises).
func RougeMulti(targets []string, prediction string, opts RougeOptions) RougeScores {
	var in interner
	p, ps := in.tokens(prediction, opts), in.sentences(prediction, opts)
	var best RougeScores
	for i, target := range targets {
		t := in.tokens(target, opts)
		s := RougeScores{
			Rouge1:    rougeN(t, p, 1),
			Rouge2:    rougeN(t, p, 2),
			RougeL:    rougeLCS(t, p),
			RougeLsum: rougeLsum(in.sentences(target, opts), ps),
		}
		if i == 0 {
			best = s
			continue
		}
		best.Rouge1 = better(best.Rouge1, s.Rouge1)
		best.Rouge2 = better(best.Rouge2, s.Rouge2)
		best.RougeL = better(best.RougeL, s.RougeL)
		best.RougeLsum = better(best.RougeLsum, s.RougeLsum)
	}
	return best
}

// better keeps the earlier result unless the later one has a strictly
// higher F: numpy.argmax picks the first maximum.
func better(prev, next PRF) PRF {
	if next.F > prev.F {
		return next
	}
	return prev
}

// IsRougeMetric reports whether RougeMetric knows metric: "rouge1" to
// "rouge9", "rougeL" or "rougeLsum" (what rouge-score accepts).
func IsRougeMetric(metric string) bool {
	_, ok := rougeOrder(metric)
	return ok
}

// rougeOrder returns n for "rougeN" (1–9), 0 for "rougeL", -1 for
// "rougeLsum".
func rougeOrder(metric string) (int, bool) {
	switch metric {
	case "rougeL":
		return 0, true
	case "rougeLsum":
		return -1, true
	}
	if len(metric) == 6 && strings.HasPrefix(metric, "rouge") {
		if n, err := strconv.Atoi(metric[5:]); err == nil && n >= 1 {
			return n, true
		}
	}
	return 0, false
}

// RougeMetric computes one ROUGE type (see IsRougeMetric) of prediction
// against targets, choosing among targets as RougeMulti does, without
// computing the other types.
func RougeMetric(metric string, targets []string, prediction string, opts RougeOptions) (PRF, error) {
	n, ok := rougeOrder(metric)
	if !ok {
		return PRF{}, fmt.Errorf("unknown rouge type %q (known: rouge1 … rouge9, rougeL, rougeLsum)", metric)
	}
	var in interner
	var best PRF
	if n < 0 {
		pred := in.sentences(prediction, opts)
		for i, t := range targets {
			s := rougeLsum(in.sentences(t, opts), pred)
			if i == 0 {
				best = s
			} else {
				best = better(best, s)
			}
		}
		return best, nil
	}
	pred := in.tokens(prediction, opts)
	for i, t := range targets {
		var s PRF
		if n == 0 {
			s = rougeLCS(in.tokens(t, opts), pred)
		} else {
			s = rougeN(in.tokens(t, opts), pred, n)
		}
		if i == 0 {
			best = s
		} else {
			best = better(best, s)
		}
	}
	return best, nil
}

// interner maps tokens to small integers so that the LCS tables compare
// integers, not strings.
type interner struct{ ids map[string]int32 }

func (in *interner) intern(toks []string) []int32 {
	if in.ids == nil {
		in.ids = make(map[string]int32)
	}
	out := make([]int32, len(toks))
	for i, t := range toks {
		id, ok := in.ids[t]
		if !ok {
			id = int32(len(in.ids))
			in.ids[t] = id
		}
		out[i] = id
	}
	return out
}

func (in *interner) tokens(text string, opts RougeOptions) []int32 {
	return in.intern(opts.Tokens(text))
}

// sentences splits text on "\n", drops empty strings and tokenizes each
// sentence (a sentence may have no tokens).
func (in *interner) sentences(text string, opts RougeOptions) [][]int32 {
	var out [][]int32
	for s := range strings.SplitSeq(text, "\n") {
		if s != "" {
			out = append(out, in.tokens(s, opts))
		}
	}
	return out
}

func rougeN(target, pred []int32, n int) PRF {
	tg, tn := ngramCounts(target, n)
	pg, pn := ngramCounts(pred, n)
	overlap := 0
	for g, c := range tg {
		overlap += min(c, pg[g])
	}
	return newPRF(float64(overlap)/float64(max(pn, 1)), float64(overlap)/float64(max(tn, 1)))
}

// ngramCounts returns the multiset of n-grams of toks, keyed by the ids'
// bytes, and the number of n-grams.
func ngramCounts(toks []int32, n int) (map[string]int, int) {
	total := len(toks) - n + 1
	if total <= 0 {
		return nil, 0
	}
	counts := make(map[string]int, total)
	key := make([]byte, 4*n)
	for i := range total {
		for j, id := range toks[i : i+n] {
			key[4*j], key[4*j+1], key[4*j+2], key[4*j+3] = byte(id), byte(id>>8), byte(id>>16), byte(id>>24)
		}
		counts[string(key)]++
	}
	return counts, total
}

func rougeLCS(target, pred []int32) PRF {
	if len(target) == 0 || len(pred) == 0 {
		return PRF{}
	}
	l := float64(lcsLen(target, pred))
	return newPRF(l/float64(len(pred)), l/float64(len(target)))
}

// lcsLen is the length of a longest common subsequence of a and b, by the
// usual dynamic programme kept to two rows (O(|a|·|b|) time, O(|b|) memory).
func lcsLen(a, b []int32) int {
	prev := make([]int32, len(b)+1)
	cur := make([]int32, len(b)+1)
	for _, x := range a {
		for j, y := range b {
			if x == y {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(cur[j], prev[j+1])
			}
		}
		prev, cur = cur, prev
	}
	return int(prev[len(b)])
}

func rougeLsum(target, pred [][]int32) PRF {
	m, n := 0, 0
	cr, cp := map[int32]int{}, map[int32]int{}
	for _, s := range target {
		m += len(s)
		for _, w := range s {
			cr[w]++
		}
	}
	for _, s := range pred {
		n += len(s)
		for _, w := range s {
			cp[w]++
		}
	}
	if m == 0 || n == 0 {
		return PRF{}
	}
	hits := 0
	var table []int32
	var inUnion []bool
	for _, r := range target {
		if cap(inUnion) < len(r) {
			inUnion = make([]bool, len(r))
		}
		inUnion = inUnion[:len(r)]
		clear(inUnion)
		for _, c := range pred {
			table = lcsIndices(r, c, table, inUnion)
		}
		for i, in := range inUnion {
			if !in {
				continue
			}
			if w := r[i]; cp[w] > 0 && cr[w] > 0 {
				hits++
				cp[w]--
				cr[w]--
			}
		}
	}
	return newPRF(float64(hits)/float64(n), float64(hits)/float64(m))
}

// lcsIndices marks in mark the indices into r of one longest common
// subsequence of r and c: rouge-score's lcs_ind, which fills the full LCS
// table t and backtracks from (len r, len c): when r[i-1] == c[j-1] it
// takes i-1 and steps diagonally, else if t[i][j-1] > t[i-1][j] it steps
// to j-1, otherwise to i-1. Which LCS this picks matters to rougeLsum.
// table is scratch space, returned for reuse.
func lcsIndices(r, c []int32, table []int32, mark []bool) []int32 {
	if len(r) == 0 || len(c) == 0 {
		return table
	}
	w := len(c) + 1
	size := (len(r) + 1) * w
	if cap(table) < size {
		table = make([]int32, size)
	}
	t := table[:size]
	clear(t[:w])
	for i := 1; i <= len(r); i++ {
		row, up := t[i*w:(i+1)*w], t[(i-1)*w:i*w]
		row[0] = 0
		x := r[i-1]
		for j := 1; j <= len(c); j++ {
			if x == c[j-1] {
				row[j] = up[j-1] + 1
			} else {
				row[j] = max(up[j], row[j-1])
			}
		}
	}
	for i, j := len(r), len(c); i > 0 && j > 0; {
		switch {
		case r[i-1] == c[j-1]:
			mark[i-1] = true
			i--
			j--
		case t[i*w+j-1] > t[(i-1)*w+j]:
			j--
		default:
			i--
		}
	}
	return table
}
