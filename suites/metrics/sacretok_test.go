package metrics

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// The expected strings were produced by sacreBLEU 2.6's Tokenizer13a and
// TokenizerZh code (tokenizer_13a.py, tokenizer_re.py, tokenizer_zh.py)
// under CPython 3.11.
func TestSacreTokenizers(t *testing.T) {
	tests := []struct {
		name, in, want13a, wantZh string
	}{
		{"punctuation", "Hello, world!", "Hello , world !", "Hello , world !"},
		{"numbers keep , and .", "It cost 1,000.50 dollars, i.e. a lot.",
			"It cost 1,000.50 dollars , i . e . a lot .", "It cost 1,000.50 dollars , i . e . a lot ."},
		{"dash after digit only", "A 3-year-old child and a well-known dog.",
			"A 3 - year-old child and a well-known dog .", "A 3 - year-old child and a well-known dog ."},
		{"entities unescaped by 13a only", "Tom &amp; Jerry &quot;fun&quot; &lt;3 &gt;",
			`Tom & Jerry " fun " < 3 >`, "Tom & amp ; Jerry & quot ; fun & quot ; & lt ; 3 & gt ;"},
		{"entities replaced in order", "&amp;lt; stays an entity once",
			"< stays an entity once", "& amp ; lt ; stays an entity once"},
		{"entity without semicolon", "no ampersand &quot", "no ampersand & quot", "no ampersand & quot"},
		{"hyphenated line break", "line one-\nline two\nthree", "line oneline two three", "line one- line two three"},
		{"skipped marker", "<skipped> text <skipped>", "text", "< skipped > text < skipped >"},
		{"apostrophe stays", "don't stop", "don't stop", "don't stop"},
		{"ascii symbols", "(hi) [x] {y} a/b a\\b ~tilde` ^caret_ |pipe|",
			"( hi ) [ x ] { y } a / b a \\ b ~ tilde ` ^ caret _ | pipe |",
			"( hi ) [ x ] { y } a / b a \\ b ~ tilde ` ^ caret _ | pipe |"},
		{"13a pads, zh does not", ".5 and 5. and ,5 and 5,", ". 5 and 5 . and , 5 and 5 ,", ".5 and 5 . and , 5 and 5,"},
		{"consecutive separators", "a.,b x..y", "a . , b x . . y", "a . , b x . . y"},
		{"leading dash", "e-mail 10-20 -5 5-", "e-mail 10 - 20 -5 5 -", "e-mail 10 - 20 -5 5 -"},
		{"abbreviations", "U.S.A. 3.14 x,y", "U . S . A . 3.14 x , y", "U . S . A . 3.14 x , y"},
		{"outer whitespace", "  leading and trailing  ", "leading and trailing", "leading and trailing"},
		{"general punctuation is Chinese to zh", "\u201cquoted\u201d \u2014 dash\u2026",
			"\u201cquoted\u201d \u2014 dash\u2026", "\u201c quoted \u201d \u2014 dash \u2026"},
		{"chinese", "他说“你好”——然后离开…", "他说“你好”——然后离开…", "他 说 “ 你 好 ” — — 然 后 离 开 …"},
		{"supplementary ideographs not split", "𠮷𠮷家开店", "𠮷𠮷家开店", "𠮷𠮷 家 开 店"},
		{"full-width forms", "售价５９９９元（ＡＩ）", "售价５９９９元（ＡＩ）", "售 价 ５ ９ ９ ９ 元 （ Ａ Ｉ ）"},
		{"mixed", "中文English混合123,456.", "中文English混合123,456 .", "中 文 English 混 合 123,456."},
		{"empty", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Tokenize13a(tt.in); got != tt.want13a {
				t.Errorf("Tokenize13a(%q) = %q, want %q", tt.in, got, tt.want13a)
			}
			if got := TokenizeZh(tt.in); got != tt.wantZh {
				t.Errorf("TokenizeZh(%q) = %q, want %q", tt.in, got, tt.wantZh)
			}
			for tok, want := range map[string]string{"13a": tt.want13a, "": tt.want13a, "zh": tt.wantZh} {
				got, err := SacreTokenize(tok, tt.in)
				if err != nil || got != want {
					t.Errorf("SacreTokenize(%q, %q) = %q, %v, want %q", tok, tt.in, got, err, want)
				}
			}
		})
	}
}

func TestTokenizeCharAndNone(t *testing.T) {
	tests := []struct {
		name, in, wantChar string
	}{
		{"ascii", "a cat.", "a c a t ."},
		{"whitespace vanishes", " \t中 文\u3000x\x1c", "中 文 x"},
		{"supplementary plane is one character", "𠮷家", "𠮷 家"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TokenizeChar(tt.in); got != tt.wantChar {
				t.Errorf("TokenizeChar(%q) = %q, want %q", tt.in, got, tt.wantChar)
			}
			if got, err := SacreTokenize("none", tt.in); err != nil || got != tt.in {
				t.Errorf("SacreTokenize(none, %q) = %q, %v, want the line unchanged", tt.in, got, err)
			}
		})
	}
	if _, err := SacreTokenize("intl", "x"); err == nil || !strings.Contains(err.Error(), `"intl"`) {
		t.Errorf("SacreTokenize(intl) error = %v, want one naming the tokenizer", err)
	}
}

