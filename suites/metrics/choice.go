package metrics

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ExtractChoice reads which option a model chose in a multiple-choice
// answer, in English or Chinese. Options are lettered A, B, … up to n
// (n is clamped to 2..26; A–D is n = 4); a letter beyond them is never
// taken. It returns the upper-case letter, or "" when the output names
// no option.
//
// Tiers, strongest first; within a tier the last occurrence wins (a model
// that corrects itself ends with its final choice):
//
//  1. an answer marker followed by a letter: "answer is", "answer:",
//     "answer =", "answer would/should/will/must be" (any case, an optional
//     "option"/"choice" and brackets in between: "The answer is (A).",
//     "Answer: d", "**Final answer:** C"), "答案是/为/：/选 B" with optional
//     正确/应该/应/就 ("正确答案：B", "答案应该是C"), and "选C"/"选择C"
//     (not 选项, which is tier 2);
//  2. an option word followed by a letter: "option C", "choice (B)",
//     "选项C", "I choose/pick/select B";
//  3. a line that is only a letter, possibly bracketed or emphasised and
//     followed by ".", ")", ":" or "、" ("B", "(C)", "**D**", "b)");
//  4. a line that starts with a letter and a separator, then the option's
//     text ("B. Paris", "(C) 42", "D) none");
//  5. the last standalone capital letter: not touching another Latin
//     letter, a digit or an apostrophe, not a dotted abbreviation ("U.S."),
//     and not the English article "A" or pronoun "I" (a capital A or I
//     followed by a space and a lower-case word other than "is", "and",
//     "or", as in "A cat is ...").
//
// After a marker (tiers 1–2) a lower-case letter counts only when it does
// not start a word ("the answer is a cat" is no choice; "answer: d" is).
// Full-width letters, brackets and colons are read as their ASCII forms.
func ExtractChoice(output string, n int) string {
	n = max(2, min(n, 26))
	s := choiceFold(output)
	for _, tier := range [][]*regexp.Regexp{choiceAnswerMarkers, choiceOptionMarkers} {
		if l := choiceAfterMarkers(s, tier, n); l != "" {
			return l
		}
	}
	lines := strings.Split(s, "\n")
	for _, re := range []*regexp.Regexp{choiceBareLine, choiceOptionLine} {
		for i := len(lines) - 1; i >= 0; i-- {
			if m := re.FindStringSubmatch(lines[i]); m != nil {
				if l := choiceLetter(m[1], n); l != "" {
					return l
				}
			}
		}
	}
	return choiceStandalone(s, n)
}

// choiceFold maps the full-width forms of letters and of the punctuation
// around them to ASCII and "\r\n" to "\n".
func choiceFold(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'Ａ' && r <= 'Ｚ':
			return 'A' + (r - 'Ａ')
		case r >= 'ａ' && r <= 'ｚ':
			return 'a' + (r - 'ａ')
		}
		switch r {
		case '（':
			return '('
		case '）':
			return ')'
		case '［', '【':
			return '['
		case '］', '】':
			return ']'
		case '：':
			return ':'
		case '．':
			return '.'
		case '\r':
			return '\n'
		}
		return r
	}, s)
}

// The letter is captured as group 1 and checked by choiceAfterMarkers.
// Between marker and letter: spaces, markdown emphasis, colons, an
// opening bracket.
const choiceGap = `[\s*_:]*(?:(?i:option|choice|letter)\s*)?[\s*_:]*[(\[]?\s*`

