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
// compares it numerically with the references. Binary. It is llmbench's
// recommended scorer for numeric answers: unlike lm-eval's GSM8K filters
// (the gsm8k-strict and gsm8k-flexible scorers) it reads "42.0", "$1,170",
// "４２", "2:00 hours" and "72 000" as the numbers they are.
//
// First the output is cut where the answer has certainly ended:
//   - at the first end-of-sequence marker a model may leak as text
//     ("</s>", "<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<|end|>");
//   - at the first line starting with "Question:" that follows a stated
//     answer (a "####", a \boxed{} or an answer marker with a number): the
//     model has gone on to invent the next few-shot question. A
//     "Question:" before any answer (a model restating the question) is
//     kept.
//
// Where the answer is read, in order of preference:
//  1. after the last "####" (the GSM8K convention): the first number after it;
//  2. inside the last \boxed{…}: the first number (\frac{a}{b} reads as a/b);
//  3. after the last answer marker ("Answer:", "answer is", "Final answer:",
//     "答案：", "答案是", "答案为", "答案应该是"): the first number after it;
//  4. otherwise the last number in the text.
//
// What counts as a number (see scanNumbers); full-width digits and signs
// are first folded to ASCII ("４２" → "42", "－" → "-", "＄" → "$"):
//   - digits with commas as thousands separators, only in groups of three
//     ("1,234"; "1,2,3" is a list);
//   - in an answer position (1–3 above, and a reference) also a space as
//     thousands separator ("#### 72 000"); a no-break, narrow no-break or
//     thin space (U+00A0, U+202F, U+2009) anywhere;
//   - a decimal part with "." ("42.0", ".5"), or with "," when one or two
//     digits follow and the comma is not part of a list ("133,00", "2,5";
//     "1.234,56" is 1234.56);
//   - a simple fraction "3/4" (0.75), a clock time "h:mm" (hours plus
//     minutes/60, so "2:00 hours" is 2 and "1:30" is 1.5);
//   - a minus sign ("-" or "−") directly before the digits or before a
//     currency sign, unless it follows a letter or digit ("17-3" is 17 and
//     3, "-$12" is -12);
//   - a trailing "%" (or " %"), which marks the number as a percentage.
//
// Currency signs ($ ¥ € £) are ignored.
//
// Equality: |a-b| <= 1e-9·max(1,|b|) with b the reference, so 42.0 == 42
// and 0.50 == 0.5. A percentage equals a number of the same value ("12%"
// and "12", as GSM8K writes percentages) and, when only one side is a
// percentage, the other side's value as a fraction ("12%" and "0.12").
// Extracted is the number as written (sign, digits and separators,
// "%": "-1,234.5", "3/4", "72 000", "12%"), or "[invalid]" when the output
// holds no number.
type numericScorer struct{}

const numericVersion = "2"

// invalidAnswer is Extracted when no answer could be read.
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
		if err == nil && numbersMatch(got, want) {
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

var (
	_ Scorer      = numericScorer{}
	_ CaseChecker = numericScorer{}
)

func numbersEqual(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b))
}

// numbersMatch compares an extracted number with a reference (see
// numericScorer for the rule on percentages).
func numbersMatch(got, want number) bool {
	if numbersEqual(got.value, want.value) {
		return true
	}
	switch {
	case got.percent && !want.percent:
		return numbersEqual(got.value/100, want.value)
	case want.percent && !got.percent:
		return numbersEqual(got.value, want.value/100)
	}
	return false
}

// number is one number found in a (folded) text.
type number struct {
	text    string // as written ("-1,234.5", "3/4", "12%")
	value   float64
	percent bool // written with a trailing %
}

// answerMarker finds the phrases after which a model states its answer.
// The marker must end in a colon, "is", "=" or 是/为 so that prose such as
// "to answer this, 3 × 4" is not taken for one.
var answerMarker = regexp.MustCompile(`(?i)(?:\banswer[*_]*\s*(?:is\s*[:：]?|[:：=])|答案[*_]*\s*(?:应该|应当|应|就)?\s*(?:是|为|[:：=]))`)

// endOfSequence are the end markers models leak into their text; nothing
// after one is part of the answer.
var endOfSequence = []string{"</s>", "<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<|end|>"}

