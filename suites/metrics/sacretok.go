package metrics

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// sacreBLEU's BLEU tokenizers, by the names sacreBLEU gives them
// (sacrebleu --tokenize / BLEU(tokenize=...)).
const (
	// BLEUTok13a is mteval-v13a.pl's tokenizer, sacreBLEU's default.
	BLEUTok13a = "13a"
	// BLEUTokZh isolates Chinese characters, then tokenizes the rest like 13a.
	BLEUTokZh = "zh"
	// BLEUTokChar makes every character a token.
	BLEUTokChar = "char"
	// BLEUTokNone splits on whitespace only.
	BLEUTokNone = "none"
)

// BLEUTokenizers lists the tokenizer names SacreTokenize and BLEU accept.
var BLEUTokenizers = []string{BLEUTok13a, BLEUTokZh, BLEUTokChar, BLEUTokNone}

// SacreTokenize applies the sacreBLEU tokenizer named tok ("" means 13a) to
// line and returns what that tokenizer's __call__ returns: the tokens
// joined by single spaces. It does not apply the rstrip and optional
// lower-casing that BLEU does before tokenizing.
func SacreTokenize(tok, line string) (string, error) {
	switch tok {
	case "", BLEUTok13a:
		return Tokenize13a(line), nil
	case BLEUTokZh:
		return TokenizeZh(line), nil
	case BLEUTokChar:
		return TokenizeChar(line), nil
	case BLEUTokNone:
		return line, nil
	}
	return "", unknownSacreTokenizer(tok)
}

func unknownSacreTokenizer(tok string) error {
	return fmt.Errorf("unknown BLEU tokenizer %q (known: %s)", tok, strings.Join(BLEUTokenizers, ", "))
}

// sacreTokens returns the tokens BLEU counts for line: the tokenizer's
// output split on whitespace (sacreBLEU's extract_all_word_ngrams does
// line.split()).
func sacreTokens(tok, line string) []string {
	switch tok {
	case BLEUTokZh:
		return sacreZhTokens(line)
	case BLEUTokChar:
		return sacreCharTokens(line)
	case BLEUTokNone:
		return sacreFields(line)
	}
	return sacre13aTokens(line)
}

// Tokenize13a is sacreBLEU's Tokenizer13a (mteval-v13a.pl):
//
//  1. delete "<skipped>", delete "-\n", replace "\n" by " ";
//  2. if the line contains "&": &quot; → ", then &amp; → &, then &lt; → <,
//     then &gt; → > (in that order, so "&amp;lt;" becomes "&lt;");
//  3. pad with one space on each side;
//  4. TokenizerRegexp: apply in order, each over the whole line,
//     ([\{-\~\[-\` -\&\(-\+\:-\@\/]) → " \1 "   (isolate ASCII symbols)
//     ([^0-9])([\.,])                 → "\1 \2 " (. and , unless after a digit)
//     ([\.,])([^0-9])                 → " \1 \2" (. and , unless before a digit)
//     ([0-9])(-)                      → "\1 \2 " (- after a digit)
//     then collapse whitespace (Python's split/join).
//
// The regex passes are written out as byte loops (see sacrePass1…4): every
// character they look at is ASCII and [^0-9] takes any other byte, so a
// byte loop makes the same leftmost, non-overlapping matches as the regex
// on code points; FuzzTokenize13a checks this against the regexes.
func Tokenize13a(line string) string { return strings.Join(sacre13aTokens(line), " ") }

func sacre13aTokens(line string) []string {
	line = strings.ReplaceAll(line, "<skipped>", "")
	line = strings.ReplaceAll(line, "-\n", "")
	line = strings.ReplaceAll(line, "\n", " ")
	if strings.Contains(line, "&") {
		line = strings.ReplaceAll(line, "&quot;", `"`)
		line = strings.ReplaceAll(line, "&amp;", "&")
		line = strings.ReplaceAll(line, "&lt;", "<")
		line = strings.ReplaceAll(line, "&gt;", ">")
	}
	return sacreRegexpTokens(" " + line + " ")
}

// TokenizeZh is sacreBLEU's TokenizerZh: strip the line, put a space on
// each side of every "Chinese" character (isSacreChinese), then apply
// TokenizerRegexp (step 4 of Tokenize13a; no <skipped>, newline or entity
// handling and no padding).
func TokenizeZh(line string) string { return strings.Join(sacreZhTokens(line), " ") }

