package metrics

import "strings"

// PorterStem returns the Porter stem of word exactly as NLTK 3.8's
// PorterStemmer() does in its default NLTK_EXTENSIONS mode, the stemmer
// rouge-score uses. That mode differs from both the 1980 paper and
// Porter2/Snowball, so common Go stemmers give other stems.
//
// word is meant to be a token of lower-case ASCII letters and digits (what
// RougeTokens gives); digits count as consonants. As in NLTK, the
// irregular-forms table is looked up with word as given and ASCII letters
// are then lower-cased. Other bytes are treated as consonants one by one:
// PorterStem never panics, but it reproduces NLTK only for ASCII.
//
// The departures from the paper, all implemented below:
//   - irregular forms first: skies, sky → sky; dying → die; lying → lie;
//     tying → tie; news; innings, inning → inning; outings, outing →
//     outing; cannings, canning → canning; howe, proceed, exceed, succeed
//     unchanged;
//   - words of 1 or 2 letters are returned as they are;
//   - step 1a: a 4-letter word ending in "ies" ends in "ie" instead;
//   - step 1b: "ied" → "ie" in a 4-letter word, else "i", checked before
//     the EED rule;
//   - the *o (cvc) condition also holds for a 2-letter vowel+consonant stem;
//   - step 1c: y → i only after a consonant and when the stem before it is
//     longer than one letter;
//   - step 2: "alli" → "al" first (m>0), then step 2 again on the result;
//     "bli" → "ble" in place of "abli" → "able"; extra rules "fulli" →
//     "ful" and "logi" → "log", the latter when the measure of the word
//     without its last 3 letters is > 0.
func PorterStem(word string) string {
	if s, ok := porterIrregular[word]; ok {
		return s
	}
	w := asciiLower(word)
	if len(word) <= 2 {
		return w
	}
	w = porterStep1a(w)
	w = porterStep1b(w)
	w = porterStep1c(w)
	w = porterStep2(w)
	w = porterStep3(w)
	w = porterStep4(w)
	w = porterStep5a(w)
	w = porterStep5b(w)
	return w
}

var porterIrregular = map[string]string{
	"sky": "sky", "skies": "sky",
	"dying":   "die",
	"lying":   "lie",
	"tying":   "tie",
	"news":    "news",
	"innings": "inning", "inning": "inning",
	"outings": "outing", "outing": "outing",
	"cannings": "canning", "canning": "canning",
	"howe":    "howe",
	"proceed": "proceed",
	"exceed":  "exceed",
	"succeed": "succeed",
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + ('a' - 'A')
				}
			}
			return string(b)
		}
	}
	return s
}

// isConsonant reports whether w[i] is a consonant in the paper's sense: a
// letter other than a, e, i, o, u, and other than a y preceded by a
// consonant (a y at the start is a consonant). Walks back over a run of
// y's instead of recursing, so a long run costs no stack.
func isConsonant(w string, i int) bool {
	flip := false
	for ; ; i-- {
		switch w[i] {
		case 'a', 'e', 'i', 'o', 'u':
			return flip
		case 'y':
			if i == 0 {
				return !flip
			}
			flip = !flip
		default:
			return !flip
		}
	}
}

// measure is m in [C](VC){m}[V]: the number of vowel→consonant changes.
func measure(s string) int {
	m := 0
	prevCons, prevVowel := false, false
	for i := 0; i < len(s); i++ {
		var cons bool
		switch s[i] {
		case 'a', 'e', 'i', 'o', 'u':
			cons = false
		case 'y':
			cons = i == 0 || !prevCons
		default:
			cons = true
		}
		if cons && prevVowel {
			m++
		}
		prevCons, prevVowel = cons, !cons
	}
	return m
}

func positiveMeasure(s string) bool { return measure(s) > 0 }

func containsVowel(s string) bool {
	for i := range len(s) {
		if !isConsonant(s, i) {
			return true
		}
	}
	return false
}

// endsDoubleConsonant is the paper's *d.
func endsDoubleConsonant(w string) bool {
	n := len(w)
	return n >= 2 && w[n-1] == w[n-2] && isConsonant(w, n-1)
}

// endsCVC is the paper's *o (consonant, vowel, consonant other than w, x,
// y), extended by NLTK to a 2-letter vowel+consonant word.
func endsCVC(w string) bool {
	n := len(w)
	if n >= 3 && isConsonant(w, n-3) && !isConsonant(w, n-2) && isConsonant(w, n-1) &&
		w[n-1] != 'w' && w[n-1] != 'x' && w[n-1] != 'y' {
		return true
	}
	return n == 2 && !isConsonant(w, 0) && isConsonant(w, 1)
}

// porterRule replaces suffix by repl when cond(word, stem) holds, stem
// being word without suffix; a nil cond always holds. The suffix "*d"
// matches a word ending in a double consonant and drops one of the pair.
type porterRule struct {
	suffix, repl string
	cond         func(word, stem string) bool
}

// applyRules applies the first rule whose suffix matches word; if its
// condition fails, no later rule is tried and word is returned unchanged.
func applyRules(word string, rules []porterRule) string {
	for _, r := range rules {
		if r.suffix == "*d" {
			if endsDoubleConsonant(word) {
				if r.cond == nil || r.cond(word, word[:len(word)-2]) {
					return word[:len(word)-1]
				}
				return word
			}
			continue
		}
		if strings.HasSuffix(word, r.suffix) {
			stem := word[:len(word)-len(r.suffix)]
			if r.cond == nil || r.cond(word, stem) {
				return stem + r.repl
			}
			return word
		}
	}
	return word
}

