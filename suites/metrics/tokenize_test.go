package metrics

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestTokensOracle checks both tokenizers' token lists against the
// oracles: rouge_en.json's target/prediction tokens, unstemmed and stemmed,
// and rouge_zh.json's char_level and default_tokenizer tokens.
func TestTokensOracle(t *testing.T) {
	var en rougeEnFile
	readRougeOracle(t, "rouge_en.json", &en)
	var zh rougeZhFile
	readRougeOracle(t, "rouge_zh.json", &zh)
	check := func(t *testing.T, what string, want, got []string) {
		t.Helper()
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", what, diff)
		}
	}
	for _, p := range en.Pairs {
		t.Run(p.ID, func(t *testing.T) {
			check(t, "target", p.Tokens.Target, RougeTokens(p.Target, false))
			check(t, "prediction", p.Tokens.Prediction, RougeTokens(p.Prediction, false))
			check(t, "target stemmed", p.Tokens.TargetStemmed, RougeTokens(p.Target, true))
			check(t, "prediction stemmed", p.Tokens.PredictionStemmed, RougeTokens(p.Prediction, true))
		})
	}
	for _, p := range zh.Pairs {
		t.Run(p.ID, func(t *testing.T) {
			check(t, "char_level reference", p.CharLevel.Tokens.Reference, ZhCharTokens(p.Reference))
			check(t, "char_level prediction", p.CharLevel.Tokens.Prediction, ZhCharTokens(p.Prediction))
			check(t, "default reference", p.DefaultTokenizer.Tokens.Reference, RougeTokens(p.Reference, false))
			check(t, "default prediction", p.DefaultTokenizer.Tokens.Prediction, RougeTokens(p.Prediction, false))
		})
	}
}

func TestRougeTokens(t *testing.T) {
	tests := []struct {
		name string
		text string
		stem bool
		want []string
	}{
		{"separators", "state-of-the-art e-mail/web_service 3.14%", false, []string{"state", "of", "the", "art", "e", "mail", "web", "service", "3", "14"}},
		{"accents split words", "Café Über naïve", false, []string{"caf", "ber", "na", "ve"}},
		{"dotted capital I", "İZMİR", false, []string{"i", "zmi", "r"}},
		{"Kelvin sign lowers to k", "5\u212A run", false, []string{"5k", "run"}},
		{"ligature and full-width", "ﬁnal ＮＡＳＡ ５", false, []string{"nal"}},
		{"Chinese is dropped", "北京 Beijing 地铁", false, []string{"beijing"}},
		{"invalid UTF-8 separates", "ab\xffcd", false, []string{"ab", "cd"}},
		{"stems only longer than 3", "Running dogs was ties", true, []string{"run", "dog", "was", "tie"}},
		{"digits pass the stemmer", "2020s covid19ies", true, []string{"2020", "covid19i"}},
		{"empty", "", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, RougeTokens(tt.text, tt.stem), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestZhCharTokens(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"ideographs and ASCII runs", "北京Metro 2号线，票价3元！", []string{"北", "京", "metro", "2", "号", "线", "票", "价", "3", "元"}},
		{"supplementary plane", "𠮷野家", []string{"𠮷", "野", "家"}},
		{"extension A and compatibility", "㐀\uF900", []string{"㐀", "\uF900"}},
		{"Kangxi radical, ideographic zero and space dropped", "⽅〇\u3000方", []string{"方"}},
		{"full-width digits and letters dropped", "２０２４年ＡＩ", []string{"年"}},
		{"emoji and brackets dropped", "「好」😀《书》", []string{"好", "书"}},
		{"dotted capital I", "İ中", []string{"i", "中"}},
		{"ASCII run broken by an ideograph", "ab中cd", []string{"ab", "中", "cd"}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ZhCharTokens(tt.text), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestHasHan(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"", false},
		{"plain English", false},
		{"中", true},
		{"mixed 文本", true},
		{"𠮷", true},
		{"⽅ radical only", false},
		{"〇、。「」", false},
		{"ＡＢＣ１２３", false},
		{"かな カナ 한국어", false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := HasHan(tt.text); got != tt.want {
				t.Errorf("HasHan(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestParseTokenizer(t *testing.T) {
	tests := []struct {
		name    string
		want    Tokenizer
		wantErr bool
	}{
		{"default", TokenizerDefault, false},
		{"rouge-score", TokenizerDefault, false},
		{"zh-char", TokenizerZhChar, false},
		{"", "", true},
		{"jieba", "", true},
		{"ZH-CHAR", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTokenizer(tt.name)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("ParseTokenizer(%q) = %q, %v; want %q, error %v", tt.name, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// pyLower lower-cases s as Python's str.lower does wherever the result can
// matter to the tokenizers: Go's strings.ToLower agrees with Python except
// for U+0130 (İ), which Python turns into "i" + U+0307 COMBINING DOT ABOVE
// (SpecialCasing.txt) and Go into a bare "i".
func pyLower(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, "\u0130", "i\u0307"))
}

// The tokenizers' definitions, written as rouge-score and the oracle README
// write them: a regular expression over the Python-lower-cased text.
var (
	refDefaultRE = regexp.MustCompile(`[a-z0-9]+`)
	refZhCharRE  = regexp.MustCompile(`[\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{F900}-\x{FAFF}\x{20000}-\x{2A6DF}\x{2A700}-\x{2EBEF}\x{30000}-\x{3134F}]|[a-z0-9]+`)
)

// FuzzTokenize checks the single-pass tokenizer against the definitions
// (regular expressions over pyLower), so the shortcut of lower-casing rune
// by rune can never drift from Python's str.lower.
func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"", "Hello, World 42", "DİYARBAKIR", "5\u212A", "北京Metro 2号线", "𠮷⽅〇", "ab\xffcd\xe4\xb8", "ＡＢＣ Ω ǅ ß"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lower := pyLower(s)
		if diff := cmp.Diff(refDefaultRE.FindAllString(lower, -1), RougeTokens(s, false), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("RougeTokens(%q) (-definition +got):\n%s", s, diff)
		}
		if diff := cmp.Diff(refZhCharRE.FindAllString(lower, -1), ZhCharTokens(s), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("ZhCharTokens(%q) (-definition +got):\n%s", s, diff)
		}
		// Ideographs are exactly what zh-char keeps beyond the default.
		if more := len(ZhCharTokens(s)) > len(RougeTokens(s, false)); HasHan(s) != more {
			t.Errorf("HasHan(%q) = %v, but zh-char finds more tokens: %v", s, HasHan(s), more)
		}
	})
}