func sacreZhTokens(line string) []string {
	line = sacreStrip(line)
	var b strings.Builder
	b.Grow(len(line) + len(line)/2)
	for i, r := range line {
		if isSacreChinese(r) {
			b.WriteByte(' ')
			b.WriteRune(r)
			b.WriteByte(' ')
			continue
		}
		_, size := utf8.DecodeRuneInString(line[i:])
		b.WriteString(line[i : i+size])
	}
	return sacreRegexpTokens(b.String())
}

// TokenizeChar is sacreBLEU's TokenizerChar: every character (code point)
// is a token; whitespace characters vanish when BLEU splits the result.
func TokenizeChar(line string) string { return strings.Join(sacreCharTokens(line), " ") }

func sacreCharTokens(line string) []string {
	out := make([]string, 0, len(line))
	for i, r := range line {
		if sacreIsSpace(r) {
			continue
		}
		_, size := utf8.DecodeRuneInString(line[i:])
		out = append(out, line[i:i+size])
	}
	return out
}

// isSacreChinese is TokenizerZh._is_chinese_char as it really behaves.
// sacreBLEU lists its ranges as pairs of one-character strings compared
// with <=, but two entries are written '\u20000'–'\u2a6d6' and
// '\u2f800'–'\u2fa1d', which Python reads as two-character strings
// ("\u2000"+"0" …). A single character c satisfies "\u2000"+"0" <= c <=
// "\u2a6d"+"6" exactly when U+2001 <= c <= U+2A6D, so that entry covers
// general punctuation (curly quotes, —, …), currency signs, arrows, maths
// and dingbats, and supplementary-plane ideographs (U+20000+) are never
// isolated. Merged, the effective set is below.
func isSacreChinese(r rune) bool {
	switch {
	case r < 0x2001:
		return false
	case r <= 0x2A6D,
		r >= 0x2E80 && r <= 0x2FDF,
		r >= 0x2FF0 && r <= 0x303F,
		r >= 0x3100 && r <= 0x312F,
		r >= 0x31A0 && r <= 0x31EF,
		r >= 0x3200 && r <= 0x4DB5,
		r >= 0x4E00 && r <= 0x9FBB,
		r >= 0xF900 && r <= 0xFA2D,
		r >= 0xFA30 && r <= 0xFA6A,
		r >= 0xFA70 && r <= 0xFAD9,
		r >= 0xFE10 && r <= 0xFE1F,
		r >= 0xFE30 && r <= 0xFE4F,
		r >= 0xFF00 && r <= 0xFFEF:
		return true
	}
	return false
}

// sacreRegexpTokens is sacreBLEU's TokenizerRegexp followed by the split BLEU
// does: the four substitutions of Tokenize13a step 4, then whitespace
// splitting.
func sacreRegexpTokens(line string) []string {
	buf := sacrePass1(make([]byte, 0, 2*len(line)), line)
	buf2 := sacrePass2(make([]byte, 0, len(buf)+len(buf)/4), buf)
	buf = sacrePass3(buf[:0], buf2)
	buf2 = sacrePass4(buf2[:0], buf)
	return sacreFields(string(buf2))
}

// sacreIsSymbol is the class [\{-\~\[-\` -\&\(-\+\:-\@\/]: U+0020–0026,
// U+0028–002B, U+002F, U+003A–0040, U+005B–0060, U+007B–007E. Not in it:
// ' , - . and the ASCII letters and digits.
func sacreIsSymbol(c byte) bool {
	switch {
	case c >= ' ' && c <= '&', c >= '(' && c <= '+', c == '/',
		c >= ':' && c <= '@', c >= '[' && c <= '`', c >= '{' && c <= '~':
		return true
	}
	return false
}

func sacreIsDigit(c byte) bool { return c >= '0' && c <= '9' }

// sacrePass1: ([\{-\~\[-\` -\&\(-\+\:-\@\/]) → " \1 ".
func sacrePass1(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; sacreIsSymbol(c) {
			dst = append(dst, ' ', c, ' ')
		} else {
			dst = append(dst, c)
		}
	}
	return dst
}

