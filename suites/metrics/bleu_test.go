package metrics

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// diffBLEU compares with the oracle tolerances: Score and Precisions
// within 1e-4 (0–100 scale), BP within 1e-6, the integers exactly.
func diffBLEU(want, got BLEUScore) string {
	if d := cmp.Diff(want, got, cmpopts.IgnoreFields(BLEUScore{}, "BP"), cmpopts.EquateApprox(0, 1e-4)); d != "" {
		return d
	}
	if math.Abs(want.BP-got.BP) > 1e-6 {
		return "BP: want " + ftoa(want.BP) + ", got " + ftoa(got.BP)
	}
	return ""
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// TestBLEUOracleSentence checks sentence BLEU with each tokenizer against
// sacreBLEU 2.6.0's BLEU(effective_order=True[, tokenize=...]) on every
// pair of bleu_chrf.json, whatever the pair's language.
func TestBLEUOracleSentence(t *testing.T) {
	o := readBLEUOracle(t)
	for _, p := range o.Pairs {
		t.Run(p.ID, func(t *testing.T) {
			for tok, want := range map[string]BLEUScore{"13a": p.Sentence.BLEU13a, "zh": p.Sentence.BLEUZh, "char": p.Sentence.BLEUChar} {
				got, err := SentenceBLEU(p.Hypothesis, p.References, tok)
				if err != nil {
					t.Fatalf("%s: %v", tok, err)
				}
				if d := diffBLEU(want, got); d != "" {
					t.Errorf("tokenizer %s (-sacrebleu +ours):\n%s", tok, d)
				}
			}
		})
	}
}

// TestBLEUOracleCorpus checks corpus BLEU against corpus_score on the
// COCO pairs (four reference streams) and on the listed edge pairs.
func TestBLEUOracleCorpus(t *testing.T) {
	o := readBLEUOracle(t)
	byID := map[string]int{}
	for i, p := range o.Pairs {
		byID[p.ID] = i
	}
	ran := 0
	for name, c := range o.Corpus {
		if !strings.HasPrefix(name, "bleu") {
			continue
		}
		ran++
		t.Run(name, func(t *testing.T) {
			var hyps []string
			var streams [][]string
			add := func(i int) {
				p := o.Pairs[i]
				hyps = append(hyps, p.Hypothesis)
				for k, r := range p.References {
					if k == len(streams) {
						streams = append(streams, nil)
					}
					streams[k] = append(streams[k], r)
				}
			}
			if c.IDs != nil {
				for _, id := range c.IDs {
					i, ok := byID[id]
					if !ok {
						t.Fatalf("unknown id %s", id)
					}
					add(i)
				}
			} else {
				for i, p := range o.Pairs {
					if p.Kind == "coco_multi_ref" {
						add(i)
					}
				}
			}
			refs, err := RefsFromStreams(streams)
			if err != nil {
				t.Fatal(err)
			}
			b := BLEU{}
			for k, v := range c.Kwargs {
				switch k {
				case "lowercase":
					b.Lowercase = v.(bool)
				default:
					t.Fatalf("kwarg %s not handled by the test", k)
				}
			}
			got, err := b.Corpus(hyps, refs)
			if err != nil {
				t.Fatal(err)
			}
			if d := diffBLEU(c.BLEUScore, got); d != "" {
				t.Errorf("(-sacrebleu +ours):\n%s", d)
			}
			if b == (BLEU{}) {
				got2, err := CorpusBLEU(hyps, refs, "13a")
				if err != nil || cmp.Diff(got, got2) != "" {
					t.Errorf("CorpusBLEU differs from BLEU{}.Corpus: %v\n%s", err, cmp.Diff(got, got2))
				}
			}
		})
	}
	if ran < 3 {
		t.Errorf("ran %d BLEU corpus oracles, want the 3 in bleu_chrf.json", ran)
	}
}

// sacreBLEU's own test vectors (test/test_sentence_bleu.py from issue #98,
// test/test_bleu.py), for the options the oracle file does not cover.
func TestBLEUSacrebleuSuite(t *testing.T) {
	const ref98 = "producţia de zahăr brut se exprimă în zahăr alb;"
	const sys98 = "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;"
	sentence := []struct {
		name string
		bleu BLEU
		want float64
	}{
		{"exp", BLEU{EffectiveOrder: true}, 8.493},
		{"none smoothing", BLEU{EffectiveOrder: true, Smooth: "none"}, 0},
		{"none tokenizer", BLEU{EffectiveOrder: true, Tokenize: "none"}, 7.347},
		{"char", BLEU{EffectiveOrder: true, Tokenize: "char"}, 40.8759},
		{"char lowercase", BLEU{EffectiveOrder: true, Tokenize: "char", Lowercase: true}, 42.0267},
	}
	for _, tt := range sentence {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.bleu.Sentence(sys98, []string{ref98})
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got.Score-tt.want) > 1e-3 {
				t.Errorf("score %v, want %v", got.Score, tt.want)
			}
		})
	}
	t.Run("no match is 0 whatever the smoothing", func(t *testing.T) {
		for _, s := range []string{"exp", "none"} {
			got, err := BLEU{EffectiveOrder: true, Smooth: s}.Sentence("this is a cat", []string{"okay thanks"})
			if err != nil || got.Score != 0 {
				t.Errorf("%s: %v, %v", s, got.Score, err)
			}
		}
	})

	streams := [][]string{
		{"The dog bit the man.", "It was not unexpected.", "The man bit him first."},
		{"The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."},
	}
	hyps := []string{"The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."}
	refs, err := RefsFromStreams(streams)
	if err != nil {
		t.Fatal(err)
	}
	corpus := []struct {
		name string
		hyps []string
		bleu BLEU
		want float64
	}{
		{"default", hyps, BLEU{}, 48.530827},
		{"empty hypotheses", []string{"", "", ""}, BLEU{}, 0},
		{"none tokenizer", hyps, BLEU{Tokenize: "none"}, 49.1919566},
		{"13a", hyps, BLEU{Tokenize: "13a"}, 48.530827},
		{"no smoothing", hyps, BLEU{Smooth: "none"}, 48.530827},
	}
	for _, tt := range corpus {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.bleu.Corpus(tt.hyps, refs)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got.Score-tt.want) > 1e-6 {
				t.Errorf("score %v, want %v", got.Score, tt.want)
			}
		})
	}
}

