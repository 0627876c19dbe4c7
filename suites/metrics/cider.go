package metrics

import (
	"math"
	"strings"
	"unicode"
)

// CIDEr-D as coco-caption computes it (tylin/coco-caption
// pycocoevalcap/cider/cider_scorer.py, the "CIDEr" its evaluation
// reports, with Vedantam's clipping and length penalty):
//
//   - n-grams n = 1..4 of the tokens (CIDErTokens).
//   - Document frequency df(g) = number of reference *sets* (images) in
//     the corpus in which any reference contains g; N = number of sets.
//   - Each sentence becomes, per n, a vector of tf(g)·idf(g) with
//     idf(g) = log(N) − log(max(1, df(g))); an n-gram that no reference
//     holds gets the largest weight, log N.
//   - For a candidate c and one reference r, per n:
//     sim_n = Σ_g min(c_g, r_g)·r_g / (‖c‖·‖r‖) (the division is skipped
//     when either norm is 0, leaving 0). Using min(c_g, r_g) instead of
//     c_g in the numerator is the "D" clipping: repeating an n-gram beyond
//     the reference's count earns nothing, but still grows ‖c‖.
//   - Gaussian length penalty exp(−δ²/(2σ²)), σ = 6, applied to every
//     sim_n. coco-caption takes δ as the difference of the two sentences'
//     *bigram* counts (its "length" sums term frequencies where the n-gram
//     index is 1); that equals the difference of their word counts
//     whenever both have at least one word, and when either has none the
//     score is 0 anyway. It is reproduced as written.
//   - score = 10 · (1/|refs|) · Σ_r (1/4) Σ_n sim_n(c, r): uniform weights
//     over n, the mean over references, times 10. So scores run from 0 to
//     10; a candidate identical to its only reference scores 10 only when
//     every order n = 1..4 has an n-gram of non-zero weight (so at least
//     four tokens), and 7.5 when it has three tokens.
//   - The corpus score is the mean of the per-candidate scores.
//
// One-set corpora: with N = 1, log N = 0 and every idf is ≤ 0 (0 for all
// n-grams a reference holds and, oddly, for every other n-gram too), so
// every vector is zero and coco-caption reports 0 for any caption, right or
// wrong. That 0 is not a measurement. Here a corpus of fewer than 2
// reference sets gives NaN ("not computed"); callers that can, refuse such
// a corpus up front (the suites "cider" scorer does).

const (
	ciderMaxN  = 4
	ciderSigma = 6.0
)

// CIDErD scores captions against references with document frequencies
// taken from a fixed corpus of reference sets. It is immutable after
// NewCIDErD and safe for concurrent use.
type CIDErD struct {
	df   map[string]float64
	logN float64
	sets int
}

// NewCIDErD counts document frequencies over refSets: one set per image
// (or item), each a list of reference captions. Every set counts toward
// N, empty or not.
func NewCIDErD(refSets [][]string) *CIDErD {
	d := &CIDErD{df: map[string]float64{}, sets: len(refSets)}
	for _, refs := range refSets {
		seen := map[string]bool{}
		for _, ref := range refs {
			g := ciderNgrams(CIDErTokens(ref))
			for n := range g.keys {
				for _, k := range g.keys[n] {
					seen[k] = true
				}
			}
		}
		for k := range seen {
			d.df[k]++
		}
	}
	d.logN = math.Log(float64(len(refSets)))
	return d
}

// Sets is N, the number of reference sets the frequencies came from.
func (d *CIDErD) Sets() int { return d.sets }