// sacrePass2: ([^0-9])([\.,]) → "\1 \2 ". A match consumes the . or , so
// the next match starts after it ("a.," splits the . only).
func sacrePass2(dst, s []byte) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i+1 < len(s) && !sacreIsDigit(c) && (s[i+1] == '.' || s[i+1] == ',') {
			dst = append(dst, c, ' ', s[i+1], ' ')
			i++
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

// sacrePass3: ([\.,])([^0-9]) → " \1 \2". The character after the . or ,
// is consumed with it (".,x" splits the first . only).
func sacrePass3(dst, s []byte) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c == '.' || c == ',') && i+1 < len(s) && !sacreIsDigit(s[i+1]) {
			dst = append(dst, ' ', c, ' ', s[i+1])
			i++
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

// sacrePass4: ([0-9])(-) → "\1 \2 ".
func sacrePass4(dst, s []byte) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if sacreIsDigit(c) && i+1 < len(s) && s[i+1] == '-' {
			dst = append(dst, c, ' ', '-', ' ')
			i++
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

// sacreIsSpace is Python's str.isspace for one character, the set that
// str.split(), strip() and rstrip() use: Go's unicode.IsSpace plus the
// separators U+001C–U+001F, which Go does not count as space.
func sacreIsSpace(r rune) bool {
	return unicode.IsSpace(r) || r >= 0x1C && r <= 0x1F
}

// sacreFields is Python's str.split() without arguments.
func sacreFields(s string) []string { return strings.FieldsFunc(s, sacreIsSpace) }

// sacreStrip and sacreRStrip are Python's str.strip() and str.rstrip().
func sacreStrip(s string) string  { return strings.TrimFunc(s, sacreIsSpace) }
func sacreRStrip(s string) string { return strings.TrimRightFunc(s, sacreIsSpace) }

// sacreLower is Python's str.lower(), which BLEU(lowercase=True) and
// CHRF(lowercase=True) apply. Go's unicode.ToLower gives the same result
// for every character but two: U+0130 İ becomes "i" + U+0307 (Unicode's
// full lower-case mapping; Go keeps a bare "i"), and U+03A3 Σ becomes final
// ς when it ends a word (Unicode's Final_Sigma condition, see sacreFinalSigma).
// Invalid UTF-8 bytes are kept as they are.
func sacreLower(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch {
		case r == 'İ':
			b.WriteString("i\u0307")
		case r == 'Σ':
			if sacreFinalSigma(s, i) {
				b.WriteRune('ς')
			} else {
				b.WriteRune('σ')
			}
		case r == utf8.RuneError:
			_, size := utf8.DecodeRuneInString(s[i:])
			b.WriteString(s[i : i+size])
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// sacreFinalSigma reports whether the Σ at byte offset i of s is in Unicode's
// Final_Sigma context, as CPython's handle_capital_sigma tests it: a cased
// character before it (skipping case-ignorable ones) and no cased
// character after it (again skipping case-ignorable ones).
func sacreFinalSigma(s string, i int) bool {
	before := false
	for j := i; j > 0; {
		r, size := utf8.DecodeLastRuneInString(s[:j])
		j -= size
		if !sacreIsCaseIgnorable(r) {
			before = sacreIsCased(r)
			break
		}
	}
	if !before {
		return false
	}
	for j := i + len("Σ"); j < len(s); {
		r, size := utf8.DecodeRuneInString(s[j:])
		j += size
		if !sacreIsCaseIgnorable(r) {
			return !sacreIsCased(r)
		}
	}
	return true
}

// sacreIsCased is Unicode's Cased property: Lowercase, Uppercase or Lt.
func sacreIsCased(r rune) bool {
	return unicode.IsLower(r) || unicode.IsUpper(r) || unicode.IsTitle(r) ||
		unicode.Is(unicode.Other_Lowercase, r) || unicode.Is(unicode.Other_Uppercase, r)
}

// sacreIsCaseIgnorable is Unicode's Case_Ignorable property: Mn, Me, Cf, Lm, Sk,
// or Word_Break MidLetter, MidNumLet or Single_Quote (listed, as Go's
// unicode package has no Word_Break tables).
func sacreIsCaseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', 0x00B7, 0x0387, 0x055F, 0x05F4, 0x2018, 0x2019, 0x2024, 0x2027,
		0xFE13, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}