// extractNumber reads the final answer from a model's output.
func extractNumber(output string) (number, bool) {
	s := cutContinuation(foldDigits(output))
	if n, ok := statedAnswer(s); ok {
		return n, true
	}
	all := scanNumbers(s, false)
	if len(all) == 0 {
		return number{}, false
	}
	return all[len(all)-1], true
}

// statedAnswer is where-to-read steps 1–3 of numericScorer: a number the
// model marked as its answer.
func statedAnswer(s string) (number, bool) {
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
	return number{}, false
}

// cutContinuation drops what follows the answer (see numericScorer): the
// text from the first end-of-sequence marker, and from the first line
// starting with "Question:" that comes after a stated answer.
func cutContinuation(s string) string {
	for _, eos := range endOfSequence {
		if i := strings.Index(s, eos); i >= 0 {
			s = s[:i]
		}
	}
	for from := 0; ; {
		j := strings.Index(s[from:], "Question:")
		if j < 0 {
			return s
		}
		i := from + j
		lineStart := strings.TrimRight(s[:i], " \t")
		if strings.HasSuffix(lineStart, "\n") {
			if _, ok := statedAnswer(s[:i]); ok {
				return s[:i]
			}
		}
		from = i + len("Question:")
	}
}

// parseReferenceNumber reads a reference answer: it must hold exactly one
// number ("42", "$1,234", "3/4", "-0.5", "12%", "72 000").
func parseReferenceNumber(ref string) (number, error) {
	all := scanNumbers(foldDigits(ref), true)
	switch len(all) {
	case 1:
		return all[0], nil
	case 0:
		return number{}, fmt.Errorf("reference %q is not a number: the numeric scorer needs a number such as 42, 3.5 or 3/4", ref)
	default:
		return number{}, fmt.Errorf("reference %q holds %d numbers: the numeric scorer needs exactly one", ref, len(all))
	}
}