func mGT0(_, stem string) bool { return measure(stem) > 0 }
func mGT1(_, stem string) bool { return measure(stem) > 1 }

var step1aRules = []porterRule{
	{"sses", "ss", nil},
	{"ies", "i", nil},
	{"ss", "ss", nil},
	{"s", "", nil},
}

func porterStep1a(w string) string {
	if len(w) == 4 && strings.HasSuffix(w, "ies") {
		return w[:1] + "ie"
	}
	return applyRules(w, step1aRules)
}

var step1bRules = []porterRule{
	{"at", "ate", nil},
	{"bl", "ble", nil},
	{"iz", "ize", nil},
	{"*d", "", func(word, _ string) bool {
		c := word[len(word)-1]
		return c != 'l' && c != 's' && c != 'z'
	}},
	{"", "e", func(_, stem string) bool { return measure(stem) == 1 && endsCVC(stem) }},
}

func porterStep1b(w string) string {
	if strings.HasSuffix(w, "ied") {
		if len(w) == 4 {
			return w[:1] + "ie"
		}
		return w[:len(w)-3] + "i"
	}
	if strings.HasSuffix(w, "eed") {
		if stem := w[:len(w)-3]; positiveMeasure(stem) {
			return stem + "ee"
		}
		return w
	}
	var stem string
	switch {
	case strings.HasSuffix(w, "ed") && containsVowel(w[:len(w)-2]):
		stem = w[:len(w)-2]
	case strings.HasSuffix(w, "ing") && containsVowel(w[:len(w)-3]):
		stem = w[:len(w)-3]
	default:
		return w
	}
	return applyRules(stem, step1bRules)
}

var step1cRules = []porterRule{
	{"y", "i", func(_, stem string) bool { return len(stem) > 1 && isConsonant(stem, len(stem)-1) }},
}

func porterStep1c(w string) string { return applyRules(w, step1cRules) }

var step2Rules = []porterRule{
	{"ational", "ate", mGT0},
	{"tional", "tion", mGT0},
	{"enci", "ence", mGT0},
	{"anci", "ance", mGT0},
	{"izer", "ize", mGT0},
	{"bli", "ble", mGT0},
	{"alli", "al", mGT0},
	{"entli", "ent", mGT0},
	{"eli", "e", mGT0},
	{"ousli", "ous", mGT0},
	{"ization", "ize", mGT0},
	{"ation", "ate", mGT0},
	{"ator", "ate", mGT0},
	{"alism", "al", mGT0},
	{"iveness", "ive", mGT0},
	{"fulness", "ful", mGT0},
	{"ousness", "ous", mGT0},
	{"aliti", "al", mGT0},
	{"iviti", "ive", mGT0},
	{"biliti", "ble", mGT0},
	{"fulli", "ful", mGT0},
	// The "l" of "logi" stays with the stem for the measure, so short
	// stems such as geo-, theo- qualify.
	{"logi", "log", func(word, _ string) bool { return positiveMeasure(word[:len(word)-3]) }},
}

func porterStep2(w string) string {
	if strings.HasSuffix(w, "alli") && positiveMeasure(w[:len(w)-4]) {
		return porterStep2(w[:len(w)-4] + "al")
	}
	return applyRules(w, step2Rules)
}

var step3Rules = []porterRule{
	{"icate", "ic", mGT0},
	{"ative", "", mGT0},
	{"alize", "al", mGT0},
	{"iciti", "ic", mGT0},
	{"ical", "ic", mGT0},
	{"ful", "", mGT0},
	{"ness", "", mGT0},
}

func porterStep3(w string) string { return applyRules(w, step3Rules) }

var step4Rules = []porterRule{
	{"al", "", mGT1},
	{"ance", "", mGT1},
	{"ence", "", mGT1},
	{"er", "", mGT1},
	{"ic", "", mGT1},
	{"able", "", mGT1},
	{"ible", "", mGT1},
	{"ant", "", mGT1},
	{"ement", "", mGT1},
	{"ment", "", mGT1},
	{"ent", "", mGT1},
	{"ion", "", func(_, stem string) bool {
		return measure(stem) > 1 && (stem[len(stem)-1] == 's' || stem[len(stem)-1] == 't')
	}},
	{"ou", "", mGT1},
	{"ism", "", mGT1},
	{"ate", "", mGT1},
	{"iti", "", mGT1},
	{"ous", "", mGT1},
	{"ive", "", mGT1},
	{"ize", "", mGT1},
}

func porterStep4(w string) string { return applyRules(w, step4Rules) }

// porterStep5a tries both E rules in turn (unlike applyRules, the second
// is tried when the first's condition fails).
func porterStep5a(w string) string {
	if strings.HasSuffix(w, "e") {
		stem := w[:len(w)-1]
		m := measure(stem)
		if m > 1 || m == 1 && !endsCVC(stem) {
			return stem
		}
	}
	return w
}

var step5bRules = []porterRule{
	{"ll", "l", func(word, _ string) bool { return measure(word[:len(word)-1]) > 1 }},
}

func porterStep5b(w string) string { return applyRules(w, step5bRules) }