// TestIsSacreChinese pins the edges of the effective "Chinese" set,
// including the ones that come from sacreBLEU's two mistyped ranges.
func TestIsSacreChinese(t *testing.T) {
	in := []rune{0x2001, 0x2014, 0x201C, 0x2026, 0x20AC, 0x2212, 0x2A6D, 0x2E80, 0x2FDF, 0x2FF0, 0x3000, 0x303F,
		0x3100, 0x312F, 0x31A0, 0x31EF, 0x3200, 0x4DB5, 0x4E00, 0x9FBB, 0xF900, 0xFA2D, 0xFA30, 0xFA6A, 0xFA70,
		0xFAD9, 0xFE10, 0xFE1F, 0xFE30, 0xFE4F, 0xFF00, 0xFFEF}
	out := []rune{'a', 0x2000, 0x2A6E, 0x2E7F, 0x2FE0, 0x2FEF, 0x3040, 0x30A2, 0x30FF, 0x3130, 0x319F, 0x31F0,
		0x4DB6, 0x4DFF, 0x9FBC, 0x9FFF, 0xF8FF, 0xFA2E, 0xFA6B, 0xFADA, 0xFE20, 0xFE50, 0xFFF0, 0xFFFD,
		0x20000, 0x20BB7, 0x2A6D6, 0x2F800}
	for _, r := range in {
		if !isSacreChinese(r) {
			t.Errorf("isSacreChinese(%U) = false, want true", r)
		}
	}
	for _, r := range out {
		if isSacreChinese(r) {
			t.Errorf("isSacreChinese(%U) = true, want false", r)
		}
	}
}

// Expected values are CPython 3.11's str.lower(); sacreLower also matches
// it on every assigned Unicode 14 character alone and around Σ.
func TestSacreLower(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ABC def", "abc def"},
		{"İSTANBUL", "i\u0307stanbul"},
		{"ΟΔΟΣ", "οδος"},
		{"ΟΔΟΣ ΣΑΣ", "οδος σας"},
		{"Σ", "σ"},
		{"ΑΣ'Β", "ασ'β"},
		{"ΑΣ'", "ας'"},
		{"Α'Σ", "α'ς"},
		{"ΑΣ\u0301Β", "ασ\u0301β"},
		{"1Σ", "1σ"},
		{"ǅ", "ǆ"},
		{"Ａ\xffB", "ａ\xffb"},
	}
	for _, tt := range tests {
		if got := sacreLower(tt.in); got != tt.want {
			t.Errorf("sacreLower(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSacreWhitespace(t *testing.T) {
	got := sacreFields("a\x1cb\x1dc\x1ed\x1fe\u00a0f\u3000g\u200bh\u0085i")
	want := []string{"a", "b", "c", "d", "e", "f", "g\u200bh", "i"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sacreFields (-want +got):\n%s", diff)
	}
	if got := sacreRStrip(" x \x1f\n"); got != " x" {
		t.Errorf("sacreRStrip = %q", got)
	}
}

// regexp13a is sacreBLEU's TokenizerRegexp written with Go's regexp, the
// literal patterns: the reference the byte loops are checked against.
var regexp13a = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`([\{-\~\[-\` + "`" + ` -\&\(-\+\:-\@\/])`), " ${1} "},
	{regexp.MustCompile(`([^0-9])([\.,])`), "${1} ${2} "},
	{regexp.MustCompile(`([\.,])([^0-9])`), " ${1} ${2}"},
	{regexp.MustCompile(`([0-9])(-)`), "${1} ${2} "},
}

func regexpTokenizerRef(line string) string {
	for _, r := range regexp13a {
		line = r.re.ReplaceAllString(line, r.repl)
	}
	return strings.Join(sacreFields(line), " ")
}

func tokenize13aRef(line string) string {
	line = strings.ReplaceAll(line, "<skipped>", "")
	line = strings.ReplaceAll(line, "-\n", "")
	line = strings.ReplaceAll(line, "\n", " ")
	if strings.Contains(line, "&") {
		line = strings.ReplaceAll(line, "&quot;", `"`)
		line = strings.ReplaceAll(line, "&amp;", "&")
		line = strings.ReplaceAll(line, "&lt;", "<")
		line = strings.ReplaceAll(line, "&gt;", ">")
	}
	return regexpTokenizerRef(" " + line + " ")
}

// FuzzTokenize13a checks the byte-loop tokenizers against the regexes they
// replace, on any input (invalid UTF-8 included), and that tokens never
// contain whitespace.
func FuzzTokenize13a(f *testing.F) {
	for _, s := range []string{"Hello, world!", "1,000.50 3-year i.e. .5 5.", "&amp;lt; <skipped> a-\nb",
		"他说“你好”——然后离开…", "售价５９９９元（ＡＩ）", "a.,b x..y", "\xff.\xe4\xb8,x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Tokenize13a(s), tokenize13aRef(s); got != want {
			t.Fatalf("Tokenize13a(%q) = %q, regexes give %q", s, got, want)
		}
		var zh strings.Builder
		for _, r := range sacreStrip(s) {
			if isSacreChinese(r) {
				zh.WriteString(" " + string(r) + " ")
			} else {
				zh.WriteRune(r)
			}
		}
		if utf8.ValidString(s) {
			if got, want := TokenizeZh(s), regexpTokenizerRef(zh.String()); got != want {
				t.Fatalf("TokenizeZh(%q) = %q, regexes give %q", s, got, want)
			}
		}
		for _, tok := range sacre13aTokens(s) {
			if tok == "" || strings.IndexFunc(tok, sacreIsSpace) >= 0 {
				t.Fatalf("Tokenize13a(%q) gave token %q", s, tok)
			}
		}
	})
}

var benchLine = strings.Repeat("The quick brown fox (aged 3-4) jumped over 1,000.50 lazy dogs, didn't it? &quot;Yes.&quot; ", 4)

// BenchmarkTokenize13a compares the byte loops with the four regexes they
// replace (the design choice: same output, FuzzTokenize13a).
func BenchmarkTokenize13a(b *testing.B) {
	b.Run("loops", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Tokenize13a(benchLine)
		}
	})
	b.Run("regexp", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			tokenize13aRef(benchLine)
		}
	})
}