// firstNumber is the first number of an answer position.
func firstNumber(s string) (number, bool) {
	all := scanNumbers(s, true)
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
		case '：':
			return ':'
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

// digitsAt is the number of ASCII digits starting at s[i].
func digitsAt(s string, i int) int {
	k := i
	for k < len(s) && isDigit(s[k]) {
		k++
	}
	return k - i
}

// scanNumbers finds every number in s (already folded), left to right.
// answer allows a plain space as thousands separator.
func scanNumbers(s string, answer bool) []number {
	var out []number
	for i := 0; i < len(s); {
		c := s[i]
		startsDot := c == '.' && i+1 < len(s) && isDigit(s[i+1]) && (i == 0 || !isDigit(s[i-1]))
		if !isDigit(c) && !startsDot {
			i++
			continue
		}
		n, end := scanOne(s, i, answer)
		out = append(out, n)
		i = end
	}
	return out
}

// groupSeparator returns the byte width of a thousands separator at s[k],
// or 0: a comma, a no-break, narrow no-break or thin space, and in an
// answer position a plain space.
func groupSeparator(s string, k int, sep byte, answer bool) int {
	if k >= len(s) {
		return 0
	}
	if sep == ',' {
		if s[k] == ',' {
			return 1
		}
		return 0
	}
	if s[k] == ' ' {
		if answer {
			return 1
		}
		return 0
	}
	r, size := utf8.DecodeRuneInString(s[k:])
	switch r {
	case '\u00a0', '\u202f', '\u2009':
		return size
	}
	return 0
}

// scanGroups reads thousands groups after the integer digits ending at k:
// each a separator and exactly three digits not followed by another
// digit. sep is ',' or ' ' (the space-like separators). It returns the new
// end, or k when there are none.
func scanGroups(s string, k int, sep byte, answer bool) int {
	for {
		w := groupSeparator(s, k, sep, answer)
		if w == 0 || digitsAt(s, k+w) != 3 {
			return k
		}
		next := k + w + 3
		if sep == ' ' && next < len(s) && s[next] == '-' { // "2 100-metre laps"
			return k
		}
		k = next
	}
}

// scanOne reads the number whose first digit (or leading '.') is at i and
// returns it with the offset just past it.
func scanOne(s string, i int, answer bool) (number, int) {
	intDigits := digitsAt(s, i)
	k := i + intDigits
	var value float64
	if v, end, ok := scanClock(s, i, intDigits); ok {
		value, k = v, end
	} else {
		// The integer part ends at intEnd (after any thousands groups); a
		// decimal part, if any, is s[fracStart:k].
		intEnd, fracStart := k, -1
		if intDigits >= 1 && intDigits <= 3 {
			if end, comma, ok := scanEuropean(s, k); ok { // 1.234,56
				intEnd, fracStart, k = comma, comma+1, end
			} else if end := scanGroups(s, k, ',', answer); end > k {
				intEnd, k = end, end
			} else if end := scanGroups(s, k, ' ', answer); end > k {
				intEnd, k = end, end
			}
		}
		grouped := intEnd > i+intDigits
		switch {
		case fracStart >= 0:
		case k+1 < len(s) && s[k] == '.' && isDigit(s[k+1]):
			fracStart = k + 1
			k = fracStart + digitsAt(s, fracStart)
		case !grouped && decimalComma(s, i, k):
			fracStart = k + 1
			k = fracStart + digitsAt(s, fracStart)
		}
		digits := onlyDigits(s[i:intEnd])
		if fracStart >= 0 {
			digits += "." + s[fracStart:k]
		}
		value, _ = strconv.ParseFloat(digits, 64) // a range error leaves ±Inf, which equals nothing
		if !grouped && fracStart < 0 && k+1 < len(s) && s[k] == '/' && isDigit(s[k+1]) {
			d := k + 1 + digitsAt(s, k+1)
			den, _ := strconv.ParseFloat(s[k+1:d], 64)
			if den != 0 {
				value /= den
				k = d
			}
		}
	}
	percent := false
	if k < len(s) && s[k] == '%' {
		percent, k = true, k+1
	} else if k+1 < len(s) && s[k] == ' ' && s[k+1] == '%' {
		percent, k = true, k+2
	}
	text := s[i:k]
	if negativeBefore(s, i) {
		value = -value
		text = "-" + text
	}
	return number{text: text, value: value, percent: percent}, k
}

// onlyDigits drops the thousands separators from an integer part.
func onlyDigits(t string) string {
	var b strings.Builder
	for j := 0; j < len(t); j++ {
		if isDigit(t[j]) {
			b.WriteByte(t[j])
		}
	}
	return b.String()
}

// scanClock reads "h:mm" (1–2 digit hours, minutes 00–59) starting at i,
// when it is not part of a longer "h:mm:ss" or a run of colons.
func scanClock(s string, i, intDigits int) (float64, int, bool) {
	if intDigits < 1 || intDigits > 2 {
		return 0, 0, false
	}
	if i >= 2 && s[i-1] == ':' && isDigit(s[i-2]) {
		return 0, 0, false
	}
	k := i + intDigits
	if k >= len(s) || s[k] != ':' || digitsAt(s, k+1) != 2 {
		return 0, 0, false
	}
	end := k + 3
	if end+1 < len(s) && s[end] == ':' && isDigit(s[end+1]) {
		return 0, 0, false
	}
	h, _ := strconv.Atoi(s[i:k])
	m, _ := strconv.Atoi(s[k+1 : end])
	if m >= 60 {
		return 0, 0, false
	}
	return float64(h) + float64(m)/60, end, true
}

// scanEuropean reads ".ddd" groups followed by ",d" or ",dd" (1.234,56)
// after the integer digits ending at k; it returns the end and the
// comma's offset.
func scanEuropean(s string, k int) (end, comma int, ok bool) {
	j := k
	for j+3 < len(s) && s[j] == '.' && digitsAt(s, j+1) == 3 {
		j += 4
	}
	if j == k || j >= len(s) || s[j] != ',' {
		return 0, 0, false
	}
	d := digitsAt(s, j+1)
	if d < 1 || d > 2 || (j+1+d < len(s) && s[j+1+d] == ',' && digitsAt(s, j+2+d) > 0) {
		return 0, 0, false
	}
	return j + 1 + d, j, true
}

// decimalComma reports whether the comma at s[k] after the integer digits
// s[i:k] is a decimal comma: one or two digits follow it and the number is
// not an item of a comma-separated list of numbers ("1,2,3").
func decimalComma(s string, i, k int) bool {
	if k >= len(s) || s[k] != ',' {
		return false
	}
	d := digitsAt(s, k+1)
	if d < 1 || d > 2 {
		return false
	}
	end := k + 1 + d
	if end+1 < len(s) && s[end] == ',' && isDigit(s[end+1]) {
		return false
	}
	if i >= 2 && s[i-1] == ',' && isDigit(s[i-2]) {
		return false
	}
	return true
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
