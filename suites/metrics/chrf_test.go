package metrics

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestChrFOracleSentence checks chrF (CHRF()) and chrF++
// (CHRF(word_order=2)) against sacreBLEU 2.6.0 on every pair of
// bleu_chrf.json, all references at once.
func TestChrFOracleSentence(t *testing.T) {
	o := readBLEUOracle(t)
	for _, p := range o.Pairs {
		t.Run(p.ID, func(t *testing.T) {
			for wordOrder, want := range map[int]float64{0: p.Sentence.ChrF.Score, 2: p.Sentence.ChrFPP.Score} {
				got, err := SentenceChrF(p.Hypothesis, p.References, wordOrder)
				if err != nil {
					t.Fatal(err)
				}
				if math.Abs(got.Score-want) > 1e-4 {
					t.Errorf("word order %d: score %v, sacrebleu %v", wordOrder, got.Score, want)
				}
			}
		})
	}
}

// TestChrFOracleCorpus checks corpus chrF and chrF++ on the COCO pairs
// (four reference streams).
func TestChrFOracleCorpus(t *testing.T) {
	o := readBLEUOracle(t)
	var hyps []string
	var refs [][]string
	for _, p := range o.Pairs {
		if p.Kind == "coco_multi_ref" {
			hyps = append(hyps, p.Hypothesis)
			refs = append(refs, p.References)
		}
	}
	ran := 0
	for name, c := range o.Corpus {
		if !strings.HasPrefix(name, "chrf") {
			continue
		}
		ran++
		t.Run(name, func(t *testing.T) {
			var ch ChrF
			for k, v := range c.Kwargs {
				switch k {
				case "word_order":
					ch.WordOrder = int(v.(float64))
				default:
					t.Fatalf("kwarg %s not handled by the test", k)
				}
			}
			got, err := ch.Corpus(hyps, refs)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got.Score-c.Score) > 1e-4 {
				t.Errorf("score %v, sacrebleu %v", got.Score, c.Score)
			}
			got2, err := CorpusChrF(hyps, refs, ch.WordOrder)
			if err != nil || cmp.Diff(got, got2) != "" {
				t.Errorf("CorpusChrF differs from ChrF.Corpus: %v\n%s", err, cmp.Diff(got, got2))
			}
		})
	}
	if ran < 2 {
		t.Errorf("ran %d chrF corpus oracles, want the 2 in bleu_chrf.json", ran)
	}
}

// sacreBLEU's own test vectors (test/test_chrf.py) for the options the
// oracle file does not cover: β = 3, eps smoothing, kept whitespace.
func TestChrFSacrebleuSuite(t *testing.T) {
	tests := []struct {
		name       string
		chrf       ChrF
		hyps, refs []string
		want       float64
	}{
		{"eps no overlap", ChrF{Beta: 3, EpsSmoothing: true}, []string{"abcdefg"}, []string{"hijklmnop"}, 0},
		{"eps one char", ChrF{Beta: 3, EpsSmoothing: true}, []string{"a"}, []string{"b"}, 0},
		{"eps empty hyp", ChrF{Beta: 3, EpsSmoothing: true}, []string{""}, []string{"reference"}, 0},
		{"eps aa ab", ChrF{Beta: 3, EpsSmoothing: true}, []string{"aa"}, []string{"ab"}, 8.3333},
		{"eps two segments", ChrF{Beta: 3, EpsSmoothing: true}, []string{"a", "b"}, []string{"a", "c"}, 8.3333},
		{"eps a a", ChrF{Beta: 3, EpsSmoothing: true}, []string{"a"}, []string{"a"}, 16.6667},
		{"eps a b c", ChrF{Beta: 3, EpsSmoothing: true}, []string{"a b c"}, []string{"a b c"}, 50},
		{"eps whitespace ignored", ChrF{Beta: 3, EpsSmoothing: true}, []string{"a b c"}, []string{"abc"}, 50},
		{"eps sentence", ChrF{Beta: 3, EpsSmoothing: true},
			[]string{" risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."},
			[]string{"risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."}, 63.361730},
		{"eps german", ChrF{Beta: 3, EpsSmoothing: true},
			[]string{" Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. "},
			[]string{"Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."}, 64.1302698},
		{"eps identical", ChrF{Beta: 3, EpsSmoothing: true},
			[]string{"Niemand hat die Absicht, eine Mauer zu errichten"}, []string{"Niemand hat die Absicht, eine Mauer zu errichten"}, 100},
		{"effective a a", ChrF{Beta: 3}, []string{"a"}, []string{"a"}, 100},
		{"effective empty hyp", ChrF{Beta: 3}, []string{""}, []string{"reference"}, 0},
		{"effective a b c", ChrF{Beta: 3}, []string{"a b c"}, []string{"a b c"}, 100},
		{"effective whitespace ignored", ChrF{Beta: 3}, []string{"a b c"}, []string{"abc"}, 100},
		{"effective empty vs c", ChrF{Beta: 3}, []string{""}, []string{"c"}, 0},
		{"effective two segments", ChrF{Beta: 3}, []string{"a", "b"}, []string{"a", "c"}, 50},
		{"effective aa ab", ChrF{Beta: 3}, []string{"aa"}, []string{"ab"}, 25},
		{"whitespace kept german", ChrF{Beta: 3, Whitespace: true},
			[]string{"Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich."},
			[]string{"Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."}, 67.3481606},
		{"whitespace kept english", ChrF{Beta: 3, Whitespace: true},
			[]string{"risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."},
			[]string{"risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."}, 65.2414427},
		{"sentence czech 1", ChrF{EpsSmoothing: true},
			[]string{"Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře."},
			[]string{"Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře."}, 39.14078509},
		{"sentence czech 2", ChrF{EpsSmoothing: true},
			[]string{"Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři."},
			[]string{"A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři."}, 31.22557079},
		{"sentence czech 3", ChrF{EpsSmoothing: true},
			[]string{"Lapali po dechu, jejich životy skončily dřív, než skutečně začaly."},
			[]string{"Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli."}, 57.15704367},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			refs := make([][]string, len(tt.refs))
			for i, r := range tt.refs {
				refs[i] = []string{r}
			}
			got, err := tt.chrf.Corpus(tt.hyps, refs)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got.Score-tt.want) > 1e-4 {
				t.Errorf("score %v, want %v", got.Score, tt.want)
			}
		})
	}
}

func TestChrFWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"(Hello), world!", []string{"(Hello)", ",", "world", "!"}},
		{"(hi) ( ) x", []string{"(hi", ")", "(", ")", "x"}},
		{"'quoted word", []string{"'", "quoted", "word"}},
		{"中文。 中文, «x»", []string{"中文。", "中文", ",", "«x»"}},
		{"...", []string{"..", "."}},
		{"", []string{}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, chrfWords(tt.in)); diff != "" {
			t.Errorf("chrfWords(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestChrFProperties(t *testing.T) {
	t.Run("identical is 100", func(t *testing.T) {
		for _, s := range []string{"a", "ab", "a man rides a horse", "他说你好", "𠮷"} {
			for _, wo := range []int{0, 2} {
				got, err := SentenceChrF(s, []string{"zzz", s}, wo)
				if err != nil || math.Abs(got.Score-100) > 1e-9 {
					t.Errorf("SentenceChrF(%q, word order %d) = %v, %v; want 100", s, wo, got.Score, err)
				}
			}
		}
	})
	t.Run("first best reference wins", func(t *testing.T) {
		got, err := SentenceChrF("the cat sat", []string{"a dog", "the cat sat down", "the cat sat down"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		single, _ := SentenceChrF("the cat sat", []string{"the cat sat down"}, 0)
		if d := cmp.Diff(single, got); d != "" {
			t.Errorf("(-best single +multi):\n%s", d)
		}
	})
	t.Run("hyp count is 0 where the reference has no n-gram", func(t *testing.T) {
		got, _ := SentenceChrF("abcdef", []string{"ab"}, 0)
		want := []ChrFStat{{6, 2, 2}, {5, 1, 1}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}}
		if d := cmp.Diff(want, got.Stats); d != "" {
			t.Errorf("stats (-want +got):\n%s", d)
		}
	})
	t.Run("lowercase", func(t *testing.T) {
		got, err := ChrF{Lowercase: true}.Sentence("THE CAT", []string{"the cat"})
		if err != nil || math.Abs(got.Score-100) > 1e-9 {
			t.Errorf("lowercased chrF = %v, %v; want 100", got.Score, err)
		}
	})
}

func TestChrFErrors(t *testing.T) {
	tests := []struct {
		name string
		run  func() error
		want string
	}{
		{"no references", func() error { _, err := SentenceChrF("a", nil, 0); return err }, "no references"},
		{"negative order", func() error { _, err := SentenceChrF("a", []string{"a"}, -1); return err }, "negative"},
		{"no hypotheses", func() error { _, err := CorpusChrF(nil, nil, 0); return err }, "no hypotheses"},
		{"length mismatch", func() error { _, err := CorpusChrF([]string{"a"}, nil, 0); return err }, "1 hypotheses"},
		{"segment without references", func() error { _, err := CorpusChrF([]string{"a"}, [][]string{nil}, 2); return err }, "hypothesis 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.run(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// FuzzChrF checks invariants on any input: scores within [0, 100], a match
// never exceeds either side's count, a text scores 100 against itself, and
// the corpus score of one segment is its sentence score.
func FuzzChrF(f *testing.F) {
	f.Add("(Hello), world!", "Hello world")
	f.Add("ice cream", "icecream")
	f.Add("他说“你好”——然后离开…", "他说“你好”然后离开")
	f.Add("", "x")
	f.Add(" \t ", "")
	f.Fuzz(func(t *testing.T, hyp, ref string) {
		for _, wo := range []int{0, 2} {
			got, err := SentenceChrF(hyp, []string{ref}, wo)
			if err != nil {
				t.Fatal(err)
			}
			if !(got.Score >= 0 && got.Score <= 100+1e-9) {
				t.Fatalf("chrF(%q, %q, %d) = %v", hyp, ref, wo, got.Score)
			}
			for i, s := range got.Stats {
				if s.Match > s.Ref || (s.Hyp > 0 && s.Match > s.Hyp) || s.Match < 0 {
					t.Fatalf("chrF(%q, %q, %d) order %d: %+v", hyp, ref, wo, i, s)
				}
			}
			corpus, err := CorpusChrF([]string{hyp}, [][]string{{ref}}, wo)
			if err != nil || cmp.Diff(got, corpus) != "" {
				t.Fatalf("corpus of one differs: %v\n%s", err, cmp.Diff(got, corpus))
			}
			if strings.TrimFunc(hyp, sacreIsSpace) != "" {
				self, _ := SentenceChrF(hyp, []string{hyp}, wo)
				if math.Abs(self.Score-100) > 1e-9 {
					t.Fatalf("chrF(%q, itself, %d) = %v", hyp, wo, self.Score)
				}
			}
		}
	})
}

func BenchmarkSentenceChrF(b *testing.B) {
	for _, wo := range []int{0, 2} {
		b.Run(map[int]string{0: "chrF", 2: "chrF++"}[wo], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := SentenceChrF(benchHyps[0], benchRefs[0], wo); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkCorpusChrF(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := CorpusChrF(benchHyps, benchRefs, 2); err != nil {
			b.Fatal(err)
		}
	}
}
