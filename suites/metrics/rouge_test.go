package metrics

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// rougeTol is the oracle README's tolerance for ROUGE on the 0–1 scale.
var rougeTol = cmpopts.EquateApprox(0, 1e-6)

// TestRougeOracleEnglish checks every pair of rouge_en.json, unstemmed and
// stemmed, all four types, precision, recall and F, and the per-type mean
// F over the non-edge pairs.
func TestRougeOracleEnglish(t *testing.T) {
	var file rougeEnFile
	readRougeOracle(t, "rouge_en.json", &file)
	if len(file.Pairs) < 40 {
		t.Fatalf("only %d pairs in rouge_en.json", len(file.Pairs))
	}
	for _, v := range []struct {
		name string
		opts RougeOptions
		mean map[string]float64
	}{
		{"nostem", RougeOptions{}, file.MeanFmeasureNonEdge.Nostem},
		{"stem", RougeOptions{Stem: true}, file.MeanFmeasureNonEdge.Stem},
	} {
		t.Run(v.name, func(t *testing.T) {
			sums, n := map[string]float64{}, 0
			for _, p := range file.Pairs {
				want := p.Scores.Nostem.byMetric()
				if v.opts.Stem {
					want = p.Scores.Stem.byMetric()
				}
				if len(want) != 4 {
					t.Fatalf("%s: oracle has %d types, want 4", p.ID, len(want))
				}
				got := Rouge(p.Target, p.Prediction, v.opts)
				for metric, w := range want {
					g, _ := got.Get(metric)
					if diff := cmp.Diff(w, g, rougeTol); diff != "" {
						t.Errorf("%s %s (-want +got):\n%s", p.ID, metric, diff)
					}
					if p.Kind != "edge" {
						sums[metric] += g.F
					}
				}
				if p.Kind != "edge" {
					n++
				}
			}
			if n != 30 {
				t.Errorf("%d non-edge pairs, want 30", n)
			}
			for metric, want := range v.mean {
				if diff := cmp.Diff(want, sums[metric]/float64(n), rougeTol); diff != "" {
					t.Errorf("mean %s F (-want +got):\n%s", metric, diff)
				}
			}
		})
	}
}

// TestRougeOracleChinese checks rouge_zh.json's char_level variant (A) and
// its default_tokenizer results, every pair, every type given. Variant B
// (OpenCompass: jieba segmentation + rouge_chinese) is out of scope here.
func TestRougeOracleChinese(t *testing.T) {
	var file rougeZhFile
	readRougeOracle(t, "rouge_zh.json", &file)
	if len(file.Pairs) < 40 {
		t.Fatalf("only %d pairs in rouge_zh.json", len(file.Pairs))
	}
	sums, n := map[string]float64{}, 0
	for _, p := range file.Pairs {
		for _, v := range []struct {
			name string
			opts RougeOptions
			want oracleVariant
		}{
			{"char_level", RougeOptions{Tokenizer: TokenizerZhChar}, p.CharLevel},
			{"default_tokenizer", RougeOptions{Tokenizer: TokenizerDefault}, p.DefaultTokenizer},
		} {
			want := v.want.Scores.byMetric()
			if len(want) != 3 {
				t.Fatalf("%s %s: oracle has %d types, want 3", p.ID, v.name, len(want))
			}
			got := Rouge(p.Reference, p.Prediction, v.opts)
			for metric, w := range want {
				g, _ := got.Get(metric)
				if diff := cmp.Diff(w, g, rougeTol); diff != "" {
					t.Errorf("%s %s %s (-want +got):\n%s", p.ID, v.name, metric, diff)
				}
				if v.name == "char_level" && p.Kind != "edge" {
					sums[metric] += g.F
				}
			}
		}
		if p.Kind != "edge" {
			n++
		}
	}
	for metric, want := range file.AggregateNonEdge.CharLevelMeanF {
		if diff := cmp.Diff(want, sums[metric]/float64(n), rougeTol); diff != "" {
			t.Errorf("mean char_level %s F (-want +got):\n%s", metric, diff)
		}
	}
}

