package metrics

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestCIDErTokens(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"lower-case and final period", "A man rides a horse.", []string{"a", "man", "rides", "a", "horse"}},
		{"punctuation dropped", `"Wow!" -- two dogs; (running), fast...`, []string{"wow", "two", "dogs", "running", "fast"}},
		{"hyphenated word kept", "a black-and-white cat", []string{"a", "black-and-white", "cat"}},
		{"dash between words", "a cat - sleeping", []string{"a", "cat", "sleeping"}},
		{"numbers", "3.5 kg of 1,000 apples, 2, 3", []string{"3.5", "kg", "of", "1,000", "apples", "2", "3"}},
		{"clitic n't", "Don't stop, can't stop", []string{"do", "n't", "stop", "ca", "n't", "stop"}},
		{"clitic 's and curly apostrophe", "the man’s hat, it's red", []string{"the", "man", "'s", "hat", "it", "'s", "red"}},
		{"other clitics", "they're we've i'll he'd i'm", []string{"they", "'re", "we", "'ve", "i", "'ll", "he", "'d", "i", "'m"}},
		{"apostrophe inside word", "at five o'clock", []string{"at", "five", "o'clock"}},
		{"trailing apostrophe", "the dogs' bowls", []string{"the", "dogs", "bowls"}},
		{"symbols are tokens", "$5 & 10% off #1 a+b", []string{"$", "5", "&", "10", "%", "off", "#", "1", "a", "+", "b"}},
		{"backquote is a quote", "``hi''", []string{"hi"}},
		{"abbreviation loses final period", "Mr. Smith in the U.S.", []string{"mr", "smith", "in", "the", "u.s"}},
		{"chinese per ideograph", "一只猫坐在垫子上。", []string{"一", "只", "猫", "坐", "在", "垫", "子", "上"}},
		{"mixed scripts", "一只cat在2楼", []string{"一", "只", "cat", "在", "2", "楼"}},
		{"kana per character", "ねこがいる", []string{"ね", "こ", "が", "い", "る"}},
		{"hangul words", "고양이 한 마리", []string{"고양이", "한", "마리"}},
		{"accents kept", "Café crème", []string{"café", "crème"}},
		{"dotted capital I", "İstanbul", []string{"i\u0307stanbul"}},
		{"empty", "  \n ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, CIDErTokens(tt.in)); diff != "" {
				t.Errorf("CIDErTokens(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

var ciderApprox = cmpopts.EquateApprox(0, 1e-12)

// TestCIDErDWorked checks scores worked out by hand; w = ln 2, L = ln 3.
func TestCIDErDWorked(t *testing.T) {
	tests := []struct {
		name    string
		cands   []string
		refSets [][]string
		want    []float64
	}{
		{
			// N = 2. df("a") = 2 so idf("a") = ln2 − ln2 = 0; every other
			// n-gram has df 1 and idf ln2 − ln1 = w.
			//
			// Candidate 0 equals its reference. n=1: vectors (a 0, cat w,
			// sits w), norms √2·w, sim = (w² + w²)/(2w²) = 1. n=2 and n=3
			// likewise 1. n=4: no 4-grams, norms 0, sim 0. Bigram counts
			// 2 and 2: δ = 0, penalty 1.
			// Score = 10 · (1+1+1+0)/4 / 1 ref = 7.5.
			//
			// Candidate 1 "a dog" against "a dog runs". n=1: c = (a 0,
			// dog w), ‖c‖ = w; r = (a 0, dog w, runs w), ‖r‖ = √2·w;
			// sim = w·w/(w·√2w) = 1/√2. n=2: c = ("a dog" w), ‖c‖ = w;
			// r = ("a dog" w, "dog runs" w), ‖r‖ = √2·w; sim = 1/√2.
			// n=3, n=4: the candidate has none, 0. Bigram counts 1 and 2:
			// δ = −1, penalty e^(−1/72).
			// Score = 10 · (2/√2)/4 · e^(−1/72) = 10·(√2/4)·e^(−1/72) ≈ 3.48677.
			name:    "identical and shorter caption",
			cands:   []string{"A cat sits.", "a dog"},
			refSets: [][]string{{"a cat sits"}, {"a dog runs"}},
			want:    []float64{7.5, 10 * (math.Sqrt2 / 4) * math.Exp(-1.0/72)},
		},
		{
			// N = 2, every n-gram has idf w (or w for unseen n-grams too:
			// df 0 → ln max(1, 0) = 0 → idf = ln2 = w).
			//
			// Candidate "cat cat cat" against "cat sat". n=1: c = (cat 3w),
			// ‖c‖ = 3w; r = (cat w, sat w), ‖r‖ = √2·w. The clipped
			// numerator is min(3w, w)·w = w² (unclipped it would be 3w²),
			// sim = w²/(3w·√2w) = 1/(3√2). n=2: c = ("cat cat" 2w), not in
			// r: 0. n=3: r has no trigrams: 0. n=4: 0. Bigram counts 2
			// and 1: δ = 1, penalty e^(−1/72).
			// Score = 10 · (1/(3√2))/4 · e^(−1/72) ≈ 0.58113.
			//
			// Candidate "" against "dog ran": no n-grams, every norm 0: 0.
			name:    "repetition is clipped; empty caption",
			cands:   []string{"cat cat cat", ""},
			refSets: [][]string{{"cat sat"}, {"dog ran"}},
			want:    []float64{10 * (1 / (3 * math.Sqrt2)) / 4 * math.Exp(-1.0/72), 0},
		},
		{
			// N = 3, L = ln3. "a" is in all three sets: idf 0. Every other
			// n-gram is in one set: idf L.
			//
			// Candidate "a horse" against two references of image 0.
			// c: n=1 (a 0, horse L), ‖c‖ = L; n=2 ("a horse" L), ‖c‖ = L.
			// r1 "a man rides a horse": n=1 (a 0, man L, rides L, horse L),
			// ‖r1‖ = √3·L; n=2 four bigrams of weight L, ‖r1‖ = 2L.
			// sim1 = L·L/(L·√3L) = 1/√3, sim2 = L·L/(L·2L) = 1/2, sim3 =
			// sim4 = 0 (the candidate has no trigrams). Bigram counts 1
			// and 4: δ = −3, penalty e^(−9/72) = e^(−1/8).
			// r2 "a person on a horse" has the same shape: the same sims
			// and penalty.
			// Score = 10 · [2 · (1/√3 + 1/2) · e^(−1/8)] / 4 / 2 refs
			//       = 2.5 · (1/√3 + 1/2) · e^(−1/8) ≈ 2.37690.
			//
			// Candidate "a dog runs" against its own reference:
			// n=1 (a 0, dog L, runs L): sim 1; n=2 and n=3: 1; n=4: 0;
			// δ = 0. Score 7.5. Candidate "a dog" against "a cat sleeps":
			// only "a" is shared, with weight 0; every sim is 0.
			name:  "several references and an idf of zero",
			cands: []string{"a horse", "a dog runs", "a dog"},
			refSets: [][]string{
				{"a man rides a horse", "a person on a horse"},
				{"a dog runs"},
				{"a cat sleeps"},
			},
			want: []float64{2.5 * (1/math.Sqrt(3) + 0.5) * math.Exp(-1.0/8), 7.5, 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mean, per := CorpusCIDErD(tt.cands, tt.refSets)
			if diff := cmp.Diff(tt.want, per, ciderApprox); diff != "" {
				t.Errorf("per-candidate scores (-want +got):\n%s", diff)
			}
			wantMean := 0.0
			for _, v := range tt.want {
				wantMean += v
			}
			wantMean /= float64(len(tt.want))
			if diff := cmp.Diff(wantMean, mean, ciderApprox); diff != "" {
				t.Errorf("mean (-want +got):\n%s", diff)
			}
			d := NewCIDErD(tt.refSets)
			for i, c := range tt.cands {
				if diff := cmp.Diff(tt.want[i], d.Score(c, tt.refSets[i]), ciderApprox); diff != "" {
					t.Errorf("Score(%q) (-want +got):\n%s", c, diff)
				}
			}
		})
	}
}

// TestCIDErDWorkedNumbers pins the decimal values quoted in the comments
// above, so the expressions there are not merely re-derived.
func TestCIDErDWorkedNumbers(t *testing.T) {
	_, per := CorpusCIDErD([]string{"A cat sits.", "a dog"}, [][]string{{"a cat sits"}, {"a dog runs"}})
	if diff := cmp.Diff([]float64{7.5, 3.48677}, per, cmpopts.EquateApprox(0, 5e-6)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	_, per = CorpusCIDErD([]string{"cat cat cat", ""}, [][]string{{"cat sat"}, {"dog ran"}})
	if diff := cmp.Diff([]float64{0.58113, 0}, per, cmpopts.EquateApprox(0, 5e-6)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	_, per = CorpusCIDErD([]string{"a horse", "a dog runs", "a dog"},
		[][]string{{"a man rides a horse", "a person on a horse"}, {"a dog runs"}, {"a cat sleeps"}})
	if diff := cmp.Diff([]float64{2.37690, 7.5, 0}, per, cmpopts.EquateApprox(0, 5e-6)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestCIDErDDegenerate(t *testing.T) {
	isNaN := func(t *testing.T, what string, v float64) {
		t.Helper()
		if !math.IsNaN(v) {
			t.Errorf("%s = %v, want NaN", what, v)
		}
	}
	t.Run("one set is not a corpus", func(t *testing.T) {
		// coco-caption would report 0 here: log N = 0 zeroes every idf.
		mean, per := CorpusCIDErD([]string{"a cat sits"}, [][]string{{"a cat sits"}})
		isNaN(t, "mean", mean)
		if len(per) != 1 {
			t.Fatalf("per has %d scores, want 1", len(per))
		}
		isNaN(t, "per[0]", per[0])
	})
	t.Run("no sets", func(t *testing.T) {
		mean, per := CorpusCIDErD(nil, nil)
		isNaN(t, "mean", mean)
		if len(per) != 0 {
			t.Errorf("per = %v, want empty", per)
		}
	})
	t.Run("no references", func(t *testing.T) {
		d := NewCIDErD([][]string{{"a cat"}, {"a dog"}})
		isNaN(t, "Score with no references", d.Score("a cat", nil))
	})
	t.Run("length mismatch panics", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Error("no panic")
			}
		}()
		CorpusCIDErD([]string{"a"}, nil)
	})
	t.Run("sets", func(t *testing.T) {
		if got := NewCIDErD([][]string{{"a"}, {}, {"b"}}).Sets(); got != 3 {
			t.Errorf("Sets() = %d, want 3", got)
		}
	})
}

// TestCIDErDProperties: scores are finite, in [0, 10], unchanged by case
// and punctuation, and a caption equal to its only reference beats a
// caption that shares nothing with it.
func TestCIDErDProperties(t *testing.T) {
	refSets := [][]string{
		{"a man riding a wave on top of a surfboard", "a surfer rides a large wave in the ocean"},
		{"two dogs play with a frisbee in the park", "a pair of dogs chasing a frisbee on grass"},
		{"a plate of food with broccoli and rice", "rice and broccoli on a white plate"},
	}
	d := NewCIDErD(refSets)
	for i, refs := range refSets {
		same := d.Score(refs[0], refs[:1])
		if !(same > 0 && same <= 10) {
			t.Errorf("set %d: own reference scores %v", i, same)
		}
		if other := d.Score("zebra giraffe elephant", refs[:1]); other != 0 {
			t.Errorf("set %d: unrelated caption scores %v, want 0", i, other)
		}
		loud := d.Score("  "+upper(refs[0])+"!!!", refs)
		if diff := cmp.Diff(d.Score(refs[0], refs), loud, ciderApprox); diff != "" {
			t.Errorf("set %d: case and punctuation changed the score (-plain +loud):\n%s", i, diff)
		}
	}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
