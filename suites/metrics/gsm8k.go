package metrics

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// GSM8K answer extraction and scoring exactly as EleutherAI
// lm-evaluation-harness task "gsm8k" v3.0 does it (commit 4e7e0d47,
// lm_eval/tasks/gsm8k/gsm8k.yaml with RegexFilter, take_first and
// exact_match_hf_evaluate), quirks included. These functions are for
// parity with published lm-eval numbers; they read "42.0" as wrong against
// 42 and "$1,170" after "####" as no answer, as lm-eval does. llmbench's
// recommended scorer for numeric answers is the suites "numeric" scorer.
//
// The pipeline per model output:
//
//  1. until: the generation ends at the earliest "Question:", "</s>" or
//     "<|im_end|>" (exact, case-sensitive; GSM8KCut). In lm-eval the backend
//     stops there; llmbench's providers may not, so the functions below cut.
//  2. RegexFilter: re.findall of the mode's pattern; no match gives
//     "[invalid]"; otherwise take the match at group_select (0 = first,
//     -1 = last); a match of a pattern with several groups is the tuple of
//     groups, of which the first non-empty one is kept ("[invalid]" if all
//     are empty); then Python str.strip().
//  3. take_first: lm-eval generates one answer per question; nothing to do.
//
// The patterns are Python's, and compile unchanged in Go's regexp: both are
// leftmost-first, [0-9] is ASCII in both (full-width "１８" never matches),
// and "." excludes "\n" in both.

// GSM8KInvalid is what the filters return when nothing matched.
const GSM8KInvalid = "[invalid]"

// gsm8kUntil are gsm8k.yaml's generation_kwargs.until strings.
var gsm8kUntil = []string{"Question:", "</s>", "<|im_end|>"}

var (
	// strict-match: `#### (\-?[0-9\.\,]+)`, group_select 0 (first match).
	gsm8kStrictRe = regexp.MustCompile(`#### (\-?[0-9\.\,]+)`)
	// flexible-extract: `(-?[$0-9.,]{2,})|(-?[0-9]+)`, group_select -1
	// (last match). It happily returns "...", "$1,170", "-3" from "17-3"
	// and "00" from "2:00".
	gsm8kFlexibleRe = regexp.MustCompile(`(-?[$0-9.,]{2,})|(-?[0-9]+)`)
	// gsm8k-cot's strict-match: `The answer is (\-?[0-9\.\,]+).`, first
	// match. The final "." is unescaped and needs one more character, so
	// "The answer is 12" at the very end of the text yields "1".
	gsm8kCoTStrictRe = regexp.MustCompile(`The answer is (\-?[0-9\.\,]+).`)
)

// GSM8KCut returns output up to the earliest occurrence of any of lm-eval
// gsm8k's stop strings ("Question:", "</s>", "<|im_end|>"), or all of it.
func GSM8KCut(output string) string {
	end := len(output)
	for _, stop := range gsm8kUntil {
		if i := strings.Index(output, stop); i >= 0 && i < end {
			end = i
		}
	}
	return output[:end]
}

// GSM8KStrict is lm-eval gsm8k's "strict-match" filter applied to output
// after GSM8KCut: the number after the first "#### ", as written
// ("64,800", "623.", "-1"), or GSM8KInvalid.
func GSM8KStrict(output string) string {
	return gsm8kFilter(gsm8kStrictRe, 0, GSM8KCut(output))
}

// GSM8KFlexible is lm-eval gsm8k's "flexible-extract" filter applied to
// output after GSM8KCut: the last run of at least two characters of
// [-$0-9.,] or else of a bare digit run, as written, or GSM8KInvalid.
func GSM8KFlexible(output string) string {
	return gsm8kFilter(gsm8kFlexibleRe, -1, GSM8KCut(output))
}

// GSM8KCoTStrict is the strict-match filter of lm-eval's gsm8k-cot and
// gsm8k-cot-zeroshot tasks ("The answer is N." with an unescaped final
// dot), applied to output after GSM8KCut (gsm8k's stop strings; the cot
// tasks stop at other strings too, which this does not model).
func GSM8KCoTStrict(output string) string {
	return gsm8kFilter(gsm8kCoTStrictRe, 0, GSM8KCut(output))
}

// gsm8kFilter is RegexFilter.apply for one response.
func gsm8kFilter(re *regexp.Regexp, groupSelect int, s string) string {
	matches := re.FindAllStringSubmatch(s, -1)
	if len(matches) == 0 {
		return GSM8KInvalid
	}
	i := groupSelect
	if i < 0 {
		i += len(matches) // Python's negative index
	}
	m := matches[i]
	var match string
	switch re.NumSubexp() {
	case 0: // findall returns the whole match
		match = m[0]
	case 1: // findall returns the group, possibly ""
		match = m[1]
	default: // findall returns a tuple: keep its first non-empty group
		match = GSM8KInvalid
		for _, g := range m[1:] {
			if g != "" {
				match = g
				break
			}
		}
	}
	return strings.TrimFunc(match, gsm8kIsPySpace)
}