var (
	choiceAnswerMarkers = []*regexp.Regexp{
		regexp.MustCompile(`(?i)\banswer[*_]*\s*(?:is|[:=]|(?:would|should|will|must|shall|might)\s+be)` + choiceGap + `([A-Za-z])`),
		regexp.MustCompile(`答案[*_]*\s*(?:应该|应当|应|就|也)?\s*(?:是|为|选|[:=])\s*(?:选项)?` + choiceGap + `([A-Za-z])`),
		regexp.MustCompile(`选(?:择)?\s*[:]?\s*[(\[]?\s*([A-Za-z])`),
	}
	choiceOptionMarkers = []*regexp.Regexp{
		regexp.MustCompile(`(?i)\b(?:option|choice)\s*(?:is\s*)?[:]?\s*[(\[]?\s*([A-Za-z])`),
		regexp.MustCompile(`选项\s*(?:是|为)?\s*[:]?\s*[(\[]?\s*([A-Za-z])`),
		regexp.MustCompile(`(?i)\bI(?:'d|'ll| would| will)?\s+(?:choose|pick|select|go with)\s+(?:option\s+)?[(\[]?\s*([A-Za-z])`),
	}
	// A line holding only a letter: "B", "(C)", "**D.**", "# b)".
	choiceBareLine = regexp.MustCompile(`^[\s*_#>]*[(\[]?\s*([A-Za-z])\s*[)\].:、]?[\s*_.]*$`)
	// A line starting with a capital letter and a separator, then text:
	// "B. Paris", "(C) 42", "- D) none".
	choiceOptionLine = regexp.MustCompile(`^[\s*_#>-]*[(\[]?\s*([A-Z])\s*[)\].:、][\s*_]*\S`)
)

// choiceLetter returns l upper-cased if it names one of the first n
// options, else "".
func choiceLetter(l string, n int) string {
	if len(l) != 1 {
		return ""
	}
	c := l[0]
	if c >= 'a' && c <= 'z' {
		c -= 'a' - 'A'
	}
	if c < 'A' || int(c-'A') >= n {
		return ""
	}
	return string(c)
}

// choiceAfterMarkers returns the letter of the last valid marker match
// of any of the tier's patterns, or "".
func choiceAfterMarkers(s string, tier []*regexp.Regexp, n int) string {
	best, bestAt := "", -1
	for _, re := range tier {
		for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
			at := m[2]
			if at <= bestAt {
				continue
			}
			if l := choiceLetter(s[at:m[3]], n); l != "" && choiceEndsWord(s, at) {
				best, bestAt = l, at
			}
		}
	}
	return best
}

// choiceEndsWord reports whether the letter at byte i stands alone after a
// marker: not followed by a Latin letter, digit or apostrophe and, when
// lower-case, not by a space and another word ("the answer is a cat").
func choiceEndsWord(s string, i int) bool {
	rest := s[i+1:]
	r, _ := utf8.DecodeRuneInString(rest)
	if choiceIsLatinAlnum(r) || choiceIsApostrophe(r) {
		return false
	}
	if s[i] >= 'a' && s[i] <= 'z' {
		if t := strings.TrimLeft(rest, " \t"); len(t) < len(rest) && t != "" {
			r, _ := utf8.DecodeRuneInString(t)
			if unicode.IsLetter(r) {
				return false
			}
		}
	}
	return true
}

func choiceIsLatinAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

func choiceIsApostrophe(r rune) bool { return r == '\'' || r == '’' }

// choiceStandalone is tier 5: the last capital option letter standing
// alone (see ExtractChoice), or "".
func choiceStandalone(s string, n int) string {
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if c < 'A' || c > 'Z' || int(c-'A') >= n {
			continue
		}
		prev, _ := utf8.DecodeLastRuneInString(s[:i])
		next, _ := utf8.DecodeRuneInString(s[i+1:])
		if choiceIsLatinAlnum(prev) || choiceIsApostrophe(prev) || choiceIsLatinAlnum(next) || choiceIsApostrophe(next) {
			continue
		}
		// Dotted abbreviations: "U.S.", "e.g. A.M."
		if next == '.' && i+2 < len(s) && choiceIsLatinAlnum(rune(s[i+2])) {
			continue
		}
		if prev == '.' && i >= 2 && choiceIsLatinAlnum(rune(s[i-2])) {
			continue
		}
		if (c == 'A' || c == 'I') && choiceIsWord(s[i+1:]) {
			continue
		}
		return string(c)
	}
	return ""
}

// choiceIsWord reports whether rest (the text after a capital A or I)
// makes it the English article or pronoun: spaces, then a lower-case word
// other than "is", "and" or "or".
func choiceIsWord(rest string) bool {
	t := strings.TrimLeft(rest, " ")
	if len(t) == len(rest) || t == "" || t[0] < 'a' || t[0] > 'z' {
		return false
	}
	end := 0
	for end < len(t) && t[end] >= 'a' && t[end] <= 'z' {
		end++
	}
	switch t[:end] {
	case "is", "and", "or":
		return false
	}
	return true
}