// TestRougeMetricAgrees checks that RougeMetric gives what Rouge and
// RougeMulti give for the same type, on every English oracle pair alone and
// with the other pairs' targets as extra references.
func TestRougeMetricAgrees(t *testing.T) {
	var file rougeEnFile
	readRougeOracle(t, "rouge_en.json", &file)
	for i, p := range file.Pairs {
		targets := []string{p.Target, file.Pairs[(i+1)%len(file.Pairs)].Target, file.Pairs[(i+7)%len(file.Pairs)].Prediction}
		for _, opts := range []RougeOptions{{}, {Stem: true}} {
			single, multi := Rouge(p.Target, p.Prediction, opts), RougeMulti(targets, p.Prediction, opts)
			for _, metric := range []string{"rouge1", "rouge2", "rougeL", "rougeLsum"} {
				got, err := RougeMetric(metric, targets[:1], p.Prediction, opts)
				if err != nil {
					t.Fatal(err)
				}
				want, _ := single.Get(metric)
				if got != want {
					t.Errorf("%s %s single: RougeMetric %+v, Rouge %+v", p.ID, metric, got, want)
				}
				got, _ = RougeMetric(metric, targets, p.Prediction, opts)
				want, _ = multi.Get(metric)
				if got != want {
					t.Errorf("%s %s multi: RougeMetric %+v, RougeMulti %+v", p.ID, metric, got, want)
				}
			}
		}
	}
}