// GSM8KExactMatch is lm-eval gsm8k's exact_match metric for one answer:
// extracted is a filter's output and reference is the GSM8K "answer" field
// (lm-eval's target is the whole field, worked solution and all) or just
// the text after its last "#### "; both normalise the same. True when
// GSM8KNormalise gives the same string for both.
func GSM8KExactMatch(extracted, reference string) bool {
	return GSM8KNormalise(extracted) == GSM8KNormalise(reference)
}

var (
	// regexes_to_ignore, applied in this order with re.sub. The third
	// removes everything up to the last "#### " ((?s): "." spans lines).
	gsm8kIgnoreUpToHashes = regexp.MustCompile(`(?s).*#### `)
	// `\.$`: Python's "$" without MULTILINE matches at the end and also
	// just before a final "\n", which Go's "$" does not; the optional
	// newline is captured and put back.
	gsm8kIgnoreFinalDot = regexp.MustCompile(`\.(\n?)$`)
)

// GSM8KNormalise is what exact_match_hf_evaluate does to both sides before
// comparing them, with gsm8k.yaml's options (regexes_to_ignore [",", "\$",
// "(?s).*#### ", "\.$"], ignore_case true, ignore_punctuation false):
//
//  1. delete every ",", then every "$", then everything up to the last
//     "#### ", then one "." at the end (or before a final "\n");
//  2. lower-case as Python's str.lower() does (see pyStrLower).
//
// Each regex step builds a NumPy string array, whose fixed-width unicode
// dtype drops trailing NUL characters, so those are trimmed after each
// step too. Nothing else is normalised: "460.0" stays "460.0", "75.." ends
// as "75." and "0.50" is not "0.5".
func GSM8KNormalise(s string) string {
	s = strings.TrimRight(strings.ReplaceAll(s, ",", ""), "\x00")
	s = strings.TrimRight(strings.ReplaceAll(s, "$", ""), "\x00")
	s = strings.TrimRight(gsm8kIgnoreUpToHashes.ReplaceAllString(s, ""), "\x00")
	s = strings.TrimRight(gsm8kIgnoreFinalDot.ReplaceAllString(s, "${1}"), "\x00")
	return pyStrLower(s)
}

// gsm8kIsPySpace reports whether Python's str.strip() strips r: Unicode
// White_Space plus U+001C..U+001F (which Go's unicode.IsSpace omits).
func gsm8kIsPySpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// pyStrLower lower-cases as Python's str.lower() does. Go's
// strings.ToLower applies the simple one-rune mappings; Python applies the
// full ones, which differ in two places: U+0130 (İ) becomes "i" + U+0307
// COMBINING DOT ABOVE, and a capital sigma becomes final sigma "ς" when it
// ends a word (preceded by a cased letter and not followed by one,
// skipping case-ignorable characters), otherwise "σ".
func pyStrLower(s string) string {
	if !strings.ContainsRune(s, 'İ') && !strings.ContainsRune(s, 'Σ') {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	for i, r := range s {
		switch r {
		case 'İ':
			b.WriteString("i\u0307")
		case 'Σ':
			if gsm8kFinalSigma(s, i) {
				b.WriteRune('ς')
			} else {
				b.WriteRune('σ')
			}
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// gsm8kFinalSigma is Unicode's Final_Sigma condition for the Σ at byte i,
// as CPython implements it: a cased letter before it and none after it,
// skipping case-ignorable characters on both sides.
func gsm8kFinalSigma(s string, i int) bool {
	before := false
	for j := i; j > 0; {
		r, size := utf8.DecodeLastRuneInString(s[:j])
		j -= size
		if gsm8kCaseIgnorable(r) {
			continue
		}
		before = gsm8kCased(r)
		break
	}
	if !before {
		return false
	}
	for j := i + len("Σ"); j < len(s); {
		r, size := utf8.DecodeRuneInString(s[j:])
		j += size
		if gsm8kCaseIgnorable(r) {
			continue
		}
		return !gsm8kCased(r)
	}
	return true
}

// gsm8kCased approximates Unicode's Cased property: letters with case.
func gsm8kCased(r rune) bool {
	return unicode.In(r, unicode.Lu, unicode.Ll, unicode.Lt) || unicode.Is(unicode.Other_Lowercase, r) || unicode.Is(unicode.Other_Uppercase, r)
}

// gsm8kCaseIgnorable approximates Unicode's Case_Ignorable property:
// nonspacing and enclosing marks, format characters, modifier letters and
// symbols, and the word-internal apostrophes and dots.
func gsm8kCaseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', '^', '`', '\u00b7', '\u2018', '\u2019', '\u2024', '\ufe52', '\uff07', '\uff0e':
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}
