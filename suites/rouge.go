package suites

import "strings"

// rougeLScorer is ROUGE-L F-measure as Google's rouge-score package
// (PyPI rouge-score 0.1.2, no stemming) defines it:
//
//	L = length of the longest common subsequence of the token lists
//	P = L/|prediction|, R = L/|reference|, F = 2PR/(P+R)
//	(0 when either list is empty or P+R = 0)
//
// With several references the best F counts.
//
// Tokenizer: rouge-score's own ("rouge-score": lower-case, every run of
// characters outside [a-z0-9] is a separator) drops Chinese text entirely
// and would score every Chinese answer 0. So when any reference contains a
// CJK ideograph, both sides are tokenized with "zh-char" instead: each
// ideograph is a token, each run of [a-z0-9] is a token, everything else
// is dropped (LCSTS-paper style; the char_level definition of the oracle
// vectors). The Score records which one was used.
type rougeLScorer struct{}

const rougeLVersion = "1"

// Tokenizer names recorded in Score.Tokenizer.
const (
	TokenizerRougeScore = "rouge-score"
	TokenizerZhChar     = "zh-char"
)

func (rougeLScorer) Name() string { return "rougeL" }

func (rougeLScorer) Score(output string, c *Case) Score {
	tok := TokenizerRougeScore
	for _, ref := range c.References {
		if hasCJK(ref) {
			tok = TokenizerZhChar
			break
		}
	}
	pred := rougeTokens(tok, output)
	best := 0.0
	for _, ref := range c.References {
		_, _, f := rougeL(rougeTokens(tok, ref), pred)
		best = max(best, f)
	}
	return Score{Scorer: "rougeL", Value: best, Tokenizer: tok, Version: rougeLVersion}
}

func (rougeLScorer) CheckCase(c *Case) error { return needReference(c) }

func rougeTokens(tokenizer, s string) []string {
	if tokenizer == TokenizerZhChar {
		return zhCharTokens(s)
	}
	return rougeScoreTokens(s)
}

// pyLower lower-cases as Python's str.lower does for everything the
// tokenizers keep: Go and Python agree except for U+0130 (İ), which Python
// turns into "i" + U+0307 COMBINING DOT ABOVE (a separator for the
// tokenizers) and Go into a bare "i".
func pyLower(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, "\u0130", "i\u0307"))
}

// rougeScoreTokens is rouge-score's default tokenizer without stemming:
// lower-case, then every maximal run of [a-z0-9] is a token.
func rougeScoreTokens(s string) []string {
	return asciiRuns(pyLower(s), false)
}

// zhCharTokens is the zh-char tokenizer: lower-case, then each CJK
// ideograph (see isCJK) is a token and each maximal run of [a-z0-9] is a
// token; everything else is dropped.
func zhCharTokens(s string) []string {
	return asciiRuns(pyLower(s), true)
}

func asciiRuns(s string, cjk bool) []string {
	var out []string
	start := -1
	for i, r := range s {
		alnum := r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
		if alnum {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, s[start:i])
			start = -1
		}
		if cjk && isCJK(r) {
			out = append(out, string(r))
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

// isCJK reports whether r is a CJK unified or compatibility ideograph:
// U+3400–4DBF, U+4E00–9FFF, U+F900–FAFF, U+20000–2A6DF, U+2A700–2EBEF,
// U+30000–3134F. Radicals (U+2F00…), punctuation and full-width Latin are
// not.
func isCJK(r rune) bool {
	switch {
	case r >= 0x3400 && r <= 0x4DBF,
		r >= 0x4E00 && r <= 0x9FFF,
		r >= 0xF900 && r <= 0xFAFF,
		r >= 0x20000 && r <= 0x2A6DF,
		r >= 0x2A700 && r <= 0x2EBEF,
		r >= 0x30000 && r <= 0x3134F:
		return true
	}
	return false
}

func hasCJK(s string) bool {
	return strings.IndexFunc(s, isCJK) >= 0
}

// rougeL returns ROUGE-L precision, recall and F of pred against ref.
func rougeL(ref, pred []string) (p, r, f float64) {
	if len(ref) == 0 || len(pred) == 0 {
		return 0, 0, 0
	}
	l := float64(lcsLen(ref, pred))
	p = l / float64(len(pred))
	r = l / float64(len(ref))
	if p+r == 0 {
		return p, r, 0
	}
	return p, r, 2 * p * r / (p + r)
}

// lcsLen is the length of the longest common subsequence of a and b, by
// the usual dynamic programme kept to two rows (O(|a|·|b|) time,
// O(|b|) memory).
func lcsLen(a, b []string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(cur[j], prev[j+1])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