func TestRougeMulti(t *testing.T) {
	tests := []struct {
		name    string
		targets []string
		pred    string
		want    RougeScores
	}{
		{
			name:    "no targets",
			targets: nil,
			pred:    "a b c",
			want:    RougeScores{},
		},
		{
			// rouge1 is best against the second target (F 1 vs 2/3);
			// rouge2 and rougeL tie on F, so the first target's P/R stay.
			name:    "per type, first target on ties",
			targets: []string{"a b x", "b a"},
			pred:    "a b",
			want: RougeScores{
				Rouge1:    PRF{1, 1, 1},
				Rouge2:    PRF{1, 0.5, 2.0 / 3},
				RougeL:    PRF{1, 2.0 / 3, 0.8},
				RougeLsum: PRF{1, 2.0 / 3, 0.8},
			},
		},
		{
			name:    "keeps the chosen target's precision and recall",
			targets: []string{"the cat", "the cat sat on the mat today"},
			pred:    "the cat sat on the mat",
			want: RougeScores{
				Rouge1:    PRF{6.0 / 6, 6.0 / 7, 2 * (6.0 / 7) / (1 + 6.0/7)},
				Rouge2:    PRF{5.0 / 5, 5.0 / 6, 2 * (5.0 / 6) / (1 + 5.0/6)},
				RougeL:    PRF{6.0 / 6, 6.0 / 7, 2 * (6.0 / 7) / (1 + 6.0/7)},
				RougeLsum: PRF{6.0 / 6, 6.0 / 7, 2 * (6.0 / 7) / (1 + 6.0/7)},
			},
		},
		{
			name:    "all targets score 0",
			targets: []string{"x", "y z"},
			pred:    "a b",
			want:    RougeScores{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RougeMulti(tt.targets, tt.pred, RougeOptions{})
			if diff := cmp.Diff(tt.want, got, rougeTol); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRougeMetric(t *testing.T) {
	tests := []struct {
		name    string
		metric  string
		target  string
		pred    string
		want    PRF
		wantErr bool
	}{
		// 3-grams of the target: abc bcd cde; of the prediction: abc bcd bce.
		{"rouge3", "rouge3", "a b c d e", "a b c d x b c e", PRF{2.0 / 6, 2.0 / 3, 2 * (2.0 / 6) * (2.0 / 3) / (2.0/6 + 2.0/3)}, false},
		{"rouge9 on short texts", "rouge9", "a b c", "a b c", PRF{}, false},
		{"clipped by the prediction's count", "rouge1", "go go go go stop", "go stop", PRF{1, 0.4, 2 * 0.4 / 1.4}, false},
		{"rouge0", "rouge0", "a", "a", PRF{}, true},
		{"rouge10", "rouge10", "a", "a", PRF{}, true},
		{"lower-case l", "rougel", "a", "a", PRF{}, true},
		{"empty", "", "a", "a", PRF{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := RougeMetric(tt.metric, []string{tt.target}, tt.pred, RougeOptions{})
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if IsRougeMetric(tt.metric) == tt.wantErr {
				t.Errorf("IsRougeMetric(%q) = %v", tt.metric, !tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got, rougeTol); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestRougeLsumUnion pins the summary-level LCS on small cases worked by
// hand from the definition.
func TestRougeLsumUnion(t *testing.T) {
	tests := []struct {
		name   string
		target string
		pred   string
		want   PRF
	}{
		// "a b" vs "b a": on the tie at (2, 2) the backtrack steps to
		// i-1, so it keeps index 0 ("a"); vs "b": index 1. Union {0, 1}:
		// 2 hits of 3 prediction tokens, 2 target tokens.
		{"union over prediction sentences", "a b", "b a\nb", PRF{2.0 / 3, 1, 0.8}},
		// The same with "a" as the second sentence: both LCSs are {0}.
		{"tie-break decides the union", "a b", "b a\na", PRF{1.0 / 3, 0.5, 0.4}},
		// Both target sentences match the single "the" of the prediction;
		// the counter lets only the first count.
		{"count cap", "the cat\nthe dog", "the", PRF{1, 0.25, 0.4}},
		{"empty lines and CR", "\n\na b\r\n", "a b", PRF{1, 1, 1}},
		{"target without tokens", "!!!\n", "a", PRF{}},
		{"sentence without tokens among others", "a\n---\nb", "b a", PRF{1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Rouge(tt.target, tt.pred, RougeOptions{}).RougeLsum
			if diff := cmp.Diff(tt.want, got, rougeTol); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRougeOptions(t *testing.T) {
	tests := []struct {
		opts RougeOptions
		name string
		toks []string
	}{
		{RougeOptions{}, "rouge-score", []string{"running", "dogs"}},
		{RougeOptions{Tokenizer: TokenizerDefault, Stem: true}, "rouge-score+porter", []string{"run", "dog"}},
		{RougeOptions{Tokenizer: TokenizerZhChar}, "zh-char", []string{"running", "狗", "dogs", "𠮷"}},
		{RougeOptions{Tokenizer: TokenizerZhChar, Stem: true}, "zh-char+porter", []string{"run", "狗", "dog", "𠮷"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.opts.Name(); got != tt.name {
				t.Errorf("Name() = %q", got)
			}
			if diff := cmp.Diff(tt.toks, tt.opts.Tokens("Running 狗 dogs 𠮷")); diff != "" {
				t.Errorf("tokens (-want +got):\n%s", diff)
			}
		})
	}
	defer func() {
		if recover() == nil {
			t.Error("unknown tokenizer did not panic")
		}
	}()
	Rouge("a", "a", RougeOptions{Tokenizer: "jieba"})
}

// propertyTexts returns a fixed set of texts for the property tests: the
// oracle-free hand cases plus seeded random ones over a small vocabulary
// (so that they overlap), some with several lines.
func propertyTexts() []string {
	texts := []string{"", " ", "a", "the cat sat on the mat", "The Cat\nsat on\n\nthe mat.",
		"北京地铁票价调整", "北京 metro 2024 票价", "𠮷野家 opens", "running runs ran\nrunner"}
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := []string{"a", "the", "cat", "cats", "running", "run", "on", "mat", "北", "京", "42", "\n", ",", "Über"}
	for range 60 {
		var b strings.Builder
		for range rng.IntN(25) {
			b.WriteString(vocab[rng.IntN(len(vocab))])
			b.WriteByte(' ')
		}
		texts = append(texts, b.String())
	}
	return texts
}

var allRougeOptions = []RougeOptions{{}, {Stem: true}, {Tokenizer: TokenizerZhChar}, {Tokenizer: TokenizerZhChar, Stem: true}}

// TestRougeProperties: scores are in [0, 1] with F between P and R;
// rouge1, rouge2 and rougeL are symmetric in F (swapping target and
// prediction swaps P and R); a text scored against itself has F = 1 for
// every type it has units for (rouge2 needs two tokens).
func TestRougeProperties(t *testing.T) {
	texts := propertyTexts()
	for _, opts := range allRougeOptions {
		t.Run(opts.Name(), func(t *testing.T) {
			for _, a := range texts {
				for _, b := range texts {
					checkRougeInvariants(t, a, b, opts)
				}
				self := Rouge(a, a, opts)
				n := len(opts.Tokens(a))
				for _, c := range []struct {
					metric string
					want   float64
				}{
					{"rouge1", b2f(n >= 1)}, {"rouge2", b2f(n >= 2)}, {"rougeL", b2f(n >= 1)}, {"rougeLsum", b2f(n >= 1)},
				} {
					if got, _ := self.Get(c.metric); got.F != c.want {
						t.Errorf("%q against itself: %s F = %v, want %v", a, c.metric, got.F, c.want)
					}
				}
			}
		})
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func checkRougeInvariants(t *testing.T, target, pred string, opts RougeOptions) {
	t.Helper()
	ab, ba := Rouge(target, pred, opts), Rouge(pred, target, opts)
	for _, metric := range []string{"rouge1", "rouge2", "rougeL", "rougeLsum"} {
		s, _ := ab.Get(metric)
		for _, v := range []float64{s.Precision, s.Recall, s.F} {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("%s(%q, %q) = %+v: out of [0, 1]", metric, target, pred, s)
			}
		}
		if s.F < min(s.Precision, s.Recall)-1e-12 || s.F > max(s.Precision, s.Recall)+1e-12 {
			t.Fatalf("%s(%q, %q) = %+v: F not between P and R", metric, target, pred, s)
		}
		if metric == "rougeLsum" {
			continue // the union LCS is taken over target sentences only
		}
		r, _ := ba.Get(metric)
		if r.F != s.F || r.Precision != s.Recall || r.Recall != s.Precision {
			t.Fatalf("%s not symmetric: (%q, %q) = %+v, swapped %+v", metric, target, pred, s, r)
		}
	}
}

func FuzzRouge(f *testing.F) {
	f.Add("the cat sat on the mat", "the mat sat on the cat", false, false)
	f.Add("Police made two arrests.\nBoth men were released.", "Both men were released\n\nafter arrests", true, false)
	f.Add("北京高污染企业迁至河北", "北京与河北的产业对接", false, true)
	f.Add("DİYARBAKIR ＮＡＳＡ ﬁnal", "diyarbakir nasa final", true, true)
	f.Add("a\r\nb\xff", "\n", false, false)
	f.Fuzz(func(t *testing.T, target, pred string, stem, zh bool) {
		opts := RougeOptions{Stem: stem}
		if zh {
			opts.Tokenizer = TokenizerZhChar
		}
		checkRougeInvariants(t, target, pred, opts)
		multi := RougeMulti([]string{pred, target}, pred, opts)
		for _, metric := range []string{"rouge1", "rougeL", "rougeLsum"} {
			s, _ := multi.Get(metric)
			if want := b2f(len(opts.Tokens(pred)) > 0); s.F != want {
				t.Fatalf("RougeMulti with the prediction among targets: %s F = %v, want %v", metric, s.F, want)
			}
		}
	})
}

// benchTexts returns a target and a prediction of about n words each in
// sentences of about 20 words.
func benchTexts(n int, words []string) (string, string) {
	rng := rand.New(rand.NewPCG(3, 4))
	gen := func() string {
		var b strings.Builder
		for i := range n {
			b.WriteString(words[rng.IntN(len(words))])
			if i%20 == 19 {
				b.WriteString(".\n")
			} else {
				b.WriteByte(' ')
			}
		}
		return b.String()
	}
	return gen(), gen()
}

func BenchmarkRouge(b *testing.B) {
	en := strings.Fields("the a of to in said minister government people year running police club league first after had were would")
	zh := strings.Split("北京河北企业合作污染地铁票价调整国家战略产业对接近日动作", "")
	for _, bb := range []struct {
		name  string
		words []string
		n     int
		opts  RougeOptions
	}{
		{"en-100", en, 100, RougeOptions{}},
		{"en-100-stem", en, 100, RougeOptions{Stem: true}},
		{"en-1000", en, 1000, RougeOptions{}},
		{"zh-char-200", zh, 200, RougeOptions{Tokenizer: TokenizerZhChar}},
	} {
		target, pred := benchTexts(bb.n, bb.words)
		b.Run(bb.name, func(b *testing.B) {
			for b.Loop() {
				Rouge(target, pred, bb.opts)
			}
		})
		b.Run(bb.name+"-rougeL-only", func(b *testing.B) {
			for b.Loop() {
				if _, err := RougeMetric("rougeL", []string{target}, pred, bb.opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
