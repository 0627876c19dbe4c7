package suites

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// numericScorer reads the final answer out of a worked solution and
// compares it numerically with the references. Binary.
//
// Where the answer is read, in order of preference:
//  1. after the last "####" (the GSM8K convention): the first number after it;
//  2. inside the last \boxed{…}: the first number (\frac{a}{b} reads as a/b);
//  3. after the last answer marker ("Answer:", "answer is", "Final answer:",
//     "答案：", "答案是", "答案为"): the first number after it;
//  4. otherwise the last number in the text.
//
// What counts as a number (see scanNumbers): ASCII digits after full-width
// forms are folded to ASCII ("４２" → "42", "－" → "-", "＄" → "$"); commas
// as thousands separators only in groups of three ("1,234", not "1,2");
// a decimal part ("42.0", ".5"); a simple fraction "3/4"; a minus sign
// ("-" or "−") directly before the digits or before a currency sign, unless
// it follows a letter or digit ("17-3" is 17 and 3, "-$12" is -12).
// Currency signs ($ ¥ € £) and a trailing % are ignored.
//
// Equality: |a-b| <= 1e-9·max(1,|b|) with b the reference, so 42.0 == 42.
// Extracted is the number as read (sign and digits, e.g. "-1,234.5" or
// "3/4"), or "[invalid]" when the output holds no number.
type numericScorer struct{}

const numericVersion = "1"

// invalidAnswer is Extracted when no number could be read.
const invalidAnswer = "[invalid]"

func (numericScorer) Name() string { return "numeric" }

func (numericScorer) Score(output string, c *Case) Score {
	s := Score{Scorer: "numeric", Binary: true, Version: numericVersion}
	got, ok := extractNumber(output)
	if !ok {
		s.Extracted = invalidAnswer
		return s
	}
	s.Extracted = got.text
	for _, ref := range c.References {
		want, err := parseReferenceNumber(ref)
		if err == nil && numbersEqual(got.value, want.value) {
			s.Value = 1
			break
		}
	}
	return s
}

// CheckCase refuses cases without a reference or with a reference that is
// not exactly one number: such a case could never be scored right.
func (numericScorer) CheckCase(c *Case) error {
	if err := needReference(c); err != nil {
		return err
	}
	for _, ref := range c.References {
		if _, err := parseReferenceNumber(ref); err != nil {
			return err
		}
	}
	return nil
}

func numbersEqual(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b))
}

// number is one number found in a (folded) text.
type number struct {
	text  string // sign and digits as written ("-1,234.5", "3/4")
	value float64
}

// answerMarker finds the phrases after which a model states its answer.
// The marker must end in a colon, "is", "=" or 是/为 so that prose such as
// "to answer this, 3 × 4" is not taken for one.
var answerMarker = regexp.MustCompile(`(?i)(?:\banswer[*_]*\s*(?:is\s*[:：]?|[:：=])|答案[*_]*\s*(?:是|为|[:：=]))`)

// extractNumber reads the final answer from a model's output.
func extractNumber(output string) (number, bool) {
	s := foldDigits(output)
	if i := strings.LastIndex(s, "####"); i >= 0 {
		if n, ok := firstNumber(s[i+4:]); ok {
			return n, true
		}
	}
	if content, ok := lastBoxed(s); ok {
		if n, ok := firstNumber(content); ok {
			return n, true
		}
	}
	if locs := answerMarker.FindAllStringIndex(s, -1); len(locs) > 0 {
		if n, ok := firstNumber(s[locs[len(locs)-1][1]:]); ok {
			return n, true
		}
	}
	all := scanNumbers(s)
	if len(all) == 0 {
		return number{}, false
	}
	return all[len(all)-1], true
}

// parseReferenceNumber reads a reference answer: it must hold exactly one
// number ("42", "$1,234", "3/4", "-0.5", "12%").
func parseReferenceNumber(ref string) (number, error) {
	all := scanNumbers(foldDigits(ref))
	switch len(all) {
	case 1:
		return all[0], nil
	case 0:
		return number{}, fmt.Errorf("reference %q is not a number: the numeric scorer needs a number such as 42, 3.5 or 3/4", ref)
	default:
		return number{}, fmt.Errorf("reference %q holds %d numbers: the numeric scorer needs exactly one", ref, len(all))
	}
}