// Score is the CIDEr-D of cand against refs (normally one of the corpus's
// sets), on coco-caption's 0–10 scale. It is NaN when the corpus has fewer
// than 2 sets (see the package notes above) or refs is empty (coco-caption
// refuses that with an assertion).
func (d *CIDErD) Score(cand string, refs []string) float64 {
	if d.sets < 2 || len(refs) == 0 {
		return math.NaN()
	}
	vec, norm, length := d.vector(ciderNgrams(CIDErTokens(cand)))
	var score [ciderMaxN]float64
	for _, ref := range refs {
		rvec, rnorm, rlength := d.vector(ciderNgrams(CIDErTokens(ref)))
		delta := float64(length - rlength)
		penalty := math.Exp(-(delta * delta) / (2 * ciderSigma * ciderSigma))
		for n := range ciderMaxN {
			val := 0.0
			for i, k := range vec.keys[n] {
				r := rvec.weights[n][k]
				val += min(vec.values[n][i], r) * r
			}
			if norm[n] != 0 && rnorm[n] != 0 {
				val /= norm[n] * rnorm[n]
			}
			score[n] += val * penalty
		}
	}
	mean := 0.0
	for _, s := range score {
		mean += s
	}
	mean /= ciderMaxN
	mean /= float64(len(refs))
	return mean * 10
}

// CorpusCIDErD scores cands[i] against refSets[i] with document
// frequencies over all of refSets, and returns the mean and the
// per-candidate scores, as coco-caption's Cider.compute_score does. With
// fewer than 2 sets every score and the mean are NaN; with none, the mean
// is NaN and per is empty. It panics if the two slices differ in length.
func CorpusCIDErD(cands []string, refSets [][]string) (mean float64, per []float64) {
	if len(cands) != len(refSets) {
		panic("metrics: CorpusCIDErD needs one reference set per candidate")
	}
	d := NewCIDErD(refSets)
	per = make([]float64, len(cands))
	sum := 0.0
	for i, c := range cands {
		per[i] = d.Score(c, refSets[i])
		sum += per[i]
	}
	if len(per) == 0 {
		return math.NaN(), per
	}
	return sum / float64(len(per)), per
}

// ciderGrams are a sentence's n-gram counts, n = 1..4, each order's
// n-grams in order of first occurrence (Python's dict order, which fixes
// the order of the floating-point sums).
type ciderGrams struct {
	keys   [ciderMaxN][]string
	counts [ciderMaxN]map[string]int
}

func ciderNgrams(toks []string) ciderGrams {
	var g ciderGrams
	for n := range ciderMaxN {
		g.counts[n] = map[string]int{}
		for i := 0; i+n < len(toks); i++ {
			k := strings.Join(toks[i:i+n+1], " ") // tokens never hold a space
			if g.counts[n][k] == 0 {
				g.keys[n] = append(g.keys[n], k)
			}
			g.counts[n][k]++
		}
	}
	return g
}

// ciderVec is a sentence's tf·idf vector per order: values[n][i] belongs
// to keys[n][i]; weights[n] maps the same keys to the same values.
type ciderVec struct {
	keys    [ciderMaxN][]string
	values  [ciderMaxN][]float64
	weights [ciderMaxN]map[string]float64
}

// vector is coco-caption's counts2vec: the tf·idf vector, its norm per
// order, and the "length" (the number of bigrams).
func (d *CIDErD) vector(g ciderGrams) (v ciderVec, norm [ciderMaxN]float64, length int) {
	for n := range ciderMaxN {
		v.keys[n] = g.keys[n]
		v.values[n] = make([]float64, len(g.keys[n]))
		v.weights[n] = make(map[string]float64, len(g.keys[n]))
		for i, k := range g.keys[n] {
			tf := g.counts[n][k]
			w := float64(tf) * (d.logN - math.Log(max(1, d.df[k])))
			v.values[n][i] = w
			v.weights[n][k] = w
			norm[n] += w * w
			if n == 1 {
				length += tf
			}
		}
		norm[n] = math.Sqrt(norm[n])
	}
	return v, norm, length
}

