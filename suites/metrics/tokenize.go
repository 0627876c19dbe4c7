package metrics

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Tokenizer names a ROUGE tokenizer. The zero value is TokenizerDefault.
type Tokenizer string

// The ROUGE tokenizers. Their names are what a Score records.
const (
	// TokenizerDefault is rouge-score's default tokenizer (RougeTokens).
	// It drops every character outside [a-z0-9] after lower-casing, so
	// Chinese text yields no tokens at all.
	TokenizerDefault Tokenizer = "rouge-score"
	// TokenizerZhChar is the zh-char tokenizer (ZhCharTokens): every CJK
	// ideograph is a token of its own.
	TokenizerZhChar Tokenizer = "zh-char"
)

// ParseTokenizer maps a user-facing name to a Tokenizer: "default" and
// "rouge-score" name TokenizerDefault, "zh-char" names TokenizerZhChar.
func ParseTokenizer(name string) (Tokenizer, error) {
	switch name {
	case "default", string(TokenizerDefault):
		return TokenizerDefault, nil
	case string(TokenizerZhChar):
		return TokenizerZhChar, nil
	}
	return "", fmt.Errorf("unknown rouge tokenizer %q (known: default, rouge-score, zh-char)", name)
}

// RougeTokens is rouge-score's default tokenizer (tokenize.py, PyPI
// rouge-score 0.1.2):
//
//	text.lower()                       Python's full lower-casing (see pyLower)
//	re.sub("[^a-z0-9]+", " ", text)    every other character separates tokens
//	re.split(r"\s+", text)
//	stem tokens longer than 3 characters with PorterStem, if stem
//	keep tokens matching ^[a-z0-9]+$
//
// which comes down to: the maximal runs of [a-z0-9] in the lower-cased
// text, each stemmed when stem is set and it is longer than 3 bytes.
// Accented letters, ligatures, full-width letters and CJK are separators:
// "café" gives "caf", Chinese text gives nothing.
func RougeTokens(text string, stem bool) []string {
	toks := tokenize(text, false)
	if stem {
		stemTokens(toks)
	}
	return toks
}

// ZhCharTokens is the zh-char tokenizer, the LCSTS-paper style definition
// of the oracle vectors' char_level variant:
//
//	re.findall("[CJK]|[a-z0-9]+", text.lower())
//
// Every CJK ideograph (see IsHan; supplementary-plane ones such as U+20BB7
// included) is a token of its own, every maximal run of [a-z0-9] is a
// token, and everything else is dropped: punctuation, whitespace,
// full-width digits and letters, Kangxi radicals (U+2F00…), emoji.
func ZhCharTokens(text string) []string {
	return tokenize(text, true)
}

// stemTokens replaces each [a-z0-9] token longer than 3 characters by its
// Porter stem, as rouge-score does when use_stemmer is set. Ideograph
// tokens (zh-char) are left alone: the first byte tells them apart, and
// for ASCII tokens bytes are characters.
func stemTokens(toks []string) {
	for i, t := range toks {
		if len(t) > 3 && t[0] < utf8.RuneSelf {
			toks[i] = PorterStem(t)
		}
	}
}

// tokenize returns the maximal runs of [a-z0-9] of pyLower(text) and, when
// han is set, every ideograph as a token of its own, in text order.
//
// It lower-cases rune by rune instead of building the lower-cased string:
// for every rune r, pyLower(string(r)) contains [a-z0-9] only when r is
// ASCII (an ASCII letter or digit), U+0130 (→ "i" + U+0307) or U+212A
// KELVIN SIGN (→ "k"), and ideographs have no case. Invalid UTF-8 decodes
// to U+FFFD, a separator.
func tokenize(text string, han bool) []string {
	var out []string
	var run []byte // the current [a-z0-9] run; nil when outside one
	flush := func() {
		if len(run) > 0 {
			out = append(out, string(run))
			run = run[:0]
		}
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
				run = append(run, c)
			case c >= 'A' && c <= 'Z':
				run = append(run, c+('a'-'A'))
			default:
				flush()
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == '\u0130': // İ lowers to "i" + U+0307: ends the run after the "i"
			run = append(run, 'i')
			flush()
		case r == '\u212A': // KELVIN SIGN lowers to ASCII "k"
			run = append(run, 'k')
		case han && IsHan(r):
			flush()
			out = append(out, text[i:i+size])
		default:
			flush()
		}
		i += size
	}
	flush()
	return out
}

// IsHan reports whether r is a CJK ideograph as the zh-char tokenizer
// defines it: U+3400–4DBF (Extension A), U+4E00–9FFF (unified),
// U+F900–FAFF (compatibility), U+20000–2A6DF (B), U+2A700–2EBEF (C–F),
// U+30000–3134F (G). Radicals (U+2E80…, U+2F00…), 〇, CJK punctuation and
// full-width Latin are not.
func IsHan(r rune) bool {
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

// HasHan reports whether s contains an ideograph (IsHan): text that
// rouge-score's default tokenizer would silently drop and the zh-char
// tokenizer keeps.
func HasHan(s string) bool {
	return strings.IndexFunc(s, IsHan) >= 0
}
