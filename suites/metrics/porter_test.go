package metrics

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPorterStemOracle checks PorterStem on every token rouge-score
// stemmed in rouge_en.json (tokens longer than 3 characters; shorter ones
// must be left alone by the tokenizer, which TestTokensOracle covers).
func TestPorterStemOracle(t *testing.T) {
	var file rougeEnFile
	readRougeOracle(t, "rouge_en.json", &file)
	n := 0
	for _, p := range file.Pairs {
		for _, l := range []struct{ words, stems []string }{
			{p.Tokens.Target, p.Tokens.TargetStemmed},
			{p.Tokens.Prediction, p.Tokens.PredictionStemmed},
		} {
			if len(l.words) != len(l.stems) {
				t.Fatalf("%s: %d tokens but %d stems", p.ID, len(l.words), len(l.stems))
			}
			for i, w := range l.words {
				if len(w) <= 3 {
					continue
				}
				n++
				if got := PorterStem(w); got != l.stems[i] {
					t.Errorf("%s: PorterStem(%q) = %q, want %q", p.ID, w, got, l.stems[i])
				}
			}
		}
	}
	if n < 500 {
		t.Errorf("only %d stemmed tokens checked", n)
	}
}

// TestPorterStemNLTK checks PorterStem against testdata/porter_nltk38.tsv:
// NLTK 3.8's own stems (word<TAB>stem) of 6,000 words: a sample of the
// words in shared/data, made-up words built to reach every rule (stems
// with runs of y, chains of suffixes, digits), the irregular forms and a
// few mixed-case words. The file was written by running NLTK, not this
// package, and is a reference like the oracle vectors: fix the code, never
// the file.
func TestPorterStemNLTK(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "porter_nltk38.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		word, want, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("bad line %q", line)
		}
		n++
		if got := PorterStem(word); got != want {
			t.Errorf("PorterStem(%q) = %q, want %q", word, got, want)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 6000 {
		t.Errorf("only %d words in the file", n)
	}
}

// TestPorterStem pins each NLTK_EXTENSIONS departure and the examples of
// NLTK's documentation.
func TestPorterStem(t *testing.T) {
	tests := []struct {
		name, word, want string
	}{
		{"irregular skies", "skies", "sky"},
		{"irregular dying", "dying", "die"},
		{"irregular lying", "lying", "lie"},
		{"irregular tying", "tying", "tie"},
		{"irregular news", "news", "news"},
		{"irregular innings", "innings", "inning"},
		{"irregular outings", "outings", "outing"},
		{"irregular cannings", "cannings", "canning"},
		{"irregular howe", "howe", "howe"},
		{"irregular proceed", "proceed", "proceed"},
		{"irregular exceed", "exceed", "exceed"},
		{"irregular succeed", "succeed", "succeed"},
		{"irregular table is case-sensitive", "Skies", "ski"},
		{"two letters untouched", "as", "as"},
		{"1a: 4-letter ies", "ties", "tie"},
		{"1a: longer ies", "flies", "fli"},
		{"1a: sses", "caresses", "caress"},
		{"1b: 4-letter ied", "died", "die"},
		{"1b: longer ied", "denied", "deni"},
		{"1b: ied before eed", "spied", "spi"},
		{"1b: eed with m>0", "agreed", "agre"},
		{"1b: eed with m=0", "feed", "feed"},
		{"1b: at gets e", "stating", "state"},
		{"1b: bl gets e", "humbled", "humbl"},
		{"1b: iz gets e", "sized", "size"},
		{"1b: double consonant undoubled", "plotted", "plot"},
		{"1b: ll kept", "falling", "fall"},
		{"1b: cvc gets e", "filing", "file"},
		{"1b: 2-letter vc stem gets e", "ated", "ate"},
		{"1b: 2-letter vc stem gets e (ing)", "oping", "ope"},
		{"1c: y after consonant", "happy", "happi"},
		{"1c: y after vowel", "enjoy", "enjoy"},
		{"1c: single-letter stem", "bys", "by"},
		{"2: alli then step 2 again", "radicalli", "radic"},
		{"2: bli", "possibli", "possibl"},
		{"2: fulli", "hopefulli", "hope"},
		{"2: logi with short stem", "geologi", "geolog"},
		{"2: ational", "sensational", "sensat"},
		{"2: tional", "traditional", "tradit"},
		{"2: ization", "itemization", "item"},
		{"2: izer", "colonizer", "colon"},
		{"3: ness", "goodness", "good"},
		{"4: ence", "reference", "refer"},
		{"4: ion after t", "adoption", "adopt"},
		{"5a: m=1 cvc keeps e", "rate", "rate"},
		{"5b: ll", "controlling", "control"},
		{"documentation: mules", "mules", "mule"},
		{"documentation: owned", "owned", "own"},
		{"documentation: meeting", "meeting", "meet"},
		{"documentation: siezing", "siezing", "siez"},
		{"upper case lowered", "Running", "run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PorterStem(tt.word); got != tt.want {
				t.Errorf("PorterStem(%q) = %q, want %q", tt.word, got, tt.want)
			}
		})
	}
}

func isLowerAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// FuzzPorterStem: any input is stemmed without a panic; a lower-case
// ASCII alphanumeric word gives a non-empty lower-case ASCII alphanumeric
// stem no longer than the word (every rule puts back at most what it
// removed). Idempotence is not a property of Porter ("generalizations" →
// "gener" → "gener", but "ties" → "tie" → "tie" and "agreed" → "agre" →
// "agr"), so it is not checked.
func FuzzPorterStem(f *testing.F) {
	for _, s := range []string{"", "a", "running", "skies", "yyyyyyy", "generalizations", "controlling", "ied", "eed", "x9ies", "Über", "\xff\xfe", "sses"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, word string) {
		got := PorterStem(word)
		if !isLowerAlnum(word) {
			return
		}
		if !isLowerAlnum(got) || len(got) > len(word) || (word != "" && got == "") {
			t.Fatalf("PorterStem(%q) = %q", word, got)
		}
	})
}