// CIDErTokens tokenizes a caption for CIDEr-D. coco-caption runs Stanford
// CoreNLP 3.4.1's PTBTokenizer (-preserveLines -lowerCase) and then drops
// the tokens
//
//	'' ' `` ` -LRB- -RRB- -LCB- -RCB- . ? ! , : - -- ... ;
//
// This is that, re-stated as rules:
//
//  1. Lower-case (full Unicode mapping, as Python's str.lower and Java's
//     toLowerCase do).
//  2. Every Han ideograph, hiragana and katakana character is a token.
//  3. A word is a maximal run of letters, marks and digits (Unicode L, M,
//     N), also across a single "-" or "." between two of them, a single ","
//     between two digits and a single apostrophe (' or ’, read as ')
//     between two letters: "black-and-white", "3.5", "1,000", "o'clock".
//  4. Clitics are split off as PTB does: "don't" → "do n't", "can't" →
//     "ca n't", "man's" → "man 's", likewise 're 've 'll 'd 'm.
//  5. Symbols (Unicode S: $ + = < > | ~ ^ € £ ¥ ° …) and the ASCII
//     characters & % # @ * / \ are one-character tokens: PTB emits them as
//     tokens and coco-caption's list does not remove them.
//  6. All other punctuation (. , ; : ! ? quotes, dashes, ellipses,
//     brackets, CJK punctuation) and all white space separate tokens and
//     are dropped.
//
// It differs from coco-caption's tokenization only in: square brackets
// (PTB writes -LSB-/-RSB-, which are not on coco-caption's list and survive
// there as tokens; here they are dropped like the other brackets);
// abbreviations (PTB keeps the final period: "mr.", "u.s."; here "mr",
// "u.s"); CJK text (PTB keeps a run of ideographs as one token, which
// would make every Chinese caption score about 0; here each ideograph is a
// token); and PTB's further special cases (multi-word splits such as
// "cannot", emoticons, URLs, e-mail addresses, "and/or"), which are not
// reproduced. For ordinary English captions the tokens are the same.
func CIDErTokens(s string) []string {
	rs := []rune(pyStrLower(s))
	var toks []string
	var word []rune
	flush := func() {
		if len(word) > 0 {
			toks = append(toks, ciderSplitClitic(string(word))...)
			word = word[:0]
		}
	}
	for i, r := range rs {
		switch {
		case ciderIsCJK(r):
			flush()
			toks = append(toks, string(r))
		case ciderIsWordRune(r):
			word = append(word, r)
		case len(word) > 0 && i+1 < len(rs) && ciderJoins(r, rs[i-1], rs[i+1]):
			if r == '’' {
				r = '\''
			}
			word = append(word, r)
		case ciderIsKeptSymbol(r):
			flush()
			toks = append(toks, string(r))
		default:
			flush()
		}
	}
	flush()
	return toks
}

func ciderIsCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) && !unicode.IsPunct(r) && !unicode.IsSymbol(r)
}

func ciderIsWordRune(r rune) bool {
	return unicode.In(r, unicode.L, unicode.M, unicode.N) && !ciderIsCJK(r)
}

// ciderJoins reports whether r, between prev and next, stays inside a word.
func ciderJoins(r, prev, next rune) bool {
	switch r {
	case '-', '.':
		return ciderIsWordRune(prev) && ciderIsWordRune(next)
	case ',':
		return unicode.IsDigit(prev) && unicode.IsDigit(next)
	case '\'', '’':
		return unicode.IsLetter(prev) && unicode.IsLetter(next) && !ciderIsCJK(prev) && !ciderIsCJK(next)
	}
	return false
}

func ciderIsKeptSymbol(r rune) bool {
	switch r {
	case '&', '%', '#', '@', '*', '/', '\\':
		return true
	case '`': // a modifier symbol to Unicode, a quote to PTB (dropped)
		return false
	}
	return unicode.IsSymbol(r)
}

var ciderClitics = []string{"'s", "'re", "'ve", "'ll", "'d", "'m"}

// ciderSplitClitic splits a word's final clitic off as PTB does.
func ciderSplitClitic(w string) []string {
	if len(w) > len("n't") && strings.HasSuffix(w, "n't") {
		return []string{w[:len(w)-len("n't")], "n't"}
	}
	if i := strings.LastIndexByte(w, '\''); i > 0 {
		for _, c := range ciderClitics {
			if w[i:] == c {
				return []string{w[:i], c}
			}
		}
	}
	return []string{w}
}