func TestBLEUProperties(t *testing.T) {
	long := "a man rides a brown horse along the beach at sunset"
	t.Run("identical is 100", func(t *testing.T) {
		for _, tok := range BLEUTokenizers {
			got, err := SentenceBLEU(long, []string{"something else entirely", long}, tok)
			if err != nil {
				t.Fatal(err)
			}
			want := BLEUScore{Score: 100, Counts: []int{got.SysLen, got.SysLen - 1, got.SysLen - 2, got.SysLen - 3},
				Totals:     []int{got.SysLen, got.SysLen - 1, got.SysLen - 2, got.SysLen - 3},
				Precisions: []float64{100, 100, 100, 100}, BP: 1, SysLen: got.SysLen, RefLen: got.SysLen}
			if d := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-9)); d != "" || got.SysLen < 4 {
				t.Errorf("%s (-want +got):\n%s", tok, d)
			}
		}
	})
	t.Run("short identical hypothesis keeps effective order", func(t *testing.T) {
		got, err := SentenceBLEU("a black cat", []string{"a black cat"}, "")
		if err != nil || math.Abs(got.Score-100) > 1e-9 {
			t.Errorf("got %+v, %v; want 100", got, err)
		}
		got, err = CorpusBLEU([]string{"a black cat"}, [][]string{{"a black cat"}}, "")
		if err != nil || got.Score != 0 {
			t.Errorf("corpus (no effective order) got %v, %v; want 0", got.Score, err)
		}
	})
	t.Run("more references never lower the counts", func(t *testing.T) {
		one, _ := SentenceBLEU("the the cat sat", []string{"the cat"}, "")
		two, _ := SentenceBLEU("the the cat sat", []string{"the cat", "the the dog sat"}, "")
		for n := range one.Counts {
			if two.Counts[n] < one.Counts[n] {
				t.Errorf("counts %v with two references, %v with one", two.Counts, one.Counts)
			}
		}
	})
	t.Run("range", func(t *testing.T) {
		for _, hyp := range []string{"", " ", "x", "the cat", "cat the", long, strings.Repeat("the ", 50)} {
			for _, refs := range [][]string{{""}, {"the cat"}, {long, "the"}} {
				got, err := SentenceBLEU(hyp, refs, "")
				if err != nil || !(got.Score >= 0 && got.Score <= 100+1e-9) || got.BP < 0 || got.BP > 1 {
					t.Errorf("SentenceBLEU(%q, %q) = %+v, %v", hyp, refs, got, err)
				}
			}
		}
	})
}

func TestBLEUErrors(t *testing.T) {
	tests := []struct {
		name string
		run  func() error
		want string
	}{
		{"unknown tokenizer", func() error { _, err := SentenceBLEU("a", []string{"a"}, "intl"); return err }, `"intl"`},
		{"unknown smoothing", func() error { _, err := BLEU{Smooth: "floor"}.Sentence("a", []string{"a"}); return err }, `"floor"`},
		{"no references", func() error { _, err := SentenceBLEU("a", nil, ""); return err }, "no references"},
		{"no hypotheses", func() error { _, err := CorpusBLEU(nil, nil, ""); return err }, "no hypotheses"},
		{"length mismatch", func() error { _, err := CorpusBLEU([]string{"a", "b"}, [][]string{{"a"}}, ""); return err }, "2 hypotheses"},
		{"segment without references", func() error { _, err := CorpusBLEU([]string{"a", "b"}, [][]string{{"a"}, {}}, ""); return err }, "hypothesis 1"},
		{"ragged streams", func() error { _, err := RefsFromStreams([][]string{{"a", "b"}, {"a"}}); return err }, "stream 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.run(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestRefsFromStreams(t *testing.T) {
	got, err := RefsFromStreams([][]string{{"a1", "b1"}, {"a2", "b2"}, {"a3", "b3"}})
	want := [][]string{{"a1", "a2", "a3"}, {"b1", "b2", "b3"}}
	if err != nil || cmp.Diff(want, got) != "" {
		t.Errorf("RefsFromStreams: %v (-want +got):\n%s", err, cmp.Diff(want, got))
	}
}

var benchHyps, benchRefs = func() ([]string, [][]string) {
	words := strings.Fields(benchLine)
	var hyps []string
	var refs [][]string
	for i := range 200 {
		h := strings.Join(words[i%7:], " ")
		hyps = append(hyps, h)
		refs = append(refs, []string{strings.Join(words[:len(words)-i%5], " "), strings.Join(words[i%3:], " ")})
	}
	return hyps, refs
}()

func BenchmarkSentenceBLEU(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SentenceBLEU(benchHyps[0], benchRefs[0], "13a"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCorpusBLEU(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := CorpusBLEU(benchHyps, benchRefs, "13a"); err != nil {
			b.Fatal(err)
		}
	}
}