func firstNumber(s string) (number, bool) {
	all := scanNumbers(s)
	if len(all) == 0 {
		return number{}, false
	}
	return all[0], true
}

// lastBoxed returns the content of the last \boxed{…}, with \frac{a}{b}
// (and \dfrac, \tfrac) rewritten to a/b and LaTeX's "{,}" to ",".
func lastBoxed(s string) (string, bool) {
	i := strings.LastIndex(s, `\boxed{`)
	if i < 0 {
		return "", false
	}
	start := i + len(`\boxed{`)
	depth := 1
	end := len(s)
	for j := start; j < len(s); j++ {
		switch s[j] {
		case '{':
			depth++
		case '}':
			depth--
		}
		if depth == 0 {
			end = j
			break
		}
	}
	content := strings.ReplaceAll(s[start:end], "{,}", ",")
	content = fracRe.ReplaceAllString(content, "${1}/${2}")
	return content, true
}

var fracRe = regexp.MustCompile(`\\[dt]?frac\{\s*(-?[0-9.]+)\s*\}\{\s*([0-9.]+)\s*\}`)

// foldDigits maps full-width digits and the full-width or typographic
// forms of the signs that matter to numbers to ASCII, one rune for one
// rune.
func foldDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		}
		switch r {
		case '．':
			return '.'
		case '－', '−':
			return '-'
		case '＄':
			return '$'
		case '￥':
			return '¥'
		case '％':
			return '%'
		case '／':
			return '/'
		case '＃':
			return '#'
		}
		return r
	}, s)
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// scanNumbers finds every number in s (already folded), left to right.
func scanNumbers(s string) []number {
	var out []number
	for i := 0; i < len(s); {
		c := s[i]
		startsDot := c == '.' && i+1 < len(s) && isDigit(s[i+1]) && (i == 0 || !isDigit(s[i-1]))
		if !isDigit(c) && !startsDot {
			i++
			continue
		}
		n, end := scanOne(s, i)
		out = append(out, n)
		i = end
	}
	return out
}

// scanOne reads the number whose first digit (or leading '.') is at i and
// returns it with the offset just past it.
func scanOne(s string, i int) (number, int) {
	k := i
	for k < len(s) && isDigit(s[k]) {
		k++
	}
	grouped := false
	if n := k - i; n >= 1 && n <= 3 {
		for k+3 < len(s) && s[k] == ',' && isDigit(s[k+1]) && isDigit(s[k+2]) && isDigit(s[k+3]) &&
			(k+4 == len(s) || !isDigit(s[k+4])) {
			k += 4
			grouped = true
		}
	}
	decimal := false
	if k+1 < len(s) && s[k] == '.' && isDigit(s[k+1]) {
		decimal = true
		k++
		for k < len(s) && isDigit(s[k]) {
			k++
		}
	}
	digits := strings.ReplaceAll(s[i:k], ",", "")
	value, _ := strconv.ParseFloat(digits, 64) // a range error leaves ±Inf, which equals nothing
	if !grouped && !decimal && k+1 < len(s) && s[k] == '/' && isDigit(s[k+1]) {
		d := k + 1
		for d < len(s) && isDigit(s[d]) {
			d++
		}
		den, _ := strconv.ParseFloat(s[k+1:d], 64)
		if den != 0 {
			value /= den
			k = d
		}
	}
	text := s[i:k]
	if negativeBefore(s, i) {
		value = -value
		text = "-" + text
	}
	return number{text: text, value: value}, k
}

// negativeBefore reports whether the number starting at i carries a minus
// sign: "-" directly before it or before its currency sign, where the "-"
// does not follow a letter or digit (that would be a subtraction or a
// hyphenated word).
func negativeBefore(s string, i int) bool {
	p := i
	if p > 0 && s[p-1] == '-' {
		return signStandsAlone(s, p-1)
	}
	r, size := utf8.DecodeLastRuneInString(s[:p])
	if size > 0 && isCurrency(r) {
		p -= size
		if p > 0 && s[p-1] == '-' {
			return signStandsAlone(s, p-1)
		}
	}
	return false
}

func signStandsAlone(s string, minus int) bool {
	if minus == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:minus])
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

func isCurrency(r rune) bool {
	switch r {
	case '$', '¥', '€', '£':
		return true
	}
	return false
}

var errNoReference = errors.New(`no reference: add "reference" (a string) or "references" (a list of strings)`)
